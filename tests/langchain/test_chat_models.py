"""`ChatPortkey` through the real OSS gateway to the fake provider: invoke, stream, tools, structured output, async,
options as headers, and trace linking with `PortkeyCallbackHandler`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from langchain_core._api import LangChainBetaWarning
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from pydantic import BaseModel, ValidationError

from portkey_ai import PortkeyOptionsDict
from portkey_ai._http import httpx
from portkey_ai.langchain import ChatPortkey, ChatPortkeyParams, PortkeyCallbackHandler
from tests.helpers.trace_tree import build_trace
from tests.langchain.conftest import HandlerFactory
from tests.langchain.sinks import closed_port_url, flushed_logs
from tests.servers.fake_provider import FakeProvider, Fault
from tests.servers.node_servers import REPO_ROOT, NodeServer

pytest.importorskip("langchain_openai")

from langchain_openai import ChatOpenAI


@dataclass
class Captured:
    """Requests ChatPortkey sent, seen through the HTTP clients' request hooks (the transport stays real)."""

    requests: list[httpx.Request] = field(default_factory=lambda: [])

    def record(self, request: httpx.Request) -> None:
        self.requests.append(request)

    async def arecord(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def last_headers(self) -> httpx.Headers:
        assert self.requests, "no request was sent"
        return self.requests[-1].headers


@pytest.fixture
def captured() -> Captured:
    return Captured()


@pytest.fixture
def http_clients(captured: Captured) -> Iterator[tuple[httpx.Client, httpx.AsyncClient]]:
    sync_client = httpx.Client(event_hooks={"request": [captured.record]})
    async_client = httpx.AsyncClient(event_hooks={"request": [captured.arecord]})
    yield sync_client, async_client
    sync_client.close()


@pytest.fixture
async def async_http_client_closer(http_clients: tuple[httpx.Client, httpx.AsyncClient]) -> AsyncIterator[None]:
    yield
    await http_clients[1].aclose()


@pytest.fixture
def model(
    gateway: NodeServer,
    fake_provider: FakeProvider,
    http_clients: tuple[httpx.Client, httpx.AsyncClient],
    async_http_client_closer: None,
) -> ChatPortkey:
    """ChatPortkey on the OSS gateway, provider `openai` with the fake provider as custom host."""
    return ChatPortkey(
        model="gpt-4o-mini",
        base_url=gateway.base_url,
        provider="openai",
        custom_host=fake_provider.base_url,
        Authorization="sk-fake-provider-key",
        http_client=http_clients[0],
        http_async_client=http_clients[1],
        max_retries=0,
    )


class Joke(BaseModel):
    """A joke."""

    setup: str
    punchline: str


@tool
def magic_function(input: int) -> int:
    """Apply a magic function to an input."""
    return input + 2


# ------------------------------------------------------------------------------------------------ calls via gateway


def test_invoke(model: ChatPortkey, captured: Captured) -> None:
    reply = model.invoke("hello there")
    assert reply.text == "echo: hello there"
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["total_tokens"] == 5
    assert reply.response_metadata["model_name"] == "gpt-4o-mini"
    headers = captured.last_headers()
    assert headers["x-portkey-provider"] == "openai"
    assert headers["authorization"] == "Bearer sk-fake-provider-key"
    assert "x-portkey-span-id" not in headers  # no handler: no trace linking (the client may still set a trace id)


async def test_ainvoke(model: ChatPortkey) -> None:
    reply = await model.ainvoke("hello there")
    assert reply.text == "echo: hello there"


def test_stream_reports_usage(model: ChatPortkey, fake_provider: FakeProvider) -> None:
    chunks = list(model.stream("one two three"))
    assert "".join(chunk.text for chunk in chunks) == "echo: one two three"
    assert sum(chunk.usage_metadata["total_tokens"] for chunk in chunks if chunk.usage_metadata) == 7
    assert fake_provider.requests[-1].json["stream_options"] == {"include_usage": True}


async def test_astream(model: ChatPortkey) -> None:
    chunks = [chunk async for chunk in model.astream("one two three")]
    assert "".join(chunk.text for chunk in chunks) == "echo: one two three"


def test_tool_calling(model: ChatPortkey) -> None:
    reply = model.bind_tools([magic_function], tool_choice="magic_function").invoke("magic_function(3)?")
    assert reply.tool_calls == [
        {"name": "magic_function", "args": {"input": 3}, "id": reply.tool_calls[0]["id"], "type": "tool_call"}
    ]


async def test_tool_calling_async_streaming(model: ChatPortkey) -> None:
    bound = model.bind_tools([magic_function], tool_choice="any")
    full: Any = None
    async for chunk in bound.astream("magic_function(3)?"):
        full = chunk if full is None else full + chunk
    assert full.tool_calls[0]["name"] == "magic_function"
    assert full.tool_calls[0]["args"] == {"input": 3}


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_structured_output(model: ChatPortkey, method: Literal["json_schema", "function_calling", "json_mode"]) -> None:
    structured = model.with_structured_output(
        Joke if method != "json_mode" else Joke.model_json_schema(), method=method
    )
    if method == "json_mode":
        assert isinstance(structured.invoke("Tell me a joke as JSON"), dict)
    else:
        assert structured.invoke("Tell me a joke") == Joke(setup="text", punchline="text")


async def test_structured_output_async(model: ChatPortkey) -> None:
    joke = await model.with_structured_output(Joke).ainvoke("Tell me a joke")
    assert joke == Joke(setup="text", punchline="text")


def test_provider_error_surfaces_as_openai_error(model: ChatPortkey, fake_provider: FakeProvider) -> None:
    import openai

    fake_provider.enqueue(Fault(status=400, body={"error": {"message": "bad things", "type": "invalid_request"}}))
    with pytest.raises(openai.BadRequestError):
        model.invoke("hello")


# ---------------------------------------------------------------------------------------------------- trace linking


def _linked_chain_run(
    model: ChatPortkey, handler: PortkeyCallbackHandler, captured: Captured
) -> tuple[uuid.UUID, httpx.Headers]:
    run_id = uuid.uuid4()
    prompt = ChatPromptTemplate.from_messages([("user", "{question}")])
    chain = prompt | model | StrOutputParser()
    assert chain.invoke({"question": "hi"}, RunnableConfig(callbacks=[handler], run_id=run_id)) == "echo: hi"
    return run_id, captured.last_headers()


def test_trace_headers_link_the_gateway_log_to_the_chain_trace(
    model: ChatPortkey, handler: PortkeyCallbackHandler, sink: FakeProvider, captured: Captured
) -> None:
    run_id, headers = _linked_chain_run(model, handler, captured)
    assert headers["x-portkey-trace-id"] == str(run_id)
    assert headers["x-portkey-parent-span-id"] == str(run_id)
    assert headers["x-portkey-span-name"] == "ChatPortkey"
    llm_span_id = headers["x-portkey-span-id"]
    assert uuid.UUID(llm_span_id) != run_id
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "RunnableSequence [chain]\n├── ChatPromptTemplate [prompt]\n└── StrOutputParser [parser]"
    assert llm_span_id not in trace.spans  # the gateway's own log is the model span: no duplicate


def test_log_llm_spans_always_keeps_the_model_span(
    model: ChatPortkey, make_handler: HandlerFactory, sink: FakeProvider, captured: Captured
) -> None:
    handler = make_handler(log_llm_spans="always")
    _, headers = _linked_chain_run(model, handler, captured)
    trace = build_trace(flushed_logs(handler, sink))
    llm = trace.spans[headers["x-portkey-span-id"]]
    assert llm.name == "ChatPortkey"
    assert llm.log["request"]["provider"] == "portkey"
    assert llm.usage == {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}


async def test_trace_headers_when_streaming_async(
    model: ChatPortkey, handler: PortkeyCallbackHandler, sink: FakeProvider, captured: Captured
) -> None:
    run_id = uuid.uuid4()
    chunks = [c async for c in model.astream("hi", RunnableConfig(callbacks=[handler], run_id=run_id))]
    assert "".join(chunk.text for chunk in chunks) == "echo: hi"
    headers = captured.last_headers()
    assert headers["x-portkey-trace-id"] == str(run_id)
    assert headers["x-portkey-span-id"] == str(run_id)
    assert "x-portkey-parent-span-id" not in headers
    assert flushed_logs(handler, sink) == []


def test_connection_failure_still_ships_the_model_span(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    import openai

    unreachable = ChatPortkey(model="gpt-4o-mini", base_url=closed_port_url(), provider="openai", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        unreachable.invoke("hi", RunnableConfig(callbacks=[handler]))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "ChatPortkey [llm] status=500"


def test_a_static_trace_id_option_is_sent_without_a_handler(
    gateway: NodeServer,
    fake_provider: FakeProvider,
    http_clients: tuple[httpx.Client, httpx.AsyncClient],
    captured: Captured,
) -> None:
    model = ChatPortkey(
        model="gpt-4o-mini",
        base_url=gateway.base_url,
        provider="openai",
        custom_host=fake_provider.base_url,
        trace_id="static-trace",
        metadata={"_user": "u-1"},
        http_client=http_clients[0],
    )
    model.invoke("hi")
    headers = captured.last_headers()
    assert headers["x-portkey-trace-id"] == "static-trace"
    assert json.loads(headers["x-portkey-metadata"]) == {"_user": "u-1"}


# -------------------------------------------------------------------------------------------- options and settings


def test_options_become_headers(
    fake_provider: FakeProvider, http_clients: tuple[httpx.Client, httpx.AsyncClient], captured: Captured
) -> None:
    model = ChatPortkey(
        model="gpt-4o-mini",
        api_key="pk-options-test",
        base_url=fake_provider.base_url,
        config={"retry": {"attempts": 2}},
        virtual_key="vk-123",
        cache_force_refresh=True,
        request_timeout=5000,
        forward_headers=["x-custom"],
        metadata='{"env": "test"}',
        organization="org-1",
        http_client=http_clients[0],
    )
    assert model.invoke("hi").text == "echo: hi"
    headers = captured.last_headers()
    assert headers["x-portkey-api-key"] == "pk-options-test"
    assert json.loads(headers["x-portkey-config"]) == {"retry": {"attempts": 2}}
    assert headers["x-portkey-virtual-key"] == "vk-123"
    assert headers["x-portkey-cache-force-refresh"] == "true"
    assert headers["x-portkey-request-timeout"] == "5000"
    assert headers["x-portkey-forward-headers"] == "x-custom"
    assert json.loads(headers["x-portkey-metadata"]) == {"env": "test"}
    assert headers["x-portkey-openai-organization"] == "org-1"
    assert "authorization" not in headers
    assert fake_provider.requests[-1].path == "/v1/chat/completions"


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"request_timeout": "slow"}, TypeError, "request_timeout"),
        ({"cache_force_refresh": "yes"}, TypeError, "cache_force_refresh"),
        ({"provider": "open\nai"}, ValueError, "provider"),
        ({"metadata": {"k": 1}}, TypeError, "metadata"),
        ({"metadata": "{not json"}, ValidationError, "metadata"),
        ({"http_socket_options": [(1, 2, 3)]}, ValidationError, "http_socket_options"),
        ({"base_url": "ftp://example.com"}, ValueError, "base_url"),
    ],
)
def test_bad_options_fail_at_construction_naming_the_argument(
    kwargs: dict[str, Any], error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name):
        ChatPortkey(model="m", api_key="pk-x", **kwargs)


