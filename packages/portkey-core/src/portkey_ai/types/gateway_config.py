"""The gateway config (`x-portkey-config`) as types, and its validation.

Two ways to write a config, both checked against the same rules by `validate_config` before any request:

```python
from portkey_ai.types import GatewayConfig, GatewayConfigDict, RetryConfig, Strategy

config: GatewayConfigDict = {
    "strategy": {"mode": "fallback", "on_status_codes": [429, 503]},
    "targets": [{"provider": "openai", "api_key": "sk-..."}, {"virtual_key": "anthropic-vk"}],
}
model = GatewayConfig(strategy=Strategy(mode="loadbalance"), targets=[...], retry=RetryConfig(attempts=3))
Portkey(config=config)  # or config=model, or config="pc-my-config" (a saved config id)
```

The rules follow the open-source gateway's zod schema (`src/middlewares/requestValidator/schema/config.ts`,
gateway 1.15.x) and the hosted gateway's JSON schema (docs "Gateway Config Object"): known keys must have the right
types (`weight >= 0`, `strategy.mode` one of single/loadbalance/fallback/conditional, `cache.mode` simple/semantic,
status codes 100-599, ...), a conditional strategy needs `conditions` and `default` naming existing targets, and every
value must be JSON. Unknown keys are allowed (the gateway evolves), and camelCase spellings of known keys
(`onStatusCodes`, `virtualKey`, ...) are checked like their snake_case names, since the gateway accepts both. The
legacy `options` format (`{"mode": ..., "options": [...]}`) is rejected: the gateway answers it with HTTP 400.

Error messages name the field (`config.targets[1].weight: must be >= 0`) and never contain a value of a secret field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, Required, TypedDict, TypeGuard, cast

from pydantic import AliasChoices, AliasGenerator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ._base import InputModel

__all__ = [
    "CacheConfig",
    "CacheConfigDict",
    "CacheMode",
    "CircuitBreakerConfig",
    "CircuitBreakerConfigDict",
    "Condition",
    "ConditionDict",
    "GatewayConfig",
    "GatewayConfigDict",
    "Guardrail",
    "RetryConfig",
    "RetryConfigDict",
    "StickySession",
    "StickySessionDict",
    "Strategy",
    "StrategyDict",
    "StrategyMode",
    "Target",
    "coerce_config",
    "validate_config",
]

StrategyMode = Literal["single", "loadbalance", "fallback", "conditional"]
CacheMode = Literal["simple", "semantic"]

STRATEGY_MODES: tuple[str, ...] = ("single", "loadbalance", "fallback", "conditional")
CACHE_MODES: tuple[str, ...] = ("simple", "semantic")
AZURE_DEPLOYMENT_TYPES: tuple[str, ...] = ("serverless", "managed")
STICKY_HASH_PREFIXES: tuple[str, ...] = ("metadata.", "params.", "headers.")

_MAX_NESTING = 32
"""Deepest `targets` nesting accepted (a guard against runaway recursion, far above any real config)."""


# --------------------------------------------------------------------------------------------------------------------
# TypedDicts, for users who write configs as dicts


class RetryConfigDict(TypedDict, total=False):
    """`retry`: how often the gateway retries a target, and on which status codes."""

    attempts: Required[int]
    on_status_codes: list[int]
    """Default (gateway): 429, 500, 502, 503, 504."""
    use_retry_after_header: bool
    """Wait as long as the provider's `retry-after(-ms)` header says (at most 60 s)."""


class CacheConfigDict(TypedDict, total=False):
    """`cache`: the gateway's response cache (hosted gateway; the npm build of the OSS gateway has none)."""

    mode: Required[CacheMode]
    max_age: int
    """Seconds an entry stays valid."""


class ConditionDict(TypedDict):
    """One rule of a conditional strategy: if `query` matches, use the target named `then`."""

    query: Mapping[str, Any]
    then: str


class StickySessionDict(TypedDict, total=False):
    """`strategy.sticky`: route requests with the same hash fields to the same load-balanced target."""

    enabled: Required[bool]
    hash_fields: list[str]
    """Fields to hash, each starting with `metadata.`, `params.` or `headers.`."""
    ttl: float


