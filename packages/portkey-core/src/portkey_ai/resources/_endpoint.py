"""One way to declare a Portkey endpoint, with its parsed, raw and streamed modes (core's resources and every
portkey-admin resource).

A resource class is generic in its response mode (`Parsed`, `Raw` or `Streamed`) and names its two derived classes in
its header: `class Feedback(SyncResource["Feedback[Raw]", "Feedback[Streamed]", ModeT])`, which types
`with_raw_response` (the same class in `Raw` mode, on the same client) and `with_streaming_response` (in `Streamed`
mode); a sub-resource takes its parent's mode. Each method is decorated with `@endpoint`: on a `Parsed` resource it is
the method itself, on a `Raw` one the method wrapped by openai's `to_raw_response_wrapper`, on a `Streamed` one by
`to_streamed_response_wrapper` (their async twins on async resources). `endpoint.__get__` is overloaded on the mode,
so type checkers see `Feedback[Raw].create(...) -> LegacyAPIResponse[FeedbackResponse]` with the method's own
parameters. A method with overloads of its own (`stream=True` returning a stream) declares them with `self` typed by
mode, its implementation being the `@endpoint`.

In every mode the method also takes the official SDK's catch-all keywords: `endpoint` wraps the bound method with
`portkey_ai._keywords.accept_extra_keywords`, so a keyword the method does not declare reaches the JSON body of a
POST/PUT/PATCH or the query of a GET/DELETE, under the explicit `extra_body` / `extra_query`.

openai's underscore imports used here (present in openai 2.45+ and 3.x): `openai._base_client`'s `SyncAPIClient` and
`AsyncAPIClient` (the type of a resource's client), `openai._legacy_response`'s
`to_raw_response_wrapper` / `async_to_raw_response_wrapper` and `LegacyAPIResponse`, `openai._response`'s
`to_streamed_response_wrapper` / `async_to_streamed_response_wrapper`, `ResponseContextManager` and
`AsyncResponseContextManager`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from types import MethodType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, cast, final, overload

from openai._base_client import AsyncAPIClient, SyncAPIClient
from openai._legacy_response import LegacyAPIResponse, async_to_raw_response_wrapper, to_raw_response_wrapper
from openai._response import (
    AsyncResponseContextManager,
    ResponseContextManager,
    async_to_streamed_response_wrapper,
    to_streamed_response_wrapper,
)
from typing_extensions import ParamSpec, TypeVar

from .._keywords import accept_extra_keywords

if TYPE_CHECKING:
    from openai import APIResponse, AsyncAPIResponse

__all__ = [
    "AsyncAPIClient",
    "AsyncResource",
    "AsyncResponseContextManager",
    "LegacyAPIResponse",
    "ModeT",
    "Parsed",
    "Raw",
    "ResponseContextManager",
    "ResponseMode",
    "Streamed",
    "SyncAPIClient",
    "SyncResource",
    "endpoint",
]


class ResponseMode:
    """What the methods of a resource return: `Parsed`, `Raw` or `Streamed` (the type argument of a resource)."""

    __slots__ = ()


@final
class Parsed(ResponseMode):
    """The parsed result (a model, a page, `None`): the resources the client gives (`portkey.feedback`, ...)."""

    __slots__ = ()


@final
class Raw(ResponseMode):
    """openai's `LegacyAPIResponse` (`.parse()`, `.headers`, `.status_code`, `.text`): `resource.with_raw_response`."""

    __slots__ = ()


@final
class Streamed(ResponseMode):
    """A context manager of openai's `APIResponse`, body read on demand: `resource.with_streaming_response`."""

    __slots__ = ()


PARSED: Parsed = Parsed()
RAW: Raw = Raw()
STREAMED: Streamed = Streamed()

ModeT = TypeVar("ModeT", bound=ResponseMode, default=Parsed)
"""The response mode of a resource class; a bare `Feedback` is `Feedback[Parsed]`."""
RawT = TypeVar("RawT")
StreamedT = TypeVar("StreamedT")
_T = TypeVar("_T")
_P = ParamSpec("_P")
_R_co = TypeVar("_R_co", covariant=True)


class SyncResource(Generic[RawT, StreamedT, ModeT]):
    """A group of Portkey endpoints on a `Portkey` client, in one response mode.

    The client is typed as openai's `SyncAPIClient` (the request methods are all a resource uses), so that no resource
    module imports the client module that imports them.
    """

    _client: SyncAPIClient
    _mode: ModeT

    def __init__(self, client: SyncAPIClient, *, _mode: ModeT | None = None) -> None:
        self._client = client
        self._mode = _mode if _mode is not None else cast("ModeT", PARSED)

    @cached_property
    def with_raw_response(self) -> RawT:
        """This resource with every method (and sub-resource) returning the raw HTTP response.

        `portkey.feedback.with_raw_response.create(...)` gives openai's `LegacyAPIResponse`: `.parse()` is what
        `portkey.feedback.create(...)` returns, `.headers`, `.status_code`, `.text` and `.content` the HTTP response's.
        """
        return cast("RawT", with_mode(self, RAW))

    @cached_property
    def with_streaming_response(self) -> StreamedT:
        """Like `with_raw_response`, but the body is not read until asked for: a context manager of `APIResponse`.

        `with portkey.logs.exports.with_streaming_response.download(export_id) as response:` then
        `response.iter_bytes()`, `response.headers`, or `response.parse()`.
        """
        return cast("StreamedT", with_mode(self, STREAMED))


