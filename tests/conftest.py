"""Shared fixtures: the fake provider, the OSS gateway, Prism and clients wired to them.

Servers are session-scoped and listen on 127.0.0.1 only. When Node.js, the npm packages (``scripts/install-test-servers``)
or the OpenAPI spec are missing, the fixtures that need them skip with the reason; with ``CI=true`` that is a failure.
"""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from portkey_ai import AsyncPortkey, Portkey
from tests.servers.availability import unavailable
from tests.servers.fake_provider import FakeProvider
from tests.servers.node_servers import (
    NodeServer,
    ServerUnavailable,
    prism_spec,
    spec_source,
    start_gateway,
    start_prism,
)

# Test folders of distributions that are not installed are not collected (one `pytest tests` for every install mode).
collect_ignore_glob = [
    f"{folder}/*"
    for folder, module in {
        "admin": "portkey_ai.admin",
        "dropin": "portkey_ai.admin",  # the official SDK's surface includes the admin methods
        "langchain": "portkey_ai.langchain",
        "llamaindex": "portkey_ai.llamaindex",
    }.items()
    if importlib.util.find_spec(module) is None
]


@pytest.fixture(scope="session")
def fake_provider_session() -> Iterator[FakeProvider]:
    """The session's first fake provider deployment (state is not cleared; prefer ``fake_provider``)."""
    with FakeProvider("fake-a") as provider:
        yield provider


@pytest.fixture(scope="session")
def fake_provider_b_session() -> Iterator[FakeProvider]:
    """The session's second fake provider deployment (state is not cleared; prefer ``fake_provider_b``)."""
    with FakeProvider("fake-b") as provider:
        yield provider


@pytest.fixture
def fake_provider(fake_provider_session: FakeProvider) -> FakeProvider:
    """The fake provider ``fake-a``, with no recorded requests, faults or routes left from earlier tests."""
    fake_provider_session.clear()
    return fake_provider_session


@pytest.fixture
def fake_provider_b(fake_provider_b_session: FakeProvider) -> FakeProvider:
    """The fake provider ``fake-b``, with no recorded requests, faults or routes left from earlier tests."""
    fake_provider_b_session.clear()
    return fake_provider_b_session


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeServer]:
    """The OSS gateway, headless on 127.0.0.1 (``.url``; ``.base_url`` ends with ``/v1``)."""
    try:
        server = start_gateway(tmp_path_factory.mktemp("gateway"))
    except ServerUnavailable as exc:
        unavailable(str(exc))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeServer]:
    """Prism mocking the official spec merged with spec/overlay.yaml (``.base_url`` has no ``/v1``: Prism serves the
    spec's paths as they are)."""
    try:
        source = spec_source()
        log_dir = tmp_path_factory.mktemp("prism")
        server = start_prism(prism_spec(source, log_dir), log_dir)
    except ServerUnavailable as exc:
        unavailable(str(exc))
    try:
        yield server
    finally:
        server.close()


def _trace_id() -> str:
    return f"pytest-{uuid.uuid4().hex}"


@pytest.fixture
def gateway_client(gateway: NodeServer, fake_provider: FakeProvider) -> Iterator[Portkey]:
    """A ``Portkey`` client on the gateway, provider ``openai`` with the fake provider as custom host."""
    with Portkey(
        base_url=gateway.base_url,
        provider="openai",
        custom_host=fake_provider.base_url,
        Authorization="sk-fake",
        trace_id=_trace_id(),
    ) as client:
        yield client


@pytest.fixture
async def async_gateway_client(gateway: NodeServer, fake_provider: FakeProvider) -> AsyncIterator[AsyncPortkey]:
    """An ``AsyncPortkey`` client on the gateway, provider ``openai`` with the fake provider as custom host."""
    async with AsyncPortkey(
        base_url=gateway.base_url,
        provider="openai",
        custom_host=fake_provider.base_url,
        Authorization="sk-fake",
        trace_id=_trace_id(),
    ) as client:
        yield client
