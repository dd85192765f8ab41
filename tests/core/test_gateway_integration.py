"""`Portkey` / `AsyncPortkey` through the real OSS gateway to the fake provider: the data plane and gateway routing.

Every client here talks to the gateway on 127.0.0.1, which forwards to the fake provider(s) on 127.0.0.1. Clients that
route with a config (fallback, load balancing) carry no `custom_host`: the gateway lets the `x-portkey-custom-host`
header override every target's `custom_host`, so each target names its own deployment instead.
"""

from __future__ import annotations

import asyncio
import base64
import struct
import uuid
from typing import Any

import openai
import pytest

import portkey_ai
from portkey_ai import AsyncPortkey, Portkey
from tests.servers.fake_provider import FakeProvider, Fault, echo_text, fake_embedding
from tests.servers.node_servers import NodeServer

MODEL = "gpt-4o-mini"
CHAT = "/v1/chat/completions"
LOAD_BALANCE_REQUESTS = 300
LOAD_BALANCE_CONCURRENCY = 16


def user(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


def target(provider: FakeProvider, **extra: object) -> dict[str, object]:
    """A config target that sends to ``provider`` (a deployment of the fake provider)."""
    return {"provider": "openai", "api_key": "sk-fake", "custom_host": provider.base_url, **extra}


def fallback_config(first: FakeProvider, second: FakeProvider) -> dict[str, object]:
    return {"strategy": {"mode": "fallback"}, "targets": [target(first), target(second)]}


def load_balance_config(first: FakeProvider, second: FakeProvider) -> dict[str, object]:
    return {"strategy": {"mode": "loadbalance"}, "targets": [target(first, weight=0.7), target(second, weight=0.3)]}


def config_client(gateway: NodeServer, config: dict[str, object]) -> Portkey:
    """A client that routes only with ``config`` (no provider or custom host of its own)."""
    return Portkey(base_url=gateway.base_url, config=config, trace_id=f"pytest-{uuid.uuid4().hex}", max_retries=0)


def async_config_client(gateway: NodeServer, config: dict[str, object]) -> AsyncPortkey:
    """The async twin of :func:`config_client`."""
    return AsyncPortkey(base_url=gateway.base_url, config=config, trace_id=f"pytest-{uuid.uuid4().hex}", max_retries=0)


def decode_base64(value: str) -> list[float]:
    raw = base64.b64decode(value)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def assert_upstream_chat(provider: FakeProvider, text: str) -> None:
    (request,) = provider.requests
    assert (request.method, request.path) == ("POST", CHAT)
    assert request.headers["authorization"] == "Bearer sk-fake"
    assert request.json["model"] == MODEL
    assert request.json["messages"] == user(text)


def assert_load_balanced(first: FakeProvider, second: FakeProvider) -> None:
    """Weights 0.7/0.3 over LOAD_BALANCE_REQUESTS picks: the share of ``first`` is within 0.15 of 0.7.

    The share's standard deviation is sqrt(0.7 * 0.3 / 300) ~ 0.026, so 0.15 is 5.7 of them: a false failure has a
    probability around 1e-8.
    """
    hits_first, hits_second = len(first.requests), len(second.requests)
    assert hits_first + hits_second == LOAD_BALANCE_REQUESTS
    assert hits_first > 0
    assert hits_second > 0
    assert abs(hits_first / LOAD_BALANCE_REQUESTS - 0.7) <= 0.15, (hits_first, hits_second)


class TestDataPlane:
    def test_chat(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        completion = gateway_client.chat.completions.create(model=MODEL, messages=user("hello gateway"))
        assert completion.choices[0].message.content == echo_text("hello gateway")
        assert completion.model == MODEL
        assert completion.usage is not None
        assert completion.usage.total_tokens > 0
        assert portkey_ai.get_headers(completion)["provider"] == "openai"
        assert_upstream_chat(fake_provider, "hello gateway")

    def test_chat_stream(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        stream = gateway_client.chat.completions.create(
            model=MODEL, messages=user("stream me please"), stream=True, stream_options={"include_usage": True}
        )
        with stream:
            chunks = list(stream)
        assert len(chunks) > 3
        content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert content == echo_text("stream me please")
        assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
        assert chunks[-1].usage is not None
        (request,) = fake_provider.requests
        assert request.json["stream"] is True

    def test_completions(self, gateway_client: Portkey) -> None:
        completion = gateway_client.completions.create(model="gpt-3.5-turbo-instruct", prompt="complete me")
        assert completion.choices[0].text == echo_text("complete me")
        with gateway_client.completions.create(model="gpt-3.5-turbo-instruct", prompt="stream me", stream=True) as s:
            text = "".join(chunk.choices[0].text for chunk in s)
        assert text == echo_text("stream me")

    def test_embeddings(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        floats = gateway_client.embeddings.create(
            model="text-embedding-3-small", input=["a", "b"], encoding_format="float"
        )
        assert [d.embedding for d in floats.data] == [fake_embedding("a"), fake_embedding("b")]
        decoded = gateway_client.embeddings.create(model="text-embedding-3-small", input="a")
        assert decoded.data[0].embedding == fake_embedding("a")
        encoded = gateway_client.embeddings.create(model="text-embedding-3-small", input="a", encoding_format="base64")
        assert isinstance(encoded.data[0].embedding, str)
        assert decode_base64(encoded.data[0].embedding) == fake_embedding("a")
        assert [r.json["encoding_format"] for r in fake_provider.requests] == ["float", "base64", "base64"]

    def test_models(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        models = gateway_client.models.list()
        assert {m.owned_by for m in models.data} == {fake_provider.name}
        assert gateway_client.models.retrieve("my-model").id == "my-model"
        assert [r.path for r in fake_provider.requests] == ["/v1/models", "/v1/models/my-model"]

    def test_upstream_errors(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=404), Fault(status=400))
        with pytest.raises(portkey_ai.NotFoundError, match=f"fake 404 from {fake_provider.name}"):
            gateway_client.chat.completions.create(model=MODEL, messages=user("x"))
        with pytest.raises(openai.BadRequestError):
            gateway_client.chat.completions.create(model=MODEL, messages=user("x"))


class TestAsyncDataPlane:
    async def test_chat(self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider) -> None:
        completion = await async_gateway_client.chat.completions.create(model=MODEL, messages=user("hello gateway"))
        assert completion.choices[0].message.content == echo_text("hello gateway")
        assert portkey_ai.get_headers(completion)["provider"] == "openai"
        assert_upstream_chat(fake_provider, "hello gateway")

    async def test_chat_stream(self, async_gateway_client: AsyncPortkey) -> None:
        stream = await async_gateway_client.chat.completions.create(
            model=MODEL, messages=user("stream me please"), stream=True, stream_options={"include_usage": True}
        )
        async with stream:
            chunks = [chunk async for chunk in stream]
        content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert content == echo_text("stream me please")
        assert chunks[-1].usage is not None

    async def test_completions(self, async_gateway_client: AsyncPortkey) -> None:
        completion = await async_gateway_client.completions.create(model="instruct", prompt="complete me")
        assert completion.choices[0].text == echo_text("complete me")
        stream = await async_gateway_client.completions.create(model="instruct", prompt="stream me", stream=True)
        async with stream:
            text = "".join([chunk.choices[0].text async for chunk in stream])
        assert text == echo_text("stream me")

    async def test_embeddings(self, async_gateway_client: AsyncPortkey) -> None:
        embeddings = async_gateway_client.embeddings
        floats = await embeddings.create(model="e", input="a", encoding_format="float")
        assert floats.data[0].embedding == fake_embedding("a")
        decoded = await embeddings.create(model="e", input="a")
        assert decoded.data[0].embedding == fake_embedding("a")
        encoded = await embeddings.create(model="e", input="a", encoding_format="base64")
        assert isinstance(encoded.data[0].embedding, str)
        assert decode_base64(encoded.data[0].embedding) == fake_embedding("a")

    async def test_models(self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider) -> None:
        models = [m async for m in async_gateway_client.models.list()]
        assert {m.owned_by for m in models} == {fake_provider.name}
        assert (await async_gateway_client.models.retrieve("my-model")).id == "my-model"

    async def test_upstream_errors(self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=404))
        with pytest.raises(portkey_ai.NotFoundError, match=f"fake 404 from {fake_provider.name}"):
            await async_gateway_client.chat.completions.create(model=MODEL, messages=user("x"))


class TestRouting:
    def test_fallback(self, gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=500))
        with config_client(gateway, fallback_config(fake_provider, fake_provider_b)) as client:
            raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=user("fall back"))
        completion = raw.parse()
        assert completion.choices[0].message.content == echo_text("fall back")
        assert portkey_ai.get_headers(completion)["last-used-option-index"] == "config.targets[1]"
        assert raw.headers["x-fake-deployment"] == fake_provider_b.name
        assert len(fake_provider.requests) == 1
        assert len(fake_provider_b.requests) == 1

    def test_fallback_not_needed(
        self, gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider
    ) -> None:
        with config_client(gateway, fallback_config(fake_provider, fake_provider_b)) as client:
            completion = client.chat.completions.create(model=MODEL, messages=user("first"))
        assert portkey_ai.get_headers(completion)["last-used-option-index"] == "config.targets[0]"
        assert fake_provider_b.requests == []

    def test_load_balance(
        self, gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider
    ) -> None:
        with config_client(gateway, load_balance_config(fake_provider, fake_provider_b)) as client:
            for index in range(LOAD_BALANCE_REQUESTS):
                client.embeddings.create(model="e", input=str(index), encoding_format="float")
        assert_load_balanced(fake_provider, fake_provider_b)

    def test_gateway_retries(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=503), Fault(status=503), path=CHAT)
        client = gateway_client.with_options(config={"retry": {"attempts": 2, "on_status_codes": [503]}})
        completion = client.chat.completions.create(model=MODEL, messages=user("retry me"))
        assert completion.choices[0].message.content == echo_text("retry me")
        assert portkey_ai.get_headers(completion)["retry-attempt-count"] == "2"
        assert len(fake_provider.requests) == 3

    def test_request_timeout(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(delay_before_headers=2.0))
        client = gateway_client.with_options(request_timeout=200)
        with pytest.raises(openai.APITimeoutError) as caught:
            client.chat.completions.create(model=MODEL, messages=user("slow"))
        assert isinstance(caught.value, portkey_ai.APIStatusError)
        assert caught.value.status_code == 408
        assert len(fake_provider.requests) == 1  # neither the gateway nor the client retried

    def test_trace_id_round_trip(self, gateway_client: Portkey) -> None:
        client = gateway_client.with_options(trace_id="trace-round-trip")
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=user("trace"))
        assert raw.headers["x-portkey-trace-id"] == "trace-round-trip"
        assert portkey_ai.get_headers(raw.parse())["trace-id"] == "trace-round-trip"

    def test_forward_headers(self, gateway: NodeServer, fake_provider: FakeProvider) -> None:
        with Portkey(
            base_url=gateway.base_url,
            provider="openai",
            custom_host=fake_provider.base_url,
            Authorization="sk-fake",
            trace_id="forward",
            max_retries=0,
            forward_headers=["x-fake-tag", "x-fake-fault"],
            default_headers={"x-fake-tag": "tagged", "x-not-forwarded": "no"},
        ) as client:
            client.chat.completions.create(model=MODEL, messages=user("forward"))
            with pytest.raises(portkey_ai.RateLimitError):
                client.chat.completions.create(
                    model=MODEL, messages=user("x"), extra_headers={"x-fake-fault": Fault(status=429).to_json()}
                )
        first, second = fake_provider.requests
        assert first.headers["x-fake-tag"] == "tagged"
        assert "x-not-forwarded" not in first.headers
        assert second.headers["x-fake-fault"] == Fault(status=429).to_json()


