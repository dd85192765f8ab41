"""Response of `POST /prompts/{promptId}/completions` (`portkey.prompts.completions.create`)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, cast

from openai import APIResponseValidationError, BaseModel

if TYPE_CHECKING:
    from .._http import httpx

__all__ = [
    "PromptCompletion",
    "PromptCompletionChoice",
    "PromptCompletionFunction",
    "PromptCompletionMessage",
    "PromptCompletionToolCall",
    "PromptCompletionUsage",
]


class PromptCompletionFunction(BaseModel):
    """The function a tool call invokes."""

    name: str | None = None
    arguments: str | None = None
    """The arguments as a JSON string, as the model produced them."""


class PromptCompletionToolCall(BaseModel):
    """A tool call requested by the model."""

    id: str | None = None
    type: str | None = None
    function: PromptCompletionFunction | None = None


class PromptCompletionMessage(BaseModel):
    """The message a chat prompt produced."""

    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[PromptCompletionToolCall] | None = None
    function_call: PromptCompletionFunction | None = None


class PromptCompletionChoice(BaseModel):
    """One choice: `message` for chat prompts, `text` for completion prompts."""

    index: int | None = None
    message: PromptCompletionMessage | None = None
    text: str | None = None
    finish_reason: str | None = None
    logprobs: Any = None


class PromptCompletionUsage(BaseModel):
    """Token counts of the completion."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None


class PromptCompletion(BaseModel):
    """The completion a saved prompt produced, shaped like a chat completion (`completion.choices[0].message`).

    The API answers either with the completion itself (what the hosted API and the official SDK use) or, as the
    OpenAPI spec describes, with an envelope `{status, headers, body}` whose `body` is the completion. Both parse to
    this class: the envelope is unwrapped and its `status` and `headers` kept as attributes.
    """

    id: str | None = None
    object: str | None = None
    """`chat.completion` or `text_completion`."""

    created: int | None = None
    model: str | None = None
    provider: str | None = None
    system_fingerprint: str | None = None
    choices: list[PromptCompletionChoice] = []
    usage: PromptCompletionUsage | None = None
    status: str | None = None
    """The envelope's status, when the API wrapped the completion in `{status, headers, body}`."""

    headers: dict[str, str] | None = None
    """The provider's response headers, when the API wrapped the completion in `{status, headers, body}`."""

    @classmethod
    def build(cls, *, response: httpx.Response, data: builtins.object) -> Self:
        """Build the completion from either response shape (openai calls this hook when parsing a response)."""
        if not isinstance(data, Mapping):
            raise APIResponseValidationError(
                response=response, body=data, message="Expected a JSON object for a prompt completion"
            )
        fields = dict(cast("Mapping[str, Any]", data))
        body = fields.get("body")
        if isinstance(body, Mapping) and "choices" not in fields:
            envelope: dict[str, Any] = {key: fields[key] for key in ("status", "headers") if key in fields}
            fields = {**cast("Mapping[str, Any]", body), **envelope}
        return cls.construct(**fields)
