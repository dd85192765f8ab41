"""Fixtures for the LlamaIndex integration: no network, a fresh `Settings`, a `/v1/logs` sink, traced handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from llama_index.core import Settings
from llama_index.core.callbacks import CallbackManager
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter

from portkey_ai.lib import LogShipper
from portkey_ai.llamaindex import LlamaIndexCallbackHandler, PortkeyInstrumentor
from tests.helpers.network import block_non_loopback
from tests.llamaindex.support import LOGS_PATH, our_handlers
from tests.servers.fake_provider import FakeProvider


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection or name lookup that is not loopback (no tiktoken/nltk download, no provider call)."""
    block_non_loopback(monkeypatch)


def empty_callback_manager() -> CallbackManager:
    """A callback manager without handlers (`CallbackManager([])` would share the handler list of the manager
    currently in `Settings`, carrying a previous test's handler along)."""
    manager = CallbackManager()
    manager.set_handlers([])
    return manager


@pytest.fixture(autouse=True)
def llama_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Offline models and an empty callback manager in `Settings`; no Portkey key from the environment.

    After the test, the instrumentor is uninstrumented and none of our handlers may be left on the dispatcher.
    """
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    monkeypatch.delenv("PORTKEY_TRACING_ENABLED", raising=False)
    Settings.llm = MockLLM(max_tokens=8)
    Settings.embed_model = MockEmbedding(embed_dim=8)
    Settings.callback_manager = empty_callback_manager()
    # Settings caches its transformations (and with them the callback manager of the first test that used them).
    Settings.node_parser = SentenceSplitter()
    Settings.transformations = [Settings.node_parser]
    yield
    PortkeyInstrumentor().uninstrument(timeout=5.0)
    Settings.callback_manager = empty_callback_manager()
    assert our_handlers() == ([], [])


@pytest.fixture
def sink(fake_provider: FakeProvider) -> FakeProvider:
    """The fake provider, answering `POST /v1/logs` with 200 (faults can still be queued for that path)."""
    fake_provider.set_route("POST", LOGS_PATH, status=200, json_body={})
    return fake_provider


ShipperFactory = Callable[..., LogShipper]


@pytest.fixture
def make_shipper(sink: FakeProvider) -> Iterator[ShipperFactory]:
    """Build shippers sending to `sink` in 50 ms batches; shut down after the test."""
    created: list[LogShipper] = []

    def make(*, base_url: str | None = None, max_retries: int = 0, **kwargs: Any) -> LogShipper:
        kwargs.setdefault("flush_interval", 0.05)
        shipper = LogShipper(api_key="pk-test", base_url=base_url or sink.base_url, max_retries=max_retries, **kwargs)
        created.append(shipper)
        return shipper

    yield make
    for shipper in created:
        shipper.shutdown(timeout=5.0)


@pytest.fixture
def instrumented(sink: FakeProvider) -> PortkeyInstrumentor:
    """The instrumentor, instrumented against `sink` (uninstrumented after the test)."""
    return PortkeyInstrumentor().instrument(api_key="pk-test", base_url=sink.base_url)


HandlerFactory = Callable[..., LlamaIndexCallbackHandler]


@pytest.fixture
def make_callback_handler(sink: FakeProvider) -> Iterator[HandlerFactory]:
    """Build legacy callback handlers sending to `sink`, installed in `Settings.callback_manager`."""
    created: list[LlamaIndexCallbackHandler] = []

    def make(*args: Any, **kwargs: Any) -> LlamaIndexCallbackHandler:
        if not args and "api_key" not in kwargs and "shipper" not in kwargs:
            kwargs["api_key"] = "pk-test"
        if len(args) < 3 and "base_url" not in kwargs and "shipper" not in kwargs:
            kwargs["base_url"] = sink.base_url
        handler = LlamaIndexCallbackHandler(*args, **kwargs)
        created.append(handler)
        Settings.callback_manager = CallbackManager([handler])
        return handler

    yield make
    for handler in created:
        handler.shutdown(timeout=5.0)
