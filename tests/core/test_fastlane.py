"""The fast lane (DECISIONS 23) sends exactly what openai's path sends, and takes only the calls it can.

Every case is sent twice through the same client, sync and async: once as the client sends it (the lane, when the
arguments are plain JSON data) and once with the lane switched off (`plain_body` made to refuse everything, so
openai's transform builds the body; the rest of the path is the same code). The recorded requests must agree on the
method, the URL, every header in order (the client sets its trace id, so no header is random: openai sends no
idempotency key for these endpoints) and the body bytes; the results must be equal, or both calls must raise the same
error. Each case also says whether it must take the lane, so the lane cannot silently become a no-op.

The parameter lists come from the installed openai's signatures: a parameter openai adds fails
`test_the_corpus_covers_every_parameter` until it has a value here (and a case through the lane).
"""

from __future__ import annotations

import datetime
import enum
import inspect
import json
import pathlib
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pydantic
import pytest
import typing_extensions
from openai import NOT_GIVEN, NotGiven, omit
from openai._base_client import BaseClient
from openai._utils import maybe_transform as openai_transform
from openai._utils._transform import PropertyInfo
from openai.resources import Completions as LegacyCompletions, Embeddings
from openai.resources.chat import Completions as ChatCompletions
from openai.types import completion_create_params, embedding_create_params
from openai.types.chat import (
    ChatCompletionMessage,
    ChatCompletionUserMessageParam,
    completion_create_params as chat_create_params,
)

from portkey_ai import AsyncPortkey, Portkey, _fastlane as fastlane
from portkey_ai._http import httpx
from tests.core.mock_transport import CHAT_COMPLETION, Script, make_client

EMBEDDINGS = {
    "object": "list",
    "data": [{"object": "embedding", "index": 0, "embedding": "AAAAPwAAgD8="}],
    "model": "m",
    "usage": {"prompt_tokens": 1, "total_tokens": 1},
}
COMPLETION = {
    "id": "cmpl-1",
    "object": "text_completion",
    "created": 1,
    "model": "m",
    "choices": [{"index": 0, "text": "hi", "finish_reason": "stop", "logprobs": None}],
}
CHAT_CHUNKS = [
    {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "he"}}],
    },
    {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    },
]
COMPLETION_CHUNKS = [{**COMPLETION, "choices": [{"index": 0, "text": "h", "finish_reason": None, "logprobs": None}]}]


def answer(request: httpx.Request) -> httpx.Response:
    """What the recording server answers: the endpoint's body, or its events for a streamed request."""
    path = request.url.path
    sent = json.loads(request.content) if request.content else {}
    streamed = isinstance(sent, dict) and typing.cast("dict[str, object]", sent).get("stream") is True
    if streamed:
        chunks = CHAT_CHUNKS if path.endswith("/chat/completions") else COMPLETION_CHUNKS
        events = b"".join(b"data: " + json.dumps(chunk).encode() + b"\n\n" for chunk in chunks) + b"data: [DONE]\n\n"
        return httpx.Response(200, content=events, headers={"content-type": "text/event-stream"})
    body: object = CHAT_COMPLETION
    if path.endswith("/embeddings"):
        base64 = typing.cast("dict[str, object]", sent).get("encoding_format") == "base64"
        body = (
            EMBEDDINGS if base64 else {**EMBEDDINGS, "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}]}
        )
    elif not path.endswith("/chat/completions"):
        body = COMPLETION
    return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})


