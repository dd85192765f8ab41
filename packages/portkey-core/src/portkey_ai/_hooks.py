"""Every use of openai's underscore API lives in this module (tested on openai 2.x and 3.x).

`PortkeyClientMixin` sits before `openai.OpenAI` / `openai.AsyncOpenAI` in the MRO of `Portkey` / `AsyncPortkey`,
the same way openai's own `BaseAzureClient` does for `AzureOpenAI`; `SyncPortkeyMixin` and `AsyncPortkeyMixin` add
the few hooks whose openai signature differs between the sync and async clients. Together they override
authentication, header validation, the retry decision and delay, the total deadline, redirects, error construction,
response checks and the stream classes; the request loop, resources, pagination and raw/streaming response wrappers
stay openai's. The policy itself (what is retried, how long to wait, what an error message says) is in `_policy.py`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import ssl
import threading
import time
import warnings
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

import openai._streaming as openai_streaming
import pydantic
from openai import AsyncStream, NotGiven, Omit, Stream, Timeout
from openai._base_client import AsyncAPIClient, BaseClient, SyncAPIClient
from openai._constants import RAW_RESPONSE_HEADER
from openai._models import FinalRequestOptions, SecurityOptions, add_request_id
from openai._streaming import ServerSentEvent
from openai._utils import is_given
from typing_extensions import override

from . import _deadline, _fastparse, _logging
from ._constants import LOCAL_GATEWAY_URL, PORTKEY_GATEWAY_URL
from ._dropin import official_request, route_undeclared
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    MissingAPIKeyError,
    RequestTimeoutError,
    ResponseTooLargeError,
    StreamEventError,
    StreamInterruptedError,
)
from ._extensions import PROVIDED_BY, find_factory, missing
from ._http import httpx
from ._limits import BodyReader, declared_length, is_binary_download
from ._options import (
    OPTION_SPECS,
    PortkeyOptions,
    build_headers,
    check_header_value,
    make_options,
    masked_option_items,
    options_as_dict,
    replace_options,
)
from ._policy import (
    CALL,
    ERROR_BODY_LIMIT,
    TRACE_ID_HEADER,
    Call,
    Settings,
    body_snippet,
    error_message,
    is_public_http,
    origin,
    parse_retry_after,
    retry_delay,
    should_retry_response,
)
from ._response_headers import attach_headers
from ._secrets import SecretStr, protect, protect_headers
from ._sse import EventTooLarge, SSEDecoder
from ._version import __version__

if TYPE_CHECKING:
    from openai._types import Headers, HttpxSendArgs, ResponseT
    from typing_extensions import Unpack

__all__ = [
    "AsyncPortkeyMixin",
    "AsyncPortkeyStream",
    "ClientSetup",
    "PortkeyClientMixin",
    "PortkeyStream",
    "StreamPolicy",
    "SyncPortkeyMixin",
    "check_max_retries",
    "prepare_client",
]

_T = TypeVar("_T")
_StreamT = TypeVar("_StreamT", bound=Stream[Any])
_AsyncStreamT = TypeVar("_AsyncStreamT", bound=AsyncStream[Any])

_STREAM_POLICY = "portkey_ai.stream"
"""Key of the `StreamPolicy` a response carries in its `extensions` (set while the call is in progress)."""

_logging.install()


@dataclass(frozen=True, slots=True)
class ClientSetup:
    """Everything `Portkey.__init__` resolved before handing over to openai's constructor."""

    options: PortkeyOptions
    base_url: str
    portkey_headers: dict[str, str]
    user_headers: dict[str, str]
    webhook_secret: str | None
    settings: Settings
    websocket_base_url: str | None = None


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _check_url(
    name: str, value: str | httpx.URL, allow_insecure_http: bool, schemes: tuple[str, str] = ("http", "https")
) -> str:
    text = str(value).strip()
    check_header_value(name, text)
    try:
        url = httpx.URL(text)
    except Exception:  # the HTTP library's InvalidURL quotes the URL, credentials included
        url = None
    if url is None or url.scheme not in schemes or not url.host:
        raise ValueError(f"`{name}` must be an absolute {schemes[0]}:// or {schemes[1]}:// URL")
    if url.userinfo:
        raise ValueError(f"`{name}` must not contain credentials (user:password@); pass them as options instead")
    if url.query or url.fragment:
        raise ValueError(f"`{name}` must not contain a query string or a fragment")
    if is_public_http(url):
        if not allow_insecure_http:
            raise ValueError(
                f"`{name}` uses plain {url.scheme}:// to a public host, which would send your keys unencrypted; use "
                f"{schemes[1]}://, or pass `allow_insecure_http=True` if the network is trusted"
            )
        warnings.warn(
            f"`{name}` uses plain {url.scheme}:// to the public host {url.host}: keys and prompts travel unencrypted",
            UserWarning,
            stacklevel=4,
        )
    return text