class StrategyDict(TypedDict, total=False):
    """`strategy`: how `targets` are used."""

    mode: Required[StrategyMode]
    on_status_codes: list[int]
    """Fallback only on these status codes (default: any non-2xx)."""
    conditions: list[ConditionDict]
    """Conditional mode: the rules, in order."""
    default: str
    """Conditional mode: the target name used when no condition matches."""
    sticky: StickySessionDict


class CircuitBreakerConfigDict(TypedDict, total=False):
    """`cb_config`: open a target's circuit after repeated failures (hosted gateway)."""

    failure_threshold: int
    failure_threshold_percentage: int
    minimum_requests: int
    cooldown_interval: int
    """Milliseconds before a tripped target is tried again."""
    failure_status_codes: list[int]


Guardrail = str | Mapping[str, Any]
"""A guardrail: its id, or an inline definition (`{"default.contains": {...}, "deny": true}`)."""


class GatewayConfigDict(TypedDict, total=False):
    """A gateway config (and, recursively, each of its `targets`)."""

    strategy: StrategyDict
    targets: list[GatewayConfigDict]
    name: str
    """A target's name (referenced by conditional strategies)."""
    provider: str
    """Provider slug (`openai`, `anthropic`, ...; see `ProviderTypes`) or a Model Catalog `@provider-slug`."""
    api_key: str
    virtual_key: str
    prompt_id: str
    custom_host: str
    weight: float
    """Load-balancing weight (>= 0, default 1)."""
    on_status_codes: list[int]
    retry: RetryConfigDict
    cache: CacheConfigDict
    request_timeout: int
    """Milliseconds per attempt before the gateway answers 408."""
    override_params: Mapping[str, Any]
    """Request parameters forced for this target (e.g. `{"model": "gpt-4o-mini"}`)."""
    forward_headers: list[str]
    input_guardrails: list[Guardrail]
    output_guardrails: list[Guardrail]
    before_request_hooks: list[Mapping[str, Any]]
    after_request_hooks: list[Mapping[str, Any]]
    strict_open_ai_compliance: bool
    cb_config: CircuitBreakerConfigDict
    aws_access_key_id: str
    aws_secret_access_key: str
    aws_session_token: str
    aws_region: str
    vertex_project_id: str
    vertex_region: str
    vertex_service_account_json: Mapping[str, Any]
    openai_project: str
    openai_organization: str
    azure_resource_name: str
    azure_deployment_id: str
    azure_api_version: str
    azure_model_name: str
    azure_auth_mode: str
    azure_ad_token: str
    deployment_id: str
    api_version: str
    resource_name: str


# --------------------------------------------------------------------------------------------------------------------
# pydantic models, for users who build configs in code


class _ConfigModel(InputModel):
    """Base of the config models: extra keys allowed and camelCase spellings accepted."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=AliasGenerator(validation_alias=lambda name: AliasChoices(name, to_camel(name))),
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict of the fields that are set (snake_case keys, `None` values left out)."""
        return self.model_dump(mode="json", exclude_none=True)


class RetryConfig(_ConfigModel):
    """`retry`: how often the gateway retries a target, and on which status codes."""

    attempts: int = Field(ge=0)
    on_status_codes: list[int] | None = None
    use_retry_after_header: bool | None = None


class CacheConfig(_ConfigModel):
    """`cache`: the gateway's response cache."""

    mode: CacheMode
    max_age: int | None = Field(default=None, ge=0)


class Condition(_ConfigModel):
    """One rule of a conditional strategy: if `query` matches, use the target named `then`."""

    query: dict[str, Any]
    then: str


class StickySession(_ConfigModel):
    """`strategy.sticky`: keep requests with the same hash fields on the same target."""

    enabled: bool
    hash_fields: list[str] | None = None
    ttl: float | None = Field(default=None, gt=0)


class Strategy(_ConfigModel):
    """`strategy`: how the `targets` are used."""

    mode: StrategyMode
    on_status_codes: list[int] | None = None
    conditions: list[Condition] | None = None
    default: str | None = None
    sticky: StickySession | None = None


class CircuitBreakerConfig(_ConfigModel):
    """`cb_config`: open a target's circuit after repeated failures."""

    failure_threshold: int | None = Field(default=None, ge=0)
    failure_threshold_percentage: int | None = Field(default=None, ge=0, le=100)
    minimum_requests: int | None = Field(default=None, ge=0)
    cooldown_interval: int | None = Field(default=None, ge=0)
    failure_status_codes: list[int] | None = None


