"""pydantic-ai: `OpenAIChatModel(..., provider=OpenAIProvider(openai_client=AsyncPortkey(...)))`."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from portkey_ai import AsyncPortkey
from tests.consumers.conftest import Expected
from tests.servers.fake_provider import FakeProvider, echo_text


class City(BaseModel):
    name: str
    population: int


def model(client: AsyncPortkey) -> OpenAIChatModel:
    return OpenAIChatModel("gpt-4o-mini", provider=OpenAIProvider(openai_client=client))


async def test_run_returns_the_text(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(model(async_portkey), instructions="Repeat the user")
    result = await agent.run("Hello pydantic-ai")
    assert result.output == echo_text("Hello pydantic-ai")
    assert result.usage.input_tokens > 0
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["model"] == "gpt-4o-mini"
    assert request.json["messages"][-1] == {"role": "user", "content": "Hello pydantic-ai"}


def test_run_sync_returns_the_text(
    sync_run_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    result = Agent(model(sync_run_portkey)).run_sync("Hello sync pydantic-ai")
    assert result.output == echo_text("Hello sync pydantic-ai")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)


async def test_structured_output_comes_from_the_output_tool(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(model(async_portkey), output_type=City)
    result = await agent.run("Tell me about 'Oslo' with 709000 people")
    assert result.output == City(name="Oslo", population=709000)
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["tools"][0]["function"]["name"] == "final_result"


async def test_run_stream_streams_the_text(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(model(async_portkey))
    async with agent.run_stream("Stream this text") as run:
        deltas = [delta async for delta in run.stream_text(delta=True, debounce_by=None)]
    assert len(deltas) > 1
    assert "".join(deltas) == echo_text("Stream this text")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["stream"] is True
