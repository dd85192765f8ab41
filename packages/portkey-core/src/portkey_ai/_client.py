"""`Portkey` and `AsyncPortkey`: openai's clients, pointed at a Portkey gateway.

Every OpenAI resource (chat, responses, embeddings, files, batches, ...) is inherited from the installed openai
package, with its retries, timeouts, pagination, streaming and raw/streaming response wrappers. What Portkey adds is
declared once in `_options.py` (the gateway options) and `_hooks.py` (authentication, retry and error hooks).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import openai
from openai import DEFAULT_MAX_RETRIES, NOT_GIVEN, NotGiven, Timeout
from typing_extensions import Unpack, override

from ._hooks import PortkeyClientMixin, prepare_client
from ._http import httpx
from ._options import PortkeyOptionsDict

if TYPE_CHECKING:
    from .resources.feedback import AsyncFeedback, Feedback
    from .resources.generations import AsyncGenerations, Generations
    from .resources.logs import AsyncLogs, Logs
    from .resources.prompts import AsyncPrompts, Prompts

__all__ = ["AsyncPortkey", "Portkey"]

_PLACEHOLDER_PROVIDER_KEY = "portkey"
"""Given to openai's constructor so it never reads OPENAI_API_KEY; never sent, since auth is overridden."""


def _warn_unsupported(instrumentation: bool | None) -> None:
    if instrumentation:
        warnings.warn(
            "`instrumentation=True` is not supported by portkey-core; trace LangChain or LlamaIndex apps with "
            "portkey-langchain or portkey-llamaindex instead",
            UserWarning,
            stacklevel=3,
        )


def _merged(
    current: Mapping[str, Any], add: Mapping[str, Any] | None, replace: Mapping[str, Any] | None, what: str
) -> dict[str, Any]:
    if add is not None and replace is not None:
        raise ValueError(f"`default_{what}` and `set_default_{what}` are mutually exclusive")
    if replace is not None:
        return dict(replace)
    return {**current, **(add or {})}


class Portkey(PortkeyClientMixin, openai.OpenAI):  # pyright: ignore[reportIncompatibleMethodOverride, reportIncompatibleVariableOverride]
    """Synchronous client for the Portkey gateway; an `openai.OpenAI` with Portkey routing options.

    Args:
        base_url: The gateway URL. Default: `PORTKEY_BASE_URL`, then `PORTKEY_PROXY`, then the hosted gateway
            (`https://api.portkey.ai/v1`) when an API key is known, else `http://localhost:8787/v1`.
        timeout: Client-side timeout, as in openai (default: 600 s read, 5 s connect). Never `None` by default.
        max_retries: Client-side retries (default 2) of connection errors, 409, 429 and 5xx, with exponential
            backoff honouring `Retry-After`. Not retried: 408 from the gateway's `request_timeout`, responses
            where the gateway says it already retried (`x-portkey-retry-attempt-count` > 0) and gateway errors,
            unless the response says `x-should-retry: true`.
        default_headers: Extra headers on every request (after the Portkey headers, so they win).
        default_query: Extra query parameters on every request.
        http_client: Your own HTTP client (of the library the installed openai uses).
        websocket_base_url: Base URL for realtime/responses WebSocket connections.
        webhook_secret: Secret for `webhooks.unwrap`.
        instrumentation: Accepted for compatibility with the official SDK; `True` warns (use portkey-langchain or
            portkey-llamaindex for traces).
        calculate_audio_duration: Accepted for compatibility with the official SDK.
        **options: The Portkey gateway options (`api_key`, `provider`, `config`, `virtual_key`, `trace_id`,
            `metadata`, `Authorization`, ...), each sent as its `x-portkey-*` header; see `PortkeyOptions`.
            Unknown options are sent as `x-portkey-<kebab-name>` (type checkers flag them).
    """

    def __init__(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        instrumentation: bool | None = None,
        calculate_audio_duration: bool = True,
        **options: Unpack[PortkeyOptionsDict],
    ) -> None:
        _warn_unsupported(instrumentation)
        setup = prepare_client(
            base_url=base_url, default_headers=default_headers, webhook_secret=webhook_secret, options=options
        )
        super().__init__(
            api_key=_PLACEHOLDER_PROVIDER_KEY,
            base_url=setup.base_url,
            websocket_base_url=websocket_base_url,
            webhook_secret=webhook_secret,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=setup.user_headers,
            default_query=default_query,
            http_client=http_client,
        )
        self._finish_setup(setup)
        self.calculate_audio_duration = calculate_audio_duration

    @override
    def copy(  # type: ignore[override]
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: httpx.Client | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        **options: Unpack[PortkeyOptionsDict],
    ) -> Self:
        """A new client with some settings changed, sharing this client's connection pool.

        Options not passed keep their value; an option passed as `None` (or `False`) is set to that.
        """
        return self.__class__(
            http_client=http_client or self._client,
            **self._copy_arguments(
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=_merged(self._portkey_user_headers, default_headers, set_default_headers, "headers"),
                default_query=_merged(self._custom_query, default_query, set_default_query, "query"),
                websocket_base_url=websocket_base_url,
                webhook_secret=webhook_secret,
                options=options,
            ),
        )

    with_options = copy  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleMethodOverride, reportAssignmentType]

    @cached_property
    def prompts(self) -> Prompts:
        """Prompt templates: `render` and `completions.create` (management methods come with portkey-admin)."""
        from .resources.prompts import Prompts

        return Prompts(self)

    @cached_property
    def feedback(self) -> Feedback:
        """Feedback on traces: `create`, `bulk_create`, `update`."""
        from .resources.feedback import Feedback

        return Feedback(self)

    @cached_property
    def logs(self) -> Logs:
        """Custom log insertion: `create` (listing and exports come with portkey-admin)."""
        from .resources.logs import Logs

        return Logs(self)

    @cached_property
    def generations(self) -> Generations:
        """Deprecated prompt generations; use `prompts.completions`."""
        from .resources.generations import Generations

        return Generations(self)