class AsyncResource(Generic[RawT, StreamedT, ModeT]):
    """A group of Portkey endpoints on an `AsyncPortkey` client, in one response mode (see `SyncResource`)."""

    _client: AsyncAPIClient
    _mode: ModeT

    def __init__(self, client: AsyncAPIClient, *, _mode: ModeT | None = None) -> None:
        self._client = client
        self._mode = _mode if _mode is not None else cast("ModeT", PARSED)

    @cached_property
    def with_raw_response(self) -> RawT:
        """This resource with every method (and sub-resource) returning the raw HTTP response.

        `await portkey.feedback.with_raw_response.create(...)` gives openai's `LegacyAPIResponse`: `.parse()` is what
        `await portkey.feedback.create(...)` returns, `.headers`, `.status_code`, `.text` and `.content` the response's.
        """
        return cast("RawT", with_mode(self, RAW))

    @cached_property
    def with_streaming_response(self) -> StreamedT:
        """Like `with_raw_response`, but the body is not read until asked for: an async context manager.

        `async with portkey.logs.exports.with_streaming_response.download(export_id) as response:` then
        `response.iter_bytes()`, `response.headers`, or `await response.parse()`.
        """
        return cast("StreamedT", with_mode(self, STREAMED))


def with_mode(resource: SyncResource[Any, Any, Any] | AsyncResource[Any, Any, Any], mode: ResponseMode) -> Any:
    """A new resource of the same class, on the same client, in `mode`."""
    factory = cast("Callable[..., Any]", type(resource))
    return factory(resource._client, _mode=mode)  # pyright: ignore[reportPrivateUsage]


class endpoint(Generic[_P, _R_co]):
    """The decorator of every endpoint method: the method itself on a resource in `Parsed` mode, the method wrapped
    by openai's raw or streamed response wrappers in `Raw` and `Streamed` mode (typed by the overloads below).

    In every mode the method also takes the official SDK's catch-all keywords (`accept_extra_keywords`). Static types
    keep the declared signature. Accessed on the class (`Feedback.create`), it is the undecorated function.
    """

    def __init__(self, method: Callable[Concatenate[Any, _P], _R_co]) -> None:
        self._method = method
        self.__doc__ = method.__doc__
        self.__wrapped__ = method

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Callable[Concatenate[Any, _P], _R_co]: ...

    @overload
    def __get__(
        self, instance: SyncResource[Any, Any, Parsed] | AsyncResource[Any, Any, Parsed], owner: type[Any]
    ) -> Callable[_P, _R_co]: ...

    @overload
    def __get__(
        self, instance: SyncResource[Any, Any, Raw], owner: type[Any]
    ) -> Callable[_P, LegacyAPIResponse[_R_co]]: ...

    @overload
    def __get__(
        self, instance: SyncResource[Any, Any, Streamed], owner: type[Any]
    ) -> Callable[_P, ResponseContextManager[APIResponse[_R_co]]]: ...

    @overload
    def __get__(
        self: endpoint[_P, Awaitable[_T]], instance: AsyncResource[Any, Any, Raw], owner: type[Any]
    ) -> Callable[_P, Awaitable[LegacyAPIResponse[_T]]]: ...

    @overload
    def __get__(
        self: endpoint[_P, Awaitable[_T]], instance: AsyncResource[Any, Any, Streamed], owner: type[Any]
    ) -> Callable[_P, AsyncResponseContextManager[AsyncAPIResponse[_T]]]: ...

    def __get__(
        self, instance: SyncResource[Any, Any, Any] | AsyncResource[Any, Any, Any] | None, owner: type[Any]
    ) -> Callable[..., Any]:
        if instance is None:
            return self._method
        bound: Callable[..., Any] = accept_extra_keywords(MethodType(self._method, instance))
        mode: ResponseMode = instance._mode  # pyright: ignore[reportPrivateUsage]
        if isinstance(mode, Raw):
            if isinstance(instance, AsyncResource):
                return async_to_raw_response_wrapper(bound)
            return to_raw_response_wrapper(bound)
        if isinstance(mode, Streamed):
            if isinstance(instance, AsyncResource):
                return async_to_streamed_response_wrapper(bound)
            return to_streamed_response_wrapper(bound)
        return bound
