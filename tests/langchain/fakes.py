"""Deterministic LangChain components for the tests (real langchain-core subclasses, no network)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from typing_extensions import override

from tests.servers.fake_provider import echo_text


def last_text(messages: list[BaseMessage]) -> str:
    """Text of the last message."""
    return messages[-1].text if messages else ""


def usage_for(messages: list[BaseMessage], answer: str) -> UsageMetadata:
    """Token usage counted in words, like the fake provider does."""
    prompt = sum(len(m.text.split()) for m in messages)
    completion = len(answer.split())
    return {"input_tokens": prompt, "output_tokens": completion, "total_tokens": prompt + completion}


class EchoChatModel(BaseChatModel):
    """Answers `echo: <last message>` with word-count usage; streams word by word."""

    model_name: str = "echo-1"

    @property
    @override
    def _llm_type(self) -> str:
        return "echo"

    @property
    @override
    def _identifying_params(self) -> Mapping[str, Any]:
        return {"model_name": self.model_name}

    @override
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        answer = echo_text(last_text(messages))
        message = AIMessage(
            content=answer,
            usage_metadata=usage_for(messages, answer),
            response_metadata={"model_name": self.model_name, "finish_reason": "stop"},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    @override
    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        answer = echo_text(last_text(messages))
        words = answer.split(" ")
        for index, word in enumerate(words):
            text = word if index == len(words) - 1 else word + " "
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
            if run_manager is not None:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk
        final = ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=usage_for(messages, answer),
                response_metadata={"model_name": self.model_name, "finish_reason": "stop"},
                chunk_position="last",
            )
        )
        yield final
