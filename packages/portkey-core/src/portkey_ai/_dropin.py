"""The drop-in adapter: calls written for the official `portkey-ai` SDK work on openai's own resource methods.

One generic mechanism (DECISIONS 22), applied to every resource reached from a client (openai's inherited
resources, core's Portkey resources) and, through `accept_extra_keywords`, to every portkey-admin method:

- a keyword the installed method does not declare is sent in the JSON body (POST/PUT/PATCH) or the query
  (GET/DELETE), merged under an explicit `extra_body` / `extra_query` (explicit wins; `_keywords.py`);
- a few official signatures are restored on top (`OFFICIAL`): `model="portkey-default"` where the official SDK
  defaults it, positional arguments the official SDK takes (`files.create(file, purpose)`), and
  `audio.speech.create(..., stream=True)`.

Resources stay instances of openai's classes: each is switched, on first access, to a cached subclass of its own
class (named like it) whose public methods are wrapped. Static types keep openai's signatures.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal, TypeVar, cast

from ._keywords import (
    UNDECLARED,
    Shape,
    accept_extra_keywords,
    is_async,
    route,
    route_undeclared,
    shape_of,
    undeclared_body,
)

__all__ = [
    "DEFAULT_MODEL",
    "UNDECLARED",
    "accept_extra_keywords",
    "adapt_resource",
    "adapting_property",
    "install",
    "route_undeclared",
    "undeclared_body",
]

DEFAULT_MODEL: Final = "portkey-default"
"""The model the official SDK sends when none is given: the gateway's config, virtual key or prompt decides."""

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Official:
    """What the official SDK's signature adds to one method: defaults, positional names, `stream=True` as a flag."""

    defaults: Mapping[str, object] = field(default_factory=dict[str, object])
    positional: tuple[str, ...] = ()
    """The official SDK's positional parameters, used when a call passes more positional arguments than openai's
    method takes (openai's own positional form keeps working)."""
    stream_flag: bool = False
    """`stream=True` returns the method of `with_streaming_response` (a context manager of the streamed body)."""
    around: Callable[[Any, Callable[..., Any], tuple[Any, ...], dict[str, Any]], Any] | None = None
    """Makes the call instead: `around(resource, method, args, kwargs)` (a sync method only)."""


