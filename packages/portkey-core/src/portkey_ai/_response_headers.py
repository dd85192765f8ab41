"""`get_headers()` on every parsed response: the `x-portkey-*` response headers of that response, prefix stripped.

The headers travel with the response object itself (never through the client), so concurrent calls on one client
cannot see each other's headers. A parsed model keeps its openai type: it becomes an instance of a cached subclass
that adds `get_headers()`, so `isinstance(result, ChatCompletion)` still holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import pydantic

from ._constants import HEADER_PREFIX

if TYPE_CHECKING:
    from ._http import httpx

__all__ = ["attach_headers", "get_headers", "headers_attacher"]

_HEADERS_KEY = "_portkey_response_headers"
_subclasses: dict[type[pydantic.BaseModel], type[pydantic.BaseModel]] = {}
_lock = threading.Lock()


def get_headers(obj: object) -> dict[str, str]:
    """The `x-portkey-*` headers of the response `obj` was parsed from, prefix stripped (`{}` if unknown)."""
    headers: httpx.Headers | None = getattr(obj, "__dict__", {}).get(_HEADERS_KEY)
    if headers is None:
        return {}
    prefix_length = len(HEADER_PREFIX)
    return {name[prefix_length:]: value for name, value in headers.items() if name.startswith(HEADER_PREFIX)}


def _method_get_headers(self: object) -> dict[str, str]:
    """The `x-portkey-*` headers of the response this object was parsed from, prefix stripped."""
    return get_headers(self)


def _with_headers_class(cls: type[pydantic.BaseModel]) -> type[pydantic.BaseModel]:
    subclass = _subclasses.get(cls)
    if subclass is None:
        with _lock:
            subclass = _subclasses.get(cls)
            if subclass is None:
                namespace: dict[str, Any] = {
                    "__module__": cls.__module__,
                    "__qualname__": cls.__qualname__,
                    "__doc__": cls.__doc__,
                    "get_headers": _method_get_headers,
                }
                subclass = cast("type[pydantic.BaseModel]", type(cls.__name__, (cls,), namespace))
                _subclasses[cls] = subclass
    return subclass


def attach_headers(result: Any, response: httpx.Response) -> Any:
    """Give a parsed response model `get_headers()`; other results are returned unchanged."""
    if isinstance(result, pydantic.BaseModel):
        cls = type(result)
        if "get_headers" not in cls.__dict__:
            object.__setattr__(result, "__class__", _with_headers_class(cls))
        object.__setattr__(result, _HEADERS_KEY, response.headers)
    return result


def headers_attacher(cls: type[pydantic.BaseModel], response: httpx.Response) -> Callable[[Any], Any]:
    """`attach_headers` for the many models of one response (a stream's chunks), with the class looked up once."""
    subclass = _with_headers_class(cls)
    headers = response.headers

    def attach(result: Any) -> Any:
        if type(result) is not cls:
            return attach_headers(result, response)
        object.__setattr__(result, "__class__", subclass)
        object.__setattr__(result, _HEADERS_KEY, headers)
        return result

    return attach