class AsyncPortkey(PortkeyClientMixin, openai.AsyncOpenAI):  # pyright: ignore[reportIncompatibleMethodOverride, reportIncompatibleVariableOverride]
    """Asynchronous client for the Portkey gateway; an `openai.AsyncOpenAI` with Portkey routing options.

    Takes the same arguments as `Portkey`.
    """

    def __init__(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        instrumentation: bool | None = None,
        calculate_audio_duration: bool = True,
        **options: Unpack[PortkeyOptionsDict],
    ) -> None:
        _warn_unsupported(instrumentation)
        setup = prepare_client(
            base_url=base_url, default_headers=default_headers, webhook_secret=webhook_secret, options=options
        )
        super().__init__(
            api_key=_PLACEHOLDER_PROVIDER_KEY,
            base_url=setup.base_url,
            websocket_base_url=websocket_base_url,
            webhook_secret=webhook_secret,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=setup.user_headers,
            default_query=default_query,
            http_client=http_client,
        )
        self._finish_setup(setup)
        self.calculate_audio_duration = calculate_audio_duration

    @override
    def copy(  # type: ignore[override]
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: httpx.AsyncClient | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        **options: Unpack[PortkeyOptionsDict],
    ) -> Self:
        """A new client with some settings changed, sharing this client's connection pool.

        Options not passed keep their value; an option passed as `None` (or `False`) is set to that.
        """
        return self.__class__(
            http_client=http_client or self._client,
            **self._copy_arguments(
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=_merged(self._portkey_user_headers, default_headers, set_default_headers, "headers"),
                default_query=_merged(self._custom_query, default_query, set_default_query, "query"),
                websocket_base_url=websocket_base_url,
                webhook_secret=webhook_secret,
                options=options,
            ),
        )

    with_options = copy  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleMethodOverride, reportAssignmentType]

    @cached_property
    def prompts(self) -> AsyncPrompts:
        """Prompt templates: `render` and `completions.create` (management methods come with portkey-admin)."""
        from .resources.prompts import AsyncPrompts

        return AsyncPrompts(self)

    @cached_property
    def feedback(self) -> AsyncFeedback:
        """Feedback on traces: `create`, `bulk_create`, `update`."""
        from .resources.feedback import AsyncFeedback

        return AsyncFeedback(self)

    @cached_property
    def logs(self) -> AsyncLogs:
        """Custom log insertion: `create` (listing and exports come with portkey-admin)."""
        from .resources.logs import AsyncLogs

        return AsyncLogs(self)

    @cached_property
    def generations(self) -> AsyncGenerations:
        """Deprecated prompt generations; use `prompts.completions`."""
        from .resources.generations import AsyncGenerations

        return AsyncGenerations(self)
