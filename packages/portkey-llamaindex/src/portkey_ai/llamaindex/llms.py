"""`PortkeyLLM`: a LlamaIndex LLM on the Portkey client (chat on `/chat/completions`, complete on `/completions`).

The official `portkey-ai` SDK shipped it as `portkey_ai.llms.llama_index.completions.PortkeyLLM`; that path (and
`portkey_ai.llms.llama_index`) re-exports this class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.callbacks import CallbackManager
from llama_index.core.constants import DEFAULT_CONTEXT_WINDOW
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import (
    llm_chat_callback,  # pyright: ignore[reportUnknownVariableType]
    llm_completion_callback,  # pyright: ignore[reportUnknownVariableType]
)
from openai import DEFAULT_MAX_RETRIES, NOT_GIVEN
from typing_extensions import Unpack, override

from portkey_ai import AsyncPortkey, Portkey

if TYPE_CHECKING:
    from openai import Timeout
    from openai.types import Completion, CompletionUsage
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    from portkey_ai import PortkeyOptionsDict

__all__ = ["PortkeyLLM"]

# ChatMessage.additional_kwargs entries that are part of an OpenAI chat message.
_MESSAGE_KEYS = ("name", "tool_calls", "tool_call_id", "function_call")


class PortkeyLLM(CustomLLM):
    """A LlamaIndex LLM whose calls go through the Portkey gateway.

    `chat`, `stream_chat`, `complete`, `stream_complete` and their async forms call `chat.completions.create` and
    `completions.create` of a `portkey_ai.Portkey` / `AsyncPortkey` built from the gateway options given here
    (`provider`, `config`, `virtual_key`, `Authorization`, `trace_id`, `metadata`, ...; checked before any request).
    The official SDK's `custom_metadata` is sent as Portkey `metadata`.

    Example:
        ```python
        from portkey_ai.llamaindex import PortkeyLLM
        from llama_index.core.llms import ChatMessage

        llm = PortkeyLLM(model="gpt-4o-mini", provider="@openai-prod", trace_id="rag-1")
        llm.chat([ChatMessage(role="user", content="Hi")])
        ```
    """

    model: str = Field(default="portkey-default", description="The model sent in every request.")
    temperature: float | None = Field(default=None, description="Sampling temperature; the provider's when None.")
    max_tokens: int | None = Field(default=None, description="Maximum tokens to generate; the provider's when None.")
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict[str, Any], description="Other body parameters sent with every request."
    )
    context_window: int = Field(default=DEFAULT_CONTEXT_WINDOW, description="The model's context window (tokens).")
    is_chat_model: bool = Field(default=True, description="Whether LlamaIndex should prefer `chat` over `complete`.")

    _client: Portkey = PrivateAttr()
    _async_client: AsyncPortkey = PrivateAttr()

    def __init__(
        self,
        *,
        model: str = "portkey-default",
        temperature: float | None = None,
        max_tokens: int | None = None,
        additional_kwargs: Mapping[str, Any] | None = None,
        context_window: int = DEFAULT_CONTEXT_WINDOW,
        is_chat_model: bool = True,
        system_prompt: str | None = None,
        callback_manager: CallbackManager | None = None,
        base_url: str | None = None,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        custom_metadata: Mapping[str, str] | str | None = None,
        **options: Unpack[PortkeyOptionsDict],
    ) -> None:
        """Build the model and its Portkey clients; `**options` are `portkey_ai.Portkey`'s gateway options."""
        if custom_metadata is not None:
            if options.get("metadata") is not None:
                raise ValueError("pass Portkey metadata as `metadata` or as `custom_metadata`, not both")
            options["metadata"] = custom_metadata
        super().__init__(
            model=model,
            temperature=temperature,
            max_tokens=max_tokens,
            additional_kwargs=dict(additional_kwargs or {}),
            context_window=context_window,
            is_chat_model=is_chat_model,
            system_prompt=system_prompt,
            callback_manager=callback_manager,
        )
        common: dict[str, Any] = {
            "base_url": base_url,
            "timeout": timeout if timeout is not None else NOT_GIVEN,
            "max_retries": max_retries if max_retries is not None else DEFAULT_MAX_RETRIES,
        }
        self._client = Portkey(**common, **options)
        self._async_client = AsyncPortkey(**common, **options)

    @classmethod
    @override
    def class_name(cls) -> str:
        return "portkey_llm"

    @property
    def client(self) -> Portkey:
        """The `Portkey` client this model calls."""
        return self._client

    @property
    def async_client(self) -> AsyncPortkey:
        """The `AsyncPortkey` client this model calls in async code."""
        return self._async_client

    @property
    @override
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens or -1,
            is_chat_model=self.is_chat_model,
            model_name=self.model,
        )

    def _params(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model}
        if self.temperature is not None:
            params["temperature"] = self.temperature
        if self.max_tokens is not None:
            params["max_tokens"] = self.max_tokens
        params.update(kwargs)
        if self.additional_kwargs:
            # The JSON body takes any parameter, whether or not the installed openai's method declares it.
            params["extra_body"] = {**self.additional_kwargs, **(kwargs.get("extra_body") or {})}
        return params

    def _chat_params(self, messages: Sequence[ChatMessage], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        return {**self._params(kwargs), "messages": [_message_dict(message) for message in messages]}

    @llm_chat_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        completion = self._client.chat.completions.create(**self._chat_params(messages, kwargs), stream=False)
        return _chat_response(completion)

    @llm_chat_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        params = self._chat_params(messages, kwargs)
        completion = await self._async_client.chat.completions.create(**params, stream=False)
        return _chat_response(completion)

    @llm_chat_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        params = self._chat_params(messages, kwargs)

        def gen() -> ChatResponseGen:
            text = ""
            with self._client.chat.completions.create(**params, stream=True) as stream:
                for chunk in stream:
                    delta = _chat_delta(chunk)
                    text += delta
                    yield ChatResponse(
                        message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta, raw=chunk
                    )

        return gen()

    @llm_chat_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    async def astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        params = self._chat_params(messages, kwargs)

        async def gen() -> ChatResponseAsyncGen:
            text = ""
            async with await self._async_client.chat.completions.create(**params, stream=True) as stream:
                async for chunk in stream:
                    delta = _chat_delta(chunk)
                    text += delta
                    yield ChatResponse(
                        message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta, raw=chunk
                    )

        return gen()

    @llm_completion_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        completion = self._client.completions.create(**self._params(kwargs), prompt=prompt, stream=False)
        return _completion_response(completion)

    @llm_completion_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    async def acomplete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        completion = await self._async_client.completions.create(**self._params(kwargs), prompt=prompt, stream=False)
        return _completion_response(completion)

    @llm_completion_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        params = self._params(kwargs)

        def gen() -> CompletionResponseGen:
            text = ""
            with self._client.completions.create(**params, prompt=prompt, stream=True) as stream:
                for chunk in stream:
                    delta = chunk.choices[0].text if chunk.choices else ""
                    text += delta
                    yield CompletionResponse(text=text, delta=delta, raw=chunk)

        return gen()

    @llm_completion_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    async def astream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseAsyncGen:
        params = self._params(kwargs)

        async def gen() -> CompletionResponseAsyncGen:
            text = ""
            async with await self._async_client.completions.create(**params, prompt=prompt, stream=True) as stream:
                async for chunk in stream:
                    delta = chunk.choices[0].text if chunk.choices else ""
                    text += delta
                    yield CompletionResponse(text=text, delta=delta, raw=chunk)

        return gen()


def _message_dict(message: ChatMessage) -> dict[str, Any]:
    """A LlamaIndex chat message as an OpenAI chat message (text content plus tool-call fields)."""
    result: dict[str, Any] = {"role": message.role.value, "content": message.content}
    result.update({key: message.additional_kwargs[key] for key in _MESSAGE_KEYS if key in message.additional_kwargs})
    return result


def _usage(usage: CompletionUsage | None) -> dict[str, Any]:
    if usage is None:
        return {}
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


def _chat_response(completion: ChatCompletion) -> ChatResponse:
    message = completion.choices[0].message
    extra: dict[str, Any] = {}
    if message.tool_calls:
        extra["tool_calls"] = [call.model_dump(exclude_none=True) for call in message.tool_calls]
    return ChatResponse(
        message=ChatMessage(role=MessageRole.ASSISTANT, content=message.content, additional_kwargs=extra),
        raw=completion,
        additional_kwargs=_usage(completion.usage),
    )


def _chat_delta(chunk: ChatCompletionChunk) -> str:
    return (chunk.choices[0].delta.content or "") if chunk.choices else ""


def _completion_response(completion: Completion) -> CompletionResponse:
    text = completion.choices[0].text if completion.choices else ""
    return CompletionResponse(text=text, raw=completion, additional_kwargs=_usage(completion.usage))