def _realtime_connect(resource: Any, method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Realtime `connect`: the client's headers on the upgrade request, typed handshake errors (`_realtime.py`)."""
    from ._realtime import connect

    return connect(resource, method, args, kwargs)


_MODEL: Final = Official(defaults={"model": DEFAULT_MODEL})
_THREAD_RUN: Final = Official(positional=("thread_id", "run_id"))
_RUN_HELPER: Final = Official(positional=("thread_id", "assistant_id"))
_CHAT_HELPER: Final = Official(
    positional=(
        "model",
        "messages",
        "stream",
        "temperature",
        "max_tokens",
        "top_p",
        "audio",
        "max_completion_tokens",
        "metadata",
        "modalities",
        "prediction",
        "reasoning_effort",
        "store",
    ),
    defaults={"model": DEFAULT_MODEL},
)
_COMPLETION_HELPER: Final = Official(
    positional=(
        "model",
        "prompt",
        "stream",
        "temperature",
        "max_tokens",
        "top_p",
        "best_of",
        "echo",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "n",
        "presence_penalty",
        "seed",
        "stop",
        "suffix",
        "user",
        "stream_options",
    ),
    defaults={"model": DEFAULT_MODEL, "prompt": None},
)
OFFICIAL: Final[Mapping[str, Official]] = {
    "chat.completions.create": _MODEL,
    "chat.completions.parse": _MODEL,
    "chat.completions.stream": _MODEL,
    "chat.completions.update": Official(defaults={"metadata": None}),
    "beta.chat.completions.parse": _MODEL,
    "beta.chat.completions.stream": _MODEL,
    "beta.assistants.create": _MODEL,
    "beta.realtime.sessions.create": _MODEL,
    "embeddings.create": _MODEL,
    "completions.create": Official(defaults={"model": DEFAULT_MODEL, "prompt": None}),
    "files.create": Official(positional=("file", "purpose")),
    "audio.speech.create": Official(stream_flag=True),
    "beta.threads.create_and_run": Official(positional=("assistant_id", "stream")),
    "beta.threads.messages.retrieve": Official(positional=("thread_id", "message_id")),
    "beta.threads.messages.update": Official(positional=("thread_id", "message_id", "metadata")),
    "beta.threads.runs.retrieve": _THREAD_RUN,
    "beta.threads.runs.cancel": _THREAD_RUN,
    "beta.threads.runs.update": Official(positional=("thread_id", "run_id", "metadata")),
    "beta.threads.runs.steps.retrieve": Official(positional=("thread_id", "run_id", "step_id", "include")),
    # The official SDK's public helpers (see ALIASES), with their positional parameters.
    "chat.completions.normal_create": _CHAT_HELPER,
    "chat.completions.stream_create": _CHAT_HELPER,
    "completions.normal_create": _COMPLETION_HELPER,
    "completions.stream_create": _COMPLETION_HELPER,
    "beta.threads.runs.normal_create": _RUN_HELPER,
    "beta.threads.runs.stream_create": _RUN_HELPER,
    "beta.threads.normal_create_and_run": Official(positional=("assistant_id",)),
    "beta.threads.stream_create_and_run": Official(positional=("assistant_id",)),
    "realtime.connect": Official(around=_realtime_connect),
    "beta.realtime.connect": Official(around=_realtime_connect),
}
"""The official SDK's signatures where they differ from openai's, by method path from the client."""


def _prepare(official: Official | None, shape: Shape, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if official is not None:
        if official.positional and len(args) > shape.positional:
            named, args = args[: len(official.positional)], args[len(official.positional) :]
            for name, value in zip(official.positional, named, strict=False):
                if name in kwargs:
                    raise TypeError(f"got multiple values for argument {name!r}")
                kwargs[name] = value
        for name, value in official.defaults.items():
            kwargs.setdefault(name, value)
    route(shape, kwargs)
    return args


def _streamed(official: Official | None, resource: Any, name: str, kwargs: dict[str, Any]) -> Any:
    """The `with_streaming_response` method to call instead, for an official `stream=True` flag; else `None`."""
    if official is None or not official.stream_flag or "stream" not in kwargs:
        return None
    if kwargs.pop("stream") is not True:
        return None
    return getattr(resource.with_streaming_response, name)


def _wrap(func: Callable[..., Any], official: Official | None) -> Callable[..., Any]:
    """`func` (a resource method, unbound) taking the official SDK's calls too."""
    name = func.__name__
    if is_async(func):

        @functools.wraps(func)
        async def async_method(self: Any, *args: Any, **kwargs: Any) -> Any:
            streamed = _streamed(official, self, name, kwargs)
            if streamed is not None:
                return streamed(*args, **kwargs)
            args = _prepare(official, shape_of(func), args, kwargs)
            return await func(self, *args, **kwargs)

        return async_method

    @functools.wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        streamed = _streamed(official, self, name, kwargs)
        if streamed is not None:
            return streamed(*args, **kwargs)
        args = _prepare(official, shape_of(func), args, kwargs)
        if official is not None and official.around is not None:
            return official.around(self, func, args, kwargs)
        return func(self, *args, **kwargs)

    return method


_RESPONSE_WRAPPERS: Final = frozenset({"with_raw_response", "with_streaming_response"})
_adapted: dict[tuple[type[Any], str], type[Any]] = {}


def _is_resource(value: object) -> bool:
    from openai._resource import AsyncAPIResource, SyncAPIResource

    from .resources._endpoint import AsyncResource, SyncResource

    return isinstance(value, SyncAPIResource | AsyncAPIResource | SyncResource | AsyncResource)


def _adapted_class(cls: type[Any], path: str) -> type[Any]:
    """`cls` with every public method wrapped (`_wrap`) and every sub-resource adapted, for the resource at `path`."""
    key = (cls, path)
    found = _adapted.get(key)
    if found is not None:
        return found
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "__slots__": ()}
    seen: set[str] = set()
    for klass in cls.__mro__:
        if klass is object or klass.__module__ in ("openai._resource", "portkey_ai.resources._endpoint"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in seen or name in _RESPONSE_WRAPPERS:
                continue
            seen.add(name)
            if isinstance(value, cached_property):
                namespace[name] = adapting_property(value.func, f"{path}.{name}")
            elif inspect.isfunction(value):
                namespace[name] = _wrap(_in_lane(value, f"{path}.{name}"), OFFICIAL.get(f"{path}.{name}"))
    for name, func in _added_methods(path, _is_async_resource(cls)).items():
        namespace[name] = _wrap(func, OFFICIAL.get(f"{path}.{name}"))
    adapted = type(cls.__name__, (cls,), namespace)
    _adapted[key] = adapted
    return adapted


def _in_lane(func: Callable[..., Any], path: str) -> Callable[..., Any]:
    """`func` (the method at `path`) in the fast lane of `_fastlane.py` (DECISIONS 23) where it has one."""
    from ._fastlane import LANE_METHODS, lane_function

    return lane_function(func) if path in LANE_METHODS else func


def _is_async_resource(cls: type[Any]) -> bool:
    from openai._resource import AsyncAPIResource

    from .resources._endpoint import AsyncResource

    return issubclass(cls, AsyncAPIResource | AsyncResource)


ALIASES: Final[Mapping[str, Mapping[str, tuple[str, Mapping[str, object]]]]] = {
    "chat.completions": {"normal_create": ("create", {}), "stream_create": ("create", {})},
    "completions": {"normal_create": ("create", {}), "stream_create": ("create", {})},
    "beta.threads.runs": {"normal_create": ("create", {}), "stream_create": ("create", {"stream": True})},
    "beta.threads": {
        "normal_create_and_run": ("create_and_run", {}),
        "stream_create_and_run": ("create_and_run", {"stream": True}),
    },
}
"""Public helpers of the official SDK that its `create` dispatches to, by resource path: name -> (the method they
call here, the keywords they force). The official `stream_create*` of threads yield raw SSE lines; here they return
openai's typed event stream."""


def _alias(name: str, target: str, forced: Mapping[str, object], is_async: bool) -> Callable[..., Any]:
    if is_async:

        async def async_alias(self: Any, *args: Any, **kwargs: Any) -> Any:
            return await getattr(self, target)(*args, **{**kwargs, **forced})

        async_alias.__name__ = async_alias.__qualname__ = name
        return async_alias

    def alias(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, target)(*args, **{**kwargs, **forced})

    alias.__name__ = alias.__qualname__ = name
    return alias


def _added_methods(path: str, is_async: bool) -> dict[str, Callable[..., Any]]:
    """Methods of the official SDK (and the spec) that the installed openai resource at `path` lacks."""
    added = {name: _alias(name, target, forced, is_async) for name, (target, forced) in ALIASES.get(path, {}).items()}
    if path == "batches":
        from .resources.batch_output import async_output, output

        added["output"] = async_output if is_async else output
    return added


def adapt_resource(resource: _F, path: str) -> _F:
    """`resource` (reached at `path` from the client), switched to its adapted class; other values unchanged."""
    if _is_resource(resource):
        resource.__class__ = _adapted_class(type(resource), path)
    return resource


def adapting_property(func: Callable[[Any], Any], path: str) -> cached_property[Any]:
    """A `cached_property` returning what `func` returns, adapted as the resource at `path`."""

    @functools.wraps(func)
    def get(self: Any) -> Any:
        return adapt_resource(func(self), path)

    return cached_property(get)


def install(client_class: type[Any], openai_class: type[Any]) -> None:
    """Make every resource attribute of `client_class` (its own and those inherited from `openai_class`) adapted."""
    own = dict(vars(client_class))
    for owner in (vars(openai_class), own):
        for name, value in owner.items():
            if isinstance(value, cached_property) and name not in _RESPONSE_WRAPPERS:
                if owner is not own and (name in own or _shadowed(client_class, name)):
                    continue
                prop = adapting_property(value.func, name)
                prop.__set_name__(client_class, name)
                setattr(client_class, name, prop)


def _shadowed(client_class: type[Any], name: str) -> bool:
    """Whether a class between `client_class` and openai's client defines `name` (like the mixin's `admin`)."""
    return any(name in vars(klass) for klass in client_class.__mro__[1:] if klass.__module__.startswith("portkey_ai"))


_Verb = Literal["get", "post", "put", "patch", "delete"]


def official_request(
    verb: _Verb, args: tuple[Any, ...], kwargs: dict[str, Any], *, is_async: bool
) -> tuple[str, dict[str, Any]] | None:
    """openai's `post/get/put/delete` arguments for a call in the official SDK's form, or `None` for openai's own.

    The official forms: `post(url, stream=False, files=None, headers={}, **body)` (a `GenericResponse`, or with
    `stream=True` a stream of them; unlike the official SDK, `"stream": true` is then sent in the body too, so that
    the endpoint streams), `get(path=..., headers={}, cast_to=None)`, `put(path=..., body={}, headers={}, cast_to=None)` and
    `delete(path=..., headers={}, cast_to=None)` (the `httpx.Response` itself unless `cast_to` is given). openai's
    own calls always pass a `cast_to` and never `headers`.
    """
    if kwargs.get("cast_to") is not None and "headers" not in kwargs:
        return None
    from openai import AsyncStream, Stream

    from ._http import httpx
    from .types.legacy import GenericResponse

    where = "url" if verb == "post" else "path"
    path: object
    if args:
        if len(args) > 1:
            raise TypeError(f"`{verb}` takes one positional argument (the {where}), got {len(args)}")
        path = next(iter(args))
        if where in kwargs or "path" in kwargs:
            raise TypeError(f"`{verb}` got the {where} both by position and by keyword")
    else:
        path = kwargs.pop(where, None) if where in kwargs else kwargs.pop("path", None)
    if not isinstance(path, str) or not path:
        raise TypeError(f"`{where}` must be a non-empty string, not {type(path).__name__}")
    given_headers: object = kwargs.pop("headers", None) or {}
    if not isinstance(given_headers, Mapping):
        raise TypeError(f"`headers` must be a mapping of header names to values, not {type(given_headers).__name__}")
    headers = dict(cast("Mapping[str, str]", given_headers))
    cast_to = kwargs.pop("cast_to", None)
    if verb == "post":
        stream = kwargs.pop("stream", False)
        files = kwargs.pop("files", None)
        cast_to = cast_to or GenericResponse
        request: dict[str, Any] = {"cast_to": cast_to, "body": kwargs, "stream": bool(stream)}
        if files is not None:
            request["files"] = files
            headers = {"Content-Type": "multipart/form-data", **headers}
        if stream:
            kwargs.setdefault("stream", True)
            request["stream_cls"] = (AsyncStream if is_async else Stream)[cast_to]
    else:
        body = kwargs.pop("body", None) if verb in ("put", "patch") else None
        if kwargs:
            raise TypeError(f"`{verb}` got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
        request = {"cast_to": cast_to or httpx.Response}
        if verb in ("put", "patch"):
            request["body"] = dict(body or {})
    request["options"] = {"headers": headers}
    return path, request
