"""What every generated portkey-admin resource uses: the client handle, request options and value cleaning.

The resources are thin: each method builds a path, a query and a JSON body, and hands them to the core client's
request methods (`client.get/post/put/delete`), so retries, timeouts, errors and `get_headers()` are the core's.
Values are cleaned here, in one place, for the sync and the async twin alike:

- `NOT_GIVEN` arguments are left out; `None` is sent only for fields the spec declares nullable;
- `datetime`/`date` values become ISO 8601 strings and response models become their JSON dicts, so a model returned
  by one call can be passed to another;
- query values given as lists (the spec's comma-separated filters) are joined with commas, and a mapping given for
  a JSON-encoded query parameter (`metadata`) is encoded.

Raw and streamed responses, for every resource without a line of per-resource code, come from core's endpoint
mechanism (`portkey_ai.resources._endpoint`, through `portkey_ai.lib.sibling`; re-exported here for the generated
modules): each generated resource class is generic in its response mode (`Parsed`, `Raw` or `Streamed`) and names
its two derived classes in its header (`class Configs(SyncResource["Configs[Raw]", "Configs[Streamed]", ModeT])`),
and each generated method is an `@endpoint`, which also takes the official SDK's catch-all keywords.

openai's underscore import used here (present in openai 2.45+ and 3.x): `openai._constants.RAW_RESPONSE_HEADER` (the
marker header of the wrappers, removed from the options a page keeps for its next pages).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

import pydantic
from openai import NotGiven, RequestOptions
from openai._constants import RAW_RESPONSE_HEADER

from portkey_ai.lib.sibling import (
    AsyncAPIClient,
    AsyncResource,
    AsyncResponseContextManager,
    Body,
    Headers,
    LegacyAPIResponse,
    ModeT,
    Parsed,
    Query,
    Raw,
    ResponseContextManager,
    ResponseMode,
    Streamed,
    SyncAPIClient,
    SyncResource,
    TimeoutArg,
    endpoint,
    path_segment,
    request_options,
)

if TYPE_CHECKING:
    from portkey_ai.lib.sibling import httpx

__all__ = [
    "AsyncAPIClient",
    "AsyncResource",
    "AsyncResponseContextManager",
    "Body",
    "Headers",
    "LegacyAPIResponse",
    "ModeT",
    "Parsed",
    "Query",
    "Raw",
    "ResponseContextManager",
    "ResponseMode",
    "Streamed",
    "SyncAPIClient",
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


def without_response_mode(options: RequestOptions) -> RequestOptions:
    """`options` without the header by which openai's raw and streamed response wrappers mark a request.

    A page keeps its request options to fetch the next pages; those are plain requests, whatever the first one was.
    """
    headers = options.get("headers")
    if headers is None or RAW_RESPONSE_HEADER not in headers:
        return options
    return {**options, "headers": {key: value for key, value in headers.items() if key != RAW_RESPONSE_HEADER}}
