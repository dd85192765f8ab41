"""The client mixins: where Portkey plugs into openai's client (tested on openai 2.x and 3.x).

`PortkeyClientMixin` sits before `openai.OpenAI` / `openai.AsyncOpenAI` in the MRO of `Portkey` / `AsyncPortkey`,
the same way openai's own `BaseAzureClient` does for `AzureOpenAI`; `SyncPortkeyMixin` and `AsyncPortkeyMixin` add
the few hooks whose openai signature differs between the sync and async clients. Together they override
authentication, header validation, the retry decision and delay, the total deadline, redirects, error construction,
response checks and the stream classes; the request loop, resources, pagination and raw/streaming response wrappers
stay openai's. Each override is a thin call into the module owning its concern: `_setup.py` (API key, base URL,
headers), `_policy.py` (what is retried, how long to wait, what an error message says), `_errors.py` (the typed
errors), `_bodies.py` (bounded body reads), `_streams.py` (the stream classes), `_connections.py` (redirects, fork
and event-loop safety) and `_fastparse.py` (the hot response types).
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, cast, overload

import pydantic
from openai import AsyncStream, NotGiven, Stream
from openai._base_client import AsyncAPIClient, BaseClient, SyncAPIClient
from openai._constants import RAW_RESPONSE_HEADER
from openai._models import FinalRequestOptions, SecurityOptions, add_request_id
from openai._streaming import ServerSentEvent
from openai._utils import is_given
from typing_extensions import override

from . import _deadline, _fastparse, _logging
from ._bodies import aread_bounded, aread_success, read_bounded, read_success
from ._connections import SYNC_HTTP_CLIENTS, MaskedHeaders, check_event_loop, same_origin_redirect
from ._dropin import official_request
from ._errors import (
    as_mapping,
    describe,
    invalid_body,
    is_tls_failure,
    model_class,
    parse_body,
    required_fields,
    timeout_after,
    tls_reason,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    RequestTimeoutError,
)
from ._extensions import PROVIDED_BY, find_factory, missing
from ._fastlane import LANE_PATHS
from ._http import httpx
from ._keywords import route_undeclared
from ._options import (
    OPTION_SPECS,
    PortkeyOptions,
    masked_option_items,
    options_as_dict,
    replace_options,
)
from ._policy import (
    CALL,
    TRACE_ID_HEADER,
    Call,
    Settings,
    body_snippet,
    error_message,
    origin,
    parse_retry_after,
    retry_delay,
    should_retry_response,
)
from ._response_headers import attach_headers
from ._secrets import SecretStr, protect, protect_headers
from ._setup import (
    PLACEHOLDER_PROVIDER_KEY,
    ClientSetup,
    check_header,
    check_max_retries,
    make_settings,
    merged_defaults,
    prepare_client,
    warn_unsupported,
)
from ._sse import SSEDecoder
from ._streams import STREAM_POLICY, StreamPolicy, is_chat_stream, portkey_stream_class
from ._version import __version__

if TYPE_CHECKING:
    from openai._types import Headers, HttpxSendArgs, ResponseT
    from typing_extensions import Unpack

__all__ = ["AsyncPortkeyMixin", "PortkeyClientMixin", "SyncPortkeyMixin"]

_T = TypeVar("_T")
_StreamT = TypeVar("_StreamT", bound=Stream[Any])
_AsyncStreamT = TypeVar("_AsyncStreamT", bound=AsyncStream[Any])

_logging.install()


_OPTION_ATTRIBUTES = frozenset(OPTION_SPECS) - {"api_key"}
"""Options read back as attributes through `__getattr__` (`api_key` is openai's own attribute, set to the Portkey key)."""


class PortkeyClientMixin(BaseClient[Any, Any]):
    """The Portkey behaviour shared by `Portkey` and `AsyncPortkey`."""

    _portkey_options: PortkeyOptions
    _portkey_user_headers: dict[str, str]
    _portkey_settings: Settings
    _portkey_lane_urls: dict[str, tuple[httpx.URL, httpx.URL]]
    _portkey_bounded_sockets: bool
    api_key: str
    calculate_audio_duration: bool
    websocket_base_url: str | httpx.URL | None
    organization: str | None
    project: str | None
    webhook_secret: str | None

    def _finish_setup(self, setup: ClientSetup) -> None:
        """Undo what openai's constructor took from `OPENAI_*` variables, and install the Portkey headers."""
        check_max_retries(self.max_retries)
        self._portkey_options = setup.options
        self._portkey_user_headers = setup.user_headers
        self._portkey_settings = setup.settings
        self.api_key = setup.options.api_key or SecretStr("")
        self.organization = None
        self.project = None
        self.webhook_secret = setup.webhook_secret
        self._custom_query = cast(dict[str, object], protect(self._custom_query))
        for attribute, cleared in (("admin_api_key", None), ("_ambient_authorizations", frozenset[str]())):
            if hasattr(self, attribute):
                setattr(self, attribute, cleared)
        self._custom_headers = cast(dict[str, str], protect_headers({**setup.portkey_headers, **setup.user_headers}))
        self._portkey_lane_urls = {}
        if isinstance(self._client, httpx.Client):
            SYNC_HTTP_CLIENTS.add(self._client)
        self._portkey_bounded_sockets = _deadline.install(self._client)

    @property
    def portkey_options(self) -> PortkeyOptions:
        """The gateway options of this client (read-only; use `with_options` to change them)."""
        return self._portkey_options

    @property
    def total_timeout(self) -> float | None:
        """The deadline in seconds for a whole call (attempts, backoff and stream reading), or `None`."""
        return self._portkey_settings.total_timeout

    @property
    def max_response_bytes(self) -> int | None:
        """The largest successful body read whole, in decoded bytes (`ResponseTooLargeError` past it), or `None`."""
        return self._portkey_settings.max_response_bytes

    @property
    def max_event_bytes(self) -> int | None:
        """The largest server-sent event accepted, in bytes (`ResponseTooLargeError` past it), or `None`."""
        return self._portkey_settings.max_event_bytes

    @property
    def require_stream_terminator(self) -> bool:
        """Whether a chat or completions stream must end with `[DONE]` (else `IncompleteStreamError`)."""
        return self._portkey_settings.require_stream_terminator

    @property
    @override
    def user_agent(self) -> str:
        return f"Portkey/Python {__version__} (openai {self._version})"

    @property
    @override
    def auth_headers(self) -> dict[str, str]:
        return {}

    @override
    def _auth_headers(self, security: SecurityOptions) -> dict[str, str]:
        return {}

    @override
    def _validate_headers(self, headers: Headers, custom_headers: Headers) -> None:
        return None

    @override
    def _build_headers(self, options: FinalRequestOptions, *, retries_taken: int = 0) -> httpx.Headers:
        if options.headers:
            for name, value in options.headers.items():
                check_header(f"header {name!r}", name, value)
        headers = super()._build_headers(options, retries_taken=retries_taken)
        call = CALL.get()
        if call is not None:
            sent = headers.get(TRACE_ID_HEADER)
            if sent is None:
                headers[TRACE_ID_HEADER] = call.own_trace_id()
            else:
                call.trace_id = sent
        return headers

    @override
    def _build_request(self, options: FinalRequestOptions, *, retries_taken: int = 0) -> httpx.Request:
        route_undeclared(options)
        call = CALL.get()
        if call is not None:
            call.retries_taken = retries_taken
            call.max_retries = options.get_max_retries(self.max_retries)
            call.delay = None
        if self.calculate_audio_duration and options.files:
            # Imported on the first upload: the parsers are not worth loading for clients that never send one.
            from ._audio import AUDIO_DURATION_HEADER, audio_duration_header

            headers = None if isinstance(options.headers, NotGiven) else options.headers
            duration = audio_duration_header(options.method, options.url, options.files, self.default_headers, headers)
            if duration is not None:
                options.headers = {**(headers or {}), AUDIO_DURATION_HEADER: duration}
        return super()._build_request(options, retries_taken=retries_taken)

    @override
    def _prepare_url(self, url: str) -> httpx.URL:
        """openai's URL merge; for the fast lane's endpoints remembered per base URL (an `httpx.URL` is immutable;
        setting `base_url` makes a new one), which saves parsing the same URL on every request."""
        if url not in LANE_PATHS:
            return super()._prepare_url(url)
        base = self._base_url
        known = self._portkey_lane_urls.get(url)
        if known is not None and known[0] is base:
            return known[1]
        prepared = super()._prepare_url(url)
        self._portkey_lane_urls[url] = (base, prepared)
        return prepared

    def _clamp_to_deadline(self, request: httpx.Request) -> Call | None:
        """The call in progress; with a deadline, every timeout of `request` is cut to the time left."""
        call = CALL.get()
        remaining = None if call is None else call.remaining()
        if remaining is not None:
            if remaining <= 0:
                error = APITimeoutError(request=request)
                describe(error)
                raise error
            timeouts: Mapping[str, float | None] = request.extensions.get("timeout", {})
            request.extensions["timeout"] = {
                name: remaining if value is None else min(value, remaining) for name, value in timeouts.items()
            }
        return call

    def _transport_failure(self, err: BaseException, request: httpx.Request, call: Call | None) -> BaseException:
        """What to raise for a transport error: `err` itself to let openai retry, else a typed, final error."""
        if isinstance(err, httpx.PoolTimeout):
            failure: APIError = APITimeoutError(request=request)
        elif is_tls_failure(err):
            failure = APIConnectionError(
                message="Connection error: the TLS handshake failed (not retried): " + tls_reason(err),
                request=request,
            )
        elif call is None or call.plan_retry(None):
            return err
        elif isinstance(err, httpx.TimeoutException):
            failure = APITimeoutError(request=request)
        else:
            failure = APIConnectionError(request=request)
        describe(failure)
        return failure

    def _stream_setup(
        self,
        options: FinalRequestOptions,
        response: httpx.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
    ) -> type[Stream[Any]] | type[AsyncStream[Any]] | None:
        """Swap in the Portkey stream class, and give the response the policy it will be read with."""
        if not stream or stream_cls is None:
            return stream_cls
        call = CALL.get()
        chat = is_chat_stream(options.url)
        response.extensions[STREAM_POLICY] = StreamPolicy(
            deadline=None if call is None else call.deadline,
            require_terminator=chat and self._portkey_settings.require_stream_terminator,
            chat=chat,
            drain=self._portkey_bounded_sockets,
        )
        return portkey_stream_class(cast(Hashable, stream_cls)) or stream_cls

    def _fast_parse(
        self, cast_to: object, options: FinalRequestOptions, response: httpx.Response, stream: bool
    ) -> pydantic.BaseModel | None:
        """A hot response type built by pydantic-core (`_fastparse`); `None` leaves the response to openai.

        openai's own path is kept for streams, raw responses, post-parsers and anything pydantic-core rejects; what
        openai's `APIResponse.parse` adds to a model (the request id, then our `get_headers()`) is added here too.
        """
        if (
            stream
            or not _fastparse.is_hot(cast_to)
            or is_given(options.post_parser)
            or response.request.headers.get(RAW_RESPONSE_HEADER)
            or not _fastparse.utf8_json(response)
        ):
            return None
        model = _fastparse.parse_json(cast(type[pydantic.BaseModel], cast_to), response.content)
        if model is None:
            return None
        add_request_id(cast(Any, model), response.headers.get("x-request-id"))
        return cast(pydantic.BaseModel, attach_headers(model, response))

    def _check_parsed(self, result: _T, cast_to: object, response: httpx.Response) -> _T:
        if isinstance(result, str) and model_class(cast_to) is not None:
            raise invalid_body(response, "JSON")
        return result

    @override
    def _should_retry(self, response: httpx.Response) -> bool:
        if not should_retry_response(response.status_code, response.headers):
            return False
        call = CALL.get()
        if call is None:
            return True
        planned = call.plan_retry(response.headers)
        if not planned:
            _logging.logger.debug(
                "Not retrying status %i: the total timeout leaves no time for the delay", response.status_code
            )
        return planned

    @override
    def _parse_retry_after_header(self, response_headers: httpx.Headers | None = None) -> float | None:
        return parse_retry_after(response_headers)

    @override
    def _calculate_retry_timeout(
        self, remaining_retries: int, options: FinalRequestOptions, response_headers: httpx.Headers | None = None
    ) -> float:
        call = CALL.get()
        max_retries = options.get_max_retries(self.max_retries)
        retries_taken = max_retries - remaining_retries
        if call is not None and call.delay is not None:
            delay = call.delay
            call.delay = None
        else:
            delay = retry_delay(retries_taken, response_headers)
        _logging.logger.info(
            "Retrying %s in %.3f s (retry %i of %i, trace id %s)",
            options.method.upper(),
            delay,
            retries_taken + 1,
            max_retries,
            None if call is None else call.trace_id,
            extra={"portkey_retry_delay": delay, "portkey_retry": retries_taken + 1},
        )
        return delay

    @override
    def _make_status_error_from_response(self, response: httpx.Response) -> APIStatusError:
        body: object = None
        text = ""
        if not (response.is_closed and not response.is_stream_consumed):
            text = response.text
            body = parse_body(text)
        content_type = response.headers.get("content-type", "")
        message = error_message(response.status_code, content_type, len(response.content), body, text)
        next_request = response.next_request
        if next_request is not None and origin(next_request.url) != origin(response.request.url):
            scheme, host, port = origin(next_request.url)
            message = (
                f"Error code: {response.status_code} - redirect to another origin ({scheme}://{host}:{port}) "
                "refused: credentials are only sent to the client's own origin"
            )
        error = self._make_status_error(message, body=body, response=response)
        describe(error, response)
        return error

    @override
    def _make_status_error(self, err_msg: str, *, body: object, response: httpx.Response) -> APIStatusError:
        if response.status_code == 408:
            mapping = as_mapping(body)
            data = body if mapping is None else mapping.get("error", mapping)
            return RequestTimeoutError(err_msg, response=response, body=data)
        return super()._make_status_error(err_msg, body=body, response=response)

    @override
    def _process_response_data(self, *, data: object, cast_to: type[Any], response: httpx.Response) -> Any:
        model = model_class(cast_to)
        if model is not None:
            mapping = as_mapping(data)
            required = required_fields(model) if mapping is not None else frozenset[str]()
            if mapping is None or (required and required.isdisjoint(mapping)):
                error = APIResponseValidationError(
                    response=response,
                    body=data if mapping is not None else body_snippet(json.dumps(data)),
                    message=f"The response is not a {model.__name__} (got {type(data).__name__} without its fields)",
                )
                describe(error, response)
                raise error
        return attach_headers(super()._process_response_data(data=data, cast_to=cast_to, response=response), response)

    @override
    def _make_sse_decoder(self) -> SSEDecoder[ServerSentEvent]:
        return SSEDecoder(ServerSentEvent, self._portkey_settings.max_event_bytes)

    def _construct(self, openai_init: Callable[..., None], arguments: Mapping[str, Any]) -> None:
        """The body of `Portkey.__init__` and `AsyncPortkey.__init__`; `arguments` are their parameters by name.

        `openai_init` is openai's constructor, given a placeholder key (it would read `OPENAI_API_KEY` otherwise).
        """
        warn_unsupported(arguments["instrumentation"])
        setup = prepare_client(
            base_url=arguments["base_url"],
            default_headers=arguments["default_headers"],
            webhook_secret=arguments["webhook_secret"],
            settings=make_settings(
                arguments["total_timeout"],
                arguments["require_stream_terminator"],
                arguments["allow_insecure_http"],
                arguments["max_response_bytes"],
                arguments["max_event_bytes"],
            ),
            options=arguments["options"],
            websocket_base_url=arguments["websocket_base_url"],
        )
        openai_init(
            api_key=PLACEHOLDER_PROVIDER_KEY,
            base_url=setup.base_url,
            websocket_base_url=setup.websocket_base_url,
            webhook_secret=arguments["webhook_secret"],
            timeout=arguments["timeout"],
            max_retries=arguments["max_retries"],
            default_headers=setup.user_headers,
            default_query=arguments["default_query"],
            http_client=arguments["http_client"],
        )
        self._finish_setup(setup)
        self.calculate_audio_duration = arguments["calculate_audio_duration"]

    def _copy_arguments(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Constructor arguments for `copy` (`arguments` are its parameters by name): this client's settings with
        the given changes; a `NotGiven` keeps the current value."""
        default_headers = merged_defaults(
            self._portkey_user_headers, arguments["default_headers"], arguments["set_default_headers"], "headers"
        )
        default_query = merged_defaults(
            self._custom_query, arguments["default_query"], arguments["set_default_query"], "query"
        )
        settings = self._portkey_settings

        def given(name: str, current: object) -> object:
            value: object = arguments[name]
            return current if isinstance(value, NotGiven) else value

        return {
            "http_client": arguments["http_client"] or self._client,
            "base_url": arguments["base_url"] or str(self.base_url),
            "timeout": given("timeout", self.timeout),
            "max_retries": given("max_retries", self.max_retries),
            "total_timeout": given("total_timeout", settings.total_timeout),
            "max_response_bytes": given("max_response_bytes", settings.max_response_bytes),
            "max_event_bytes": given("max_event_bytes", settings.max_event_bytes),
            "require_stream_terminator": given("require_stream_terminator", settings.require_stream_terminator),
            "allow_insecure_http": given("allow_insecure_http", settings.allow_insecure_http),
            "default_headers": default_headers,
            "default_query": default_query,
            "websocket_base_url": arguments["websocket_base_url"] or self.websocket_base_url,
            "webhook_secret": arguments["webhook_secret"] or self.webhook_secret,
            "calculate_audio_duration": given("calculate_audio_duration", self.calculate_audio_duration),
            **options_as_dict(replace_options(self._portkey_options, arguments["options"])),
        }

    def _extension_resource(self, name: str) -> Any:
        """The resource a sibling distribution registered under `name`, created once per client."""
        cache: dict[str, Any] = self.__dict__.setdefault("_portkey_extensions", {})
        if name not in cache:
            factory = find_factory(name)
            if factory is None:
                raise missing(type(self).__name__, name)
            cache[name] = factory(self)
        return cache[name]

    @property
    def admin(self) -> Any:  # pyright: ignore[reportIncompatibleVariableOverride]
        """Portkey's admin API (users, workspaces, invites...), from portkey-admin.

        This shadows openai's own `admin` attribute (OpenAI's organisation admin API), which makes no sense through
        a Portkey gateway.
        """
        return self._extension_resource("admin")

    def __getattr__(self, name: str) -> Any:
        """The gateway options as read-only attributes (`portkey.virtual_key`, `portkey.config`, ...; `None` when not
        set, as in the official SDK), then the attributes portkey-admin provides (`portkey.configs`, ...)."""
        options: PortkeyOptions | None = self.__dict__.get("_portkey_options")
        if options is not None and not name.startswith("_"):
            if name in OPTION_SPECS:
                return getattr(options, name)
            if name in options.extra:
                return options.extra[name]
        if name.startswith("_") or name not in PROVIDED_BY:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self._extension_resource(name)

    @override
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OPTION_ATTRIBUTES and "_portkey_options" in self.__dict__:
            raise AttributeError(
                f"`{name}` is read-only; use `with_options({name}=...)` for a client with another value"
            )
        super().__setattr__(name, value)

    @override
    def __repr__(self) -> str:
        items = [("base_url", str(self.base_url))] + masked_option_items(self._portkey_options)
        if self._portkey_user_headers:
            items.append(("default_headers", sorted(self._portkey_user_headers)))
        rendered = ", ".join(f"{name}={value!r}" for name, value in items)
        return f"{type(self).__name__}({rendered})"


class SyncPortkeyMixin(PortkeyClientMixin, SyncAPIClient):
    """The hooks of `Portkey` whose openai signature is synchronous."""

    @overload
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    def request(
        self, cast_to: type[ResponseT], options: FinalRequestOptions, *, stream: Literal[False] = False
    ) -> ResponseT: ...

    @overload
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_StreamT] | None = None,
    ) -> ResponseT | _StreamT: ...

    @override
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_StreamT] | None = None,
    ) -> ResponseT | _StreamT:
        """openai's request loop, run as one logical call: one trace id and one deadline for all its attempts."""
        token = CALL.set(Call.start(self._portkey_settings.total_timeout))
        try:
            return super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except APIError as error:
            describe(error)
            raise
        finally:
            CALL.reset(token)

    @override
    def _prepare_request(self, request: httpx.Request) -> None:
        request.headers.__class__ = MaskedHeaders
        super()._prepare_request(request)

    @override
    def _send_request(self, request: httpx.Request, *, stream: bool, **kwargs: Unpack[HttpxSendArgs]) -> httpx.Response:
        call = self._clamp_to_deadline(request)
        follow = kwargs.get("follow_redirects", self._client.follow_redirects)
        send: HttpxSendArgs = {**kwargs, "follow_redirects": False}
        try:
            response = super()._send_request(request, stream=True, **send)
            for _ in range(self._client.max_redirects if follow else 0):
                next_request = same_origin_redirect(request, response)
                if next_request is None:
                    break
                read_bounded(response)
                request = next_request
                response = super()._send_request(request, stream=True, **send)
            if not response.is_success:
                return read_bounded(response)
            if not stream:
                read_success(response, self._portkey_settings.max_response_bytes)
            elif call is not None and call.deadline is not None:
                response.stream = _deadline.SyncDeadlineStream(
                    cast(httpx.SyncByteStream, response.stream), call.deadline, timeout_after(response)
                )
        except (httpx.TransportError, ssl.SSLError) as err:
            failure = self._transport_failure(err, request, call)
            if failure is err:
                raise
            raise failure from err
        return response

    @override
    def _process_response(
        self,
        *,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        response: httpx.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
        retries_taken: int = 0,
    ) -> ResponseT:
        fast = self._fast_parse(cast_to, options, response, stream)
        if fast is not None:
            return cast("ResponseT", fast)
        stream_cls = self._stream_setup(options, response, stream, stream_cls)
        try:
            result = super()._process_response(
                cast_to=cast_to,
                options=options,
                response=response,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
            )
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise invalid_body(response, "valid JSON") from err
        return self._check_parsed(result, cast_to, response)


class AsyncPortkeyMixin(PortkeyClientMixin, AsyncAPIClient):
    """The hooks of `AsyncPortkey` whose openai signature is asynchronous."""

    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[False] = False,
    ) -> ResponseT: ...

    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_AsyncStreamT],
    ) -> _AsyncStreamT: ...

    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> ResponseT | _AsyncStreamT: ...

    @override
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> ResponseT | _AsyncStreamT:
        """openai's request loop, run as one logical call: one trace id and one deadline for all its attempts."""
        check_event_loop(self._client)
        token = CALL.set(Call.start(self._portkey_settings.total_timeout))
        try:
            return await super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except APIError as error:
            describe(error)
            raise
        finally:
            CALL.reset(token)

    @override
    async def _prepare_request(self, request: httpx.Request) -> None:
        request.headers.__class__ = MaskedHeaders
        await super()._prepare_request(request)

    @override
    async def _send_request(
        self, request: httpx.Request, *, stream: bool, **kwargs: Unpack[HttpxSendArgs]
    ) -> httpx.Response:
        call = self._clamp_to_deadline(request)
        follow = kwargs.get("follow_redirects", self._client.follow_redirects)
        send: HttpxSendArgs = {**kwargs, "follow_redirects": False}
        try:
            response = await super()._send_request(request, stream=True, **send)
            for _ in range(self._client.max_redirects if follow else 0):
                next_request = same_origin_redirect(request, response)
                if next_request is None:
                    break
                await aread_bounded(response)
                request = next_request
                response = await super()._send_request(request, stream=True, **send)
            if not response.is_success:
                return await aread_bounded(response)
            if not stream:
                await aread_success(response, self._portkey_settings.max_response_bytes)
            elif call is not None and call.deadline is not None:
                response.stream = _deadline.AsyncDeadlineStream(
                    cast(httpx.AsyncByteStream, response.stream), call.deadline, timeout_after(response)
                )
        except (httpx.TransportError, ssl.SSLError) as err:
            failure = self._transport_failure(err, request, call)
            if failure is err:
                raise
            raise failure from err
        return response

    @override
    async def _process_response(
        self,
        *,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        response: httpx.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
        retries_taken: int = 0,
    ) -> ResponseT:
        fast = self._fast_parse(cast_to, options, response, stream)
        if fast is not None:
            return cast("ResponseT", fast)
        stream_cls = self._stream_setup(options, response, stream, stream_cls)
        try:
            result = await super()._process_response(
                cast_to=cast_to,
                options=options,
                response=response,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
            )
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise invalid_body(response, "valid JSON") from err
        return self._check_parsed(result, cast_to, response)


