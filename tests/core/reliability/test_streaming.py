"""Streaming faults (S1-S8): framing, broken connections, missing [DONE], error events, early exits; sync and async."""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from typing_extensions import override

from portkey_ai import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncPortkey,
    IncompleteStreamError,
    Portkey,
    StreamEventError,
    StreamInterruptedError,
)
from portkey_ai._http import httpx
from tests.core.reliability.conftest import (
    MESSAGES,
    ClientFactory,
    collect,
    in_flight,
    open_fds,
    text_of,
)
from tests.servers.fault_server import Events, FaultServer, chat_chunk, json_reply, sse

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]
THREE = [sse(chat_chunk(f"c{i} ", i)) for i in range(3)]

# -- S1: framing, through MockTransport so that every chunk boundary is exact -------------------------------------

WORDS = ["plain", "é", "日本語", "🙂 emoji", 'quote " and \\ backslash', "", "line\nbreak", "tab\t", "x" * 300]


def _pieces_stream(pieces: list[bytes]) -> Any:
    class Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
        @override
        def __iter__(self) -> Iterator[bytes]:
            yield from pieces

        @override
        async def __aiter__(self) -> AsyncIterator[bytes]:
            for piece in pieces:
                yield piece

    return Pieces()


def _event_stream(rng: random.Random, count: int, ending: str) -> tuple[bytes, str]:
    """`count` chat chunks plus [DONE], with comments, unknown fields and `retry:`; and the text they carry."""
    parts: list[str] = []
    text = ""
    for index in range(count):
        word = rng.choice(WORDS) + f"{index} "
        text += word
        if rng.random() < 0.3:
            parts.append(": keep-alive comment")
        if rng.random() < 0.2:
            parts.append("unknown-field: ignored")
        if rng.random() < 0.1:
            parts.append("retry: 1500")
        if rng.random() < 0.1:
            parts.append(f"id: {index}")
        parts.append("data: " + json.dumps(chat_chunk(word, index), ensure_ascii=rng.random() < 0.5))
        parts.append("")
    parts += ["data: [DONE]", ""]
    endings = {"LF": ["\n"], "CR": ["\r"], "CRLF": ["\r\n"], "mixed": ["\n", "\r", "\r\n"]}[ending]
    body = ""
    for part in parts:
        # An LF right after a CR would merge with it into one CRLF line end, so a blank line after a CR uses CR/CRLF.
        choices = [e for e in endings if e != "\n"] if not part and body.endswith("\r") else endings
        body += part + rng.choice(choices)
    return body.encode(), text


def _split(rng: random.Random, data: bytes) -> list[bytes]:
    pieces: list[bytes] = []
    position = 0
    while position < len(data):
        size = rng.choice([1, 1, 2, 3, 7, 64, 500, 4096])
        pieces.append(data[position : position + size])
        position += size
    return pieces


def _mock_client(is_async: bool, respond: Callable[[httpx.Request], httpx.Response]) -> Portkey | AsyncPortkey:
    transport = httpx.MockTransport(respond)
    if is_async:
        return AsyncPortkey(base_url="http://gateway.test/v1", http_client=httpx.AsyncClient(transport=transport))
    return Portkey(base_url="http://gateway.test/v1", http_client=httpx.Client(transport=transport))


async def _stream_text(is_async: bool, pieces: list[bytes]) -> tuple[str, int]:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=_pieces_stream(pieces))

    client = _mock_client(is_async, respond)
    chunks, error = await collect(client)
    if error is not None:
        raise error
    return text_of(chunks), len(chunks)


@pytest.mark.parametrize("ending", ["LF", "CR", "CRLF", "mixed"])
async def test_s1_random_fragmentation_reassembles_exactly(is_async: bool, ending: str) -> None:
    for seed in range(25):
        rng = random.Random(f"{ending}-{seed}")
        body, text = _event_stream(rng, 50, ending)
        assert await _stream_text(is_async, _split(rng, body)) == (text, 50), f"seed {seed}"


SMALL = (
    ": comment\n"
    'data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"m",'
    r'"choices":[{"index":0,"delta":{"content":"h\u00e9 \u65e5\ud83d\ude42"},"finish_reason":null}]}'
    "\n"
    "retry: 10\n\n"
    'data: {"id":"b","object":"chat.completion.chunk","created":1,"model":"m",'
    '"choices":[{"index":0,"delta":{"content":"é日🙂"},"finish_reason":null}]}\n\n'
    "data: [DONE]\n\n"
)


