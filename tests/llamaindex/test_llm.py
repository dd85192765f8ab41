"""`PortkeyLLM` (a LlamaIndex LLM on the Portkey client) against the fake provider, and its official import paths."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from llama_index.core.llms import LLM, ChatMessage, CustomLLM, MessageRole

from portkey_ai.llamaindex import PortkeyLLM
from tests.servers.fake_provider import FakeProvider, RecordedRequest, echo_text

OPTIONS: dict[str, Any] = {"api_key": "pk-test", "provider": "openai", "Authorization": "sk-fake"}
USER = [
    ChatMessage(role=MessageRole.SYSTEM, content="Be brief"),
    ChatMessage(role=MessageRole.USER, content="Hi there"),
]
WIRE_MESSAGES = [{"role": "system", "content": "Be brief"}, {"role": "user", "content": "Hi there"}]


@pytest.fixture
async def llm(fake_provider: FakeProvider) -> AsyncIterator[Callable[..., PortkeyLLM]]:
    """Build `PortkeyLLM`s on the fake provider; their clients are closed after the test."""
    built: list[PortkeyLLM] = []

    def make(**kwargs: Any) -> PortkeyLLM:
        model = PortkeyLLM(base_url=fake_provider.base_url, max_retries=0, **{**OPTIONS, **kwargs})
        built.append(model)
        return model

    yield make
    for model in built:
        model.client.close()
        await model.async_client.close()


def only_request(fake_provider: FakeProvider, path: str) -> RecordedRequest:
    requests = fake_provider.wait_for_requests(1, path=path)
    assert len(requests) == 1
    return requests[0]


def test_the_official_import_paths_give_this_class() -> None:
    import portkey_ai.llms.llama_index as legacy
    from portkey_ai.llms.llama_index import PortkeyLLM as FromPackage
    from portkey_ai.llms.llama_index.completions import PortkeyLLM as FromModule

    assert FromPackage is FromModule is PortkeyLLM
    assert issubclass(PortkeyLLM, CustomLLM) and issubclass(PortkeyLLM, LLM)
    assert legacy.__all__ == ["PortkeyLLM"]
    with pytest.raises(AttributeError, match="Nope"):
        _ = legacy.Nope


def test_chat_sends_the_messages_and_the_portkey_headers(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    model = llm(model="gpt-4o-mini", temperature=0.2, custom_metadata={"_user": "u-1"}, trace_id="trace-li")
    response = model.chat(USER)
    assert response.message.role == MessageRole.ASSISTANT
    assert response.message.content == echo_text("Hi there")
    assert response.additional_kwargs["total_tokens"] > 0
    request = only_request(fake_provider, "/v1/chat/completions")
    assert request.json == {"model": "gpt-4o-mini", "temperature": 0.2, "messages": WIRE_MESSAGES, "stream": False}
    assert request.headers["x-portkey-api-key"] == "pk-test"
    assert request.headers["x-portkey-provider"] == "openai"
    assert request.headers["x-portkey-trace-id"] == "trace-li"
    assert request.headers["authorization"] == "Bearer sk-fake"
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-1"}


async def test_achat_sends_the_messages_and_the_portkey_headers(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    model = llm(custom_metadata='{"_user": "u-2"}', additional_kwargs={"top_k": 4})
    response = await model.achat(USER)
    assert response.message.content == echo_text("Hi there")
    request = only_request(fake_provider, "/v1/chat/completions")
    assert request.json == {"model": "portkey-default", "messages": WIRE_MESSAGES, "top_k": 4, "stream": False}
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-2"}


def test_chat_returns_tool_calls(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "add",
            "parameters": {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                "required": ["a", "b"],
            },
        },
    }
    response = llm().chat([ChatMessage(role=MessageRole.USER, content="What is 1 + 2")], tools=[tool])
    (call,) = response.message.additional_kwargs["tool_calls"]
    assert call["function"]["name"] == "add"
    assert json.loads(call["function"]["arguments"]) == {"a": 1, "b": 2}
    assert only_request(fake_provider, "/v1/chat/completions").json["tools"] == [tool]


def test_stream_chat_yields_growing_text(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    responses = list(llm().stream_chat(USER))
    assert len(responses) > 2
    assert "".join(r.delta or "" for r in responses) == echo_text("Hi there")
    assert responses[-1].message.content == echo_text("Hi there")
    assert only_request(fake_provider, "/v1/chat/completions").json["stream"] is True


async def test_astream_chat_yields_growing_text(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    responses = [r async for r in await llm().astream_chat(USER)]
    assert len(responses) > 2
    assert "".join(r.delta or "" for r in responses) == echo_text("Hi there")
    assert responses[-1].message.content == echo_text("Hi there")
    assert only_request(fake_provider, "/v1/chat/completions").json["stream"] is True


def test_complete_calls_the_completions_endpoint(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    response = llm(model="gpt-3.5-turbo-instruct", max_tokens=5).complete("Say hi")
    assert response.text == echo_text("Say hi")
    request = only_request(fake_provider, "/v1/completions")
    assert request.json == {"model": "gpt-3.5-turbo-instruct", "max_tokens": 5, "prompt": "Say hi", "stream": False}
    assert request.headers["x-portkey-provider"] == "openai"


async def test_acomplete_calls_the_completions_endpoint(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    response = await llm().acomplete("Say hi")
    assert response.text == echo_text("Say hi")
    assert only_request(fake_provider, "/v1/completions").json["prompt"] == "Say hi"


def test_stream_complete_yields_growing_text(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    responses = list(llm().stream_complete("one two three"))
    assert len(responses) > 2
    assert responses[-1].text == echo_text("one two three")
    assert "".join(r.delta or "" for r in responses) == echo_text("one two three")


async def test_astream_complete_yields_growing_text(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    responses = [r async for r in await llm().astream_complete("one two three")]
    assert len(responses) > 2
    assert responses[-1].text == echo_text("one two three")
    assert only_request(fake_provider, "/v1/completions").json["stream"] is True


def test_options_are_checked_at_construction_and_stay_out_of_the_repr(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    model = llm(virtual_key="vk-very-secret", model="gpt-4o-mini", context_window=8000)
    assert "vk-very-secret" not in repr(model) and "pk-test" not in repr(model)
    assert model.metadata.model_name == "gpt-4o-mini"
    assert model.metadata.context_window == 8000
    assert model.metadata.is_chat_model
    with pytest.raises(ValueError, match="trace_id"):
        llm(trace_id="bad\nvalue")
    with pytest.raises(ValueError, match="`metadata` or as `custom_metadata`"):
        llm(metadata={"a": "b"}, custom_metadata={"c": "d"})
    assert fake_provider.requests == []