def _is_hosted(base_url: str) -> bool:
    return httpx.URL(base_url).host == httpx.URL(PORTKEY_GATEWAY_URL).host


def check_max_retries(value: object) -> int:
    """`value` as a retry count, or `TypeError`/`ValueError` naming `max_retries` (also on openai 2.x)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("`max_retries` must be an int (0 disables retries), not " + type(value).__name__)
    if value < 0:
        raise ValueError("`max_retries` must be >= 0")
    return value


def prepare_client(
    *,
    base_url: str | httpx.URL | None,
    default_headers: Mapping[str, str] | None,
    webhook_secret: str | None,
    settings: Settings,
    options: Mapping[str, object],
    websocket_base_url: str | httpx.URL | None = None,
) -> ClientSetup:
    """Resolve the API key and base URL and validate every option, before any I/O.

    Base URL: the argument, then `PORTKEY_BASE_URL`, then `PORTKEY_PROXY`, then the hosted gateway when an API key
    is known, else a local gateway (`http://localhost:8787/v1`). The API key: the argument, then `PORTKEY_API_KEY`.
    Nothing is read from `OPENAI_*` variables. `base_url` and `custom_host` must be http(s) URLs without credentials,
    query or fragment, and plain http only to a local or private host unless `allow_insecure_http`;
    `websocket_base_url` the same with ws(s). Header values may be `str` or `bytes` (both checked the same way).
    """
    values = dict(options)
    if values.get("api_key") is None:
        values["api_key"] = _env("PORTKEY_API_KEY")
    api_key = values["api_key"]
    if isinstance(api_key, str) and not api_key.strip():
        values["api_key"] = None
    url = base_url or _env("PORTKEY_BASE_URL") or _env("PORTKEY_PROXY")
    if url is None:
        url = PORTKEY_GATEWAY_URL if values["api_key"] else LOCAL_GATEWAY_URL
    checked_url = _check_url("base_url", url, settings.allow_insecure_http)
    custom_host = values.get("custom_host")
    if isinstance(custom_host, str):
        _check_url("custom_host", custom_host, settings.allow_insecure_http)
    websocket_url = (
        None
        if websocket_base_url is None
        else _check_url("websocket_base_url", websocket_base_url, settings.allow_insecure_http, ("ws", "wss"))
    )
    if _is_hosted(checked_url) and not values["api_key"]:
        raise MissingAPIKeyError(
            "The hosted Portkey gateway needs a Portkey API key: pass `api_key=` or set PORTKEY_API_KEY. "
            "For a self-hosted gateway, pass its `base_url` (or set PORTKEY_BASE_URL)."
        )
    portkey_options = make_options(values)
    portkey_headers = build_headers(portkey_options)
    for name, value in portkey_headers.items():
        _check_header(_HEADER_OPTIONS.get(name, name), name, value)
    user_headers = dict(default_headers or {})
    for name, value in user_headers.items():
        _check_header(f"default_headers[{name!r}]", name, value)
    return ClientSetup(
        options=portkey_options,
        base_url=checked_url,
        portkey_headers=portkey_headers,
        user_headers=user_headers,
        webhook_secret=SecretStr(webhook_secret) if isinstance(webhook_secret, str) else webhook_secret,
        settings=settings,
        websocket_base_url=websocket_url,
    )


_HEADER_OPTIONS = {spec.header: name for name, spec in OPTION_SPECS.items()}
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _check_header(label: str, name: str, value: object) -> None:
    """`ValueError` naming `label` (never echoing the value) unless `name: value` can be sent as an HTTP header.

    A `bytes` value gets the same checks as a `str` (ASCII, no control character, no surrounding space); any other
    type is a `TypeError`.
    """
    if not name or not _TOKEN_CHARS.issuperset(name):
        raise ValueError(f"`{label}` has a header name that is not a valid HTTP token")
    if isinstance(value, Omit | NotGiven):  # openai's way of removing a default header
        return
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        raise TypeError(f"`{label}` must be a str or bytes header value, not {type(value).__name__}")
    check_header_value(label, value)
    if value[:1] == " " or value[-1:] == " ":
        raise ValueError(f"`{label}` starts or ends with a space, which HTTP header values cannot carry")


# -- errors -------------------------------------------------------------------------------------------------------


def _trace_id(response: httpx.Response | None, request: httpx.Request) -> str | None:
    if response is not None:
        value = response.headers.get(TRACE_ID_HEADER)
        if value:
            return value
    return request.headers.get(TRACE_ID_HEADER)


def _request_id(response: httpx.Response) -> str | None:
    headers = response.headers
    return headers.get("x-request-id") or headers.get("x-portkey-request-id")


def _describe(error: APIError, response: httpx.Response | None = None) -> None:
    """Give an error `trace_id`, `request_id` and `retry_after` where they are not set yet.

    A suppressed context (openai raises status errors `from None`) is dropped: the HTTP library's status error it
    holds names the full URL, query string included.
    """
    if error.__suppress_context__:
        error.__context__ = None
    details = error.__dict__
    if "trace_id" not in details:
        details["trace_id"] = _trace_id(response, error.request)
    if details.get("request_id") is None:
        details["request_id"] = None if response is None else _request_id(response)
    if "retry_after" not in details:
        details["retry_after"] = None if response is None else parse_retry_after(response.headers)


def _mapping(value: object) -> Mapping[str, object] | None:
    return cast(Mapping[str, object], value) if isinstance(value, Mapping) else None


def _parse_body(text: str) -> object:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return stripped
    return stripped


@lru_cache(maxsize=512)
def _required_fields(cls: type[pydantic.BaseModel]) -> frozenset[str]:
    return frozenset(field.alias or name for name, field in cls.model_fields.items() if field.is_required())


def _model_class(cast_to: object) -> type[pydantic.BaseModel] | None:
    if inspect.isclass(cast_to) and issubclass(cast_to, pydantic.BaseModel):
        return cast_to
    return None


def _invalid_body(response: httpx.Response, what: str) -> APIResponseValidationError:
    text = response.text
    content_type = response.headers.get("content-type", "no content type").split(";", 1)[0]
    error = APIResponseValidationError(
        response=response,
        body=body_snippet(text),
        message=f"The {response.status_code} response is not {what} ({content_type}, {len(response.content)} bytes)",
    )
    _describe(error, response)
    return error


def _is_chat_stream(url: str) -> bool:
    return url.split("?", 1)[0].rstrip("/").endswith("/completions")


# -- streams ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    """How a stream is checked: its deadline, whether it must end with `[DONE]`, whether it is a chat stream."""

    deadline: float | None
    require_terminator: bool
    chat: bool


_DEFAULT_STREAM_POLICY = StreamPolicy(None, False, False)


def _event_error(sse: ServerSentEvent, chat: bool) -> object | None:
    """The error object if `sse` reports an error, else `None` (cheap for ordinary events)."""
    data = sse.data
    if sse.event == "error" and chat:
        try:
            body: object = json.loads(data)
        except ValueError:
            return {"message": body_snippet(data) or "error event"}
        mapping = _mapping(body)
        return mapping.get("error", mapping) if mapping is not None else body
    if '"error"' not in data and '"failure"' not in data:
        return None
    try:
        parsed = _mapping(json.loads(data))
    except ValueError:
        return None
    if parsed is None:
        return None
    error = parsed.get("error")
    if error:
        return error
    if parsed.get("status") == "failure":
        return parsed
    return None


def _stream_event_error(body: object, response: httpx.Response) -> StreamEventError:
    mapping = _mapping(body)
    message = mapping.get("message") if mapping is not None else body if isinstance(body, str) else None
    text = body_snippet(message, 512) if isinstance(message, str) and message else "An error occurred during streaming"
    return StreamEventError(
        text,
        response=response,
        body=body,
        trace_id=_trace_id(response, response.request),
        request_id=_request_id(response),
    )


def _json_instead_of_events(response: httpx.Response) -> APIError:
    """The error for a stream request answered with a JSON body instead of events."""
    body = _parse_body(response.text)
    mapping = _mapping(body)
    if mapping is not None and (mapping.get("error") or mapping.get("status") == "failure"):
        error = mapping.get("error") or mapping
        return _stream_event_error(error, response)
    return _invalid_body(response, "an event stream")


def _transport_stream_error(err: Exception, response: httpx.Response, events: int) -> APIError:
    if isinstance(err, httpx.TimeoutException):
        timeout = APITimeoutError(request=response.request)
        _describe(timeout, response)
        return timeout
    return StreamInterruptedError(
        request=response.request,
        events=events,
        trace_id=_trace_id(response, response.request),
        request_id=_request_id(response),
    )


def _incomplete(response: httpx.Response, events: int) -> IncompleteStreamError:
    return IncompleteStreamError(
        response=response,
        events=events,
        trace_id=_trace_id(response, response.request),
        request_id=_request_id(response),
    )


def _deadline_chunks(chunks: Iterator[bytes], deadline: float, request: httpx.Request) -> Iterator[bytes]:
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise APITimeoutError(request=request)
        yield chunk


async def _adeadline_chunks(
    chunks: AsyncIterator[bytes], deadline: float, request: httpx.Request
) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        if time.monotonic() > deadline:
            raise APITimeoutError(request=request)
        yield chunk


def _is_json(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


def _fast_stream(cast_to: object, options: FinalRequestOptions | None) -> bool:
    """Whether a stream of `cast_to` chunks may skip openai's generic event loop (see `_stream_item`)."""
    if not _fastparse.is_hot(cast_to):
        return False
    return options is None or (
        getattr(options, "stream_mode", "legacy") == "legacy"
        and not getattr(options, "synthesize_event_and_data", False)
    )