# One plain JSON value for every parameter of the three methods (a superset over openai 2.x and 3.x).
MESSAGES: list[Any] = [
    {"role": "developer", "content": "Be brief."},
    {"role": "system", "content": [{"type": "text", "text": "sys"}], "name": "s"},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "what is this?"},
            {"type": "image_url", "image_url": {"url": "https://example.test/a.png", "detail": "low"}},
            {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
            {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERg==", "filename": "a.pdf"}},
            {"type": "file", "file": {"file_id": "file-1"}},
        ],
    },
    {
        "role": "assistant",
        "content": None,
        "refusal": None,
        "audio": {"id": "audio-1"},
        "tool_calls": [{"id": "call-1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}],
    },
    {"role": "tool", "tool_call_id": "call-1", "content": [{"type": "text", "text": "42"}]},
    {"role": "function", "name": "f", "content": "42"},
    {"role": "user", "content": "ünïcødé ✓ \u2028"},
]
TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
                "required": ["city"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    },
    {"type": "custom", "custom": {"name": "grammar", "format": {"type": "text"}}},
]
JSON_SCHEMA: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "answer",
        "schema": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
        "strict": True,
    },
}
CHAT_VALUES: dict[str, Any] = {
    "messages": MESSAGES,
    "model": "gpt-test",
    "audio": {"voice": "alloy", "format": "wav"},
    "frequency_penalty": 0.5,
    "function_call": {"name": "f"},
    "functions": [{"name": "f", "description": "d", "parameters": {"type": "object", "properties": {}}}],
    "logit_bias": {"50256": -100},
    "logprobs": True,
    "max_completion_tokens": 10,
    "max_tokens": 10,
    "metadata": {"k": "v"},
    "modalities": ["text", "audio"],
    "moderation": {"model": "omni-moderation-latest"},
    "n": 2,
    "parallel_tool_calls": False,
    "prediction": {"type": "content", "content": [{"type": "text", "text": "p"}]},
    "presence_penalty": -0.5,
    "prompt_cache_key": "key",
    "prompt_cache_options": {"mode": "auto"},
    "prompt_cache_retention": "24h",
    "reasoning_effort": "low",
    "response_format": JSON_SCHEMA,
    "safety_identifier": "user-1",
    "seed": 7,
    "service_tier": "flex",
    "stop": ["\n", "END"],
    "store": True,
    "stream": False,
    "stream_options": {"include_usage": True},
    "temperature": 0.0,
    "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    "tools": TOOLS,
    "top_logprobs": 2,
    "top_p": 1,
    "user": "u",
    "verbosity": "low",
    "web_search_options": {
        "search_context_size": "low",
        "user_location": {"type": "approximate", "approximate": {"city": "Paris"}},
    },
}
COMPLETION_VALUES: dict[str, Any] = {
    "model": "gpt-3.5-turbo-instruct",
    "prompt": ["a", "b"],
    "best_of": 2,
    "echo": True,
    "frequency_penalty": 0.1,
    "logit_bias": {"50256": -100},
    "logprobs": 2,
    "max_tokens": 5,
    "n": 1,
    "presence_penalty": 0.1,
    "seed": 1,
    "stop": "\n",
    "stream": False,
    "stream_options": {"include_usage": True},
    "suffix": "s",
    "temperature": 1.5,
    "top_p": 0.9,
    "user": "u",
}
EMBEDDING_VALUES: dict[str, Any] = {
    "input": ["a", "b"],
    "model": "text-embedding-3-small",
    "dimensions": 2,
    "encoding_format": "float",
    "user": "u",
}
REQUEST_OPTIONS = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})
METHODS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "chat.completions.create": (ChatCompletions.create, CHAT_VALUES),
    "completions.create": (LegacyCompletions.create, COMPLETION_VALUES),
    "embeddings.create": (Embeddings.create, EMBEDDING_VALUES),
}
REQUIRED = {"chat.completions.create": {"messages"}, "completions.create": {"prompt"}, "embeddings.create": {"input"}}


def parameters(path: str) -> list[str]:
    """The body parameters of the installed openai's method at `path`."""
    func = METHODS[path][0]
    return [name for name in inspect.signature(func).parameters if name != "self" and name not in REQUEST_OPTIONS]


@dataclass(frozen=True)
class Case:
    """One call: the method path, a factory of its keywords (generators are consumed), whether it takes the lane
    (`None`: the call fails before any body is built)."""

    id: str
    path: str
    kwargs: Callable[[], dict[str, Any]]
    lane: bool | None


def plain(id_: str, path: str, **kwargs: Any) -> Case:
    return Case(id_, path, lambda: json.loads(json.dumps(kwargs)), True)


def made(id_: str, path: str, lane: bool | None, kwargs: Callable[[], dict[str, Any]]) -> Case:
    return Case(id_, path, kwargs, lane)


class Colour(enum.StrEnum):
    RED = "red"


class Note(pydantic.BaseModel):
    role: str = "user"
    content: str = "from a model"