class GatewayConfig(_ConfigModel):
    """A gateway config; each of its `targets` is a `GatewayConfig` too (alias `Target`).

    `to_gateway_config()` returns the validated dict that is sent in `x-portkey-config`; a client accepts the model
    itself wherever it accepts a config.
    """

    strategy: Strategy | None = None
    targets: list[GatewayConfig] | None = None
    name: str | None = None
    provider: str | None = None
    api_key: str | None = None
    virtual_key: str | None = None
    prompt_id: str | None = None
    custom_host: str | None = None
    weight: float | None = Field(default=None, ge=0)
    on_status_codes: list[int] | None = None
    retry: RetryConfig | None = None
    cache: CacheConfig | None = None
    request_timeout: int | None = Field(default=None, gt=0)
    override_params: dict[str, Any] | None = None
    forward_headers: list[str] | None = None
    input_guardrails: list[str | dict[str, Any]] | None = None
    output_guardrails: list[str | dict[str, Any]] | None = None
    before_request_hooks: list[dict[str, Any]] | None = None
    after_request_hooks: list[dict[str, Any]] | None = None
    strict_open_ai_compliance: bool | None = None
    cb_config: CircuitBreakerConfig | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_session_token: str | None = None
    aws_region: str | None = None
    vertex_project_id: str | None = None
    vertex_region: str | None = None
    vertex_service_account_json: dict[str, Any] | None = None
    openai_project: str | None = None
    openai_organization: str | None = None
    azure_resource_name: str | None = None
    azure_deployment_id: str | None = None
    azure_api_version: str | None = None
    azure_model_name: str | None = None
    azure_auth_mode: str | None = None
    azure_ad_token: str | None = None
    deployment_id: str | None = None
    api_version: str | None = None
    resource_name: str | None = None

    def to_gateway_config(self) -> dict[str, Any]:
        """The config as sent in `x-portkey-config`, checked with `validate_config`.

        Raises:
            ValueError: a rule that field types alone cannot express is broken (for example a conditional strategy
                whose `then` names no target); the message names the field.
        """
        config = self.to_dict()
        validate_config(config)
        return config


Target = GatewayConfig
"""A target of a strategy: the same schema as a whole config."""


# --------------------------------------------------------------------------------------------------------------------
# validation

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Problems = list[str]
Checker = Callable[[object, str, Problems], None]


