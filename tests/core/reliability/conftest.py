"""Fixtures for the reliability matrix: fault servers, clients that are closed after the test, and probes."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from openai.types.chat import ChatCompletionMessageParam

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from tests.servers.fault_server import FaultServer, Script, chat_completion

CANARY = "pk-canary-" + uuid.uuid4().hex
"""A secret that must never appear in a log record, an error, a repr or a warning."""

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]
FAST = (("retry-after-ms", "1"),)
"""Response headers that make a retry wait 1 ms instead of the backoff."""

Client = Portkey | AsyncPortkey
ClientFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORTKEY_API_KEY", "PORTKEY_BASE_URL", "PORTKEY_PROXY", "PORTKEY_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session", autouse=True)
def _warm_openai() -> None:
    """Build one chat request up front: openai fills its type caches on the first call (seconds on openai 2.x),
    which would otherwise count in the first timing assertion."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=chat_completion()))
    with Portkey(base_url="http://gateway.test/v1", http_client=httpx.Client(transport=transport)) as client:
        client.chat.completions.create(model="gpt-test", messages=MESSAGES)


@pytest.fixture
def serve() -> Iterator[Callable[..., FaultServer]]:
    """Start fault servers (`serve(script, **kwargs)`); they are stopped after the test."""
    servers: list[FaultServer] = []

    def start(script: Script = (), **kwargs: Any) -> FaultServer:
        server = FaultServer(script, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
async def make_client(is_async: bool) -> AsyncIterator[ClientFactory]:
    """Build a `Portkey` or `AsyncPortkey` (per `is_async`) on a server; every client is closed after the test."""
    created: list[Client] = []

    def make(server: FaultServer | str, **kwargs: Any) -> Any:
        base_url = server if isinstance(server, str) else server.base_url
        client: Client = (AsyncPortkey if is_async else Portkey)(base_url=base_url, **kwargs)
        created.append(client)
        return client

    yield make
    for client in created:
        if isinstance(client, AsyncPortkey):
            await client.close()
        else:
            client.close()


async def chat(client: Client, **kwargs: Any) -> Any:
    """One chat completion through either client."""
    kwargs.setdefault("model", "gpt-test")
    kwargs.setdefault("messages", MESSAGES)
    if isinstance(client, AsyncPortkey):
        return await client.chat.completions.create(**kwargs)
    return client.chat.completions.create(**kwargs)


async def collect(client: Client, *, limit: int | None = None, **kwargs: Any) -> tuple[list[Any], BaseException | None]:
    """Stream a chat completion; return the chunks received and the error that ended the stream (or `None`).

    With `limit`, stop reading after that many chunks (leaving the `with` block early).
    """
    kwargs.setdefault("model", "gpt-test")
    kwargs.setdefault("messages", MESSAGES)
    items: list[Any] = []
    try:
        if isinstance(client, AsyncPortkey):
            async with await client.chat.completions.create(stream=True, **kwargs) as stream:
                async for item in stream:
                    items.append(item)
                    if limit is not None and len(items) >= limit:
                        break
        else:
            with client.chat.completions.create(stream=True, **kwargs) as stream:
                for item in stream:
                    items.append(item)
                    if limit is not None and len(items) >= limit:
                        break
    except Exception as error:
        return items, error
    return items, None


def text_of(chunks: list[Any]) -> str:
    """The content of streamed chat chunks, joined."""
    return "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)


def in_flight(client: Client) -> int:
    """Requests the client's connection pool still counts as in flight (openai's `_get_open_connections`)."""
    return len(client._client._transport._pool._requests)  # type: ignore[union-attr]


def pooled(client: Client) -> int:
    """Connections the client's pool holds."""
    return len(client._client._transport._pool.connections)  # type: ignore[union-attr]


def open_fds() -> int:
    """File descriptors open in this process."""
    return len(os.listdir("/proc/self/fd"))


def retry_delays(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The delays of the retries the client logged (seconds, in order)."""
    return [
        record.__dict__["portkey_retry_delay"] for record in caplog.records if "portkey_retry_delay" in record.__dict__
    ]


@pytest.fixture
def retry_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture the client's retry records."""
    caplog.set_level(logging.INFO, logger="portkey_ai")
    return caplog