@pytest.mark.parametrize("ending", ["\n", "\r", "\r\n"], ids=["LF", "CR", "CRLF"])
async def test_s1_every_chunk_boundary(is_async: bool, ending: str) -> None:
    body = SMALL.replace("\n", ending).encode()
    expected = ("hé 日🙂é日🙂", 2)
    for cut in range(1, len(body)):
        assert await _stream_text(is_async, [body[:cut], body[cut:]]) == expected, f"cut at {cut}"
    assert await _stream_text(is_async, [bytes([b]) for b in body]) == expected


# -- S2-S8: a real server ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "cause"), [("rst", httpx.ReadError), ("fin", httpx.RemoteProtocolError)], ids=["S2-rst", "S3-fin"]
)
async def test_s2_s3_broken_connection_is_a_typed_interruption(
    is_async: bool, serve: Serve, make_client: ClientFactory, end: str, cause: type[Exception]
) -> None:
    server = serve([Events(THREE, end=end)])  # type: ignore[arg-type]
    client = make_client(server, max_retries=2)
    baseline = open_fds()
    chunks, error = await collect(client)
    assert text_of(chunks) == "c0 c1 c2 "
    assert isinstance(error, StreamInterruptedError)
    assert isinstance(error, APIConnectionError)
    assert isinstance(error.__cause__, cause)
    assert error.events == 3
    assert error.trace_id == server.requests[0].headers["x-portkey-trace-id"]
    assert server.request_count == 1
    assert in_flight(client) == 0
    assert open_fds() <= baseline


