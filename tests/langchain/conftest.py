"""Fixtures for the LangChain integration: a `/v1/logs` sink on the fake provider and handlers that ship to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from portkey_ai.langchain import PortkeyCallbackHandler
from portkey_ai.lib import LogShipper
from tests.langchain.sinks import LOGS_PATH
from tests.servers.fake_provider import FakeProvider

HandlerFactory = Callable[..., PortkeyCallbackHandler]


@pytest.fixture
def sink(fake_provider: FakeProvider) -> FakeProvider:
    """The fake provider, answering `POST /v1/logs` with 200 (faults can still be queued for that path)."""
    fake_provider.set_route("POST", LOGS_PATH, status=200, json_body={})
    return fake_provider


@pytest.fixture
def make_handler(sink: FakeProvider) -> Iterator[HandlerFactory]:
    """Build handlers that ship to `sink` quickly (50 ms batches); shut them down after the test."""
    created: list[PortkeyCallbackHandler] = []

    def make(*, max_retries: int = 2, base_url: str | None = None, **kwargs: Any) -> PortkeyCallbackHandler:
        shipper = LogShipper(
            api_key="pk-test",
            base_url=base_url or sink.base_url,
            flush_interval=0.05,
            max_retries=max_retries,
            timeout=5.0,
        )
        handler = PortkeyCallbackHandler(shipper=shipper, **kwargs)
        created.append(handler)
        return handler

    yield make
    for handler in created:
        handler.shutdown(timeout=5.0)


@pytest.fixture
def handler(make_handler: HandlerFactory) -> PortkeyCallbackHandler:
    """A handler shipping to `sink`."""
    return make_handler()
