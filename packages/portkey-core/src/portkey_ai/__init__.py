"""The Python client for the Portkey AI gateway.

```python
from portkey_ai import Portkey

portkey = Portkey(api_key="pk-...", provider="openai", Authorization="sk-...")
completion = portkey.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
```

Importing this package is cheap: the client, openai and the types load on first use.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._constants import PORTKEY_GATEWAY_URL

if TYPE_CHECKING:
    import openai as openai

    from ._client import AsyncPortkey as AsyncPortkey, Portkey as Portkey
    from ._exceptions import (
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
    from ._options import (
        PortkeyOptions as PortkeyOptions,
        PortkeyOptionsDict as PortkeyOptionsDict,
        create_headers as create_headers,
        createHeaders as createHeaders,
    )
    from ._response_headers import get_headers as get_headers
    from ._version import __version__ as __version__
    from .lib import LogShipper as LogShipper
    from .types import (
        CacheLiteral as CacheLiteral,
        CacheType as CacheType,
        ChatCompletionChunk as ChatCompletionChunk,
        ChatCompletions as ChatCompletions,
        Config as Config,
        CreateEmbeddingResponse as CreateEmbeddingResponse,
        FeedbackResponse as FeedbackResponse,
        GatewayConfig as GatewayConfig,
        GatewayConfigDict as GatewayConfigDict,
        GenericResponse as GenericResponse,
        LLMOptions as LLMOptions,
        Message as Message,
        Modes as Modes,
        ModesLiteral as ModesLiteral,
        Params as Params,
        PortkeyResponse as PortkeyResponse,
        PromptCompletion as PromptCompletion,
        PromptCompletionChunk as PromptCompletionChunk,
        PromptRender as PromptRender,
        ProviderTypes as ProviderTypes,
        ProviderTypesLiteral as ProviderTypesLiteral,
        RetrySettings as RetrySettings,
        TextCompletion as TextCompletion,
        TextCompletionChunk as TextCompletionChunk,
    )

_LAZY: dict[str, str] = {
    "__version__": "._version",
    "Portkey": "._client",
    "AsyncPortkey": "._client",
    "PortkeyOptions": "._options",
    "PortkeyOptionsDict": "._options",
    "createHeaders": "._options",
    "create_headers": "._options",
    "get_headers": "._response_headers",
    "LogShipper": ".lib",
    **dict.fromkeys(
        (
            "CacheLiteral",
            "CacheType",
            "ChatCompletionChunk",
            "ChatCompletions",
            "Config",
            "CreateEmbeddingResponse",
            "FeedbackResponse",
            "GatewayConfig",
            "GatewayConfigDict",
            "GenericResponse",
            "LLMOptions",
            "Message",
            "Modes",
            "ModesLiteral",
            "Params",
            "PortkeyResponse",
            "PromptCompletion",
            "PromptCompletionChunk",
            "PromptRender",
            "ProviderTypes",
            "ProviderTypesLiteral",
            "RetrySettings",
            "TextCompletion",
            "TextCompletionChunk",
        ),
        ".types",
    ),
    **dict.fromkeys(
        (
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
        ),
        "._exceptions",
    ),
}

__all__ = [
    "PORTKEY_GATEWAY_URL",
    "openai",
    "__version__",
    "Portkey",
    "AsyncPortkey",
    "PortkeyOptions",
    "PortkeyOptionsDict",
    "createHeaders",
    "create_headers",
    "get_headers",
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
    "LogShipper",
    "CacheLiteral",
    "CacheType",
    "ChatCompletionChunk",
    "ChatCompletions",
    "Config",
    "CreateEmbeddingResponse",
    "FeedbackResponse",
    "GatewayConfig",
    "GatewayConfigDict",
    "GenericResponse",
    "LLMOptions",
    "Message",
    "Modes",
    "ModesLiteral",
    "Params",
    "PortkeyResponse",
    "PromptCompletion",
    "PromptCompletionChunk",
    "PromptRender",
    "ProviderTypes",
    "ProviderTypesLiteral",
    "RetrySettings",
    "TextCompletion",
    "TextCompletionChunk",
]


def __getattr__(name: str) -> Any:
    if name == "openai":
        return import_module("openai")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'portkey_ai' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
