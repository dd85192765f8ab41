"""The official SDK's response type names, as aliases of the openai types this client actually returns.

`isinstance(portkey.chat.completions.create(...), ChatCompletions)` holds: there is one class, openai's.
"""

from __future__ import annotations

from openai.types import (
    Batch as Batch,
    Completion as TextCompletion,
    CreateEmbeddingResponse as CreateEmbeddingResponse,
    Embedding as Embedding,
    FileObject as FileObject,
    ImagesResponse as ImagesResponse,
    Model as Model,
    ModerationCreateResponse as ModerationCreateResponse,
)
from openai.types.audio import Transcription as Transcription, Translation as Translation
from openai.types.chat import (
    ChatCompletion as ChatCompletions,
    ChatCompletionChunk as ChatCompletionChunk,
    ChatCompletionMessage as ChatCompletionMessage,
)

TextCompletionChunk = TextCompletion
"""A streamed legacy completion chunk has the same shape as the completion (openai's `Completion`)."""

__all__ = [
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
]
