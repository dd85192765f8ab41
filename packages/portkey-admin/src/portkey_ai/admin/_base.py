"""What every generated portkey-admin resource uses: the client handle, request options and value cleaning.

The resources are thin: each method builds a path, a query and a JSON body, and hands them to the core client's
request methods (`client.get/post/put/delete`), so retries, timeouts, errors and `get_headers()` are the core's.
Values are cleaned here, in one place, for the sync and the async twin alike:

- `NOT_GIVEN` arguments are left out; `None` is sent only for fields the spec declares nullable;
- `datetime`/`date` values become ISO 8601 strings and response models become their JSON dicts, so a model returned
  by one call can be passed to another;
- query values given as lists (the spec's comma-separated filters) are joined with commas, and a mapping given for
  a JSON-encoded query parameter (`metadata`) is encoded.

Raw and streamed responses, for every resource without a line of per-resource code: each generated resource class
is generic in its response mode (`Parsed`, `Raw` or `Streamed`) and each generated method is decorated with
`@endpoint`. On the resource the client gives (`Parsed`), `endpoint` is the plain method; on
`resource.with_raw_response` (the same class in `Raw` mode) it is the method wrapped by openai's
`to_raw_response_wrapper`, and on `resource.with_streaming_response` by `to_streamed_response_wrapper` (their async
twins on async resources). `endpoint.__get__` is overloaded on the mode, so type checkers see
`Configs[Raw].list(...) -> LegacyAPIResponse[ConfigsListResponse]` with the method's own parameters. The class header
names the two derived classes (`class Configs(AdminResource["Configs[Raw]", "Configs[Streamed]", ModeT])`), which
is what types `with_raw_response` and `with_streaming_response` without generating them per class.

Every mode also takes the official SDK's catch-all keywords: `endpoint` wraps the bound method with core's
`accept_extra_keywords` (core's `portkey_ai._dropin`, through `portkey_ai.lib.sibling`), so a keyword the method does not declare reaches the JSON body of a
POST/PUT/PATCH or the query of a GET/DELETE, under the explicit `extra_body` / `extra_query`.

openai's underscore imports used here (present in openai 2.45+ and 3.x), besides those of
`portkey_ai.resources._base`: `openai._constants.RAW_RESPONSE_HEADER` (the marker header of the wrappers, removed
from the options a page keeps for its next pages) and, for annotations only, `LegacyAPIResponse`,
`ResponseContextManager` and `AsyncResponseContextManager`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from functools import cached_property
from types import MethodType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, cast, final, overload

import pydantic
from openai import NotGiven, RequestOptions
from openai._constants import RAW_RESPONSE_HEADER
from typing_extensions import ParamSpec, TypeVar

from portkey_ai.lib.sibling import (
    AsyncResource,
    Body,
    Headers,
    Query,
    SyncResource,
    TimeoutArg,
    accept_extra_keywords,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    path_segment,
    request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

if TYPE_CHECKING:
    from openai import APIResponse, AsyncAPIResponse

    # openai's response-wrapper types, for the annotations of the other admin modules too (this is the seam)
    from openai._legacy_response import LegacyAPIResponse as LegacyAPIResponse
    from openai._response import (
        AsyncResponseContextManager as AsyncResponseContextManager,
        ResponseContextManager as ResponseContextManager,
    )

    from portkey_ai import AsyncPortkey, Portkey
    from portkey_ai.lib.sibling import httpx

__all__ = [
    "AdminResource",
    "AsyncAdminResource",
    "AsyncResource",
    "Body",
    "Headers",
    "ModeT",
    "Parsed",
    "Query",
    "Raw",
    "ResponseMode",
    "Streamed",
    "SyncResource",
    "TimeoutArg",
    "admin_options",
    "endpoint",
    "at_least_one_of",
    "exactly_one_of",
    "json_body",
    "legacy_alias",
    "path_segment",
    "required",
    "root_url",
    "warn_ignored",
    "without_response_mode",
]

_T = TypeVar("_T")


def _json_value(value: object) -> object:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        items: Mapping[object, object] = value  # pyright: ignore[reportUnknownVariableType]
        return {str(key): _json_value(item) for key, item in items.items() if not isinstance(item, NotGiven)}
    if isinstance(value, list | tuple):
        sequence: list[object] | tuple[object, ...] = value  # pyright: ignore[reportUnknownVariableType]
        return [_json_value(item) for item in sequence]
    return value


def json_body(values: Mapping[str, object], *, nullable: frozenset[str] = frozenset()) -> dict[str, object]:
    """The JSON body of a request: given values only, `None` kept only for the nullable fields, JSON-ready."""
    return {
        key: _json_value(value)
        for key, value in values.items()
        if not isinstance(value, NotGiven) and (value is not None or key in nullable)
    }


def _query_value(value: object, *, json_encoded: bool) -> object:
    if json_encoded and isinstance(value, Mapping):
        mapping: Mapping[object, object] = value  # pyright: ignore[reportUnknownVariableType]
        return json.dumps(_json_value(mapping), separators=(",", ":"))
    if isinstance(value, list | tuple):
        sequence: list[object] | tuple[object, ...] = value  # pyright: ignore[reportUnknownVariableType]
        return ",".join(str(_json_value(item)) for item in sequence)
    return _json_value(value)


def admin_options(
    *,
    query: Mapping[str, object] | None = None,
    json_query: frozenset[str] = frozenset(),
    extra_headers: Headers | None,
    extra_query: Query | None,
    extra_body: Body | None,
    timeout: TimeoutArg,
) -> RequestOptions:
    """The request options of one call: the operation's query parameters plus the per-call overrides.

    Args:
        query: The operation's query parameters by wire name; `NOT_GIVEN` and `None` values are left out.
        json_query: Names of query parameters that carry a JSON-encoded object.
        extra_headers: Per-call extra headers.
        extra_query: Per-call extra query parameters (they win over `query`).
        extra_body: Per-call extra JSON body fields.
        timeout: Per-call timeout.
    """
    options = request_options(
        extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
    )
    params = {
        key: _query_value(value, json_encoded=key in json_query)
        for key, value in (query or {}).items()
        if not isinstance(value, NotGiven) and value is not None
    }
    if params:
        options["params"] = {**params, **options.get("params", {})}
    return options


def required(name: str, value: _T | NotGiven) -> _T:
    """`value`, or a `TypeError` naming the argument when it was not given."""
    if isinstance(value, NotGiven):
        raise TypeError(f"missing required argument: `{name}`")
    return value


def _given(values: Mapping[str, object]) -> list[str]:
    return [name for name, value in values.items() if not isinstance(value, NotGiven) and value is not None]


def exactly_one_of(values: Mapping[str, object]) -> None:
    """A `TypeError` naming the arguments unless exactly one of `values` (by argument name) was given."""
    given = _given(values)
    if len(given) != 1:
        names = ", ".join(f"`{name}`" for name in values)
        raise TypeError(f"pass exactly one of {names} (got {len(given)})")


def at_least_one_of(values: Mapping[str, object]) -> None:
    """A `TypeError` naming the arguments unless at least one of `values` (by argument name) was given."""
    if not _given(values):
        names = ", ".join(f"`{name}`" for name in values)
        raise TypeError(f"pass at least one of {names}")


def legacy_alias(old_name: str, old_value: _T | NotGiven, new_name: str, new_value: _T | NotGiven) -> _T | NotGiven:
    """The value of an argument that the official SDK spelled `old_name`; using that spelling warns.

    Raises:
        TypeError: both spellings were given.
    """
    if isinstance(old_value, NotGiven):
        return new_value
    if not isinstance(new_value, NotGiven):
        raise TypeError(f"pass `{new_name}` only; `{old_name}` is its deprecated spelling")
    warnings.warn(f"`{old_name}` is deprecated; use `{new_name}`", DeprecationWarning, stacklevel=3)
    return old_value


def warn_ignored(name: str, value: object, reason: str) -> None:
    """Warn that an argument the official SDK accepted has no effect (`reason` says why)."""
    if not isinstance(value, NotGiven) and value is not None:
        warnings.warn(f"`{name}` is ignored: {reason}", DeprecationWarning, stacklevel=3)


def root_url(base_url: httpx.URL, path: str) -> str:
    """The absolute URL of a public endpoint that lives at the API root, beside (not below) the `/v1` base path.

    `https://api.portkey.ai/v1` gives `https://api.portkey.ai<path>`; a base URL without a `/v1` suffix (a mock
    server, a self-hosted control plane mounted at its root) keeps its own path.
    """
    prefix = base_url.path.rstrip("/")
    if prefix.endswith("/v1"):
        prefix = prefix[: -len("/v1")]
    return str(base_url.copy_with(path=prefix + path, query=None))


# --------------------------------------------------------------------------------------------------------------------
# Response modes: `with_raw_response` and `with_streaming_response`
# --------------------------------------------------------------------------------------------------------------------


class ResponseMode:
    """What the methods of a resource return: `Parsed`, `Raw` or `Streamed` (the type argument of a resource)."""

    __slots__ = ()


@final
class Parsed(ResponseMode):
    """The parsed result (a model, a page, `None`): the resources the client gives (`portkey.configs`, ...)."""

    __slots__ = ()


@final
class Raw(ResponseMode):
    """openai's `LegacyAPIResponse` (`.parse()`, `.headers`, `.status_code`, `.text`): `resource.with_raw_response`."""

    __slots__ = ()


