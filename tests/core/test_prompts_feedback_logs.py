"""prompts / feedback / logs / generations against the recording fake provider, sync and async.

Each method must send exactly the method, path, query and body the OpenAPI spec describes, parse the answer into its
typed model, map error answers to openai's exceptions, honour the per-call `extra_*` and `timeout` arguments, and
reject bad arguments before anything is sent.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import openai
import pytest
from openai import AsyncStream, Stream

from portkey_ai import AsyncPortkey, MissingExtensionError, Portkey, get_headers
from portkey_ai.types.feedback_create_params import FeedbackParam
from portkey_ai.types.feedback_response import FeedbackResponse
from portkey_ai.types.log_create_params import CustomLogParam
from portkey_ai.types.log_create_response import LogCreateResponse
from portkey_ai.types.prompt_completion import PromptCompletion
from portkey_ai.types.prompt_completion_chunk import PromptCompletionChunk
from portkey_ai.types.prompt_render import PromptRender
from tests.servers.fake_provider import FakeProvider, Fault

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

T = TypeVar("T")
Client = Portkey | AsyncPortkey

FEEDBACK_ID = "0b9e8f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
TRACE_HEADERS = {"x-portkey-trace-id": "trace-42"}

RENDER_ANSWER: dict[str, Any] = {
    "success": True,
    "data": {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi Ada"}],
        "temperature": 0.3,
        "thinking": {"type": "enabled"},
    },
}
COMPLETION_ANSWER: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1_700_000_000,
    "model": "gpt-4o-mini",
    "provider": "openai",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hello Ada"}}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
}
FEEDBACK_ANSWER: dict[str, Any] = {"status": "success", "message": "Feedback saved", "feedback_ids": [FEEDBACK_ID]}
LOG_ANSWER: dict[str, Any] = {"status": "success", "message": "Logs inserted"}
LOG_REQUEST: dict[str, Any] = {"url": "https://llm.example/v1/generate", "method": "POST", "body": {"prompt": "AI?"}}
LOG_RESPONSE: dict[str, Any] = {"status": 200, "body": {"text": "AI is..."}, "response_time": 123}
LOG: CustomLogParam = {
    "request": LOG_REQUEST,
    "response": LOG_RESPONSE,
    "metadata": {"trace_id": "trace-42", "_user": "u-1"},
}


@dataclass(frozen=True)
class Case:
    """One method call and the exact HTTP exchange it must produce."""

    id: str
    resource: str
    method: str
    kwargs: dict[str, Any]
    http_method: str
    path: str
    body: Any
    answer: Any
    result_type: type[Any]
    takes_extra_body: bool = True
    extra: dict[str, Any] = field(default_factory=lambda: {})


CASES = [
    Case(
        "prompts.render",
        "prompts",
        "render",
        {
            "prompt_id": "pp-greet-1",
            "variables": {"name": "Ada", "mood": ""},
            "temperature": 0.3,
            "max_tokens": 50,
            "top_k": 4,
            "top_p": 0.9,
            "presence_penalty": 0.2,
        },
        "POST",
        "/v1/prompts/pp-greet-1/render",
        {
            "variables": {"name": "Ada", "mood": ""},
            "temperature": 0.3,
            "max_tokens": 50,
            "top_k": 4,
            "top_p": 0.9,
            "presence_penalty": 0.2,
        },
        RENDER_ANSWER,
        PromptRender,
    ),
    Case(
        "prompts.completions.create",
        "prompts.completions",
        "create",
        {
            "prompt_id": "pp-greet-1",
            "variables": {"name": "Ada"},
            "max_completion_tokens": 20,
            "hyperparameters": {"seed": 7},
            "stop": ["\n"],
        },
        "POST",
        "/v1/prompts/pp-greet-1/completions",
        {"variables": {"name": "Ada"}, "stream": False, "max_completion_tokens": 20, "seed": 7, "stop": ["\n"]},
        COMPLETION_ANSWER,
        PromptCompletion,
    ),
    Case(
        "feedback.create",
        "feedback",
        "create",
        {"trace_id": "trace-42", "value": 5, "weight": 0.5, "metadata": {"_user": "u-1"}},
        "POST",
        "/v1/feedback",
        {"trace_id": "trace-42", "value": 5, "weight": 0.5, "metadata": {"_user": "u-1"}},
        FEEDBACK_ANSWER,
        FeedbackResponse,
    ),
    # The official SDK lets `trace_id` and `value` be omitted (the spec requires them): nothing sent for them.
    Case(
        "feedback.create[omitted]",
        "feedback",
        "create",
        {},
        "POST",
        "/v1/feedback",
        {},
        FEEDBACK_ANSWER,
        FeedbackResponse,
    ),
    Case(
        "feedback.create[value only]",
        "feedback",
        "create",
        {"value": 0},
        "POST",
        "/v1/feedback",
        {"value": 0},
        FEEDBACK_ANSWER,
        FeedbackResponse,
    ),
    Case(
        "feedback.update",
        "feedback",
        "update",
        {"feedback_id": FEEDBACK_ID, "value": -3},
        "PUT",
        f"/v1/feedback/{FEEDBACK_ID}",
        {"value": -3},
        FEEDBACK_ANSWER,
        FeedbackResponse,
    ),
    Case(
        "feedback.update[omitted]",
        "feedback",
        "update",
        {"feedback_id": FEEDBACK_ID},
        "PUT",
        f"/v1/feedback/{FEEDBACK_ID}",
        {},
        FEEDBACK_ANSWER,
        FeedbackResponse,
    ),
    Case(
        "logs.create",
        "logs",
        "create",
        dict(LOG),
        "POST",
        "/v1/logs",
        LOG,
        LOG_ANSWER,
        LogCreateResponse,
    ),
    # The official SDK lets `request` and `response` be omitted (the spec requires them): nothing sent for them.
    Case("logs.create[omitted]", "logs", "create", {}, "POST", "/v1/logs", {}, LOG_ANSWER, LogCreateResponse),
    Case(
        "logs.create[request only]",
        "logs",
        "create",
        {"request": LOG_REQUEST},
        "POST",
        "/v1/logs",
        {"request": LOG_REQUEST},
        LOG_ANSWER,
        LogCreateResponse,
    ),
    Case(
        "logs.create[batch]",
        "logs",
        "create",
        {"logs": [LOG, {"request": LOG_REQUEST, "response": LOG_RESPONSE}]},
        "POST",
        "/v1/logs",
        [LOG, {"request": LOG_REQUEST, "response": LOG_RESPONSE}],
        LOG_ANSWER,
        LogCreateResponse,
        takes_extra_body=False,
    ),
]
CASE_IDS = [case.id for case in CASES]


async def resolve(value: Awaitable[T] | T) -> T:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(stream: Stream[T] | AsyncStream[T]) -> list[T]:
    """Every item of a sync or async stream."""
    if isinstance(stream, AsyncStream):
        return [item async for item in stream]
    return list(stream)


def method_of(client: Client, case: Case, wrapper: str | None = None) -> Callable[..., Any]:
    """`client.<resource>[.<wrapper>].<method>`."""
    target: Any = client
    for part in case.resource.split("."):
        target = getattr(target, part)
    if wrapper is not None:
        target = getattr(target, wrapper)
    method: Callable[..., Any] = getattr(target, case.method)
    return method


async def call(client: Client, case: Case, **extra: Any) -> Any:
    """Run the case's call (with `extra` keyword arguments) and return its result."""
    return await resolve(method_of(client, case)(**case.kwargs, **extra))


