"""Types of portkey-core: gateway configs, the Portkey endpoints' models, and the official SDK's names.

Names load on first use (`from portkey_ai.types import GatewayConfig` imports only what it needs).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .feedback_create_params import (
        FeedbackParam as FeedbackParam,
    )
    from .feedback_response import (
        FeedbackResponse as FeedbackResponse,
    )
    from .gateway_config import (
        CacheConfig as CacheConfig,
        CacheConfigDict as CacheConfigDict,
        CacheMode as CacheMode,
        CircuitBreakerConfig as CircuitBreakerConfig,
        CircuitBreakerConfigDict as CircuitBreakerConfigDict,
        Condition as Condition,
        ConditionDict as ConditionDict,
        GatewayConfig as GatewayConfig,
        GatewayConfigDict as GatewayConfigDict,
        Guardrail as Guardrail,
        RetryConfig as RetryConfig,
        RetryConfigDict as RetryConfigDict,
        StickySession as StickySession,
        StickySessionDict as StickySessionDict,
        Strategy as Strategy,
        StrategyDict as StrategyDict,
        StrategyMode as StrategyMode,
        Target as Target,
        coerce_config as coerce_config,
        validate_config as validate_config,
    )
    from .legacy import (
        CacheLiteral as CacheLiteral,
        CacheType as CacheType,
        Config as Config,
        Constructs as Constructs,
        ConversationInput as ConversationInput,
        Function as Function,
        FunctionCall as FunctionCall,
        GenericResponse as GenericResponse,
        LLMOptions as LLMOptions,
        Message as Message,
        ModelParams as ModelParams,
        Modes as Modes,
        ModesLiteral as ModesLiteral,
        Params as Params,
        PortkeyResponse as PortkeyResponse,
        ProviderTypes as ProviderTypes,
        ProviderTypesLiteral as ProviderTypesLiteral,
        RetrySettings as RetrySettings,
        Tool as Tool,
        ToolCall as ToolCall,
        Usage as Usage,
    )
    from .log_create_params import (
        CustomLogParam as CustomLogParam,
    )
    from .log_create_response import (
        LogCreateResponse as LogCreateResponse,
    )
    from .prompt_completion import (
        PromptCompletion as PromptCompletion,
        PromptCompletionChoice as PromptCompletionChoice,
        PromptCompletionFunction as PromptCompletionFunction,
        PromptCompletionMessage as PromptCompletionMessage,
        PromptCompletionToolCall as PromptCompletionToolCall,
        PromptCompletionUsage as PromptCompletionUsage,
    )
    from .prompt_completion_chunk import (
        PromptCompletionChunk as PromptCompletionChunk,
        PromptCompletionChunkChoice as PromptCompletionChunkChoice,
        PromptCompletionChunkDelta as PromptCompletionChunkDelta,
        PromptCompletionChunkFunction as PromptCompletionChunkFunction,
        PromptCompletionChunkToolCall as PromptCompletionChunkToolCall,
    )
    from .prompt_render import (
        PromptRender as PromptRender,
        PromptRenderData as PromptRenderData,
        PromptRenderMessage as PromptRenderMessage,
    )
    from .rerank_create_params import (
        RerankDocumentParam as RerankDocumentParam,
    )
    from .rerank_response import (
        RerankResponse as RerankResponse,
        RerankResult as RerankResult,
        RerankResultDocument as RerankResultDocument,
        RerankUsage as RerankUsage,
    )
    from .responses import (
        Batch as Batch,
        ChatCompletionChunk as ChatCompletionChunk,
        ChatCompletionMessage as ChatCompletionMessage,
        ChatCompletions as ChatCompletions,
        CreateEmbeddingResponse as CreateEmbeddingResponse,
        Embedding as Embedding,
        FileObject as FileObject,
        ImagesResponse as ImagesResponse,
        Model as Model,
        ModerationCreateResponse as ModerationCreateResponse,
        TextCompletion as TextCompletion,
        TextCompletionChunk as TextCompletionChunk,
        Transcription as Transcription,
        Translation as Translation,
    )

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "CacheConfig",
            "CacheConfigDict",
            "CacheMode",
            "CircuitBreakerConfig",
            "CircuitBreakerConfigDict",
            "Condition",
            "ConditionDict",
            "GatewayConfig",
            "GatewayConfigDict",
            "Guardrail",
            "RetryConfig",
            "RetryConfigDict",
            "StickySession",
            "StickySessionDict",
            "Strategy",
            "StrategyDict",
            "StrategyMode",
            "Target",
            "coerce_config",
            "validate_config",
        ),
        ".gateway_config",
    ),
    **dict.fromkeys(
        (
            "CacheLiteral",
            "CacheType",
            "Config",
            "Constructs",
            "ConversationInput",
            "Function",
            "FunctionCall",
            "GenericResponse",
            "LLMOptions",
            "Message",
            "ModelParams",
            "Modes",
            "ModesLiteral",
            "Params",
            "PortkeyResponse",
            "ProviderTypes",
            "ProviderTypesLiteral",
            "RetrySettings",
            "Tool",
            "ToolCall",
            "Usage",
        ),
        ".legacy",
    ),
    **dict.fromkeys(("PromptRender", "PromptRenderData", "PromptRenderMessage"), ".prompt_render"),
    **dict.fromkeys(
        (
            "PromptCompletion",
            "PromptCompletionChoice",
            "PromptCompletionMessage",
            "PromptCompletionToolCall",
            "PromptCompletionFunction",
            "PromptCompletionUsage",
        ),
        ".prompt_completion",
    ),
    **dict.fromkeys(
        (
            "PromptCompletionChunk",
            "PromptCompletionChunkChoice",
            "PromptCompletionChunkDelta",
            "PromptCompletionChunkToolCall",
            "PromptCompletionChunkFunction",
        ),
        ".prompt_completion_chunk",
    ),
    **dict.fromkeys(("FeedbackResponse",), ".feedback_response"),
    **dict.fromkeys(("FeedbackParam",), ".feedback_create_params"),
    **dict.fromkeys(("LogCreateResponse",), ".log_create_response"),
    **dict.fromkeys(("CustomLogParam",), ".log_create_params"),
    **dict.fromkeys(("RerankResponse", "RerankResult", "RerankResultDocument", "RerankUsage"), ".rerank_response"),
    **dict.fromkeys(("RerankDocumentParam",), ".rerank_create_params"),
    **dict.fromkeys(
        (
            "Batch",
            "ChatCompletionChunk",
            "ChatCompletionMessage",
            "ChatCompletions",
            "CreateEmbeddingResponse",
            "Embedding",
            "FileObject",
            "ImagesResponse",
            "Model",
            "ModerationCreateResponse",
            "TextCompletion",
            "TextCompletionChunk",
            "Transcription",
            "Translation",
        ),
        ".responses",
    ),
}

__all__ = [
    "Batch",
    "CacheConfig",
    "CacheConfigDict",
    "CacheLiteral",
    "CacheMode",
    "CacheType",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletions",
    "CircuitBreakerConfig",
    "CircuitBreakerConfigDict",
    "Condition",
    "ConditionDict",
    "Config",
    "Constructs",
    "ConversationInput",
    "CreateEmbeddingResponse",
    "CustomLogParam",
    "Embedding",
    "FeedbackParam",
    "FeedbackResponse",
    "FileObject",
    "Function",
    "FunctionCall",
    "GatewayConfig",
    "GatewayConfigDict",
    "GenericResponse",
    "Guardrail",
    "ImagesResponse",
    "LLMOptions",
    "LogCreateResponse",
    "Message",
    "Model",
    "ModelParams",
    "ModerationCreateResponse",
    "Modes",
    "ModesLiteral",
    "Params",
    "PortkeyResponse",
    "PromptCompletion",
    "PromptCompletionChoice",
    "PromptCompletionChunk",
    "PromptCompletionChunkChoice",
    "PromptCompletionChunkDelta",
    "PromptCompletionChunkFunction",
    "PromptCompletionChunkToolCall",
    "PromptCompletionFunction",
    "PromptCompletionMessage",
    "PromptCompletionToolCall",
    "PromptCompletionUsage",
    "PromptRender",
    "PromptRenderData",
    "PromptRenderMessage",
    "ProviderTypes",
    "ProviderTypesLiteral",
    "RerankDocumentParam",
    "RerankResponse",
    "RerankResult",
    "RerankResultDocument",
    "RerankUsage",
    "RetryConfig",
    "RetryConfigDict",
    "RetrySettings",
    "StickySession",
    "StickySessionDict",
    "Strategy",
    "StrategyDict",
    "StrategyMode",
    "Target",
    "TextCompletion",
    "TextCompletionChunk",
    "Tool",
    "ToolCall",
    "Transcription",
    "Translation",
    "Usage",
    "coerce_config",
    "validate_config",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