def _stream_item(cast_to: Any, sse: ServerSentEvent, response: httpx.Response, client: BaseClient[Any, Any]) -> Any:
    """One event of a chat or completions stream, as openai's `__stream__` yields it, built by pydantic-core if it can.

    Error events never get here: `_iter_events` raised for them already, wherever openai would have.
    """
    event = sse.event
    if event and event.startswith("thread."):
        return client._process_response_data(  # pyright: ignore[reportPrivateUsage]
            data={"data": sse.json(), "event": event}, cast_to=cast_to, response=response
        )
    model = _fastparse.parse_json(cast_to, sse.data)
    if model is None:
        return client._process_response_data(data=sse.json(), cast_to=cast_to, response=response)  # pyright: ignore[reportPrivateUsage]
    return attach_headers(model, response)


class PortkeyStream(Stream[_T]):
    """openai's `Stream` with typed failures: an error event, a broken connection, a missing `[DONE]`, a deadline.

    Chat and completions chunks skip openai's generic event loop and are validated by pydantic-core (`_fastparse`).
    """

    @override
    def __stream__(self) -> Iterator[_T]:
        cast_to: Any = self._cast_to
        if not _fast_stream(cast_to, self._options):
            yield from super().__stream__()
            return
        response = self.response
        try:
            for sse in self._iter_events():
                if sse.data.startswith("[DONE]"):
                    break
                yield _stream_item(cast_to, sse, response, self._client)
        finally:
            response.close()

    @override
    def _iter_events(self) -> Iterator[ServerSentEvent]:
        response = self.response
        policy: StreamPolicy = response.extensions.get(_STREAM_POLICY, _DEFAULT_STREAM_POLICY)
        if _is_json(response):
            raise _json_instead_of_events(_read_bounded(response))
        chunks: Iterator[bytes] = response.iter_bytes()
        if policy.deadline is not None:
            chunks = _deadline_chunks(chunks, policy.deadline, response.request)
        events = 0
        try:
            for sse in self._decoder.iter_bytes(chunks):
                error = _event_error(sse, policy.chat)
                if error is not None:
                    raise _stream_event_error(error, response)
                events += 1
                yield sse
        except (httpx.TransportError, ssl.SSLError) as err:
            raise _transport_stream_error(err, response, events) from err
        except EventTooLarge as err:
            raise _too_large(response, "max_event_bytes", err.limit) from None
        if policy.require_terminator:
            raise _incomplete(response, events)


