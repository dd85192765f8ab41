"""Secrets (K1-K5): no key in a repr, a log record, an error chain, a warning, or a redirect to another host."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest

import portkey_ai
from portkey_ai import APIError, APIStatusError, AsyncPortkey, Portkey
from portkey_ai._http import httpx
from tests.core.mock_transport import json_response
from tests.core.reliability.conftest import CANARY, FAST, ClientFactory, chat, collect
from tests.servers.fault_server import Events, FaultServer, Reply, Reset, chat_chunk, chat_completion, json_reply, sse

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]

SECRET_OPTIONS: dict[str, Any] = {
    "api_key": CANARY,
    "virtual_key": CANARY + "-vk",
    "Authorization": CANARY + "-provider",
    "aws_secret_access_key": CANARY + "-aws",
    "aws_session_token": CANARY + "-session",
    "config": {"targets": [{"provider": "openai", "api_key": CANARY + "-config"}]},
    "metadata": {"user": CANARY + "-metadata"},
    "vertex_service_account_json": {"private_key": CANARY + "-vertex"},
    "default_query": {"token": CANARY + "-query"},
    "provider": "openai",
}
PER_REQUEST: dict[str, Any] = {
    "extra_headers": {"x-portkey-virtual-key": CANARY + "-extra", "api-key": CANARY + "-azure"},
    "messages": [{"role": "user", "content": CANARY + "-prompt"}],
}


def _texts_of(error: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(error))]
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    return texts


async def test_k1_reprs_mask_secrets(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    server = serve([json_reply(chat_completion()), json_reply({"error": {"message": "no"}}, 401)])
    options = {**SECRET_OPTIONS, "metadata": {"user": "shown in reprs, redacted in logs"}}
    client = make_client(server, **options)
    copy = client.with_options(trace_id="copy")
    result = await chat(client, **PER_REQUEST)
    with pytest.raises(APIStatusError) as info:
        await chat(copy, **PER_REQUEST)
    request_headers = info.value.request.headers
    texts = [
        repr(client),
        str(client),
        repr(copy),
        repr(result),
        str(result),
        repr(request_headers),
        str(request_headers),
    ]
    for text in texts:
        assert CANARY not in text
    assert "<redacted>" in repr(client) and "<redacted>" in repr(request_headers)
    assert "x-portkey-provider" in repr(request_headers) and "'openai'" in repr(request_headers)
    assert request_headers["x-portkey-api-key"] == CANARY  # masked in reprs only
    for text in _texts_of(info.value):
        assert CANARY not in text


def _assert_safe(records: list[logging.LogRecord]) -> None:
    formatter = logging.Formatter()
    assert records
    for record in records:
        texts = [record.getMessage(), repr(record.args)]
        if record.exc_info:
            texts.append(formatter.formatException(record.exc_info))
        if record.exc_text:
            texts.append(record.exc_text)
        for text in texts:
            assert CANARY not in text, (record.name, text)
            assert "?token=" not in text, (record.name, text)


async def test_k2_nothing_secret_is_logged_at_debug(
    is_async: bool, serve: Serve, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    transport_logger = logging.getLogger(httpx.__name__)
    level_before = transport_logger.level
    caplog.set_level(logging.DEBUG)
    limited = json_reply({"error": {"message": "slow"}}, 429, FAST)
    server = serve(
        [
            json_reply(chat_completion()),
            limited,
            json_reply(chat_completion()),
            Reply(delay=1.0),
            Reset(),
            Events([sse(chat_chunk("a")), sse({"error": {"message": "upstream " + CANARY}})]),
        ]
    )
    client = make_client(server, timeout=portkey_ai.openai.Timeout(5, read=0.3), **SECRET_OPTIONS)
    single = client.with_options(max_retries=0)
    await chat(client, **PER_REQUEST)
    await chat(client, **PER_REQUEST)
    with pytest.raises(portkey_ai.APITimeoutError):
        await chat(single, **PER_REQUEST)
    with pytest.raises(portkey_ai.APIConnectionError):
        await chat(single, **PER_REQUEST)
    _, error = await collect(single, **PER_REQUEST)
    assert isinstance(error, portkey_ai.StreamEventError)
    assert server.request_count == 6
    names = {record.name for record in caplog.records}
    assert {"portkey_ai", httpx.__name__} <= names
    assert any(name.startswith("openai") for name in names)
    _assert_safe(caplog.records)
    assert transport_logger.level == level_before


async def test_k3_no_secret_in_any_error_chain(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    server = serve(
        [
            json_reply({"error": {"message": "limited"}}, 429),
            Reply(delay=1.0),
            Events([sse(chat_chunk("a"))], end="rst"),
        ]
    )
    client = make_client(server, max_retries=0, timeout=portkey_ai.openai.Timeout(5, read=0.3), **SECRET_OPTIONS)
    errors: list[BaseException] = []
    for _ in range(2):
        with pytest.raises(APIError) as info:
            await chat(client, **PER_REQUEST)
        errors.append(info.value)
    _, interrupted = await collect(client, **PER_REQUEST)
    assert isinstance(interrupted, portkey_ai.StreamInterruptedError)
    errors.append(interrupted)
    closed = FaultServer()
    closed.close()
    with pytest.raises(portkey_ai.APIConnectionError) as refused:
        await chat(client.with_options(base_url=closed.base_url), **PER_REQUEST)
    errors.append(refused.value)
    with pytest.raises(ValueError) as invalid:
        await chat(client, extra_headers={"x-portkey-trace-id": CANARY + "\r\nX-Evil: 1"})
    errors.append(invalid.value)
    with pytest.raises(ValueError) as invalid_option:
        client.with_options(trace_id=CANARY + "\nX-Evil: 1")
    errors.append(invalid_option.value)
    assert [type(e).__name__ for e in errors[:2]] == ["RateLimitError", "APITimeoutError"]
    for error in errors:
        for text in _texts_of(error):
            assert CANARY not in text, text


SAME_ORIGIN = ["/final", "https://origin.test:443/final", "https://origin.test/v1/final?x=1"]
OTHER_ORIGIN = [
    "https://other.test/final",
    "//other.test/final",
    "https://origin.test:444/final",
    "http://origin.test/final",
    "https://origin.test@other.test/final",
]
CREDENTIALS = (
    "x-portkey-api-key",
    "x-portkey-virtual-key",
    "authorization",
    "api-key",
    "x-portkey-aws-secret-access-key",
)


def _redirecting_client(
    is_async: bool, status: int, location: str, seen: list[httpx.Request]
) -> Portkey | AsyncPortkey:
    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(status, headers={"location": location})
        return json_response()

    transport = httpx.MockTransport(respond)
    options: dict[str, Any] = {
        "base_url": "https://origin.test/v1",
        "api_key": CANARY,
        "virtual_key": CANARY,
        "Authorization": CANARY,
        "aws_secret_access_key": CANARY,
        "default_headers": {"api-key": CANARY},
    }
    if is_async:
        return AsyncPortkey(http_client=httpx.AsyncClient(transport=transport, follow_redirects=True), **options)
    return Portkey(http_client=httpx.Client(transport=transport, follow_redirects=True), **options)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_k4_redirects_stay_on_the_origin(is_async: bool, status: int) -> None:
    for location in SAME_ORIGIN:
        seen: list[httpx.Request] = []
        result = await chat(_redirecting_client(is_async, status, location, seen))
        assert result.id == "chatcmpl-1"
        assert len(seen) == 2 and seen[1].url.host == "origin.test"
        for name in CREDENTIALS:
            assert seen[1].headers[name].endswith(CANARY), (location, name)
    for location in OTHER_ORIGIN:
        seen = []
        with pytest.raises(APIStatusError) as info:
            await chat(_redirecting_client(is_async, status, location, seen))
        assert len(seen) == 1, location
        assert info.value.status_code == status
        assert "redirect to another origin" in str(info.value)
        assert CANARY not in str(info.value)


async def test_k4_redirects_with_the_default_http_client(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([])
    server.set_script(
        [
            Reply(307, (("location", f"http://localhost:{server.port}/v1/elsewhere"),)),
            Reply(307, (("location", "/v1/final"),)),
            json_reply(chat_completion()),
        ]
    )
    client = make_client(server, api_key=CANARY)
    with pytest.raises(APIStatusError) as info:
        await chat(client)
    assert info.value.status_code == 307
    assert server.request_count == 1
    assert (await chat(client)).id == "chatcmpl-1"
    assert [r.path for r in server.requests] == ["/v1/chat/completions", "/v1/chat/completions", "/v1/final"]
    assert server.requests[2].headers["x-portkey-api-key"] == CANARY


async def test_k5_warnings_carry_no_secret(is_async: bool) -> None:
    client_class = AsyncPortkey if is_async else Portkey
    with pytest.warns(UserWarning) as caught:
        client_class(base_url="http://gateway.example.com/v1", allow_insecure_http=True, api_key=CANARY)
        client_class(base_url="https://gateway.test/v1", instrumentation=True, api_key=CANARY)
    assert len(caught) == 2
    for warning in caught:
        assert CANARY not in str(warning.message)
