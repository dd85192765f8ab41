"""What the Portkey-specific resources share besides the endpoint mechanism (`_endpoint.py`): request options, path
segments, and the base of the resources portkey-admin extends.

openai's underscore import used here (present in openai 2.45+ and 3.x): `openai._base_client.make_request_options`,
per-call `extra_headers`/`extra_query`/`extra_body`/`timeout` (and a `post_parser`) turned into request options,
exactly as openai's own resources do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol, TypeAlias, cast
from urllib.parse import quote

from openai import NotGiven, Omit, RequestOptions, Timeout, not_given
from openai._base_client import make_request_options

from .._exceptions import MissingExtensionError
from .._extensions import missing
from ._endpoint import AsyncResource, Raw, Streamed, SyncResource

__all__ = [
    "Body",
    "ExtendedResource",
    "Headers",
    "Query",
    "TimeoutArg",
    "path_segment",
    "request_options",
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


class _Extensible(Protocol):
    """What `ExtendedResource` needs of its client (the clients' `_extension_resource`, in `_hooks.py`)."""

    def _extension_resource(self, name: str) -> Any: ...


class ExtendedResource:
    """Base of core's resources that portkey-admin extends (`prompts`, `logs`): the attributes this class does not
    define come from portkey-admin's subclass, found through the client's one extension lookup
    (`_extension_resource`), in this resource's response mode; without portkey-admin they raise
    `MissingExtensionError` (an `AttributeError`) naming `pip install portkey-admin`."""

    _extension: ClassVar[str]
    """The client attribute under which portkey-admin registers its subclass."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        resource = cast("SyncResource[Any, Any, Any] | AsyncResource[Any, Any, Any]", self)
        client = cast("_Extensible", resource._client)  # pyright: ignore[reportPrivateUsage]
        try:
            extension = client._extension_resource(self._extension)  # pyright: ignore[reportPrivateUsage]
        except MissingExtensionError:
            raise missing(self._extension, name, provider=self._extension) from None
        if isinstance(self, type(extension)):  # portkey-admin's own class: the attribute does not exist
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        mode = resource._mode  # pyright: ignore[reportPrivateUsage]
        if isinstance(mode, Raw):
            extension = extension.with_raw_response
        elif isinstance(mode, Streamed):
            extension = extension.with_streaming_response
        return getattr(extension, name)