class AsyncPortkeyStream(AsyncStream[_T]):
    """openai's `AsyncStream` with the same typed failures and chunk parsing as `PortkeyStream`."""

    @override
    async def __stream__(self) -> AsyncIterator[_T]:
        cast_to: Any = self._cast_to
        if not _fast_stream(cast_to, self._options):
            inner = cast("AsyncGenerator[_T, None]", super().__stream__())
            try:
                async for item in inner:
                    yield item
            finally:
                await inner.aclose()
            return
        response = self.response
        # openai 3.x reads an HTTP/1.1 body to its end after `[DONE]` so the connection can be reused; 2.x does not.
        drain = getattr(openai_streaming, "drain_response_async", None)
        try:
            async for sse in self._iter_events():
                if sse.data.startswith("[DONE]"):
                    if drain is not None and response.http_version == "HTTP/1.1":
                        await drain(response)
                    break
                yield _stream_item(cast_to, sse, response, self._client)
        finally:
            await response.aclose()

    @override
    async def _iter_events(self) -> AsyncIterator[ServerSentEvent]:
        response = self.response
        policy: StreamPolicy = response.extensions.get(_STREAM_POLICY, _DEFAULT_STREAM_POLICY)
        if _is_json(response):
            raise _json_instead_of_events(await _aread_bounded(response))
        chunks: AsyncIterator[bytes] = response.aiter_bytes()
        if policy.deadline is not None:
            chunks = _adeadline_chunks(chunks, policy.deadline, response.request)
        events = 0
        try:
            async for sse in self._decoder.aiter_bytes(chunks):
                error = _event_error(sse, policy.chat)
                if error is not None:
                    raise _stream_event_error(error, response)
                events += 1
                yield sse
        except (httpx.TransportError, ssl.SSLError) as err:
            raise _transport_stream_error(err, response, events) from err
        except EventTooLarge as err:
            raise _too_large(response, "max_event_bytes", err.limit) from None
        if policy.require_terminator:
            raise _incomplete(response, events)


