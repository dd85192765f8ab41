"""langchain-openai: `ChatOpenAI(client=portkey.chat.completions, async_client=async_portkey.chat.completions)`."""

from __future__ import annotations

from langchain_core.messages import AIMessageChunk
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from portkey_ai import AsyncPortkey, Portkey
from tests.consumers.conftest import Expected
from tests.servers.fake_provider import FakeProvider, echo_text


class Joke(BaseModel):
    setup: str
    punchline: str


def chat(portkey: Portkey, async_portkey: AsyncPortkey) -> ChatOpenAI:
    return ChatOpenAI(
        model="gpt-4o-mini",
        client=portkey.chat.completions,
        async_client=async_portkey.chat.completions,
        root_client=portkey,
        root_async_client=async_portkey,
    )


def test_invoke(portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected) -> None:
    message = chat(portkey, async_portkey).invoke("Hello LangChain")
    assert message.content == echo_text("Hello LangChain")
    assert message.usage_metadata is not None and message.usage_metadata["total_tokens"] > 0
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["messages"] == [{"role": "user", "content": "Hello LangChain"}]


async def test_ainvoke(
    portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    message = await chat(portkey, async_portkey).ainvoke("Hello async LangChain")
    assert message.content == echo_text("Hello async LangChain")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)


def test_stream(portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected) -> None:
    chunks = list(chat(portkey, async_portkey).stream("Stream me"))
    assert len(chunks) > 2
    assert "".join(str(chunk.content) for chunk in chunks) == echo_text("Stream me")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["stream"] is True


async def test_astream(
    portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    chunks = [chunk async for chunk in chat(portkey, async_portkey).astream("Stream me async")]
    assert all(isinstance(chunk, AIMessageChunk) for chunk in chunks)
    assert "".join(str(chunk.content) for chunk in chunks) == echo_text("Stream me async")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)


def test_structured_output(
    portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    structured = chat(portkey, async_portkey).with_structured_output(Joke)
    joke = structured.invoke("Tell a joke about cats")
    # The fake provider answers a JSON schema with its example values ("text" for strings).
    assert joke == Joke(setup="text", punchline="text")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["response_format"]["json_schema"]["name"] == "Joke"


async def test_structured_output_through_a_tool_async(
    portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    structured = chat(portkey, async_portkey).with_structured_output(Joke, method="function_calling")
    joke = await structured.ainvoke("Tell a joke about 'cats' with the 'meow' punchline")
    assert joke == Joke(setup="cats", punchline="meow")
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)


async def test_tool_calls_async(
    portkey: Portkey, async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    def multiply(a: int, b: int) -> int:
        """Multiply two integers."""
        return a * b

    message = await chat(portkey, async_portkey).bind_tools([multiply]).ainvoke("What is 6 times 7")
    assert [(call["name"], call["args"]) for call in message.tool_calls] == [("multiply", {"a": 6, "b": 7})]
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
