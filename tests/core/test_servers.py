"""The fake provider's own behaviour: endpoints, streaming format, recording and every fault (sync and async)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from portkey_ai._http import httpx
from tests.servers import node_servers
from tests.servers.availability import unavailable
from tests.servers.fake_provider import MODELS, FakeProvider, Fault, echo_text, fake_embedding
from tests.servers.fault_server import Events, FaultServer
from tests.servers.node_servers import (
    REPO_ROOT,
    NodeServer,
    ServerUnavailable,
    patched_prism_spec,
    spec_source,
    start_gateway,
    start_prism,
)
from tests.servers.scaffold import spawned

CHAT = "/v1/chat/completions"
MESSAGES = [
    {"role": "system", "content": "be brief"},
    {"role": "user", "content": "first question"},
    {"role": "assistant", "content": "first answer"},
    {"role": "user", "content": "hello fake world"},
]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "verbose": {"type": "boolean"},
            },
            "required": ["city", "days", "unit"],
        },
    },
}
TIME_TOOL = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}


def chat_body(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-fake", "messages": MESSAGES, **extra}


def sse_data(raw: bytes) -> list[str]:
    """The ``data:`` payloads of an SSE body, in order."""
    events = [block for block in raw.decode().split("\n\n") if block]
    assert all(event.startswith("data: ") for event in events), events
    return [event[len("data: ") :] for event in events]


def assert_chat_stream(payloads: list[str], *, include_usage: bool) -> None:
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert len(chunks) >= 4
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert {c["model"] for c in chunks} == {"gpt-fake"}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    with_choices = [c for c in chunks if c["choices"]]
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in with_choices)
    assert content == echo_text("hello fake world")
    assert [c["choices"][0]["finish_reason"] for c in with_choices][-1] == "stop"
    assert all(c["choices"][0]["finish_reason"] is None for c in with_choices[:-1])
    if include_usage:
        assert chunks[-1]["choices"] == []
        assert chunks[-1]["usage"]["completion_tokens"] == len(with_choices) - 2
        assert all(c["usage"] is None for c in chunks[:-1])
    else:
        assert all("usage" not in c for c in chunks)


def assert_tool_call(message: dict[str, Any], name: str) -> dict[str, Any]:
    assert message["content"] is None
    (call,) = message["tool_calls"]
    assert call["type"] == "function"
    assert call["id"].startswith("call_")
    assert call["function"]["name"] == name
    arguments: dict[str, Any] = json.loads(call["function"]["arguments"])
    return arguments


def decode_base64_embedding(value: str) -> list[float]:
    raw = base64.b64decode(value)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def raw_request(path: str = "/v1/models") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


@pytest.fixture
def client(fake_provider: FakeProvider) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake_provider.url, trust_env=False) as c:
        yield c


@pytest.fixture
async def aclient(fake_provider: FakeProvider) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake_provider.url, trust_env=False) as c:
        yield c


class TestEndpoints:
    def test_chat_echoes_the_last_user_message(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        first = client.post(CHAT, json=chat_body())
        second = client.post(CHAT, json=chat_body(model="other-model"))
        assert first.status_code == 200
        body = first.json()
        assert body["object"] == "chat.completion"
        assert body["model"] == "gpt-fake"
        assert second.json()["model"] == "other-model"
        assert body["choices"][0]["message"] == {
            "role": "assistant",
            "content": "echo: hello fake world",
            "refusal": None,
        }
        assert body["choices"][0]["finish_reason"] == "stop"
        assert body["usage"] == {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}
        assert first.headers["x-fake-deployment"] == fake_provider.name
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    def test_chat_content_parts(self, client: httpx.Client) -> None:
        content = [{"type": "text", "text": "look at"}, {"type": "image_url", "image_url": {"url": "x"}}]
        body = client.post(CHAT, json={"model": "m", "messages": [{"role": "user", "content": content}]}).json()
        assert body["choices"][0]["message"]["content"] == echo_text("look at")

    @pytest.mark.parametrize("include_usage", [False, True])
    def test_chat_stream(self, client: httpx.Client, include_usage: bool) -> None:
        options = {"stream_options": {"include_usage": True}} if include_usage else {}
        with client.stream("POST", CHAT, json=chat_body(stream=True, **options)) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["transfer-encoding"] == "chunked"
            raw = response.read()
        assert_chat_stream(sse_data(raw), include_usage=include_usage)

    def test_chat_tools(self, client: httpx.Client) -> None:
        body = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL, TIME_TOOL])).json()
        assert body["choices"][0]["finish_reason"] == "tool_calls"
        arguments = assert_tool_call(body["choices"][0]["message"], "get_weather")
        assert arguments == {"city": "text", "days": 1, "unit": "celsius"}
        chosen = {"type": "function", "function": {"name": "get_time"}}
        body = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL, TIME_TOOL], tool_choice=chosen)).json()
        assert assert_tool_call(body["choices"][0]["message"], "get_time") == {}
        body = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL], tool_choice="none")).json()
        assert body["choices"][0]["message"]["content"] == echo_text("hello fake world")

    def test_chat_tools_stream(self, client: httpx.Client) -> None:
        raw = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL], stream=True)).content
        chunks = [json.loads(p) for p in sse_data(raw)[:-1]]
        calls = [d["tool_calls"][0] for c in chunks if "tool_calls" in (d := c["choices"][0]["delta"])]
        assert calls[0]["function"]["name"] == "get_weather"
        arguments = "".join(call["function"]["arguments"] for call in calls)
        assert json.loads(arguments) == {"city": "text", "days": 1, "unit": "celsius"}
        assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"

    def test_chat_response_format(self, client: httpx.Client) -> None:
        schema = {
            "type": "object",
            "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}}},
            "required": ["name", "tags"],
            "$defs": {"Tag": {"type": "object", "properties": {"score": {"type": "number"}}}},
        }
        response_format = {"type": "json_schema", "json_schema": {"name": "person", "schema": schema, "strict": True}}
        body = client.post(CHAT, json=chat_body(response_format=response_format)).json()
        assert json.loads(body["choices"][0]["message"]["content"]) == {"name": "text", "tags": [{"score": 1.5}]}
        body = client.post(CHAT, json=chat_body(response_format={"type": "json_object"})).json()
        assert json.loads(body["choices"][0]["message"]["content"]) == {"echo": "hello fake world"}

    def test_completions(self, client: httpx.Client) -> None:
        body = client.post("/v1/completions", json={"model": "instruct", "prompt": "say this"}).json()
        assert body["object"] == "text_completion"
        assert body["model"] == "instruct"
        assert [c["text"] for c in body["choices"]] == [echo_text("say this")]
        raw = client.post("/v1/completions", json={"model": "i", "prompt": "say this", "stream": True}).content
        payloads = sse_data(raw)
        assert payloads[-1] == "[DONE]"
        chunks = [json.loads(p) for p in payloads[:-1]]
        assert len(chunks) > 1
        assert "".join(c["choices"][0]["text"] for c in chunks) == echo_text("say this")
        assert chunks[-1]["choices"][0]["finish_reason"] == "stop"

    def test_embeddings(self, client: httpx.Client) -> None:
        floats = client.post("/v1/embeddings", json={"model": "emb", "input": ["a", "b"]}).json()
        assert floats["model"] == "emb"
        assert [d["embedding"] for d in floats["data"]] == [fake_embedding("a"), fake_embedding("b")]
        assert fake_embedding("a") != fake_embedding("b")
        encoded = client.post(
            "/v1/embeddings", json={"model": "emb", "input": "a", "encoding_format": "base64", "dimensions": 5}
        ).json()
        assert decode_base64_embedding(encoded["data"][0]["embedding"]) == fake_embedding("a", 5)
        assert len(fake_embedding("a", 5)) == 5

    def test_models(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        listing = client.get("/v1/models").json()
        assert [m["id"] for m in listing["data"]] == list(MODELS)
        model = client.get("/v1/models/my-model").json()
        assert model == {
            "id": "my-model",
            "object": "model",
            "created": model["created"],
            "owned_by": fake_provider.name,
        }

    def test_unknown_path_and_bad_requests(self, client: httpx.Client) -> None:
        missing = client.post("/v1/nothing", json={})
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "unknown_url"
        assert client.get(CHAT).status_code == 404
        no_model = client.post(CHAT, json={"messages": MESSAGES})
        assert no_model.status_code == 400
        assert no_model.json()["error"]["param"] == "model"
        assert client.post(CHAT, content=b"not json").status_code == 400

    def test_static_routes(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.set_route("GET", "/v1/feedback", status=201, json_body={"ok": True}, headers={"x-extra": "1"})
        fake_provider.set_route("GET", "/v1/models", body=b"plain", headers={"content-type": "text/plain"})
        routed = client.get("/v1/feedback")
        assert (routed.status_code, routed.json(), routed.headers["x-extra"]) == (201, {"ok": True}, "1")
        assert routed.headers["x-fake-deployment"] == fake_provider.name
        overridden = client.get("/v1/models")
        assert (overridden.text, overridden.headers["content-type"]) == ("plain", "text/plain")
        fake_provider.clear()
        assert client.get("/v1/feedback").status_code == 404


class TestAsyncEndpoints:
    async def test_chat(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        response = await aclient.post(CHAT, json=chat_body())
        assert response.json()["choices"][0]["message"]["content"] == echo_text("hello fake world")
        assert response.headers["x-fake-deployment"] == fake_provider.name

    @pytest.mark.parametrize("include_usage", [False, True])
    async def test_chat_stream(self, aclient: httpx.AsyncClient, include_usage: bool) -> None:
        options = {"stream_options": {"include_usage": True}} if include_usage else {}
        async with aclient.stream("POST", CHAT, json=chat_body(stream=True, **options)) as response:
            raw = await response.aread()
        assert_chat_stream(sse_data(raw), include_usage=include_usage)

    async def test_chat_tools(self, aclient: httpx.AsyncClient) -> None:
        body = (await aclient.post(CHAT, json=chat_body(tools=[WEATHER_TOOL]))).json()
        assert assert_tool_call(body["choices"][0]["message"], "get_weather")["unit"] == "celsius"

    async def test_completions_embeddings_models(self, aclient: httpx.AsyncClient) -> None:
        completion = (await aclient.post("/v1/completions", json={"model": "i", "prompt": ["x", "y"]})).json()
        assert [c["text"] for c in completion["choices"]] == [echo_text("x"), echo_text("y")]
        embedding = (
            await aclient.post("/v1/embeddings", json={"model": "e", "input": "x", "encoding_format": "base64"})
        ).json()
        assert decode_base64_embedding(embedding["data"][0]["embedding"]) == fake_embedding("x")
        assert (await aclient.get("/v1/models/m1")).json()["id"] == "m1"

    async def test_concurrent_requests(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        prompts = [f"prompt {i}" for i in range(40)]
        responses = await asyncio.gather(
            *(aclient.post("/v1/completions", json={"model": "m", "prompt": p}) for p in prompts)
        )
        assert [r.json()["choices"][0]["text"] for r in responses] == [echo_text(p) for p in prompts]
        assert len(fake_provider.requests) == 40


def function_tool(name: str, properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A function tool whose parameters are ``properties``; all of them are required unless ``required`` is given."""
    parameters = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


