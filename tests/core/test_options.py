"""The option declaration and its header serialisation (pure unit tests, no I/O)."""

from __future__ import annotations

import dataclasses
import json
import typing
import uuid
from typing import Any, cast

import pytest

from portkey_ai import PortkeyOptions, PortkeyOptionsDict, createHeaders
from portkey_ai._options import OPTION_SPECS, build_headers, make_options, masked_option_items

CANARY = "pk-canary-" + uuid.uuid4().hex

SAMPLE_BY_KIND: dict[str, tuple[object, str]] = {
    "str": ("value-1", "value-1"),
    "bool": (True, "true"),
    "int": (1500, "1500"),
    "metadata": ({"_user": "u-1", "env": "prod"}, '{"_user":"u-1","env":"prod"}'),
    "header_list": (["x-a", "x-b"], "x-a,x-b"),
    "config": ({"strategy": {"mode": "single"}}, '{"strategy":{"mode":"single"}}'),
    "bearer": ("sk-1", "Bearer sk-1"),
    "json": ({"type": "service_account"}, '{"type":"service_account"}'),
}


def test_typeddict_matches_dataclass() -> None:
    fields = {f.name for f in dataclasses.fields(PortkeyOptions)} - {"extra"}
    assert set(PortkeyOptionsDict.__annotations__) == fields
    hints = typing.get_type_hints(PortkeyOptionsDict)
    dataclass_hints = typing.get_type_hints(PortkeyOptions)
    for name in fields:
        assert hints[name] == dataclass_hints[name], name


@pytest.mark.parametrize("name", list(OPTION_SPECS))
def test_every_option_maps_to_its_header(name: str) -> None:
    spec = OPTION_SPECS[name]
    value, expected = SAMPLE_BY_KIND[spec.kind]
    headers = createHeaders(**cast(dict[str, Any], {name: value}))
    assert headers == {spec.header: expected}
    if name != "Authorization":
        assert spec.header == "x-portkey-" + name.replace("_", "-")


def test_unset_and_false_values() -> None:
    assert createHeaders() == {}
    assert createHeaders(debug=None, trace_id=None) == {}
    assert createHeaders(debug=False, cache_force_refresh=False) == {
        "x-portkey-debug": "false",
        "x-portkey-cache-force-refresh": "false",
    }
    assert createHeaders(request_timeout=0) == {"x-portkey-request-timeout": "0"}


def test_strict_open_ai_compliance_is_not_sent_unless_set() -> None:
    assert "x-portkey-strict-open-ai-compliance" not in createHeaders(provider="openai")


def test_unknown_options_become_prefixed_headers() -> None:
    headers = createHeaders(provider="openai", my_custom_option="v", mode="fallback", retry_count=3)  # type: ignore[call-arg]
    assert headers["x-portkey-my-custom-option"] == "v"
    assert headers["x-portkey-mode"] == "fallback"
    assert headers["x-portkey-retry-count"] == "3"


def test_forward_headers_send_listed_extra_options_raw() -> None:
    headers = createHeaders(forward_headers=["X-Tenant-Id", "x-feature"], x_tenant_id="t-1", x_feature=True)  # type: ignore[call-arg]
    assert headers["x-portkey-forward-headers"] == "X-Tenant-Id,x-feature"
    assert headers["x-tenant-id"] == "t-1"
    assert headers["x-feature"] == "true"
    assert createHeaders(forward_headers="a, b") == {"x-portkey-forward-headers": "a,b"}


def test_authorization_keeps_an_existing_bearer_prefix() -> None:
    assert createHeaders(Authorization="Bearer sk-1") == {"Authorization": "Bearer sk-1"}
    assert createHeaders(Authorization="bearer sk-1") == {"Authorization": "bearer sk-1"}


def test_string_values_are_stripped() -> None:
    assert createHeaders(api_key="  pk-1\n") == {"x-portkey-api-key": "pk-1"}


def test_metadata_string_is_sent_verbatim() -> None:
    assert createHeaders(metadata='{"a":"b"}') == {"x-portkey-metadata": '{"a":"b"}'}