def every_parameter_cases() -> Iterator[Case]:
    for path in METHODS:
        values = METHODS[path][1]
        names = parameters(path)
        required = {name: values[name] for name in REQUIRED[path]}
        yield plain(f"{path}:all", path, **{name: values[name] for name in names})
        for name in names:
            yield plain(f"{path}:{name}", path, **{**required, name: values[name]})
            if name not in REQUIRED[path]:
                yield plain(f"{path}:{name}=None", path, **{**required, name: None})


USER = [{"role": "user", "content": "hi"}]


def corpus() -> list[Case]:
    chat, completions, embeddings = "chat.completions.create", "completions.create", "embeddings.create"
    cases = list(every_parameter_cases())
    cases += [
        plain("chat:model default", chat, messages=USER),
        plain("chat:stream", chat, messages=MESSAGES, stream=True, stream_options={"include_usage": True}),
        plain("chat:stream, tools", chat, messages=USER, stream=True, tools=TOOLS, tool_choice="required"),
        plain("chat:tool_choice auto", chat, messages=USER, tools=TOOLS, tool_choice="auto"),
        plain(
            "chat:tool_choice allowed",
            chat,
            messages=USER,
            tools=TOOLS,
            tool_choice={
                "type": "allowed_tools",
                "allowed_tools": {"mode": "auto", "tools": [{"type": "function", "function": {"name": "get_weather"}}]},
            },
        ),
        plain("chat:response_format json_object", chat, messages=USER, response_format={"type": "json_object"}),
        plain("chat:response_format text", chat, messages=USER, response_format={"type": "text"}),
        plain("chat:catch-all keywords", chat, messages=USER, top_k=5, safety_settings=[{"category": "x"}]),
        plain("chat:catch-all under extra_body", chat, messages=USER, top_k=5, extra_body={"top_k": 6, "z": None}),
        plain("chat:extra_headers", chat, messages=USER, extra_headers={"x-extra": "1", "x-portkey-trace-id": "t2"}),
        plain("chat:extra_query", chat, messages=USER, extra_query={"api-version": "2024", "list": ["a", "b"]}),
        plain("chat:timeout", chat, messages=USER, timeout=3.5),
        plain("chat:nested empties", chat, messages=[{"role": "user", "content": []}], metadata={}),
        plain("completions:model and prompt default", completions, max_tokens=5),
        plain("completions:tokens", completions, prompt=[1, 2, 3]),
        plain("completions:token lists", completions, prompt=[[1, 2], [3]]),
        plain("completions:stream", completions, prompt="x", stream=True),
        plain("completions:catch-all", completions, prompt="x", top_k=3),
        plain("embeddings:model default", embeddings, input="hello"),
        plain("embeddings:base64 default", embeddings, input="hello", model="m"),
        plain("embeddings:tokens", embeddings, input=[[1, 2], [3]], encoding_format="base64"),
        plain("embeddings:catch-all", embeddings, input="x", input_type="query"),
        made("chat:tuples", chat, True, lambda: {"messages": ({"role": "user", "content": ("a",)},), "stop": ("x",)}),
        made("chat:omit and NOT_GIVEN", chat, True, lambda: {"messages": USER, "n": omit, "seed": NOT_GIVEN}),
        made(
            "chat:TypedDict",
            chat,
            True,
            lambda: {"messages": [ChatCompletionUserMessageParam(role="user", content="t")]},
        ),
        made("chat:timeout object", chat, True, lambda: {"messages": USER, "timeout": httpx.Timeout(4.0, read=9.0)}),
        # Whatever is not plain JSON data goes through openai's transform.
        made("chat:generator messages", chat, False, lambda: {"messages": (m for m in USER)}),
        made("chat:generator tools", chat, False, lambda: {"messages": USER, "tools": iter(TOOLS)}),
        made(
            "chat:NotGiven nested",
            chat,
            False,
            lambda: {"messages": [{"role": "user", "content": "x", "name": NotGiven()}]},
        ),
        made("chat:omit nested", chat, False, lambda: {"messages": USER, "metadata": {"a": omit}}),
        made("chat:pydantic message", chat, False, lambda: {"messages": [Note()]}),
        made(
            "chat:pydantic response message",
            chat,
            False,
            lambda: {"messages": [ChatCompletionMessage(role="assistant", content="x")]},
        ),
        made("chat:pydantic response_format", chat, None, lambda: {"messages": USER, "response_format": Note}),
        made("chat:str enum", chat, False, lambda: {"messages": [{"role": Colour.RED, "content": "x"}]}),
        made(
            "chat:datetime metadata",
            chat,
            False,
            lambda: {"messages": USER, "metadata": {"at": datetime.datetime(2026, 1, 2, 3, 4, 5)}},
        ),
        made("chat:int keys", chat, False, lambda: {"messages": USER, "logit_bias": {50256: -100}}),
        made("chat:bytes", chat, False, lambda: {"messages": [{"role": "user", "content": b"raw"}]}),
        made("chat:path", chat, False, lambda: {"messages": USER, "metadata": {"p": pathlib.PurePosixPath("/a")}}),
        made("chat:dict subclass", chat, False, lambda: {"messages": [_Dict(role="user", content="x")]}),
        made("chat:nan", chat, True, lambda: {"messages": USER, "temperature": float("nan")}),
        made("completions:generator", completions, False, lambda: {"prompt": (t for t in [1, 2])}),
        made("completions:range", completions, False, lambda: {"prompt": range(3)}),
        made("embeddings:generator", embeddings, False, lambda: {"input": (s for s in ["a"])}),
        made("embeddings:bytes", embeddings, False, lambda: {"input": b"x"}),
        made("embeddings:missing input", embeddings, None, lambda: {"model": "m"}),
    ]
    return cases