@final
class Streamed(ResponseMode):
    """A context manager of openai's `APIResponse`, body read on demand: `resource.with_streaming_response`."""

    __slots__ = ()


_PARSED = Parsed()
_RAW = Raw()
_STREAMED = Streamed()

ModeT = TypeVar("ModeT", bound=ResponseMode, default=Parsed)
"""The response mode of a resource class; a bare `Configs` is `Configs[Parsed]`."""
RawT = TypeVar("RawT")
StreamedT = TypeVar("StreamedT")
_P = ParamSpec("_P")
_R_co = TypeVar("_R_co", covariant=True)


class AdminResource(SyncResource, Generic[RawT, StreamedT, ModeT]):
    """A portkey-admin resource on a `Portkey` client.

    Generated classes name their own raw and streamed variants: `class Configs(AdminResource["Configs[Raw]",
    "Configs[Streamed]", ModeT])`, which types `with_raw_response` and `with_streaming_response`.
    """

    def __init__(self, client: Portkey, *, _mode: ModeT | None = None) -> None:
        super().__init__(client)
        self._mode: ModeT = _mode if _mode is not None else cast("ModeT", _PARSED)

    @cached_property
    def with_raw_response(self) -> RawT:
        """This resource with every method (and sub-resource) returning the raw HTTP response.

        `portkey.configs.with_raw_response.list()` gives openai's `LegacyAPIResponse`: `.parse()` is what
        `portkey.configs.list()` returns, `.headers`, `.status_code`, `.text` and `.content` the HTTP response's.
        """
        return cast("RawT", _with_mode(self, _RAW))

    @cached_property
    def with_streaming_response(self) -> StreamedT:
        """Like `with_raw_response`, but the body is not read until asked for: a context manager of `APIResponse`.

        `with portkey.logs.exports.with_streaming_response.download(export_id) as response:` then
        `response.iter_bytes()`, `response.headers`, or `response.parse()`.
        """
        return cast("StreamedT", _with_mode(self, _STREAMED))


