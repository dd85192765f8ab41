"""`PortkeyLLM`: a LangChain completion model (text in, text out) on Portkey's `/completions` endpoint.

The official `portkey-ai` SDK shipped it as `portkey_ai.llms.langchain.PortkeyLLM`; that path re-exports this class.
For chat models use `ChatPortkey`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Self, TypedDict, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LLM, LangSmithParams
from langchain_core.outputs import GenerationChunk
from langchain_core.utils import secret_from_env
from openai import DEFAULT_MAX_RETRIES, NOT_GIVEN
from pydantic import Field, PrivateAttr, SecretStr, create_model, model_validator
from typing_extensions import Unpack, override

from portkey_ai import AsyncPortkey, Portkey, PortkeyOptionsDict
from portkey_ai.lib.sibling import OPTION_SPECS

from ._shared import normalize_metadata, option_fields, portkey_metadata, with_trace_headers

if TYPE_CHECKING:
    from langchain_core.caches import BaseCache
    from langchain_core.callbacks import Callbacks
    from openai import Timeout
    from openai.types import Completion

__all__ = ["PortkeyLLM", "PortkeyLLMParams"]

# `api_key` is a SecretStr field of its own and `metadata` is LangChain's run metadata field, sent as Portkey's.
_OPTION_FIELDS = tuple(name for name in OPTION_SPECS if name not in ("api_key", "metadata"))


class _LLMParams(TypedDict, total=False):
    model: str
    model_kwargs: dict[str, Any]
    streaming: bool
    base_url: str | None
    timeout: float | Timeout | None
    max_retries: int | None
    custom_metadata: Mapping[str, str] | str | None
    cache: BaseCache | bool | None
    verbose: bool
    callbacks: Callbacks
    tags: list[str] | None


class PortkeyLLMParams(PortkeyOptionsDict, _LLMParams, total=False):
    """Keyword arguments of `PortkeyLLM`: the Portkey gateway options plus the model settings."""


if TYPE_CHECKING:
    _LLMWithPortkeyOptions = LLM
else:
    _LLMWithPortkeyOptions = create_model(
        "_LLMWithPortkeyOptions", __base__=LLM, __module__=__name__, **option_fields(_OPTION_FIELDS)
    )


class PortkeyLLM(_LLMWithPortkeyOptions):
    """A LangChain completion LLM that calls `completions.create` through the Portkey gateway.

    Takes the gateway options of `portkey_ai.Portkey` (`provider`, `config`, `virtual_key`, `Authorization`,
    `trace_id`, `metadata`, ...) and the official SDK's `custom_metadata` (sent as Portkey `metadata`). `invoke`,
    `stream`, `batch` and their async forms work; with `streaming=True`, `invoke` streams and reports each token to
    the callbacks.

    Args:
        model: The model; `"portkey-default"` (the official SDK's default) lets a config or virtual key choose.
        model_kwargs: Other body parameters sent with every request (`temperature`, `max_tokens`, `top_k`...).
        api_key: Portkey API key (default: env `PORTKEY_API_KEY`).
        base_url: Gateway URL, resolved as by `portkey_ai.Portkey` when None.
        timeout: Client-side timeout in seconds (Portkey's `request_timeout` is the gateway's own timeout).

    Example:
        ```python
        from portkey_ai.langchain import PortkeyLLM

        llm = PortkeyLLM(model="gpt-3.5-turbo-instruct", provider="@openai-prod", custom_metadata={"_user": "u-1"})
        llm.invoke("Say hi")
        ```
    """

    model: str = "portkey-default"
    """The model sent in every request."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict[str, Any])
    """Other `completions.create` parameters sent with every request."""
    streaming: bool = False
    """Stream the completion in `invoke` too (tokens reach the callbacks as they arrive)."""
    api_key: SecretStr | None = Field(default_factory=secret_from_env("PORTKEY_API_KEY", default=None))
    """Portkey API key; env `PORTKEY_API_KEY` by default."""
    base_url: str | None = None
    """Gateway base URL; resolved by `portkey_ai.Portkey` when None."""
    timeout: Any = None
    """Client-side timeout (seconds or a `Timeout`)."""
    max_retries: int | None = None
    """Client retries (openai's default when None)."""

    _client: Portkey = PrivateAttr()
    _async_client: AsyncPortkey = PrivateAttr()

    if TYPE_CHECKING:

        def __init__(self, **kwargs: Unpack[PortkeyLLMParams]) -> None:
            """Build the model; see the class docstring."""

    @model_validator(mode="before")
    @classmethod
    def _portkey_metadata(cls, values: Any) -> Any:
        return normalize_metadata(values)

    @model_validator(mode="after")
    def _build_clients(self) -> Self:
        """Build the Portkey clients: every option error surfaces here, before any request."""
        options: dict[str, Any] = {name: getattr(self, name) for name in _OPTION_FIELDS}
        options["api_key"] = self.api_key.get_secret_value() if self.api_key is not None else None
        options["metadata"] = portkey_metadata(self.metadata)
        common: dict[str, Any] = {
            "base_url": self.base_url,
            "timeout": self.timeout if self.timeout is not None else NOT_GIVEN,
            "max_retries": self.max_retries if self.max_retries is not None else DEFAULT_MAX_RETRIES,
        }
        given = cast("PortkeyOptionsDict", {name: value for name, value in options.items() if value is not None})
        self._client = Portkey(**common, **given)
        self._async_client = AsyncPortkey(**common, **given)
        return self

    @property
    def client(self) -> Portkey:
        """The `Portkey` client this model calls."""
        return self._client

    @property
    def async_client(self) -> AsyncPortkey:
        """The `AsyncPortkey` client this model calls in async code."""
        return self._async_client

    @property
    @override
    def _llm_type(self) -> str:
        return "portkey-ai-gateway"

    @property
    @override
    def _identifying_params(self) -> Mapping[str, Any]:
        return {"model": self.model, **self.model_kwargs}

    @override
    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "portkey"
        params["ls_model_name"] = self.model
        return params

    def _request(
        self, prompt: str, stop: list[str] | None, run_manager: object, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        request: dict[str, Any] = {"model": self.model, **with_trace_headers(run_manager, kwargs), "prompt": prompt}
        if self.model_kwargs:
            # The JSON body takes any parameter, whether or not the installed openai's method declares it.
            request["extra_body"] = {**self.model_kwargs, **(kwargs.get("extra_body") or {})}
        if stop is not None:
            request["stop"] = stop
        return request

    @override
    def _call(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> str:
        if self.streaming:
            return "".join(chunk.text for chunk in self._stream(prompt, stop, run_manager, **kwargs))
        completion = self._client.completions.create(**self._request(prompt, stop, run_manager, kwargs), stream=False)
        return _text(completion)

    @override
    async def _acall(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> str:
        if self.streaming:
            return "".join([chunk.text async for chunk in self._astream(prompt, stop, run_manager, **kwargs)])
        request = self._request(prompt, stop, run_manager, kwargs)
        completion = await self._async_client.completions.create(**request, stream=False)
        return _text(completion)

    @override
    def _stream(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[GenerationChunk]:
        request = self._request(prompt, stop, run_manager, kwargs)
        with self._client.completions.create(**request, stream=True) as stream:
            for completion in stream:
                chunk = _chunk(completion)
                if chunk is None:
                    continue
                if run_manager is not None:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk

    @override
    async def _astream(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[GenerationChunk]:
        request = self._request(prompt, stop, run_manager, kwargs)
        async with await self._async_client.completions.create(**request, stream=True) as stream:
            async for completion in stream:
                chunk = _chunk(completion)
                if chunk is None:
                    continue
                if run_manager is not None:
                    await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk


def _text(completion: Completion) -> str:
    return completion.choices[0].text if completion.choices else ""


def _chunk(completion: Completion) -> GenerationChunk | None:
    """The generation chunk of one streamed completion event; None for a usage-only event."""
    if not completion.choices:
        return None
    choice = completion.choices[0]
    info = {"finish_reason": choice.finish_reason} if choice.finish_reason else None
    return GenerationChunk(text=choice.text, generation_info=info)
