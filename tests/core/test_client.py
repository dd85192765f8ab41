"""Portkey / AsyncPortkey behaviour with the HTTP library's MockTransport (no sockets), sync and async."""

from __future__ import annotations

import uuid
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion

import portkey_ai
from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from tests.core.mock_transport import CHAT_COMPLETION, Script, chat, json_response, make_client

CANARY = "pk-canary-" + uuid.uuid4().hex
FAST_RETRY = {"retry-after-ms": "1"}

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORTKEY_API_KEY", "PORTKEY_BASE_URL", "PORTKEY_PROXY"):
        monkeypatch.delenv(name, raising=False)


async def test_sends_portkey_headers_and_no_openai_auth(is_async: bool) -> None:
    script = Script()
    client = make_client(is_async, script, api_key=CANARY, provider="openai", trace_id="t-1", metadata={"a": "b"})
    await chat(client)
    sent = script.last.headers
    assert sent["x-portkey-api-key"] == CANARY
    assert sent["x-portkey-provider"] == "openai"
    assert sent["x-portkey-trace-id"] == "t-1"
    assert sent["x-portkey-metadata"] == '{"a":"b"}'
    assert "authorization" not in sent
    assert "openai-organization" not in sent
    assert sent["user-agent"].startswith("Portkey/Python ")
    assert script.last.url == "http://gateway.test/v1/chat/completions"


async def test_provider_key_goes_in_authorization(is_async: bool) -> None:
    script = Script()
    await chat(make_client(is_async, script, Authorization="sk-provider"))
    assert script.last.headers["authorization"] == "Bearer sk-provider"


async def test_per_request_headers_override_client_options(is_async: bool) -> None:
    script = Script()
    client = make_client(is_async, script, trace_id="client", default_headers={"x-team": "a"})
    await chat(client, extra_headers={"x-portkey-trace-id": "call", "x-team": "b"})
    assert script.last.headers["x-portkey-trace-id"] == "call"
    assert script.last.headers["x-team"] == "b"


async def test_default_headers_win_over_options(is_async: bool) -> None:
    script = Script()
    await chat(make_client(is_async, script, trace_id="opt", default_headers={"x-portkey-trace-id": "hdr"}))
    assert script.last.headers["x-portkey-trace-id"] == "hdr"


async def test_openai_environment_is_never_read(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.invalid/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "X-From-Env: 1")
    script = Script()
    client = make_client(is_async, script)
    await chat(client)
    sent = script.last.headers
    assert CANARY not in str(sent)
    assert "openai-organization" not in sent and "openai-project" not in sent and "x-from-env" not in sent
    assert script.last.url.host == "gateway.test"
    assert client.api_key == ""