def test_non_ascii_metadata_is_json_escaped() -> None:
    header = createHeaders(metadata={"name": "café ☕"})["x-portkey-metadata"]
    assert header.isascii()
    assert json.loads(header) == {"name": "café ☕"}


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"trace_id": CANARY + "\r\nX-Evil: 1"}, ValueError, "`trace_id` contains a control character"),
        ({"api_key": CANARY + "\x00"}, ValueError, "`api_key` contains a control character"),
        ({"virtual_key": "a\x7fb" + CANARY}, ValueError, "`virtual_key` contains a control character"),
        ({"span_name": "café" + CANARY}, ValueError, "`span_name` must contain only ASCII"),
        ({"metadata": {"k": "a\r\nX-Evil: 1" + CANARY}}, ValueError, "`metadata['k']` contains a control character"),
        ({"metadata": {"k": 1}}, TypeError, "`metadata['k']` must be a string"),
        ({"metadata": {"k": "x" * 129}}, ValueError, "longer than 128"),
        ({"metadata": ["a"]}, TypeError, "`metadata` must be a mapping"),
        ({"debug": "yes"}, TypeError, "`debug` must be a bool"),
        ({"request_timeout": "10"}, TypeError, "`request_timeout` must be an int"),
        ({"request_timeout": True}, TypeError, "`request_timeout` must be an int"),
        ({"request_timeout": -1}, ValueError, "`request_timeout` must be >= 0"),
        ({"trace_id": 12}, TypeError, "`trace_id` must be a string"),
        ({"forward_headers": ["bad header"]}, ValueError, "`forward_headers[0]` is not a valid HTTP header name"),
        ({"forward_headers": 5}, TypeError, "`forward_headers` must be a list"),
        ({"config": 5}, TypeError, "`config` must be a config id"),
        ({"Authorization": "sk\r\n" + CANARY}, ValueError, "`Authorization` contains a control character"),
        ({"Authorization": " "}, ValueError, "`Authorization` must not be empty"),
        ({"Authorization": "Bearer "}, ValueError, "`Authorization` must not be empty"),
        ({"my_option": "a\nb" + CANARY}, ValueError, "`my_option` contains a control character"),
    ],
)
def test_bad_values_fail_naming_the_option_without_echoing_it(
    kwargs: dict[str, Any], error: type[Exception], fragment: str | None
) -> None:
    with pytest.raises(error) as info:
        createHeaders(**kwargs)
    message = str(info.value)
    if fragment is not None:
        assert fragment in message
    assert CANARY not in message
    assert CANARY not in repr(info.value)


def test_oversized_headers_suggest_a_saved_config() -> None:
    config = {"targets": [{"provider": "openai", "api_key": "k" * 100, "name": str(i)} for i in range(200)]}
    with pytest.raises(ValueError, match="pass its id instead"):
        createHeaders(config=config)


def test_config_objects_with_to_gateway_config() -> None:
    class Legacy:
        def to_gateway_config(self) -> dict[str, Any]:
            return {"strategy": {"mode": "fallback"}, "targets": [{"provider": "openai", "api_key": "k"}]}

    header = createHeaders(config=Legacy())["x-portkey-config"]
    assert header == '{"strategy":{"mode":"fallback"},"targets":[{"provider":"openai","api_key":"k"}]}'


def test_invalid_config_fails_naming_the_field() -> None:
    config = {
        "strategy": {"mode": "loadbalance"},
        "targets": [
            {"provider": "openai", "api_key": CANARY, "weight": 1},
            {"provider": "openai", "api_key": CANARY, "weight": -1},
        ],
    }
    with pytest.raises(ValueError, match=r"config\.targets\[1\]\.weight: must be >= 0") as info:
        createHeaders(config=config)
    assert CANARY not in str(info.value)


def test_config_id_passes_through() -> None:
    assert createHeaders(config="pc-abc-123") == {"x-portkey-config": "pc-abc-123"}


def test_masked_items_hide_every_secret() -> None:
    options = make_options(
        {
            "api_key": CANARY,
            "virtual_key": CANARY,
            "Authorization": CANARY,
            "aws_secret_access_key": CANARY,
            "aws_session_token": CANARY,
            "config": {"targets": [{"provider": "openai", "api_key": CANARY, "weight": 1}]},
            "my_api_key": CANARY,
            "provider": "openai",
        }
    )
    rendered = repr(masked_option_items(options))
    assert CANARY not in rendered
    assert "openai" in rendered
    assert "'weight': 1" in rendered


def test_build_headers_is_deterministic_in_declaration_order() -> None:
    options = make_options({"trace_id": "t", "provider": "openai", "api_key": "pk"})
    assert list(build_headers(options)) == ["x-portkey-api-key", "x-portkey-provider", "x-portkey-trace-id"]