@pytest.fixture
async def client(is_async: bool, fake_provider: FakeProvider) -> AsyncIterator[Client]:
    """A Portkey or AsyncPortkey client on the fake provider, closed afterwards."""
    if is_async:
        async with AsyncPortkey(base_url=fake_provider.base_url, api_key="pk-test") as async_client:
            yield async_client
    else:
        with Portkey(base_url=fake_provider.base_url, api_key="pk-test") as sync_client:
            yield sync_client


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
async def test_sends_exactly_what_the_spec_describes(client: Client, fake_provider: FakeProvider, case: Case) -> None:
    fake_provider.set_route(case.http_method, case.path, json_body=case.answer, headers=TRACE_HEADERS)
    result = await call(client, case)
    (sent,) = fake_provider.requests
    assert (sent.method, sent.path, sent.query) == (case.http_method, case.path, {})
    assert sent.json == case.body
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["x-portkey-api-key"] == "pk-test"
    assert isinstance(result, case.result_type)
    assert result.to_dict() == case.answer
    assert result.get_headers() == {"trace-id": "trace-42"}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
async def test_extra_headers_query_and_body(client: Client, fake_provider: FakeProvider, case: Case) -> None:
    fake_provider.set_route(case.http_method, case.path, json_body=case.answer)
    extra: dict[str, Any] = {"extra_headers": {"x-team": "blue"}, "extra_query": {"dry_run": "1"}}
    if case.takes_extra_body:
        extra["extra_body"] = {"note": "hello"}
    await call(client, case, **extra)
    (sent,) = fake_provider.requests
    assert sent.headers["x-team"] == "blue"
    assert sent.query == {"dry_run": ["1"]}
    expected = {**case.body, "note": "hello"} if case.takes_extra_body else case.body
    assert sent.json == expected


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
async def test_per_call_timeout(is_async: bool, fake_provider: FakeProvider, case: Case) -> None:
    fake_provider.enqueue(Fault(delay_before_headers=5), path=case.path)
    client_class = AsyncPortkey if is_async else Portkey
    client = client_class(base_url=fake_provider.base_url, api_key="pk-test", max_retries=0, timeout=60)
    try:
        with pytest.raises(openai.APITimeoutError):
            await call(client, case, timeout=0.2)
    finally:
        await resolve(client.close())
    # The client gave up at the read timeout; the server thread may record the request a moment later.
    assert len(fake_provider.wait_for_requests(1, path=case.path)) == 1