class _Dict(dict[str, object]):
    pass


CORPUS = corpus()


def test_the_corpus_covers_every_parameter() -> None:
    for path, (_, values) in METHODS.items():
        missing = [name for name in parameters(path) if name not in values]
        assert missing == [], f"{path}: new openai parameters without a value in the corpus: {missing}"
        signature = inspect.signature(METHODS[path][0]).parameters
        assert set(signature) >= REQUEST_OPTIONS, path
    lane_paths = {case.path for case in CORPUS if case.lane}
    assert lane_paths == set(fastlane.LANE_METHODS)


def _reachable_property_infos(root: object) -> list[tuple[str, PropertyInfo]]:
    found: list[tuple[str, PropertyInfo]] = []
    seen: set[str] = set()

    def walk(annotation: object, where: str) -> None:
        if isinstance(annotation, PropertyInfo):
            found.append((where, annotation))
            return
        key = repr(annotation)
        if key in seen:
            return
        seen.add(key)
        if typing_extensions.is_typeddict(annotation):
            hints = typing.get_type_hints(annotation, include_extras=True)
            for name, hint in hints.items():
                walk(hint, f"{where}.{name}")
            return
        for metadata in getattr(annotation, "__metadata__", ()):
            walk(metadata, where)
        for argument in typing.get_args(annotation):
            walk(argument, f"{where}[]")

    walk(root, getattr(root, "__name__", repr(root)))
    return found


@pytest.mark.parametrize(
    "params",
    [
        chat_create_params.CompletionCreateParamsStreaming,
        chat_create_params.CompletionCreateParamsNonStreaming,
        completion_create_params.CompletionCreateParamsStreaming,
        completion_create_params.CompletionCreateParamsNonStreaming,
        embedding_create_params.EmbeddingCreateParams,
    ],
)
def test_no_alias_or_format_reaches_plain_data(params: object) -> None:
    """The lane's premise: openai's transform renames nothing and formats nothing JSON data can hold in these
    parameters (formats apply to dates and files only, which are not plain data)."""
    infos = _reachable_property_infos(params)
    assert [(where, info) for where, info in infos if info.alias is not None] == []
    assert {info.format for _, info in infos} <= {None, "iso8601", "base64", "custom"}


class Params(typing_extensions.TypedDict, total=False):
    betas: typing_extensions.Annotated[list[str], PropertyInfo(alias="openai-beta")]


class Outer(typing_extensions.TypedDict):
    inner: list[Params]


def test_the_walk_finds_an_alias() -> None:
    """The check above can fail: an aliased field is found however deep."""
    found = _reachable_property_infos(Outer)
    assert {(where, info.alias) for where, info in found} >= {("Outer.inner[].betas", "openai-beta")}


@dataclass
class Sent:
    method: str
    url: str
    headers: list[tuple[str, str]]
    content: bytes


@dataclass
class Outcome:
    sent: list[Sent]
    result: object
    transforms: int


def _result(value: object) -> object:
    if isinstance(value, pydantic.BaseModel):
        return (type(value).__name__, value.model_dump(mode="json"))
    if isinstance(value, BaseException):
        return (type(value), str(value))
    return value


