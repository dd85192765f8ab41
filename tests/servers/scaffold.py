"""What the Python test servers share: their thread and loop, their raw HTTP/1.1 plumbing, and running as a process.

- :class:`LoopThread` runs one server on its own asyncio event loop in a daemon thread. The fake realtime provider
  (a ``websockets`` server) uses it directly.
- :class:`StreamServer` is ``asyncio.start_server`` on 127.0.0.1 in a :class:`LoopThread`: each connection runs in a
  task that ``close()`` can cancel, and ``close()`` aborts every open connection. The fake provider and the fault
  server are built on it, with :func:`read_chunked`, :func:`chunk` and :func:`reset`.
- :func:`serve_until_signalled` is what a server prints and waits for when it runs as a process, and
  :func:`spawned` starts such a process from a test and yields that first line.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Generator
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

__all__ = [
    "READ_LIMIT",
    "REPO_ROOT",
    "LoopThread",
    "StreamServer",
    "chunk",
    "read_chunked",
    "reset",
    "serve_until_signalled",
    "spawned",
]

READ_LIMIT: Final = 1 << 20
"""The stream reader's buffer limit: the longest request head a server reads."""
REPO_ROOT: Final = Path(__file__).resolve().parents[2]
_BACKLOG: Final = 1024
_STOP_TIMEOUT: Final = 10.0

