"""The official SDK's seed-facing names (`Config`, `LLMOptions`, `Modes`, `ProviderTypes`, ...) and what they do."""

from __future__ import annotations

import json
import re
import typing
import uuid

import openai
import pydantic
import pytest

from portkey_ai import Portkey
from portkey_ai._http import httpx
from portkey_ai.types import (
    CacheLiteral,
    CacheType,
    Condition,
    Config,
    Constructs,
    ConversationInput,
    Function,
    GenericResponse,
    LLMOptions,
    Message,
    ModelParams,
    Modes,
    ModesLiteral,
    Params,
    PortkeyResponse,
    ProviderTypes,
    ProviderTypesLiteral,
    RetrySettings,
    Tool,
    Usage,
    coerce_config,
)
from tests.servers.fake_provider import FakeProvider, Fault
from tests.servers.node_servers import NodeServer

SECRET = "sk-secret-" + uuid.uuid4().hex


# --------------------------------------------------------------------------------------------------------------------
# enums and literals


def test_enums_and_literals_agree() -> None:
    assert [mode.value for mode in Modes] == list(typing.get_args(ModesLiteral))
    assert [cache.value for cache in CacheType] == list(typing.get_args(CacheLiteral))
    assert [provider.value for provider in ProviderTypes] == list(typing.get_args(ProviderTypesLiteral))
    assert len(set(typing.get_args(ProviderTypesLiteral))) == len(ProviderTypes)


def test_enum_members_are_their_strings() -> None:
    assert isinstance(Modes.FALLBACK, str) and isinstance(ProviderTypes.OPENAI, str)
    assert str(Modes.AB_TEST) == "ab_test" and f"{Modes.PROXY}" == "proxy"
    assert [str(ProviderTypes.AZURE_OPENAI), str(ProviderTypes.HUGGING_FACE), str(ProviderTypes.THREE_ZERO_TWO_AI)] == [
        "azure-openai",
        "huggingface",
        "302ai",
    ]
    assert CacheType("semantic") is CacheType.SEMANTIC
    assert json.dumps({"mode": Modes.FALLBACK}) == '{"mode": "fallback"}'


def test_membership_by_value_like_the_official_sdk() -> None:
    assert "fallback" in Modes and Modes.SINGLE in Modes
    assert "round-robin" not in Modes
    assert "openai" in ProviderTypes and "not-a-provider" not in ProviderTypes
    assert 3 not in CacheType


