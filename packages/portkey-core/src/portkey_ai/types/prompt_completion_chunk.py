"""One server-sent event of a streamed prompt completion (`prompts.completions.create(..., stream=True)`)."""

from __future__ import annotations

from typing import Any

from openai import BaseModel

from .prompt_completion import PromptCompletionUsage

__all__ = [
    "PromptCompletionChunk",
    "PromptCompletionChunkChoice",
    "PromptCompletionChunkDelta",
    "PromptCompletionChunkFunction",
    "PromptCompletionChunkToolCall",
]


class PromptCompletionChunkFunction(BaseModel):
    """A piece of the function a streamed tool call invokes."""

    name: str | None = None
    arguments: str | None = None


class PromptCompletionChunkToolCall(BaseModel):
    """A piece of a streamed tool call; pieces with the same `index` belong together."""

    index: int | None = None
    id: str | None = None
    type: str | None = None
    function: PromptCompletionChunkFunction | None = None


class PromptCompletionChunkDelta(BaseModel):
    """What this chunk adds to the message of a chat prompt."""

    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[PromptCompletionChunkToolCall] | None = None


class PromptCompletionChunkChoice(BaseModel):
    """One choice of a chunk: `delta` for chat prompts, `text` for completion prompts."""

    index: int | None = None
    delta: PromptCompletionChunkDelta | None = None
    text: str | None = None
    finish_reason: str | None = None
    logprobs: Any = None


class PromptCompletionChunk(BaseModel):
    """A streamed piece of a prompt completion, shaped like a chat completion chunk."""

    id: str | None = None
    object: str | None = None
    """`chat.completion.chunk` or `text_completion`."""

    created: int | None = None
    model: str | None = None
    provider: str | None = None
    system_fingerprint: str | None = None
    choices: list[PromptCompletionChunkChoice] = []
    usage: PromptCompletionUsage | None = None