async def test_portkey_environment(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-env")
    client = make_client(is_async, Script(), base_url=None)
    assert str(client.base_url) == "https://api.portkey.ai/v1/"
    assert client.api_key == "pk-env"
    monkeypatch.setenv("PORTKEY_PROXY", "http://proxy.test/v1")
    assert str(make_client(is_async, Script(), base_url=None).base_url) == "http://proxy.test/v1/"
    monkeypatch.setenv("PORTKEY_BASE_URL", "http://self-hosted.test/v1")
    assert str(make_client(is_async, Script(), base_url=None).base_url) == "http://self-hosted.test/v1/"


async def test_local_gateway_when_no_key(is_async: bool) -> None:
    client = make_client(is_async, Script(), base_url=None)
    assert str(client.base_url) == "http://localhost:8787/v1/"


async def test_hosted_gateway_without_key_fails_clearly(is_async: bool) -> None:
    with pytest.raises(portkey_ai.MissingAPIKeyError, match="PORTKEY_API_KEY"):
        make_client(is_async, Script(), base_url="https://api.portkey.ai/v1")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ftp://gateway.test/v1", "http:// or https://"),
        (f"https://user:{CANARY}@gateway.test/v1", "must not contain credentials"),
        ("http://gateway.test/v1?x=1", "query string"),
        ("http://gateway.test/v1\r\nX: y", "control character"),
        ("/relative", "absolute"),
    ],
)
async def test_bad_base_url(is_async: bool, url: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        make_client(is_async, Script(), base_url=url)
    assert CANARY not in str(info.value)


async def test_bad_option_fails_before_any_request(is_async: bool) -> None:
    script = Script()
    with pytest.raises(ValueError, match="`trace_id`"):
        make_client(is_async, script, trace_id="a\nb")
    client = make_client(is_async, script)
    with pytest.raises(ValueError, match="control character") as info:
        await chat(client, extra_headers={"x-portkey-trace-id": CANARY + "\r\nX-Evil: 1"})
    assert CANARY not in str(info.value)
    assert script.requests == []


async def test_get_headers_per_response(is_async: bool) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return json_response(headers={"x-portkey-trace-id": request.headers["x-portkey-trace-id"], "x-other": "1"})

    script = Script([answer])
    client = make_client(is_async, script)
    first = await chat(client, extra_headers={"x-portkey-trace-id": "one"})
    second = await chat(client, extra_headers={"x-portkey-trace-id": "two"})
    assert isinstance(first, ChatCompletion)
    assert type(first).__name__ == "ChatCompletion"
    assert first.get_headers() == {"trace-id": "one"}  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    assert second.get_headers() == {"trace-id": "two"}
    assert portkey_ai.get_headers(first) == {"trace-id": "one"}
    assert first.choices[0].message.content == "hello"
    assert first.model_dump()["id"] == CHAT_COMPLETION["id"]


async def test_raw_response_parse_has_headers(is_async: bool) -> None:
    script = Script([json_response(headers={"x-portkey-last-used-option-index": "config.targets[1]"})])
    client = make_client(is_async, script)
    create = client.chat.completions.with_raw_response.create
    raw: Any = create(model="m", messages=[{"role": "user", "content": "hi"}])
    if is_async:
        raw = await raw
    assert raw.headers["x-portkey-last-used-option-index"] == "config.targets[1]"
    parsed = raw.parse()
    assert parsed.get_headers()["last-used-option-index"] == "config.targets[1]"


async def test_gateway_failure_message_surfaces(is_async: bool) -> None:
    body = {"status": "failure", "message": "Invalid config passed"}
    script = Script([json_response(400, body, {"x-portkey-gateway-exception": "true"})])
    with pytest.raises(portkey_ai.BadRequestError) as info:
        await chat(make_client(is_async, script))
    assert "Invalid config passed" in str(info.value)
    assert info.value.status_code == 400
    assert len(script.requests) == 1


async def test_gateway_408_is_a_timeout_error_and_not_retried(is_async: bool) -> None:
    body = {"error": {"message": "Request exceeded the timeout sent in the request: 500ms", "type": "timeout_error"}}
    script = Script([json_response(408, body)])
    with pytest.raises(portkey_ai.APITimeoutError) as info:
        await chat(make_client(is_async, script))
    error = info.value
    assert isinstance(error, portkey_ai.RequestTimeoutError)
    assert isinstance(error, portkey_ai.APIStatusError)
    assert error.status_code == 408
    assert "exceeded the timeout" in str(error)
    assert len(script.requests) == 1


async def test_retries_retryable_statuses(is_async: bool) -> None:
    script = Script([json_response(503, {"error": {"message": "busy"}}, FAST_RETRY), json_response()])
    result = await chat(make_client(is_async, script, max_retries=2))
    assert result.id == "chatcmpl-1"
    assert [r.headers["x-stainless-retry-count"] for r in script] == ["0", "1"]


async def test_no_retry_when_the_gateway_already_retried(is_async: bool) -> None:
    headers = {"x-portkey-retry-attempt-count": "3", **FAST_RETRY}
    script = Script([json_response(503, {"error": {"message": "busy"}}, headers)])
    with pytest.raises(portkey_ai.InternalServerError):
        await chat(make_client(is_async, script, max_retries=2))
    assert len(script.requests) == 1


async def test_should_retry_header_wins(is_async: bool) -> None:
    headers = {"x-portkey-retry-attempt-count": "3", "x-should-retry": "true", **FAST_RETRY}
    script = Script([json_response(503, {"error": {"message": "busy"}}, headers)])
    with pytest.raises(portkey_ai.InternalServerError):
        await chat(make_client(is_async, script, max_retries=2))
    assert len(script.requests) == 3


async def test_exception_classes_are_openais(is_async: bool) -> None:
    assert portkey_ai.RateLimitError is openai.RateLimitError
    assert portkey_ai.APIError is openai.APIError
    script = Script([json_response(429, {"error": {"message": "slow down"}}, {"x-should-retry": "false"})])
    with pytest.raises(openai.RateLimitError):
        await chat(make_client(is_async, script))


async def test_with_options_shares_pool_and_can_unset(is_async: bool) -> None:
    script = Script()
    client = make_client(is_async, script, trace_id="t", debug=True, metadata={"a": "b"}, default_headers={"x-a": "1"})
    copy = client.with_options(trace_id=None, debug=False, span_id="s", default_headers={"x-b": "2"})
    assert copy._client is client._client
    assert type(copy) is type(client)
    await chat(copy)
    sent = script.last.headers
    assert sent["x-portkey-trace-id"] != "t"  # unset: the client generates one per call
    assert sent["x-portkey-debug"] == "false"
    assert sent["x-portkey-span-id"] == "s"
    assert sent["x-portkey-metadata"] == '{"a":"b"}'
    assert sent["x-a"] == "1" and sent["x-b"] == "2"
    await chat(client)
    assert script.last.headers["x-portkey-trace-id"] == "t"
    replaced = client.with_options(set_default_headers={"x-c": "3"})
    await chat(replaced)
    assert "x-a" not in script.last.headers and script.last.headers["x-c"] == "3"
    assert client.copy(max_retries=5).max_retries == 5
    with pytest.raises(ValueError, match="mutually exclusive"):
        client.with_options(default_headers={}, set_default_headers={})


async def test_with_options_validates(is_async: bool) -> None:
    client = make_client(is_async, Script())
    with pytest.raises(TypeError, match="`debug` must be a bool"):
        client.with_options(debug="yes")  # type: ignore[arg-type]


async def test_repr_masks_secrets(is_async: bool) -> None:
    client = make_client(
        is_async,
        Script(),
        api_key=CANARY,
        virtual_key=CANARY,
        Authorization=CANARY,
        aws_secret_access_key=CANARY,
        config={"targets": [{"provider": "openai", "api_key": CANARY}]},
        provider="openai",
    )
    for text in (repr(client), str(client), repr(client.with_options(trace_id="x"))):
        assert CANARY not in text
        assert "provider='openai'" in text


async def test_admin_attributes_need_portkey_admin(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(is_async, Script())
    monkeypatch.setattr("portkey_ai._hooks.find_factory", lambda name: None)
    with pytest.raises(portkey_ai.MissingExtensionError, match="pip install portkey-admin"):
        _ = client.configs
    with pytest.raises(AttributeError, match="no attribute 'not_a_resource'"):
        _ = client.not_a_resource


async def test_extension_resources_are_created_once_per_client(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[object] = []

    def factory(owner: object) -> object:
        created.append(owner)
        return object()

    monkeypatch.setattr("portkey_ai._hooks.find_factory", lambda name: factory if name == "labels" else None)
    client = make_client(is_async, Script())
    assert client.labels is client.labels
    assert created == [client]
    assert client.with_options(trace_id="x").labels is not client.labels


async def test_openai_resources_are_inherited(is_async: bool) -> None:
    script = Script(
        [
            json_response(
                body={"object": "list", "data": [{"id": "m1", "object": "model", "created": 1, "owned_by": "x"}]}
            )
        ]
    )
    client = make_client(is_async, script)
    page: Any = client.models.list()
    if is_async:
        page = await page
    assert [m.id for m in page.data] == ["m1"]
    assert script.last.url.path == "/v1/models"


async def test_unsupported_instrumentation_warns(is_async: bool) -> None:
    with pytest.warns(UserWarning, match="instrumentation"):
        make_client(is_async, Script(), instrumentation=True)


def test_module_exports(is_async: bool) -> None:
    assert portkey_ai.openai is openai
    assert portkey_ai.PORTKEY_GATEWAY_URL == "https://api.portkey.ai/v1"
    assert issubclass(portkey_ai.Portkey, openai.OpenAI)
    assert issubclass(portkey_ai.AsyncPortkey, openai.AsyncOpenAI)
    for name in portkey_ai.__all__:
        assert getattr(portkey_ai, name) is not None
    assert Portkey is portkey_ai.Portkey and AsyncPortkey is portkey_ai.AsyncPortkey
