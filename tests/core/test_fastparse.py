"""pydantic-core parsing of the hot response types builds what openai's construction builds, or steps aside."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import Any, cast

import openai
import pydantic
import pytest
from openai._models import construct_type
from openai.types import Completion, CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from typing_extensions import override

from portkey_ai import AsyncPortkey, Portkey, _fastparse
from portkey_ai._http import httpx
from tests.core.mock_transport import Script, json_response, make_client

_MESSAGE_WITH_TOOLS = {
    "role": "assistant",
    "content": None,
    "refusal": None,
    "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
    ],
    "annotations": [
        {
            "type": "url_citation",
            "url_citation": {"url": "https://x.test", "title": "X", "start_index": 0, "end_index": 1},
        }
    ],
}
_LOGPROBS = {
    "content": [
        {"token": "Hi", "logprob": -0.25, "bytes": [72, 105], "top_logprobs": [{"token": "Hi", "logprob": -0.25}]}
    ],
    "refusal": None,
}
_USAGE = {
    "prompt_tokens": 9,
    "completion_tokens": 6,
    "total_tokens": 15,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "accepted_prediction_tokens": 0},
}

CHAT_COMPLETIONS: dict[str, dict[str, Any]] = {
    "plain": {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "logprobs": None, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15},
        "system_fingerprint": "fp_1",
    },
    "tools, logprobs, usage details, service tier": {
        "id": "chatcmpl-2",
        "object": "chat.completion",
        "created": 1700000001,
        "model": "gpt-4o",
        "service_tier": "default",
        "choices": [
            {"index": 0, "message": _MESSAGE_WITH_TOOLS, "logprobs": _LOGPROBS, "finish_reason": "tool_calls"},
            {
                "index": 1,
                "message": {"role": "assistant", "content": "two"},
                "logprobs": None,
                "finish_reason": "length",
            },
        ],
        "usage": _USAGE,
    },
    "extras at every level (what gateways add)": {
        "id": "chatcmpl-3",
        "object": "chat.completion",
        "created": 1700000002,
        "model": "claude-x",
        "provider": "anthropic",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "x", "content_blocks": [{"type": "text", "text": "x"}]},
                "finish_reason": "stop",
                "provider_detail": {"stop_sequence": None},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "cache_read_input_tokens": 0},
    },
    "no usage, audio": {
        "id": "chatcmpl-4",
        "object": "chat.completion",
        "created": 1700000003,
        "model": "gpt-4o-audio",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "audio": {"id": "audio_1", "data": "UklGRg==", "expires_at": 1700003600, "transcript": "hi"},
                },
                "finish_reason": "stop",
            }
        ],
        "usage": None,
    },
}

CHUNKS: dict[str, dict[str, Any]] = {
    "role": {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
    },
    "content with extras": {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "provider": "openai",
        "choices": [{"index": 0, "delta": {"content": "Hel"}, "logprobs": None, "finish_reason": None}],
    },
    "tool call delta": {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "tool_calls": [
                        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}
                    ]
                },
                "finish_reason": None,
            }
        ],
    },
    "usage chunk without choices": {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [],
        "usage": _USAGE,
    },
}

COMPLETIONS: dict[str, dict[str, Any]] = {
    "text": {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": "gpt-3.5-turbo-instruct",
        "choices": [{"text": "hi", "index": 0, "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    },
    "logprobs": {
        "id": "cmpl-2",
        "object": "text_completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "text": "a",
                "index": 0,
                "logprobs": {
                    "tokens": ["a"],
                    "token_logprobs": [-0.5],
                    "top_logprobs": [{"a": -0.5}],
                    "text_offset": [0],
                },
                "finish_reason": "length",
            }
        ],
    },
}

EMBEDDINGS: dict[str, dict[str, Any]] = {
    "floats": {
        "object": "list",
        "model": "text-embedding-3-small",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.25, -0.5, 1.0]}],
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    },
}

CORPUS: list[tuple[type[pydantic.BaseModel], str, dict[str, Any]]] = [
    *((ChatCompletion, name, body) for name, body in CHAT_COMPLETIONS.items()),
    *((ChatCompletionChunk, name, body) for name, body in CHUNKS.items()),
    *((Completion, name, body) for name, body in COMPLETIONS.items()),
    *((CreateEmbeddingResponse, name, body) for name, body in EMBEDDINGS.items()),
]

# Bodies openai's construction accepts and pydantic-core's validation does not: the caller must fall back.
REJECTED: dict[str, tuple[type[pydantic.BaseModel], bytes]] = {
    "finish_reason outside openai's literals": (
        ChatCompletion,
        json.dumps(
            {
                **CHAT_COMPLETIONS["plain"],
                "choices": [{**CHAT_COMPLETIONS["plain"]["choices"][0], "finish_reason": "end_turn"}],
            }
        ).encode(),
    ),
    "a required field missing": (ChatCompletion, json.dumps({"id": "x", "choices": []}).encode()),
    "a string where a number belongs": (
        Completion,
        json.dumps({**COMPLETIONS["text"], "created": "yesterday"}).encode(),
    ),
    "not JSON": (ChatCompletionChunk, b"{not json"),
    "NaN (json.loads takes it, JSON does not)": (CreateEmbeddingResponse, b'{"object": "list", "data": NaN}'),
}


@pytest.fixture(autouse=True)
def _validators_in_use() -> None:
    # A type's validator is used from its second parse on; count a first parse of every hot type.
    for cls in (ChatCompletion, ChatCompletionChunk, Completion, CreateEmbeddingResponse):
        _fastparse.parse_json(cls, b"{}")


def _nodes(value: object, path: str = "$") -> Iterator[tuple[str, type[Any]]]:
    yield path, type(value)
    if isinstance(value, pydantic.BaseModel):
        for name in type(value).model_fields:
            yield from _nodes(getattr(value, name), f"{path}.{name}")
        for name, extra in (value.__pydantic_extra__ or {}).items():
            yield from _nodes(extra, f"{path}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            yield from _nodes(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():  # pyright: ignore[reportUnknownVariableType]
            yield from _nodes(item, f"{path}.{key}")


def _assert_same(constructed: object, validated: object) -> None:
    assert isinstance(constructed, pydantic.BaseModel)
    assert isinstance(validated, pydantic.BaseModel)
    # Through a client the top object is an instance of the cached subclass that adds `get_headers()`.
    root = type(constructed)
    assert type(validated) is root or (type(validated).__mro__[1] is root and "get_headers" in type(validated).__dict__)
    # What openai and we attach to a returned model (`_request_id`, the response headers) is not parsed data.
    fields = {name: value for name, value in validated.__dict__.items() if not name.startswith("_")}
    assert fields == constructed.__dict__
    assert validated.__pydantic_extra__ == constructed.__pydantic_extra__
    assert repr(validated) == repr(constructed)
    for mode in ("python", "json"):
        for exclude_unset in (True, False):
            assert validated.model_dump(mode=mode, exclude_unset=exclude_unset) == constructed.model_dump(
                mode=mode, exclude_unset=exclude_unset
            )
    assert validated.model_dump_json() == constructed.model_dump_json()
    assert dict(_nodes(fields)) == dict(_nodes(constructed.__dict__))
    extras = set(validated.__pydantic_extra__ or {})
    assert validated.model_fields_set - extras == constructed.model_fields_set


@pytest.mark.parametrize(("cls", "name", "body"), CORPUS, ids=[f"{c.__name__}: {n}" for c, n, _ in CORPUS])
def test_validated_equals_constructed(cls: type[pydantic.BaseModel], name: str, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    validated = _fastparse.parse_json(cls, raw)
    assert validated is not None, name
    _assert_same(construct_type(type_=cls, value=json.loads(raw)), validated)
    assert _fastparse.parse_json(cls, raw.decode()) == validated


@pytest.mark.parametrize(("cls", "raw"), REJECTED.values(), ids=list(REJECTED))
def test_rejected_bodies_are_left_to_openai(cls: type[pydantic.BaseModel], raw: bytes) -> None:
    assert _fastparse.parse_json(cls, raw) is None


def test_only_the_hot_types() -> None:
    assert _fastparse.is_hot(ChatCompletion)
    assert not _fastparse.is_hot(openai.types.Model)
    assert not _fastparse.is_hot(dict)
    assert (
        _fastparse.parse_json(openai.types.Model, b'{"id": "m", "object": "model", "created": 1, "owned_by": "x"}')
        is None
    )


def test_first_parse_of_a_type_is_left_to_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fastparse, "_table", {})
    raw = json.dumps(CHAT_COMPLETIONS["plain"]).encode()
    assert _fastparse.parse_json(ChatCompletion, raw) is None
    assert isinstance(_fastparse.parse_json(ChatCompletion, raw), ChatCompletion)
    assert _fastparse.parse_json(ChatCompletionChunk, json.dumps(CHUNKS["role"]).encode()) is None


@pytest.mark.parametrize(
    ("content_type", "utf8"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ('application/json; charset="UTF-8"', True),
        ("application/vnd.api+json", True),
        ("application/json; charset=latin-1", False),
        ("text/plain", False),
        ("", False),
    ],
)
def test_utf8_json(content_type: str, utf8: bool) -> None:
    assert _fastparse.utf8_json(httpx.Response(200, headers={"content-type": content_type})) is utf8


# -- through the client -----------------------------------------------------------------------------------------------


class _Spy:
    """Counts what `_fastparse.parse_json` returned: models, and `None` (left to openai)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built = 0
        self.declined = 0
        original = _fastparse.parse_json

        def parse_json(cast_to: type[pydantic.BaseModel], data: bytes | str) -> pydantic.BaseModel | None:
            result = original(cast_to, data)
            if result is None:
                self.declined += 1
            else:
                self.built += 1
            return result

        monkeypatch.setattr(_fastparse, "parse_json", parse_json)