_S = TypeVar("_S")
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class LoopThread(Generic[_S]):
    """One server on its own asyncio event loop in a daemon thread; running when the constructor returns.

    Attributes:
        server: What ``start`` returned.
    """

    def __init__(
        self,
        name: str,
        start: Callable[[], Awaitable[_S]],
        stop: Callable[[_S], Awaitable[None]],
    ) -> None:
        """Start the thread and run ``start()`` on its loop; the loop then runs until :meth:`close`.

        Args:
            name: The thread's name.
            start: Starts the server (on the new loop) and returns it.
            stop: Stops the server; :meth:`close` runs it on the loop.

        Raises:
            BaseException: What ``start`` raised.
        """
        self._loop = asyncio.new_event_loop()
        self._stop = stop
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._server: _S | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, args=(start,), name=name, daemon=True)
        self._thread.start()
        self._started.wait()
        if self._failure is not None:
            self._thread.join()
            raise self._failure
        assert self._server is not None
        self.server: _S = self._server

    def close(self) -> None:
        """Run ``stop`` on the loop, then stop the loop and join the thread (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            asyncio.run_coroutine_threadsafe(self._stopped(), self._loop).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()

    async def _stopped(self) -> None:
        await self._stop(self.server)

    def _run(self, start: Callable[[], Awaitable[_S]]) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(start())
        except BaseException as exc:  # reported to the constructor's thread
            self._failure = exc
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


class StreamServer:
    """``asyncio.start_server`` on 127.0.0.1 in a :class:`LoopThread`; listening when the constructor returns.

    Every connection is handed to ``handle`` in a task of its own, which :meth:`close` cancels after aborting the
    connection; once ``handle`` returns or fails, the connection is closed. Writes are unbuffered (``drain()`` waits
    until the bytes reached the kernel, so a reset never discards what was written before it).

    Attributes:
        port: The TCP port.
    """

    def __init__(self, name: str, handle: Handler, *, port: int = 0) -> None:
        """Start listening.

        Args:
            name: The thread's name.
            handle: Serves one connection.
            port: The port to bind on 127.0.0.1; 0 picks a free one.

        Raises:
            OSError: If the port cannot be bound.
        """
        self._handle = handle
        # connection task -> (its writer, the task asyncio.start_server runs _serve in)
        self._connections: dict[asyncio.Future[None], tuple[asyncio.StreamWriter, asyncio.Task[Any]]] = {}
        self._ended = 0
        self._changed = threading.Condition()
        self._thread = LoopThread(name, lambda: self._listen(port), self._shutdown)
        self.port: int = int(self._thread.server.sockets[0].getsockname()[1])

    def wait_ended(self, n: int, timeout: float = 10.0) -> None:
        """Block until ``n`` connections have ended (closed by either side) and been cleaned up.

        Raises:
            TimeoutError: If fewer ended within ``timeout`` seconds.
        """
        with self._changed:
            if not self._changed.wait_for(lambda: self._ended >= n, timeout):
                raise TimeoutError(f"expected {n} ended connection(s) within {timeout}s, got {self._ended}")

    def wait_open_connections(self, n: int, timeout: float = 10.0) -> None:
        """Block until exactly ``n`` connections are being served.

        Raises:
            TimeoutError: If that did not happen within ``timeout`` seconds.
        """
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._connections) == n, timeout):
                raise TimeoutError(f"expected {n} open connection(s) within {timeout}s, got {len(self._connections)}")

    def close(self) -> None:
        """Stop listening, abort every connection, stop the loop and join the thread (idempotent)."""
        self._thread.close()

    async def _listen(self, port: int) -> asyncio.Server:
        return await asyncio.start_server(self._serve, "127.0.0.1", port, limit=READ_LIMIT, backlog=_BACKLOG)

    async def _shutdown(self, server: asyncio.Server) -> None:
        server.close()
        connections = list(self._connections.items())
        for task, (writer, _) in connections:
            writer.transport.abort()
            task.cancel()
        await asyncio.gather(*(task for task, _ in connections), return_exceptions=True)
        await asyncio.gather(*(outer for _, (_, outer) in connections))
        for _, (writer, _) in connections:
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Shutdown cancels this inner task, never the one asyncio.start_server runs this callback in: on Python 3.11
        # cancelling that one makes asyncio log a spurious "Exception in callback" (fixed in 3.12).
        outer = asyncio.current_task()
        assert outer is not None
        task = asyncio.ensure_future(self._connection(reader, writer))
        with self._changed:
            self._connections[task] = (writer, outer)
            self._changed.notify_all()
        try:
            await asyncio.wait([task])
        finally:
            with self._changed:
                del self._connections[task]
                self._ended += 1
                self._changed.notify_all()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.transport.set_write_buffer_limits(high=0)
        try:
            await self._handle(reader, writer)
        finally:
            if not writer.transport.is_closing():
                writer.close()
            # Shielded: cancelling a task cancels the future it awaits, and wait_closed() awaits the writer's one
            # shared close future, which _shutdown awaits too.
            with contextlib.suppress(ConnectionError):
                await asyncio.shield(writer.wait_closed())


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    """Read a body sent with chunked transfer encoding (trailers are read and dropped)."""
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                continue
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def chunk(data: bytes) -> bytes:
    """``data`` as one HTTP chunk."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def reset(writer: asyncio.StreamWriter) -> None:
    """Reset the connection (RST instead of FIN)."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def serve_until_signalled(first_line: str) -> None:
    """The body of a server process: print ``first_line`` on stdout, then wait for SIGTERM or SIGINT."""
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sys.stdout.write(first_line + "\n")
    sys.stdout.flush()
    stop.wait()


@contextlib.contextmanager
def spawned(module: str, *args: str, timeout: float = 30.0) -> Generator[str]:
    """Run ``python -m module *args`` from the repository root; yield the first line it prints (without the newline).

    Afterwards the process gets SIGTERM (SIGKILL after 10 s) and must exit with status 0. Its stderr is the
    caller's.

    Raises:
        RuntimeError: If the process exits before printing a line, prints none within ``timeout`` seconds, or exits
            with a status other than 0 once terminated.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args], cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
    )
    failed = False
    try:
        assert process.stdout is not None
        yield _first_line(process.stdout.fileno(), timeout, module)
    except BaseException:
        failed = True
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if not failed and process.returncode != 0:
            raise RuntimeError(f"{module} exited with status {process.returncode} when terminated")


def _first_line(fd: int, timeout: float, module: str) -> str:
    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise RuntimeError(f"{module} printed no line within {timeout:.0f}s")
        piece = os.read(fd, 4096)
        if not piece:
            raise RuntimeError(f"{module} exited before printing a line (got {data!r})")
        data += piece
    return data.split(b"\n", 1)[0].decode()
