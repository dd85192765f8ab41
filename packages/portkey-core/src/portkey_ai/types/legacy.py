"""The official SDK's seed-facing types (`Config`, `LLMOptions`, `Modes`, `ProviderTypes`, ...), made useful.

In the official SDK these are leftovers of v0.x that no client reads. Here `Config` and `LLMOptions` turn into a
gateway config, and a client accepts them wherever it accepts a config:

```python
from portkey_ai import Config, LLMOptions, Portkey

config = Config(
    mode="fallback",
    llms=[
        LLMOptions(provider="openai", api_key="sk-...", model="gpt-4o-mini"),
        LLMOptions(provider="anthropic", virtual_key="anthropic-vk", model="claude-3-5-haiku-latest", max_tokens=512),
    ],
)
config.to_gateway_config()
# {"strategy": {"mode": "fallback"}, "targets": [{"provider": "openai", "api_key": "sk-...",
#   "override_params": {"model": "gpt-4o-mini"}}, {"provider": "anthropic", "virtual_key": "anthropic-vk", ...}]}
Portkey(api_key="pk-...", config=config)
```

`ProviderTypes` lists every provider the open-source gateway accepts (`VALID_PROVIDERS` of gateway 1.15.2).
"""

from __future__ import annotations

import json
from enum import EnumMeta, StrEnum
from typing import Any, Literal, NotRequired

import openai
from pydantic import BaseModel, ConfigDict, Field, field_validator
from typing_extensions import TypedDict, override  # pydantic needs typing_extensions.TypedDict on 3.11

from .._response_headers import get_headers as _get_headers
from ._base import InputModel
from .gateway_config import Condition, validate_config

__all__ = [
    "CacheLiteral",
    "CacheType",
    "Config",
    "Constructs",
    "ConversationInput",
    "Function",
    "FunctionCall",
    "GenericResponse",
    "LLMOptions",
    "Message",
    "ModelParams",
    "Modes",
    "ModesLiteral",
    "Params",
    "PortkeyResponse",
    "ProviderTypes",
    "ProviderTypesLiteral",
    "RetrySettings",
    "Tool",
    "ToolCall",
    "Usage",
]


class _ValueContainsMeta(EnumMeta):
    """Lets `"fallback" in Modes` test values, as the official SDK's `MetaEnum` does (Python 3.11 raises)."""

    @override
    def __contains__(cls, value: object) -> bool:
        try:
            cls(value)
        except ValueError:
            return False
        return True


class Modes(StrEnum, metaclass=_ValueContainsMeta):
    """Routing modes of `Config.mode`. `AB_TEST` is the SDK's old name for weighted load balancing and `PROXY` its
    old name for a single target; `to_gateway_config()` maps them to `loadbalance` and `single`."""

    SINGLE = "single"
    FALLBACK = "fallback"
    LOADBALANCE = "loadbalance"
    AB_TEST = "ab_test"
    CONDITIONAL = "conditional"
    PROXY = "proxy"


ModesLiteral = Literal["single", "fallback", "loadbalance", "ab_test", "conditional", "proxy"]

_GATEWAY_MODES: dict[str, str] = {
    "single": "single",
    "proxy": "single",
    "fallback": "fallback",
    "loadbalance": "loadbalance",
    "ab_test": "loadbalance",
    "conditional": "conditional",
}


class CacheType(StrEnum, metaclass=_ValueContainsMeta):
    """Cache modes (`cache.mode` of a gateway config)."""

    SIMPLE = "simple"
    SEMANTIC = "semantic"


CacheLiteral = Literal["simple", "semantic"]


