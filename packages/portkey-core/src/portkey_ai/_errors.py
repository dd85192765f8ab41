"""Error construction: the typed errors of the client, with `trace_id`, `request_id` and `retry_after`, capped bodies
and the short messages of `_policy.py`. No I/O beyond reading an already capped body; no openai underscore API.
"""

from __future__ import annotations

import inspect
import json
import ssl
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import cast

import pydantic

from ._exceptions import (
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    ResponseTooLargeError,
)
from ._http import httpx
from ._policy import TRACE_ID_HEADER, body_snippet, parse_retry_after

__all__ = [
    "as_mapping",
    "describe",
    "invalid_body",
    "is_tls_failure",
    "model_class",
    "parse_body",
    "request_id_of",
    "required_fields",
    "timeout_after",
    "tls_reason",
    "too_large",
    "trace_id_of",
]


def trace_id_of(response: httpx.Response | None, request: httpx.Request) -> str | None:
    if response is not None:
        value = response.headers.get(TRACE_ID_HEADER)
        if value:
            return value
    return request.headers.get(TRACE_ID_HEADER)


def request_id_of(response: httpx.Response) -> str | None:
    headers = response.headers
    return headers.get("x-request-id") or headers.get("x-portkey-request-id")


def describe(error: APIError, response: httpx.Response | None = None) -> None:
    """Give an error `trace_id`, `request_id` and `retry_after` where they are not set yet.

    A suppressed context (openai raises status errors `from None`) is dropped: the HTTP library's status error it
    holds names the full URL, query string included.
    """
    if error.__suppress_context__:
        error.__context__ = None
    details = error.__dict__
    if "trace_id" not in details:
        details["trace_id"] = trace_id_of(response, error.request)
    if details.get("request_id") is None:
        details["request_id"] = None if response is None else request_id_of(response)
    if "retry_after" not in details:
        details["retry_after"] = None if response is None else parse_retry_after(response.headers)


def as_mapping(value: object) -> Mapping[str, object] | None:
    return cast(Mapping[str, object], value) if isinstance(value, Mapping) else None


def parse_body(text: str) -> object:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return stripped
    return stripped


@lru_cache(maxsize=512)
def required_fields(cls: type[pydantic.BaseModel]) -> frozenset[str]:
    return frozenset(field.alias or name for name, field in cls.model_fields.items() if field.is_required())


def model_class(cast_to: object) -> type[pydantic.BaseModel] | None:
    if inspect.isclass(cast_to) and issubclass(cast_to, pydantic.BaseModel):
        return cast_to
    return None


def invalid_body(response: httpx.Response, what: str) -> APIResponseValidationError:
    text = response.text
    content_type = response.headers.get("content-type", "no content type").split(";", 1)[0]
    error = APIResponseValidationError(
        response=response,
        body=body_snippet(text),
        message=f"The {response.status_code} response is not {what} ({content_type}, {len(response.content)} bytes)",
    )
    describe(error, response)
    return error


def too_large(response: httpx.Response, limit_name: str, limit: int) -> ResponseTooLargeError:
    error = ResponseTooLargeError(
        response=response,
        limit_name=limit_name,
        limit=limit,
        trace_id=trace_id_of(response, response.request),
        request_id=request_id_of(response),
    )
    describe(error, response)
    return error


def timeout_after(response: httpx.Response) -> Callable[[], APITimeoutError]:
    """Builds the error for a body read of `response` that timed out after `request()` returned."""

    def error() -> APITimeoutError:
        timeout = APITimeoutError(request=response.request)
        describe(timeout, response)
        return timeout

    return error


def is_tls_failure(err: BaseException) -> bool:
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def tls_reason(err: BaseException) -> str:
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "certificate verify failed"
        if isinstance(seen, ssl.SSLError):
            return seen.reason or type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return type(err).__name__
