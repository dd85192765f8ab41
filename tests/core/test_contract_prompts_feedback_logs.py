"""Contract tests: prompts / feedback / logs / generations against Prism serving the official OpenAPI spec.

Prism validates every request against the spec (a violation is a 422, which fails the test) and answers with the
spec's example, which must parse into the typed result. Sync and async.

Prism does not check the prompt endpoints' bodies (their `allOf` schema is not enforced), so the exact body of
those calls is pinned in test_prompts_feedback_logs.py against the spec's text.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import openai
import pytest
from openai import APIResponseValidationError, AsyncStream, Stream

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai.types.feedback_create_params import FeedbackParam
from portkey_ai.types.feedback_response import FeedbackResponse
from portkey_ai.types.log_create_params import CustomLogParam
from portkey_ai.types.log_create_response import LogCreateResponse
from portkey_ai.types.prompt_completion import PromptCompletion
from portkey_ai.types.prompt_render import PromptRender
from tests.servers.node_servers import NodeServer

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

T = TypeVar("T")
Client = Portkey | AsyncPortkey

LOG_REQUEST: dict[str, Any] = {
    "url": "https://llm.example/v1/generate",
    "method": "POST",
    "headers": {"content-type": "application/json"},
    "body": {"prompt": "What is AI?"},
}
LOG_RESPONSE: dict[str, Any] = {
    "status": 200,
    "headers": {"content-type": "application/json"},
    "body": {"text": "AI is..."},
    "response_time": 123,
}
LOG_METADATA: dict[str, Any] = {"trace_id": "trace-42", "span_id": "span-1", "span_name": "generate", "_user": "u-1"}


async def resolve(value: Awaitable[T] | T) -> T:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return await value
    return value


@pytest.fixture
async def client(is_async: bool, prism: NodeServer) -> AsyncIterator[Client]:
    """A Portkey or AsyncPortkey client on Prism, closed afterwards."""
    if is_async:
        async with AsyncPortkey(base_url=prism.base_url, api_key="pk-test") as async_client:
            yield async_client
    else:
        with Portkey(base_url=prism.base_url, api_key="pk-test") as sync_client:
            yield sync_client


async def test_prompts_render(client: Client) -> None:
    rendered = await resolve(
        client.prompts.render(
            prompt_id="pp-greet-1",
            variables={"name": "Ada", "mood": ""},
            temperature=0.3,
            max_tokens=64,
            top_k=4,
            top_p=0.9,
            presence_penalty=0.2,
        )
    )
    assert isinstance(rendered, PromptRender)
    assert rendered.success is True
    assert rendered.data is not None and rendered.data.messages
    assert all(isinstance(message.role, str) for message in rendered.data.messages)
    assert isinstance(rendered.data.model, str)


async def test_prompts_completions_create(client: Client) -> None:
    completion = await resolve(
        client.prompts.completions.create(
            prompt_id="pp-greet-1",
            variables={"name": "Ada"},
            temperature=0.3,
            max_tokens=64,
            max_completion_tokens=64,
            top_k=4,
            top_p=0.9,
            hyperparameters={"seed": 7},
            presence_penalty=0.2,
        )
    )
    assert isinstance(completion, PromptCompletion)
    # The spec's answer is the envelope {status, headers, body}; the completion is unwrapped from `body`.
    assert completion.status is not None and completion.headers is not None
    assert completion.choices and completion.choices[0].message is not None
    assert isinstance(completion.choices[0].message.content, str)
    assert completion.usage is not None and isinstance(completion.usage.total_tokens, int)


async def test_prompts_completions_create_stream_request_is_valid(client: Client) -> None:
    # Prism accepts the request (no 422) but answers with the JSON example instead of server-sent events, which the
    # client reports as a validation error rather than an empty stream (reliability case S6).
    with pytest.raises(APIResponseValidationError):
        if isinstance(client, AsyncPortkey):
            async_stream = await client.prompts.completions.create(prompt_id="pp-greet-1", variables={}, stream=True)
            assert isinstance(async_stream, AsyncStream)
            _ = [chunk async for chunk in async_stream]
        else:
            stream = client.prompts.completions.create(prompt_id="pp-greet-1", variables={}, stream=True)
            assert isinstance(stream, Stream)
            _ = list(stream)


async def test_generations_create(client: Client) -> None:
    with pytest.warns(DeprecationWarning, match="generations.create"):
        completion = await resolve(client.generations.create(prompt_id="pp-greet-1", variables={"name": "Ada"}))
    assert isinstance(completion, PromptCompletion)
    assert completion.choices


async def test_feedback_create(client: Client) -> None:
    result = await resolve(
        client.feedback.create(trace_id="trace-42", value=-10, weight=0.5, metadata={"_user": "u-1", "note": "x"})
    )
    assert isinstance(result, FeedbackResponse)
    assert isinstance(result.status, str)
    assert result.feedback_ids and all(isinstance(i, str) for i in result.feedback_ids)


async def test_feedback_bulk_create(client: Client) -> None:
    feedbacks: list[FeedbackParam] = [
        {"trace_id": "trace-1", "value": 10},
        {"trace_id": "trace-2", "value": 0, "weight": 1, "metadata": {"_user": "u-1"}},
    ]
    result = await resolve(client.feedback.bulk_create(feedbacks=feedbacks))
    assert isinstance(result, FeedbackResponse)
    assert len(result.feedback_ids) == 2


async def test_feedback_update(client: Client) -> None:
    result = await resolve(
        client.feedback.update(feedback_id=str(uuid.uuid4()), value=3, weight=0.25, metadata={"note": "changed"})
    )
    assert isinstance(result, FeedbackResponse)
    assert result.feedback_ids


async def test_logs_create(client: Client) -> None:
    result = await resolve(client.logs.create(request=LOG_REQUEST, response=LOG_RESPONSE, metadata=LOG_METADATA))
    assert isinstance(result, LogCreateResponse)


async def test_logs_create_batch(client: Client) -> None:
    logs: list[CustomLogParam] = [
        {"request": LOG_REQUEST, "response": LOG_RESPONSE, "metadata": LOG_METADATA},
        {"request": {"url": "https://llm.example/v1/other", "body": {}}, "response": {"body": {}}},
    ]
    result = await resolve(client.logs.create(logs=logs))
    assert isinstance(result, LogCreateResponse)


async def test_prism_rejects_what_the_spec_forbids(client: Client) -> None:
    """The checks above can fail: Prism answers 422 (UnprocessableEntityError) to a request outside the spec."""
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        await resolve(client.feedback.create(trace_id="trace-42", value=1, extra_body={"value": 11}))
    assert "value" in str(caught.value.body)
    with pytest.raises(openai.UnprocessableEntityError):
        await resolve(client.logs.create(request={"url": "u", "body": "not an object"}, response={"body": {}}))


async def test_a_bare_feedback_array_violates_the_spec(client: Client) -> None:
    """Why `bulk_create` sends one request per entry: the official SDK's bare JSON array is rejected."""
    body = [{"trace_id": "trace-1", "value": 1}, {"trace_id": "trace-2", "value": 2}]
    with pytest.raises(openai.UnprocessableEntityError):
        await resolve(client.post("/feedback", body=body, cast_to=FeedbackResponse))
