"""What the Portkey-specific resources share; the only module of `resources` that imports openai's private helpers.

openai's underscore imports used here (present in openai 2.45+ and 3.x):
- `openai._base_client.make_request_options`: per-call `extra_headers`/`extra_query`/`extra_body`/`timeout`
  (and a `post_parser`) turned into request options, exactly as openai's own resources do;
- `openai._legacy_response.to_raw_response_wrapper` / `async_to_raw_response_wrapper`: `.with_raw_response`;
- `openai._response.to_streamed_response_wrapper` / `async_to_streamed_response_wrapper`: `.with_streaming_response`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias
from urllib.parse import quote

from openai import NotGiven, Omit, RequestOptions, Timeout, not_given
from openai._base_client import make_request_options
from openai._legacy_response import async_to_raw_response_wrapper, to_raw_response_wrapper
from openai._response import async_to_streamed_response_wrapper, to_streamed_response_wrapper

from .._exceptions import MissingExtensionError
from .._extensions import PROVIDED_BY

if TYPE_CHECKING:
    from .._client import AsyncPortkey, Portkey

__all__ = [
    "AsyncResource",
    "Body",
    "Headers",
    "Query",
    "SyncResource",
    "TimeoutArg",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "extension_attribute",
    "path_segment",
    "request_options",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

Headers: TypeAlias = Mapping[str, str | Omit]
"""Extra request headers; an `Omit()` value removes a header the client would send."""

Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = Mapping[str, object]
TimeoutArg: TypeAlias = float | Timeout | None | NotGiven


def request_options(
    *,
    extra_headers: Headers | None,
    extra_query: Query | None,
    extra_body: Body | None,
    timeout: TimeoutArg,
    post_parser: Callable[[Any], Any] | NotGiven = not_given,
) -> RequestOptions:
    """The request options of one call, built the way openai's resources build them."""
    return make_request_options(
        extra_headers=extra_headers,
        extra_query=extra_query,
        extra_body=extra_body,
        timeout=timeout,
        post_parser=post_parser,
    )


def path_segment(name: str, value: object) -> str:
    """`value` escaped for use as one URL path segment (RFC 3986 `pchar`, as openai does); `ValueError`/`TypeError`
    naming `name` if unusable."""
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"`{name}` must be a non-empty string")
    if value in (".", ".."):
        raise ValueError(f"`{name}` cannot be {value!r}")
    return quote(value, safe="!$&'()*+,;=:@")


class SyncResource:
    """A group of Portkey-specific endpoints on a `Portkey` client."""

    _client: Portkey

    def __init__(self, client: Portkey) -> None:
        self._client = client


class AsyncResource:
    """A group of Portkey-specific endpoints on an `AsyncPortkey` client."""

    _client: AsyncPortkey

    def __init__(self, client: AsyncPortkey) -> None:
        self._client = client


def extension_attribute(client: Portkey | AsyncPortkey, resource: str, name: str) -> Any:
    """Attribute `name` of the portkey-admin part of `resource` (`prompts`, `logs`), for `__getattr__`.

    Raises `MissingExtensionError` (an `AttributeError` and an `ImportError`) with the install hint when the
    distribution providing the extension is not installed.
    """
    try:
        extension = client._extension_resource(resource)  # pyright: ignore[reportPrivateUsage]
    except MissingExtensionError:
        dist = PROVIDED_BY[resource]
        raise MissingExtensionError(f"`{resource}.{name}` is provided by {dist}: pip install {dist}") from None
    return getattr(extension, name)


class ExtensionWrappers:
    """Base of `prompts.with_raw_response` and the like: what this class does not define comes from portkey-admin.

    `portkey.prompts.with_raw_response.create(...)` is portkey-admin's `prompts.with_raw_response.create`.
    """

    _resource: ClassVar[str]
    _mode: ClassVar[Literal["with_raw_response", "with_streaming_response"]]
    _client: Portkey | AsyncPortkey

    def __init__(self, parent: SyncResource | AsyncResource) -> None:
        self._client = parent._client  # pyright: ignore[reportPrivateUsage]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(extension_attribute(self._client, self._resource, self._mode), name)
