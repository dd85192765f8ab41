"""The official SDK's calls through the real OSS gateway to the fake provider, sync and async.

(What model the provider sees for a call without `model` is the gateway's choice: the request carries
`"model": "portkey-default"`, see test_dropin.py.)"""

from __future__ import annotations

from typing import Any

from portkey_ai import AsyncPortkey, GenericResponse, Portkey
from tests.servers.fake_provider import FakeProvider, echo_text

CHAT = "/v1/chat/completions"


def user(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


class TestSync:
    def test_chat_without_model_and_with_provider_keywords(
        self, gateway_client: Portkey, fake_provider: FakeProvider
    ) -> None:
        completion = gateway_client.chat.completions.create(messages=user("no model"), seed=7, user="u-1")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        assert completion.choices[0].message.content == echo_text("no model")
        assert fake_provider.wait_for_requests(1, path=CHAT)[-1].json["seed"] == 7

    def test_post_escape_hatch(self, gateway_client: Portkey, fake_provider: FakeProvider) -> None:
        official: Any = gateway_client  # the official forms are not in openai's static signatures
        result = official.post("/chat/completions", model="gpt-4o-mini", messages=user("via post"))
        assert isinstance(result, GenericResponse)
        assert result["choices"][0]["message"]["content"] == echo_text("via post")
        assert result.get_headers()["trace-id"] == official.trace_id
        assert fake_provider.wait_for_requests(1, path=CHAT)[-1].json["model"] == "gpt-4o-mini"

    def test_get_escape_hatch(self, gateway_client: Portkey) -> None:
        official: Any = gateway_client
        response = official.get(path="/models")
        assert response.status_code == 200
        assert {model["id"] for model in response.json()["data"]}


class TestAsync:
    async def test_chat_without_model_and_with_provider_keywords(
        self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider
    ) -> None:
        completion = await async_gateway_client.chat.completions.create(messages=user("no model"), seed=7)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        assert completion.choices[0].message.content == echo_text("no model")
        assert fake_provider.wait_for_requests(1, path=CHAT)[-1].json["seed"] == 7

    async def test_post_escape_hatch(self, async_gateway_client: AsyncPortkey, fake_provider: FakeProvider) -> None:
        official: Any = async_gateway_client
        result = await official.post("/chat/completions", model="gpt-4o-mini", messages=user("via post"))
        assert result["choices"][0]["message"]["content"] == echo_text("via post")
        assert fake_provider.wait_for_requests(1, path=CHAT)[-1].json["model"] == "gpt-4o-mini"

    async def test_post_stream(self, async_gateway_client: AsyncPortkey) -> None:
        official: Any = async_gateway_client
        stream = await official.post(
            "/chat/completions", model="gpt-4o-mini", messages=user("stream via post"), stream=True
        )
        text = "".join([event.choices[0]["delta"].get("content") or "" async for event in stream if event.choices])
        assert text == echo_text("stream via post")
