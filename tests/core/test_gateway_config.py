"""Typed gateway configs: `validate_config`, `coerce_config`, the TypedDicts and the pydantic models.

Bad configs give exact messages naming the field; the configs from Portkey's docs pass; and where the OSS gateway's
own schema has a rule, the gateway rejects the same configs (checked against the real gateway, no provider call).
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

import pydantic
import pytest

from portkey_ai._http import httpx
from portkey_ai.types import (
    CacheConfig,
    Condition,
    GatewayConfig,
    GatewayConfigDict,
    RetryConfig,
    Strategy,
    Target,
    coerce_config,
    validate_config,
)
from tests.servers.node_servers import NodeServer

SECRET = "sk-secret-" + uuid.uuid4().hex

# Configs from Portkey's docs ("Gateway Config Object", fallback, load balancing, conditional routing, retries,
# caching, guardrails, circuit breaker, Model Catalog), plus camelCase spellings the gateway accepts.
GOOD_CONFIGS: dict[str, dict[str, Any]] = {
    "single provider with key": {"provider": "openai", "api_key": "sk-***"},
    "override params": {
        "provider": "anthropic",
        "api_key": "xxx",
        "override_params": {"model": "claude-3-sonnet-20240229", "max_tokens": 512, "temperature": 0},
    },
    "virtual key": {"virtual_key": "***"},
    "virtual key with cache and retry": {
        "virtual_key": "***",
        "cache": {"mode": "semantic", "max_age": 10000},
        "retry": {"attempts": 5, "on_status_codes": [429]},
    },
    "empty retry codes": {"virtual_key": "***", "retry": {"attempts": 5, "on_status_codes": []}},
    "load balancing": {
        "strategy": {"mode": "loadbalance"},
        "targets": [{"provider": "openai", "api_key": "sk-***"}, {"provider": "openai", "api_key": "sk-***"}],
    },
    "weights": {
        "strategy": {"mode": "loadbalance"},
        "targets": [
            {"virtual_key": "a", "weight": 0.7},
            {"virtual_key": "b", "weight": 0.3},
            {"virtual_key": "c", "weight": 0},
        ],
    },
    "nested fallback in load balancing": {
        "strategy": {"mode": "loadbalance"},
        "targets": [
            {"provider": "openai", "api_key": "sk-***"},
            {
                "strategy": {"mode": "fallback", "on_status_codes": [429, 241]},
                "targets": [{"virtual_key": "***"}, {"virtual_key": "***"}],
            },
        ],
    },
    "fallback with retry per target": {
        "strategy": {"mode": "fallback", "on_status_codes": [429, 500, 502, 503]},
        "targets": [
            {
                "provider": "openai",
                "api_key": "sk-...",
                "retry": {"attempts": 3, "on_status_codes": [429, 500], "use_retry_after_header": True},
                "request_timeout": 30000,
                "cache": {"mode": "simple", "max_age": 3600000},
                "input_guardrails": [
                    {"default.contains": {"operator": "none", "words": ["sensitive-info"]}, "deny": True}
                ],
                "output_guardrails": ["pg-abc-123"],
            },
            {"provider": "anthropic", "api_key": "sk-ant-..."},
        ],
    },
    "conditional routing": {
        "strategy": {
            "mode": "conditional",
            "conditions": [
                {"query": {"metadata.user_plan": {"$eq": "paid"}}, "then": "finetuned-gpt4"},
                {"query": {"metadata.user_plan": {"$eq": "free"}}, "then": "base-gpt4"},
            ],
            "default": "base-gpt4",
        },
        "targets": [
            {"name": "finetuned-gpt4", "virtual_key": "xx", "override_params": {"model": "ft://gpt4-xxxxx"}},
            {"name": "base-gpt4", "virtual_key": "yy", "override_params": {"model": "gpt-4"}},
        ],
    },
    "sticky load balancing": {
        "strategy": {
            "mode": "loadbalance",
            "sticky": {"enabled": True, "hash_fields": ["metadata.user_id", "headers.x-team"], "ttl": 3600},
        },
        "targets": [{"virtual_key": "a"}, {"virtual_key": "b"}],
    },
    "hooks and compliance": {
        "provider": "openai",
        "api_key": "sk-...",
        "before_request_hooks": [{"id": "pg-check-1"}],
        "after_request_hooks": [{"id": "pg-check-2", "async": True}],
        "strict_open_ai_compliance": False,
        "forward_headers": ["x-custom-auth", "X-Trace"],
    },
    "circuit breaker": {
        "strategy": {"mode": "fallback"},
        "cb_config": {"failure_threshold": 5, "cooldown_interval": 30000, "failure_status_codes": [500, 502]},
        "targets": [{"virtual_key": "a"}, {"virtual_key": "b"}],
    },
    "model catalog provider and custom host": {
        "provider": "@openai-prod",
        "custom_host": "http://127.0.0.1:8080/v1",
        "override_params": {"model": "gpt-4o"},
    },
    "bedrock": {
        "provider": "bedrock",
        "aws_access_key_id": "A",
        "aws_secret_access_key": "B",
        "aws_region": "us-east-1",
    },
    "vertex": {"provider": "vertex-ai", "vertex_region": "us-central1", "vertex_service_account_json": {"type": "x"}},
    "azure": {
        "provider": "azure-openai",
        "api_key": "k",
        "azure_deployment_type": "managed",
        "azure_auth_mode": "entra",
    },
    "retry and timeout only": {"retry": {"attempts": 3}, "request_timeout": 10000},
    "single mode": {"strategy": {"mode": "single"}, "provider": "openai", "api_key": "sk"},
    "camelCase keys": {
        "strategy": {"mode": "fallback", "onStatusCodes": [429]},
        "targets": [{"virtualKey": "a", "overrideParams": {"model": "m"}}, {"provider": "openai", "apiKey": "k"}],
        "requestTimeout": 1000,
    },
    "unknown keys are allowed": {"provider": "openai", "api_key": "k", "some_future_option": {"x": [1, 2.5, None]}},
}


@pytest.mark.parametrize("config", GOOD_CONFIGS.values(), ids=GOOD_CONFIGS.keys())
def test_accepts_documented_configs(config: dict[str, Any]) -> None:
    validate_config(config)
    assert coerce_config(config) == config


BAD_CONFIGS: list[tuple[dict[Any, Any], str]] = [
    (
        {"strategy": {"mode": "fallback"}, "targets": [{"virtual_key": "a"}, {"virtual_key": "b", "weight": -1}]},
        "config.targets[1].weight: must be >= 0",
    ),
    ({"weight": "1"}, "config.weight: must be a number, got str"),
    ({"weight": True}, "config.weight: must be a number, got bool"),
    ({"weight": math.inf}, "config.weight: must be >= 0"),
    (
        {"strategy": {"mode": "round-robin"}, "targets": [{"virtual_key": "a"}]},
        "config.strategy.mode: must be one of 'single', 'loadbalance', 'fallback', 'conditional', got 'round-robin'",
    ),
    ({"strategy": {}, "targets": [{"virtual_key": "a"}]}, "config.strategy.mode: is required"),
    ({"strategy": "fallback"}, "config.strategy: must be an object, got str"),
    ({"strategy": {"mode": "fallback"}}, "config.targets: is required when strategy.mode is 'fallback'"),
    ({"strategy": {"mode": "fallback"}, "targets": []}, "config.targets: must contain at least one target"),
    ({"strategy": {"mode": "fallback"}, "targets": {"virtual_key": "a"}}, "config.targets: must be a list, got dict"),
    ({"strategy": {"mode": "fallback"}, "targets": ["vk"]}, "config.targets[0]: must be an object, got str"),
    (
        {"strategy": {"mode": "fallback", "on_status_codes": [429, "500", 99]}, "targets": [{"virtual_key": "a"}]},
        "config.strategy.on_status_codes[1]: must be an HTTP status code (integer), got str; "
        "config.strategy.on_status_codes[2]: must be an HTTP status code (100-599)",
    ),
    ({"on_status_codes": 429}, "config.on_status_codes: must be a list, got int"),
    ({"retry": {"on_status_codes": [429]}}, "config.retry.attempts: is required"),
    ({"retry": {"attempts": "3"}}, "config.retry.attempts: must be an integer, got str"),
    ({"retry": {"attempts": -1}}, "config.retry.attempts: must be >= 0"),
    (
        {"retry": {"attempts": 2, "use_retry_after_header": "yes"}},
        "config.retry.use_retry_after_header: must be true or false, got str",
    ),
    ({"retry": 3}, "config.retry: must be an object, got int"),
    ({"cache": {"max_age": 60}}, "config.cache.mode: is required"),
    ({"cache": {"mode": "fuzzy"}}, "config.cache.mode: must be one of 'simple', 'semantic', got 'fuzzy'"),
    ({"cache": {"mode": "simple", "max_age": 1.5}}, "config.cache.max_age: must be an integer (seconds), got float"),
    ({"request_timeout": 0}, "config.request_timeout: must be >= 1"),
    ({"request_timeout": "30s"}, "config.request_timeout: must be an integer (milliseconds), got str"),
    ({"provider": ""}, "config.provider: must not be empty"),
    ({"provider": 7}, "config.provider: must be a string, got int"),
    ({"api_key": 12345}, "config.api_key: must be a string, got int"),
    ({"virtual_key": None}, "config.virtual_key: must be a string, got null"),
    ({"custom_host": "localhost:8080"}, "config.custom_host: must be an absolute http:// or https:// URL"),
    ({"override_params": "gpt-4o"}, "config.override_params: must be an object, got str"),
    ({"forward_headers": "x-a"}, "config.forward_headers: must be a list, got str"),
    ({"forward_headers": ["x a"]}, "config.forward_headers[0]: must be an HTTP header name"),
    ({"input_guardrails": [1]}, "config.input_guardrails[0]: must be a guardrail id (string) or an object, got int"),
    ({"before_request_hooks": ["pg-1"]}, "config.before_request_hooks[0]: must be an object, got str"),
    ({"strict_open_ai_compliance": "false"}, "config.strict_open_ai_compliance: must be true or false, got str"),
    (
        {"cb_config": {"failure_threshold_percentage": 150}},
        "config.cb_config.failure_threshold_percentage: must be <= 100",
    ),
    (
        {"azure_deployment_type": "shared"},
        "config.azure_deployment_type: must be one of 'serverless', 'managed', got 'shared'",
    ),
    ({"vertex_service_account_json": "{}"}, "config.vertex_service_account_json: must be an object, got str"),
    (
        {
            "strategy": {"mode": "loadbalance"},
            "targets": [{"virtual_key": "a", "weight": 0}, {"virtual_key": "b", "weight": 0}],
        },
        "config.targets: at least one target needs a weight > 0 for load balancing",
    ),
    (
        {
            "strategy": {"mode": "loadbalance", "sticky": {"hash_fields": ["user_id"]}},
            "targets": [{"virtual_key": "a"}],
        },
        "config.strategy.sticky.hash_fields[0]: must start with 'metadata.', 'params.' or 'headers.'; "
        "config.strategy.sticky.enabled: is required",
    ),
    (
        {"strategy": {"mode": "conditional"}, "targets": [{"name": "a", "virtual_key": "a"}]},
        "config.strategy.conditions: is required when strategy.mode is 'conditional'; "
        "config.strategy.default: is required when strategy.mode is 'conditional'",
    ),
    (
        {
            "strategy": {"mode": "conditional", "conditions": [{"query": {}, "then": "gpt"}], "default": "claude"},
            "targets": [{"name": "gpt", "virtual_key": "a"}, {"name": "mistral", "virtual_key": "b"}],
        },
        "config.strategy.default: no target is named 'claude'",
    ),
    (
        {
            "strategy": {
                "mode": "conditional",
                "conditions": [{"then": "x"}, {"query": {}, "then": "y"}],
                "default": "a",
            },
            "targets": [{"name": "a", "virtual_key": "a"}, {"virtual_key": "b"}, {"name": "a", "virtual_key": "c"}],
        },
        "config.strategy.conditions[0].query: is required; config.targets[1].name: is required for a conditional "
        "strategy; config.targets[2].name: duplicate target name 'a'; config.strategy.conditions[0].then: no target is "
        "named 'x'; config.strategy.conditions[1].then: no target is named 'y'",
    ),
    (
        {
            "strategy": {"mode": "fallback"},
            "targets": [{"strategy": {"mode": "loadbalance"}, "targets": [{"weight": -2}]}],
        },
        "config.targets[0].targets[0].weight: must be >= 0",
    ),
    (
        {"strategy": {"mode": "fallback", "onStatusCodes": ["x"]}, "targets": [{"virtualKey": 1}]},
        "config.strategy.onStatusCodes[0]: must be an HTTP status code (integer), got str; "
        "config.targets[0].virtualKey: must be a string, got int",
    ),
    (
        {"on_status_codes": [429], "onStatusCodes": [500]},
        "config: both 'on_status_codes' and 'onStatusCodes' are given; use 'on_status_codes'",
    ),
    (
        {"mode": "fallback", "options": [{"provider": "openai"}]},
        "config.options: the legacy 'options' config format is not supported by the gateway; use 'strategy' and "
        "'targets' (portkey_ai.Config(...).to_gateway_config() converts a legacy config)",
    ),
    (
        {"override_params": {"stop": {"a"}}},
        "config.override_params.stop: must be JSON (object, array, string, number, true/false or null), got set",
    ),
    ({"override_params": {"temperature": math.nan}}, "config.override_params.temperature: must be a finite number"),
    ({"override_params": {1: "x"}}, "config.override_params: keys must be strings, got int"),
    (
        {"metadata": {"weird key": object()}},
        "config.metadata['weird key']: must be JSON (object, array, string, number, true/false or null), got object",
    ),
    ({3: "x"}, "config: keys must be strings, got int"),
]


@pytest.mark.parametrize(("config", "message"), BAD_CONFIGS, ids=[message[:60] for _, message in BAD_CONFIGS])
def test_rejects_bad_configs_naming_the_field(config: dict[Any, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_config(config)
    assert str(caught.value) == message


def test_nesting_depth_is_bounded() -> None:
    config: dict[str, Any] = {"virtual_key": "leaf"}
    for _ in range(40):
        config = {"strategy": {"mode": "fallback"}, "targets": [config]}
    with pytest.raises(ValueError, match=r"targets are nested more than 32 levels deep"):
        validate_config(config)


def test_errors_never_echo_secret_values() -> None:
    configs: list[dict[str, Any]] = [
        {"api_key": [SECRET]},
        {"provider": SECRET.encode()},
        {"strategy": {"mode": "fallback"}, "targets": [{"api_key": {"k": SECRET}, "weight": -1}]},
        {"aws_secret_access_key": 1, "override_params": {"api_key": {SECRET}}},
    ]
    for config in configs:
        with pytest.raises(ValueError) as caught:
            validate_config(config)
        assert SECRET not in str(caught.value)


def test_validate_config_rejects_non_mappings() -> None:
    with pytest.raises(TypeError, match="`config` must be a mapping \\(or a config id string\\), not list"):
        validate_config([])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------------
# coerce_config


def test_coerce_config_id_is_passed_through() -> None:
    assert coerce_config("  pc-my-config-1a2b  ") == "pc-my-config-1a2b"


def test_coerce_json_string() -> None:
    assert coerce_config(' {"retry": {"attempts": 2}} ') == {"retry": {"attempts": 2}}
    with pytest.raises(
        ValueError, match=r"`config` looks like JSON but does not parse \(Expecting value at position 10\)"
    ):
        coerce_config('{"retry": }')
    with pytest.raises(ValueError, match=r"config.retry.attempts: is required"):
        coerce_config('{"retry": {}}')


def test_coerce_rejects_empty_and_other_types() -> None:
    with pytest.raises(ValueError, match="`config` must not be an empty string"):
        coerce_config("  ")
    with pytest.raises(
        TypeError, match="`config` must be a config id \\(str\\), a mapping, a GatewayConfig or a Config, not int"
    ):
        coerce_config(3)
    with pytest.raises(TypeError, match="not list"):
        coerce_config('[{"retry": {}}]')


def test_coerce_mapping_returns_plain_json_data() -> None:
    from types import MappingProxyType

    config = MappingProxyType({"strategy": MappingProxyType({"mode": "fallback"}), "targets": ({"virtual_key": "a"},)})
    coerced = coerce_config(config)
    assert coerced == {"strategy": {"mode": "fallback"}, "targets": [{"virtual_key": "a"}]}
    assert type(coerced) is dict
    assert json.loads(json.dumps(coerced)) == coerced


def test_coerce_typed_dict() -> None:
    config: GatewayConfigDict = {
        "strategy": {"mode": "fallback", "on_status_codes": [503]},
        "targets": [{"provider": "openai", "api_key": "sk"}, {"virtual_key": "vk", "retry": {"attempts": 2}}],
    }
    assert coerce_config(config) == config


# --------------------------------------------------------------------------------------------------------------------
# pydantic models


def test_model_to_gateway_config() -> None:
    model = GatewayConfig(
        strategy=Strategy(mode="fallback", on_status_codes=[429]),
        retry=RetryConfig(attempts=2, use_retry_after_header=True),
        targets=[
            Target(provider="openai", api_key=SECRET, override_params={"model": "gpt-4o-mini"}, weight=0.5),
            Target.model_validate(
                {"virtual_key": "vk", "cache": CacheConfig(mode="semantic", max_age=60), "custom_flag": "kept"}
            ),
        ],
    )
    expected = {
        "strategy": {"mode": "fallback", "on_status_codes": [429]},
        "targets": [
            {"provider": "openai", "api_key": SECRET, "weight": 0.5, "override_params": {"model": "gpt-4o-mini"}},
            {"virtual_key": "vk", "cache": {"mode": "semantic", "max_age": 60}, "custom_flag": "kept"},
        ],
        "retry": {"attempts": 2, "use_retry_after_header": True},
    }
    assert model.to_gateway_config() == expected
    assert coerce_config(model) == expected


def test_model_accepts_camel_case_and_dicts() -> None:
    model = GatewayConfig.model_validate(
        {
            "strategy": {"mode": "loadbalance"},
            "targets": [{"virtualKey": "a", "weight": 2}, {"apiKey": "k", "provider": "openai"}],
        }
    )
    assert model.targets is not None and model.targets[0].virtual_key == "a"
    assert model.to_gateway_config() == {
        "strategy": {"mode": "loadbalance"},
        "targets": [{"virtual_key": "a", "weight": 2.0}, {"provider": "openai", "api_key": "k"}],
    }


def test_model_repr_shows_set_fields_and_hides_secrets() -> None:
    model = GatewayConfig(
        provider="openai", api_key=SECRET, aws_secret_access_key=SECRET, retry=RetryConfig(attempts=1)
    )
    text = repr(model)
    assert SECRET not in text
    assert text == (
        "GatewayConfig(provider='openai', api_key='<redacted>', retry=RetryConfig(attempts=1), "
        "aws_secret_access_key='<redacted>')"
    )


def test_model_field_errors_hide_input() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        GatewayConfig(api_key=[SECRET], weight=-1)  # type: ignore[arg-type]
    assert SECRET not in str(caught.value)
    assert {error["loc"] for error in caught.value.errors()} == {("api_key",), ("weight",)}
    with pytest.raises(pydantic.ValidationError, match="mode"):
        Strategy(mode="random")  # type: ignore[arg-type]


def test_model_semantic_errors_come_from_validate_config() -> None:
    model = GatewayConfig(
        strategy=Strategy(
            mode="conditional", conditions=[Condition(query={"metadata.plan": "paid"}, then="paid")], default="free"
        ),
        targets=[Target(name="paid", virtual_key="a")],
    )
    with pytest.raises(ValueError, match="^config.strategy.default: no target is named 'free'$"):
        model.to_gateway_config()


# --------------------------------------------------------------------------------------------------------------------
# cross-check against the OSS gateway's own validator (requests are rejected before any provider call)

GATEWAY_REJECTS: dict[str, dict[str, Any]] = {
    "strategy.mode": {"strategy": {"mode": "round-robin"}, "targets": [{"provider": "openai", "api_key": "k"}]},
    "strategy without mode": {"strategy": {}, "targets": [{"provider": "openai", "api_key": "k"}]},
    "weight type": {
        "strategy": {"mode": "loadbalance"},
        "targets": [{"provider": "openai", "api_key": "k", "weight": "1"}],
    },
    "retry.attempts type": {"provider": "openai", "api_key": "k", "retry": {"attempts": "3"}},
    "retry without attempts": {"provider": "openai", "api_key": "k", "retry": {"on_status_codes": [429]}},
    "cache.mode": {"provider": "openai", "api_key": "k", "cache": {"mode": "fuzzy"}},
    "status code type": {"provider": "openai", "api_key": "k", "on_status_codes": ["429"]},
    "forward_headers type": {"provider": "openai", "api_key": "k", "forward_headers": "x-a"},
    "strict_open_ai_compliance type": {"provider": "openai", "api_key": "k", "strict_open_ai_compliance": "false"},
    "request_timeout type": {"provider": "openai", "api_key": "k", "request_timeout": "30s"},
    "guardrails type": {"provider": "openai", "api_key": "k", "input_guardrails": "pg-1"},
    "legacy options": {"provider": "openai", "api_key": "k", "options": [{"provider": "openai"}]},
}


@pytest.mark.parametrize("config", GATEWAY_REJECTS.values(), ids=GATEWAY_REJECTS.keys())
def test_the_gateway_rejects_what_validate_config_rejects(gateway: NodeServer, config: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        validate_config(config)
    response = httpx.post(
        f"{gateway.base_url}/chat/completions",
        headers={"x-portkey-config": json.dumps(config)},
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.json()["status"] == "failure"