class ProviderTypes(StrEnum, metaclass=_ValueContainsMeta):
    """Every provider slug the open-source gateway accepts (`VALID_PROVIDERS`, gateway 1.15.2).

    The hosted gateway also accepts Model Catalog slugs (`"@my-openai"`), so `provider=` takes any string.
    """

    ANTHROPIC = "anthropic"
    ANYSCALE = "anyscale"
    AZURE_OPENAI = "azure-openai"
    COHERE = "cohere"
    GOOGLE = "google"
    VERTEX_AI = "vertex-ai"
    MISTRAL_AI = "mistral-ai"
    OPENAI = "openai"
    PALM = "palm"
    PERPLEXITY_AI = "perplexity-ai"
    REKA_AI = "reka-ai"
    TOGETHER_AI = "together-ai"
    DEEPINFRA = "deepinfra"
    NCOMPASS = "ncompass"
    STABILITY_AI = "stability-ai"
    NOMIC = "nomic"
    OLLAMA = "ollama"
    AI21 = "ai21"
    BEDROCK = "bedrock"
    GROQ = "groq"
    SEGMIND = "segmind"
    JINA = "jina"
    FIREWORKS_AI = "fireworks-ai"
    WORKERS_AI = "workers-ai"
    MOONSHOT = "moonshot"
    OPENROUTER = "openrouter"
    LINGYI = "lingyi"
    ZHIPU = "zhipu"
    NOVITA_AI = "novita-ai"
    MONSTERAPI = "monsterapi"
    DEEPSEEK = "deepseek"
    PREDIBASE = "predibase"
    TRITON = "triton"
    VOYAGE = "voyage"
    AZURE_AI = "azure-ai"
    GITHUB = "github"
    DEEPBRICKS = "deepbricks"
    SILICONFLOW = "siliconflow"
    HUGGING_FACE = "huggingface"
    CEREBRAS = "cerebras"
    INFERENCE_NET = "inference-net"
    SAMBANOVA = "sambanova"
    LEMONFOX_AI = "lemonfox-ai"
    UPSTAGE = "upstage"
    LAMBDA = "lambda"
    DASHSCOPE = "dashscope"
    X_AI = "x-ai"
    CORTEX = "cortex"
    SAGEMAKER = "sagemaker"
    NEBIUS = "nebius"
    RECRAFT_AI = "recraft-ai"
    MILVUS = "milvus"
    REPLICATE = "replicate"
    PORTKEY = "portkey"
    LEPTON = "lepton"
    KLUSTER_AI = "kluster-ai"
    NSCALE = "nscale"
    HYPERBOLIC = "hyperbolic"
    BYTEZ = "bytez"
    FEATHERLESS_AI = "featherless-ai"
    KRUTRIM = "krutrim"
    QDRANT = "qdrant"
    THREE_ZERO_TWO_AI = "302ai"
    COMETAPI = "cometapi"
    MATTERAI = "matterai"
    MESHY = "meshy"
    TRIPO3D = "tripo3d"
    NEXTBIT = "nextbit"
    MODAL = "modal"
    Z_AI = "z-ai"
    ORACLE = "oracle"
    IOINTELLIGENCE = "iointelligence"
    AIBADGR = "aibadgr"
    OVHCLOUD = "ovhcloud"


ProviderTypesLiteral = Literal[
    "anthropic",
    "anyscale",
    "azure-openai",
    "cohere",
    "google",
    "vertex-ai",
    "mistral-ai",
    "openai",
    "palm",
    "perplexity-ai",
    "reka-ai",
    "together-ai",
    "deepinfra",
    "ncompass",
    "stability-ai",
    "nomic",
    "ollama",
    "ai21",
    "bedrock",
    "groq",
    "segmind",
    "jina",
    "fireworks-ai",
    "workers-ai",
    "moonshot",
    "openrouter",
    "lingyi",
    "zhipu",
    "novita-ai",
    "monsterapi",
    "deepseek",
    "predibase",
    "triton",
    "voyage",
    "azure-ai",
    "github",
    "deepbricks",
    "siliconflow",
    "huggingface",
    "cerebras",
    "inference-net",
    "sambanova",
    "lemonfox-ai",
    "upstage",
    "lambda",
    "dashscope",
    "x-ai",
    "cortex",
    "sagemaker",
    "nebius",
    "recraft-ai",
    "milvus",
    "replicate",
    "portkey",
    "lepton",
    "kluster-ai",
    "nscale",
    "hyperbolic",
    "bytez",
    "featherless-ai",
    "krutrim",
    "qdrant",
    "302ai",
    "cometapi",
    "matterai",
    "meshy",
    "tripo3d",
    "nextbit",
    "modal",
    "z-ai",
    "oracle",
    "iointelligence",
    "aibadgr",
    "ovhcloud",
]


class RetrySettings(TypedDict, total=False):
    """`retry` of an `LLMOptions`: attempts and the status codes that trigger them."""

    attempts: int
    on_status_codes: list[int]


class FunctionCall(TypedDict):
    """The function a tool call invokes."""

    name: str
    arguments: str


class ToolCall(TypedDict):
    """A tool call in an assistant message."""

    id: str
    function: FunctionCall
    type: str


class Message(TypedDict):
    """A chat message."""

    role: str
    content: NotRequired[str | None]
    tool_calls: NotRequired[list[ToolCall] | None]


class Function(InputModel):
    """A function definition (legacy `functions=`)."""

    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None


class Tool(InputModel):
    """A tool definition (`tools=`)."""

    function: Function
    type: str = "function"


