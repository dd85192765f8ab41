"""Third-party consumers of `openai.OpenAI` / `openai.AsyncOpenAI` driving `Portkey` / `AsyncPortkey`.

Each test hands a Portkey client to the consumer the way its documentation shows for an OpenAI client, runs it
against the fake provider, and checks both sides: the consumer's parsed result, and that the request reached the
provider with the Portkey headers.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from portkey_ai import AsyncPortkey, Portkey
from tests.helpers.network import block_non_loopback
from tests.servers.fake_provider import FakeProvider, RecordedRequest

METADATA = {"_user": "consumer-test"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Consumers phone home (traces, telemetry): fail anything that is not loopback."""
    block_non_loopback(monkeypatch)


@dataclass(frozen=True)
class Expected:
    """What every request of a test must carry: the trace id is unique per test."""

    trace_id: str

    def check(self, request: RecordedRequest) -> None:
        assert request.path == "/v1/chat/completions"
        assert request.headers["x-portkey-api-key"] == "pk-consumer"
        assert request.headers["x-portkey-provider"] == "openai"
        assert request.headers["authorization"] == "Bearer sk-fake"
        assert request.headers["x-portkey-trace-id"] == self.trace_id
        assert json.loads(request.headers["x-portkey-metadata"]) == METADATA


@pytest.fixture
def expected() -> Expected:
    return Expected(trace_id=f"consumer-{uuid.uuid4().hex}")


def _options(fake_provider: FakeProvider, expected: Expected) -> dict[str, object]:
    return {
        "api_key": "pk-consumer",
        "base_url": fake_provider.base_url,
        "provider": "openai",
        "Authorization": "sk-fake",
        "trace_id": expected.trace_id,
        "metadata": METADATA,
        "max_retries": 0,
    }


@pytest.fixture
def portkey(fake_provider: FakeProvider, expected: Expected) -> Iterator[Portkey]:
    with Portkey(**_options(fake_provider, expected)) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
async def async_portkey(fake_provider: FakeProvider, expected: Expected) -> AsyncIterator[AsyncPortkey]:
    async with AsyncPortkey(**_options(fake_provider, expected)) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
def sync_run_portkey(fake_provider: FakeProvider, expected: Expected) -> Iterator[AsyncPortkey]:
    """An `AsyncPortkey` for a consumer's sync entry point (which drives the thread's default event loop).

    Closed afterwards on that loop, which is then closed too.
    """
    client = AsyncPortkey(**_options(fake_provider, expected))  # type: ignore[arg-type]
    yield client
    loop = asyncio.get_event_loop()  # the loop the sync entry point set as the thread's current one
    loop.run_until_complete(client.close())
    loop.close()
    asyncio.set_event_loop(None)