@lru_cache(maxsize=256)
def _portkey_stream_class(stream_cls: Hashable) -> type[Stream[Any]] | type[AsyncStream[Any]] | None:
    """`PortkeyStream[X]` for `Stream[X]` and `AsyncPortkeyStream[X]` for `AsyncStream[X]`; `None` for others."""
    origin_cls = getattr(stream_cls, "__origin__", None)
    arguments: tuple[Any, ...] = getattr(stream_cls, "__args__", ())
    if origin_cls is Stream and len(arguments) == 1:
        return PortkeyStream[arguments[0]]  # type: ignore[valid-type]
    if origin_cls is AsyncStream and len(arguments) == 1:
        return AsyncPortkeyStream[arguments[0]]  # type: ignore[valid-type]
    return None


# -- responses ----------------------------------------------------------------------------------------------------


def _rebuilt(response: httpx.Response, body: bytes) -> httpx.Response:
    """A read, closed copy of `response` holding `body` (already decoded)."""
    dropped = ("content-encoding", "content-length", "transfer-encoding")
    headers = [(name, value) for name, value in response.headers.multi_items() if name.lower() not in dropped]
    rebuilt = httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request, extensions=response.extensions
    )
    rebuilt.read()
    rebuilt.next_request = response.next_request
    return rebuilt


def _small(response: httpx.Response, limit: int) -> bool:
    """Whether `response` declares an uncompressed body of at most `limit` bytes."""
    length = declared_length(response)
    return length is not None and length <= limit


def _read_bounded(response: httpx.Response) -> httpx.Response:
    """`response` with its body read, or a copy with the first `ERROR_BODY_LIMIT` decoded bytes (the connection
    dropped): a small gzip body that inflates to gigabytes is never inflated past the limit."""
    if _small(response, ERROR_BODY_LIMIT):
        response.read()
        return response
    return _rebuilt(response, BodyReader(response, ERROR_BODY_LIMIT).read())


async def _aread_bounded(response: httpx.Response) -> httpx.Response:
    """Async variant of `_read_bounded`."""
    if _small(response, ERROR_BODY_LIMIT):
        await response.aread()
        return response
    return _rebuilt(response, await BodyReader(response, ERROR_BODY_LIMIT).aread())


def _too_large(response: httpx.Response, limit_name: str, limit: int) -> ResponseTooLargeError:
    error = ResponseTooLargeError(
        response=response,
        limit_name=limit_name,
        limit=limit,
        trace_id=_trace_id(response, response.request),
        request_id=_request_id(response),
    )
    _describe(error, response)
    return error


def _timeout_after(response: httpx.Response) -> Callable[[], APITimeoutError]:
    """Builds the error for a body read of `response` that timed out after `request()` returned."""

    def error() -> APITimeoutError:
        timeout = APITimeoutError(request=response.request)
        _describe(timeout, response)
        return timeout

    return error


def _body_limit(response: httpx.Response, limit: int | None) -> int | None:
    """The limit for reading `response` whole: `None` (read it all) when unlimited, small enough, or a download."""
    if limit is None or _small(response, limit) or is_binary_download(response.request):
        return None
    length = declared_length(response)
    if length is not None:
        raise _too_large(response, "max_response_bytes", limit)
    return limit


