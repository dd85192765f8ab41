"""Log bodies built from LlamaIndex objects: provider usage shapes, messages, nodes, providers, URLs, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    ImageBlock,
    MessageRole,
    TextBlock,
    ToolCallBlock,
)
from llama_index.core.base.response.schema import Response
from llama_index.core.schema import NodeWithScore, TextNode
from llama_index.core.tools import ToolOutput
from openai.types.chat import ChatCompletion

from portkey_ai._http import httpx
from portkey_ai.lib._spans import Policy, SpanTree
from portkey_ai.llamaindex._payloads import (
    MAX_NODE_TEXT,
    build_bodies,
    llm_provider,
    llm_url_base,
    model_info,
    nodes_json,
    output_json,
)
from portkey_ai.llamaindex._records import LlamaSpanRecord, LLMCall


def llm_record(
    response: Any,
    *,
    mode: str = "chat",
    messages: list[ChatMessage] | None = None,
    kwargs: dict[str, Any] | None = None,
) -> LlamaSpanRecord:
    record = LlamaSpanRecord(name="LLM.chat", kind="llm", parent=None, policy=Policy.PINNED)
    call = LLMCall(mode)
    call.messages = messages or [ChatMessage(role=MessageRole.USER, content="hi")]
    call.prompt = "hi"
    call.response = response
    call.kwargs = kwargs or {}
    record.llm = call
    record.model = "configured-model"
    return record


def openai_completion() -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1_766_000_000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
        }
    )


@pytest.mark.parametrize(
    ("response", "usage"),
    [
        (
            ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content="x"), raw=openai_completion()),
            {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
        ),
        (
            ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content="x"),
                raw={"usage": {"input_tokens": 4, "output_tokens": 6}},
            ),
            {"prompt_tokens": 4, "completion_tokens": 6, "total_tokens": 10},
        ),
        (
            ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content="x"),
                raw={"usage_metadata": {"prompt_token_count": 3, "candidates_token_count": 1, "total_token_count": 5}},
            ),
            {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 5},
        ),
        (
            ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content="x"),
                additional_kwargs={"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8},
            ),
            {"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8},
        ),
        (
            ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content="x"),
                raw={
                    "usage": {
                        "prompt_tokens": 9,
                        "completion_tokens": 4,
                        "total_tokens": 13,
                        "prompt_tokens_details": {"cached_tokens": 8},
                        "completion_tokens_details": {"reasoning_tokens": 3},
                    }
                },
            ),
            {
                "prompt_tokens": 9,
                "completion_tokens": 4,
                "total_tokens": 13,
                "prompt_tokens_details": {"cached_tokens": 8},
                "completion_tokens_details": {"reasoning_tokens": 3},
            },
        ),
        (ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content="x"), raw={"content": "x"}), None),
    ],
    ids=["openai-object", "anthropic-dict", "gemini-dict", "additional-kwargs", "openai-details", "none"],
)
def test_usage_is_taken_from_what_the_provider_reported(response: ChatResponse, usage: dict[str, Any] | None) -> None:
    _, body = build_bodies(llm_record(response))

    assert body["body"].get("usage") == usage


def test_chat_bodies_follow_the_openai_shape() -> None:
    messages = [
        ChatMessage(role=MessageRole.SYSTEM, content="be brief"),
        ChatMessage(
            role=MessageRole.USER,
            blocks=[TextBlock(text="what is this?"), ImageBlock(url="https://example.com/cat.png")],
        ),
        ChatMessage(
            role=MessageRole.ASSISTANT,
            blocks=[ToolCallBlock(tool_call_id="c1", tool_name="look", tool_kwargs={"q": "cat"})],
        ),
        ChatMessage(role=MessageRole.TOOL, content="a cat", additional_kwargs={"tool_call_id": "c1"}),
    ]
    record = llm_record(
        ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content="a cat"), raw=openai_completion()),
        messages=messages,
        kwargs={"temperature": 0},
    )

    request, response = build_bodies(record)

    assert request["body"] == {
        "model": "gpt-4o-mini-2024-07-18",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "what is this?"}, {"type": "image"}]},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "look", "arguments": '{"q": "cat"}'}}
                ],
            },
            {"role": "tool", "content": "a cat", "tool_call_id": "c1"},
        ],
        "temperature": 0,
    }
    assert response["body"]["choices"] == [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "a cat"}}
    ]
    assert response["body"]["model"] == "gpt-4o-mini-2024-07-18"
    assert response["streamingMode"] is False


def test_completion_bodies() -> None:
    record = llm_record(CompletionResponse(text="done"), mode="completion")

    request, response = build_bodies(record)

    assert request["body"] == {"model": "configured-model", "prompt": "hi"}
    assert response["body"]["object"] == "text_completion"
    assert response["body"]["choices"] == [{"index": 0, "text": "done", "finish_reason": None}]


def test_model_info_keeps_only_known_safe_keys() -> None:
    info = model_info(
        {"class_name": "OpenAI", "model": "gpt-4o", "temperature": 0.2, "api_key": "sk-x", "headers": {"a": "b"}}
    )

    assert info == {"model": "gpt-4o", "class_name": "OpenAI", "temperature": 0.2}
    assert model_info(None) == {}


@pytest.mark.parametrize(
    ("module", "provider"),
    [
        ("llama_index.llms.openai.base", "openai"),
        ("llama_index.llms.azure_openai.base", "azure-openai"),
        ("llama_index.llms.anthropic.base", "anthropic"),
        ("llama_index.embeddings.openai.base", "openai"),
        ("llama_index.llms.vertex.base", "vertex-ai"),
        ("llama_index.llms.xai.base", "x-ai"),
        ("llama_index.llms.brand_new.base", "brand_new"),
        ("my_app.models", None),
    ],
)
def test_provider_slugs(module: str, provider: str | None) -> None:
    model_class = type("Model", (), {"__module__": module})

    assert llm_provider(model_class()) == provider


def test_url_base_never_keeps_credentials() -> None:
    class WithBase:
        api_base = "https://user:secret@api.example.com:8443/v1/?key=secret"

    class WithoutBase:
        api_base = None

    assert llm_url_base(WithBase()) == "https://api.example.com:8443/v1/"
    assert llm_url_base(WithoutBase()) == ""


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (
            openai.RateLimitError(
                "slow down",
                response=httpx.Response(429, request=httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")),
                body=None,
            ),
            429,
        ),
        (asyncio.CancelledError("stop"), 499),
        (ValueError("stop"), 500),
    ],
)
def test_a_failed_span_reports_the_error_instead_of_its_result(error: BaseException, status: int) -> None:
    record = llm_record(CompletionResponse(text="never sent"))
    record.error = error

    request, response = build_bodies(record)

    assert request["body"]["messages"] == [{"role": "user", "content": "hi"}]
    assert response["status"] == status
    assert response["body"] == {"error": {"message": str(error), "type": type(error).__name__}}


def test_nodes_are_bounded() -> None:
    nodes = [NodeWithScore(node=TextNode(text="y" * (MAX_NODE_TEXT + 10), id_=f"n{i}"), score=0.5) for i in range(60)]

    converted = nodes_json(nodes)

    assert len(converted) == 50
    assert converted[0]["id"] == "n0" and converted[0]["score"] == 0.5
    assert converted[0]["text"] == "y" * MAX_NODE_TEXT + "...<10 more chars>"
    assert nodes_json(None) == []


def test_outputs() -> None:
    tool_output = ToolOutput(content="3", tool_name="add", raw_input={"a": 1}, raw_output=3)
    source = NodeWithScore(node=TextNode(text="source text", id_="s1"), score=1.0)

    assert output_json(tool_output) == {"content": "3", "is_error": False}
    assert output_json(Response(response="answer", source_nodes=[source])) == {
        "response": "answer",
        "source_nodes": [{"id": "s1", "score": 1.0, "text": "source text"}],
    }
    assert output_json([source]) == [{"id": "s1", "score": 1.0, "text": "source text"}]
    assert output_json("plain") == "plain"


def vars_of(record: LlamaSpanRecord, *names: str) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def test_release_drops_payloads_but_keeps_the_tree() -> None:
    tree: SpanTree[str, LlamaSpanRecord] = SpanTree()
    record = llm_record(CompletionResponse(text="done"))
    record.request_body = {"query": "q"}
    record.response_body = {"output": "a"}
    record.inputs = {"big": "x" * 100}
    record.output = "result"
    record.error = record.child_error = ValueError("x")
    assert tree.decide(record, final=True)

    record.release()

    released = vars_of(record, "request_body", "response_body", "inputs", "output", "llm", "error", "child_error")
    assert released == {
        "request_body": {},
        "response_body": None,
        "inputs": None,
        "output": None,
        "llm": None,
        "error": None,
        "child_error": None,
    }
    assert record.decision is True and record.trace_id == record.span_id
