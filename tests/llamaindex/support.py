"""Helpers for the LlamaIndex tests: reading the sink, small real LlamaIndex components, and a scripted agent."""

# llama-index leaves some signatures partially unknown (untyped decorators such as `trace_method`, LangChain's
# `BaseLanguageModel` in `LLMType`); these tests call them directly.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.llms.types import (
    ChatMessage,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
    ToolCallBlock,
)
from llama_index.core.chat_engine import SimpleChatEngine
from llama_index.core.llms import CustomLLM, MockLLM
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.core.memory import ChatMemoryBuffer
from llama_index.core.postprocessor.structured_llm_rerank import StructuredLLMRerank
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.tools import BaseTool, FunctionTool
from llama_index_instrumentation import get_dispatcher
from typing_extensions import override

from portkey_ai.llamaindex import PortkeyEventHandler, PortkeySpanHandler
from tests.servers.fake_provider import FakeProvider

LOGS_PATH = "/v1/logs"

agent_warnings = pytest.mark.filterwarnings(
    "ignore::pydantic.warnings.PydanticDeprecatedSince20",
    "ignore::pydantic.warnings.PydanticDeprecatedSince211",
)
"""For tests that build workflow agents: llama-index collects their steps with `inspect.getmembers`, which touches
pydantic's deprecated attributes (`__fields__`, `model_computed_fields` on an instance): not our code."""

DOCUMENTS = [
    "Portkey is an AI gateway that routes requests to many LLM providers.",
    "LlamaIndex builds retrieval augmented generation pipelines over your documents.",
    "The Eiffel Tower is in Paris and was finished in 1889.",
]


def shipped_logs(sink: FakeProvider) -> list[dict[str, Any]]:
    """Every log the sink received so far (each request body is a JSON array of logs), in arrival order."""
    logs: list[dict[str, Any]] = []
    for request in sink.requests:
        if request.path == LOGS_PATH and isinstance(request.json, list):
            logs.extend(request.json)
    return logs


def our_handlers() -> tuple[list[Any], list[Any]]:
    """Our span and event handlers currently registered on the root dispatcher."""
    dispatcher: Any = get_dispatcher()
    spans = [h for h in dispatcher.span_handlers if isinstance(h, PortkeySpanHandler)]
    events = [h for h in dispatcher.event_handlers if isinstance(h, PortkeyEventHandler)]
    return spans, events


def build_index() -> VectorStoreIndex:
    """A small vector index over `DOCUMENTS` (uses `Settings.embed_model`)."""
    return VectorStoreIndex.from_documents([Document(text=text) for text in DOCUMENTS])


def dumped(logs: Sequence[dict[str, Any]]) -> str:
    """All logs as one JSON string (to search for leaked values)."""
    return json.dumps(list(logs))


def float_lists(value: Any) -> list[list[Any]]:
    """Every list inside `value` that holds a float (an embedding vector would be one)."""
    found: list[list[Any]] = []
    if isinstance(value, dict):
        for item in value.values():
            found.extend(float_lists(item))
    elif isinstance(value, list):
        items: list[Any] = value
        if any(isinstance(item, float) for item in items):
            found.append(items)
        for item in items:
            found.extend(float_lists(item))
    return found


class UsageLLM(CustomLLM):
    """A custom LLM (the documented way to plug a model into LlamaIndex) whose raw response reports token usage,
    like an OpenAI-compatible provider does."""

    api_key: str = "sk-should-never-be-shipped"
    api_base: str = "https://user:hunter2@llm.example.com/v1?token=query-string-secret"

    @property
    @override
    def metadata(self) -> LLMMetadata:
        """Model metadata."""
        return LLMMetadata(model_name="usage-model", is_chat_model=False)

    @llm_completion_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """Echo the prompt's length, with usage in `raw` (OpenAI shape)."""
        return CompletionResponse(
            text=f"{len(prompt)} characters",
            raw={
                "model": "usage-model-2026",
                "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
                "choices": [{"finish_reason": "stop"}],
            },
        )

    @llm_completion_callback()  # pyright: ignore[reportUntypedFunctionDecorator]
    @override
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        """Stream two pieces; the last one carries usage."""

        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text="a", delta="a")
            yield CompletionResponse(text="ab", delta="b", raw={"usage": {"input_tokens": 3, "output_tokens": 2}})

        return gen()


class FailingRetriever(BaseRetriever):
    """A retriever whose index is down."""

    @override
    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        raise RuntimeError("index offline")


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def boom(x: int) -> int:
    """A tool that always fails."""
    raise RuntimeError(f"kaboom {x}")


def _agent_script(messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
    """First turn: call `add` and `boom`; after the tool results: answer."""
    if any(message.role == MessageRole.TOOL for message in messages):
        return ChatMessage(role=MessageRole.ASSISTANT, content="the sum is 3")
    return ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[
            ToolCallBlock(tool_call_id="call-add", tool_name="add", tool_kwargs={"a": 1, "b": 2}),
            ToolCallBlock(tool_call_id="call-boom", tool_name="boom", tool_kwargs={"x": 7}),
        ],
    )


def scripted_agent() -> FunctionAgent:
    """A FunctionAgent whose (offline) model calls `add` and `boom`, then answers."""
    llm = MockFunctionCallingLLM(response_generator=_agent_script)
    tools: list[BaseTool | Callable[..., Any]] = [
        FunctionTool.from_defaults(fn=add),
        FunctionTool.from_defaults(fn=boom),
    ]
    return FunctionAgent(tools=tools, llm=llm)


def _rerank_script(messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
    """Answer the reranker's structured-output tool: document 2 is the relevant one."""
    tools: list[BaseTool] = kwargs.get("tools") or []
    ranking = {"documents": [{"document_number": 2, "relevance": 9}, {"document_number": 1, "relevance": 3}]}
    return ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[ToolCallBlock(tool_call_id="rank-1", tool_name=str(tools[0].metadata.name), tool_kwargs=ranking)],
    )


def reranker() -> StructuredLLMRerank:
    """LlamaIndex's structured LLM reranker over an offline function-calling model (keeps the best node)."""
    return StructuredLLMRerank(llm=MockFunctionCallingLLM(response_generator=_rerank_script), top_n=1)


def chat_engine() -> SimpleChatEngine:
    """A chat engine over `MockLLM(max_tokens=4)` with an in-memory buffer (the default `Memory` opens aiosqlite
    connections it never closes when used asynchronously)."""
    return SimpleChatEngine.from_defaults(llm=MockLLM(max_tokens=4), memory=ChatMemoryBuffer.from_defaults())