class TestAsyncRouting:
    async def test_fallback(
        self, gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider
    ) -> None:
        fake_provider.enqueue(Fault(status=500))
        async with async_config_client(gateway, fallback_config(fake_provider, fake_provider_b)) as client:
            raw = await client.chat.completions.with_raw_response.create(model=MODEL, messages=user("fall back"))
        completion = raw.parse()
        assert completion.choices[0].message.content == echo_text("fall back")
        assert portkey_ai.get_headers(completion)["last-used-option-index"] == "config.targets[1]"
        assert raw.headers["x-fake-deployment"] == fake_provider_b.name
        assert (len(fake_provider.requests), len(fake_provider_b.requests)) == (1, 1)

    async def test_fallback_on_a_dropped_connection(
        self, gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider
    ) -> None:
        fake_provider.enqueue(Fault(drop_before_headers=True))
        async with async_config_client(gateway, fallback_config(fake_provider, fake_provider_b)) as client:
            completion = await client.chat.completions.create(model=MODEL, messages=user("dropped"))
        assert portkey_ai.get_headers(completion)["last-used-option-index"] == "config.targets[1]"

    async def test_load_balance(
        self, gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider
    ) -> None:
        limit = asyncio.Semaphore(LOAD_BALANCE_CONCURRENCY)
        async with async_config_client(gateway, load_balance_config(fake_provider, fake_provider_b)) as client:

            async def one(index: int) -> None:
                async with limit:
                    await client.embeddings.create(model="e", input=str(index), encoding_format="float")

            await asyncio.gather(*(one(i) for i in range(LOAD_BALANCE_REQUESTS)))
        assert_load_balanced(fake_provider, fake_provider_b)

    async def test_gateway_retries(self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(status=503), Fault(status=503), path=CHAT)
        client = async_gateway_client.with_options(config={"retry": {"attempts": 2, "on_status_codes": [503]}})
        completion = await client.chat.completions.create(model=MODEL, messages=user("retry me"))
        assert portkey_ai.get_headers(completion)["retry-attempt-count"] == "2"
        assert len(fake_provider.requests) == 3

    async def test_request_timeout(self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider) -> None:
        fake_provider.enqueue(Fault(delay_before_headers=2.0))
        client = async_gateway_client.with_options(request_timeout=200)
        with pytest.raises(openai.APITimeoutError) as caught:
            await client.chat.completions.create(model=MODEL, messages=user("slow"))
        assert isinstance(caught.value, portkey_ai.APIStatusError)
        assert caught.value.status_code == 408
        assert len(fake_provider.requests) == 1

    async def test_trace_id_round_trip(self, async_gateway_client: AsyncPortkey) -> None:
        client = async_gateway_client.with_options(trace_id="trace-round-trip")
        raw = await client.chat.completions.with_raw_response.create(model=MODEL, messages=user("trace"))
        assert raw.headers["x-portkey-trace-id"] == "trace-round-trip"
        assert portkey_ai.get_headers(raw.parse())["trace-id"] == "trace-round-trip"

    async def test_forward_headers(self, gateway: NodeServer, fake_provider: FakeProvider) -> None:
        async with AsyncPortkey(
            base_url=gateway.base_url,
            provider="openai",
            custom_host=fake_provider.base_url,
            Authorization="sk-fake",
            trace_id="forward",
            max_retries=0,
            forward_headers=["x-fake-fault"],
        ) as client:
            with pytest.raises(portkey_ai.InternalServerError):
                await client.chat.completions.create(
                    model=MODEL, messages=user("x"), extra_headers={"x-fake-fault": Fault(status=502).to_json()}
                )
        (request,) = fake_provider.requests
        assert request.headers["x-fake-fault"] == Fault(status=502).to_json()