def _read_success(response: httpx.Response, limit: int | None) -> None:
    """Read a successful body whole, or drop the connection and raise `ResponseTooLargeError` past `limit`."""
    try:
        limit = _body_limit(response, limit)
        if limit is None:
            response.read()
            return
        reader = BodyReader(response, limit)
        body = reader.read()
    except BaseException:
        response.close()
        raise
    if reader.exceeded:
        raise _too_large(response, "max_response_bytes", limit)
    response._content = body  # pyright: ignore[reportPrivateUsage]  # what `Response.read()` sets


async def _aread_success(response: httpx.Response, limit: int | None) -> None:
    """Async variant of `_read_success`."""
    try:
        limit = _body_limit(response, limit)
        if limit is None:
            await response.aread()
            return
        reader = BodyReader(response, limit)
        body = await reader.aread()
    except BaseException:
        await response.aclose()
        raise
    if reader.exceeded:
        raise _too_large(response, "max_response_bytes", limit)
    response._content = body  # pyright: ignore[reportPrivateUsage]  # what `Response.aread()` sets


class _MaskedHeaders(httpx.Headers):
    """Request headers whose `repr` hides every sensitive value (httpx masks only `Authorization`)."""

    @override
    def __repr__(self) -> str:
        return f"Headers({_logging.redact_headers(self.items())!r})"


# -- fork safety --------------------------------------------------------------------------------------------------

_SYNC_HTTP_CLIENTS: weakref.WeakSet[httpx.Client] = weakref.WeakSet()
_INHERITED_CONNECTIONS: list[object] = []
"""Connections a forked child inherited: kept, never used or closed (closing could disturb the parent's sockets)."""


def _forget_inherited_connections() -> None:
    """In a forked child: empty the connection pools of the sync clients, so the child opens its own sockets."""
    for client in list(_SYNC_HTTP_CLIENTS):
        transports: list[object] = [getattr(client, "_transport", None)]
        transports.extend(cast(Mapping[object, object], getattr(client, "_mounts", {})).values())
        for transport in transports:
            pool = getattr(transport, "_pool", None)
            connections = getattr(pool, "_connections", None)
            if pool is None or not isinstance(connections, list):
                continue
            _INHERITED_CONNECTIONS.extend(cast(list[object], connections))
            pool._connections = []  # pyright: ignore[reportAttributeAccessIssue]
            pool._requests = []  # pyright: ignore[reportAttributeAccessIssue]
            lock = getattr(pool, "_optional_thread_lock", None)
            if lock is not None:
                pool._optional_thread_lock = type(lock)()  # pyright: ignore[reportAttributeAccessIssue]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_connections)

_EVENT_LOOPS: weakref.WeakKeyDictionary[httpx.AsyncClient, weakref.ref[asyncio.AbstractEventLoop]] = (
    weakref.WeakKeyDictionary()
)
_EVENT_LOOPS_LOCK = threading.Lock()


