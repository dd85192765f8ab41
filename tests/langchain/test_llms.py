"""`PortkeyLLM` (LangChain completion model) against the fake provider, the official SDK's import paths, and the
official `custom_metadata` of `ChatPortkey` and `PortkeyLLM` (sent as Portkey `metadata`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackHandler, BaseCallbackHandler
from langchain_core.language_models import BaseLLM
from pydantic import ValidationError
from typing_extensions import override

import portkey_ai.langchain
from portkey_ai.langchain import ChatPortkey, PortkeyLLM
from tests.langchain.conftest import HandlerFactory
from tests.servers.fake_provider import FakeProvider, RecordedRequest, echo_text

pytest.importorskip("langchain_openai")

OPTIONS: dict[str, Any] = {"api_key": "pk-test", "provider": "openai", "Authorization": "sk-fake"}


class TokenCollector(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    @override
    def on_llm_new_token(self, token: object, **kwargs: Any) -> None:
        assert isinstance(token, str)
        self.tokens.append(token)


class AsyncTokenCollector(AsyncCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    @override
    async def on_llm_new_token(self, token: object, **kwargs: Any) -> None:
        assert isinstance(token, str)
        self.tokens.append(token)


def only_request(fake_provider: FakeProvider, path: str) -> RecordedRequest:
    requests = fake_provider.wait_for_requests(1, path=path)
    assert len(requests) == 1
    return requests[0]


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


@pytest.fixture
async def chat_model(fake_provider: FakeProvider) -> AsyncIterator[Callable[..., ChatPortkey]]:
    """Build `ChatPortkey`s on the fake provider; their clients are closed after the test."""
    built: list[ChatPortkey] = []

    def make(**kwargs: Any) -> ChatPortkey:
        model = ChatPortkey(base_url=fake_provider.base_url, model="gpt-4o-mini", **{**OPTIONS, **kwargs})
        built.append(model)
        return model

    yield make
    for model in built:
        model.root_client.close()
        await model.root_async_client.close()


def test_the_official_import_paths_give_this_projects_classes() -> None:
    from portkey_ai.llms.langchain import ChatPortkey as LegacyChat, PortkeyLLM as LegacyLLM
    from portkey_ai.llms.langchain.chat import ChatPortkey as ChatFromModule
    from portkey_ai.llms.langchain.completion import PortkeyLLM as LLMFromModule

    assert LegacyChat is ChatFromModule is ChatPortkey
    assert LegacyLLM is LLMFromModule is PortkeyLLM is portkey_ai.langchain.PortkeyLLM
    assert issubclass(PortkeyLLM, BaseLLM)
    import portkey_ai.llms.langchain as legacy

    assert sorted(legacy.__all__) == ["ChatPortkey", "PortkeyLLM"]
    with pytest.raises(AttributeError, match="Nope"):
        _ = legacy.Nope


def test_invoke_sends_a_completion_with_the_portkey_headers(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    model = llm(
        model="gpt-3.5-turbo-instruct",
        model_kwargs={"max_tokens": 7, "top_k": 3},
        custom_metadata={"_user": "u-1"},
        trace_id="trace-llm",
    )
    assert model.invoke("Say hi", stop=["\n"]) == echo_text("Say hi")
    request = only_request(fake_provider, "/v1/completions")
    assert request.json == {
        "model": "gpt-3.5-turbo-instruct",
        "prompt": "Say hi",
        "max_tokens": 7,
        "top_k": 3,
        "stop": ["\n"],
        "stream": False,
    }
    assert request.headers["x-portkey-api-key"] == "pk-test"
    assert request.headers["x-portkey-provider"] == "openai"
    assert request.headers["x-portkey-trace-id"] == "trace-llm"
    assert request.headers["authorization"] == "Bearer sk-fake"
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-1"}


async def test_ainvoke_sends_a_completion_with_the_portkey_headers(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    model = llm(custom_metadata='{"_user": "u-2"}')
    assert await model.ainvoke("Say hi") == echo_text("Say hi")
    request = only_request(fake_provider, "/v1/completions")
    assert request.json == {"model": "portkey-default", "prompt": "Say hi", "stream": False}
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-2"}
    assert request.headers["x-portkey-api-key"] == "pk-test"


def test_stream_yields_the_streamed_text(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    model = llm()
    chunks = list(model.stream("Tell me a story"))
    assert len(chunks) > 1
    assert "".join(chunks) == echo_text("Tell me a story")
    request = only_request(fake_provider, "/v1/completions")
    assert request.json["stream"] is True


async def test_astream_yields_the_streamed_text(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    model = llm()
    chunks = [chunk async for chunk in model.astream("Tell me a story")]
    assert len(chunks) > 1
    assert "".join(chunks) == echo_text("Tell me a story")
    assert only_request(fake_provider, "/v1/completions").json["stream"] is True


def test_streaming_invoke_reports_each_token(fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]) -> None:
    collector = TokenCollector()
    model = llm(streaming=True, callbacks=[collector])
    assert model.invoke("one two three") == echo_text("one two three")
    assert len(collector.tokens) > 1
    assert "".join(collector.tokens) == echo_text("one two three")


async def test_streaming_ainvoke_reports_each_token(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    collector = AsyncTokenCollector()
    model = llm(streaming=True, callbacks=[collector])
    assert await model.ainvoke("one two three") == echo_text("one two three")
    assert "".join(collector.tokens) == echo_text("one two three")
    assert only_request(fake_provider, "/v1/completions").json["stream"] is True


def test_a_traced_invoke_carries_the_handlers_trace_headers(
    fake_provider: FakeProvider, make_handler: HandlerFactory, llm: Callable[..., PortkeyLLM]
) -> None:
    handler = make_handler()
    model = llm()
    model.invoke("Say hi", config={"callbacks": [handler]})
    request = only_request(fake_provider, "/v1/completions")
    assert request.headers["x-portkey-span-id"]
    assert request.headers["x-portkey-trace-id"]


def test_options_are_checked_at_construction_and_secrets_stay_out_of_the_repr(
    fake_provider: FakeProvider, llm: Callable[..., PortkeyLLM]
) -> None:
    model = llm(virtual_key="vk-very-secret")
    assert "vk-very-secret" not in repr(model)
    assert "pk-test" not in repr(model)
    with pytest.raises(ValidationError, match="trace_id"):
        llm(trace_id="bad\nvalue")
    with pytest.raises(ValidationError, match="custom_metadata"):
        llm(metadata={"a": "b"}, custom_metadata={"c": "d"})
    assert fake_provider.requests == []


@pytest.mark.parametrize("custom_metadata", [{"_user": "u-9", "team": "ml"}, '{"_user": "u-9", "team": "ml"}'])
def test_chat_portkey_sends_the_official_custom_metadata(
    fake_provider: FakeProvider, chat_model: Callable[..., ChatPortkey], custom_metadata: object
) -> None:
    chat = chat_model(custom_metadata=custom_metadata)
    assert chat.invoke("Hello").content == echo_text("Hello")
    request = only_request(fake_provider, "/v1/chat/completions")
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-9", "team": "ml"}


async def test_chat_portkey_sends_the_official_custom_metadata_async(
    fake_provider: FakeProvider, chat_model: Callable[..., ChatPortkey]
) -> None:
    chat = chat_model(custom_metadata={"_user": "u-3"})
    assert (await chat.ainvoke("Hello")).content == echo_text("Hello")
    request = only_request(fake_provider, "/v1/chat/completions")
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-3"}


def test_chat_portkey_built_as_the_official_one_sends_portkey_default(fake_provider: FakeProvider) -> None:
    chat = ChatPortkey(
        api_key="pk-test",
        base_url=fake_provider.base_url,
        virtual_key="vk-openai",
        trace_id="trace-official",
        custom_metadata='{"_user": "u-4"}',
    )
    assert chat.invoke("Hello").content == echo_text("Hello")
    request = only_request(fake_provider, "/v1/chat/completions")
    assert request.json["model"] == "portkey-default"
    assert request.headers["x-portkey-virtual-key"] == "vk-openai"
    assert request.headers["x-portkey-trace-id"] == "trace-official"
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "u-4"}
    chat.root_client.close()


def test_chat_portkey_refuses_metadata_given_twice(chat_model: Callable[..., ChatPortkey]) -> None:
    with pytest.raises(ValidationError, match="`metadata` or as `custom_metadata`"):
        chat_model(metadata={"a": "b"}, custom_metadata={"c": "d"})
