"""The part of portkey-core's internals the sibling packages (portkey-admin, portkey-langchain, portkey-llamaindex)
may use.

Siblings import from `portkey_ai` (the public API), from `portkey_ai.lib` and from here; never from a private core
module directly (`tests/core/test_sibling_api.py` enforces it). Everything here is kept working across core's minor
versions for the siblings released with it; it is not an application API: applications use `portkey_ai` and
`portkey_ai.lib`.
"""

from __future__ import annotations

from .._constants import MAX_METADATA_VALUE_LENGTH, PORTKEY_GATEWAY_URL
from .._http import httpx
from .._logging import redacting_logger
from .._options import OPTION_SPECS, SECRET_OPTIONS, check_header_value
from .._secrets import REDACTED, redact_text
from ..resources._base import Body, Headers, Query, TimeoutArg, path_segment, request_options
from ..resources._endpoint import (
    AsyncAPIClient,
    AsyncResource,
    AsyncResponseContextManager,
    LegacyAPIResponse,
    ModeT,
    Parsed,
    Raw,
    ResponseContextManager,
    ResponseMode,
    Streamed,
    SyncAPIClient,
    SyncResource,
    endpoint,
)
from ._spans import Policy, SpanRecord, SpanTree, error_response, safe_base_url
from ._tracing import PROVIDER_SLUGS, WarnOnce, provider_slug, record_log, usage_from
from .log_shipper import LogShipper, span_log, to_jsonable

__all__ = [
    "AsyncAPIClient",
    "AsyncResource",
    "AsyncResponseContextManager",
    "Body",
    "Headers",
    "LegacyAPIResponse",
    "LogShipper",
    "MAX_METADATA_VALUE_LENGTH",
    "ModeT",
    "OPTION_SPECS",
    "PORTKEY_GATEWAY_URL",
    "PROVIDER_SLUGS",
    "Parsed",
    "Policy",
    "Query",
    "REDACTED",
    "Raw",
    "ResponseContextManager",
    "ResponseMode",
    "SECRET_OPTIONS",
    "SpanRecord",
    "SpanTree",
    "Streamed",
    "SyncAPIClient",
    "SyncResource",
    "TimeoutArg",
    "WarnOnce",
    "check_header_value",
    "endpoint",
    "error_response",
    "httpx",
    "path_segment",
    "provider_slug",
    "record_log",
    "redact_text",
    "redacting_logger",
    "request_options",
    "safe_base_url",
    "span_log",
    "to_jsonable",
    "usage_from",
]
