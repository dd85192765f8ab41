"""One exception tree: openai's classes, re-exported, plus the few Portkey adds on top of them.

`except portkey_ai.RateLimitError` and `except openai.RateLimitError` catch the same thing.
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
    "MissingExtensionError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
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


class MissingAPIKeyError(OpenAIError, ValueError):
    """The hosted Portkey API was addressed without a Portkey API key."""


class MissingExtensionError(AttributeError):
    """A client attribute needs a Portkey distribution that is not installed (for example portkey-admin)."""