ERRORS = [
    (401, openai.AuthenticationError, {"error": {"message": "Invalid API key", "type": "authentication_error"}}),
    (404, openai.NotFoundError, {"error": {"message": "Prompt not found", "type": "not_found_error"}}),
    (
        422,
        openai.UnprocessableEntityError,
        {
            "title": "Invalid request",
            "status": 422,
            "validation": [{"location": ["body", "value"], "code": "maximum", "message": "must be <= 10"}],
        },
    ),
]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize(("status", "error", "answer"), ERRORS, ids=[str(status) for status, _, _ in ERRORS])
async def test_error_answers_raise_openai_exceptions(
    client: Client,
    fake_provider: FakeProvider,
    case: Case,
    status: int,
    error: type[openai.APIStatusError],
    answer: dict[str, Any],
) -> None:
    fake_provider.set_route(case.http_method, case.path, status=status, json_body=answer)
    with pytest.raises(error) as caught:
        await call(client, case)
    assert caught.value.status_code == status
    assert caught.value.body == answer.get("error", answer)
    assert len(fake_provider.requests) == 1


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
async def test_with_raw_response(client: Client, fake_provider: FakeProvider, case: Case) -> None:
    fake_provider.set_route(case.http_method, case.path, json_body=case.answer, headers=TRACE_HEADERS)
    raw = await resolve(method_of(client, case, "with_raw_response")(**case.kwargs))
    assert raw.status_code == 200
    assert raw.headers["x-portkey-trace-id"] == "trace-42"
    parsed = raw.parse()
    assert isinstance(parsed, case.result_type)
    assert parsed.to_dict() == case.answer
    assert fake_provider.requests[0].json == case.body


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
async def test_with_streaming_response(client: Client, fake_provider: FakeProvider, case: Case) -> None:
    fake_provider.set_route(case.http_method, case.path, json_body=case.answer, headers=TRACE_HEADERS)
    manager = method_of(client, case, "with_streaming_response")(**case.kwargs)
    if isinstance(client, AsyncPortkey):
        async with manager as response:
            assert response.headers["x-portkey-trace-id"] == "trace-42"
            parsed = await response.parse()
    else:
        with manager as response:
            assert response.headers["x-portkey-trace-id"] == "trace-42"
            parsed = response.parse()
    assert isinstance(parsed, case.result_type)
    assert parsed.to_dict() == case.answer