ADD_TOOL = function_tool("add", {"a": {"type": "integer"}, "b": {"type": "integer"}})
CUSTOMER_TOOL = function_tool("create_customer", {"name": {"type": "string"}, "email": {"type": "string"}}, ["name"])
SEND_TOOL = function_tool("send", {"to": {"type": "string"}, "subject": {"type": "string"}})
CONFIGURE_TOOL = function_tool(
    "configure", {"name": {"type": "string"}, "ratio": {"type": "number"}, "enabled": {"type": "boolean"}}
)
PAIR_TOOL = function_tool("pair", {"a": {"type": "integer"}, "b": {"type": "integer"}}, ["b", "a"])
SEARCH_TOOL = function_tool("search", {"query": {"type": "string"}, "limit": {"type": "integer"}}, [])
PYDANTIC_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "forecast",
        "parameters": {
            "type": "object",
            "$defs": {"Unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "properties": {
                "unit": {"$ref": "#/$defs/Unit"},
                "days": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            },
            "required": ["unit", "days"],
        },
    },
}
# Earlier messages full of quotes, numbers, enum options and the word "keys": only the last user message counts.
HISTORY = [
    {"role": "system", "content": "Prefer 'Madrid' for 9 days in fahrenheit, with 'sys' keys; get_weather('Rome', 8)"},
    {"role": "user", "content": "Earlier: 'Lisbon' for 7 days in fahrenheit, 'old' keys, add(5, 6)"},
    {"role": "assistant", "content": "Noted 'Berlin' and 4 'reply' keys"},
]
TOOL_ARGUMENT_CASES = [
    pytest.param(
        WEATHER_TOOL,
        "What's the weather in 'Paris' for 3 days, in Fahrenheit?",
        {"city": "Paris", "days": 3, "unit": "fahrenheit"},
        id="prose",
    ),
    pytest.param(
        WEATHER_TOOL,
        "get_weather('Oslo, Norway', 2)",
        {"city": "Oslo, Norway", "days": 2, "unit": "celsius"},
        id="call",
    ),
    pytest.param(
        WEATHER_TOOL,
        "Please get_weather(\"Oslo\", 2, fahrenheit, false) rather than 'Rome' for 5 days in celsius",
        {"city": "Oslo", "days": 2, "unit": "fahrenheit"},
        id="call-wins-over-prose-extra-positional-ignored",
    ),
    pytest.param(
        WEATHER_TOOL,
        "get_weather('Oslo') for 4 days in FAHRENHEIT",
        {"city": "Oslo", "days": 4, "unit": "fahrenheit"},
        id="call-then-prose",
    ),
    pytest.param(
        WEATHER_TOOL, "get_weather(Oslo, 2)", {"city": "Oslo", "days": 2, "unit": "celsius"}, id="call-bare-word"
    ),
    pytest.param(
        WEATHER_TOOL,
        "forget_weather(Oslo, 2)",
        {"city": "text", "days": 2, "unit": "celsius"},
        id="other-name-is-not-a-call",
    ),
    pytest.param(
        WEATHER_TOOL,
        "get_weather('Oslo', 'many')",
        {"city": "Oslo", "days": 1, "unit": "celsius"},
        id="wrong-type-positional-skipped-default",
    ),
    pytest.param(
        WEATHER_TOOL,
        "get_weather('Oslo', 'many') for 4 days",
        {"city": "Oslo", "days": 4, "unit": "celsius"},
        id="wrong-type-positional-skipped-prose",
    ),
    pytest.param(
        WEATHER_TOOL,
        "get_weather(true, 2) in 'Kyiv'",
        {"city": "Kyiv", "days": 2, "unit": "celsius"},
        id="boolean-is-not-a-string",
    ),
    pytest.param(
        WEATHER_TOOL,
        "Weather in 'Area 51' for 2 days",
        {"city": "Area 51", "days": 2, "unit": "celsius"},
        id="numbers-in-quotes-ignored",
    ),
    pytest.param(
        WEATHER_TOOL,
        "Don't guess: it's \"Lima\" for 6 days",
        {"city": "Lima", "days": 6, "unit": "celsius"},
        id="apostrophes-are-not-quotes",
    ),
    pytest.param(
        WEATHER_TOOL,
        "weather in fahrenheitish units",
        {"city": "text", "days": 1, "unit": "celsius"},
        id="enum-whole-word-only",
    ),
    pytest.param(ADD_TOOL, "What is 1 + 2", {"a": 1, "b": 2}, id="adder"),
    pytest.param(ADD_TOOL, "Add 2.5 to 4 and -7", {"a": 4, "b": -7}, id="non-integers-skipped"),
    pytest.param(ADD_TOOL, "add(3.0, 'x') plus 9", {"a": 3, "b": 9}, id="positional-coercion"),
    pytest.param(ADD_TOOL, "add nothing", {"a": 1, "b": 1}, id="defaults"),
    pytest.param(PAIR_TOOL, "pair(1, 2)", {"b": 1, "a": 2}, id="required-order"),
    pytest.param(SEND_TOOL, "Send 'Ann' a note titled \"Hi\"", {"to": "Ann", "subject": "Hi"}, id="strings-in-order"),
    pytest.param(SEND_TOOL, "Send 'Ann' a note", {"to": "Ann", "subject": "text"}, id="strings-used-once"),
    pytest.param(
        CONFIGURE_TOOL,
        'configure("fan", 0.5, false)',
        {"name": "fan", "ratio": 0.5, "enabled": False},
        id="json-literals",
    ),
    pytest.param(
        CONFIGURE_TOOL, "Configure 'fan' at 2", {"name": "fan", "ratio": 2, "enabled": True}, id="number-and-default"
    ),
    pytest.param(
        CUSTOMER_TOOL,
        "Create a customer named 'Ann' with email 'ann@example.com'",
        {"name": "Ann"},
        id="optional-not-filled",
    ),
    pytest.param(SEARCH_TOOL, "search('cats', 3)", {}, id="nothing-required"),
    pytest.param(
        PYDANTIC_TOOL,
        "Forecast 5 days in Fahrenheit, note 'windy'",
        {"unit": "fahrenheit", "days": 5},
        id="ref-and-nullable",
    ),
    pytest.param(CUSTOMER_TOOL, "Create a customer named '你好'", {"name": "你好"}, id="non-ascii"),
]
JSON_OBJECT_CASES = [
    pytest.param("Return JSON with 'a' and 'b' keys", {"a": "text", "b": "text"}, id="keys"),
    pytest.param('Use the key "answer"', {"answer": "text"}, id="one-key-double-quotes"),
    pytest.param("KEYS: 'z', 'y' and 'x'", {"z": "text", "y": "text", "x": "text"}, id="order-and-case"),
    pytest.param("Name the 'название' key", {"название": "text"}, id="non-ascii-key"),
    pytest.param("Say 'a' and 'b'", {"echo": "Say 'a' and 'b'"}, id="quotes-without-keys"),
    pytest.param("Press the keyboard 'a'", {"echo": "Press the keyboard 'a'"}, id="keys-whole-word-only"),
    pytest.param("Return JSON keys", {"echo": "Return JSON keys"}, id="keys-without-quotes"),
]


