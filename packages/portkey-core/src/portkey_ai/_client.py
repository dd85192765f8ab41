"""`Portkey` and `AsyncPortkey`: openai's clients, pointed at a Portkey gateway.

Every OpenAI resource (chat, responses, embeddings, files, batches, ...) is inherited from the installed openai
package, with its retries, timeouts, pagination, streaming and raw/streaming response wrappers. What Portkey adds is
declared once in `_options.py` (the gateway options) and `_hooks.py` (the client mixins). The constructor and `copy`
signatures are written here for each client (type checkers and the docs read them); their one body is the mixin's
`_construct` / `_copy_arguments`, handed the parameters by name (`locals()`), and
`tests/core/test_sync_async_parity.py` keeps the two signatures equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Self, cast

import openai
from openai import DEFAULT_MAX_RETRIES, NOT_GIVEN, NotGiven, Timeout
from typing_extensions import Unpack, override

from ._dropin import install as _install_dropin
from ._hooks import AsyncPortkeyMixin, SyncPortkeyMixin
from ._http import httpx
from ._limits import MAX_EVENT_BYTES, MAX_RESPONSE_BYTES
from ._options import PortkeyOptionsDict

if TYPE_CHECKING:
    # portkey-admin's attributes, typed when it is installed (type checkers only: at run time core never imports it;
    # without it these names are unknown, and the attributes raise `MissingExtensionError`).
    from portkey_ai.admin._extension import AsyncPortkeyAttributes, PortkeyAttributes
    from portkey_ai.admin.resources.admin import Admin, AsyncAdmin
    from portkey_ai.admin.resources.logs import AsyncLogs as AsyncAdminLogs, Logs as AdminLogs
    from portkey_ai.admin.resources.prompts import AsyncPrompts as AsyncAdminPrompts, Prompts as AdminPrompts

    # Imported by absolute name, as portkey-admin does, so that a type checker of an installed (non-editable) copy
    # sees the one class both derive from.
    from portkey_ai.resources.logs import AsyncLogs, Logs
    from portkey_ai.resources.prompts import AsyncPrompts, Prompts

    from .resources.feedback import AsyncFeedback, Feedback
    from .resources.generations import AsyncGenerations, Generations
    from .resources.rerank import AsyncRerank, Rerank

    # The type of `portkey.prompts` / `portkey.logs`: core's class, which forwards what it lacks to portkey-admin's
    # subclass; with portkey-admin that subclass's attributes are typed too, without it only core's are.
    class _Prompts(AdminPrompts, Prompts): ...

    class _AsyncPrompts(AsyncAdminPrompts, AsyncPrompts): ...

    class _Logs(AdminLogs, Logs): ...

    class _AsyncLogs(AsyncAdminLogs, AsyncLogs): ...

else:
    PortkeyAttributes = AsyncPortkeyAttributes = object

__all__ = ["AsyncPortkey", "Portkey"]


class Portkey(SyncPortkeyMixin, openai.OpenAI, PortkeyAttributes):  # pyright: ignore[reportIncompatibleMethodOverride, reportIncompatibleVariableOverride]
    """Synchronous client for the Portkey gateway; an `openai.OpenAI` with Portkey routing options.

    The retry, timeout, streaming, redirect and error policy summarised below is described, case by case with the
    test that proves it, in `docs/reliability.md`.

    Args:
        base_url: The gateway URL. Default: `PORTKEY_BASE_URL`, then `PORTKEY_PROXY`, then the hosted gateway
            (`https://api.portkey.ai/v1`) when an API key is known, else `http://localhost:8787/v1`.
        timeout: Per-attempt timeouts, as in openai (default: connect 5 s; read, write and pool 600 s). The read
            timeout is per read (a stream that keeps sending never hits it). Never `None` by default.
        max_retries: Client-side retries (default 2, so at most 3 attempts; 0 disables) of connection errors,
            connect/read/write timeouts, 409, 429 and 5xx, with openai's exponential backoff (0.5 s doubling to at
            most 8 s, minus up to 25 % jitter). `Retry-After` / `retry-after-ms` is honoured when it is in
            (0, 60] s; above 60 s the error is raised at once with `.retry_after`. Never retried: a pool timeout, a
            TLS failure, 408 from the gateway's `request_timeout`, gateway errors, responses where the gateway
            already retried (`x-portkey-retry-attempt-count` > 0) unless they say `x-should-retry: true`, and a
            stream once it has started. All attempts of one call send the same `x-portkey-trace-id` (generated if
            none is set). Retried POSTs can run twice upstream: the gateway has no idempotency keys.
        total_timeout: A deadline in seconds for a whole call: connecting, sending, the response headers and body
            (however slowly they trickle in), every retry and backoff sleep, and every event of a stream. No retry
            is attempted if its delay would pass it; any read or write past it raises `APITimeoutError`. Default
            `None` (only the per-attempt `timeout` applies).
        max_response_bytes: The largest successful response body read whole, in bytes after decompression
            (default 256 MiB, twice the largest embeddings batch as JSON floats). Past it the connection is
            dropped and `ResponseTooLargeError` raised. Binary downloads (`files.content`, `audio.speech`) and
            `with_streaming_response` are not limited. `None` removes the limit.
        max_event_bytes: The largest single server-sent event of a stream, in bytes (default 32 MiB; chat chunks
            are under 1 KiB, a `response.completed` event with images a few MiB). Past it the stream raises
            `ResponseTooLargeError`. `None` removes the limit.
        require_stream_terminator: A chat or completions stream that ends without `data: [DONE]` (what the
            gateway does when the provider fails mid-stream) raises `IncompleteStreamError` after the events it
            delivered (default `True`; `False` ends such a stream silently, like openai). A connection that breaks
            mid-stream always raises `StreamInterruptedError`, an error event `StreamEventError`.
        allow_insecure_http: Allow a plain `http://` `base_url` or `custom_host` on a public host (default
            `False`: plain http is accepted only for local, private and reserved hosts, since keys would travel
            unencrypted).
        default_headers: Extra headers on every request (after the Portkey headers, so they win).
        default_query: Extra query parameters on every request.
        http_client: Your own HTTP client (of the library the installed openai uses). Redirects are followed
            only within the same origin (scheme, host and port): a redirect elsewhere is raised as an
            `APIStatusError` and no credential is sent to the other host.
        websocket_base_url: Base URL for realtime/responses WebSocket connections: a `ws://` or `wss://` URL, checked
            like `base_url` (no credentials, query, fragment or control character; plain `ws://` only to a local
            or private host unless `allow_insecure_http`), since the handshake carries your Portkey headers.
        webhook_secret: Secret for `webhooks.unwrap`.
        instrumentation: Accepted for compatibility with the official SDK; `True` warns (use portkey-langchain or
            portkey-llamaindex for traces).
        calculate_audio_duration: Send `x-portkey-audio-file-duration` (the uploaded file's duration in milliseconds,
            as the official SDK does) on `audio.transcriptions.create` and `audio.translations.create` (default
            `True`). Only the file's headers are read (WAV, MP3, MP4/M4A, FLAC, Ogg Vorbis/Opus), and a file
            object's position is restored; an unrecognised format or a non-seekable file sends no header. A header
            of that name you set yourself is kept.
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
        total_timeout: float | None = None,
        max_response_bytes: int | None = MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = MAX_EVENT_BYTES,
        require_stream_terminator: bool = True,
        allow_insecure_http: bool = False,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        instrumentation: bool | None = None,
        calculate_audio_duration: bool = True,
        **options: Unpack[PortkeyOptionsDict],
    ) -> None:
        self._construct(super().__init__, locals())

    @override
    def copy(  # type: ignore[override]
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: httpx.Client | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
        max_response_bytes: int | None | NotGiven = NOT_GIVEN,
        max_event_bytes: int | None | NotGiven = NOT_GIVEN,
        require_stream_terminator: bool | NotGiven = NOT_GIVEN,
        allow_insecure_http: bool | NotGiven = NOT_GIVEN,
        calculate_audio_duration: bool | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        **options: Unpack[PortkeyOptionsDict],
    ) -> Self:
        """A new client with some settings changed, sharing this client's connection pool.

        Options not passed keep their value; an option passed as `None` (or `False`) is set to that
        (`total_timeout=None` removes the deadline).
        """
        return self.__class__(**self._copy_arguments(locals()))

    with_options = copy  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleMethodOverride, reportAssignmentType]

    if TYPE_CHECKING:

        @property
        @override
        def admin(self) -> Admin:  # type: ignore[override]
            """Portkey's admin API (users, invites, workspaces...), from portkey-admin; see `PortkeyClientMixin.admin`."""
            ...

    @cached_property
    def prompts(self) -> _Prompts:
        """Prompt templates: `render` and `completions.create` (management methods come with portkey-admin)."""
        from .resources.prompts import Prompts

        return cast("_Prompts", Prompts(self))

    @cached_property
    def feedback(self) -> Feedback:
        """Feedback on traces: `create`, `bulk_create`, `update`."""
        from .resources.feedback import Feedback

        return Feedback(self)

    @cached_property
    def logs(self) -> _Logs:
        """Custom log insertion: `create` (listing and exports come with portkey-admin)."""
        from .resources.logs import Logs

        return cast("_Logs", Logs(self))

    @cached_property
    def rerank(self) -> Rerank:
        """Documents ordered by relevance to a query: `create`."""
        from .resources.rerank import Rerank

        return Rerank(self)

    @cached_property
    def generations(self) -> Generations:
        """Deprecated prompt generations; use `prompts.completions`."""
        from .resources.generations import Generations

        return Generations(self)


