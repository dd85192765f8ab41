"""Realtime (WebSocket) connections: the Portkey headers on the upgrade request, typed handshake errors, no secret
in the handshake logs.

`client.realtime.connect(...)` and `client.beta.realtime.connect(...)` are openai's own; three things are added
around them (through the drop-in adapter, `OFFICIAL` in `_dropin.py`):

- the client's headers (every `x-portkey-*` header, `Authorization` when a provider key is given) are merged under
  the call's `extra_headers`: openai 3.x sends the client's default headers on the upgrade request, openai 2.x
  sends only `auth_headers` (empty for a Portkey client) and `extra_headers`, so without this the gateway would
  get no Portkey header at all on 2.x;
- entering the connection manager turns a failed opening handshake into the client's error tree: a refused upgrade
  (the server answered with a status other than 101) becomes the `APIStatusError` subclass of that status, built
  like any HTTP error of the client (gateway messages included), a handshake timeout `APITimeoutError`, any other
  failure (refused connection, malformed answer) `APIConnectionError`; the `websockets` exception is the cause;
- the `websockets.client` logger, which logs every handshake header at DEBUG, gets a filter that masks the values
  of secret headers and drops query strings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

from openai import APIConnectionError, APITimeoutError
from typing_extensions import override

from ._http import httpx
from ._logging import redact_headers, strip_query

__all__ = ["HandshakeLogFilter", "connect"]

_HEADER_LINE: Final = frozenset({"> %s: %s", "< %s: %s"})
_REQUEST_LINE: Final = "> GET %s HTTP/1.1"
_WEBSOCKETS_LOGGERS: Final = ("websockets.client", "websockets.asyncio.client", "websockets.sync.client")


class HandshakeLogFilter(logging.Filter):
    """Masks secret header values and query strings in what `websockets` logs about an opening handshake."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        """Redact `record` in place; never drops it."""
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and record.msg in _HEADER_LINE:
            name, value = (str(item) for item in args)
            record.args = (name, redact_headers([(name, value)])[name])
        elif isinstance(args, tuple) and len(args) == 1 and record.msg == _REQUEST_LINE:
            path = str(args[0])
            record.args = (path.split("?", 1)[0],)
        elif isinstance(record.msg, str):
            record.msg = strip_query(record.msg)
        return True


_FILTER: Final = HandshakeLogFilter()


def _install_log_filter() -> None:
    for name in _WEBSOCKETS_LOGGERS:
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


def _merged_headers(client: Any, extra: object) -> dict[str, str]:
    """The client's headers under the call's `extra_headers` (names compared case-insensitively; the call wins)."""
    given = dict(cast("Mapping[str, str]", extra or {}))
    overridden = {name.lower() for name in given}
    defaults = cast("Mapping[str, object]", client.default_headers)
    merged = {
        name: value for name, value in defaults.items() if name.lower() not in overridden and isinstance(value, str)
    }
    return {**merged, **given}


def _request(client: Any) -> httpx.Request:
    """The upgrade request as an `httpx.Request` for the error (URL without query: it may carry credentials)."""
    base = client.websocket_base_url or client.base_url
    url = httpx.URL(str(base)).copy_with(query=None, fragment=None)
    return httpx.Request("GET", str(url).rstrip("/") + "/realtime")


def _typed(client: Any, error: Exception) -> Exception:
    """The client's error for a failed opening handshake (`error` itself when it is not a handshake failure)."""
    from websockets.exceptions import InvalidHandshake, InvalidStatus

    request = _request(client)
    if isinstance(error, InvalidStatus):
        answer = error.response
        headers = [(name, value) for name, value in answer.headers.raw_items()]
        response = httpx.Response(
            answer.status_code, headers=headers, content=bytes(answer.body or b""), request=request
        )
        return cast("Exception", client._make_status_error_from_response(response))
    if isinstance(error, TimeoutError):
        return APITimeoutError(request=request)
    if isinstance(error, InvalidHandshake | OSError):
        reason = type(error).__name__
        return APIConnectionError(
            message=f"Connection error: the WebSocket handshake failed ({reason})", request=request
        )
    return error


_typed_classes: dict[type[Any], type[Any]] = {}


def _typed_manager_class(cls: type[Any]) -> type[Any]:
    """`cls` (openai's sync or async connection manager) whose `enter` / `__enter__` raise the client's errors."""
    found = _typed_classes.get(cls)
    if found is not None:
        return found
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    if hasattr(cls, "__aenter__"):
        opening = cls.__aenter__

        async def aenter(self: Any) -> Any:
            try:
                return await opening(self)
            except Exception as error:
                typed = _typed(self._portkey_client, error)
                if typed is error:
                    raise
                raise typed from error

        namespace["__aenter__"] = namespace["enter"] = aenter
    else:
        opening = cls.__enter__

        def enter(self: Any) -> Any:
            try:
                return opening(self)
            except Exception as error:
                typed = _typed(self._portkey_client, error)
                if typed is error:
                    raise
                raise typed from error

        namespace["__enter__"] = namespace["enter"] = enter
    typed_class = type(cls.__name__, (cls,), namespace)
    _typed_classes[cls] = typed_class
    return typed_class


def connect(resource: Any, call: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """`call(resource, *args, **kwargs)` (openai's `connect`) with the client's headers, returning a manager whose
    opening handshake raises the client's errors."""
    client = resource._client
    kwargs["extra_headers"] = _merged_headers(client, kwargs.get("extra_headers"))
    _install_log_filter()
    manager: Any = call(resource, *args, **kwargs)
    manager_class = cast("type[Any]", manager.__class__)
    manager.__class__ = _typed_manager_class(manager_class)
    manager._portkey_client = client
    return manager