def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    """One chat completion chunk as the gateway streams it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


SSE_CHUNKS = [chunk({"role": "assistant", "content": "Hello"}), chunk({"content": " Ada"}), chunk({}, "stop")]
SSE_BODY = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in SSE_CHUNKS) + b"data: [DONE]\n\n"
SSE_HEADERS = {"content-type": "text/event-stream", **TRACE_HEADERS}


async def stream_completion(
    client: Client, variables: dict[str, Any] | None = None
) -> Stream[PromptCompletionChunk] | AsyncStream[PromptCompletionChunk]:
    """`prompts.completions.create(prompt_id="pp-greet-1", variables=..., stream=True)` through either client."""
    if isinstance(client, AsyncPortkey):
        return await client.prompts.completions.create(prompt_id="pp-greet-1", variables=variables, stream=True)
    return client.prompts.completions.create(prompt_id="pp-greet-1", variables=variables, stream=True)


async def test_completions_stream_yields_typed_chunks(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/prompts/pp-greet-1/completions", body=SSE_BODY, headers=SSE_HEADERS)
    stream = await stream_completion(client, variables={"name": "Ada"})
    assert isinstance(stream, AsyncStream if isinstance(client, AsyncPortkey) else Stream)
    chunks = await collect(stream)
    assert all(isinstance(c, PromptCompletionChunk) for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices[0].delta) == "Hello Ada"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert get_headers(chunks[0]) == {"trace-id": "trace-42"}
    (sent,) = fake_provider.requests
    assert sent.json == {"variables": {"name": "Ada"}, "stream": True}


async def test_completions_stream_through_with_raw_response(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/prompts/pp-greet-1/completions", body=SSE_BODY, headers=SSE_HEADERS)
    if isinstance(client, AsyncPortkey):
        async_raw = await client.prompts.completions.with_raw_response.create(prompt_id="pp-greet-1", stream=True)
        content_type = async_raw.headers["content-type"]
        chunks = await collect(async_raw.parse())
    else:
        raw = client.prompts.completions.with_raw_response.create(prompt_id="pp-greet-1", stream=True)
        content_type = raw.headers["content-type"]
        chunks = await collect(raw.parse())
    assert content_type == "text/event-stream"
    assert [c.choices[0].delta.content if c.choices[0].delta else None for c in chunks] == ["Hello", " Ada", None]


async def test_completions_stream_error_event_raises(client: Client, fake_provider: FakeProvider) -> None:
    error = {"error": {"message": "provider failed", "type": "server_error"}}
    body = b"data: " + json.dumps(SSE_CHUNKS[0]).encode() + b"\n\ndata: " + json.dumps(error).encode() + b"\n\n"
    fake_provider.set_route("POST", "/v1/prompts/pp-greet-1/completions", body=body, headers=SSE_HEADERS)
    stream = await stream_completion(client)
    with pytest.raises(openai.APIError, match="provider failed"):
        await collect(stream)


async def test_completion_envelope_is_unwrapped(client: Client, fake_provider: FakeProvider) -> None:
    envelope = {"status": "success", "headers": {"x-upstream": "1"}, "body": COMPLETION_ANSWER}
    fake_provider.set_route("POST", "/v1/prompts/pp-greet-1/completions", json_body=envelope)
    completion = await resolve(client.prompts.completions.create(prompt_id="pp-greet-1", variables={}))
    assert isinstance(completion, PromptCompletion)
    assert completion.choices[0].message is not None
    assert completion.choices[0].message.content == "Hello Ada"
    assert completion.usage is not None and completion.usage.total_tokens == 7
    assert (completion.id, completion.status, completion.headers) == ("chatcmpl-1", "success", {"x-upstream": "1"})


async def test_text_completion_prompt(client: Client, fake_provider: FakeProvider) -> None:
    answer = {
        "id": "cmpl-1",
        "object": "text_completion",
        "choices": [{"index": 0, "text": "Hi", "finish_reason": "length"}],
    }
    fake_provider.set_route("POST", "/v1/prompts/pp-text/completions", json_body=answer)
    completion = await resolve(client.prompts.completions.create(prompt_id="pp-text"))
    assert completion.object == "text_completion"
    assert completion.choices[0].text == "Hi"
    assert completion.choices[0].message is None


async def test_prompt_id_is_one_path_segment(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/prompts/greet@v2%2Fx%3F/render", json_body=RENDER_ANSWER)
    await resolve(client.prompts.render(prompt_id="greet@v2/x?", variables={}))
    assert fake_provider.requests[0].path == "/v1/prompts/greet@v2%2Fx%3F/render"


async def test_render_data_keeps_unknown_settings(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/prompts/pp-greet-1/render", json_body=RENDER_ANSWER)
    rendered = await resolve(client.prompts.render(prompt_id="pp-greet-1"))
    assert rendered.success is True and rendered.data is not None
    assert [m.content for m in rendered.data.messages or []] == ["Be brief.", "Hi Ada"]
    assert rendered.data.to_dict()["thinking"] == {"type": "enabled"}
    assert fake_provider.requests[0].json == {"variables": {}}


async def test_per_call_config_is_sent_as_header(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/prompts/pp-1/completions", json_body=COMPLETION_ANSWER)
    config = {"retry": {"attempts": 3}, "cache": {"mode": "simple"}}
    await resolve(client.prompts.completions.create(prompt_id="pp-1", config=config))
    await resolve(
        client.prompts.completions.create(
            prompt_id="pp-1", config="pc-saved", extra_headers={"x-portkey-config": "pc-explicit"}
        )
    )
    first, second = fake_provider.requests
    assert json.loads(first.headers["x-portkey-config"]) == config
    assert "config" not in first.json
    assert second.headers["x-portkey-config"] == "pc-explicit"


async def test_generations_create_is_deprecated_and_runs_the_prompt(
    client: Client, fake_provider: FakeProvider
) -> None:
    fake_provider.set_route("POST", "/v1/prompts/pp-1/completions", json_body=COMPLETION_ANSWER)
    with pytest.warns(DeprecationWarning, match="prompts.completions.create"):
        completion = await resolve(client.generations.create(prompt_id="pp-1", variables={"x": 1}, config="pc-1"))
    assert isinstance(completion, PromptCompletion)
    (sent,) = fake_provider.requests
    assert (sent.method, sent.path) == ("POST", "/v1/prompts/pp-1/completions")
    assert sent.json == {"variables": {"x": 1}, "stream": False}
    assert sent.headers["x-portkey-config"] == "pc-1"


async def test_feedback_bulk_create_sends_one_spec_request_per_entry(
    client: Client, fake_provider: FakeProvider
) -> None:
    ids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]
    fake_provider.enqueue(
        *(
            Fault(
                status=200,
                body={"status": "success", "message": "ok", "feedback_ids": [i]},
                headers={"x-portkey-trace-id": f"t-{n}"},
            )
            for n, i in enumerate(ids, 1)
        ),
        path="/v1/feedback",
    )
    feedbacks: list[FeedbackParam] = [
        {"trace_id": "t-1", "value": 1},
        {"trace_id": "t-2", "value": -10, "weight": 0, "metadata": {"k": 1}},
    ]
    result = await resolve(client.feedback.bulk_create(feedbacks=feedbacks, extra_headers={"x-team": "blue"}))
    assert isinstance(result, FeedbackResponse)
    assert (result.status, result.message, result.feedback_ids) == ("success", "ok", ids)
    assert get_headers(result) == {"trace-id": "t-2"}
    assert [(r.method, r.path, r.json) for r in fake_provider.requests] == [
        ("POST", "/v1/feedback", feedbacks[0]),
        ("POST", "/v1/feedback", feedbacks[1]),
    ]
    assert all(r.headers["x-team"] == "blue" for r in fake_provider.requests)


async def test_feedback_bulk_create_answers_parsed_in_every_response_mode(
    client: Client, fake_provider: FakeProvider
) -> None:
    """Several requests have no one raw response: the raw and streamed twins give the merged answer too."""
    answer = {"status": "success", "message": "ok", "feedback_ids": [FEEDBACK_ID]}
    fake_provider.enqueue(*(Fault(status=200, body=answer) for _ in range(2)), path="/v1/feedback")
    feedbacks: list[FeedbackParam] = [{"trace_id": "t-1", "value": 1}]
    for twin in (client.feedback.with_raw_response, client.feedback.with_streaming_response):
        result = await resolve(twin.bulk_create(feedbacks=feedbacks))
        assert isinstance(result, FeedbackResponse)
        assert result.feedback_ids == [FEEDBACK_ID]
    assert [r.json for r in fake_provider.requests] == [feedbacks[0], feedbacks[0]]


async def test_feedback_bulk_create_stops_at_the_first_error(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/feedback", json_body=FEEDBACK_ANSWER)
    fake_provider.enqueue(Fault(), Fault(status=404), path="/v1/feedback")
    feedbacks: list[FeedbackParam] = [{"trace_id": f"t-{i}", "value": i} for i in range(3)]
    with pytest.raises(openai.NotFoundError):
        await resolve(client.feedback.bulk_create(feedbacks=feedbacks))
    assert [r.json["trace_id"] for r in fake_provider.requests] == ["t-0", "t-1"]


async def test_logs_create_with_empty_answer(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/logs", body=b"")
    result = await resolve(client.logs.create(request=LOG_REQUEST, response=LOG_RESPONSE))
    assert isinstance(result, LogCreateResponse)
    assert result.to_dict() == {}
    raw = await resolve(client.logs.with_raw_response.create(request=LOG_REQUEST, response=LOG_RESPONSE))
    assert isinstance(raw.parse(), LogCreateResponse)
    assert fake_provider.requests[0].json == {"request": LOG_REQUEST, "response": LOG_RESPONSE}


async def test_logs_create_with_text_answer(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/logs", body=b"OK", headers={"content-type": "text/plain"})
    result = await resolve(client.logs.create(logs=[LOG]))
    assert result.message == "OK"


async def test_retries_server_errors(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/feedback", json_body=FEEDBACK_ANSWER)
    fake_provider.enqueue(Fault(status=503, headers={"retry-after-ms": "1"}), path="/v1/feedback")
    result = await resolve(client.feedback.create(trace_id="t-1", value=1))
    assert result.feedback_ids == [FEEDBACK_ID]
    assert len(fake_provider.requests) == 2


BAD_CALLS: list[tuple[str, str, str, dict[str, Any], type[Exception], str]] = [
    ("prompt-id-empty", "prompts", "render", {"prompt_id": " "}, ValueError, "`prompt_id`"),
    ("prompt-id-type", "prompts.completions", "create", {"prompt_id": 7}, TypeError, "`prompt_id`"),
    ("prompt-id-dots", "prompts.completions", "create", {"prompt_id": ".."}, ValueError, "`prompt_id`"),
    ("variables-type", "prompts", "render", {"prompt_id": "p", "variables": ["a"]}, TypeError, "`variables`"),
    ("variables-key", "prompts", "render", {"prompt_id": "p", "variables": {1: "a"}}, TypeError, "`variables`"),
    ("render-stream", "prompts", "render", {"prompt_id": "p", "stream": True}, ValueError, "`stream=True`"),
    (
        "temperature",
        "prompts.completions",
        "create",
        {"prompt_id": "p", "temperature": "hot"},
        TypeError,
        "`temperature`",
    ),
    ("max-tokens", "prompts.completions", "create", {"prompt_id": "p", "max_tokens": -1}, ValueError, "`max_tokens`"),
    ("top-k-bool", "prompts", "render", {"prompt_id": "p", "top_k": True}, TypeError, "`top_k`"),
    ("stream-type", "prompts.completions", "create", {"prompt_id": "p", "stream": "yes"}, TypeError, "`stream`"),
    (
        "setting-twice",
        "prompts.completions",
        "create",
        {"prompt_id": "p", "temperature": 0.1, "hyperparameters": {"temperature": 0.2}},
        ValueError,
        "`temperature` is given twice",
    ),
    (
        "reserved-setting",
        "prompts.completions",
        "create",
        {"prompt_id": "p", "hyperparameters": {"stream": True}},
        ValueError,
        "`stream` cannot be set through `hyperparameters`",
    ),
    (
        "hyperparameters-type",
        "prompts",
        "render",
        {"prompt_id": "p", "hyperparameters": [1]},
        TypeError,
        "`hyperparameters`",
    ),
    ("config-type", "prompts.completions", "create", {"prompt_id": "p", "config": 12}, TypeError, "`config`"),
    ("value-high", "feedback", "create", {"trace_id": "t", "value": 11}, ValueError, "`value`"),
    ("value-low", "feedback", "create", {"trace_id": "t", "value": -11}, ValueError, "`value`"),
    ("value-float", "feedback", "create", {"trace_id": "t", "value": 1.5}, TypeError, "`value`"),
    ("value-bool", "feedback", "create", {"trace_id": "t", "value": True}, TypeError, "`value`"),
    ("weight-high", "feedback", "create", {"trace_id": "t", "value": 1, "weight": 1.5}, ValueError, "`weight`"),
    ("weight-nan", "feedback", "create", {"trace_id": "t", "value": 1, "weight": math.nan}, ValueError, "`weight`"),
    ("weight-type", "feedback", "create", {"trace_id": "t", "value": 1, "weight": "1"}, TypeError, "`weight`"),
    ("metadata", "feedback", "create", {"trace_id": "t", "value": 1, "metadata": "x"}, TypeError, "`metadata`"),
    ("trace-id", "feedback", "create", {"trace_id": "", "value": 1}, ValueError, "`trace_id`"),
    ("trace-id-alone", "feedback", "create", {"trace_id": 5}, TypeError, "`trace_id`"),
    ("value-alone", "feedback", "create", {"value": 11}, ValueError, "`value`"),
    ("update-weight-alone", "feedback", "update", {"feedback_id": FEEDBACK_ID, "weight": 2}, ValueError, "`weight`"),
    ("feedback-id", "feedback", "update", {"feedback_id": "trace-42", "value": 1}, ValueError, "`feedback_id`"),
    ("update-value", "feedback", "update", {"feedback_id": FEEDBACK_ID, "value": 12}, ValueError, "`value`"),
    ("bulk-empty", "feedback", "bulk_create", {"feedbacks": []}, ValueError, "`feedbacks`"),
    ("bulk-type", "feedback", "bulk_create", {"feedbacks": "t"}, TypeError, "`feedbacks`"),
    (
        "bulk-entry",
        "feedback",
        "bulk_create",
        {"feedbacks": [{"trace_id": "t", "value": 1}, {"trace_id": "t", "value": 20}]},
        ValueError,
        "`feedbacks[1].value`",
    ),
    ("bulk-missing", "feedback", "bulk_create", {"feedbacks": [{"value": 1}]}, ValueError, "`feedbacks[0]` needs"),
    (
        "bulk-unknown",
        "feedback",
        "bulk_create",
        {"feedbacks": [{"trace_id": "t", "value": 1, "score": 2}]},
        ValueError,
        "`feedbacks[0]` has unknown keys ['score']",
    ),
    (
        "logs-missing",
        "logs",
        "create",
        {"logs": [{"request": LOG_REQUEST}]},
        ValueError,
        "`logs[0]` needs `request` and `response`",
    ),
    ("log-response-given-type", "logs", "create", {"response": ["x"]}, TypeError, "`response` must be a mapping"),
    (
        "log-request-body",
        "logs",
        "create",
        {"request": {"url": "u"}, "response": {"body": {}}},
        ValueError,
        "`request` needs 'body'",
    ),
    (
        "log-response-type",
        "logs",
        "create",
        {"logs": [{"request": LOG_REQUEST, "response": "x"}]},
        TypeError,
        "`logs[0].response`",
    ),
    ("logs-empty", "logs", "create", {"logs": []}, ValueError, "`logs`"),
    ("logs-both", "logs", "create", {"logs": [LOG], "metadata": {}}, ValueError, "either `logs=[...]`"),
    ("logs-extra-body", "logs", "create", {"logs": [LOG], "extra_body": {"a": 1}}, ValueError, "`extra_body`"),
    ("logs-unknown", "logs", "create", {"logs": [{**LOG, "when": 1}]}, ValueError, "`logs[0]` has unknown keys"),
]


@pytest.mark.parametrize(
    ("resource", "method", "kwargs", "error", "message"),
    [bad[1:] for bad in BAD_CALLS],
    ids=[bad[0] for bad in BAD_CALLS],
)
async def test_bad_arguments_fail_before_any_request(
    client: Client,
    fake_provider: FakeProvider,
    resource: str,
    method: str,
    kwargs: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    case = Case("bad", resource, method, kwargs, "", "", None, None, object)
    with pytest.raises(error) as caught:
        await call(client, case)
    assert message in str(caught.value)
    assert fake_provider.requests == []


class FakeAdminPrompts:
    """Stands in for portkey-admin's prompts/logs resources."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def create(self, **kwargs: Any) -> dict[str, Any]:
        return {"created": kwargs}

    exports = "exports resource"