def prompt_body(prompt: str | list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A chat request whose last user message is ``prompt``, after a distracting history."""
    return {"model": "gpt-fake", "messages": [*HISTORY, {"role": "user", "content": prompt}], **extra}


def streamed_tool_call(raw: bytes) -> tuple[str, str]:
    """The name and the concatenated arguments of the single tool call streamed in the SSE body ``raw``."""
    payloads = sse_data(raw)
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    calls = [d["tool_calls"] for c in chunks if "tool_calls" in (d := c["choices"][0]["delta"])]
    assert all(len(call) == 1 and call[0]["index"] == 0 for call in calls)
    name: str = calls[0][0]["function"]["name"]
    assert calls[0][0]["id"].startswith("call_")
    return name, "".join(call[0]["function"]["arguments"] for call in calls)


def streamed_content(raw: bytes) -> str:
    """The concatenated content deltas of the SSE body ``raw``."""
    payloads = sse_data(raw)
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)


def tool_name(tool: dict[str, Any]) -> str:
    name: str = tool["function"]["name"]
    return name


def assert_same_items(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Equal keys in the same order, with values of the same JSON type (so ``True`` is not ``1``)."""
    assert list(actual.items()) == list(expected.items())
    assert [type(v) for v in actual.values()] == [type(v) for v in expected.values()]


class TestPromptDrivenAnswers:
    @pytest.mark.parametrize(("tool", "prompt", "expected"), TOOL_ARGUMENT_CASES)
    def test_tool_arguments(
        self, client: httpx.Client, tool: dict[str, Any], prompt: str, expected: dict[str, Any]
    ) -> None:
        body = client.post(CHAT, json=prompt_body(prompt, tools=[tool])).json()
        assert body["choices"][0]["finish_reason"] == "tool_calls"
        assert_same_items(assert_tool_call(body["choices"][0]["message"], tool_name(tool)), expected)
        name, arguments = streamed_tool_call(
            client.post(CHAT, json=prompt_body(prompt, tools=[tool], stream=True)).content
        )
        assert name == tool_name(tool)
        assert_same_items(json.loads(arguments), expected)

    def test_tool_arguments_of_the_chosen_tool(self, client: httpx.Client) -> None:
        chosen = {"type": "function", "function": {"name": "add"}}
        body = client.post(
            CHAT,
            json=prompt_body("get_weather('Oslo', 2) or add(5, 6)", tools=[WEATHER_TOOL, ADD_TOOL], tool_choice=chosen),
        ).json()
        assert assert_tool_call(body["choices"][0]["message"], "add") == {"a": 5, "b": 6}

    def test_tool_arguments_from_content_parts(self, client: httpx.Client) -> None:
        parts = [{"type": "text", "text": "What is 1"}, {"type": "text", "text": "+ 2"}]
        body = client.post(CHAT, json=prompt_body(parts, tools=[ADD_TOOL])).json()
        assert assert_tool_call(body["choices"][0]["message"], "add") == {"a": 1, "b": 2}

    @pytest.mark.parametrize(("prompt", "expected"), JSON_OBJECT_CASES)
    def test_json_object(self, client: httpx.Client, prompt: str, expected: dict[str, Any]) -> None:
        response_format = {"type": "json_object"}
        body = client.post(CHAT, json=prompt_body(prompt, response_format=response_format)).json()
        assert body["choices"][0]["finish_reason"] == "stop"
        content = body["choices"][0]["message"]["content"]
        assert_same_items(json.loads(content), expected)
        raw = client.post(CHAT, json=prompt_body(prompt, response_format=response_format, stream=True)).content
        assert streamed_content(raw) == content

    def test_non_ascii_is_not_escaped_in_arguments_or_content(self, client: httpx.Client) -> None:
        prompt = "Create a customer named '你好' with the 'название' key"
        body = client.post(CHAT, json=prompt_body(prompt, tools=[CUSTOMER_TOOL])).json()
        arguments = body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
        assert "你好" in arguments
        assert "\\u" not in arguments
        _, streamed = streamed_tool_call(
            client.post(CHAT, json=prompt_body(prompt, tools=[CUSTOMER_TOOL], stream=True)).content
        )
        assert streamed == arguments
        body = client.post(CHAT, json=prompt_body(prompt, response_format={"type": "json_object"})).json()
        content = body["choices"][0]["message"]["content"]
        assert "название" in content
        assert "\\u" not in content

    @pytest.mark.parametrize("stream", [False, True])
    def test_non_ascii_is_utf8_on_the_wire(self, client: httpx.Client, stream: bool) -> None:
        raw = client.post(
            CHAT, json=prompt_body("Create a customer named '你好'", tools=[CUSTOMER_TOOL], stream=stream)
        ).content
        assert "你好".encode() in raw
        assert b"\\u4f60" not in raw


class TestAsyncPromptDrivenAnswers:
    @pytest.mark.parametrize(("tool", "prompt", "expected"), TOOL_ARGUMENT_CASES)
    async def test_tool_arguments(
        self, aclient: httpx.AsyncClient, tool: dict[str, Any], prompt: str, expected: dict[str, Any]
    ) -> None:
        body = (await aclient.post(CHAT, json=prompt_body(prompt, tools=[tool]))).json()
        assert_same_items(assert_tool_call(body["choices"][0]["message"], tool_name(tool)), expected)
        async with aclient.stream("POST", CHAT, json=prompt_body(prompt, tools=[tool], stream=True)) as response:
            raw = await response.aread()
        name, arguments = streamed_tool_call(raw)
        assert name == tool_name(tool)
        assert_same_items(json.loads(arguments), expected)

    @pytest.mark.parametrize(("prompt", "expected"), JSON_OBJECT_CASES)
    async def test_json_object(self, aclient: httpx.AsyncClient, prompt: str, expected: dict[str, Any]) -> None:
        response_format = {"type": "json_object"}
        body = (await aclient.post(CHAT, json=prompt_body(prompt, response_format=response_format))).json()
        content = body["choices"][0]["message"]["content"]
        assert_same_items(json.loads(content), expected)
        raw = (await aclient.post(CHAT, json=prompt_body(prompt, response_format=response_format, stream=True))).content
        assert streamed_content(raw) == content

    async def test_non_ascii_is_not_escaped_in_arguments_or_content(self, aclient: httpx.AsyncClient) -> None:
        prompt = "Create a customer named '你好' with the 'название' key"
        body = (await aclient.post(CHAT, json=prompt_body(prompt, tools=[CUSTOMER_TOOL]))).json()
        arguments = body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
        assert "你好" in arguments
        assert "\\u" not in arguments
        body = (await aclient.post(CHAT, json=prompt_body(prompt, response_format={"type": "json_object"}))).json()
        content = body["choices"][0]["message"]["content"]
        assert "название" in content
        assert "\\u" not in content

    async def test_non_ascii_is_utf8_on_the_wire(self, aclient: httpx.AsyncClient) -> None:
        raw = (
            await aclient.post(CHAT, json=prompt_body("Create a customer named '你好'", tools=[CUSTOMER_TOOL]))
        ).content
        assert "你好".encode() in raw
        assert b"\\u4f60" not in raw


class TestRecording:
    def test_records_requests(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        client.post(CHAT, params={"a": ["1", "2"], "b": ""}, json=chat_body(), headers={"X-Custom": "Value"})
        client.get("/v1/models")
        first, second = fake_provider.requests
        assert (first.method, first.path, first.query) == ("POST", CHAT, {"a": ["1", "2"], "b": [""]})
        assert first.headers["x-custom"] == first.headers["X-CUSTOM"] == "Value"
        assert "X-Custom" in first.headers
        assert first.json == chat_body()
        assert json.loads(first.body) == chat_body()
        assert (second.method, second.body, second.json) == ("GET", b"", None)
        assert first.peer_port == second.peer_port
        assert first.received_at <= second.received_at

    def test_keep_alive_and_connection_close(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        client.get("/v1/models")
        client.get("/v1/models")
        closing = client.get("/v1/models", headers={"connection": "close"})
        client.get("/v1/models")
        ports = [r.peer_port for r in fake_provider.requests]
        assert ports[0] == ports[1] == ports[2] != ports[3]
        assert closing.headers["connection"] == "close"

    def test_chunked_request_body(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        parts = [b'{"model": "m", ', b'"prompt": "chunked"}']
        response = client.post("/v1/completions", content=iter(parts))
        assert response.json()["choices"][0]["text"] == echo_text("chunked")
        (request,) = fake_provider.requests
        assert request.headers["transfer-encoding"] == "chunked"
        assert request.body == b"".join(parts)

    def test_wait_for_requests(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        thread = threading.Thread(target=lambda: [client.get("/v1/models") for _ in range(3)])
        thread.start()
        try:
            received = fake_provider.wait_for_requests(3, path="/v1/models")
        finally:
            thread.join()
        assert [r.path for r in received] == ["/v1/models"] * 3
        with pytest.raises(TimeoutError, match="expected 1 request"):
            fake_provider.wait_for_requests(1, path="/v1/embeddings", timeout=0.05)

    def test_clear(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        client.get("/v1/models")
        fake_provider.enqueue(Fault(status=500))
        fake_provider.clear()
        assert fake_provider.requests == []
        assert client.get("/v1/models").status_code == 200

    def test_two_deployments(self, fake_provider: FakeProvider, fake_provider_b: FakeProvider) -> None:
        assert fake_provider.port != fake_provider_b.port
        assert fake_provider.name != fake_provider_b.name
        with httpx.Client(trust_env=False) as c:
            response = c.get(f"{fake_provider_b.base_url}/models")
        assert response.headers["x-fake-deployment"] == fake_provider_b.name
        assert fake_provider.requests == []
        assert len(fake_provider_b.requests) == 1

    def test_without_recording(self) -> None:
        with FakeProvider("quiet", record=False) as provider, httpx.Client(trust_env=False) as c:
            assert c.get(f"{provider.base_url}/models").status_code == 200
            provider.enqueue(Fault(status=500))
            assert c.get(f"{provider.base_url}/models").status_code == 500
            assert provider.requests == []

    def test_constructor_validation(self) -> None:
        with pytest.raises(ValueError, match="name"):
            FakeProvider("bad name")
        with pytest.raises(ValueError, match="port"):
            FakeProvider("ok", port=70000)

    def test_close_right_after_a_client_disconnects(self) -> None:
        # The handler of a connection the client just closed is itself waiting for the close when close() cancels
        # it; before the fix that cancelled the writer's shared close future and close() raised CancelledError about
        # a quarter of the time, so fifty rounds fail reliably without the fix.
        for _ in range(50):
            provider = FakeProvider("race", record=False)
            with socket.create_connection(("127.0.0.1", provider.port)) as sock:
                sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            provider.close()

    def test_runs_as_a_process(self) -> None:
        # spawned() also fails unless the process exits with status 0 once terminated.
        with spawned("tests.servers.fake_provider", "--port", "0", "--name", "proc") as line:
            assert line.startswith("fake provider proc listening on http://127.0.0.1:")
            with httpx.Client(trust_env=False) as c:
                response = c.get(line.split()[-1] + "/v1/models/x")
            assert response.headers["x-fake-deployment"] == "proc"


class TestAsyncRecording:
    async def test_wait_for_requests(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        waiter = asyncio.create_task(asyncio.to_thread(fake_provider.wait_for_requests, 2, path=CHAT))
        await aclient.post(CHAT, json=chat_body())
        await aclient.get("/v1/models")
        await aclient.post(CHAT, json=chat_body())
        received = await waiter
        assert [r.path for r in received] == [CHAT, CHAT]

    async def test_records_requests(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        await aclient.post("/v1/embeddings", json={"model": "e", "input": "x"}, headers={"X-Trace": "t"})
        (request,) = fake_provider.requests
        assert (request.method, request.path, request.headers["x-trace"]) == ("POST", "/v1/embeddings", "t")
        assert request.json == {"model": "e", "input": "x"}


class TestFaults:
    def test_status(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=429, headers={"retry-after": "3"}), Fault(status=503))
        limited = client.post(CHAT, json=chat_body())
        unavailable = client.post(CHAT, json=chat_body())
        healthy = client.post(CHAT, json=chat_body())
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")
        assert limited.json()["error"] == {
            "message": f"fake 429 from {fake_provider.name}",
            "type": "rate_limit_exceeded",
            "param": None,
            "code": "fake_429",
        }
        assert limited.headers["x-fake-deployment"] == fake_provider.name
        assert unavailable.status_code == 503
        assert unavailable.json()["error"]["type"] == "server_error"
        assert healthy.status_code == 200
        assert len(fake_provider.requests) == 3

    def test_bodies(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(
            Fault(status=500, body={"detail": "custom"}),
            Fault(status=502, body="<html>bad gateway</html>", headers={"content-type": "text/html"}),
            Fault(body=b'{"ok": 1}'),
        )
        custom = client.get("/v1/models")
        html = client.get("/v1/models")
        ok = client.get("/v1/models")
        assert (custom.status_code, custom.json()) == (500, {"detail": "custom"})
        assert (html.status_code, html.text, html.headers["content-type"]) == (
            502,
            "<html>bad gateway</html>",
            "text/html",
        )
        assert (ok.status_code, ok.json(), ok.headers["content-type"]) == (200, {"ok": 1}, "application/json")

    def test_faults_are_matched_by_path_in_order(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=500), Fault(status=501), path="/v1/embeddings")
        assert client.get("/v1/models").status_code == 200
        statuses = [client.post("/v1/embeddings", json={"model": "e", "input": "x"}).status_code for _ in range(3)]
        assert statuses == [500, 501, 200]

    def test_extra_headers_on_a_normal_response(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(headers={"x-ratelimit-remaining-requests": "0", "x-fake-deployment": "override"}))
        response = client.post(CHAT, json=chat_body())
        assert response.json()["choices"][0]["message"]["content"] == echo_text("hello fake world")
        assert response.headers["x-ratelimit-remaining-requests"] == "0"
        assert response.headers.get_list("x-fake-deployment") == ["override"]

    def test_delay_before_headers(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(delay_before_headers=0.5))
        with pytest.raises(httpx.ReadTimeout):
            client.get("/v1/models", timeout=httpx.Timeout(5.0, read=0.05))
        fake_provider.enqueue(Fault(delay_before_headers=0.1))
        started = time.monotonic()
        assert client.get("/v1/models").status_code == 200
        assert time.monotonic() - started >= 0.1

    def test_drop_before_headers(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(drop_before_headers=True))
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v1/models")
        fake_provider.enqueue(Fault(drop_before_headers=True))
        with socket.create_connection(("127.0.0.1", fake_provider.port), timeout=5) as sock:
            sock.sendall(raw_request())
            assert sock.recv(1024) == b""  # FIN, no response
        assert len(fake_provider.requests) == 2

    def test_reset(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(reset=True))
        with pytest.raises(httpx.ReadError):
            client.get("/v1/models")
        fake_provider.enqueue(Fault(reset=True))
        with socket.create_connection(("127.0.0.1", fake_provider.port), timeout=5) as sock:
            sock.sendall(raw_request())
            with pytest.raises(ConnectionResetError):
                sock.recv(1024)

    def test_invalid_json(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(invalid_json=True))
        response = client.get("/v1/models")
        complete = client.get("/v1/models")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert 0 < len(response.content) < len(complete.content)
        assert complete.content.startswith(response.content)
        with pytest.raises(json.JSONDecodeError):
            response.json()
        fake_provider.enqueue(Fault(invalid_json=True))
        payloads = sse_data(client.post(CHAT, json=chat_body(stream=True)).content)
        assert len(payloads) == 1
        with pytest.raises(json.JSONDecodeError):
            json.loads(payloads[0])

    def test_stream_cut_after(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(stream_cut_after=2))
        response = client.post(CHAT, json=chat_body(stream=True))
        payloads = sse_data(response.content)
        assert len(payloads) == 2
        assert "[DONE]" not in payloads
        assert response.headers["connection"] == "close"
        assert client.get("/v1/models").status_code == 200
        first, second = fake_provider.requests
        assert first.peer_port != second.peer_port

    def test_stream_reset_after(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(stream_reset_after=2))
        lines: list[str] = []
        with pytest.raises(httpx.ReadError), client.stream("POST", CHAT, json=chat_body(stream=True)) as response:
            for line in response.iter_lines():
                if line:
                    lines.append(line)
        assert len(lines) == 2
        assert all(json.loads(line[len("data: ") :])["object"] == "chat.completion.chunk" for line in lines)

    def test_stream_error_after(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(stream_error_after=1))
        payloads = sse_data(
            client.post("/v1/completions", json={"model": "m", "prompt": "a b", "stream": True}).content
        )
        assert len(payloads) == 2
        assert json.loads(payloads[0])["object"] == "text_completion"
        assert json.loads(payloads[1])["error"]["type"] == "server_error"

    def test_chunk_delay(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(chunk_delay=0.02))
        started = time.monotonic()
        payloads = sse_data(client.post(CHAT, json=chat_body(stream=True)).content)
        assert time.monotonic() - started >= 0.02 * (len(payloads) - 1)
        assert payloads[-1] == "[DONE]"

    def test_fault_header(self, client: httpx.Client, fake_provider: FakeProvider) -> None:
        fault = Fault(status=418, headers={"x-why": "header"})
        fake_provider.enqueue(Fault(status=500))
        response = client.get("/v1/models", headers={"x-fake-fault": fault.to_json()})
        assert (response.status_code, response.headers["x-why"]) == (418, "header")
        assert client.get("/v1/models").status_code == 500  # the queued fault was not consumed by the header
        streamed = client.post(CHAT, json=chat_body(stream=True), headers={"x-fake-fault": '{"stream_cut_after": 1}'})
        assert len(sse_data(streamed.content)) == 1
        invalid = client.get("/v1/models", headers={"x-fake-fault": '{"status": "teapot"}'})
        assert invalid.status_code == 400
        assert "x-fake-fault" in invalid.json()["error"]["message"]
        unknown = client.get("/v1/models", headers={"x-fake-fault": '{"explode": true}'})
        assert "unknown fault fields: explode" in unknown.json()["error"]["message"]

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"status": 42}, "status"),
            ({"status": True}, "status"),
            ({"headers": {"a": "b\r\nc"}}, "headers"),
            ({"body": 3}, "body"),
            ({"delay_before_headers": -1}, "delay_before_headers"),
            ({"chunk_delay": "1"}, "chunk_delay"),
            ({"reset": 1}, "reset"),
            ({"stream_cut_after": -1}, "stream_cut_after"),
            ({"stream_error_after": 1.5}, "stream_error_after"),
        ],
    )
    def test_fault_validation(self, kwargs: dict[str, Any], field: str) -> None:
        with pytest.raises(ValueError, match=f"Fault.{field}"):
            Fault(**kwargs)

    def test_enqueue_validation(self, fake_provider: FakeProvider) -> None:
        with pytest.raises(TypeError, match="Fault"):
            fake_provider.enqueue({"status": 500})  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="path"):
            fake_provider.enqueue(Fault(), path="v1/models")

    def test_fault_json_round_trip(self) -> None:
        fault = Fault(status=500, headers={"a": "b"}, body=b"x", stream_cut_after=0, chunk_delay=0.5)
        assert Fault.from_json(fault.to_json()) == Fault(
            status=500, headers={"a": "b"}, body="x", stream_cut_after=0, chunk_delay=0.5
        )
        assert Fault().to_json() == "{}"


class TestAsyncFaults:
    async def test_status(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=500, headers={"retry-after-ms": "10"}))
        failed = await aclient.post(CHAT, json=chat_body())
        assert (failed.status_code, failed.headers["retry-after-ms"]) == (500, "10")
        assert failed.json()["error"]["code"] == "fake_500"
        assert (await aclient.post(CHAT, json=chat_body())).status_code == 200

    async def test_delay_before_headers(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(delay_before_headers=0.5))
        with pytest.raises(httpx.ReadTimeout):
            await aclient.get("/v1/models", timeout=httpx.Timeout(5.0, read=0.05))

    async def test_drop_and_reset(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(drop_before_headers=True))
        with pytest.raises(httpx.RemoteProtocolError):
            await aclient.get("/v1/models")
        fake_provider.enqueue(Fault(drop_before_headers=True), Fault(reset=True))
        reader, writer = await asyncio.open_connection("127.0.0.1", fake_provider.port)
        writer.write(raw_request())
        assert await reader.read(1024) == b""
        writer.close()
        await writer.wait_closed()
        reader, writer = await asyncio.open_connection("127.0.0.1", fake_provider.port)
        writer.write(raw_request())
        with pytest.raises(ConnectionResetError):
            await reader.read(1024)
        writer.close()
        with contextlib.suppress(ConnectionResetError):
            await writer.wait_closed()

    async def test_invalid_json(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(invalid_json=True))
        response = await aclient.get("/v1/models")
        with pytest.raises(json.JSONDecodeError):
            response.json()

    async def test_streams(self, aclient: httpx.AsyncClient, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(stream_cut_after=3), Fault(stream_error_after=0), Fault(stream_reset_after=1))
        cut = sse_data((await aclient.post(CHAT, json=chat_body(stream=True))).content)
        assert len(cut) == 3
        assert "[DONE]" not in cut
        errored = sse_data((await aclient.post(CHAT, json=chat_body(stream=True))).content)
        assert [json.loads(p)["error"]["type"] for p in errored] == ["server_error"]
        lines: list[str] = []
        with pytest.raises(httpx.ReadError):
            async with aclient.stream("POST", CHAT, json=chat_body(stream=True)) as response:
                async for line in response.aiter_lines():
                    if line:
                        lines.append(line)
        assert len(lines) == 1

    async def test_fault_header(self, aclient: httpx.AsyncClient) -> None:
        response = await aclient.get("/v1/models", headers={"x-fake-fault": Fault(status=404).to_json()})
        assert response.status_code == 404
        assert response.json()["error"]["type"] == "not_found_error"


class TestScaffold:
    """The thread, loop and process scaffold the Python servers share (tests/servers/scaffold.py)."""

    def test_a_failed_start_is_raised_and_leaves_no_thread(self) -> None:
        with FakeProvider("taken", record=False) as taken, pytest.raises(OSError):
            FakeProvider("second", port=taken.port)
        assert "fake-provider-second" not in {thread.name for thread in threading.enumerate()}

    def test_close_ends_a_connection_being_served_and_is_idempotent(self) -> None:
        server = FaultServer([Events([b"data: {}\n\n"], end="stall")])
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(raw_request())
            received = b""
            while b"data: {}" not in received:
                received += sock.recv(65536)
            server.wait_open_connections(1)
            server.close()
            with contextlib.suppress(ConnectionResetError):
                while piece := sock.recv(65536):
                    received += piece
        assert received.startswith(b"HTTP/1.1 200")
        server.wait_ended(1)
        server.close()
        assert "fault-server" not in {thread.name for thread in threading.enumerate()}

    def test_spawned_fails_when_the_process_exits_without_a_line(self) -> None:
        # json.tool reads the empty stdin, prints nothing on stdout and exits.
        with pytest.raises(RuntimeError, match="json.tool exited before printing a line"), spawned("json.tool"):
            pytest.fail("spawned yielded without a line")

    def test_spawned_fails_when_no_line_comes_in_time(self) -> None:
        silent = ("timeit", "-n1", "-r1", "import signal; signal.pause()")
        with pytest.raises(RuntimeError, match="timeit printed no line within"), spawned(*silent, timeout=0.5):
            pytest.fail("spawned yielded without a line")

    def test_spawned_fails_when_the_process_does_not_exit_cleanly(self) -> None:
        failing = ("timeit", "-n1", "-r1", "print('up', flush=True); raise SystemExit(3)")
        with pytest.raises(RuntimeError, match="timeit exited with status"), spawned(*failing) as line:
            assert line == "up"


class TestNodeServers:
    def test_unavailable_skips_outside_ci(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception, match="no node"):
            unavailable("no node")

    @pytest.mark.parametrize("value", ["true", "TRUE", " true "])
    def test_unavailable_fails_in_ci(self, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
        monkeypatch.setenv("CI", value)
        with pytest.raises(pytest.fail.Exception, match="no node .*CI=true"):
            unavailable("no node")

    def test_missing_node(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))
        with pytest.raises(ServerUnavailable, match="Node.js is not installed"):
            start_gateway(tmp_path)
        with pytest.raises(ServerUnavailable, match="Node.js is not installed"):
            start_prism(tmp_path / "openapi.yaml", tmp_path)

    def test_missing_or_stale_package(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@portkey-ai/gateway": "1.15.2"}}))
        monkeypatch.setattr(node_servers, "GATEWAY_DIR", tmp_path)
        with pytest.raises(ServerUnavailable, match="not installed .*scripts/install-test-servers"):
            start_gateway(tmp_path)
        installed = tmp_path / "node_modules" / "@portkey-ai" / "gateway"
        installed.mkdir(parents=True)
        (installed / "package.json").write_text(json.dumps({"version": "1.14.0"}))
        with pytest.raises(ServerUnavailable, match="1.14.0 is installed .* 1.15.2 is pinned"):
            start_gateway(tmp_path)

    def test_missing_spec(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("PORTKEY_OPENAPI_SPEC", str(tmp_path / "nowhere.yaml"))
        with pytest.raises(ServerUnavailable, match="PORTKEY_OPENAPI_SPEC"):
            spec_source()
        (tmp_path / "nowhere.yaml").write_text("openapi: 3.0.0\n")
        assert spec_source() == tmp_path / "nowhere.yaml"

    def test_spec_ships_with_the_repository(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PORTKEY_OPENAPI_SPEC", raising=False)
        source = spec_source()
        assert source == REPO_ROOT / "spec" / "portkey-openapi" / "openapi.yaml"
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        assert digest in (source.parent.parent / "README.md").read_text(encoding="utf-8")
        assert "MIT" in (source.parent / "LICENSE").read_text(encoding="utf-8")

    def test_prism_spec_patch(self, tmp_path: Path) -> None:
        source = tmp_path / "source.yaml"
        source.write_text(
            "components:\n  parameters:\n    PortkeyMetadata:\n      in: header\n      name: x-portkey-metadata\n"
            "      schema:\n        type: object\n      required: false\n    Other:\n      name: x-other\n"
            "      schema:\n        type: object\n"
        )
        out = tmp_path / "out"
        out.mkdir()
        patched = patched_prism_spec(source, out)
        original = source.read_text().splitlines()
        changed = patched.read_text().splitlines()
        assert [i for i, (a, b) in enumerate(zip(original, changed, strict=True)) if a != b] == [6]
        assert changed[6] == "        type: string"
        source.write_text("openapi: 3.0.0\n")
        with pytest.raises(ValueError, match="x-portkey-metadata"):
            patched_prism_spec(source, out)

    def test_real_spec_patch_changes_one_line(self, tmp_path: Path) -> None:
        try:
            source = spec_source()
        except ServerUnavailable as exc:
            unavailable(str(exc))
        patched = patched_prism_spec(source, tmp_path)
        original = source.read_text(encoding="utf-8").splitlines()
        changed = patched.read_text(encoding="utf-8").splitlines()
        diff = [(a.strip(), b.strip()) for a, b in zip(original, changed, strict=True) if a != b]
        assert diff == [("type: object", "type: string")]

    def test_gateway_is_headless_and_loopback_only(self, gateway: NodeServer) -> None:
        with httpx.Client(trust_env=False) as c:
            assert c.get(f"{gateway.url}/public/").status_code == 404
            assert c.get(f"{gateway.base_url}/models").status_code == 400  # no provider: not proxied anywhere
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", gateway.port), timeout=5).close()

    def test_prism_serves_data_plane_requests_without_metadata(self, prism: NodeServer) -> None:
        headers = {"x-portkey-api-key": "pk-test", "x-portkey-provider": "openai", "authorization": "Bearer sk-fake"}
        with httpx.Client(base_url=prism.base_url, headers=headers, trust_env=False) as c:
            response = c.post(
                "/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
            )
            assert response.status_code == 200
            assert c.get("/v1/configs").status_code == 404  # paths are served without /v1
            assert c.get("/configs").status_code == 200
