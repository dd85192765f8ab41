"""`portkey.rerank.create`, sync and async: the request the spec's `createRerank` describes, the typed answer with
`get_headers()`, raw and streamed responses, argument checks before any request (MockTransport), and the contract
against Prism serving the official spec."""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import Any, TypeVar

import openai
import pytest

import portkey_ai.types
from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.types import RerankDocumentParam, RerankResponse, RerankResult, RerankResultDocument, RerankUsage
from tests.core.mock_transport import Script, json_response, make_client
from tests.servers.node_servers import NodeServer

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

T = TypeVar("T")
Client = Portkey | AsyncPortkey

DOCUMENTS: list[str | RerankDocumentParam | Mapping[str, Any]] = [
    "Paris is the capital of France.",
    {"text": "Berlin is the capital of Germany.", "title": "Germany"},
    "Madrid is the capital of Spain.",
]
ANSWER: dict[str, Any] = {
    "id": "rerank-abc123",
    "object": "list",
    "results": [
        {"index": 0, "relevance_score": 0.98, "document": {"text": "Paris is the capital of France."}},
        {"index": 2, "relevance_score": 0.12},
    ],
    "model": "rerank-v3.5",
    "usage": {"search_units": 1},
    "provider": "cohere",
}
ANSWER_HEADERS = {"x-portkey-trace-id": "trace-7", "x-portkey-provider": "cohere", "x-request-id": "req-1"}


async def resolve(value: Awaitable[T] | T) -> T:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return await value
    return value


async def rerank(client: Client, **kwargs: Any) -> RerankResponse:
    """`client.rerank.create(**kwargs)` with the spec's required arguments defaulted, through either client."""
    kwargs.setdefault("model", "rerank-v3.5")
    kwargs.setdefault("query", "What is the capital of France?")
    kwargs.setdefault("documents", DOCUMENTS)
    return await resolve(client.rerank.create(**kwargs))


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


def answering(body: object = ANSWER) -> Script:
    return Script([json_response(body=body, headers=ANSWER_HEADERS)])


async def test_sends_the_spec_request_and_parses_the_answer(is_async: bool) -> None:
    script = answering()
    client = make_client(is_async, script, api_key="pk-test")

    result = await rerank(client, top_n=2, return_documents=True)

    (request,) = script.requests
    assert (request.method, request.url.path, request.url.query) == ("POST", "/v1/rerank", b"")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-portkey-api-key"] == "pk-test"
    assert sent_json(request) == {
        "model": "rerank-v3.5",
        "query": "What is the capital of France?",
        "documents": [
            "Paris is the capital of France.",
            {"text": "Berlin is the capital of Germany.", "title": "Germany"},
            "Madrid is the capital of Spain.",
        ],
        "top_n": 2,
        "return_documents": True,
    }
    assert isinstance(result, RerankResponse)
    assert result.to_dict() == ANSWER
    assert [(r.index, r.relevance_score) for r in result.results] == [(0, 0.98), (2, 0.12)]
    assert all(isinstance(r, RerankResult) for r in result.results)
    assert isinstance(result.results[0].document, RerankResultDocument)
    assert result.results[0].document.text == "Paris is the capital of France."
    assert result.results[1].document is None
    assert isinstance(result.usage, RerankUsage) and result.usage.search_units == 1
    assert (result.id, result.object, result.model, result.provider) == (
        "rerank-abc123",
        "list",
        "rerank-v3.5",
        "cohere",
    )


async def test_same_request_as_the_official_post_escape_hatch(is_async: bool) -> None:
    script = Script([json_response(body=ANSWER), json_response(body=ANSWER)])
    client = make_client(is_async, script)
    await rerank(client, top_n=2)
    official: Any = client  # the official `post(url, **body)` form is outside openai's static signatures
    await resolve(
        official.post(
            "/rerank", model="rerank-v3.5", query="What is the capital of France?", documents=DOCUMENTS, top_n=2
        )
    )
    typed, escape = script.requests
    assert (typed.method, typed.url) == (escape.method, escape.url)
    assert sent_json(typed) == sent_json(escape)


async def test_get_headers_are_those_of_this_response(is_async: bool) -> None:
    script = Script(
        [
            json_response(body=ANSWER, headers={"x-portkey-trace-id": "first"}),
            json_response(body=ANSWER, headers={"x-portkey-trace-id": "second", "x-portkey-cache-status": "HIT"}),
        ]
    )
    client = make_client(is_async, script)

    first = await rerank(client)
    second = await rerank(client)

    assert first.get_headers() == {"trace-id": "first"}
    assert second.get_headers() == {"trace-id": "second", "cache-status": "HIT"}
    assert type(first) is RerankResponse