class AsyncAdminResource(AsyncResource, Generic[RawT, StreamedT, ModeT]):
    """A portkey-admin resource on an `AsyncPortkey` client (see `AdminResource`)."""

    def __init__(self, client: AsyncPortkey, *, _mode: ModeT | None = None) -> None:
        super().__init__(client)
        self._mode: ModeT = _mode if _mode is not None else cast("ModeT", _PARSED)

    @cached_property
    def with_raw_response(self) -> RawT:
        """This resource with every method (and sub-resource) returning the raw HTTP response.

        `await portkey.configs.with_raw_response.list()` gives openai's `LegacyAPIResponse`: `.parse()` is what
        `await portkey.configs.list()` returns, `.headers`, `.status_code`, `.text` and `.content` the response's.
        """
        return cast("RawT", _with_mode(self, _RAW))

    @cached_property
    def with_streaming_response(self) -> StreamedT:
        """Like `with_raw_response`, but the body is not read until asked for: an async context manager.

        `async with portkey.logs.exports.with_streaming_response.download(export_id) as response:` then
        `response.iter_bytes()`, `response.headers`, or `await response.parse()`.
        """
        return cast("StreamedT", _with_mode(self, _STREAMED))


def _with_mode(resource: AdminResource[Any, Any, Any] | AsyncAdminResource[Any, Any, Any], mode: ResponseMode) -> Any:
    """A new resource of the same class, on the same client, in `mode`."""
    factory = cast("Callable[..., Any]", type(resource))
    return factory(resource._client, _mode=mode)  # pyright: ignore[reportPrivateUsage]