def test_secrets_are_not_in_repr() -> None:
    model = ChatPortkey(
        model="m",
        api_key="pk-secret-1",
        virtual_key="vk-secret-2",
        Authorization="sk-secret-3",
        config={"api_key": "c-4"},
    )
    text = repr(model)
    for secret in ("pk-secret-1", "vk-secret-2", "sk-secret-3", "c-4"):
        assert secret not in text


def test_environment(monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider) -> None:
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-from-env")
    monkeypatch.setenv("PORTKEY_BASE_URL", fake_provider.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_PROXY", "http://127.0.0.1:9")
    model = ChatPortkey(model="gpt-4o-mini")
    assert model.invoke("hi").text == "echo: hi"
    headers = fake_provider.requests[-1].headers
    assert headers["x-portkey-api-key"] == "pk-from-env"
    assert "authorization" not in headers
    assert model.openai_proxy is None


def test_proxy_setting_builds_proxied_clients(fake_provider: FakeProvider) -> None:
    model = ChatPortkey(
        model="gpt-4o-mini", api_key="pk-x", base_url="http://gateway.invalid/v1", openai_proxy=fake_provider.url
    )
    assert model.invoke("hi").text == "echo: hi"  # the fake provider, as the proxy, answered for gateway.invalid
    assert fake_provider.requests[-1].headers["host"] == "gateway.invalid"
    with httpx.Client() as client, pytest.raises(ValueError, match="openai_proxy"):
        ChatPortkey(model="m", api_key="pk-x", openai_proxy="http://127.0.0.1:9", http_client=client)


def test_params_typeddict_matches_chat_openai_and_the_options() -> None:
    from portkey_ai.langchain.chat_models import _ChatOpenAIParams  # pyright: ignore[reportPrivateUsage]

    chat_openai = {info.alias or name for name, info in ChatOpenAI.model_fields.items()}
    excluded = {"client", "async_client", "root_client", "root_async_client", "http_socket_options", "api_key"}
    excluded |= {"metadata"}  # typed as Portkey's metadata (strings), shared with LangChain's run metadata
    assert set(_ChatOpenAIParams.__optional_keys__) == chat_openai - excluded
    params = set(ChatPortkeyParams.__optional_keys__)
    assert set(PortkeyOptionsDict.__optional_keys__) <= params
    fields = set(ChatPortkey.model_fields) | {info.alias for info in ChatPortkey.model_fields.values() if info.alias}
    assert params - {"custom_metadata"} <= fields  # the official SDK's name, moved to `metadata` by a validator


def test_serialisation_round_trip() -> None:
    from langchain_core.load import dumpd, load

    model = ChatPortkey(model="gpt-4o-mini", api_key="pk-x", provider="openai", virtual_key="vk-1")
    data = dumpd(model)
    assert data["id"] == ["portkey_ai", "langchain", "ChatPortkey"]
    assert "pk-x" not in json.dumps(data) and "vk-1" not in json.dumps(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LangChainBetaWarning)
        loaded = load(
            data,
            valid_namespaces=["portkey_ai"],
            secrets_map={"PORTKEY_API_KEY": "pk-x", "PORTKEY_VIRTUAL_KEY": "vk-1"},
            allowed_objects=[ChatPortkey],
        )
    assert isinstance(loaded, ChatPortkey)
    assert loaded.model_dump() == model.model_dump()


def test_ls_params_and_type(model: ChatPortkey) -> None:
    params = model._get_ls_params()  # pyright: ignore[reportPrivateUsage]
    assert params.get("ls_provider") == "portkey"
    assert params.get("ls_model_name") == "gpt-4o-mini"
    assert model._llm_type == "portkey-chat"  # pyright: ignore[reportPrivateUsage]
    assert model.metadata is not None
    assert "portkey-langchain" in model.metadata["lc_versions"]


def test_import_error_names_the_extra() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["langchain_openai"] = None
        import portkey_ai.langchain as integration
        assert integration.PortkeyCallbackHandler
        try:
            integration.ChatPortkey
        except ImportError as error:
            print(error)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert 'pip install "portkey-langchain[openai]"' in completed.stdout
