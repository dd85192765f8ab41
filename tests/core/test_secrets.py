"""One rule decides which names hold secrets; reprs and shipped logs mask by it, nested values included."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._secrets import is_secret_name, redact_text
from portkey_ai.lib import to_jsonable
from portkey_ai.types.gateway_config import GatewayConfig

CANARY = "sk-CANARY-7f3a"


@pytest.mark.parametrize(
    "name",
    [
        "api_key",
        "apiKey",
        "x-portkey-api-key",
        "Authorization",
        "virtual_key",
        "virtualKey",
        "provider_key",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "vertex_service_account_json",
        "credentials",
        "password",
        "x_custom_auth",
        "token",
        "Ocp-Apim-Subscription-Key",
        "x-functions-key",
        "signature",
        "sig",
        "Set-Cookie",
        "X-Goog-Api-Key",
        "sessionToken",
        "client_secret",
        "x-portkey-config",
        "x-portkey-metadata",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "max_tokens",
        "total_tokens",
        "model",
        "provider",
        "trace_id",
        "cache_key_prefix",
        "cache_key",
        "tuple_key",
        "session_id",
        "x-portkey-provider",
        "x-portkey-trace-id",
        "content-type",
    ],
)
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bearer abc.def", "Bearer <redacted>"),
        ("call with key sk-proj-abcdefghij0123456789 now", "call with key <redacted> now"),
        ("https://user:pw@host.test/v1", "https://<redacted>@host.test/v1"),
        ("https://h.test/v1?api_key=zzz&model=m", "https://h.test/v1?api_key=<redacted>&model=m"),
        ('{"password": "hunter2", "model": "m"}', '{"password": "<redacted>", "model": "m"}'),
        ("x-api-key: abc", "x-api-key: <redacted>"),
        (
            "[(b'set-cookie', b's=1'), (b'content-type', b'x')]",
            "[(b'set-cookie', b'<redacted>'), (b'content-type', b'x')]",
        ),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: <redacted>"),
    ],
)
def test_secret_shapes_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Basic ideas first", "the bearer of news", "max_tokens=5", "note: fine", "gpt-4o-mini", "sk-short", "a=b"],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    "text",
    ['"a":"' * 6000, "(b'a', b'" * 5000, "a=b " * 8000, "https://x.test/a?b=c " * 1500, "a:" * 15000, "a://" * 8000],
)
def test_redaction_stays_linear_on_hostile_text(text: str) -> None:
    started = time.perf_counter()
    redact_text(text[:32_000])
    assert time.perf_counter() - started < 0.5


def test_request_model_repr_masks_nested_secrets() -> None:
    config = GatewayConfig.model_validate(
        {
            "provider": "openai",
            "override_params": {"max_tokens": 5, "api_key": CANARY},
            "before_request_hooks": [{"id": "g", "credentials": {"apiKey": CANARY}}],
        }
    )
    text = repr(config)
    assert CANARY not in text
    assert "max_tokens" in text
    assert "5" in text


def test_shipped_logs_mask_virtual_and_cloud_keys() -> None:
    sent = to_jsonable({"headers": {"virtual_key": CANARY, "aws_access_key_id": CANARY, "model": "m"}})
    assert CANARY not in repr(sent)
    assert sent == {"headers": {"virtual_key": "<redacted>", "aws_access_key_id": "<redacted>", "model": "m"}}


@pytest.mark.parametrize("client_class", [Portkey, AsyncPortkey])
def test_client_repr_masks_a_json_config_and_secret_extras(client_class: type[Portkey] | type[AsyncPortkey]) -> None:
    client = client_class(
        api_key="pk-test",
        base_url="http://127.0.0.1:1/v1",
        config=f'{{"provider": "openai", "api_key": "{CANARY}"}}',
        x_custom_auth=CANARY,  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    )
    assert CANARY not in repr(client)
    assert "'provider': 'openai'" in repr(client)


def test_error_spans_drop_url_query_strings() -> None:
    from portkey_ai.lib._spans import error_response

    status, body = error_response(RuntimeError(f"GET https://llm.test/v1/models?key={CANARY} failed"))
    assert status == 500
    assert CANARY not in body["error"]["message"]
    assert "https://llm.test/v1/models" in body["error"]["message"]


@pytest.mark.parametrize("name", ["portkey_ai.tracing", "portkey_ai.logs", "portkey_ai.some_integration"])
def test_child_loggers_redact(name: str, caplog: pytest.LogCaptureFixture) -> None:
    from portkey_ai._logging import redacting_logger

    logger = redacting_logger(name)
    try:
        raise ValueError(f"https://llm.test/v1?api_key={CANARY}")
    except ValueError:
        logger.warning("call to %s failed", f"https://llm.test/v1?key={CANARY}", exc_info=True)
    assert caplog.records
    assert CANARY not in caplog.text
    assert "(ValueError)" in caplog.text


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_http2_header_compression_logs_no_secret(is_async: bool, caplog: pytest.LogCaptureFixture) -> None:
    """hpack (HTTP/2) logs every header it encodes and decodes at DEBUG: the headers of a real request go through
    its encoder and decoder, and no secret value reaches a record, while ordinary header values still do."""
    from hpack import Decoder, Encoder

    from portkey_ai._http import httpx
    from tests.core.mock_transport import Script, make_client

    script = Script()
    client = make_client(
        is_async,
        script,
        api_key=CANARY,
        virtual_key=CANARY + "-vk",
        provider="openai",
        Authorization="Bearer " + CANARY + "-provider",
        trace_id="trace-visible",
    )
    arguments: dict[str, Any] = {
        "model": "gpt-test",
        "messages": [{"role": "user", "content": "hi"}],
        "extra_headers": {"api-key": CANARY + "-azure"},
    }
    if isinstance(client, AsyncPortkey):
        await client.chat.completions.create(**arguments)
    else:
        client.chat.completions.create(**arguments)
    headers = [(name.lower(), value) for name, value in script.last.headers.raw]
    assert any(CANARY.encode() in value for _, value in headers)
    response = httpx.Headers({"set-cookie": f"session={CANARY}", "x-portkey-trace-id": "trace-visible"})
    caplog.set_level(logging.DEBUG, logger="hpack")
    encoder, decoder = Encoder(), Decoder()
    decoded = decoder.decode(encoder.encode(headers), raw=True)
    decoder.decode(encoder.encode(list(response.raw)))
    small = Encoder()
    small.header_table_size = 64
    small.encode(headers)
    assert [(name, value) for name, value in decoded] == headers
    assert {record.name for record in caplog.records} == {"hpack.hpack", "hpack.table"}
    assert any("Evicting" in record.getMessage() for record in caplog.records)
    assert CANARY not in caplog.text
    assert "trace-visible" in caplog.text
    assert "x-portkey-api-key" in caplog.text
