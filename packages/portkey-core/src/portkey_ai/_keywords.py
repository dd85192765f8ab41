"""Undeclared keywords (DECISIONS 22): a keyword a method does not declare goes to the JSON body (POST/PUT/PATCH) or
the query (GET/DELETE), merged under an explicit `extra_body` / `extra_query` (explicit wins).

The accepted names come from the installed method's signature (read once per function), so new openai parameters keep
working. The request itself decides between body and query: the undeclared keywords travel in `extra_body` under the
`UNDECLARED` key, and `route_undeclared` (called when the request is built) puts them in the query of a GET or DELETE.
`accept_extra_keywords` applies this to one bound method (every `@endpoint`); `_dropin.py` applies it to every
resource method reached from a client.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, cast

if TYPE_CHECKING:
    from openai._models import FinalRequestOptions

__all__ = [
    "UNDECLARED",
    "Shape",
    "accept_extra_keywords",
    "is_async",
    "route",
    "route_undeclared",
    "shape_of",
    "undeclared_body",
]

_F = TypeVar("_F", bound=Callable[..., Any])

_QUERY_METHODS: Final = frozenset({"get", "delete", "head", "options"})


UNDECLARED: Final = "__portkey_undeclared__"
"""The key under which `extra_body` carries the undeclared keywords until the request is built (openai copies
`extra_body` into a plain dict, so a key is what survives)."""


def undeclared_body(undeclared: Mapping[str, object], explicit: Mapping[str, object] | None) -> dict[str, object]:
    """`extra_body` for a call with `undeclared` keywords besides the `explicit` `extra_body` (which wins)."""
    body = dict(explicit or {})
    earlier = body.pop(UNDECLARED, None)
    body[UNDECLARED] = {**cast("Mapping[str, object]", earlier or {}), **undeclared}
    return body


def route_undeclared(options: FinalRequestOptions) -> None:
    """Put the undeclared keywords of a call where its HTTP method wants them: the query of a GET or DELETE, else
    the JSON body; an explicit `extra_body` / `extra_query` value of the same name wins."""
    extra = options.extra_json
    if not extra or UNDECLARED not in extra:
        return
    body = {name: value for name, value in extra.items() if name != UNDECLARED}
    undeclared = cast("Mapping[str, object]", extra[UNDECLARED])
    if options.method.lower() in _QUERY_METHODS:
        options.params = {**undeclared, **options.params}
        options.extra_json = body or None
    else:
        options.extra_json = {**undeclared, **body}


@dataclass(frozen=True, slots=True)
class Shape:
    """How a method takes keywords: the names it declares, and where undeclared ones go (`None`: nowhere)."""

    accepted: frozenset[str]
    channel: Literal["extra_body", "extra_query"] | None
    positional: int = 0
    """How many arguments it takes by position (after `self`)."""


@functools.cache
def shape_of(func: Callable[..., Any]) -> Shape:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return Shape(frozenset(), None)
    names = frozenset(p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
    positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters if p.name != "self")
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return Shape(names, None, positional)
    channel: Literal["extra_body", "extra_query"] | None = (
        "extra_body" if "extra_body" in names else "extra_query" if "extra_query" in names else None
    )
    return Shape(names, channel, positional)


def is_async(func: Callable[..., Any]) -> bool:
    """Whether `func` is, under its decorators (openai's `required_args` wrapper is a plain function), a coroutine
    function: its adapter is then one too."""
    return inspect.iscoroutinefunction(inspect.unwrap(func))


def route(shape: Shape, kwargs: dict[str, Any]) -> None:
    """Move the keywords `shape` does not declare into its `extra_body` or `extra_query` (explicit values win)."""
    if shape.channel is None:
        return
    undeclared = [name for name in kwargs if name not in shape.accepted]
    if not undeclared:
        return
    extras = {name: kwargs.pop(name) for name in undeclared}
    if shape.channel == "extra_body":
        kwargs["extra_body"] = undeclared_body(extras, kwargs.get("extra_body"))
    else:
        kwargs["extra_query"] = {**extras, **(kwargs.get("extra_query") or {})}


def accept_extra_keywords(method: _F) -> _F:
    """`method` (a bound method taking `extra_body` and/or `extra_query`) that also takes undeclared keywords.

    They go to the JSON body of a POST/PUT/PATCH and to the query of a GET/DELETE (decided when the request is
    built, see `route_undeclared`), under the explicit `extra_body` / `extra_query`. A method that already takes `**kwargs` is returned
    unchanged.
    """
    func = cast("Callable[..., Any]", getattr(method, "__func__", method))
    shape = shape_of(func)
    if shape.channel is None:
        return method
    if is_async(func):

        @functools.wraps(method)
        async def async_call(*args: Any, **kwargs: Any) -> Any:
            route(shape, kwargs)
            return await method(*args, **kwargs)

        return cast("_F", async_call)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        route(shape, kwargs)
        return method(*args, **kwargs)

    return cast("_F", call)
