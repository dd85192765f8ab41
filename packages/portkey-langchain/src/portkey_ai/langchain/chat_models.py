"""`ChatPortkey`: a LangChain chat model that calls through the Portkey gateway.

It is langchain-openai's `ChatOpenAI` (streaming, tool calling, structured output, async, the Responses API...)
whose OpenAI clients are `portkey_ai.Portkey` / `portkey_ai.AsyncPortkey`, configured with the same gateway options
as `Portkey(...)`. Those options are not listed here: they are generated from the core's single declaration
(`portkey_ai._options.PortkeyOptions`), and checked by the core client before any request.

Needs the `openai` extra: `pip install "portkey-langchain[openai]"`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypedDict, cast

try:
    from langchain_openai import ChatOpenAI
except ImportError as _import_error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'ChatPortkey needs langchain-openai: install it with `pip install "portkey-langchain[openai]"`'
    ) from _import_error

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams
from langchain_core.load.serializable import SerializedConstructor, SerializedNotImplemented
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.utils import secret_from_env
from openai import DEFAULT_MAX_RETRIES, NOT_GIVEN, DefaultAsyncHttpxClient, DefaultHttpxClient
from pydantic import Field, SecretStr, create_model, model_validator
from typing_extensions import Unpack, override

from portkey_ai import AsyncPortkey, Portkey, PortkeyOptionsDict
from portkey_ai.lib.sibling import OPTION_SPECS, SECRET_OPTIONS, httpx

from ._shared import normalize_metadata, option_fields, portkey_metadata, with_trace_headers
from ._version import __version__

if TYPE_CHECKING:
    from langchain_core.caches import BaseCache
    from langchain_core.callbacks import Callbacks
    from langchain_core.rate_limiters import BaseRateLimiter
    from openai import Timeout

__all__ = ["ChatPortkey", "ChatPortkeyParams"]

# Portkey options that are ChatOpenAI fields already: `api_key` is the Portkey key (ChatOpenAI's `openai_api_key`
# field), `metadata` is both LangChain's run metadata and Portkey's metadata header, `openai_organization` is
# ChatOpenAI's field of that name. Every other declared option becomes a field of its own.
_SHARED_OPTIONS = frozenset({"api_key", "metadata", "openai_organization"})
_OPTION_FIELDS = tuple(name for name in OPTION_SPECS if name not in _SHARED_OPTIONS)

# ChatOpenAI settings that build or tune its own OpenAI clients; ChatPortkey builds Portkey clients instead.
_CLIENT_FIELDS = ("client", "async_client", "root_client", "root_async_client")
_UNSUPPORTED_FIELDS = {"http_socket_options": "pass `http_client` / `http_async_client` instead"}


class _ChatOpenAIParams(TypedDict, total=False):
    """ChatOpenAI's constructor keywords that ChatPortkey keeps (a test checks this list against ChatOpenAI)."""

    name: str | None
    cache: BaseCache | bool | None
    verbose: bool
    callbacks: Callbacks
    tags: list[str] | None
    custom_get_token_ids: Callable[[str], list[int]] | None
    rate_limiter: BaseRateLimiter | None
    disable_streaming: bool | Literal["tool_calling"]
    output_version: str | None
    profile: Mapping[str, Any] | None
    model: str
    temperature: float | None
    model_kwargs: dict[str, Any]
    base_url: str | None
    organization: str | None
    openai_proxy: str | None
    timeout: float | Timeout | None
    stream_usage: bool | None
    max_retries: int | None
    presence_penalty: float | None
    frequency_penalty: float | None
    seed: int | None
    logprobs: bool | None
    top_logprobs: int | None
    logit_bias: dict[int, int] | None
    streaming: bool
    n: int | None
    top_p: float | None
    max_completion_tokens: int | None
    reasoning_effort: str | None
    reasoning: dict[str, Any] | None
    verbosity: str | None
    tiktoken_model_name: str | None
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    http_client: httpx.Client | None
    http_async_client: httpx.AsyncClient | None
    stream_chunk_timeout: float | None
    stop_sequences: list[str] | str | None
    extra_body: Mapping[str, Any] | None
    include_response_headers: bool
    disabled_params: dict[str, Any] | None
    context_management: list[dict[str, Any]] | None
    include: list[str] | None
    prompt_cache_options: dict[str, Any] | None
    service_tier: str | None
    store: bool | None
    truncation: str | None
    use_previous_response_id: bool
    use_responses_api: bool | None


class ChatPortkeyParams(PortkeyOptionsDict, _ChatOpenAIParams, total=False):
    """Keyword arguments of `ChatPortkey`: the Portkey gateway options plus ChatOpenAI's model settings."""

    custom_metadata: Mapping[str, str] | str | None
    """The official SDK's name for Portkey `metadata` (give one or the other)."""


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every ChatPortkey's HTTP clients: building it (loading CA certificates) costs ~100 ms."""
    return httpx.create_ssl_context()