async def test_s4_clean_end_without_done_is_incomplete(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([Events(THREE, end="eof")])
    chunks, error = await collect(make_client(server))
    assert text_of(chunks) == "c0 c1 c2 "
    assert isinstance(error, IncompleteStreamError)
    assert error.events == 3
    assert error.status_code == 200
    chunks, error = await collect(make_client(server, require_stream_terminator=False))
    assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
    relaxed = make_client(server).with_options(require_stream_terminator=False)
    assert relaxed.require_stream_terminator is False
    assert (await collect(relaxed))[1] is None
    assert server.request_count == 3


ERROR_EVENTS = {
    "openai": sse({"error": {"message": "upstream overloaded", "type": "server_error", "code": "overloaded"}}),
    "event-error": sse(
        {"type": "error", "error": {"type": "overloaded_error", "message": "upstream overloaded"}}, "error"
    ),
    "gateway": sse({"status": "failure", "message": "upstream overloaded"}),
}


@pytest.mark.parametrize("variant", list(ERROR_EVENTS))
async def test_s5_error_event_is_a_typed_error(
    is_async: bool, serve: Serve, make_client: ClientFactory, variant: str
) -> None:
    server = serve([Events([*THREE[:2], ERROR_EVENTS[variant]], end="stall")])
    client = make_client(server, trace_id="trace-s5")
    chunks, error = await collect(client)
    assert text_of(chunks) == "c0 c1 "
    assert isinstance(error, StreamEventError)
    assert str(error) == "upstream overloaded"
    assert isinstance(error.body, dict)
    assert error.body["message"] == "upstream overloaded"
    assert error.trace_id == "trace-s5"
    server.wait_disconnects(1)
    assert server.request_count == 1
    assert in_flight(client) == 0


@pytest.mark.parametrize(
    ("body", "error_class"),
    [
        ({"error": {"message": "model not found", "type": "invalid_request_error"}}, StreamEventError),
        ({"status": "failure", "message": "Invalid config"}, StreamEventError),
        ({"id": "chatcmpl-1", "object": "chat.completion"}, APIResponseValidationError),
    ],
    ids=["openai-error", "gateway-error", "not-a-stream"],
)
async def test_s6_json_body_instead_of_events(
    is_async: bool, serve: Serve, make_client: ClientFactory, body: object, error_class: type[Exception]
) -> None:
    server = serve([json_reply(body)])
    started = time.monotonic()
    chunks, error = await collect(make_client(server))
    assert time.monotonic() - started < 1.0
    assert chunks == []
    assert type(error) is error_class
    assert server.request_count == 1


async def test_s7_leaving_early_closes_the_response(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    server = serve([Events(THREE, end="stall"), Events(THREE, end="stall"), Events(THREE)])
    client = make_client(server)
    chunks, error = await collect(client, limit=1)
    assert (len(chunks), error) == (1, None)
    server.wait_disconnects(1)
    assert in_flight(client) == 0
    if is_async:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        async for _ in stream:
            break
        await stream.close()
    else:
        sync_stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        for _ in sync_stream:
            break
        sync_stream.close()
    server.wait_disconnects(2)
    assert in_flight(client) == 0
    chunks, error = await collect(client)
    assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
    ports = [request.peer_port for request in server.requests]
    assert len(set(ports)) == 3  # a connection left early is never reused


async def test_s8_one_huge_event_in_small_writes(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    content = "x" * (8 * 1024 * 1024)
    event = sse(chat_chunk(content))
    server = serve([Events([event], write_size=4096), Events([event], write_size=4096)])
    client = make_client(server)
    # Timed without tracemalloc (which slows every allocation), then measured with it.
    started = time.monotonic()
    chunks, error = await collect(client)
    elapsed = time.monotonic() - started
    assert error is None
    assert text_of(chunks) == content
    assert elapsed < 1.0
    del chunks
    tracemalloc.start()
    try:
        chunks, error = await collect(client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error is None
    assert text_of(chunks) == content
    assert peak < 4 * len(event)


# -- S9: after [DONE], the end of the body is read so the connection is reused, within a bound ----------------------

DONE = b"data: [DONE]\n\n"


async def test_s9_the_connection_is_reused_after_done(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    server = serve([Events(THREE), Events(THREE), Events(THREE)])
    client = make_client(server)
    for _ in range(3):
        chunks, error = await collect(client)
        assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
    assert len({request.peer_port for request in server.requests}) == 1
    assert server.disconnects == []
    assert in_flight(client) == 0


@pytest.mark.parametrize("total_timeout", [None, 30.0])
@pytest.mark.parametrize("after", ["silence", "comments"])
async def test_s9_a_body_that_goes_on_after_done_is_dropped(
    is_async: bool, serve: Serve, make_client: ClientFactory, after: str, total_timeout: float | None
) -> None:
    if after == "silence":
        endless = Events([*THREE, DONE], end="stall")
    else:
        endless = Events([*THREE, DONE], keepalive_every=0.001)
    server = serve([endless, Events(THREE)])
    client = make_client(server, total_timeout=total_timeout)
    started = time.monotonic()
    chunks, error = await collect(client)
    elapsed = time.monotonic() - started
    assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
    assert elapsed < 2.0  # the end of the body is awaited for 0.1 s, not for the read timeout or the deadline
    server.wait_disconnects(1)
    chunks, error = await collect(client)
    assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
    first, second = server.requests
    assert first.peer_port != second.peer_port
    assert in_flight(client) == 0


async def test_s9_sockets_opened_before_the_client_are_not_waited_on_after_done(is_async: bool, serve: Serve) -> None:
    """An `http_client` that already holds a connection: its reads are not cut by the client's socket deadline, so
    the end of the body is not awaited (the connection is closed, as openai does)."""
    server = serve([json_reply({"ok": True}), Events([*THREE, DONE], end="stall"), Events(THREE)])
    if is_async:
        async_http = httpx.AsyncClient()
        assert (await async_http.get(server.base_url)).json() == {"ok": True}
        client: Portkey | AsyncPortkey = AsyncPortkey(base_url=server.base_url, http_client=async_http)
    else:
        sync_http = httpx.Client()
        assert sync_http.get(server.base_url).json() == {"ok": True}
        client = Portkey(base_url=server.base_url, http_client=sync_http)
    try:
        started = time.monotonic()
        chunks, error = await collect(client)
        assert time.monotonic() - started < 2.0
        assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
        server.wait_disconnects(1)
        chunks, error = await collect(client)
        assert (text_of(chunks), error) == ("c0 c1 c2 ", None)
        assert len({request.peer_port for request in server.requests[1:]}) == 2
    finally:
        if isinstance(client, AsyncPortkey):
            await client.close()
        else:
            client.close()
