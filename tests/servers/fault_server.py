"""FaultServer: a scripted HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose, owned by the tests.

A raw asyncio server (standard library only) on the shared ``StreamServer`` (``scaffold.py``). Each test gives it a
*script*: the action for each request, by index (the last one repeats), or a function of the request. An action can
answer normally, stream server-sent events that end cleanly or break (FIN, RST, silence), reset or close the
connection before the status line, wait before answering, redirect, or trickle its head or body a few bytes at a
time (``Trickle``). The server records every request (arrival
time, method, path, headers, body, client port) and every connection the client closed.

It can also run as a separate process for load tests (``python -m tests.servers.fault_server --fault-rate R --seed N``, started from a
test with ``scaffold.spawned``): it then serves
``POST /v1/chat/completions`` (JSON or a 20-event stream) and injects faults at random with a given rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

from tests.servers.scaffold import StreamServer, chunk, read_chunked, reset, serve_until_signalled

__all__ = [
    "Action",
    "Close",
    "Events",
    "FaultServer",
    "LoadScript",
    "Reply",
    "Request",
    "Reset",
    "Script",
    "Trickle",
    "chat_chunk",
    "chat_completion",
    "json_reply",
    "main",
    "sse",
]


@dataclass(frozen=True)
class Trickle:
    """Send part of a response slowly: ``size`` bytes per write, one write every ``every`` seconds.

    Each write arrives well inside any read timeout, so only a total deadline can end such a response.

    Attributes:
        head: Trickle the status line and headers.
        body: Trickle the body (for ``Events``: every piece).
        size: Bytes per write.
        every: Seconds between writes.
    """

    head: bool = False
    body: bool = True
    size: int = 1
    every: float = 0.25


@dataclass(frozen=True)
class Reply:
    """A plain response.

    Attributes:
        status: The HTTP status.
        headers: Response headers (``content-length`` or ``transfer-encoding`` are added).
        body: The body; it is sent ``repeat`` times, so large bodies cost the server no memory.
        repeat: How many times ``body`` is sent.
        chunked: Send the body with chunked transfer encoding instead of ``content-length``.
        delay: Seconds to wait before the status line.
        close: Say ``connection: close`` and close the connection after the response.
        drop: Say ``connection: keep-alive`` but close the connection right after the response (a stale
            keep-alive connection for the client's pool).
        trickle: Send the head and/or the body a few bytes at a time.
    """

    status: int = 200
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""
    repeat: int = 1
    chunked: bool = False
    delay: float = 0.0
    close: bool = False
    drop: bool = False
    trickle: Trickle | None = None


@dataclass(frozen=True)
class Events:
    """A ``text/event-stream`` response, sent with chunked transfer encoding.

    Attributes:
        events: Raw pieces written in order, each as its own write (and HTTP chunk).
        end: ``"done"`` sends ``data: [DONE]`` and ends the body; ``"eof"`` ends the body without ``[DONE]`` (what
            the Portkey gateway does when the upstream fails); ``"fin"`` closes the socket without ending the
            chunked body; ``"rst"`` resets the connection; ``"stall"`` sends nothing more until the client leaves.
        gap: Seconds to wait before each piece.
        keepalive_every: After the pieces, send an SSE comment every this many seconds until the client leaves.
        write_size: Split every piece into writes (and chunks) of at most this many bytes.
        status: The HTTP status.
        headers: Extra response headers.
        trickle: Send the head and/or every piece a few bytes at a time.
    """

    events: Sequence[bytes] = ()
    end: Literal["done", "eof", "fin", "rst", "stall"] = "done"
    gap: float = 0.0
    keepalive_every: float | None = None
    write_size: int | None = None
    status: int = 200
    headers: Sequence[tuple[str, str]] = ()
    trickle: Trickle | None = None


@dataclass(frozen=True)
class Reset:
    """Reset the connection (RST) before the status line, after ``delay`` seconds."""

    delay: float = 0.0


@dataclass(frozen=True)
class Close:
    """Close the connection (FIN) before the status line, after ``delay`` seconds."""

    delay: float = 0.0


Action = Reply | Events | Reset | Close


@dataclass(frozen=True)
class Request:
    """One request as received.

    Attributes:
        index: 0 for the first request the server received, then 1, 2...
        at: ``time.monotonic()`` when the request was complete.
        method: The method.
        target: The request target as sent (path and query).
        path: The path without the query.
        headers: Header names lower-cased; repeated headers joined with ``", "``.
        body: The body.
        peer_port: The client's port (shows whether a connection was reused).
    """

    index: int
    at: float
    method: str
    target: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    peer_port: int

    def json(self) -> object:
        """The body parsed as JSON."""
        return json.loads(self.body)


Script = Sequence[Action] | Callable[[Request], Action]


def json_reply(body: object, status: int = 200, headers: Sequence[tuple[str, str]] = (), **kwargs: object) -> Reply:
    """A JSON response (``content-type: application/json``)."""
    payload = json.dumps(body).encode()
    return Reply(status, (("content-type", "application/json"), *headers), payload, **kwargs)  # type: ignore[arg-type]


def sse(payload: object, event: str | None = None) -> bytes:
    """One server-sent event whose data is ``payload`` as JSON."""
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + json.dumps(payload).encode() + b"\n\n"


def chat_completion(content: str = "hello", completion_id: str = "chatcmpl-1") -> dict[str, object]:
    """A chat completion body."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-test",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chat_chunk(content: str, index: int = 0) -> dict[str, object]:
    """A chat completion chunk body."""
    return {
        "id": f"chatcmpl-{index}",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }


class FaultServer:
    """A scripted HTTP/1.1 server on 127.0.0.1 in a background thread (ready when the constructor returns).

    Attributes:
        port: The TCP port.
        url: ``http://127.0.0.1:<port>``.
        base_url: ``url + "/v1"``.
    """

    def __init__(self, script: Script = (), *, record: bool = True) -> None:
        """Start the server.

        Args:
            script: The action for each request by index (the last repeats; empty: ``200 {}``), or a function of the
                request.
            record: Record requests (load tests turn it off to keep memory flat).
        """
        self._script = script
        self._record = record
        self._cond = threading.Condition()
        self._requests: list[Request] = []
        self._count = 0
        self._disconnects: list[int] = []
        self._server = StreamServer("fault-server", self._connection)
        self.port: int = self._server.port
        self.url: str = f"http://127.0.0.1:{self.port}"
        self.base_url: str = f"{self.url}/v1"

    # -- test-facing API ---------------------------------------------------------------------------------------------

    def set_script(self, script: Script) -> None:
        """Replace the script; request indexes keep counting."""
        with self._cond:
            self._script = script

    @property
    def requests(self) -> list[Request]:
        """The requests received so far, oldest first."""
        with self._cond:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        """How many requests were received (also when not recording)."""
        with self._cond:
            return self._count

    @property
    def disconnects(self) -> list[int]:
        """Client ports of the connections the client closed or reset, in order."""
        with self._cond:
            return list(self._disconnects)

    def wait_requests(self, n: int, timeout: float = 10.0) -> list[Request]:
        """Block until ``n`` requests arrived; return them all."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._count >= n, timeout):
                raise TimeoutError(f"expected {n} request(s) within {timeout}s, got {self._count}")
            return list(self._requests)

    def wait_disconnects(self, n: int, timeout: float = 10.0) -> list[int]:
        """Block until the client closed ``n`` connections; return their client ports."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._disconnects) >= n, timeout):
                raise TimeoutError(f"expected {n} disconnect(s) within {timeout}s, got {len(self._disconnects)}")
            return list(self._disconnects)

    def wait_ended(self, n: int, timeout: float = 10.0) -> None:
        """Block until ``n`` connections have ended (closed by either side) and been cleaned up by the server."""
        self._server.wait_ended(n, timeout)

    def wait_open_connections(self, n: int, timeout: float = 10.0) -> None:
        """Block until exactly ``n`` connections are open on the server side."""
        self._server.wait_open_connections(n, timeout)

    def close(self) -> None:
        """Stop the server and join its thread (idempotent)."""
        self._server.close()

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer_port = int(writer.get_extra_info("peername")[1])
        try:
            while True:
                request = await self._read_request(reader, peer_port)
                if request is None:
                    self._disconnected(peer_port)
                    break
                if not await self._act(self._action(request), reader, writer, peer_port):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            self._disconnected(peer_port)
            writer.transport.abort()

    def _disconnected(self, peer_port: int) -> None:
        with self._cond:
            self._disconnects.append(peer_port)
            self._cond.notify_all()

    async def _read_request(self, reader: asyncio.StreamReader, peer_port: int) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head[:-4].decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if "chunked" in headers.get("transfer-encoding", ""):
            payload = await read_chunked(reader)
        else:
            payload = await reader.readexactly(int(headers.get("content-length", "0") or "0"))
        with self._cond:
            request = Request(
                index=self._count,
                at=time.monotonic(),
                method=method,
                target=target,
                path=target.split("?", 1)[0],
                headers=headers,
                body=payload,
                peer_port=peer_port,
            )
            self._count += 1
            if self._record:
                self._requests.append(request)
            self._cond.notify_all()
        return request

    def _action(self, request: Request) -> Action:
        with self._cond:
            script = self._script
        if callable(script):
            return script(request)
        if not script:
            return json_reply({})
        return script[min(request.index, len(script) - 1)]

    async def _act(
        self, action: Action, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer_port: int
    ) -> bool:
        """Carry out ``action``; return whether the connection stays open for another request."""
        delay = action.delay if isinstance(action, Reply | Reset | Close) else 0.0
        if delay:
            await asyncio.sleep(delay)
        if isinstance(action, Reset):
            reset(writer)
            return False
        if isinstance(action, Close):
            writer.close()
            return False
        if isinstance(action, Reply):
            await self._reply(action, writer)
            if action.close or action.drop:
                writer.close()
            return not (action.close or action.drop)
        return await self._events(action, reader, writer, peer_port)

    async def _reply(self, reply: Reply, writer: asyncio.StreamWriter) -> None:
        framing = (
            ("transfer-encoding", "chunked")
            if reply.chunked
            else ("content-length", str(len(reply.body) * reply.repeat))
        )
        connection = ("connection", "close" if reply.close else "keep-alive")
        slow_head, slow_body = _paces(reply.trickle)
        await _send(writer, _head(reply.status, [*reply.headers, framing, connection]), slow_head)
        for _ in range(reply.repeat):
            if reply.body:
                await _send(writer, chunk(reply.body) if reply.chunked else reply.body, slow_body)
        if reply.chunked:
            writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def _events(
        self, action: Events, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer_port: int
    ) -> bool:
        headers = [("content-type", "text/event-stream"), *action.headers, ("transfer-encoding", "chunked")]
        slow_head, slow_body = _paces(action.trickle)
        await _send(writer, _head(action.status, headers), slow_head)
        for event in action.events:
            if action.gap:
                await asyncio.sleep(action.gap)
            size = action.write_size or len(event) or 1
            for start in range(0, len(event), size):
                await _send(writer, chunk(event[start : start + size]), slow_body)
        if action.keepalive_every is not None:
            await self._until_client_leaves(reader, writer, action.keepalive_every, peer_port)
            return False
        if action.end == "rst":
            reset(writer)
            return False
        if action.end == "fin":
            writer.close()
            return False
        if action.end == "stall":
            await self._until_client_leaves(reader, writer, None, peer_port)
            return False
        if action.end == "done":
            writer.write(chunk(b"data: [DONE]\n\n"))
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _until_client_leaves(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, every: float | None, peer_port: int
    ) -> None:
        while True:
            try:
                data = await asyncio.wait_for(reader.read(1024), every)
            except TimeoutError:
                writer.write(chunk(b": keep-alive\n\n"))
                await writer.drain()
                continue
            if not data:
                self._disconnected(peer_port)
                return


def _paces(trickle: Trickle | None) -> tuple[Trickle | None, Trickle | None]:
    """How to send the head and the body: slowly (the ``Trickle``) or at once (``None``)."""
    if trickle is None:
        return None, None
    return (trickle if trickle.head else None), (trickle if trickle.body else None)


async def _send(writer: asyncio.StreamWriter, data: bytes, trickle: Trickle | None) -> None:
    """Write ``data`` at once, or ``trickle.size`` bytes every ``trickle.every`` seconds."""
    if trickle is None:
        writer.write(data)
        await writer.drain()
        return
    for start in range(0, len(data), trickle.size):
        writer.write(data[start : start + trickle.size])
        await writer.drain()
        await asyncio.sleep(trickle.every)


def _head(status: int, headers: Sequence[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} Status", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class LoadScript:
    """Serves chat completions (JSON, or a 20-event stream when the body says ``"stream": true``), with faults.

    Each request gets, with probability ``fault_rate``, one of: 429 with ``retry-after-ms: 10``, 503, a reset before
    the status line, or (streams) a clean end of the body without ``[DONE]``.

    For the soak it also takes custom logs, never faulted: ``POST /v1/logs`` (a JSON array of logs; the distinct
    values of their ``soak_id`` field are counted), and ``GET /v1/soak/logs`` answers ``{"received": <count>}``.
    """

    fault_rate: float
    seed: int
    _random: random.Random = field(init=False)
    _completion: Reply = field(init=False)
    _stream: Events = field(init=False)
    _cut: Events = field(init=False)
    _log_ids: set[str] = field(init=False, default_factory=set[str])

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._completion = json_reply(chat_completion("hello from the load server"))
        events = [sse(chat_chunk(f"w{i} ", i)) for i in range(20)]
        self._stream = Events(events)
        self._cut = Events(events[:5], end="eof")

    def _logs(self, request: Request) -> Action:
        if request.method == "POST":
            logs = request.json()
            if isinstance(logs, list):
                for log in logs:
                    if isinstance(log, dict) and isinstance(log.get("soak_id"), str):
                        self._log_ids.add(str(log["soak_id"]))
            return json_reply({"status": "success"})
        return json_reply({"received": len(self._log_ids)})

    def __call__(self, request: Request) -> Action:
        if request.path in ("/v1/logs", "/v1/soak/logs"):
            return self._logs(request)
        streaming = b'"stream":true' in request.body.replace(b" ", b"")
        if self._random.random() < self.fault_rate:
            kind = self._random.randrange(4)
            if kind == 0:
                return json_reply({"error": {"message": "slow down"}}, 429, (("retry-after-ms", "10"),))
            if kind == 1:
                return json_reply({"error": {"message": "busy"}}, 503, (("retry-after-ms", "10"),))
            if kind == 2:
                return Reset()
            if streaming:
                return self._cut
        return self._stream if streaming else self._completion


def main(argv: Sequence[str] | None = None) -> int:
    """Run a load-mode fault server until SIGTERM/SIGINT; print its base URL on the first line of stdout."""
    parser = argparse.ArgumentParser(prog="python -m tests.servers.fault_server")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with FaultServer(LoadScript(args.fault_rate, args.seed), record=False) as server:
        serve_until_signalled(server.base_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
