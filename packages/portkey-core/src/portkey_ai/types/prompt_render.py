"""Response of `POST /prompts/{promptId}/render` (`portkey.prompts.render`)."""

from __future__ import annotations

from typing import Any

from openai import BaseModel

__all__ = ["PromptRender", "PromptRenderData", "PromptRenderMessage"]


class PromptRenderMessage(BaseModel):
    """One message of a rendered chat prompt, variables filled in."""

    role: str | None = None
    """`system`, `user`, `assistant`, `tool`, ..."""

    content: str | list[dict[str, Any]] | None = None
    """Text, or a list of content parts (text, images, ...)."""

    name: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None


class PromptRenderData(BaseModel):
    """The request body the prompt template renders to.

    For a chat template it has `messages`, for a completion template `prompt`; the template's saved model settings
    (`model`, `temperature`, `max_tokens`, `tools`, ...) come along. Settings not declared here are kept as extra
    attributes (`data.thinking`, `data.to_dict()["thinking"]`).
    """

    model: str | None = None
    messages: list[PromptRenderMessage] | None = None
    """The rendered messages (chat templates)."""

    prompt: str | list[str] | None = None
    """The rendered prompt (completion templates)."""

    suffix: str | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    n: int | None = None
    stop: str | list[str] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    seed: int | None = None
    logprobs: bool | int | None = None
    top_logprobs: int | None = None
    logit_bias: dict[str, int] | None = None
    response_format: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    functions: list[dict[str, Any]] | None = None
    function_call: str | dict[str, Any] | None = None
    stream: bool | None = None
    user: str | None = None


class PromptRender(BaseModel):
    """A prompt template rendered with its variables: `success` and the resulting request body in `data`."""

    success: bool | None = None
    data: PromptRenderData | None = None
