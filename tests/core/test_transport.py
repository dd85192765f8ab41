"""The clients' network streams (`_deadline`'s backend wrapper) answer the connection pool as the HTTP library does."""

from __future__ import annotations

import asyncio
from typing import cast

from portkey_ai import _deadline
from portkey_ai._http import httpcore


async def test_idle_connection_readability_matches_the_http_library() -> None:
    """The pool asks every idle connection whether it is readable (the server closed it) before reusing it; the
    wrapper answers from the socket it looked up once, and must say what the library's own stream says."""
    accepted: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await accepted.put(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    backend = _deadline._AsyncBackend(cast(httpcore.AsyncNetworkBackend, httpcore.AnyIOBackend()))  # pyright: ignore[reportPrivateUsage]
    stream = await backend.connect_tcp("127.0.0.1", port)
    library = stream._stream  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
    peer = await accepted.get()
    try:
        assert stream.get_extra_info("is_readable") is False
        assert library.get_extra_info("is_readable") is False

        peer.write(b"x")
        await peer.drain()
        assert await _eventually_readable(stream)
        assert library.get_extra_info("is_readable") is True
        assert await stream.read(1) == b"x"
        assert stream.get_extra_info("is_readable") is False

        peer.close()
        await peer.wait_closed()
        assert await _eventually_readable(stream)
        assert library.get_extra_info("is_readable") is True
    finally:
        await stream.aclose()
        server.close()
        await server.wait_closed()
    assert stream.get_extra_info("is_readable") is True
    assert library.get_extra_info("is_readable") is True


async def _eventually_readable(stream: httpcore.AsyncNetworkStream) -> bool:
    """Whether `stream` becomes readable, giving the loopback delivery a few event-loop turns (not a sleep)."""
    for _ in range(1000):
        if stream.get_extra_info("is_readable"):
            return True
        await asyncio.sleep(0)
    return False
