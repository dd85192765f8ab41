"""The official `portkey-ai` SDK's exception module path, re-exporting this project's one exception tree.

`from portkey_ai.api_resources.exceptions import RateLimitError` gives the same class as `portkey_ai.RateLimitError`
and `openai.RateLimitError`: code written against the official SDK's module catches what this client raises.
"""

from .._exceptions import (
    APIConnectionError as APIConnectionError,
    APIError as APIError,
    APIResponseValidationError as APIResponseValidationError,
    APIStatusError as APIStatusError,
    APITimeoutError as APITimeoutError,
    AuthenticationError as AuthenticationError,
    BadRequestError as BadRequestError,
    ConflictError as ConflictError,
    ContentFilterFinishReasonError as ContentFilterFinishReasonError,
    IncompleteStreamError as IncompleteStreamError,
    InternalServerError as InternalServerError,
    LengthFinishReasonError as LengthFinishReasonError,
    MissingAPIKeyError as MissingAPIKeyError,
    MissingExtensionError as MissingExtensionError,
    NotFoundError as NotFoundError,
    OpenAIError as OpenAIError,
    PermissionDeniedError as PermissionDeniedError,
    RateLimitError as RateLimitError,
    RequestTimeoutError as RequestTimeoutError,
    ResponseTooLargeError as ResponseTooLargeError,
    StreamEventError as StreamEventError,
    StreamInterruptedError as StreamInterruptedError,
    UnprocessableEntityError as UnprocessableEntityError,
)

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
    "IncompleteStreamError",
    "InternalServerError",
    "LengthFinishReasonError",
    "MissingAPIKeyError",
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