class ConversationInput(InputModel):
    """A prompt or a list of messages. Not part of a gateway config: pass them to the request."""

    prompt: str | None = None
    messages: list[Message] | None = None


class ModelParams(InputModel):
    """Model parameters. In a gateway config they become the target's `override_params`."""

    model: str | None = None
    suffix: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    n: int | None = None
    stop_sequences: list[str] | None = None
    timeout: int | None = None
    functions: list[Function] | None = None
    function_call: str | dict[str, Any] | None = None
    logprobs: bool | int | None = None
    top_logprobs: int | None = None
    echo: bool | None = None
    stop: str | list[str] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    best_of: int | None = None
    logit_bias: dict[str, int] | None = None
    user: str | None = None
    organization: str | None = None
    """OpenAI organization; in a gateway config it becomes `openai_organization`."""
    tool_choice: str | dict[str, Any] | None = None
    tools: list[Tool] | None = None


_MODEL_PARAMS = tuple(name for name in ModelParams.model_fields if name not in ("organization", "timeout"))
"""`ModelParams` fields that go into `override_params` (`organization` and `timeout` are not request parameters)."""


class Constructs(InputModel):
    """How to reach one provider: credentials, routing and provider-specific settings."""

    provider: ProviderTypes | ProviderTypesLiteral | str
    api_key: str | None = None
    virtual_key: str | None = None
    name: str | None = None
    """The target's name, referenced by a conditional `Config`'s `conditions` and `default`."""
    cache: bool | None = None
    cache_age: int | None = Field(default=None, ge=0)
    cache_status: CacheType | CacheLiteral | None = None
    cache_force_refresh: bool | None = None
    trace_id: str | None = None
    metadata: dict[str, Any] | None = None
    debug: bool | None = None
    custom_host: str | None = None
    forward_headers: str | list[str] | None = None
    instrumentation: bool | None = None
    weight: float | None = Field(default=None, ge=0)
    retry: RetrySettings | None = None
    request_timeout: int | None = Field(default=None, gt=0)
    deployment_id: str | None = None
    resource_name: str | None = None
    api_version: str | None = None
    openai_project: str | None = None
    openai_organization: str | None = None
    aws_secret_access_key: str | None = None
    aws_access_key_id: str | None = None
    aws_session_token: str | None = None
    aws_region: str | None = None
    vertex_project_id: str | None = None
    vertex_region: str | None = None
    workers_ai_account_id: str | None = None
    azure_resource_name: str | None = None
    azure_deployment_id: str | None = None
    azure_api_version: str | None = None
    azure_endpoint_name: str | None = None
    huggingface_base_url: str | None = None
    cache_namespace: str | None = None
    anthropic_beta: str | None = None
    anthropic_version: str | None = None
    mistral_fim_completion: bool | None = None
    vertex_storage_bucket_name: str | None = None
    provider_file_name: str | None = None
    provider_model: str | None = None
    aws_s3_bucket: str | None = None
    aws_s3_object_key: str | None = None
    aws_bedrock_model: str | None = None
    fireworks_account_id: str | None = None


_REQUEST_OPTIONS = frozenset(
    {"cache_force_refresh", "trace_id", "metadata", "debug", "instrumentation", "cache_namespace"}
)
"""`Constructs` fields that are request options (headers), not gateway config keys."""

_ROUTING_FIELDS = frozenset({"provider", "cache", "cache_age", "cache_status", "forward_headers", "retry"})
"""`Constructs` fields translated by hand in `LLMOptions.to_target`."""


class LLMOptions(Constructs, ConversationInput, ModelParams):
    """One provider (and its model parameters) of a `Config`; also usable alone as a single-target config."""

    model_config = ConfigDict(use_enum_values=True)

    def to_target(self) -> dict[str, Any]:
        """This LLM as a gateway config target.

        Credentials and provider settings keep their names; `cache`/`cache_status`/`cache_age` become `cache`,
        `forward_headers` a list, model parameters `override_params` and `organization` `openai_organization`.
        `prompt`, `messages`, `trace_id`, `metadata`, `debug`, `cache_force_refresh`, `cache_namespace` and
        `instrumentation` are request options, not config keys, and are left out.
        """
        values = self.model_dump(exclude_none=True)
        target: dict[str, Any] = {"provider": str(values["provider"])}
        for name in Constructs.model_fields:
            if name in values and name not in _REQUEST_OPTIONS and name not in _ROUTING_FIELDS:
                target[name] = values[name]
        if "organization" in values:
            target.setdefault("openai_organization", values["organization"])
        if self.retry is not None:
            target["retry"] = dict(self.retry)
        if self.cache or self.cache_status is not None:
            cache: dict[str, Any] = {"mode": str(self.cache_status or CacheType.SIMPLE.value)}
            if self.cache_age is not None:
                cache["max_age"] = self.cache_age
            target["cache"] = cache
        if self.forward_headers is not None:
            headers = self.forward_headers
            target["forward_headers"] = (
                [part.strip() for part in headers.split(",") if part.strip()] if isinstance(headers, str) else headers
            )
        override = {name: values[name] for name in _MODEL_PARAMS if name in values}
        if override:
            target["override_params"] = override
        return target

    def to_gateway_config(self) -> dict[str, Any]:
        """This LLM alone as a gateway config (a single target), validated."""
        config = self.to_target()
        validate_config(config)
        return config


