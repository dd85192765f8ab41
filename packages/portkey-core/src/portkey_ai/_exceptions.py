"""One exception tree: openai's classes, re-exported, plus the few Portkey adds on top of them.

`except portkey_ai.RateLimitError` and `except openai.RateLimitError` catch the same thing.

Every `APIError` the Portkey clients raise also carries, where known:

- `trace_id`: the `x-portkey-trace-id` of the call (the response's, else the one sent; one per logical call);
- `request_id`: the `x-request-id` (or `x-portkey-request-id`) of the response;
- `retry_after`: the seconds the server asked to wait (`retry-after-ms` / `Retry-After`), e.g. on a 429 whose
  `Retry-After` is above the 60 s the client waits for by itself;
- `status_code` and `body` on errors that have a response (`body` is the parsed JSON or the text, at most 1 MiB).

The message (`str(err)`) is short: the status and the server's message, or the content type, size and a short
tag-stripped snippet for a non-JSON body; it never contains request headers or other secrets. On openai's own
classes these attributes are set on the instance (read them with `getattr(err, "trace_id", None)` if your type
checker needs it); the classes defined here declare them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openai import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContentFilterFinishReasonError,
    InternalServerError,
    LengthFinishReasonError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from ._http import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "InternalServerError",
    "LengthFinishReasonError",
    "MissingAPIKeyError",
    "IncompleteStreamError",
    "MissingExtensionError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "StreamEventError",
    "StreamInterruptedError",
    "UnprocessableEntityError",
]


class RequestTimeoutError(APIStatusError, APITimeoutError):
    """HTTP 408: the gateway gave up waiting for the provider (`request_timeout`).

    It is both an `APIStatusError` (it has a response, `status_code` 408 and a body) and an `APITimeoutError`, so
    `except APITimeoutError` catches client-side and gateway-side timeouts alike.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: object | None) -> None:
        APIError.__init__(self, message, response.request, body=body)  # pyright: ignore[reportArgumentType]
        self.response = response  # pyright: ignore[reportAttributeAccessIssue]
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")


class StreamInterruptedError(APIConnectionError):
    """The connection broke while a stream was being read (reset, closed mid-body, protocol error).

    The transport exception is the `__cause__`. Nothing is retried once a stream has started: `events` says how many
    events were received before the interruption.
    """

    events: int
    trace_id: str | None
    request_id: str | None
    retry_after: float | None

    def __init__(self, *, request: httpx.Request, events: int, trace_id: str | None, request_id: str | None) -> None:
        super().__init__(
            message=f"The stream was interrupted after {events} event(s): the connection broke.", request=request
        )
        self.events = events
        self.trace_id = trace_id
        self.request_id = request_id
        self.retry_after = None


class IncompleteStreamError(APIError):
    """A chat or completions stream ended without its terminal `data: [DONE]` event.

    This is what the Portkey gateway sends when the upstream provider fails mid-stream: the body ends cleanly but
    early. The events received so far were delivered; opt out with `require_stream_terminator=False`.
    """

    response: httpx.Response
    status_code: int
    events: int
    trace_id: str | None
    request_id: str | None
    retry_after: float | None

    def __init__(self, *, response: httpx.Response, events: int, trace_id: str | None, request_id: str | None) -> None:
        super().__init__(
            f"The stream ended after {events} event(s) without its terminal [DONE] event: the response is incomplete.",
            response.request,
            body=None,
        )
        self.response = response
        self.status_code = response.status_code
        self.events = events
        self.trace_id = trace_id
        self.request_id = request_id
        self.retry_after = None


class StreamEventError(APIError):
    """The server sent an error inside a stream (or answered a stream request with a JSON error body).

    Recognised: an event whose data has an `error` object (OpenAI), an `event: error` event of a chat or completions
    stream, and the gateway's `{"status": "failure", "message": ...}`. `body` is the error object; `code`, `type`
    and `param` come from it. Not retried.
    """

    response: httpx.Response
    status_code: int
    trace_id: str | None
    request_id: str | None
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        trace_id: str | None,
        request_id: str | None,
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.trace_id = trace_id
        self.request_id = request_id
        self.retry_after = None


class ResponseTooLargeError(APIResponseValidationError):
    """A successful response body or one stream event is larger than the client's limit; the connection was dropped.

    `limit_name` is the client argument that sets the limit (`max_response_bytes` or `max_event_bytes`), `limit` its
    value in bytes (counted after decompression). Not retried. Raise the limit (or pass `None`) if such responses
    are expected, or read big downloads with `with_streaming_response`.
    """

    limit_name: str
    limit: int
    trace_id: str | None
    request_id: str | None
    retry_after: float | None

    def __init__(
        self,
        *,
        response: httpx.Response,
        limit_name: str,
        limit: int,
        trace_id: str | None,
        request_id: str | None,
    ) -> None:
        what = "a stream event" if limit_name == "max_event_bytes" else "the response body"
        super().__init__(
            response=response,
            body=None,
            message=f"{what} is larger than {limit_name}={limit} bytes; the connection was dropped",
        )
        self.limit_name = limit_name
        self.limit = limit
        self.trace_id = trace_id
        self.request_id = request_id
        self.retry_after = None


class MissingAPIKeyError(OpenAIError, ValueError):
    """The hosted Portkey API was addressed without a Portkey API key."""


class MissingExtensionError(AttributeError):
    """A client attribute needs a Portkey distribution that is not installed (for example portkey-admin)."""