def _check_event_loop(client: httpx.AsyncClient) -> None:
    """Bind `client` to the running asyncio loop on first use; a clear `RuntimeError` on any other loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    bound = _EVENT_LOOPS.get(client)
    if bound is None:
        with _EVENT_LOOPS_LOCK:
            bound = _EVENT_LOOPS.setdefault(client, weakref.ref(loop))
    if bound() is not loop:
        raise RuntimeError(
            "This AsyncPortkey client's connections belong to another event loop (for example an earlier "
            "asyncio.run): create one AsyncPortkey per event loop, e.g. `async with AsyncPortkey(...) as client:`"
        )


# -- the client mixins --------------------------------------------------------------------------------------------


_OPTION_ATTRIBUTES = frozenset(OPTION_SPECS) - {"api_key"}
"""Options read back as attributes through `__getattr__` (`api_key` is openai's own attribute, set to the Portkey key)."""


class PortkeyClientMixin(BaseClient[Any, Any]):
    """The Portkey behaviour shared by `Portkey` and `AsyncPortkey`."""

    _portkey_options: PortkeyOptions
    _portkey_user_headers: dict[str, str]
    _portkey_settings: Settings
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
        if isinstance(self._client, httpx.Client):
            _SYNC_HTTP_CLIENTS.add(self._client)
        _deadline.install(self._client)

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
                _check_header(f"header {name!r}", name, value)
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

    def _clamp_to_deadline(self, request: httpx.Request) -> Call | None:
        """The call in progress; with a deadline, every timeout of `request` is cut to the time left."""
        call = CALL.get()
        remaining = None if call is None else call.remaining()
        if remaining is not None:
            if remaining <= 0:
                error = APITimeoutError(request=request)
                _describe(error)
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
        elif _tls_failure(err):
            failure = APIConnectionError(
                message="Connection error: the TLS handshake failed (not retried): " + _tls_reason(err),
                request=request,
            )
        elif call is None or call.plan_retry(None):
            return err
        elif isinstance(err, httpx.TimeoutException):
            failure = APITimeoutError(request=request)
        else:
            failure = APIConnectionError(request=request)
        _describe(failure)
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
        chat = _is_chat_stream(options.url)
        response.extensions[_STREAM_POLICY] = StreamPolicy(
            deadline=None if call is None else call.deadline,
            require_terminator=chat and self._portkey_settings.require_stream_terminator,
            chat=chat,
        )
        return _portkey_stream_class(cast(Hashable, stream_cls)) or stream_cls

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
        if isinstance(result, str) and _model_class(cast_to) is not None:
            raise _invalid_body(response, "JSON")
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
            body = _parse_body(text)
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
        _describe(error, response)
        return error

    @override
    def _make_status_error(self, err_msg: str, *, body: object, response: httpx.Response) -> APIStatusError:
        if response.status_code == 408:
            mapping = _mapping(body)
            data = body if mapping is None else mapping.get("error", mapping)
            return RequestTimeoutError(err_msg, response=response, body=data)
        return super()._make_status_error(err_msg, body=body, response=response)

    @override
    def _process_response_data(self, *, data: object, cast_to: type[Any], response: httpx.Response) -> Any:
        model = _model_class(cast_to)
        if model is not None:
            mapping = _mapping(data)
            required = _required_fields(model) if mapping is not None else frozenset[str]()
            if mapping is None or (required and required.isdisjoint(mapping)):
                error = APIResponseValidationError(
                    response=response,
                    body=data if mapping is not None else body_snippet(json.dumps(data)),
                    message=f"The response is not a {model.__name__} (got {type(data).__name__} without its fields)",
                )
                _describe(error, response)
                raise error
        return attach_headers(super()._process_response_data(data=data, cast_to=cast_to, response=response), response)

    @override
    def _make_sse_decoder(self) -> SSEDecoder[ServerSentEvent]:
        return SSEDecoder(ServerSentEvent, self._portkey_settings.max_event_bytes)

    def _copy_arguments(
        self,
        *,
        base_url: str | httpx.URL | None,
        timeout: float | Timeout | None | NotGiven,
        max_retries: int | NotGiven,
        total_timeout: float | None | NotGiven,
        max_response_bytes: int | None | NotGiven,
        max_event_bytes: int | None | NotGiven,
        require_stream_terminator: bool | NotGiven,
        allow_insecure_http: bool | NotGiven,
        calculate_audio_duration: bool | NotGiven,
        default_headers: dict[str, str],
        default_query: dict[str, object],
        websocket_base_url: str | httpx.URL | None,
        webhook_secret: str | None,
        options: Mapping[str, object],
    ) -> dict[str, Any]:
        """Constructor arguments for `copy`: this client's settings with the given changes."""
        settings = self._portkey_settings
        return {
            "base_url": base_url or str(self.base_url),
            "timeout": self.timeout if isinstance(timeout, NotGiven) else timeout,
            "max_retries": self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            "total_timeout": settings.total_timeout if isinstance(total_timeout, NotGiven) else total_timeout,
            "max_response_bytes": settings.max_response_bytes
            if isinstance(max_response_bytes, NotGiven)
            else max_response_bytes,
            "max_event_bytes": settings.max_event_bytes if isinstance(max_event_bytes, NotGiven) else max_event_bytes,
            "require_stream_terminator": settings.require_stream_terminator
            if isinstance(require_stream_terminator, NotGiven)
            else require_stream_terminator,
            "allow_insecure_http": settings.allow_insecure_http
            if isinstance(allow_insecure_http, NotGiven)
            else allow_insecure_http,
            "default_headers": default_headers,
            "default_query": default_query,
            "websocket_base_url": websocket_base_url or self.websocket_base_url,
            "webhook_secret": webhook_secret or self.webhook_secret,
            "calculate_audio_duration": self.calculate_audio_duration
            if isinstance(calculate_audio_duration, NotGiven)
            else calculate_audio_duration,
            **options_as_dict(replace_options(self._portkey_options, options)),
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


def _same_origin_redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The redirect `response` asks for, if it stays on the origin of `request` (credentials never leave it).

    Its headers mask their secrets in `repr`, as the first request's do: an error raised after the redirect holds it.
    """
    next_request = response.next_request
    if next_request is None or origin(next_request.url) != origin(request.url):
        return None
    next_request.headers.__class__ = _MaskedHeaders
    return next_request


def _tls_failure(err: BaseException) -> bool:
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _tls_reason(err: BaseException) -> str:
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "certificate verify failed"
        if isinstance(seen, ssl.SSLError):
            return seen.reason or type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return type(err).__name__


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
            _describe(error)
            raise
        finally:
            CALL.reset(token)

    # The official SDK's forms of the request methods (`post(url, **body)`, `get(path=...)`, ...); openai's own calls
    # (always with a `cast_to`) go straight through. See `_dropin.official_request`. Type checkers see openai's
    # signatures.
    if not TYPE_CHECKING:

        @override
        def post(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("post", args, kwargs, is_async=False)
            return super().post(*args, **kwargs) if official is None else super().post(official[0], **official[1])

        @override
        def get(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("get", args, kwargs, is_async=False)
            return super().get(*args, **kwargs) if official is None else super().get(official[0], **official[1])

        @override
        def put(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("put", args, kwargs, is_async=False)
            return super().put(*args, **kwargs) if official is None else super().put(official[0], **official[1])

        @override
        def delete(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("delete", args, kwargs, is_async=False)
            return super().delete(*args, **kwargs) if official is None else super().delete(official[0], **official[1])

    @override
    def _prepare_request(self, request: httpx.Request) -> None:
        request.headers.__class__ = _MaskedHeaders
        super()._prepare_request(request)

    @override
    def _send_request(self, request: httpx.Request, *, stream: bool, **kwargs: Unpack[HttpxSendArgs]) -> httpx.Response:
        call = self._clamp_to_deadline(request)
        follow = kwargs.get("follow_redirects", self._client.follow_redirects)
        send: HttpxSendArgs = {**kwargs, "follow_redirects": False}
        try:
            response = super()._send_request(request, stream=True, **send)
            for _ in range(self._client.max_redirects if follow else 0):
                next_request = _same_origin_redirect(request, response)
                if next_request is None:
                    break
                _read_bounded(response)
                request = next_request
                response = super()._send_request(request, stream=True, **send)
            if not response.is_success:
                return _read_bounded(response)
            if not stream:
                _read_success(response, self._portkey_settings.max_response_bytes)
            elif call is not None and call.deadline is not None:
                response.stream = _deadline.SyncDeadlineStream(
                    cast(httpx.SyncByteStream, response.stream), call.deadline, _timeout_after(response)
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
            raise _invalid_body(response, "valid JSON") from err
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
        _check_event_loop(self._client)
        token = CALL.set(Call.start(self._portkey_settings.total_timeout))
        try:
            return await super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except APIError as error:
            _describe(error)
            raise
        finally:
            CALL.reset(token)

    # The official SDK's forms of the request methods (`post(url, **body)`, `get(path=...)`, ...); openai's own calls
    # (always with a `cast_to`) go straight through. See `_dropin.official_request`. Type checkers see openai's
    # signatures.
    if not TYPE_CHECKING:

        @override
        async def post(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("post", args, kwargs, is_async=True)
            return (
                await super().post(*args, **kwargs)
                if official is None
                else await super().post(official[0], **official[1])
            )

        @override
        async def get(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("get", args, kwargs, is_async=True)
            return (
                await super().get(*args, **kwargs)
                if official is None
                else await super().get(official[0], **official[1])
            )

        @override
        async def put(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("put", args, kwargs, is_async=True)
            return (
                await super().put(*args, **kwargs)
                if official is None
                else await super().put(official[0], **official[1])
            )

        @override
        async def delete(self, *args: Any, **kwargs: Any) -> Any:
            official = official_request("delete", args, kwargs, is_async=True)
            return (
                await super().delete(*args, **kwargs)
                if official is None
                else await super().delete(official[0], **official[1])
            )

    @override
    async def _prepare_request(self, request: httpx.Request) -> None:
        request.headers.__class__ = _MaskedHeaders
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
                next_request = _same_origin_redirect(request, response)
                if next_request is None:
                    break
                await _aread_bounded(response)
                request = next_request
                response = await super()._send_request(request, stream=True, **send)
            if not response.is_success:
                return await _aread_bounded(response)
            if not stream:
                await _aread_success(response, self._portkey_settings.max_response_bytes)
            elif call is not None and call.deadline is not None:
                response.stream = _deadline.AsyncDeadlineStream(
                    cast(httpx.AsyncByteStream, response.stream), call.deadline, _timeout_after(response)
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
            raise _invalid_body(response, "valid JSON") from err
        return self._check_parsed(result, cast_to, response)