async def _send(client: Portkey | AsyncPortkey, case: Case) -> object:
    target: Any = client
    for name in case.path.split("."):
        target = getattr(target, name)
    kwargs = case.kwargs()
    result = target(**kwargs)
    if inspect.isawaitable(result):
        result = await result
    if kwargs.get("stream") is True:
        if isinstance(client, AsyncPortkey):
            return [_result(chunk) async for chunk in result]
        return [_result(chunk) for chunk in result]
    return _result(result)


async def _outcome(is_async: bool, case: Case, monkeypatch: pytest.MonkeyPatch, *, lane: bool) -> Outcome:
    script = Script([answer])
    client = make_client(is_async, script, api_key="pk", provider="openai", trace_id="trace-1", max_retries=0)
    transforms = 0

    def counted(data: object, expected_type: object) -> object:
        nonlocal transforms
        transforms += 1
        return openai_transform(data, expected_type)

    async def acounted(data: object, expected_type: object) -> object:
        return counted(data, expected_type)

    with monkeypatch.context() as patch:
        patch.setattr(fastlane, "maybe_transform", counted)
        patch.setattr(fastlane, "async_maybe_transform", acounted)
        if not lane:
            patch.setattr(fastlane, "plain_body", lambda data: None)
        try:
            result = await _send(client, case)
        except Exception as error:  # both paths must raise the same
            result = _result(error)
    sent = [Sent(r.method, str(r.url), list(r.headers.multi_items()), r.content) for r in script.requests]
    return Outcome(sent, result, transforms)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
