"""Timeouts (T1-T7): per-attempt timeouts, the total deadline, pool exhaustion; sync and async."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import portkey_ai
from portkey_ai import APITimeoutError, AsyncPortkey, Portkey, RateLimitError
from portkey_ai._http import httpx
from tests.core.mock_transport import Script, json_response
from tests.core.reliability.conftest import (
    MESSAGES,
    ClientFactory,
    chat,
    collect,
    in_flight,
    open_fds,
    retry_delays,
)
from tests.servers.fault_server import (
    Events,
    FaultServer,
    Reply,
    Trickle,
    chat_chunk,
    chat_completion,
    json_reply,
    sse,
)

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]


@pytest.fixture
def full_backlog() -> Iterator[str]:
    """A base URL whose listener never accepts: its backlog is full, so connecting hangs (no packet leaves loopback)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}/v1"
    for filler in fillers:
        filler.close()
    listener.close()


async def test_t1_connect_timeout_is_retried_then_raised(
    is_async: bool, full_backlog: str, make_client: ClientFactory, retry_log: pytest.LogCaptureFixture
) -> None:
    client = make_client(full_backlog, timeout=portkey_ai.openai.Timeout(30, connect=0.5), max_retries=2)
    baseline = open_fds()
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        await chat(client)
    elapsed = time.monotonic() - started
    delays = retry_delays(retry_log)
    assert len(delays) == 2
    assert 3 * 0.5 + sum(delays) - 0.1 <= elapsed < 3 * 0.5 + sum(delays) + 2.0
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)
    assert open_fds() <= baseline


async def test_t2_read_timeout_before_headers_is_retried(
    is_async: bool, serve: Serve, make_client: ClientFactory, retry_log: pytest.LogCaptureFixture
) -> None:
    server = serve([Reply(delay=2.0)])
    client = make_client(server, timeout=portkey_ai.openai.Timeout(30, read=0.3), max_retries=2)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        await chat(client)
    elapsed = time.monotonic() - started
    assert server.request_count == 3
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    delays = retry_delays(retry_log)
    assert 3 * 0.3 + sum(delays) - 0.1 <= elapsed < 3 * 0.3 + sum(delays) + 2.0


def _mock_client(is_async: bool, script: Script, **kwargs: Any) -> Portkey | AsyncPortkey:
    transport = httpx.MockTransport(script)
    if is_async:
        http_client: Any = httpx.AsyncClient(transport=transport, timeout=kwargs.pop("http_timeout", httpx.Timeout(5)))
        return AsyncPortkey(base_url="http://gateway.test/v1", http_client=http_client, **kwargs)
    http_client = httpx.Client(transport=transport, timeout=kwargs.pop("http_timeout", httpx.Timeout(5)))
    return Portkey(base_url="http://gateway.test/v1", http_client=http_client, **kwargs)


async def test_t3_timeouts_are_never_none_by_default(is_async: bool) -> None:
    script = Script([json_response()])
    timeouts: list[dict[str, float | None]] = []

    def record(request: httpx.Request) -> httpx.Response:
        timeouts.append(dict(request.extensions["timeout"]))
        return json_response()

    script.answers = [record]
    client = _mock_client(is_async, script)
    await chat(client)
    assert timeouts[-1] == {"connect": 5.0, "read": 600.0, "write": 600.0, "pool": 600.0}
    await chat(client, timeout=2)
    assert timeouts[-1] == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}
    own = _mock_client(is_async, script, http_timeout=httpx.Timeout(None))
    await chat(own)
    assert timeouts[-1] == {"connect": None, "read": None, "write": None, "pool": None}
    deadline = _mock_client(is_async, script, total_timeout=3)
    await chat(deadline)
    assert all(0 < value <= 3.0 for value in timeouts[-1].values() if value is not None)
    assert timeouts[-1]["connect"] is not None and timeouts[-1]["connect"] <= 3.0