class AsyncPortkey(AsyncPortkeyMixin, openai.AsyncOpenAI, AsyncPortkeyAttributes):  # pyright: ignore[reportIncompatibleMethodOverride, reportIncompatibleVariableOverride]
    """Asynchronous client for the Portkey gateway; an `openai.AsyncOpenAI` with Portkey routing options.

    Takes the same arguments as `Portkey`.
    """

    def __init__(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        total_timeout: float | None = None,
        max_response_bytes: int | None = MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = MAX_EVENT_BYTES,
        require_stream_terminator: bool = True,
        allow_insecure_http: bool = False,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        instrumentation: bool | None = None,
        calculate_audio_duration: bool = True,
        **options: Unpack[PortkeyOptionsDict],
    ) -> None:
        self._construct(super().__init__, locals())

    @override
    def copy(  # type: ignore[override]
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: httpx.AsyncClient | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
        max_response_bytes: int | None | NotGiven = NOT_GIVEN,
        max_event_bytes: int | None | NotGiven = NOT_GIVEN,
        require_stream_terminator: bool | NotGiven = NOT_GIVEN,
        allow_insecure_http: bool | NotGiven = NOT_GIVEN,
        calculate_audio_duration: bool | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        webhook_secret: str | None = None,
        **options: Unpack[PortkeyOptionsDict],
    ) -> Self:
        """A new client with some settings changed, sharing this client's connection pool.

        Options not passed keep their value; an option passed as `None` (or `False`) is set to that
        (`total_timeout=None` removes the deadline).
        """
        return self.__class__(**self._copy_arguments(locals()))

    with_options = copy  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleMethodOverride, reportAssignmentType]

    if TYPE_CHECKING:

        @property
        @override
        def admin(self) -> AsyncAdmin:  # type: ignore[override]
            """Portkey's admin API (users, invites, workspaces...), from portkey-admin; see `PortkeyClientMixin.admin`."""
            ...

    @cached_property
    def prompts(self) -> _AsyncPrompts:
        """Prompt templates: `render` and `completions.create` (management methods come with portkey-admin)."""
        from .resources.prompts import AsyncPrompts

        return cast("_AsyncPrompts", AsyncPrompts(self))

    @cached_property
    def feedback(self) -> AsyncFeedback:
        """Feedback on traces: `create`, `bulk_create`, `update`."""
        from .resources.feedback import AsyncFeedback

        return AsyncFeedback(self)

    @cached_property
    def logs(self) -> _AsyncLogs:
        """Custom log insertion: `create` (listing and exports come with portkey-admin)."""
        from .resources.logs import AsyncLogs

        return cast("_AsyncLogs", AsyncLogs(self))

    @cached_property
    def rerank(self) -> AsyncRerank:
        """Documents ordered by relevance to a query: `create`."""
        from .resources.rerank import AsyncRerank

        return AsyncRerank(self)

    @cached_property
    def generations(self) -> AsyncGenerations:
        """Deprecated prompt generations; use `prompts.completions`."""
        from .resources.generations import AsyncGenerations

        return AsyncGenerations(self)


_install_dropin(Portkey, openai.OpenAI)
_install_dropin(AsyncPortkey, openai.AsyncOpenAI)
