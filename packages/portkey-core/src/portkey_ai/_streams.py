"""Streams: Portkey subclasses of openai's `Stream`/`AsyncStream` with typed failures (error events, broken
connections, a missing `[DONE]`, the deadline, `max_event_bytes`) and pydantic-core parsing of chat and completions
chunks.

openai's underscore API used here: `openai._streaming.ServerSentEvent` (the event type of the decoder) and
`drain_response_async` (openai 3.x only), `openai._models.FinalRequestOptions` and `openai._base_client.BaseClient`
(types).
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import openai._streaming as openai_streaming
from openai import AsyncStream, Stream
from openai._streaming import ServerSentEvent
from typing_extensions import override

from . import _fastparse
from ._bodies import aread_bounded, read_bounded
from ._deadline import AsyncDeadlineStream, SyncDeadlineStream
from ._errors import as_mapping, describe, invalid_body, parse_body, request_id_of, too_large, trace_id_of
from ._exceptions import (
    APIError,
    APITimeoutError,
    IncompleteStreamError,
    StreamEventError,
    StreamInterruptedError,
)
from ._http import httpx
from ._policy import CALL, Call, body_snippet
from ._response_headers import headers_attacher
from ._sse import EventTooLarge, SSEDecoder

if TYPE_CHECKING:
    from openai._base_client import BaseClient
    from openai._models import FinalRequestOptions

__all__ = [
    "AsyncPortkeyStream",
    "PortkeyStream",
    "STREAM_POLICY",
    "StreamPolicy",
    "is_chat_stream",
    "portkey_stream_class",
]


_T = TypeVar("_T")

STREAM_POLICY = "portkey_ai.stream"
"""Key of the `StreamPolicy` a response carries in its `extensions` (set while the call is in progress)."""


def is_chat_stream(url: str) -> bool:
    return url.split("?", 1)[0].rstrip("/").endswith("/completions")


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    """How a stream is checked: its deadline, whether it must end with `[DONE]`, whether it is a chat stream, and
    whether what follows `[DONE]` may be read so that the connection is kept (`drain`: every socket of the client
    is bounded by `_deadline`)."""

    deadline: float | None
    require_terminator: bool
    chat: bool
    drain: bool = False


_DEFAULT_STREAM_POLICY = StreamPolicy(None, False, False)

_DRAIN_SECONDS: Final = 0.1
"""Longest wait for the end of an HTTP/1.1 body after `[DONE]` (openai 3.x's figure for its async streams)."""
_DRAIN_BYTES: Final = 64 << 10
"""Most bytes read after `[DONE]` (the end of a chunked body is 5)."""


def _drain_scope(response: httpx.Response, policy: StreamPolicy) -> tuple[Call, object] | None:
    """The socket deadline and the transport stream to read what follows `[DONE]`; `None` when it may not be read
    (not HTTP/1.1, or sockets the deadline does not reach)."""
    if not policy.drain or response.http_version != "HTTP/1.1" or response.is_closed:
        return None
    deadline = time.monotonic() + _DRAIN_SECONDS
    if policy.deadline is not None:
        deadline = min(deadline, policy.deadline)
    stream: object = response.stream
    if isinstance(stream, SyncDeadlineStream | AsyncDeadlineStream):
        stream = stream.wrapped
    return Call(deadline), stream


def _drain(response: httpx.Response, policy: StreamPolicy) -> None:
    """Read the rest of a stream's HTTP/1.1 body after `[DONE]` (the end of the chunked encoding), so that closing
    the response returns its connection to the pool instead of closing it: the next call reuses it (no new TCP and
    TLS handshake). At most `_DRAIN_SECONDS` (each read is cut at the socket) and `_DRAIN_BYTES`; whatever goes
    wrong only means the connection is closed, as without the drain."""
    scope = _drain_scope(response, policy)
    if scope is None:
        return
    call, stream = scope
    token = CALL.set(call)
    size = 0
    try:
        for piece in cast(Iterable[bytes], stream):
            size += len(piece)
            if size > _DRAIN_BYTES:
                return
    except (httpx.TransportError, ssl.SSLError):
        return
    finally:
        CALL.reset(token)


async def _adrain(response: httpx.Response, policy: StreamPolicy) -> None:
    """Async variant of `_drain` (openai 2.x; openai 3.x drains its own way)."""
    scope = _drain_scope(response, policy)
    if scope is None:
        return
    call, stream = scope
    token = CALL.set(call)
    size = 0
    try:
        async for piece in cast(AsyncIterable[bytes], stream):
            size += len(piece)
            if size > _DRAIN_BYTES:
                return
    except (httpx.TransportError, ssl.SSLError):
        return
    finally:
        CALL.reset(token)


def _event_error(sse: ServerSentEvent, chat: bool) -> object | None:
    """The error object if `sse` reports an error, else `None` (cheap for ordinary events)."""
    data = sse.data
    if sse.event == "error" and chat:
        try:
            body: object = json.loads(data)
        except ValueError:
            return {"message": body_snippet(data) or "error event"}
        mapping = as_mapping(body)
        return mapping.get("error", mapping) if mapping is not None else body
    if '"error"' not in data and '"failure"' not in data:
        return None
    try:
        parsed = as_mapping(json.loads(data))
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
    mapping = as_mapping(body)
    message = mapping.get("message") if mapping is not None else body if isinstance(body, str) else None
    text = body_snippet(message, 512) if isinstance(message, str) and message else "An error occurred during streaming"
    return StreamEventError(
        text,
        response=response,
        body=body,
        trace_id=trace_id_of(response, response.request),
        request_id=request_id_of(response),
    )


def _json_instead_of_events(response: httpx.Response) -> APIError:
    """The error for a stream request answered with a JSON body instead of events."""
    body = parse_body(response.text)
    mapping = as_mapping(body)
    if mapping is not None and (mapping.get("error") or mapping.get("status") == "failure"):
        error = mapping.get("error") or mapping
        return _stream_event_error(error, response)
    return invalid_body(response, "an event stream")


def _transport_stream_error(err: Exception, response: httpx.Response, events: int) -> APIError:
    if isinstance(err, httpx.TimeoutException):
        timeout = APITimeoutError(request=response.request)
        describe(timeout, response)
        return timeout
    return StreamInterruptedError(
        request=response.request,
        events=events,
        trace_id=trace_id_of(response, response.request),
        request_id=request_id_of(response),
    )


def _incomplete(response: httpx.Response, events: int) -> IncompleteStreamError:
    return IncompleteStreamError(
        response=response,
        events=events,
        trace_id=trace_id_of(response, response.request),
        request_id=request_id_of(response),
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


class _Items:
    """Builds the items of one chat or completions stream, as openai's `__stream__` yields them: by pydantic-core if
    it can (`_fastparse`), else by openai's construction."""

    __slots__ = ("_attach", "_cast_to", "_client", "_response")

    def __init__(self, cast_to: Any, response: httpx.Response, client: BaseClient[Any, Any]) -> None:
        self._cast_to = cast_to
        self._response = response
        self._client = client
        self._attach = headers_attacher(cast_to, response)

    def __call__(self, sse: ServerSentEvent) -> Any:
        """The item of `sse` (error events never get here: they were raised wherever openai would raise them)."""
        event = sse.event
        if event and event.startswith("thread."):
            return self._client._process_response_data(  # pyright: ignore[reportPrivateUsage]
                data={"data": sse.json(), "event": event}, cast_to=self._cast_to, response=self._response
            )
        model = _fastparse.parse_json(self._cast_to, sse.data)
        if model is None:
            return self._client._process_response_data(  # pyright: ignore[reportPrivateUsage]
                data=sse.json(), cast_to=self._cast_to, response=self._response
            )
        return self._attach(model)


def _events_of(response: httpx.Response, decoder: object) -> tuple[StreamPolicy, SSEDecoder[ServerSentEvent]] | None:
    """The policy and the decoder of a stream that may skip openai's event loop; `None` if its decoder is not ours."""
    if not isinstance(decoder, SSEDecoder):
        return None
    return response.extensions.get(STREAM_POLICY, _DEFAULT_STREAM_POLICY), cast(SSEDecoder[ServerSentEvent], decoder)


class PortkeyStream(Stream[_T]):
    """openai's `Stream` with typed failures: an error event, a broken connection, a missing `[DONE]`, a deadline.

    Chat and completions chunks skip openai's generic event loop and are validated by pydantic-core (`_fastparse`).
    """

    @override
    def __stream__(self) -> Iterator[_T]:
        cast_to: Any = self._cast_to
        response = self.response
        fast = _events_of(response, self._decoder) if _fast_stream(cast_to, self._options) else None
        if fast is None:
            yield from super().__stream__()
            return
        # `_iter_events` and the decoder's `iter_bytes`, inlined: two generators fewer per event.
        policy, decoder = fast
        items = _Items(cast_to, response, self._client)
        try:
            if _is_json(response):
                raise _json_instead_of_events(read_bounded(response))
            chunks: Iterator[bytes] = response.iter_bytes()
            if policy.deadline is not None:
                chunks = _deadline_chunks(chunks, policy.deadline, response.request)
            events = 0
            try:
                for chunk in chunks:
                    for sse in decoder.feed(chunk):
                        error = _event_error(sse, policy.chat)
                        if error is not None:
                            raise _stream_event_error(error, response)
                        events += 1
                        if sse.data.startswith("[DONE]"):
                            _drain(response, policy)
                            return
                        yield items(sse)
            except (httpx.TransportError, ssl.SSLError) as err:
                raise _transport_stream_error(err, response, events) from err
            except EventTooLarge as err:
                raise too_large(response, "max_event_bytes", err.limit) from None
            if policy.require_terminator:
                raise _incomplete(response, events)
        finally:
            response.close()

    @override
    def _iter_events(self) -> Iterator[ServerSentEvent]:
        response = self.response
        policy: StreamPolicy = response.extensions.get(STREAM_POLICY, _DEFAULT_STREAM_POLICY)
        if _is_json(response):
            raise _json_instead_of_events(read_bounded(response))
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
            raise too_large(response, "max_event_bytes", err.limit) from None
        if policy.require_terminator:
            raise _incomplete(response, events)


class AsyncPortkeyStream(AsyncStream[_T]):
    """openai's `AsyncStream` with the same typed failures and chunk parsing as `PortkeyStream`."""

    @override
    async def __stream__(self) -> AsyncIterator[_T]:
        cast_to: Any = self._cast_to
        response = self.response
        fast = _events_of(response, self._decoder) if _fast_stream(cast_to, self._options) else None
        if fast is None:
            inner = cast("AsyncGenerator[_T, None]", super().__stream__())
            try:
                async for item in inner:
                    yield item
            finally:
                await inner.aclose()
            return
        policy, decoder = fast
        items = _Items(cast_to, response, self._client)
        # openai 3.x reads an HTTP/1.1 body to its end after `[DONE]` so the connection can be reused; 2.x does not.
        drain = getattr(openai_streaming, "drain_response_async", None)
        try:
            if _is_json(response):
                raise _json_instead_of_events(await aread_bounded(response))
            chunks: AsyncIterator[bytes] = response.aiter_bytes()
            if policy.deadline is not None:
                chunks = _adeadline_chunks(chunks, policy.deadline, response.request)
            events = 0
            try:
                async for chunk in chunks:
                    for sse in decoder.feed(chunk):
                        error = _event_error(sse, policy.chat)
                        if error is not None:
                            raise _stream_event_error(error, response)
                        events += 1
                        if sse.data.startswith("[DONE]"):
                            if drain is None:
                                await _adrain(response, policy)
                            elif response.http_version == "HTTP/1.1":
                                await drain(response)
                            return
                        yield items(sse)
            except (httpx.TransportError, ssl.SSLError) as err:
                raise _transport_stream_error(err, response, events) from err
            except EventTooLarge as err:
                raise too_large(response, "max_event_bytes", err.limit) from None
            if policy.require_terminator:
                raise _incomplete(response, events)
        finally:
            await response.aclose()

    @override
    async def _iter_events(self) -> AsyncIterator[ServerSentEvent]:
        response = self.response
        policy: StreamPolicy = response.extensions.get(STREAM_POLICY, _DEFAULT_STREAM_POLICY)
        if _is_json(response):
            raise _json_instead_of_events(await aread_bounded(response))
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
            raise too_large(response, "max_event_bytes", err.limit) from None
        if policy.require_terminator:
            raise _incomplete(response, events)


@lru_cache(maxsize=256)
def portkey_stream_class(stream_cls: Hashable) -> type[Stream[Any]] | type[AsyncStream[Any]] | None:
    """`PortkeyStream[X]` for `Stream[X]` and `AsyncPortkeyStream[X]` for `AsyncStream[X]`; `None` for others."""
    origin_cls = getattr(stream_cls, "__origin__", None)
    arguments: tuple[Any, ...] = getattr(stream_cls, "__args__", ())
    if origin_cls is Stream and len(arguments) == 1:
        return PortkeyStream[arguments[0]]  # type: ignore[valid-type]
    if origin_cls is AsyncStream and len(arguments) == 1:
        return AsyncPortkeyStream[arguments[0]]  # type: ignore[valid-type]
    return None
