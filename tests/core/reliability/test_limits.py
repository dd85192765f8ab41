"""Size limits (findings 3 and 11): error bodies capped after decompression, `max_response_bytes` on a successful
body and `max_event_bytes` on one stream event, with memory measured; sync and async."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from typing import Any

import pytest

from portkey_ai import (
    APIResponseValidationError,
    AsyncPortkey,
    InternalServerError,
    Portkey,
    ResponseTooLargeError,
)
from tests.core.reliability.conftest import ClientFactory, chat, collect, in_flight, pooled, text_of
from tests.servers.fault_server import Events, FaultServer, Reply, chat_chunk, chat_completion, json_reply, sse

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]
MiB = 1024 * 1024
SMALL = 5 * MiB
"""Memory peak allowed while refusing a body that is tens of MiB (measured: 4.0 MiB for a 1 MiB-capped gzip error body,
which is kept as bytes, then as text; 2.1 MiB for a body past a 1 MiB `max_response_bytes`; before the fixes: 181,
240 and 150 MiB)."""

BOMB_SIZE = 60 * MiB


def _bomb(encoding: str) -> bytes:
    """60 MiB of JSON-ish text compressed to about 60 KiB."""
    data = b" " * BOMB_SIZE
    if encoding == "gzip":
        return gzip.compress(data, 9)
    return zlib.compress(data, 9)


BOMBS = {encoding: _bomb(encoding) for encoding in ("gzip", "deflate")}


@contextmanager
def peak_memory() -> Generator[list[int]]:
    """Measure the tracemalloc peak of the block (the list gets it on exit)."""
    result: list[int] = []
    tracemalloc.start()
    try:
        yield result
        result.append(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


async def _call(
    client: Portkey | AsyncPortkey, sync: Callable[[], Any], asynchronous: Callable[[], Awaitable[Any]]
) -> Any:
    return await asynchronous() if isinstance(client, AsyncPortkey) else sync()


# -- finding 3: error bodies are capped after decompression ------------------------------------------------------


@pytest.mark.parametrize("encoding", list(BOMBS))
@pytest.mark.parametrize("chunked", [False, True], ids=["sized", "chunked"])
async def test_f3_compressed_error_body_is_capped_after_decompression(
    is_async: bool, serve: Serve, make_client: ClientFactory, encoding: str, chunked: bool
) -> None:
    bomb = BOMBS[encoding]
    assert len(bomb) < 100 * 1024
    headers = (("content-type", "text/plain"), ("content-encoding", encoding))
    server = serve([Reply(500, headers, bomb, chunked=chunked)])
    client = make_client(server, max_retries=0)
    with peak_memory() as peak, pytest.raises(InternalServerError) as info:
        await chat(client)
    assert peak[0] < SMALL, f"peak {peak[0] / MiB:.1f} MiB"
    assert isinstance(info.value.body, str) and len(info.value.body) <= MiB
    assert len(str(info.value)) <= 1200
    assert in_flight(client) == 0
    assert pooled(client) == 0


# -- finding 11: max_response_bytes ----------------------------------------------------------------------------------


def _huge_json(size: int) -> tuple[bytes, int]:
    """A chat completion of about `size` bytes as a 64 KiB block repeated (the server sends it without holding it)."""
    block = 64 * 1024
    return b" " * block, size // block


@pytest.mark.parametrize("shape", ["sized", "chunked", "gzip"])
async def test_f11_body_past_max_response_bytes(
    is_async: bool, serve: Serve, make_client: ClientFactory, shape: str
) -> None:
    if shape == "gzip":
        reply = Reply(200, (("content-type", "application/json"), ("content-encoding", "gzip")), BOMBS["gzip"])
    else:
        block, repeat = _huge_json(BOMB_SIZE)
        reply = Reply(200, (("content-type", "application/json"),), block, repeat=repeat, chunked=shape == "chunked")
    server = serve([reply])
    client = make_client(server, max_response_bytes=MiB, trace_id="trace-f11")
    with peak_memory() as peak, pytest.raises(ResponseTooLargeError) as info:
        await chat(client)
    error = info.value
    assert peak[0] < SMALL, f"peak {peak[0] / MiB:.1f} MiB"
    assert isinstance(error, APIResponseValidationError)
    assert (error.limit_name, error.limit, error.status_code) == ("max_response_bytes", MiB, 200)
    assert "max_response_bytes=1048576" in str(error)
    assert error.trace_id == "trace-f11"
    assert server.request_count == 1
    server.wait_disconnects(1)
    assert in_flight(client) == 0
    assert pooled(client) == 0


async def test_f11_body_up_to_the_limit_is_read(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    body = json.dumps(chat_completion("hi")).encode()
    exact = body + b" " * (MiB - len(body))
    json_headers = (("content-type", "application/json"),)
    server = serve(
        [
            Reply(200, json_headers, exact, chunked=True),
            Reply(200, json_headers, exact + b" ", chunked=True),
            Reply(200, (*json_headers, ("content-encoding", "gzip")), gzip.compress(exact)),
            Reply(200, json_headers, exact),
        ]
    )
    client = make_client(server, max_response_bytes=MiB)
    assert (await chat(client)).choices[0].message.content == "hi"
    with pytest.raises(ResponseTooLargeError):
        await chat(client)
    assert (await chat(client)).choices[0].message.content == "hi"
    raw = await _call(
        client,
        lambda: client.chat.completions.with_raw_response.create(model="m", messages=[]),
        lambda: client.chat.completions.with_raw_response.create(model="m", messages=[]),
    )
    assert len(raw.http_response.content) == MiB
    assert raw.elapsed.total_seconds() >= 0


async def test_f11_binary_downloads_are_not_limited(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    block = b"\x00\x01" * 32 * 1024
    server = serve([Reply(200, (("content-type", "application/octet-stream"),), block, repeat=64, chunked=True)])
    client = make_client(server, max_response_bytes=MiB)
    content = await _call(client, lambda: client.files.content("file-1"), lambda: client.files.content("file-1"))
    assert len(content.content) == 4 * MiB


async def test_f11_defaults_validation_and_copies(is_async: bool, make_client: ClientFactory) -> None:
    client = make_client("http://127.0.0.1:9/v1")
    assert (client.max_response_bytes, client.max_event_bytes) == (256 * MiB, 32 * MiB)
    copy = client.with_options(max_response_bytes=MiB, max_event_bytes=None)
    assert (copy.max_response_bytes, copy.max_event_bytes) == (MiB, None)
    assert copy.with_options(max_retries=1).max_response_bytes == MiB
    assert client.copy(max_event_bytes=2 * MiB).max_event_bytes == 2 * MiB
    for name in ("max_response_bytes", "max_event_bytes"):
        for bad in (0, -1):
            with pytest.raises(ValueError, match=name):
                make_client("http://127.0.0.1:9/v1", **{name: bad})
        for wrong in (1.5, "1", True):
            with pytest.raises(TypeError, match=name):
                make_client("http://127.0.0.1:9/v1", **{name: wrong})


# -- finding 11: max_event_bytes -------------------------------------------------------------------------------------


async def test_f11_event_past_max_event_bytes(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    huge = sse(chat_chunk("x" * (50 * MiB)))
    server = serve([Events([sse(chat_chunk("first")), huge], write_size=64 * 1024)])
    client = make_client(server, max_event_bytes=MiB, trace_id="trace-f11-event")
    with peak_memory() as peak:
        chunks, error = await collect(client)
    assert peak[0] < SMALL, f"peak {peak[0] / MiB:.1f} MiB"
    assert text_of(chunks) == "first"
    assert isinstance(error, ResponseTooLargeError)
    assert (error.limit_name, error.limit) == ("max_event_bytes", MiB)
    assert error.trace_id == "trace-f11-event"
    server.wait_disconnects(1)
    assert in_flight(client) == 0


def _event(content: str, padding_lines: int, padding: int) -> bytes:
    """A chat chunk event followed by `padding_lines` data lines of `padding` spaces (still valid JSON once joined)."""
    head = b"data: " + json.dumps(chat_chunk(content)).encode() + b"\n"
    return head + (b"data: " + b" " * padding + b"\n") * padding_lines + b"\n"


@pytest.mark.parametrize("lines", [0, 2048], ids=["one-line", "many-lines"])
async def test_f11_event_limit_counts_the_whole_event(
    is_async: bool, serve: Serve, make_client: ClientFactory, lines: int
) -> None:
    limit = 256 * 1024
    padding = 100
    content = "y" * (limit - 300 - lines * (padding + 7))
    fits = _event(content, lines, padding)
    too_big = _event(content + "y" * 4096, lines, padding)
    # The limit counts the event's lines (`data: ...`), not their line ends.
    assert len(fits) <= limit < len(too_big) - (lines + 2)
    server = serve([Events([fits, too_big], write_size=4096)])
    chunks, error = await collect(make_client(server, max_event_bytes=limit))
    assert text_of(chunks) == content
    assert isinstance(error, ResponseTooLargeError)
    assert error.limit == limit


async def test_f11_event_limit_on_events_read_whole(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    """Each event in its own small write, so that it arrives in one read (the decoder's one-event fast path)."""
    limit = 4096
    fits, too_big = sse(chat_chunk("y" * 3500)), sse(chat_chunk("y" * 5000))
    assert len(fits) <= limit < len(too_big) - 2
    server = serve([Events([fits, too_big])])
    chunks, error = await collect(make_client(server, max_event_bytes=limit))
    assert text_of(chunks) == "y" * 3500
    assert isinstance(error, ResponseTooLargeError)
    assert error.limit == limit


async def test_f11_default_event_limit_lets_big_events_through(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    content = "z" * (20 * MiB)
    server = serve([Events([sse(chat_chunk(content))], write_size=256 * 1024)])
    chunks, error = await collect(make_client(server))
    assert error is None
    assert text_of(chunks) == content


async def test_f11_default_body_limit_lets_big_bodies_through(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    content = "e" * (40 * MiB)
    server = serve([json_reply(chat_completion(content), chunked=True)])
    result = await chat(make_client(server))
    assert result.choices[0].message.content == content