_OfficialVerb = Literal["post", "get", "put", "delete"]
_OFFICIAL_VERBS: Final[tuple[_OfficialVerb, ...]] = ("post", "get", "put", "delete")


def _official_form(mixin: type[Any], verb: _OfficialVerb, is_async: bool) -> Callable[..., Any]:
    """openai's `verb` request method on `mixin`, also taking the official SDK's form (`post(url, **body)`,
    `get(path=...)`, ...; see `_dropin.official_request`); openai's own calls (always with a `cast_to`) go straight
    through."""

    async def async_method(self: Any, *args: Any, **kwargs: Any) -> Any:
        openai_method = getattr(cast(object, super(mixin, self)), verb)
        official = official_request(verb, args, kwargs, is_async=True)
        if official is None:
            return await openai_method(*args, **kwargs)
        return await openai_method(official[0], **official[1])

    def sync_method(self: Any, *args: Any, **kwargs: Any) -> Any:
        openai_method = getattr(cast(object, super(mixin, self)), verb)
        official = official_request(verb, args, kwargs, is_async=False)
        if official is None:
            return openai_method(*args, **kwargs)
        return openai_method(official[0], **official[1])

    method = async_method if is_async else sync_method
    method.__name__ = verb
    method.__qualname__ = f"{mixin.__qualname__}.{verb}"
    method.__module__ = mixin.__module__
    return method


# Set after the class bodies, so type checkers keep openai's signatures of the request methods.
for _mixin, _is_async in ((SyncPortkeyMixin, False), (AsyncPortkeyMixin, True)):
    for _verb in _OFFICIAL_VERBS:
        setattr(_mixin, _verb, _official_form(_mixin, _verb, _is_async))