async def test_every_optional_property_of_the_spec(is_async: bool) -> None:
    script = answering()
    client = make_client(is_async, script)

    await rerank(
        client,
        documents=({"text": "a", "title": "A", "meta": {"n": 1}}, "b"),
        top_n=1,
        return_documents=False,
        max_tokens_per_doc=512,
        priority=2.5,
        rank_fields=("text", "title"),
        truncation=True,
        parameters={"input_type": "passage"},
    )

    assert sent_json(script.last) == {
        "model": "rerank-v3.5",
        "query": "What is the capital of France?",
        "documents": [{"text": "a", "title": "A", "meta": {"n": 1}}, "b"],
        "top_n": 1,
        "return_documents": False,
        "max_tokens_per_doc": 512,
        "priority": 2.5,
        "rank_fields": ["text", "title"],
        "truncation": True,
        "parameters": {"input_type": "passage"},
    }


async def test_extra_headers_query_body_and_undeclared_keywords(is_async: bool) -> None:
    script = answering()
    client = make_client(is_async, script)

    # `max_chunks_per_doc` is not a declared argument: the drop-in adapter sends it in the body, like the official SDK.
    await rerank(
        client,
        top_n=3,
        max_chunks_per_doc=4,
        extra_headers={"x-team": "blue"},
        extra_query={"dry_run": "1"},
        extra_body={"top_n": 1, "note": "hi"},
    )

    request = script.last
    assert request.headers["x-team"] == "blue"
    assert request.url.params["dry_run"] == "1"
    body = sent_json(request)
    assert (body["top_n"], body["note"], body["max_chunks_per_doc"]) == (1, "hi", 4)


async def test_per_call_timeout(is_async: bool) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    script = Script([slow])
    client = make_client(is_async, script, max_retries=0)

    with pytest.raises(openai.APITimeoutError):
        await rerank(client, timeout=0.25)

    assert script.last.extensions["timeout"]["read"] == 0.25


async def test_error_answers_raise_openai_exceptions(is_async: bool) -> None:
    answer = {"error": {"message": "invalid model", "type": "invalid_request_error"}}
    script = Script([json_response(400, answer)])
    client = make_client(is_async, script)

    with pytest.raises(openai.BadRequestError) as caught:
        await rerank(client)

    assert caught.value.body == answer["error"]
    assert len(script.requests) == 1


async def test_with_raw_response(is_async: bool) -> None:
    script = answering()
    client = make_client(is_async, script)

    raw = await resolve(
        client.rerank.with_raw_response.create(model="rerank-2", query="q", documents=["d"], truncation=False)
    )

    assert raw.status_code == 200
    assert raw.headers["x-portkey-trace-id"] == "trace-7"
    parsed = raw.parse()
    assert isinstance(parsed, RerankResponse)
    assert parsed.to_dict() == ANSWER
    assert parsed.get_headers() == {"trace-id": "trace-7", "provider": "cohere"}
    assert sent_json(script.last) == {"model": "rerank-2", "query": "q", "documents": ["d"], "truncation": False}


async def test_with_streaming_response(is_async: bool) -> None:
    script = answering()
    client = make_client(is_async, script)
    kwargs: dict[str, Any] = {"model": "rerank-2", "query": "q", "documents": ["d"]}

    if isinstance(client, AsyncPortkey):
        async with client.rerank.with_streaming_response.create(**kwargs) as async_response:
            assert async_response.headers["x-portkey-trace-id"] == "trace-7"
            parsed = await async_response.parse()
    else:
        with client.rerank.with_streaming_response.create(**kwargs) as response:
            assert response.headers["x-portkey-trace-id"] == "trace-7"
            parsed = response.parse()

    assert isinstance(parsed, RerankResponse)
    assert parsed.results[0].relevance_score == 0.98
    assert sent_json(script.last) == kwargs


async def test_answer_with_only_the_required_properties(is_async: bool) -> None:
    minimal = {"object": "list", "results": [{"index": 0, "relevance_score": 0.5}], "model": "rerank-2"}
    client = make_client(is_async, answering(minimal))

    result = await rerank(client)

    assert (result.id, result.usage, result.provider) == (None, None, None)
    assert result.results[0].document is None


