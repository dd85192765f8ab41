"""A fake realtime (WebSocket) provider owned by the tests: the `websockets` server in a `LoopThread` (scaffold.py).

It speaks the shape of OpenAI's Realtime API closely enough for openai's connection classes: `session.created` on
connect, then one answer per client event (`session.update` -> `session.updated`, `response.create` ->
`response.created` + `response.done`, `conversation.item.create` -> `conversation.item.created`, anything else ->
an `error` event). It records every upgrade request (path, query, headers), every client event and how each
connection ended (the close code the server saw); it can refuse the next upgrade with a status and a JSON body,
and close the connection itself after its next answer. Waiting is done on a condition, never with sleeps.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.servers.scaffold import LoopThread

__all__ = ["Closed", "FakeRealtimeProvider", "Handshake"]

_T = TypeVar("_T")
_SERVER_LOG = logging.getLogger("tests.servers.fake_realtime")
"""The server's own handshake log (named so that tests can tell it from the client's)."""


@dataclass(frozen=True)
class Handshake:
    """One upgrade request as the server received it."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Header names lower-cased (a repeated header keeps its last value)."""
    raw_headers: list[tuple[str, str]]


@dataclass(frozen=True)
class Closed:
    """How one connection ended, seen from the server: the close code (1006: no close frame) and reason."""

    code: int | None
    reason: str


@dataclass
class _State:
    handshakes: list[Handshake] = field(default_factory=list[Handshake])
    events: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    closed: list[Closed] = field(default_factory=list[Closed])
    refusal: tuple[int, dict[str, Any]] | None = None
    close_after_answer: tuple[int, str] | None = None
    open_connections: int = 0


class FakeRealtimeProvider:
    """The fake realtime provider on 127.0.0.1 (a free port). Use as a context manager; `url` is `ws://host:port`."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._state = _State()
        self._thread: LoopThread[Server] | None = None
        self._port = 0

    @property
    def url(self) -> str:
        """`ws://127.0.0.1:<port>`."""
        return f"ws://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """`url + "/v1"` (what a client's `websocket_base_url` is set to; it appends `/realtime`)."""
        return self.url + "/v1"

    # -- scripting -------------------------------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget recorded handshakes, events and closes, and any scripted refusal or close."""
        with self._lock:
            open_connections = self._state.open_connections
            self._state = _State(open_connections=open_connections)

    def refuse_next(self, status: int, body: dict[str, Any]) -> None:
        """Answer the next upgrade request with `status` and `body` as JSON instead of switching protocols."""
        with self._lock:
            self._state.refusal = (status, body)

    def close_after_next_answer(self, code: int = 1000, reason: str = "done") -> None:
        """Close the connection (with `code` and `reason`) right after answering the next client event."""
        with self._lock:
            self._state.close_after_answer = (code, reason)

    # -- records ---------------------------------------------------------------------------------------------------

    @property
    def handshakes(self) -> list[Handshake]:
        with self._lock:
            return list(self._state.handshakes)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The client events received, in order."""
        with self._lock:
            return list(self._state.events)

    @property
    def closed(self) -> list[Closed]:
        with self._lock:
            return list(self._state.closed)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return self._state.open_connections

    def wait_for(self, what: Callable[[FakeRealtimeProvider], _T], timeout: float = 5.0) -> _T:
        """The first truthy `what(self)`, re-evaluated whenever the server records something; `TimeoutError` after
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = what(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the fake realtime provider did not reach the expected state in {timeout} s")
                self._lock.wait(remaining)

    # -- server ----------------------------------------------------------------------------------------------------

    def _record(self, change: Callable[[_State], object]) -> None:
        with self._lock:
            change(self._state)
            self._lock.notify_all()

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        split = urlsplit(request.path)
        raw = [(name, value) for name, value in request.headers.raw_items()]
        handshake = Handshake(
            path=split.path,
            query=parse_qs(split.query),
            headers={name.lower(): value for name, value in raw},
            raw_headers=raw,
        )
        with self._lock:
            refusal, self._state.refusal = self._state.refusal, None
            self._state.handshakes.append(handshake)
            self._lock.notify_all()
        if refusal is None:
            return None
        status, body = refusal
        response = connection.respond(status, json.dumps(body))
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = "application/json"
        return response

    @staticmethod
    def _answers(event: dict[str, Any]) -> list[dict[str, Any]]:
        kind = event.get("type")
        if kind == "session.update":
            return [{"type": "session.updated", "event_id": "evt_2", "session": event.get("session", {})}]
        if kind == "response.create":
            response = {"id": "resp_1", "object": "realtime.response", "status": "completed", "output": []}
            return [
                {"type": "response.created", "event_id": "evt_3", "response": {**response, "status": "in_progress"}},
                {"type": "response.done", "event_id": "evt_4", "response": response},
            ]
        if kind == "conversation.item.create":
            return [{"type": "conversation.item.created", "event_id": "evt_5", "item": event.get("item", {})}]
        error = {"type": "invalid_request_error", "code": "unknown_event", "message": f"unknown event {kind!r}"}
        return [{"type": "error", "event_id": "evt_6", "error": error}]

    async def _handler(self, connection: ServerConnection) -> None:
        self._record(lambda state: setattr(state, "open_connections", state.open_connections + 1))
        try:
            await connection.send(json.dumps({"type": "session.created", "event_id": "evt_1", "session": {"id": "s1"}}))
            async for message in connection:
                event: dict[str, Any] = json.loads(message)
                with self._lock:
                    self._state.events.append(event)
                    self._lock.notify_all()
                for answer in self._answers(event):
                    await connection.send(json.dumps(answer))
                with self._lock:
                    close, self._state.close_after_answer = self._state.close_after_answer, None
                if close is not None:
                    await connection.close(*close)
        except ConnectionClosed:
            pass
        finally:
            await connection.wait_closed()
            code = connection.close_code
            reason = connection.close_reason or ""

            def finish(state: _State) -> None:
                state.open_connections -= 1
                state.closed.append(Closed(code, reason))

            self._record(finish)

    async def _serve(self) -> Server:
        return await serve(self._handler, "127.0.0.1", 0, process_request=self._process_request, logger=_SERVER_LOG)

    @staticmethod
    async def _shutdown(server: Server) -> None:
        server.close()
        await server.wait_closed()

    def __enter__(self) -> FakeRealtimeProvider:
        try:
            self._thread = LoopThread("fake-realtime-provider", self._serve, self._shutdown)
        except Exception as error:
            raise RuntimeError("the fake realtime provider did not start") from error
        self._port = next(iter(self._thread.server.sockets)).getsockname()[1]
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread is not None:
            self._thread.close()