class _OwnedHttpxClient(DefaultHttpxClient):
    """The HTTP client a ChatPortkey makes for itself: closed when the model is garbage-collected (as openai does)."""

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            if not self.is_closed:
                self.close()


class _OwnedAsyncHttpxClient(DefaultAsyncHttpxClient):
    """Async twin of `_OwnedHttpxClient`; closed on garbage collection when an event loop is running."""

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            if not self.is_closed:
                asyncio.get_running_loop().create_task(self.aclose())


def _option_fields() -> dict[str, Any]:
    fields = option_fields(_OPTION_FIELDS)
    # Portkey's `request_timeout` (above) is the gateway's timeout; the client-side one is `timeout`, as in Portkey().
    fields["timeout"] = (Any, Field(default=None, description="Client-side timeout (seconds or a Timeout)."))
    return fields


if TYPE_CHECKING:
    _ChatOpenAIWithPortkeyOptions = ChatOpenAI
else:
    _ChatOpenAIWithPortkeyOptions = create_model(
        "_ChatOpenAIWithPortkeyOptions", __base__=ChatOpenAI, __module__=__name__, **_option_fields()
    )


class ChatPortkey(_ChatOpenAIWithPortkeyOptions):
    """A LangChain chat model that sends every call through the Portkey gateway.

    Takes the gateway options of `portkey_ai.Portkey` (`provider`, `config`, `virtual_key`, `Authorization`,
    `trace_id`, `metadata`, `custom_host`, `cache_force_refresh`, ...) next to ChatOpenAI's model settings
    (`model`, `temperature`, `max_tokens`, `streaming`...). Everything ChatOpenAI does works: `invoke`, `stream`,
    `batch`, async, `bind_tools`, `with_structured_output`.

    With a `PortkeyCallbackHandler` among the call's callbacks, each request carries the handler's trace and span
    ids (`x-portkey-trace-id`, `x-portkey-span-id`, `x-portkey-parent-span-id`, `x-portkey-span-name`): the
    gateway's log of the call becomes the model span of the LangChain trace, and the handler does not send a
    duplicate.

    Keyword Args:
        api_key (str | None): Portkey API key (default: env `PORTKEY_API_KEY`).
        base_url (str | None): Gateway URL (default: env `PORTKEY_BASE_URL`, `PORTKEY_PROXY`, then the hosted gateway when a
            key is known, else `http://localhost:8787/v1`).
        timeout (float | Timeout | None): Client-side timeout in seconds (Portkey's `request_timeout` is the gateway's own timeout).
        model (str): The model (default `"portkey-default"`, as the official SDK: a config or virtual key chooses).
        metadata (dict[str, Any] | None): Sent as Portkey metadata (string values) and used as LangChain run metadata.
        custom_metadata (dict[str, Any] | str | None): The official SDK's name for `metadata`.
        **kwargs: Any other Portkey option or ChatOpenAI setting; see `ChatPortkeyParams`.

    Example:
        ```python
        from portkey_ai.langchain import ChatPortkey

        llm = ChatPortkey(model="gpt-4o-mini", provider="@openai-prod", metadata={"_user": "u-1"})
        llm.invoke("Hello")
        ```
    """

    openai_api_key: SecretStr | None = Field(  # pyright: ignore[reportIncompatibleVariableOverride]
        alias="api_key", default_factory=secret_from_env("PORTKEY_API_KEY", default=None)
    )
    """Portkey API key; env `PORTKEY_API_KEY` by default."""
    openai_api_base: str | None = Field(default=None, alias="base_url")
    """Gateway base URL; resolved by `portkey_ai.Portkey` when None."""
    openai_proxy: str | None = Field(default=None)
    """HTTP proxy for the gateway requests (never read from `OPENAI_PROXY`)."""
    stream_usage: bool | None = True
    """Ask for token usage in streamed responses (on by default)."""
    model_name: str = Field(default="portkey-default", alias="model")
    """The model; `"portkey-default"` (what the official SDK sends) lets a config or virtual key choose."""

    if TYPE_CHECKING:
        timeout: float | Timeout | None

        def __init__(self, **kwargs: Unpack[ChatPortkeyParams]) -> None:
            """Build the model; see the class docstring."""

    @model_validator(mode="before")
    @classmethod
    def _portkey_metadata_from_json(cls, values: Any) -> Any:
        """Accept Portkey's JSON-string form of `metadata`, and the official SDK's `custom_metadata` for it."""
        return normalize_metadata(values)

    @model_validator(mode="after")
    def _set_portkey_langchain_version(self) -> Self:
        """Record this package's version in `metadata["lc_versions"]`, as LangChain asks partner packages to."""
        add_version: Callable[[str, str], None] | None = getattr(self, "_add_version", None)  # absent in older cores
        if add_version is not None:
            add_version("portkey-langchain", __version__)
        return self

    @model_validator(mode="after")
    def validate_environment(self) -> Self:
        """Check the settings and build the Portkey clients (all option errors surface here, before any request)."""
        if self.n is not None and self.n < 1:
            raise ValueError("`n` must be at least 1")
        if self.n is not None and self.n > 1 and self.streaming:
            raise ValueError("`n` must be 1 when streaming")
        for field_name, advice in _UNSUPPORTED_FIELDS.items():
            if getattr(self, field_name) is not None:
                raise ValueError(f"`{field_name}` is not supported by ChatPortkey: {advice}")
        if self.openai_proxy and (self.http_client or self.http_async_client):
            raise ValueError("`openai_proxy` cannot be combined with `http_client` / `http_async_client`")
        options = self._portkey_options()
        common: dict[str, Any] = {
            "base_url": self.openai_api_base,
            "timeout": self.timeout if self.timeout is not None else NOT_GIVEN,
            "max_retries": self.max_retries if self.max_retries is not None else DEFAULT_MAX_RETRIES,
            "default_headers": self.default_headers,
            "default_query": self.default_query,
        }
        proxy = self.openai_proxy or None
        sync_http = self.http_client or _OwnedHttpxClient(verify=_ssl_context(), proxy=proxy)
        async_http = self.http_async_client or _OwnedAsyncHttpxClient(verify=_ssl_context(), proxy=proxy)
        root_client = Portkey(**common, http_client=sync_http, **options)
        root_async_client = AsyncPortkey(**common, http_client=async_http, **options)
        self.root_client = root_client
        self.client = root_client.chat.completions
        self.root_async_client = root_async_client
        self.async_client = root_async_client.chat.completions
        self.openai_api_base = str(root_client.base_url).rstrip("/")
        return self

    def _portkey_options(self) -> PortkeyOptionsDict:
        values: dict[str, Any] = {name: getattr(self, name) for name in _OPTION_FIELDS}
        api_key = self.openai_api_key
        values["api_key"] = api_key.get_secret_value() if isinstance(api_key, SecretStr) else None
        # LangChain adds `lc_versions` (a dict of package versions) to a model's metadata for its own tracing.
        values["metadata"] = portkey_metadata(self.metadata)
        values["openai_organization"] = self.openai_organization
        return cast("PortkeyOptionsDict", {name: value for name, value in values.items() if value is not None})

    @property
    @override
    def _llm_type(self) -> str:
        return "portkey-chat"

    @property
    @override
    def lc_secrets(self) -> dict[str, str]:
        secrets = {name: f"PORTKEY_{name.upper()}" for name in sorted(SECRET_OPTIONS) if name in _OPTION_FIELDS}
        return {"openai_api_key": "PORTKEY_API_KEY", **secrets}

    @override
    def to_json(self) -> SerializedConstructor | SerializedNotImplemented:
        """LangChain serialisation, with the secret ids of `lc_secrets` (ChatOpenAI's own would win otherwise)."""
        serialized = super().to_json()
        if serialized["type"] == "constructor":
            kwargs = serialized["kwargs"]
            for name, secret_id in self.lc_secrets.items():
                value = kwargs.get(name)
                if isinstance(value, dict) and cast("dict[str, Any]", value).get("type") == "secret":
                    kwargs[name] = {**cast("dict[str, Any]", value), "id": [secret_id]}
        return serialized

    @classmethod
    @override
    def get_lc_namespace(cls) -> list[str]:
        """`["portkey_ai", "langchain"]`: where `langchain_core.load` finds this class."""
        return ["portkey_ai", "langchain"]

    @property
    @override
    def lc_attributes(self) -> dict[str, Any]:
        return {"openai_api_base": self.openai_api_base} if self.openai_api_base else {}

    @override
    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "portkey"
        return params

    @override
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return super()._generate(
            messages, stop=stop, run_manager=run_manager, **with_trace_headers(run_manager, kwargs)
        )

    @override
    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return await super()._agenerate(
            messages, stop=stop, run_manager=run_manager, **with_trace_headers(run_manager, kwargs)
        )

    @override
    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        run_manager = kwargs.get("run_manager")
        return super()._stream(*args, **with_trace_headers(run_manager, kwargs))

    @override
    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        run_manager = kwargs.get("run_manager")
        async for chunk in super()._astream(*args, **with_trace_headers(run_manager, kwargs)):
            yield chunk
