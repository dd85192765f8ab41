"""One rule decides which names hold secrets; reprs and shipped logs mask by it, nested values included."""

from __future__ import annotations

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._secrets import is_secret_name
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
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["max_tokens", "total_tokens", "model", "provider", "trace_id", "cache_key_prefix"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


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