class endpoint(Generic[_P, _R_co]):
    """The decorator of every generated method: the method itself on a resource in `Parsed` mode, the method wrapped
    by openai's raw or streamed response wrappers in `Raw` and `Streamed` mode (typed by the overloads below).

    In every mode the method also takes the official SDK's catch-all keywords: one it does not declare goes to the
    JSON body of a POST/PUT/PATCH or the query of a GET/DELETE, under the explicit `extra_body` / `extra_query`
    (core's one mechanism, `portkey_ai._dropin.accept_extra_keywords`, which routes by the request's HTTP method).
    Static types keep the declared signature.

    Accessed on the class (`Configs.list`), it is the undecorated function.
    """

    def __init__(self, method: Callable[Concatenate[Any, _P], _R_co]) -> None:
        self._method = method
        self.__doc__ = method.__doc__
        self.__wrapped__ = method

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Callable[Concatenate[Any, _P], _R_co]: ...

    @overload
    def __get__(
        self, instance: AdminResource[Any, Any, Parsed] | AsyncAdminResource[Any, Any, Parsed], owner: type[Any]
    ) -> Callable[_P, _R_co]: ...

    @overload
    def __get__(
        self, instance: AdminResource[Any, Any, Raw], owner: type[Any]
    ) -> Callable[_P, LegacyAPIResponse[_R_co]]: ...

    @overload
    def __get__(
        self, instance: AdminResource[Any, Any, Streamed], owner: type[Any]
    ) -> Callable[_P, ResponseContextManager[APIResponse[_R_co]]]: ...

    @overload
    def __get__(
        self: endpoint[_P, Awaitable[_T]], instance: AsyncAdminResource[Any, Any, Raw], owner: type[Any]
    ) -> Callable[_P, Awaitable[LegacyAPIResponse[_T]]]: ...

    @overload
    def __get__(
        self: endpoint[_P, Awaitable[_T]], instance: AsyncAdminResource[Any, Any, Streamed], owner: type[Any]
    ) -> Callable[_P, AsyncResponseContextManager[AsyncAPIResponse[_T]]]: ...

    def __get__(
        self, instance: AdminResource[Any, Any, Any] | AsyncAdminResource[Any, Any, Any] | None, owner: type[Any]
    ) -> Callable[..., Any]:
        if instance is None:
            return self._method
        bound: Callable[..., Any] = accept_extra_keywords(MethodType(self._method, instance))
        mode: ResponseMode = instance._mode  # pyright: ignore[reportPrivateUsage]
        if isinstance(mode, Raw):
            if isinstance(instance, AsyncAdminResource):
                return async_to_raw_response_wrapper(bound)
            return to_raw_response_wrapper(bound)
        if isinstance(mode, Streamed):
            if isinstance(instance, AsyncAdminResource):
                return async_to_streamed_response_wrapper(bound)
            return to_streamed_response_wrapper(bound)
        return bound


def without_response_mode(options: RequestOptions) -> RequestOptions:
    """`options` without the header by which openai's raw and streamed response wrappers mark a request.

    A page keeps its request options to fetch the next pages; those are plain requests, whatever the first one was.
    """
    headers = options.get("headers")
    if headers is None or RAW_RESPONSE_HEADER not in headers:
        return options
    return {**options, "headers": {key: value for key, value in headers.items() if key != RAW_RESPONSE_HEADER}}