BAD_ARGUMENTS: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    ("model-type", {"model": 3}, TypeError, "`model` must be a string, not int"),
    ("model-empty", {"model": " "}, ValueError, "`model` must be a non-empty string"),
    ("query-type", {"query": None}, TypeError, "`query` must be a string, not NoneType"),
    ("documents-string", {"documents": "Paris"}, TypeError, "`documents` must be a list of strings or document"),
    ("documents-type", {"documents": None}, TypeError, "`documents` must be a list"),
    ("documents-empty", {"documents": []}, ValueError, "`documents` must not be empty"),
    ("document-type", {"documents": ["a", 7]}, TypeError, "`documents[1]` must be a string or a mapping"),
    ("document-no-text", {"documents": [{"title": "x"}]}, ValueError, "`documents[0]` needs a `text` string"),
    ("document-text-type", {"documents": ["a", {"text": 1}]}, TypeError, "`documents[1].text` must be a string"),
    ("document-key-type", {"documents": [{"text": "a", 1: "b"}]}, TypeError, "`documents[0]` keys must be strings"),
    ("top_n-zero", {"top_n": 0}, ValueError, "`top_n` must be an integer of at least 1, got 0"),
    ("top_n-negative", {"top_n": -2}, ValueError, "`top_n` must be an integer of at least 1, got -2"),
    ("top_n-bool", {"top_n": True}, TypeError, "`top_n` must be an integer of at least 1, not bool"),
    ("top_n-float", {"top_n": 2.0}, TypeError, "`top_n` must be an integer of at least 1, not float"),
    ("top_n-none", {"top_n": None}, TypeError, "`top_n` must be an integer of at least 1, not NoneType"),
    ("return_documents", {"return_documents": "yes"}, TypeError, "`return_documents` must be a bool, not str"),
    ("max_tokens_per_doc", {"max_tokens_per_doc": 0}, ValueError, "`max_tokens_per_doc` must be an integer of at"),
    ("priority-type", {"priority": "high"}, TypeError, "`priority` must be a number, not str"),
    ("priority-nan", {"priority": math.nan}, ValueError, "`priority` must be a finite number, got nan"),
    ("rank_fields-string", {"rank_fields": "text"}, TypeError, "`rank_fields` must be a list of strings, not str"),
    ("rank_fields-item", {"rank_fields": ["text", 2]}, TypeError, "`rank_fields[1]` must be a string, not int"),
    ("truncation", {"truncation": 1}, TypeError, "`truncation` must be a bool, not int"),
    ("parameters-type", {"parameters": ["x"]}, TypeError, "`parameters` must be a mapping, not list"),
    ("parameters-key", {"parameters": {1: "x"}}, TypeError, "`parameters` keys must be strings, not int"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [case[1:] for case in BAD_ARGUMENTS],
    ids=[case[0] for case in BAD_ARGUMENTS],
)
async def test_bad_arguments_fail_before_any_request(
    is_async: bool, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    script = answering()
    client = make_client(is_async, script)

    with pytest.raises(error) as caught:
        await rerank(client, **kwargs)
    raw_kwargs: dict[str, Any] = {"model": "m", "query": "q", "documents": ["d"], **kwargs}
    with pytest.raises(error):
        await resolve(client.rerank.with_raw_response.create(**raw_kwargs))

    assert message in str(caught.value)
    assert script.requests == []


async def test_lazy_exports_and_cached_resource(is_async: bool) -> None:
    client = make_client(is_async, answering())

    assert client.rerank is client.rerank
    for name in ("RerankDocumentParam", "RerankResponse", "RerankResult", "RerankResultDocument", "RerankUsage"):
        assert name in portkey_ai.types.__all__
        assert getattr(portkey_ai.types, name).__module__.startswith("portkey_ai.types.rerank_")


# Contract: Prism validates the request against the spec's CreateRerankRequest (a violation is a 422) and answers
# with a CreateRerankResponse generated from the schema's examples, which must parse.


@pytest.fixture
async def prism_client(is_async: bool, prism: NodeServer) -> AsyncIterator[Client]:
    """A Portkey or AsyncPortkey client on Prism, closed afterwards."""
    if is_async:
        async with AsyncPortkey(
            base_url=prism.base_url, api_key="pk-test", virtual_key="vk-test", max_retries=0
        ) as async_client:
            yield async_client
    else:
        with Portkey(base_url=prism.base_url, api_key="pk-test", virtual_key="vk-test", max_retries=0) as sync_client:
            yield sync_client


async def test_contract_every_argument(prism_client: Client) -> None:
    result = await rerank(
        prism_client,
        documents=[*DOCUMENTS, {"text": "Rome is the capital of Italy.", "meta": {"lang": "en"}}],
        top_n=2,
        return_documents=True,
        max_tokens_per_doc=256,
        priority=1,
        rank_fields=["text", "title"],
        truncation=True,
        parameters={"input_type": "passage"},
    )

    assert isinstance(result, RerankResponse)
    assert result.object == "list"
    assert isinstance(result.model, str)
    assert result.results and all(isinstance(r, RerankResult) for r in result.results)
    assert all(isinstance(r.index, int) and isinstance(r.relevance_score, float) for r in result.results)


async def test_contract_required_arguments_only(prism_client: Client) -> None:
    result = await rerank(prism_client, model="rerank-2", query="q", documents=["d"])

    assert isinstance(result, RerankResponse)
    assert result.results


async def test_prism_rejects_what_the_spec_forbids(prism_client: Client) -> None:
    """The contract checks can fail: what the client would refuse, sent past its checks, Prism answers with a 422."""
    forbidden: list[dict[str, Any]] = [{"top_n": 0}, {"documents": []}, {"documents": [{"title": "no text"}]}]
    for extra_body in forbidden:
        with pytest.raises(openai.UnprocessableEntityError) as caught:
            await rerank(prism_client, extra_body=extra_body)
        (field,) = extra_body
        assert field in str(caught.value.body)