async def test_t4_total_timeout_ends_a_stream_kept_alive_by_comments(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([Events([sse(chat_chunk("first"))], keepalive_every=0.3)])
    # Comments every 0.3 s keep a read timeout from firing (0.8 s here, to leave room for a loaded machine).
    client = make_client(server, timeout=portkey_ai.openai.Timeout(30, read=0.8), total_timeout=2)
    started = time.monotonic()
    chunks, error = await collect(client)
    elapsed = time.monotonic() - started
    assert len(chunks) == 1
    assert isinstance(error, APITimeoutError)
    assert 2.0 <= elapsed < 3.5
    server.wait_disconnects(1)
    assert server.request_count == 1
    assert in_flight(client) == 0


async def test_t5_silence_mid_stream_is_a_read_timeout_without_retry(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([Events([sse(chat_chunk(f"c{i}", i)) for i in range(3)], end="stall")])
    client = make_client(server, timeout=portkey_ai.openai.Timeout(30, read=0.5))
    chunks, error = await collect(client)
    assert len(chunks) == 3
    assert isinstance(error, APITimeoutError)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert server.request_count == 1
    server.wait_disconnects(1)


async def test_t6_pool_timeout_is_not_retried(is_async: bool, serve: Serve) -> None:
    server = serve([Events([sse(chat_chunk("held"))], end="stall"), json_reply(chat_completion())])
    limits = httpx.Limits(max_connections=1)
    timeout = httpx.Timeout(30, pool=0.2)
    if is_async:
        async with AsyncPortkey(
            base_url=server.base_url, http_client=httpx.AsyncClient(limits=limits, timeout=timeout)
        ) as client:
            held = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as info:
                await client.chat.completions.create(model="m", messages=MESSAGES)
            elapsed = time.monotonic() - started
            await held.close()
    else:
        with Portkey(base_url=server.base_url, http_client=httpx.Client(limits=limits, timeout=timeout)) as client:
            held_sync = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as info:
                client.chat.completions.create(model="m", messages=MESSAGES)
            elapsed = time.monotonic() - started
            held_sync.close()
    assert isinstance(info.value.__cause__, httpx.PoolTimeout)
    assert 0.2 <= elapsed < 1.5
    assert server.request_count == 1


async def test_t7_retry_after_beyond_the_deadline_is_raised_at_once(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([json_reply({"error": {"message": "slow down"}}, 429, (("retry-after", "5"),))])
    client = make_client(server, total_timeout=2)
    started = time.monotonic()
    with pytest.raises(RateLimitError) as info:
        await chat(client)
    assert time.monotonic() - started < 0.2
    assert server.request_count == 1
    assert info.value.retry_after == 5.0  # type: ignore[attr-defined]


async def test_t7_backoff_never_sleeps_past_the_deadline(
    is_async: bool, full_backlog: str, make_client: ClientFactory
) -> None:
    client = make_client(full_backlog, timeout=portkey_ai.openai.Timeout(30, connect=0.4), total_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await chat(client)
    assert time.monotonic() - started < 1.0 + 0.5


_JSON = (("content-type", "application/json"),)
_COMPLETION = json_reply(chat_completion("x" * 4096)).body
_STREAM = [sse(chat_chunk("x" * 4096))]
_SLOW_BODY = Reply(200, _JSON, _COMPLETION, trickle=Trickle())
TRICKLES: dict[str, list[Reply | Events]] = {
    # 4 bytes/s (one byte every 0.25 s): each read returns well inside the read timeout.
    "call-body": [_SLOW_BODY],
    "call-head": [Reply(200, _JSON, _COMPLETION, trickle=Trickle(head=True))],
    "stream-head": [Events(_STREAM, trickle=Trickle(head=True))],
    "stream-body": [Events(_STREAM, trickle=Trickle())],
    # Read by the caller after the call returned.
    "raw-response-body": [_SLOW_BODY],
    # A retried 503 first: the retry and its backoff count against the same deadline.
    "retry-then-call-body": [json_reply({"error": {"message": "busy"}}, 503), _SLOW_BODY],
    # 4 bytes every 1.5 s: a single read that starts before the deadline must not outlive it.
    "call-body-slow-reads": [Reply(200, _JSON, _COMPLETION, trickle=Trickle(size=4, every=1.5))],
    "stream-head-slow-reads": [Events(_STREAM, trickle=Trickle(head=True, body=False, size=4, every=1.5))],
}


async def _read_raw_response(client: Portkey | AsyncPortkey) -> None:
    """`with_streaming_response`: the body is read after the call returned."""
    if isinstance(client, AsyncPortkey):
        async with client.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES) as response:
            await response.parse()
    else:
        with client.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES) as response:
            response.parse()


@pytest.mark.parametrize("shape", list(TRICKLES))
async def test_f1_total_timeout_bounds_a_trickling_server(
    is_async: bool, serve: Serve, make_client: ClientFactory, shape: str
) -> None:
    script = TRICKLES[shape]
    server = serve(script)
    client = make_client(server, timeout=portkey_ai.openai.Timeout(30, read=5), total_timeout=2, max_retries=2)
    started = time.monotonic()
    if shape.startswith("stream"):
        chunks, error = await collect(client)
        assert chunks == []
    else:
        with pytest.raises(APITimeoutError) as info:
            if shape.startswith("raw"):
                await _read_raw_response(client)
            else:
                await chat(client)
        error = info.value
    elapsed = time.monotonic() - started
    assert isinstance(error, APITimeoutError)
    assert 2.0 - 0.05 <= elapsed < 2.0 + 0.5, f"{shape}: failed after {elapsed:.2f} s"
    assert error.trace_id == server.requests[0].headers["x-portkey-trace-id"]  # type: ignore[attr-defined]
    assert server.request_count == len(script)
    server.wait_disconnects(1)
    assert in_flight(client) == 0


async def test_total_timeout_is_validated_and_copied(is_async: bool, make_client: ClientFactory) -> None:
    client = make_client("http://127.0.0.1:9/v1", total_timeout=5)
    assert client.total_timeout == 5.0
    assert client.with_options(max_retries=1).total_timeout == 5.0
    assert client.with_options(total_timeout=None).total_timeout is None
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="total_timeout"):
            make_client("http://127.0.0.1:9/v1", total_timeout=bad)
    with pytest.raises(TypeError, match="total_timeout"):
        make_client("http://127.0.0.1:9/v1", total_timeout="5")