class Params(LLMOptions):
    """`LLMOptions` that reject unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Config(InputModel):
    """The official SDK's routing config: a mode and one or more `LLMOptions`.

    `api_key` and `base_url` are kept for compatibility; they are the Portkey key and URL (client settings), not
    part of the gateway config.
    """

    api_key: str | None = None
    base_url: str | None = None
    mode: Modes | ModesLiteral | str | None = None
    llms: list[LLMOptions] | LLMOptions | None = None
    on_status_codes: list[int] | None = None
    """Fallback only on these status codes (`strategy.on_status_codes`)."""
    conditions: list[Condition] | None = None
    """Conditional mode: the routing rules; each `then` names an `LLMOptions.name`."""
    default: str | None = None
    """Conditional mode: the `LLMOptions.name` used when no condition matches."""

    model_config = ConfigDict(use_enum_values=True)

    @field_validator("mode")
    @classmethod
    def _check_mode(cls, mode: str | None) -> str | None:
        if mode is not None and str(mode) not in _GATEWAY_MODES:
            raise ValueError(f"must be one of {', '.join(repr(name) for name in _GATEWAY_MODES)}")
        return mode

    def to_gateway_config(self) -> dict[str, Any]:
        """The gateway config for `x-portkey-config`, validated.

        One LLM with mode `single`/`proxy` (or no mode) becomes a flat target; otherwise a `strategy`
        (`ab_test` -> `loadbalance`, `proxy` -> `single`) with one target per LLM (see `LLMOptions.to_target`).

        Raises:
            ValueError: no `llms`, several `llms` without a `mode`, or a config the gateway would reject.
        """
        llms = [self.llms] if isinstance(self.llms, LLMOptions) else list(self.llms or [])
        if not llms:
            raise ValueError("Config.llms: at least one LLMOptions is required")
        if self.mode is None and len(llms) > 1:
            raise ValueError("Config.mode: required when several llms are given (e.g. 'fallback' or 'loadbalance')")
        mode = _GATEWAY_MODES[str(self.mode or Modes.SINGLE.value)]
        if mode == "single" and len(llms) == 1:
            config = llms[0].to_target()
        else:
            strategy: dict[str, Any] = {"mode": mode}
            if self.on_status_codes is not None:
                strategy["on_status_codes"] = list(self.on_status_codes)
            if self.conditions is not None:
                strategy["conditions"] = [condition.to_dict() for condition in self.conditions]
            if self.default is not None:
                strategy["default"] = self.default
            config = {"strategy": strategy, "targets": [llm.to_target() for llm in llms]}
        validate_config(config)
        return config


class PortkeyResponse(BaseModel):
    """The official SDK's minimal completion shape: model, choices and the raw body."""

    model: str
    choices: list[Any]
    raw_body: dict[str, Any]

    @override
    def __str__(self) -> str:
        return json.dumps(self.model_dump(), indent=4)


class GenericResponse(openai.BaseModel):
    """A Portkey API answer of the form `{"success": ..., "data": ..., "warning": ...}`; extra fields kept.

    Usable as `cast_to=` of the client's request methods; `get_headers()` gives the `x-portkey-*` response headers.
    """

    success: bool | None = None
    data: Any | None = None
    warning: str | None = None

    def get_headers(self) -> dict[str, str]:
        """The `x-portkey-*` headers of the response this object was parsed from, prefix stripped."""
        return _get_headers(self)

    def __getitem__(self, key: str) -> Any:
        """The JSON field `key` (`response["data"]`), as in the official SDK; `KeyError` when the server sent none."""
        if key in self.model_fields_set or key in (self.model_extra or {}):
            return getattr(self, key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        """The JSON field `key`, or `default` when the server sent none (a falsy value is returned as it is)."""
        try:
            return self[key]
        except KeyError:
            return default


class Usage(openai.BaseModel):
    """Token usage (OpenAI shape); extra fields kept."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