def test_provider_types_match_the_gateway(gateway: NodeServer) -> None:
    """The OSS gateway lists every provider it accepts when a config names an unknown one."""
    response = httpx.post(
        f"{gateway.base_url}/chat/completions",
        headers={"x-portkey-config": json.dumps({"provider": "not-a-provider", "api_key": "k"})},
        json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    errors = " ".join(response.json()["errors"])
    match = re.search(r"Must be one of: ([^\n]*)$", errors)
    assert match is not None, errors
    accepted = [name.strip() for name in match.group(1).split(",")]
    assert sorted(accepted) == sorted(provider.value for provider in ProviderTypes)


# --------------------------------------------------------------------------------------------------------------------
# Config / LLMOptions -> gateway config


def test_fallback_config() -> None:
    config = Config(
        mode="fallback",
        on_status_codes=[429, 503],
        llms=[
            LLMOptions(provider="openai", api_key=SECRET, model="gpt-4o-mini", temperature=0),
            LLMOptions(provider=ProviderTypes.ANTHROPIC, virtual_key="anthropic-vk", model="claude", max_tokens=512),
        ],
    )
    assert config.to_gateway_config() == {
        "strategy": {"mode": "fallback", "on_status_codes": [429, 503]},
        "targets": [
            {"provider": "openai", "api_key": SECRET, "override_params": {"model": "gpt-4o-mini", "temperature": 0.0}},
            {
                "provider": "anthropic",
                "virtual_key": "anthropic-vk",
                "override_params": {"model": "claude", "max_tokens": 512},
            },
        ],
    }


@pytest.mark.parametrize(
    ("mode", "gateway_mode"),
    [
        ("loadbalance", "loadbalance"),
        ("ab_test", "loadbalance"),
        (Modes.AB_TEST, "loadbalance"),
        ("single", "single"),
        ("proxy", "single"),
    ],
)
def test_modes_map_to_gateway_strategies(mode: str, gateway_mode: str) -> None:
    config = Config(
        mode=mode,
        llms=[
            LLMOptions(provider="openai", virtual_key="a", weight=0.75),
            LLMOptions(provider="openai", virtual_key="b", weight=0.25),
        ],
    )
    result = config.to_gateway_config()
    assert result["strategy"] == {"mode": gateway_mode}
    assert [target["weight"] for target in result["targets"]] == [0.75, 0.25]


@pytest.mark.parametrize("mode", [None, "single", "proxy", Modes.SINGLE])
def test_one_llm_in_single_mode_is_a_flat_target(mode: str | None) -> None:
    config = Config(mode=mode, llms=LLMOptions(provider="openai", api_key="sk-1", request_timeout=5000))
    assert config.to_gateway_config() == {"provider": "openai", "api_key": "sk-1", "request_timeout": 5000}


def test_conditional_config() -> None:
    config = Config(
        mode="conditional",
        conditions=[Condition(query={"metadata.plan": {"$eq": "paid"}}, then="smart")],
        default="cheap",
        llms=[
            LLMOptions(provider="openai", virtual_key="a", name="smart"),
            LLMOptions(provider="openai", virtual_key="b", name="cheap"),
        ],
    )
    assert config.to_gateway_config() == {
        "strategy": {
            "mode": "conditional",
            "conditions": [{"query": {"metadata.plan": {"$eq": "paid"}}, "then": "smart"}],
            "default": "cheap",
        },
        "targets": [
            {"provider": "openai", "virtual_key": "a", "name": "smart"},
            {"provider": "openai", "virtual_key": "b", "name": "cheap"},
        ],
    }
    broken = config.model_copy(update={"default": "missing"})
    with pytest.raises(ValueError, match="^config.strategy.default: no target is named 'missing'$"):
        broken.to_gateway_config()


def test_llm_options_translation() -> None:
    llm = LLMOptions(
        provider="azure-openai",
        api_key=SECRET,
        cache=True,
        cache_age=120,
        retry={"attempts": 3, "on_status_codes": [429]},
        forward_headers="x-a, x-b",
        custom_host="http://127.0.0.1:9000/v1",
        resource_name="res",
        deployment_id="dep",
        api_version="2024-06-01",
        organization="org-1",
        tools=[Tool(function=Function(name="lookup", parameters={"type": "object"}))],
        stop=["\n"],
        trace_id="trace",
        metadata={"user": "u"},
        debug=True,
        cache_force_refresh=True,
        cache_namespace="ns",
        instrumentation=True,
        prompt="ignored",
        messages=[{"role": "user", "content": "ignored"}],
    )
    assert llm.to_target() == {
        "provider": "azure-openai",
        "api_key": SECRET,
        "custom_host": "http://127.0.0.1:9000/v1",
        "deployment_id": "dep",
        "resource_name": "res",
        "api_version": "2024-06-01",
        "openai_organization": "org-1",
        "retry": {"attempts": 3, "on_status_codes": [429]},
        "cache": {"mode": "simple", "max_age": 120},
        "forward_headers": ["x-a", "x-b"],
        "override_params": {
            "stop": ["\n"],
            "tools": [{"function": {"name": "lookup", "parameters": {"type": "object"}}, "type": "function"}],
        },
    }


def test_semantic_cache_and_header_list() -> None:
    llm = LLMOptions(provider="openai", virtual_key="vk", cache_status=CacheType.SEMANTIC, forward_headers=["x-a"])
    assert llm.to_gateway_config() == {
        "provider": "openai",
        "virtual_key": "vk",
        "cache": {"mode": "semantic"},
        "forward_headers": ["x-a"],
    }


def test_config_errors() -> None:
    with pytest.raises(ValueError, match="^Config.llms: at least one LLMOptions is required$"):
        Config(mode="fallback").to_gateway_config()
    with pytest.raises(ValueError, match="^Config.mode: required when several llms are given"):
        Config(llms=[LLMOptions(provider="openai"), LLMOptions(provider="anthropic")]).to_gateway_config()
    with pytest.raises(pydantic.ValidationError) as caught:
        Config(api_key=SECRET, mode="round-robin")
    assert "must be one of 'single', 'proxy', 'fallback', 'loadbalance', 'ab_test', 'conditional'" in str(caught.value)
    assert SECRET not in str(caught.value)
    with pytest.raises(pydantic.ValidationError):
        LLMOptions(provider="openai", weight=-1)
    with pytest.raises(ValueError, match=r"^config.custom_host: must be an absolute http:// or https:// URL$"):
        LLMOptions(provider="openai", custom_host="localhost").to_gateway_config()


def test_params_forbids_unknown_fields() -> None:
    assert Params(provider="openai", model="m").model == "m"
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        Params(provider="openai", modle="typo")  # type: ignore[call-arg]


def test_reprs_hide_keys() -> None:
    config = Config(
        api_key=SECRET,
        mode="fallback",
        llms=[LLMOptions(provider="openai", api_key=SECRET, aws_secret_access_key=SECRET)],
    )
    text = repr(config)
    assert SECRET not in text
    assert text == (
        "Config(api_key='<redacted>', mode='fallback', llms=[LLMOptions(provider='openai', api_key='<redacted>', "
        "aws_secret_access_key='<redacted>')])"
    )


def test_coerce_config_accepts_legacy_models() -> None:
    config = Config(
        mode="fallback",
        llms=[LLMOptions(provider="openai", virtual_key="a"), LLMOptions(provider="openai", virtual_key="b")],
    )
    assert coerce_config(config) == config.to_gateway_config()
    assert coerce_config(LLMOptions(provider="openai", virtual_key="a")) == {"provider": "openai", "virtual_key": "a"}


def test_seed_building_blocks() -> None:
    message: Message = {"role": "user", "content": "hi"}
    retry: RetrySettings = {"attempts": 2}
    assert ConversationInput(messages=[message]).messages == [message]
    assert Constructs(provider="openai", retry=retry).retry == {"attempts": 2}
    assert ModelParams(model="m", functions=[Function(name="f")]).functions == [Function(name="f")]
    assert issubclass(LLMOptions, Constructs) and issubclass(LLMOptions, ModelParams)


# --------------------------------------------------------------------------------------------------------------------
# response types


def test_portkey_response_prints_as_json() -> None:
    response = PortkeyResponse(model="m", choices=[{"index": 0}], raw_body={"id": "x"})
    assert json.loads(str(response)) == {"model": "m", "choices": [{"index": 0}], "raw_body": {"id": "x"}}


def test_generic_response_through_the_client() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"success": True, "data": {"id": "cfg-1"}, "extra": 1},
            headers={"x-portkey-trace-id": "t-9", "x-other": "o"},
        )

    client = Portkey(
        api_key="pk", base_url="http://portkey.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    result = client.get("/configs/cfg-1", cast_to=GenericResponse)
    assert isinstance(result, GenericResponse) and isinstance(result, openai.BaseModel)
    assert result.success is True and result.data == {"id": "cfg-1"} and result.warning is None
    assert result.model_extra == {"extra": 1}
    assert result.get_headers() == {"trace-id": "t-9"}
    assert GenericResponse(success=False).get_headers() == {}


def test_usage_keeps_extra_fields() -> None:
    usage = Usage.model_validate({"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5, "cached_tokens": 1})
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (3, 2, 5)
    assert usage.model_extra == {"cached_tokens": 1}


# --------------------------------------------------------------------------------------------------------------------
# a legacy Config drives the real gateway


def test_client_sends_a_legacy_config_as_the_gateway_config() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"object": "list", "data": []})

    config = Config(
        mode="fallback",
        llms=[LLMOptions(provider="openai", virtual_key="a"), LLMOptions(provider="openai", virtual_key="b")],
    )
    client = Portkey(
        api_key="pk",
        base_url="http://portkey.test/v1",
        config=config,
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
    )
    client.models.list()
    assert json.loads(seen[0].headers["x-portkey-config"]) == config.to_gateway_config()


def test_legacy_fallback_config_through_the_oss_gateway(
    gateway: NodeServer, fake_provider: FakeProvider, fake_provider_b: FakeProvider
) -> None:
    fake_provider.enqueue(Fault(status=503), path="/v1/chat/completions")
    config = Config(
        mode=Modes.FALLBACK,
        llms=[
            LLMOptions(provider="openai", api_key="sk-a", custom_host=fake_provider.base_url),
            LLMOptions(provider="openai", api_key="sk-b", custom_host=fake_provider_b.base_url, model="gpt-4o"),
        ],
    )
    with Portkey(base_url=gateway.base_url, config=config, max_retries=0) as client:
        completion = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert completion.headers["x-fake-deployment"] == fake_provider_b.name
    assert completion.headers["x-portkey-last-used-option-index"] == "config.targets[1]"
    assert completion.parse().model == "gpt-4o"  # the second target's override_params
    (first,) = fake_provider.wait_for_requests(1, path="/v1/chat/completions")
    assert first.headers["authorization"] == "Bearer sk-a"
    (second,) = fake_provider_b.wait_for_requests(1, path="/v1/chat/completions")
    assert second.headers["authorization"] == "Bearer sk-b"
    assert second.json["model"] == "gpt-4o"