async def _maybe_await(value: Any) -> Any:
    if hasattr(value, "__await__"):
        return await value
    return value


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_chat_completion_through_the_client(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(monkeypatch)
    body = CHAT_COMPLETIONS["tools, logprobs, usage details, service tier"]
    script = Script([json_response(body=body, headers={"x-request-id": "req_9", "x-portkey-trace-id": "t-1"})])
    client = make_client(is_async, script, api_key="pk")
    result = await _maybe_await(client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}]))
    assert spy.built == 1
    assert isinstance(result, ChatCompletion)
    _assert_same(construct_type(type_=ChatCompletion, value=body), result)
    assert result._request_id == "req_9"  # pyright: ignore[reportPrivateUsage]
    assert result.get_headers() == {"trace-id": "t-1"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_rejected_body_gets_openais_construction(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(monkeypatch)
    cls, raw = REJECTED["finish_reason outside openai's literals"]
    script = Script([httpx.Response(200, content=raw, headers={"content-type": "application/json"})])
    client = make_client(is_async, script, api_key="pk")
    result = await _maybe_await(client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}]))
    assert (spy.built, spy.declined) == (0, 1)
    assert type(result).__mro__[1] is cls
    assert result.choices[0].finish_reason == "end_turn"
    assert result.to_dict() == json.loads(raw)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_raw_responses_and_post_parsers_keep_openais_path(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = _Spy(monkeypatch)
    script = Script([json_response(body=CHAT_COMPLETIONS["plain"])])
    client = make_client(is_async, script, api_key="pk")
    raw = await _maybe_await(
        client.chat.completions.with_raw_response.create(model="m", messages=[{"role": "user", "content": "x"}])
    )
    parsed = raw.parse()
    assert isinstance(parsed, ChatCompletion)
    assert parsed.to_dict() == CHAT_COMPLETIONS["plain"]
    # embeddings.create asks for base64 and decodes it in a post-parser: openai's path, the decoded floats.
    script.answers[:] = [
        json_response(
            body={
                "object": "list",
                "model": "e",
                "data": [{"object": "embedding", "index": 0, "embedding": "AACAPwAAAEA="}],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )
    ]
    embedded = await _maybe_await(client.embeddings.create(model="e", input="x"))
    assert embedded.data[0].embedding == [1.0, 2.0]
    assert spy.built == 0


def _sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events) + b"data: [DONE]\n\n"


class _Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body delivered one event per read, as servers send chat chunks."""

    def __init__(self, body: bytes) -> None:
        self._pieces = [piece + b"\n\n" for piece in body.split(b"\n\n") if piece]

    @override
    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces

    @override
    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


@pytest.mark.parametrize("per_event", [False, True], ids=["one-read", "read-per-event"])
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_stream_chunks(is_async: bool, per_event: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(monkeypatch)
    rejected = {**CHUNKS["content with extras"], "choices": [{"index": 0, "delta": {}, "finish_reason": "end_turn"}]}
    events = [*CHUNKS.values(), rejected]
    headers = {"content-type": "text/event-stream", "x-portkey-trace-id": "t"}
    body = _sse(events)
    answer = httpx.Response(200, stream=_Pieces(body), headers=headers) if per_event else None
    script = Script([answer or httpx.Response(200, content=body, headers=headers)])
    client = make_client(is_async, script, api_key="pk")
    stream = await _maybe_await(
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}], stream=True)
    )
    if isinstance(client, AsyncPortkey):
        chunks = [chunk async for chunk in stream]
    else:
        assert isinstance(client, Portkey)
        chunks = list(stream)
    assert (spy.built, spy.declined) == (len(CHUNKS), 1)
    assert [chunk.to_dict() for chunk in chunks] == events
    for chunk, event in zip(chunks[:-1], events, strict=False):
        _assert_same(construct_type(type_=ChatCompletionChunk, value=event), chunk)
    assert {chunk.get_headers()["trace-id"] for chunk in chunks} == {"t"}
    assert stream.response.is_closed


async def test_other_async_streams_close_their_response_with_their_generator() -> None:
    # Streams of other event types keep openai's loop, wrapped: closing the wrapper closes openai's generator too.
    event = {
        "type": "response.output_text.delta",
        "delta": "x",
        "item_id": "i",
        "output_index": 0,
        "content_index": 0,
        "sequence_number": 1,
        "logprobs": [],
    }
    body = b"event: response.output_text.delta\ndata: " + json.dumps(event).encode() + b"\n\n"

    async def events() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield body

    script = Script([httpx.Response(200, content=events(), headers={"content-type": "text/event-stream"})])
    client = make_client(True, script, api_key="pk")
    assert isinstance(client, AsyncPortkey)
    stream = await client.responses.create(model="m", input="x", stream=True)
    iterator = stream._iterator  # pyright: ignore[reportPrivateUsage]
    first = await iterator.__anext__()
    assert first.type == "response.output_text.delta"
    assert not stream.response.is_closed
    await cast("AsyncGenerator[Any, None]", iterator).aclose()
    assert stream.response.is_closed
