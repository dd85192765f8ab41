"""The total deadline at the socket: every connect, TLS handshake, read and write of a call is cut to the time left.

httpx's timeouts are per operation: a server that sends one byte every 0.25 s never hits a read timeout, whether it
trickles the response headers, the body or a stream. The clients therefore wrap the network backend of their HTTP
client's connection pools (`install`): each socket operation made while a call with a `total_timeout` is in progress
(the `CALL` context variable) gets at most the time left, and fails at once with the HTTP library's own timeout error
once the deadline has passed. `CALL` is set during `request()`; a body read after it returned (a stream, a
`with_streaming_response`) is wrapped in `SyncDeadlineStream` / `AsyncDeadlineStream`, which set it around each read
and turn a timeout into `APITimeoutError`. Outside such a call the wrapper passes everything through unchanged, so an
`http_client` shared with other code behaves as before.

Connections opened before the client was created (a user `http_client` that was already used) keep their unwrapped
sockets; their reads are still bounded by the per-attempt timeouts, which `_clamp_to_deadline` cuts to the time left.
"""

from __future__ import annotations

import select
import ssl
import sys
import time
import typing
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from typing_extensions import override

from ._exceptions import APITimeoutError
from ._http import httpcore, httpx
from ._policy import CALL, Call

__all__ = ["AsyncDeadlineStream", "SyncDeadlineStream", "install"]

_Op = type[httpcore.TimeoutException]


def _clamp(timeout: float | None, error: _Op) -> float | None:
    """`timeout` cut to the time left before the deadline of the call in progress; `error` once it has passed."""
    call = CALL.get()
    deadline = None if call is None else call.deadline
    if deadline is None:
        return timeout
    return _cut(timeout, deadline, error)


def _cut(timeout: float | None, deadline: float, error: _Op) -> float | None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise error("the total timeout of the call has passed")
    return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    # read and write inline `_clamp`'s test: without a deadline (no `total_timeout`) they only add one frame.
    @override
    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        call = CALL.get()
        if call is not None and call.deadline is not None:
            timeout = _cut(timeout, call.deadline, httpcore.ReadTimeout)
        return self._stream.read(max_bytes, timeout)

    @override
    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        call = CALL.get()
        if call is not None and call.deadline is not None:
            timeout = _cut(timeout, call.deadline, httpcore.WriteTimeout)
        self._stream.write(buffer, timeout)

    @override
    def close(self) -> None:
        self._stream.close()

    @override
    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _Stream(stream)

    @override
    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend, every_connection: bool = False) -> None:
        self.wrapped = backend
        self.every_connection = every_connection
        """Whether the pool had no connection when it was wrapped (so every one of its sockets is wrapped)."""

    @override
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self.wrapped.connect_tcp(host, port, timeout, local_address, socket_options))

    @override
    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self.wrapped.connect_unix_socket(path, timeout, socket_options))

    @override
    def sleep(self, seconds: float) -> None:
        self.wrapped.sleep(seconds)


class _Socket(typing.Protocol):
    def fileno(self) -> int: ...


def _is_readable(sock: _Socket) -> bool:
    """The HTTP library's `is_readable` check of a socket: data (or the end of the stream) is waiting to be read."""
    fd = sock.fileno()
    if fd < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        # The connection pool asks every idle connection `is_readable` on every request it assigns (a server that
        # closed it would have made it readable); anyio answers by rebuilding its socket attributes each time
        # (`getpeername` included), so the socket is looked up once here and polled directly.
        sock = stream.get_extra_info("socket")
        self._socket: _Socket | None = sock if hasattr(sock, "fileno") else None

    @override
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        call = CALL.get()
        if call is not None and call.deadline is not None:
            timeout = _cut(timeout, call.deadline, httpcore.ReadTimeout)
        return await self._stream.read(max_bytes, timeout)

    @override
    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        call = CALL.get()
        if call is not None and call.deadline is not None:
            timeout = _cut(timeout, call.deadline, httpcore.WriteTimeout)
        await self._stream.write(buffer, timeout)

    @override
    async def aclose(self) -> None:
        await self._stream.aclose()

    @override
    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _AsyncStream(stream)

    @override
    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable" and self._socket is not None:
            return _is_readable(self._socket)
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend, every_connection: bool = False) -> None:
        self.wrapped = backend
        self.every_connection = every_connection
        """Whether the pool had no connection when it was wrapped (so every one of its sockets is wrapped)."""

    @override
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self.wrapped.connect_tcp(host, port, timeout, local_address, socket_options))

    @override
    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self.wrapped.connect_unix_socket(path, timeout, socket_options))

    @override
    async def sleep(self, seconds: float) -> None:
        await self.wrapped.sleep(seconds)


def install(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Wrap the network backend of every connection pool of `client` (its transport and mounts), once.

    Transports without an httpcore pool (a `MockTransport`, a custom transport) are left alone. Returns whether every
    socket `client` reads from goes through the wrapper: no such transport, and no pool that had connections before
    it was wrapped.
    """
    transports: list[object] = [getattr(client, "_transport", None)]
    transports.extend(typing.cast(dict[object, object], getattr(client, "_mounts", {})).values())
    every_socket = True
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, _Backend | _AsyncBackend):
            every_socket = every_socket and backend.every_connection
            continue
        every_connection = not getattr(pool, "_connections", True)
        if isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _AsyncBackend(backend, every_connection)  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess, reportAttributeAccessIssue]
        elif isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _Backend(backend, every_connection)  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess, reportAttributeAccessIssue]
        else:
            every_connection = False
        every_socket = every_socket and every_connection
    return every_socket


class SyncDeadlineStream(httpx.SyncByteStream):
    """A response body read under a call's deadline after `request()` returned; a timeout raises `error()`."""

    def __init__(self, stream: httpx.SyncByteStream, deadline: float, error: Callable[[], APITimeoutError]) -> None:
        self.wrapped = stream
        self._scope = Call(deadline)
        self._error = error

    @override
    def __iter__(self) -> Iterator[bytes]:
        iterator = iter(self.wrapped)
        while True:
            token = CALL.set(self._scope)
            try:
                chunk = next(iterator, None)
            except httpx.TimeoutException as err:
                raise self._error() from err
            finally:
                CALL.reset(token)
            if chunk is None:
                return
            yield chunk

    @override
    def close(self) -> None:
        self.wrapped.close()


class AsyncDeadlineStream(httpx.AsyncByteStream):
    """Async variant of `SyncDeadlineStream`."""

    def __init__(self, stream: httpx.AsyncByteStream, deadline: float, error: Callable[[], APITimeoutError]) -> None:
        self.wrapped = stream
        self._scope = Call(deadline)
        self._error = error

    @override
    async def __aiter__(self) -> AsyncIterator[bytes]:
        iterator = aiter(self.wrapped)
        while True:
            token = CALL.set(self._scope)
            try:
                chunk = await anext(iterator, None)
            except httpx.TimeoutException as err:
                raise self._error() from err
            finally:
                CALL.reset(token)
            if chunk is None:
                return
            yield chunk

    @override
    async def aclose(self) -> None:
        await self.wrapped.aclose()
