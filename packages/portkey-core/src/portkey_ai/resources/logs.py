"""Custom log insertion: `portkey.logs.create(request=..., response=..., metadata=...)` or `create(logs=[...])`.

One log is sent as the spec's `CustomLog` object, several (`logs=[...]`) as a JSON array of them (the spec accepts
both on `POST /logs`). As in the official SDK, the single-log form may omit `request` and `response` (the spec
requires them): what is omitted is not sent, and the server decides. Listing, retrieval and exports
(`portkey.logs.exports`, ...) are in portkey-admin; `portkey.logs` forwards those attributes to it when it is
installed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from openai import not_given

from ..types.log_create_params import CustomLogParam
from ..types.log_create_response import LogCreateResponse
from ._base import Body, ExtendedResource, Headers, Query, TimeoutArg, request_options
from ._endpoint import (
    AsyncResource,
    AsyncResponseContextManager,
    LegacyAPIResponse,
    ModeT,
    Parsed,
    Raw,
    ResponseContextManager,
    Streamed,
    SyncResource,
    endpoint,
)

if TYPE_CHECKING:
    from openai import APIResponse, AsyncAPIResponse

__all__ = ["AsyncLogs", "Logs"]

_PATH = "/logs"
_LOG_KEYS = frozenset(CustomLogParam.__annotations__)


def _part(name: str, value: object, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"`{name}` must be a mapping, not {type(value).__name__}")
    part: dict[str, Any] = {str(key): item for key, item in value.items()}  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
    missing = [key for key in required if key not in part]
    if missing:
        raise ValueError(f"`{name}` needs {' and '.join(repr(key) for key in missing)}")
    return part


def log_entry(*, request: object, response: object, metadata: object, prefix: str = "") -> dict[str, Any]:
    """The spec's `CustomLog` for one request/response pair, validated (`request` needs `url` and `body`,
    `response` needs `body`; a `None` part is not sent)."""
    entry: dict[str, Any] = {}
    if request is not None:
        entry["request"] = _part(f"{prefix}request", request, ("url", "body"))
    if response is not None:
        entry["response"] = _part(f"{prefix}response", response, ("body",))
    if metadata is not None:
        entry["metadata"] = _part(f"{prefix}metadata", metadata, ())
    return entry


def logs_body(
    *,
    request: Mapping[str, Any] | None,
    response: Mapping[str, Any] | None,
    metadata: Mapping[str, Any] | None,
    logs: Sequence[CustomLogParam] | None,
    extra_body: Body | None,
) -> dict[str, Any] | list[dict[str, Any]]:
    """The body of `POST /logs`: one `CustomLog` object, or an array of them for `logs=[...]`."""
    if logs is None:
        return log_entry(request=request, response=response, metadata=metadata)
    if request is not None or response is not None or metadata is not None:
        raise ValueError("pass either `logs=[...]` or `request`/`response`/`metadata`, not both")
    if extra_body is not None:
        raise ValueError("`extra_body` cannot be combined with `logs=[...]`: that body is a JSON array")
    if isinstance(logs, str | bytes) or not isinstance(logs, Sequence):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"`logs` must be a list of log mappings, not {type(logs).__name__}")
    if not logs:
        raise ValueError("`logs` must not be empty")
    entries: list[dict[str, Any]] = []
    for index, log in enumerate(logs):
        name = f"logs[{index}]"
        if not isinstance(log, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"`{name}` must be a mapping, not {type(log).__name__}")
        unknown = sorted(set(log) - _LOG_KEYS)
        if unknown:
            raise ValueError(f"`{name}` has unknown keys {unknown}; expected request, response, metadata")
        if any(log.get(part) is None for part in ("request", "response")):
            raise ValueError(f"`{name}` needs `request` and `response`")
        entries.append(
            log_entry(
                request=log.get("request"),
                response=log.get("response"),
                metadata=log.get("metadata"),
                prefix=f"{name}.",
            )
        )
    return entries


def log_response(parsed: object) -> LogCreateResponse:
    """The typed result whatever the server answered: the spec describes no body, so an empty (or non-JSON) answer
    gives an empty `LogCreateResponse` (a non-empty text answer lands in `message`)."""
    if isinstance(parsed, LogCreateResponse):
        return parsed
    if isinstance(parsed, str) and parsed.strip():
        return LogCreateResponse(message=parsed)
    return LogCreateResponse()


class Logs(ExtendedResource, SyncResource["Logs[Raw]", "Logs[Streamed]", ModeT]):
    """`portkey.logs`: insert logs of requests made outside the gateway.

    Attributes this class does not define (`exports`, ...) come from portkey-admin when it is installed; otherwise
    using them raises an error that says `pip install portkey-admin`.
    """

    _extension = "logs"

    @overload
    def create(
        self: Logs[Parsed],
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LogCreateResponse: ...

    @overload
    def create(
        self: Logs[Parsed],
        *,
        logs: Sequence[CustomLogParam],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LogCreateResponse: ...

    @overload
    def create(
        self: Logs[Raw],
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logs: Sequence[CustomLogParam] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LegacyAPIResponse[LogCreateResponse]: ...

    @overload
    def create(
        self: Logs[Streamed],
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logs: Sequence[CustomLogParam] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> ResponseContextManager[APIResponse[LogCreateResponse]]: ...

    @endpoint  # type: ignore[misc, operator]  # mypy wants a callable implementation; the overloads type the calls
    def create(
        self,
        /,
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logs: Sequence[CustomLogParam] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LogCreateResponse:
        """Insert one log (`request`, `response`, `metadata`) or several (`logs=[...]`) (POST `/logs`).

        Args:
            request: The request made: `url` and `body` (required), `method`, `headers`, `provider`. The spec
                requires it; omitted, as the official SDK allows, it is not sent and the server decides.
            response: Its response: `body` (required), `status`, `headers`, `response_time` (ms). Like `request`,
                required by the spec; omitted, it is not sent.
            metadata: `trace_id`, `span_id`, `span_name` and any other key-value pair.
            logs: Several logs at once, each a mapping with `request`, `response` and optional `metadata`.
            extra_headers: Extra request headers (they win over the client's).
            extra_query: Extra query parameters.
            extra_body: Extra JSON properties (single-log form only).
            timeout: Timeout for this call, in seconds or as a `Timeout`.

        Raises:
            TypeError, ValueError: A bad argument (named in the message), before anything is sent.
        """
        body = logs_body(request=request, response=response, metadata=metadata, logs=logs, extra_body=extra_body)
        return self._client.post(
            _PATH,
            body=body,
            cast_to=LogCreateResponse,
            options=request_options(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                post_parser=log_response,
            ),
        )


class AsyncLogs(ExtendedResource, AsyncResource["AsyncLogs[Raw]", "AsyncLogs[Streamed]", ModeT]):
    """`portkey.logs` on `AsyncPortkey`: insert logs of requests made outside the gateway.

    Attributes this class does not define come from portkey-admin when it is installed (see `Logs`).
    """

    _extension = "logs"

    @overload
    async def create(
        self: AsyncLogs[Parsed],
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LogCreateResponse: ...

    @overload
    async def create(
        self: AsyncLogs[Parsed],
        *,
        logs: Sequence[CustomLogParam],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LogCreateResponse: ...

    @overload
    async def create(
        self: AsyncLogs[Raw],
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logs: Sequence[CustomLogParam] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LegacyAPIResponse[LogCreateResponse]: ...

    @overload
    def create(
        self: AsyncLogs[Streamed],
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logs: Sequence[CustomLogParam] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> AsyncResponseContextManager[AsyncAPIResponse[LogCreateResponse]]: ...

    @endpoint  # type: ignore[misc, operator]  # mypy wants a callable implementation; the overloads type the calls
    async def create(
        self,
        /,
        *,
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logs: Sequence[CustomLogParam] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> LogCreateResponse:
        """Insert one log or several (`logs=[...]`) (POST `/logs`); see `Portkey.logs.create`."""
        body = logs_body(request=request, response=response, metadata=metadata, logs=logs, extra_body=extra_body)
        return await self._client.post(
            _PATH,
            body=body,
            cast_to=LogCreateResponse,
            options=request_options(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                post_parser=log_response,
            ),
        )