def _child(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if isinstance(key, str) and _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_mapping(value: object) -> Mapping[Any, Any] | None:
    return cast("Mapping[Any, Any]", value) if isinstance(value, Mapping) else None  # type: ignore[redundant-cast]


def _as_list(value: object) -> list[Any] | None:
    return list(cast(list[Any], value)) if isinstance(value, list | tuple) else None


def _string(*, non_empty: bool = False) -> Checker:
    def check(value: object, path: str, problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append(f"{path}: must be a string, got {_type_name(value)}")
        elif non_empty and not value.strip():
            problems.append(f"{path}: must not be empty")

    return check


def _boolean(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, bool):
        problems.append(f"{path}: must be true or false, got {_type_name(value)}")


def _integer(minimum: int, *, maximum: int | None = None, unit: str = "") -> Checker:
    suffix = f" ({unit})" if unit else ""

    def check(value: object, path: str, problems: Problems) -> None:
        if not _is_int(value):
            problems.append(f"{path}: must be an integer{suffix}, got {_type_name(value)}")
        elif value < minimum:
            problems.append(f"{path}: must be >= {minimum}")
        elif maximum is not None and value > maximum:
            problems.append(f"{path}: must be <= {maximum}")

    return check


def _weight(value: object, path: str, problems: Problems) -> None:
    if not _is_number(value):
        problems.append(f"{path}: must be a number, got {_type_name(value)}")
    elif not math.isfinite(value) or value < 0:
        problems.append(f"{path}: must be >= 0")


def _positive_number(value: object, path: str, problems: Problems) -> None:
    if not _is_number(value):
        problems.append(f"{path}: must be a number, got {_type_name(value)}")
    elif not math.isfinite(value) or value <= 0:
        problems.append(f"{path}: must be > 0")


def _one_of(choices: tuple[str, ...]) -> Checker:
    listed = ", ".join(repr(choice) for choice in choices)

    def check(value: object, path: str, problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append(f"{path}: must be one of {listed}, got {_type_name(value)}")
        elif value not in choices:
            problems.append(f"{path}: must be one of {listed}, got {_shown(value)}")

    return check


def _mapping(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: must be an object, got {_type_name(value)}")


def _list_of(item: Checker) -> Checker:
    def check(value: object, path: str, problems: Problems) -> None:
        elements = _as_list(value)
        if elements is None:
            problems.append(f"{path}: must be a list, got {_type_name(value)}")
            return
        for index, element in enumerate(elements):
            item(element, _child(path, index), problems)

    return check


def _status_code(value: object, path: str, problems: Problems) -> None:
    if not _is_int(value):
        problems.append(f"{path}: must be an HTTP status code (integer), got {_type_name(value)}")
    elif not 100 <= value <= 599:
        problems.append(f"{path}: must be an HTTP status code (100-599)")


_status_codes = _list_of(_status_code)


def _custom_host(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, str):
        problems.append(f"{path}: must be a string, got {_type_name(value)}")
    elif not re.match(r"^https?://[^/\s]+", value.strip(), re.IGNORECASE):
        problems.append(f"{path}: must be an absolute http:// or https:// URL")


def _header_name(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, str):
        problems.append(f"{path}: must be a string, got {_type_name(value)}")
    elif not re.match(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", value):
        problems.append(f"{path}: must be an HTTP header name")


def _guardrail(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, str | Mapping):
        problems.append(f"{path}: must be a guardrail id (string) or an object, got {_type_name(value)}")


def _fields(spec: Mapping[str, Checker], required: tuple[str, ...] = ()) -> Checker:
    """An object whose known keys (snake_case, or their camelCase spelling) are checked; others are allowed."""

    def check(value: object, path: str, problems: Problems) -> None:
        mapping = _as_mapping(value)
        if mapping is None:
            problems.append(f"{path}: must be an object, got {_type_name(value)}")
            return
        for key, canonical, element in _known_items(mapping, spec, path, problems):
            spec[canonical](element, _child(path, key), problems)
        for name in required:
            if not _has(mapping, name):
                problems.append(f"{_child(path, name)}: is required")

    return check


def _known_items(
    value: Mapping[Any, Any], spec: Mapping[str, Any], path: str, problems: Problems
) -> Iterator[tuple[str, str, object]]:
    """(key as written, canonical snake_case key, value) for each known key; flags snake+camel duplicates."""
    seen: dict[str, str] = {}
    for key, element in value.items():
        if not isinstance(key, str):
            problems.append(f"{path}: keys must be strings, got {_type_name(key)}")
            continue
        canonical = _canonical(key, spec)
        if canonical is None:
            continue
        if canonical in seen:
            problems.append(f"{path}: both {seen[canonical]!r} and {key!r} are given; use {canonical!r}")
            continue
        seen[canonical] = key
        yield key, canonical, element


def _canonical(key: str, spec: Mapping[str, Any]) -> str | None:
    if key in spec:
        return key
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
    return snake if snake in spec and to_camel(snake) == key else None


def _has(value: Mapping[Any, Any], name: str) -> bool:
    return name in value or to_camel(name) in value


def _get(value: object, name: str) -> Any:
    mapping = _as_mapping(value)
    if mapping is None:
        return None
    return mapping[name] if name in mapping else mapping.get(to_camel(name))


def _key_of(value: Mapping[Any, Any], name: str) -> str:
    return name if name in value else to_camel(name)


def _hash_field(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, str):
        problems.append(f"{path}: must be a string, got {_type_name(value)}")
    elif not value.startswith(STICKY_HASH_PREFIXES):
        problems.append(f"{path}: must start with 'metadata.', 'params.' or 'headers.'")


_condition = _fields({"query": _mapping, "then": _string(non_empty=True)}, required=("query", "then"))

_sticky = _fields(
    {"enabled": _boolean, "hash_fields": _list_of(_hash_field), "ttl": _positive_number},
    required=("enabled",),
)


_strategy = _fields(
    {
        "mode": _one_of(STRATEGY_MODES),
        "on_status_codes": _status_codes,
        "conditions": _list_of(_condition),
        "default": _string(non_empty=True),
        "sticky": _sticky,
    },
    required=("mode",),
)

_retry = _fields(
    {
        "attempts": _integer(0),
        "on_status_codes": _status_codes,
        "use_retry_after_header": _boolean,
        "use_retry_after_headers": _boolean,
    },
    required=("attempts",),
)

_cache = _fields({"mode": _one_of(CACHE_MODES), "max_age": _integer(0, unit="seconds")}, required=("mode",))

_circuit_breaker = _fields(
    {
        "failure_threshold": _integer(0),
        "failure_threshold_percentage": _integer(0, maximum=100),
        "minimum_requests": _integer(0),
        "cooldown_interval": _integer(0, unit="milliseconds"),
        "failure_status_codes": _status_codes,
    }
)

_STRING_KEYS = (
    "api_key",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_region",
    "aws_role_arn",
    "aws_auth_type",
    "aws_external_id",
    "vertex_project_id",
    "vertex_region",
    "openai_project",
    "openai_organization",
    "azure_resource_name",
    "azure_deployment_id",
    "azure_api_version",
    "azure_model_name",
    "azure_auth_mode",
    "azure_ad_token",
    "azure_entra_client_id",
    "azure_entra_client_secret",
    "azure_entra_tenant_id",
    "azure_region",
    "azure_deployment_name",
    "azure_endpoint_name",
    "deployment_id",
    "api_version",
    "resource_name",
)

_TARGET_SPEC: dict[str, Checker] = {
    **dict.fromkeys(_STRING_KEYS, _string()),
    "strategy": _strategy,
    "name": _string(non_empty=True),
    "provider": _string(non_empty=True),
    "virtual_key": _string(non_empty=True),
    "prompt_id": _string(non_empty=True),
    "custom_host": _custom_host,
    "weight": _weight,
    "on_status_codes": _status_codes,
    "retry": _retry,
    "cache": _cache,
    "request_timeout": _integer(1, unit="milliseconds"),
    "override_params": _mapping,
    "forward_headers": _list_of(_header_name),
    "input_guardrails": _list_of(_guardrail),
    "output_guardrails": _list_of(_guardrail),
    "before_request_hooks": _list_of(_mapping),
    "after_request_hooks": _list_of(_mapping),
    "strict_open_ai_compliance": _boolean,
    "cb_config": _circuit_breaker,
    "vertex_service_account_json": _mapping,
    "azure_deployment_type": _one_of(AZURE_DEPLOYMENT_TYPES),
    "deployments": _list_of(_mapping),
}
"""Every key of a config (or target) whose type is known; `targets` is handled by `_check_target`."""


def _check_json(value: object, path: str, problems: Problems) -> None:
    """Every value must survive `json.dumps` into the header."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append(f"{path}: must be a finite number")
        return
    mapping = _as_mapping(value)
    if mapping is not None:
        for key, element in mapping.items():
            if isinstance(key, str):
                _check_json(element, _child(path, key), problems)
            else:
                problems.append(f"{path}: keys must be strings, got {_type_name(key)}")
        return
    elements = _as_list(value)
    if elements is not None:
        for index, element in enumerate(elements):
            _check_json(element, _child(path, index), problems)
        return
    problems.append(
        f"{path}: must be JSON (object, array, string, number, true/false or null), got {_type_name(value)}"
    )


def _check_target(value: object, path: str, problems: Problems, depth: int) -> None:
    target = _as_mapping(value)
    if target is None:
        problems.append(f"{path}: must be an object, got {_type_name(value)}")
        return
    if depth > _MAX_NESTING:
        problems.append(f"{path}: targets are nested more than {_MAX_NESTING} levels deep")
        return
    if "options" in target:
        problems.append(
            f"{_child(path, 'options')}: the legacy 'options' config format is not supported by the gateway; "
            "use 'strategy' and 'targets' (portkey_ai.Config(...).to_gateway_config() converts a legacy config)"
        )
    _fields(_TARGET_SPEC)(target, path, problems)

    targets_given = _has(target, "targets")
    targets_path = _child(path, _key_of(target, "targets"))
    targets = _as_list(_get(target, "targets"))
    if targets_given and targets is None:
        problems.append(f"{targets_path}: must be a list, got {_type_name(_get(target, 'targets'))}")
    elif targets is not None and not targets:
        problems.append(f"{targets_path}: must contain at least one target")
    for index, child in enumerate(targets or []):
        _check_target(child, _child(targets_path, index), problems, depth + 1)

    strategy = _as_mapping(_get(target, "strategy"))
    mode = _get(strategy, "mode")
    if strategy is None or mode not in STRATEGY_MODES:
        return
    if mode != "single" and not targets_given:
        problems.append(f"{targets_path}: is required when strategy.mode is {mode!r}")
    elif mode == "loadbalance" and targets:
        weights = [_get(child, "weight") for child in targets]
        numeric = [1.0 if weight is None else weight for weight in weights]
        if all(_is_number(weight) and weight >= 0 for weight in numeric) and not any(weight > 0 for weight in numeric):
            problems.append(f"{targets_path}: at least one target needs a weight > 0 for load balancing")
    elif mode == "conditional":
        _check_conditional(strategy, _child(path, _key_of(target, "strategy")), targets or [], targets_path, problems)


def _check_conditional(
    strategy: Mapping[Any, Any], path: str, targets: list[Any], targets_path: str, problems: Problems
) -> None:
    names: set[str] = set()
    for index, child in enumerate(targets):
        name = _get(child, "name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{_child(targets_path, index)}.name: is required for a conditional strategy")
        elif name in names:
            problems.append(f"{_child(targets_path, index)}.name: duplicate target name {_shown(name)}")
        else:
            names.add(name)
    conditions_path = _child(path, _key_of(strategy, "conditions"))
    conditions = _get(strategy, "conditions")
    if conditions is None:
        problems.append(f"{conditions_path}: is required when strategy.mode is 'conditional'")
    for index, condition in enumerate(_as_list(conditions) or []):
        then = _get(condition, "then")
        if isinstance(then, str) and then.strip() and names and then not in names:
            problems.append(f"{_child(conditions_path, index)}.then: no target is named {_shown(then)}")
    if conditions is not None and _as_list(conditions) == []:
        problems.append(f"{conditions_path}: must contain at least one condition")
    default = _get(strategy, "default")
    default_path = _child(path, "default")
    if default is None:
        problems.append(f"{default_path}: is required when strategy.mode is 'conditional'")
    elif isinstance(default, str) and default.strip() and names and default not in names:
        problems.append(f"{default_path}: no target is named {_shown(default)}")


def validate_config(config: Mapping[str, Any]) -> None:
    """Check a gateway config dict (what goes into `x-portkey-config`) before it is sent.

    Raises:
        TypeError: `config` is not a mapping.
        ValueError: the config breaks a rule of the gateway's schema. The message lists every problem found
            (separated by `; `), each starting with the field's path, e.g. `config.targets[1].weight: must be >= 0`.
            Values of secret fields (API keys, ...) never appear in it.
    """
    if not isinstance(cast(object, config), Mapping):
        raise TypeError(f"`config` must be a mapping (or a config id string), not {_type_name(config)}")
    problems: Problems = []
    _check_target(config, "config", problems, 0)
    if not problems:
        _check_json(config, "config", problems)
    if problems:
        raise ValueError("; ".join(dict.fromkeys(problems)))


def _plain(value: object) -> object:
    mapping = _as_mapping(value)
    if mapping is not None:
        return {key: _plain(element) for key, element in mapping.items()}
    elements = _as_list(value)
    if elements is not None:
        return [_plain(element) for element in elements]
    return value


def coerce_config(value: object) -> dict[str, Any] | str:
    """Turn what a user passes as `config=` into what goes into the `x-portkey-config` header.

    - a saved config id (`"pc-..."`) is returned as is (stripped);
    - a JSON string (`'{"retry": {"attempts": 3}}'`) is parsed and validated;
    - a mapping (a `GatewayConfigDict`, any dict) is validated and returned as a plain `dict`;
    - an object with `to_gateway_config()` (`GatewayConfig`, the legacy `Config` and `LLMOptions`) is converted,
      then validated.

    Raises:
        TypeError: `value` is none of the above.
        ValueError: an empty string, invalid JSON, or a config that `validate_config` rejects.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("`config` must not be an empty string")
        if not text.startswith(("{", "[")):
            return text
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"`config` looks like JSON but does not parse ({exc.msg} at position {exc.pos})") from None
        value = parsed
    else:
        to_gateway_config = getattr(value, "to_gateway_config", None)
        if callable(to_gateway_config):
            value = to_gateway_config()
    mapping = _as_mapping(value)
    if mapping is None:
        raise TypeError(
            f"`config` must be a config id (str), a mapping, a GatewayConfig or a Config, not {_type_name(value)}"
        )
    validate_config(mapping)
    return cast(dict[str, Any], _plain(mapping))
