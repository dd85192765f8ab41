"""The client's connections: masked request headers, same-origin redirects, fork safety of the sync pools and the
event loop an async client is bound to.
"""

from __future__ import annotations

import asyncio
import os
import threading
import types
import weakref
from collections.abc import Callable, Mapping
from typing import cast

from typing_extensions import override

from . import _logging
from ._http import httpx
from ._policy import origin

__all__ = ["MaskedHeaders", "SYNC_HTTP_CLIENTS", "after_fork_in_child", "check_event_loop", "same_origin_redirect"]


class MaskedHeaders(httpx.Headers):
    """Request headers whose `repr` hides every sensitive value (httpx masks only `Authorization`)."""

    @override
    def __repr__(self) -> str:
        return f"Headers({_logging.redact_headers(self.items())!r})"


SYNC_HTTP_CLIENTS: weakref.WeakSet[httpx.Client] = weakref.WeakSet()
_INHERITED_CONNECTIONS: list[object] = []
"""Connections a forked child inherited: kept, never used or closed (closing could disturb the parent's sockets)."""


def _forget_inherited_connections() -> None:
    """In a forked child: empty the connection pools of the sync clients, so the child opens its own sockets."""
    for client in list(SYNC_HTTP_CLIENTS):
        transports: list[object] = [getattr(client, "_transport", None)]
        transports.extend(cast(Mapping[object, object], getattr(client, "_mounts", {})).values())
        for transport in transports:
            pool = getattr(transport, "_pool", None)
            connections = getattr(pool, "_connections", None)
            if pool is None or not isinstance(connections, list):
                continue
            _INHERITED_CONNECTIONS.extend(cast(list[object], connections))
            pool._connections = []  # pyright: ignore[reportAttributeAccessIssue]
            pool._requests = []  # pyright: ignore[reportAttributeAccessIssue]
            lock = getattr(pool, "_optional_thread_lock", None)
            if lock is not None:
                pool._optional_thread_lock = type(lock)()  # pyright: ignore[reportAttributeAccessIssue]


def _call_referent(target: weakref.ref[Callable[[], None]]) -> None:
    function = target()
    if function is not None:
        function()


def _detached(function: Callable[[], None]) -> Callable[[], None]:
    """`function` called through a weak reference by a function whose globals are empty.

    `os.register_at_fork` keeps its callbacks until the very end of interpreter shutdown, and with a callback the
    globals of its module and all they reach: measured, about 10 ms more CPU at the exit of every process that
    imports the client (2 % of a one-request process). This wrapper reaches nothing.
    """
    after_fork = types.FunctionType(
        _call_referent.__code__, {"__builtins__": {}}, function.__name__, (weakref.ref(function),)
    )
    return cast("Callable[[], None]", after_fork)


def after_fork_in_child(function: Callable[[], None]) -> None:
    """Run the module-level `function` in the child of every `os.fork()` (where forking exists: not on Windows),
    registered through `_detached` so that it costs nothing at interpreter exit."""
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_detached(function))


after_fork_in_child(_forget_inherited_connections)

_EVENT_LOOPS: weakref.WeakKeyDictionary[httpx.AsyncClient, weakref.ref[asyncio.AbstractEventLoop]] = (
    weakref.WeakKeyDictionary()
)
_EVENT_LOOPS_LOCK = threading.Lock()


def check_event_loop(client: httpx.AsyncClient) -> None:
    """Bind `client` to the running asyncio loop on first use; a clear `RuntimeError` on any other loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    bound = _EVENT_LOOPS.get(client)
    if bound is None:
        with _EVENT_LOOPS_LOCK:
            bound = _EVENT_LOOPS.setdefault(client, weakref.ref(loop))
    if bound() is not loop:
        raise RuntimeError(
            "This AsyncPortkey client's connections belong to another event loop (for example an earlier "
            "asyncio.run): create one AsyncPortkey per event loop, e.g. `async with AsyncPortkey(...) as client:`"
        )


def same_origin_redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The redirect `response` asks for, if it stays on the origin of `request` (credentials never leave it).

    Its headers mask their secrets in `repr`, as the first request's do: an error raised after the redirect holds it.
    """
    next_request = response.next_request
    if next_request is None or origin(next_request.url) != origin(request.url):
        return None
    next_request.headers.__class__ = MaskedHeaders
    return next_request
