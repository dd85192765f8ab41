"""Secrets under a hostile server and a careless caller (issue 12, findings 2, 4-9): sync and async.

K6 bytes header values, K7 no public attribute prints a secret, K8 one secret rule for the shipper and the log filter,
K9 the HTTP library's own loggers, K10 `websocket_base_url`, K11 every IPv4 spelling, K12 request headers after a
same-origin redirect.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from portkey_ai import APIStatusError, AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai._options import OPTION_SPECS
from portkey_ai.lib import LogShipper
from tests.core.mock_transport import Script, chat, json_response
from tests.core.planted_secrets import ORDINARY, leaked, planted
from tests.core.reliability.conftest import CANARY, ClientFactory
from tests.servers.fault_server import FaultServer, chat_completion, json_reply

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]


def _client(is_async: bool, script: Script, **kwargs: Any) -> Portkey | AsyncPortkey:
    transport = httpx.MockTransport(script)
    kwargs.setdefault("base_url", "https://gateway.test/v1")
    if is_async:
        return AsyncPortkey(http_client=httpx.AsyncClient(transport=transport, follow_redirects=True), **kwargs)
    return Portkey(http_client=httpx.Client(transport=transport, follow_redirects=True), **kwargs)


# -- K6: bytes header values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [b"\n", b"\r\nX-Evil: 1", b"\x00", "é".encode(), b" "], ids=["lf", "crlf", "nul", "utf8", "space"]
)
async def test_k6_bytes_header_values_are_checked_before_any_io(
    is_async: bool, bad: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    value = b"sk-" + CANARY.encode() + bad
    script = Script()
    client = _client(is_async, script, max_retries=2)
    for name in ("x-portkey-virtual-key", "x-custom"):
        with pytest.raises(ValueError) as info:
            await chat(client, extra_headers={name: value})
        assert name in str(info.value)
        assert CANARY not in str(info.value) and info.value.__cause__ is None
    with pytest.raises(ValueError) as default:
        _client(is_async, script, default_headers={"x-portkey-virtual-key": value})
    assert "default_headers['x-portkey-virtual-key']" in str(default.value)
    assert CANARY not in str(default.value)
    assert script.requests == []
    assert CANARY not in caplog.text


async def test_k6_valid_bytes_header_values_are_sent_as_given(is_async: bool) -> None:
    script = Script([json_response()])
    client = _client(is_async, script, default_headers={"x-team": b"blue"})
    await chat(client, extra_headers={"x-portkey-trace-id": b"trace-1"})
    assert script.last.headers["x-team"] == "blue"
    assert script.last.headers["x-portkey-trace-id"] == "trace-1"
    with pytest.raises(TypeError, match=r"x-number.*int"):
        await chat(client, extra_headers={"x-number": 5})


# -- K7: public attributes --------------------------------------------------------------------------------------

SECRETS: dict[str, Any] = {
    "api_key": CANARY + "-api",
    "virtual_key": CANARY + "-vk",
    "Authorization": CANARY + "-provider",
    "aws_access_key_id": CANARY + "-aws-id",
    "aws_secret_access_key": CANARY + "-aws",
    "aws_session_token": CANARY + "-session",
    "aws_external_id": CANARY + "-external",
    "azure_ad_token": CANARY + "-azure",
    "config": {"targets": [{"provider": "openai", "api_key": CANARY + "-config"}], "retry": {"attempts": 2}},
    "vertex_service_account_json": {"private_key": CANARY + "-vertex", "client_email": "a@b.c"},
    "metadata": {"user": "u-1", "token": CANARY + "-metadata"},
    "openai_api_key": CANARY + "-extra",  # an undeclared option
    "webhook_secret": CANARY + "-webhook",
    "default_headers": {"api-key": CANARY + "-header", "x-team": "blue"},
    "default_query": {"token": CANARY + "-query", "tenant": "t-1"},
    "provider": "openai",
}


def _attribute_texts(client: Portkey | AsyncPortkey) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name in [*dir(client), *OPTION_SPECS, "openai_api_key"]:
        if name.startswith("_"):
            continue
        try:
            value = getattr(client, name)
        except Exception:  # an attribute that needs an optional extension
            continue
        texts[name] = repr(value)
    return texts


async def test_k7_no_public_attribute_prints_a_secret(is_async: bool) -> None:
    script = Script([json_response()])
    client = _client(is_async, script, **SECRETS)
    copy = client.with_options(trace_id="copy", virtual_key=CANARY + "-copy")
    for each in (client, copy):
        texts = _attribute_texts(each)
        assert {"portkey_options", "virtual_key", "config", "api_key", "default_headers", "default_query"} <= set(texts)
        for name, text in texts.items():
            assert CANARY not in text, name
        assert CANARY not in repr(each.portkey_options) and CANARY not in str(each.portkey_options)
    options: Any = client
    assert repr(options.virtual_key) == "'<redacted>'"
    assert options.virtual_key == CANARY + "-vk" and f"{options.virtual_key}" == CANARY + "-vk"
    assert repr(client.api_key) == "'<redacted>'" and client.api_key == CANARY + "-api"
    assert options.config["retry"] == {"attempts": 2} and options.config["targets"][0]["provider"] == "openai"
    assert options.metadata["user"] == "u-1"
    assert repr(options.config["targets"][0]["api_key"]) == "'<redacted>'"
    assert "'tenant': 't-1'" in repr(client.default_query)
    await chat(copy)
    sent = script.last.headers
    assert sent["x-portkey-virtual-key"] == CANARY + "-copy"
    assert sent["api-key"] == CANARY + "-header" and sent["x-portkey-api-key"] == CANARY + "-api"
    assert json.loads(sent["x-portkey-config"])["targets"][0]["api_key"] == CANARY + "-config"
    assert script.last.url.params["token"] == CANARY + "-query"


# -- K8: one secret rule, names and value shapes ----------------------------------------------------------------


async def test_k8_shipper_and_log_filter_drop_all_37_planted_secrets(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    named, shaped, material = planted()
    assert len(material) == 37
    sink = Script([json_response()])
    client = Portkey(
        api_key="pk-test",
        base_url="https://logs.test/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(sink)),
    )
    shipper = LogShipper(client=client, flush_interval=60)
    shipper.enqueue({"request": {"headers": dict(named), "body": {**ORDINARY, **shaped}}, "response": {"body": {}}})
    assert (await shipper.aflush(10)) if is_async else shipper.flush(10)
    shipper.shutdown()
    sent = sink.last.content.decode()
    assert leaked(sent, material) == []
    body = json.loads(sent)[0]["request"]["body"]
    assert {key: body[key] for key in ORDINARY} == ORDINARY

    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("portkey_ai")
    logger.debug(
        "upstream said " + " | ".join(shaped.values()) + "; options %s",
        {"headers": named, "options": {**ORDINARY, **shaped}},
    )
    (record,) = [r for r in caplog.records if r.name == "portkey_ai" and "upstream said" in r.getMessage()]
    message = record.getMessage()
    assert leaked(message, material) == []
    for value in ("'gpt-4o-mini'", "'max_tokens': 256", "'session_id': 'session-42'", ORDINARY["text"]):
        assert value in message


# -- K9: the HTTP library's own loggers -------------------------------------------------------------------------


async def test_k9_http_library_loggers_redact_set_cookie(
    is_async: bool, serve: Serve, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cookie = (("set-cookie", f"session={CANARY}; HttpOnly"), ("x-amz-security-token", CANARY))
    server = serve([json_reply(chat_completion(), 200, cookie)])
    client = make_client(server, api_key=CANARY + "-key")
    await chat(client)
    core = [r for r in caplog.records if r.name.startswith("httpcore")]
    assert any("set-cookie" in r.getMessage().lower() for r in core)
    for record in caplog.records:
        assert CANARY not in record.getMessage(), record.name


# -- K10: websocket_base_url ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ws://realtime.example.com/v1", "allow_insecure_http"),
        ("ws://134744072/v1", "allow_insecure_http"),
        (f"wss://user:{CANARY}@gateway.test/v1", "credentials"),
        ("wss://gateway.test/v1?key=1", "query string"),
        ("wss://gateway.test/v1\r\nX-Evil: 1", "control character"),
        ("https://gateway.test/v1", "ws:// or wss://"),
        (f"wss://gateway.test:{CANARY}/v1", "ws:// or wss://"),  # the HTTP library's error would quote it
    ],
)
async def test_k10_websocket_base_url_is_checked_like_base_url(is_async: bool, url: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        _client(is_async, Script(), websocket_base_url=url, api_key=CANARY)
    assert "websocket_base_url" in str(info.value) and CANARY not in str(info.value)
    client = _client(is_async, Script(), websocket_base_url="wss://gateway.test/v1")
    with pytest.raises(ValueError, match="websocket_base_url"):
        client.with_options(websocket_base_url=url)


async def test_k10_local_ws_and_public_wss_are_accepted(is_async: bool) -> None:
    for url in ("ws://localhost:8787/v1", "ws://10.0.0.7/v1", "wss://realtime.example.com/v1"):
        assert str(_client(is_async, Script(), websocket_base_url=url).websocket_base_url) == url
    with pytest.warns(UserWarning, match="ws://"):
        _client(is_async, Script(), websocket_base_url="ws://realtime.example.com/v1", allow_insecure_http=True)


# -- K11: every IPv4 spelling -----------------------------------------------------------------------------------

PUBLIC_SPELLINGS = [
    "134744072",
    "0x08080808",
    "0x8.0x8.0x8.0x8",
    "8.8.2056",
    "8.526344",
    "0x8.8.2056",
    "[::ffff:8.8.8.8]",
]
PRIVATE_SPELLINGS = ["2130706433", "0x7f000001", "127.1", "10.1", "0xc0.0xa8.1.2", "[::ffff:10.0.0.1]"]


@pytest.mark.parametrize("host", PUBLIC_SPELLINGS)
async def test_k11_public_ipv4_in_any_spelling_needs_the_opt_in(is_async: bool, host: str) -> None:
    for option, url in (("base_url", f"http://{host}/v1"), ("custom_host", f"http://{host}/v1")):
        kwargs: dict[str, Any] = {option: url}
        with pytest.raises(ValueError, match="allow_insecure_http") as info:
            _client(is_async, Script(), **kwargs)
        assert option in str(info.value)


@pytest.mark.parametrize("host", PRIVATE_SPELLINGS)
async def test_k11_private_ipv4_in_any_spelling_is_accepted(is_async: bool, host: str) -> None:
    assert _client(is_async, Script(), base_url=f"http://{host}/v1").base_url.host


# -- K12: request headers after a same-origin redirect ----------------------------------------------------------


async def test_k12_error_request_headers_stay_masked_after_a_same_origin_redirect(is_async: bool) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/chat/completions"):
            return httpx.Response(307, headers={"location": "/v1/final"})
        return httpx.Response(401, json={"error": {"message": "no"}})

    script = Script([respond])
    client = _client(is_async, script, api_key=CANARY, virtual_key=CANARY, default_headers={"api-key": CANARY})
    with pytest.raises(APIStatusError) as info:
        await chat(client, extra_headers={"x-functions-key": CANARY})
    assert [r.url.path for r in script.requests] == ["/v1/chat/completions", "/v1/final"]
    request = info.value.request
    assert request.url.path == "/v1/final" and request.headers["x-portkey-api-key"] == CANARY
    for text in (repr(request.headers), str(request.headers), repr(info.value.response.request.headers)):
        assert CANARY not in text
    assert "<redacted>" in repr(request.headers)