async def test_missing_attributes_come_from_the_admin_extension(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def extension_resource(name: str) -> FakeAdminPrompts:
        asked.append(name)
        return FakeAdminPrompts(client)

    monkeypatch.setattr(client, "_extension_resource", extension_resource)
    prompts: Any = client.prompts  # typed as portkey-admin's; here the fake stands in for it
    logs: Any = client.logs
    assert prompts.create(name="greet") == {"created": {"name": "greet"}}
    assert logs.exports == "exports resource"
    assert asked == ["prompts", "logs"]
    assert not hasattr(client.prompts, "_private")


async def test_missing_admin_extension_gives_the_install_hint(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def extension_resource(name: str) -> FakeAdminPrompts:
        raise MissingExtensionError(f"`{name}` is provided by portkey-admin: pip install portkey-admin")

    monkeypatch.setattr(client, "_extension_resource", extension_resource)
    with pytest.raises(MissingExtensionError, match=r"`prompts.versions` is provided by portkey-admin: pip install"):
        _ = client.prompts.versions
    with pytest.raises(MissingExtensionError, match=r"`logs.exports` is provided by portkey-admin"):
        _ = client.logs.exports
    assert not hasattr(client.logs, "list")


async def test_nested_and_generations_response_wrappers(client: Client, fake_provider: FakeProvider) -> None:
    fake_provider.set_route("POST", "/v1/prompts/pp-1/completions", json_body=COMPLETION_ANSWER, headers=TRACE_HEADERS)
    with pytest.warns(DeprecationWarning):
        raw_calls: list[Any] = [
            client.prompts.with_raw_response.completions.create(prompt_id="pp-1"),
            client.generations.with_raw_response.create(prompt_id="pp-1"),
        ]
        raws = [await resolve(raw_call) for raw_call in raw_calls]
    assert [raw.headers["x-portkey-trace-id"] for raw in raws] == ["trace-42", "trace-42"]
    assert all(isinstance(raw.parse(), PromptCompletion) for raw in raws)
    if isinstance(client, AsyncPortkey):
        async with client.prompts.with_streaming_response.completions.create(prompt_id="pp-1") as async_response:
            parsed = await async_response.parse()
    else:
        with client.prompts.with_streaming_response.completions.create(prompt_id="pp-1") as response:
            parsed = response.parse()
    assert isinstance(parsed, PromptCompletion)
    assert len(fake_provider.requests) == 3
