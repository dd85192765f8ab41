"""openai-agents: `OpenAIChatCompletionsModel(openai_client=AsyncPortkey(...))` and `set_default_openai_client`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from agents import (
    Agent,
    ModelSettings,
    OpenAIChatCompletionsModel,
    Runner,
    function_tool,
    set_default_openai_api,
    set_default_openai_client,
    set_tracing_disabled,
)
from agents.models import _openai_shared
from pydantic import BaseModel

from portkey_ai import AsyncPortkey
from tests.consumers.conftest import Expected
from tests.servers.fake_provider import FakeProvider, echo_text


@pytest.fixture(autouse=True)
def agents_defaults() -> Iterator[None]:
    """No trace upload; the SDK's process-wide defaults restored after the test."""
    client, use_responses = _openai_shared.get_default_openai_client(), _openai_shared.get_use_responses_by_default()
    set_tracing_disabled(True)
    yield
    _openai_shared.set_default_openai_client(client)  # type: ignore[arg-type]
    _openai_shared.set_use_responses_by_default(use_responses)
    set_tracing_disabled(False)


class Answer(BaseModel):
    city: str
    population: int


@function_tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def model(client: AsyncPortkey) -> OpenAIChatCompletionsModel:
    return OpenAIChatCompletionsModel(model="gpt-4o-mini", openai_client=client)


async def test_chat_completions_model_runs_an_agent(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(name="echo", instructions="Repeat the user", model=model(async_portkey))
    result = await Runner.run(agent, "Hello agents")
    assert result.final_output == echo_text("Hello agents")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["model"] == "gpt-4o-mini"
    assert request.json["messages"] == [
        {"role": "system", "content": "Repeat the user"},
        {"role": "user", "content": "Hello agents"},
    ]


def test_chat_completions_model_runs_an_agent_sync(
    sync_run_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(name="echo", instructions="Repeat the user", model=model(sync_run_portkey))
    result = Runner.run_sync(agent, "Hello sync agents")
    assert result.final_output == echo_text("Hello sync agents")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)


async def test_structured_output_is_parsed(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(name="facts", model=model(async_portkey), output_type=Answer)
    result = await Runner.run(agent, "Which city is the largest?")
    # The fake provider answers a JSON schema with its example values ("text" for strings, 1 for integers).
    assert result.final_output == Answer(city="text", population=1)
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["response_format"]["type"] == "json_schema"


async def test_tool_calls_run_the_tool(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    agent = Agent(
        name="calculator",
        model=model(async_portkey),
        tools=[add],
        tool_use_behavior="stop_on_first_tool",
        model_settings=ModelSettings(tool_choice="add"),
    )
    result = await Runner.run(agent, "What is 19 + 23")
    assert result.final_output == "42"
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert [tool["function"]["name"] for tool in request.json["tools"]] == ["add"]


async def test_streamed_run_through_the_default_client(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    set_default_openai_client(async_portkey, use_for_tracing=False)
    set_default_openai_api("chat_completions")
    agent = Agent(name="echo", model="gpt-4o-mini")
    result = Runner.run_streamed(agent, "Stream this please")
    deltas = [
        event.data.delta
        async for event in result.stream_events()
        if event.type == "raw_response_event" and event.data.type == "response.output_text.delta"
    ]
    assert len(deltas) > 1
    assert "".join(deltas) == result.final_output == echo_text("Stream this please")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["stream"] is True


def test_default_client_runs_an_agent_sync(
    sync_run_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    set_default_openai_client(sync_run_portkey, use_for_tracing=False)
    set_default_openai_api("chat_completions")
    result = Runner.run_sync(Agent(name="echo", model="gpt-4o-mini"), "Hello default client")
    assert result.final_output == echo_text("Hello default client")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
