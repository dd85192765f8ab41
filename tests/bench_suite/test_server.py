"""The bench server's precomputed answers are what the bench's children check and what openai parses."""

from __future__ import annotations

import json

from openai.types.chat import ChatCompletion, ChatCompletionChunk

from bench import server


def _payloads(events: list[bytes]) -> list[str]:
    assert all(event.startswith(b"data: ") and event.endswith(b"\n\n") for event in events)
    return [event[6:-2].decode() for event in events]


def test_the_tool_call_answer_calls_the_named_function() -> None:
    completion = ChatCompletion.model_validate_json(server.tool_call_body())
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [(call.function.name, call.function.arguments) for call in calls if call.type == "function"] == [
        (server.TOOL_NAME, server.TOOL_ARGUMENTS)
    ]
    assert json.loads(server.TOOL_ARGUMENTS) == {"city": "Paris", "unit": "celsius"}


def test_the_stream_with_usage_has_100_events_and_the_usage_last() -> None:
    *payloads, done = _payloads(server.usage_stream_events())
    assert done == "[DONE]"
    assert len(payloads) == server.USAGE_STREAM_CHUNKS == 100
    chunks = [ChatCompletionChunk.model_validate_json(payload) for payload in payloads]
    assert [chunk.usage for chunk in chunks[:-1]] == [None] * 99
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.total_tokens == server.USAGE_TOTAL_TOKENS
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks[:-1])
    assert text == server.USAGE_STREAM_TEXT
    assert chunks[-2].choices[0].finish_reason == "stop"


def test_the_plain_stream_is_unchanged_by_the_usage_rows() -> None:
    *payloads, done = _payloads(server.stream_events())
    assert done == "[DONE]"
    assert len(payloads) == server.STREAM_CHUNKS
    assert all("usage" not in json.loads(payload) for payload in payloads)
    chunks = [ChatCompletionChunk.model_validate_json(payload) for payload in payloads]
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == server.STREAM_TEXT
