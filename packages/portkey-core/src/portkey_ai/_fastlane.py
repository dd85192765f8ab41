"""The fast lane (DECISIONS 23): `chat.completions.create`, `completions.create` and `embeddings.create` without
openai's request-parameter transform when their arguments are plain JSON data.

openai's resource method builds the body as a dict of its parameters and hands it to `maybe_transform` (or
`async_maybe_transform`), which walks it against the parameters' TypedDicts: a third of a sequential chat request.
For these three methods none of the TypedDicts reachable from the parameters carries an alias or a format that
applies to JSON data (`tests/core/test_fastlane.py` walks them on every run), so for plain JSON data the transform
only drops the omitted parameters and copies the containers. The lane runs openai's own method, the same code object,
with different globals in which `maybe_transform` / `async_maybe_transform` do exactly that when the data is plain
(`plain_body`), and call openai's transform otherwise. Everything else (argument checks, `validate_response_format`,
the embeddings defaults and post-parser, `make_request_options`, `_post`, the retry loop, streams, parsing) is
openai's code running unchanged.

Plain JSON data here: `str`, `int`, `float`, `bool`, `None` (exact types), `dict` with `str` keys and `list` /
`tuple` of plain data (exact types), copied (a tuple becomes a list, as openai's transform makes it). Anything else
at any depth (a generator or other iterable, a pydantic model, bytes, a file or path, a date, a `NotGiven` / `omit`
inside the data, a subclass of a builtin) sends the whole call through openai's transform.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, cast

from openai import NotGiven, Omit
from openai._utils import async_maybe_transform, maybe_transform

__all__ = ["LANE_METHODS", "LANE_PATHS", "lane_function", "plain_body"]

LANE_METHODS: Final = frozenset({"chat.completions.create", "completions.create", "embeddings.create"})
"""The methods that take the lane, by path from the client."""
LANE_PATHS: Final = frozenset({"/chat/completions", "/completions", "/embeddings"})
"""The URLs they post to, whose merge with the base URL the clients remember (`_hooks._prepare_url`)."""

_F = TypeVar("_F", bound=Callable[..., Any])
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


class _NotPlain(Exception):
    """Raised inside `_copy` at the first value that is not plain JSON data."""


def _copy(value: object) -> object:
    """A copy of `value` if it is plain JSON data (tuples become lists); else raises `_NotPlain`."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        copied: dict[str, object] = {}
        for key, item in cast("dict[object, object]", value).items():
            if type(key) is not str:
                raise _NotPlain
            copied[key] = _copy(item)
        return copied
    if kind is list or kind is tuple:
        return [_copy(item) for item in cast("list[object] | tuple[object, ...]", value)]
    raise _NotPlain


def plain_body(data: object) -> dict[str, object] | None:
    """What openai's transform makes of the parameter dict `data` when every given value is plain JSON data: the given
    parameters, copied, in their order; `None` when something is not plain (then openai's transform must run)."""
    if type(data) is not dict:
        return None
    body: dict[str, object] = {}
    try:
        for name, value in cast("dict[str, object]", data).items():
            if isinstance(value, NotGiven | Omit):
                continue
            body[name] = _copy(value)
    except _NotPlain:
        return None
    return body


def _transform(data: object, expected_type: object) -> Any:
    body = plain_body(data)
    return maybe_transform(data, expected_type) if body is None else body


async def _async_transform(data: object, expected_type: object) -> Any:
    body = plain_body(data)
    return await async_maybe_transform(data, expected_type) if body is None else body


def _rebound(func: types.FunctionType, lane_globals: dict[str, Any]) -> types.FunctionType:
    """`func` running with `lane_globals`; when it wraps another function through a closure (openai's
    `required_args`), that one is rebound instead and the wrapper keeps its own globals."""
    wrapped = func.__dict__.get("__wrapped__")
    closure = func.__closure__
    globals_ = lane_globals
    inner: types.FunctionType | None = None
    if isinstance(wrapped, types.FunctionType) and closure is not None:
        inner = _rebound(wrapped, lane_globals)
        closure = tuple(types.CellType(inner) if cell.cell_contents is wrapped else cell for cell in closure)
        globals_ = func.__globals__
    rebound = types.FunctionType(func.__code__, globals_, func.__name__, func.__defaults__, closure)
    rebound.__kwdefaults__ = func.__kwdefaults__
    rebound.__dict__.update(func.__dict__)
    if inner is not None:
        rebound.__wrapped__ = inner  # type: ignore[attr-defined]
    for attribute in ("__module__", "__qualname__", "__doc__", "__annotations__"):
        setattr(rebound, attribute, getattr(func, attribute))
    return rebound


def _lane_globals(module_globals: Mapping[str, Any]) -> dict[str, Any]:
    lane_globals = dict(module_globals)
    lane_globals["maybe_transform"] = _transform
    lane_globals["async_maybe_transform"] = _async_transform
    return lane_globals


@functools.cache
def _lane(func: types.FunctionType) -> types.FunctionType:
    inner: object = func
    while isinstance(getattr(inner, "__wrapped__", None), types.FunctionType):
        inner = cast(types.FunctionType, inner).__wrapped__  # type: ignore[attr-defined]
    module_globals = cast(types.FunctionType, inner).__globals__
    if "maybe_transform" not in module_globals and "async_maybe_transform" not in module_globals:
        return func
    return _rebound(func, _lane_globals(module_globals))


def lane_function(func: _F) -> _F:
    """openai's resource method `func` (as found on its class) running in the fast lane; `func` itself when it is not
    a plain function or its module does not use openai's transform."""
    if not isinstance(func, types.FunctionType):
        return func
    return cast("_F", _lane(func))