async def test_the_lane_sends_what_openai_sends(is_async: bool, case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = await _outcome(is_async, case, monkeypatch, lane=True)
    slow = await _outcome(is_async, case, monkeypatch, lane=False)
    assert fast.sent == slow.sent
    for sent in fast.sent:
        assert json.loads(sent.content) == json.loads(slow.sent[0].content)
    assert fast.result == slow.result
    if case.lane is None:
        assert (fast.transforms, slow.transforms, fast.sent) == (0, 0, [])
    else:
        assert slow.transforms == 1
        assert (fast.transforms == 0) is case.lane, "took the lane" if fast.transforms == 0 else "fell back"


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_raw_response_takes_the_lane(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script([answer])
    client = make_client(is_async, script, api_key="pk", trace_id="t")
    calls: list[object] = []
    monkeypatch.setattr(fastlane, "maybe_transform", lambda *args: calls.append(args))
    monkeypatch.setattr(fastlane, "async_maybe_transform", lambda *args: calls.append(args))
    raw = client.chat.completions.with_raw_response.create(messages=USER, top_k=1)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    response = await raw if inspect.isawaitable(raw) else raw
    assert json.loads(script.last.content) == {"model": "portkey-default", "messages": USER, "top_k": 1}
    assert response.http_request.headers["x-portkey-trace-id"] == "t"
    assert calls == []


def test_only_the_three_methods_take_the_lane() -> None:
    client = Portkey(api_key="pk", base_url="http://gateway.test/v1")
    for resource in (client.chat.completions, client.completions, client.embeddings):
        create = inspect.unwrap(type(resource).create)
        assert create.__globals__["maybe_transform"] is fastlane._transform  # pyright: ignore[reportPrivateUsage]
        parent: Any = type(resource).__mro__[1]
        assert create.__code__ is inspect.unwrap(parent.create).__code__
    for method in (type(client.chat.completions).retrieve, type(client.images).generate):
        assert inspect.unwrap(method).__globals__["maybe_transform"] is not fastlane._transform  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(
    ("data", "body"),
    [
        ({"a": 1, "b": omit, "c": NOT_GIVEN, "d": None}, {"a": 1, "d": None}),
        ({"t": (1, (2,)), "s": "x", "f": 1.5, "b": True}, {"t": [1, [2]], "s": "x", "f": 1.5, "b": True}),
        ({"n": {"k": [{"v": None}]}}, {"n": {"k": [{"v": None}]}}),
    ],
)
def test_plain_body(data: dict[str, object], body: dict[str, object]) -> None:
    copied = fastlane.plain_body(data)
    assert copied == body
    assert json.dumps(copied) == json.dumps(body)


@pytest.mark.parametrize(
    "data",
    [
        {"a": iter([1])},
        {"a": {1: "x"}},
        {"a": [b"x"]},
        {"a": [{"b": omit}]},
        {"a": Colour.RED},
        {"a": Note()},
        {"a": _Dict()},
        {"a": {"b": datetime.date(2026, 1, 1)}},
        {"a": {1, 2}},
    ],
)
def test_not_plain(data: dict[str, object]) -> None:
    assert fastlane.plain_body(data) is None


def test_not_a_dict() -> None:
    assert fastlane.plain_body([1]) is None


def test_the_copy_is_deep() -> None:
    """Like openai's transform, the lane copies the containers: a retry sends what the call was given."""
    messages = [{"role": "user", "content": ["a"]}]
    body = fastlane.plain_body({"messages": messages})
    assert body is not None
    sent = typing.cast("list[dict[str, list[str]]]", body["messages"])
    assert sent == messages
    assert sent is not messages
    assert sent[0] is not messages[0]
    assert sent[0]["content"] is not messages[0]["content"]


def test_lane_function_leaves_other_callables() -> None:
    assert fastlane.lane_function(len) is len

    def no_transform() -> None:
        return None

    assert fastlane.lane_function(no_transform) is no_transform


def test_the_lane_keeps_openai_s_argument_checks() -> None:
    client = Portkey(api_key="pk", base_url="http://gateway.test/v1")
    with pytest.raises(TypeError, match="Missing required arguments"):
        client.chat.completions.create()  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "base_url", ["http://gateway.test/v1", "http://gateway.test/v1/", "http://gateway.test", "https://g.test:8443/a/b"]
)
def test_the_lane_urls_are_openai_s(is_async: bool, base_url: str) -> None:
    client = make_client(is_async, Script(), api_key="pk", base_url=base_url)
    for path in [*sorted(fastlane.LANE_PATHS), "/models", "https://elsewhere.test/x"]:
        first = client._prepare_url(path)  # pyright: ignore[reportPrivateUsage]
        assert first == BaseClient._prepare_url(client, path)  # pyright: ignore[reportPrivateUsage]
        assert (client._prepare_url(path) is first) is (path in fastlane.LANE_PATHS)  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_new_base_url_is_used_at_once(is_async: bool) -> None:
    script = Script([answer])
    client = make_client(is_async, script, api_key="pk")
    await _send(client, plain("chat", "chat.completions.create", messages=USER))
    client.base_url = httpx.URL("http://other.test/v2")
    await _send(client, plain("chat", "chat.completions.create", messages=USER))
    copy = client.with_options(base_url="http://third.test/v3")
    await _send(copy, plain("chat", "chat.completions.create", messages=USER))
    urls = [str(request.url) for request in script.requests]
    assert urls == [
        "http://gateway.test/v1/chat/completions",
        "http://other.test/v2/chat/completions",
        "http://third.test/v3/chat/completions",
    ]


def _streamed(case: Case) -> Case:
    return made(f"{case.id}, streamed", case.path, True, lambda: {**case.kwargs(), "stream": True})


_EVERY_PARAMETER = [case for case in CORPUS if case.id.endswith(":all")]
ALL_PARAMETERS = _EVERY_PARAMETER + [_streamed(case) for case in _EVERY_PARAMETER if case.path != "embeddings.create"]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", ALL_PARAMETERS, ids=[case.id for case in ALL_PARAMETERS])
async def test_the_lane_equals_openai_s_own_method(is_async: bool, case: Case) -> None:
    """Against openai's method itself (not rebound, no adapter), with arguments the adapter leaves unchanged."""
    scripts = [Script([answer]), Script([answer])]
    clients = [make_client(is_async, script, api_key="pk", trace_id="t") for script in scripts]
    await _send(clients[0], case)
    resource: Any = clients[1]
    for name in case.path.split(".")[:-1]:
        resource = getattr(resource, name)
    openai_class: Any = type(resource).__mro__[1]
    result = openai_class.create(resource, **case.kwargs())
    if inspect.isawaitable(result):
        result = await result
    fast, slow = scripts[0].last, scripts[1].last
    assert (fast.method, fast.url, fast.headers.multi_items(), fast.content) == (
        slow.method,
        slow.url,
        slow.headers.multi_items(),
        slow.content,
    )
