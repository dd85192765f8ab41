"""Hand-written methods of `portkey.logs.exports`: wait for an export, stream its file to disk, export in one call.

The generated `LogExports` / `AsyncLogExports` (resources/logs.py) inherit `LogExportsExtras` / `AsyncLogExportsExtras`
(the generator's `Extras` table); the generated `GET /logs/exports/{exportId}/download` is their `_download`, which
`download` calls when no `to` is given, so `download(export_id)` stays the official SDK's call (the signed URL), in
every response mode.

The file behind the signed URL lives on another host (the storage's): it is fetched with the client's HTTP client
and timeouts but as a bare request, without the client's headers, authentication or retries, so the Portkey API key
never reaches the storage host. Its body is streamed, chunk by chunk, to a file object or to `<path>.part`, renamed
to `<path>` once complete.
"""

# ruff: noqa: UP006, UP007, UP035, UP045

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable, Generator
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Generic, List, Literal, Optional, Union, cast, overload

from openai import NOT_GIVEN, APIConnectionError, APITimeoutError, NotGiven

from portkey_ai.lib.sibling import httpx

from ._base import Body, Headers, ModeT, Parsed, Query, Raw, Streamed, TimeoutArg
from ._waiters import SYSTEM_CLOCK, Clock, ExportFailedError, WaitTimeoutError, check_wait_arguments
from .types.models import DownloadLogsResponse, ExportItem
from .types.params import GenerationsFilterSchemaParam

if TYPE_CHECKING:
    from openai import APIResponse, AsyncAPIResponse

    from ._base import (
        AsyncAPIClient,
        AsyncResponseContextManager,
        LegacyAPIResponse,
        ResponseContextManager,
        SyncAPIClient,
    )
    from .resources.logs import AsyncLogExports, LogExports

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "AsyncLogExportsExtras",
    "ExportField",
    "LogExportsExtras",
    "ProgressCallback",
]

DEFAULT_CHUNK_SIZE = 64 * 1024
"""Bytes read from the storage host at a time by `download(..., to=...)`."""

ExportField = Literal[
    "id",
    "trace_id",
    "created_at",
    "request",
    "response",
    "is_success",
    "ai_org",
    "ai_model",
    "req_units",
    "res_units",
    "total_units",
    "request_url",
    "cost",
    "cost_currency",
    "response_time",
    "response_status_code",
    "mode",
    "config",
    "prompt_slug",
    "metadata",
]
"""A field of the logs an export can hold (`requested_data`); the spec's list."""

ProgressCallback = Callable[[int, Optional[int]], None]
"""`progress(bytes_done, total)`: `total` is the file's size, or `None` when the storage host does not say."""

_FINISHED = "success"
_FAILED = ("failed", "stopped")


def _outcome(export: ExportItem) -> bool:
    """Whether the export is finished; `ExportFailedError` if it ended without a file."""
    if export.status == _FINISHED:
        return True
    if export.status == "failed" or export.status == "stopped":
        raise ExportFailedError(export, export.status)
    return False


class _Polls:
    """The decisions of `wait`, without I/O: the sync and async `wait` retrieve the export, hand it to `after`, and
    sleep for what it returns (or return the export when it returns `None`)."""

    def __init__(
        self,
        export_id: str,
        clock: Clock,
        timeout: float,
        poll_interval: float,
        on_poll: Callable[[ExportItem], None] | None,
    ) -> None:
        check_wait_arguments(timeout, poll_interval)
        self._export_id = export_id
        self._clock = clock
        self._timeout = timeout
        self._poll_interval = poll_interval
        self._on_poll = on_poll
        self._deadline = clock.monotonic() + timeout

    def after(self, export: ExportItem) -> float | None:
        """After a poll: `None` when the export is finished, else the seconds to sleep before the next poll.

        Raises:
            ExportFailedError: The export's status is `failed` or `stopped`.
            WaitTimeoutError: The timeout ran out.
        """
        if self._on_poll is not None:
            self._on_poll(export)
        if _outcome(export):
            return None
        left = self._deadline - self._clock.monotonic()
        if left <= 0:
            raise WaitTimeoutError(self._export_id, self._timeout, export)
        return min(self._poll_interval, left)


def _check_destination(to: object) -> Path | None:
    """The path to write to (`None` for a file object); `TypeError`/`ValueError` naming `to` if unusable."""
    if isinstance(to, str | os.PathLike):
        path = Path(os.fspath(cast("str | os.PathLike[str]", to)))
        if path.is_dir():
            raise ValueError(f"`to` is a directory, not a file path: {str(path)!r}")
        if not path.parent.is_dir():
            raise ValueError(f"`to`: the directory {str(path.parent)!r} does not exist")
        return path
    if callable(getattr(to, "write", None)):
        return None
    raise TypeError(f"`to` must be a path or a binary file object, not {type(to).__name__}")


def _check_chunk_size(chunk_size: int) -> None:
    value = cast(object, chunk_size)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`chunk_size` must be a positive number of bytes, got {chunk_size!r}")


def _check_file_arguments(to: object, chunk_size: int) -> Path | None:
    """`download(..., to=...)`: the path to write to (`None` for a file object), after checking `to` and `chunk_size`."""
    path = _check_destination(to)
    _check_chunk_size(chunk_size)
    return path


def _check_no_file_arguments(progress: ProgressCallback | None) -> None:
    """`download(export_id)` (the signed URL): a `TypeError` if a file-only argument was given."""
    if progress is not None:
        raise TypeError("`progress` is only used with `to`")


def _request_keywords(
    extra_headers: Headers | None, extra_query: Query | None, extra_body: Body | None, timeout: TimeoutArg
) -> dict[str, Any]:
    """The per-call request keywords of a generated method, to pass on."""
    return {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body, "timeout": timeout}


def _storage_request(client: SyncAPIClient | AsyncAPIClient, url: str, timeout: TimeoutArg) -> httpx.Request:
    """A bare GET of the signed URL: no client header, with the call's timeout or else the client's."""
    value = client.timeout if isinstance(timeout, NotGiven) else timeout
    limits = value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
    return httpx.Request("GET", url, extensions={"timeout": limits.as_dict()})


def _total(response: httpx.Response) -> int | None:
    """The size of the file from `content-length`, unless the body is content-encoded (then unknown)."""
    if response.headers.get("content-encoding", "identity").lower() != "identity":
        return None
    length = response.headers.get("content-length")
    return int(length) if length is not None and length.isdigit() else None


@contextlib.contextmanager
def _transport_errors(request: httpx.Request) -> Generator[None, None, None]:
    """The HTTP library's transport errors as openai's (`APITimeoutError`, `APIConnectionError`)."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise APITimeoutError(request=request) from error
    except httpx.TransportError as error:
        raise APIConnectionError(
            message="Connection error while downloading the export's file.", request=request
        ) from error


class _Sink:
    """Where the file goes: a file object, or `<path>.part` renamed to `path` when complete.

    A context manager: leaving it on an exception removes the partial file.
    """

    def __init__(self, to: str | os.PathLike[str] | IO[bytes], path: Path | None, progress: ProgressCallback | None):
        self._path = path
        self._part: Path | None = None
        if path is None:
            self._file = cast("IO[bytes]", to)
        else:
            self._part = path.with_name(path.name + ".part")
            self._file = self._part.open("wb")
        self._progress = progress
        self._total: int | None = None
        self.done = 0

    def __enter__(self) -> _Sink:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self.abort()

    def begin(self, response: httpx.Response) -> None:
        """The storage host answered with the file: its size (`None` when unknown) goes to `progress`."""
        self._total = _total(response)
        if self._progress is not None:
            self._progress(0, self._total)

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.done += len(chunk)
        if self._progress is not None:
            self._progress(self.done, self._total)

    def finish(self) -> Path | int:
        if self._path is None or self._part is None:
            return self.done
        self._file.close()
        os.replace(self._part, self._path)
        return self._path

    def abort(self) -> None:
        if self._part is not None:
            self._file.close()
            with contextlib.suppress(FileNotFoundError):
                self._part.unlink()


def _fetch(
    client: SyncAPIClient,
    url: str,
    to: str | os.PathLike[str] | IO[bytes],
    path: Path | None,
    progress: ProgressCallback | None,
    chunk_size: int,
    timeout: TimeoutArg,
) -> Path | int:
    http: httpx.Client = client._client  # pyright: ignore[reportPrivateUsage]
    request = _storage_request(client, url, timeout)
    with _Sink(to, path, progress) as sink:
        with _transport_errors(request):
            response = http.send(request, stream=True, auth=None, follow_redirects=True)
        try:
            if not response.is_success:
                response.read()
                raise client._make_status_error_from_response(response)  # pyright: ignore[reportPrivateUsage]
            sink.begin(response)
            with _transport_errors(request):
                for chunk in response.iter_bytes(chunk_size):
                    sink.write(chunk)
        finally:
            response.close()
        return sink.finish()


async def _afetch(
    client: AsyncAPIClient,
    url: str,
    to: str | os.PathLike[str] | IO[bytes],
    path: Path | None,
    progress: ProgressCallback | None,
    chunk_size: int,
    timeout: TimeoutArg,
) -> Path | int:
    """`_fetch`, async."""
    http: httpx.AsyncClient = client._client  # pyright: ignore[reportPrivateUsage]
    request = _storage_request(client, url, timeout)
    with _Sink(to, path, progress) as sink:
        with _transport_errors(request):
            response = await http.send(request, stream=True, auth=None, follow_redirects=True)
        try:
            if not response.is_success:
                await response.aread()
                raise client._make_status_error_from_response(response)  # pyright: ignore[reportPrivateUsage]
            sink.begin(response)
            with _transport_errors(request):
                async for chunk in response.aiter_bytes(chunk_size):
                    sink.write(chunk)
        finally:
            await response.aclose()
        return sink.finish()


class LogExportsExtras(Generic[ModeT]):
    """`wait`, `download(..., to=...)` and `export_logs` of `portkey.logs.exports` (mixed into `LogExports`).

    They return parsed values in every response mode, except `download` without `to` (the generated call).

    Attributes:
        clock: What the polls of `wait` sleep on (`SYSTEM_CLOCK`); tests give a fake one (see `Clock`).
    """

    clock: Clock = SYSTEM_CLOCK

    if TYPE_CHECKING:
        _client: SyncAPIClient

    def _parsed(self) -> LogExports:
        from .resources.logs import LogExports

        exports = LogExports(self._client)
        exports.clock = self.clock
        return exports

    def wait(
        self,
        export_id: str,
        *,
        timeout: float = 600,
        poll_interval: float = 2.0,
        on_poll: Callable[[ExportItem], None] | None = None,
    ) -> ExportItem:
        """Poll the export (`retrieve`) until its status is `success`, and return it.

        `draft` and `in_progress` (and any status the API adds) keep the wait going: start the export first.

        Args:
            export_id: The export's id.
            timeout: Seconds to wait in all (polls included) before giving up.
            poll_interval: Seconds between two polls.
            on_poll: Called with the export after each poll (e.g. to show its status).

        Raises:
            ExportFailedError: The export's status is `failed` or `stopped`.
            WaitTimeoutError: Still not finished after `timeout` seconds (the export goes on).
        """
        clock = self.clock
        polls = _Polls(export_id, clock, timeout, poll_interval, on_poll)
        exports = self._parsed()
        while True:
            export = exports.retrieve(export_id)
            pause = polls.after(export)
            if pause is None:
                return export
            clock.sleep(pause)

    @overload
    def download(
        self: LogExportsExtras[Parsed],
        export_id: str,
        *,
        to: None = None,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> DownloadLogsResponse: ...
    @overload
    def download(
        self: LogExportsExtras[Raw],
        export_id: str,
        *,
        to: None = None,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> LegacyAPIResponse[DownloadLogsResponse]: ...
    @overload
    def download(
        self: LogExportsExtras[Streamed],
        export_id: str,
        *,
        to: None = None,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ResponseContextManager[APIResponse[DownloadLogsResponse]]: ...
    @overload
    def download(
        self,
        export_id: str,
        *,
        to: Union[str, os.PathLike[str]],
        progress: Optional[ProgressCallback] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> Path: ...
    @overload
    def download(
        self,
        export_id: str,
        *,
        to: IO[bytes],
        progress: Optional[ProgressCallback] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> int: ...
    def download(
        self,
        export_id: str,
        *,
        to: Union[str, os.PathLike[str], IO[bytes], None] = None,
        progress: Optional[ProgressCallback] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        **undeclared: object,
    ) -> Any:
        """Download log export: the signed URL (`GET /logs/exports/{exportId}/download`), or with `to`, its file.

        Without `to` this is the official SDK's call and returns `DownloadLogsResponse` (`signed_url`). With `to`,
        the file behind the signed URL is streamed to `to` (never whole in memory), without the client's headers
        (the API key is not sent to the storage host), with the call's `timeout` or else the client's.

        Args:
            export_id: The `exportId` path parameter.
            to: A file path (written to `<path>.part`, renamed when complete) or a binary file object.
            progress: With `to`: called as `progress(bytes_done, total)` before the first chunk and after each;
                `total` is `None` when the storage host does not give the size.
            chunk_size: With `to`: bytes read at a time.
            extra_headers: Headers to send with the Portkey request, besides the client's (never to storage).
            extra_query: Query parameters to add to the Portkey request.
            extra_body: JSON fields to add to the Portkey request's body.
            timeout: Timeout of each request, overriding the client's.
            **undeclared: Keywords the method does not declare go to the query of the Portkey request (the
                official SDK's catch-all, as on every generated method); static types keep the declared signature.

        Returns:
            Without `to`, the signed URL response; with a path, the path (`pathlib.Path`); with a file object, the
            number of bytes written.

        Raises:
            APIStatusError: The storage host answered with an error status (the signed URL is not in the message).
            APIConnectionError: The connection to the storage host failed (`APITimeoutError`: it timed out).
        """
        options: dict[str, Any] = {**undeclared, **_request_keywords(extra_headers, extra_query, extra_body, timeout)}
        if to is None:
            _check_no_file_arguments(progress)
            generated = cast("LogExports[Any]", self)
            return generated._download(export_id, **options)  # pyright: ignore[reportPrivateUsage]
        path = _check_file_arguments(to, chunk_size)
        signed = self._parsed()._download(export_id, **options)  # pyright: ignore[reportPrivateUsage]
        return _fetch(self._client, signed.signed_url, to, path, progress, chunk_size, timeout)

    @overload
    def export_logs(
        self,
        *,
        to: Union[str, os.PathLike[str]],
        filters: Union[GenerationsFilterSchemaParam, NotGiven] = NOT_GIVEN,
        requested_data: Union[List[ExportField], NotGiven] = NOT_GIVEN,
        workspace_id: Union[str, NotGiven] = NOT_GIVEN,
        description: Union[str, NotGiven] = NOT_GIVEN,
        timeout: float = 600,
        poll_interval: float = 2.0,
        progress: Optional[ProgressCallback] = None,
        on_status: Callable[[ExportItem], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Path: ...
    @overload
    def export_logs(
        self,
        *,
        to: IO[bytes],
        filters: Union[GenerationsFilterSchemaParam, NotGiven] = NOT_GIVEN,
        requested_data: Union[List[ExportField], NotGiven] = NOT_GIVEN,
        workspace_id: Union[str, NotGiven] = NOT_GIVEN,
        description: Union[str, NotGiven] = NOT_GIVEN,
        timeout: float = 600,
        poll_interval: float = 2.0,
        progress: Optional[ProgressCallback] = None,
        on_status: Callable[[ExportItem], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> int: ...
    def export_logs(
        self,
        *,
        to: Union[str, os.PathLike[str], IO[bytes]],
        filters: Union[GenerationsFilterSchemaParam, NotGiven] = NOT_GIVEN,
        requested_data: Union[List[ExportField], NotGiven] = NOT_GIVEN,
        workspace_id: Union[str, NotGiven] = NOT_GIVEN,
        description: Union[str, NotGiven] = NOT_GIVEN,
        timeout: float = 600,
        poll_interval: float = 2.0,
        progress: Optional[ProgressCallback] = None,
        on_status: Callable[[ExportItem], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Path | int:
        """Export logs to a file in one call: `create`, `start`, `wait`, then `download(..., to=to)`.

        Args:
            to: A file path or a binary file object (see `download`).
            filters: Which logs (`create`'s `filters`).
            requested_data: Which fields of each log (`create`'s `requested_data`).
            workspace_id: The workspace whose logs are exported.
            description: A description of the export.
            timeout: Seconds to wait for the export to finish (the download is not counted).
            poll_interval: Seconds between two polls of the export's status.
            progress: Download progress, `progress(bytes_done, total)` (see `download`).
            on_status: Called with the export after each poll (see `wait`'s `on_poll`).
            chunk_size: Bytes read from the storage host at a time.

        Returns:
            The path (`pathlib.Path`), or the number of bytes written to the file object.

        Raises:
            ExportFailedError: The export failed or was stopped.
            WaitTimeoutError: The export did not finish within `timeout` seconds (it is not cancelled).
        """
        check_wait_arguments(timeout, poll_interval)
        _check_file_arguments(to, chunk_size)
        exports = self._parsed()
        created = exports.create(
            workspace_id=workspace_id, filters=filters, requested_data=requested_data, description=description
        )
        exports.start(created.id)
        exports.wait(created.id, timeout=timeout, poll_interval=poll_interval, on_poll=on_status)
        if isinstance(to, str | os.PathLike):
            return exports.download(created.id, to=to, progress=progress, chunk_size=chunk_size)
        return exports.download(created.id, to=to, progress=progress, chunk_size=chunk_size)


class AsyncLogExportsExtras(Generic[ModeT]):
    """`wait`, `download(..., to=...)` and `export_logs` of `async_portkey.logs.exports` (see `LogExportsExtras`).

    Attributes:
        clock: What the polls of `wait` sleep on (`SYSTEM_CLOCK`, `anyio.sleep`); tests give a fake one.
    """

    clock: Clock = SYSTEM_CLOCK

    if TYPE_CHECKING:
        _client: AsyncAPIClient

    def _parsed(self) -> AsyncLogExports:
        from .resources.logs import AsyncLogExports

        exports = AsyncLogExports(self._client)
        exports.clock = self.clock
        return exports

    async def wait(
        self,
        export_id: str,
        *,
        timeout: float = 600,
        poll_interval: float = 2.0,
        on_poll: Callable[[ExportItem], None] | None = None,
    ) -> ExportItem:
        """Poll the export (`retrieve`) until its status is `success`, and return it (see `LogExportsExtras.wait`).

        Raises:
            ExportFailedError: The export's status is `failed` or `stopped`.
            WaitTimeoutError: Still not finished after `timeout` seconds (the export goes on).
        """
        clock = self.clock
        polls = _Polls(export_id, clock, timeout, poll_interval, on_poll)
        exports = self._parsed()
        while True:
            export = await exports.retrieve(export_id)
            pause = polls.after(export)
            if pause is None:
                return export
            await clock.asleep(pause)

    @overload
    def download(
        self: AsyncLogExportsExtras[Parsed],
        export_id: str,
        *,
        to: None = None,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> Awaitable[DownloadLogsResponse]: ...
    @overload
    def download(
        self: AsyncLogExportsExtras[Raw],
        export_id: str,
        *,
        to: None = None,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> Awaitable[LegacyAPIResponse[DownloadLogsResponse]]: ...
    @overload
    def download(
        self: AsyncLogExportsExtras[Streamed],
        export_id: str,
        *,
        to: None = None,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> AsyncResponseContextManager[AsyncAPIResponse[DownloadLogsResponse]]: ...
    @overload
    def download(
        self,
        export_id: str,
        *,
        to: Union[str, os.PathLike[str]],
        progress: Optional[ProgressCallback] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> Awaitable[Path]: ...
    @overload
    def download(
        self,
        export_id: str,
        *,
        to: IO[bytes],
        progress: Optional[ProgressCallback] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> Awaitable[int]: ...
    def download(
        self,
        export_id: str,
        *,
        to: Union[str, os.PathLike[str], IO[bytes], None] = None,
        progress: Optional[ProgressCallback] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        extra_headers: Optional[Headers] = None,
        extra_query: Optional[Query] = None,
        extra_body: Optional[Body] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        **undeclared: object,
    ) -> Any:
        """Download log export: the signed URL, or with `to`, its file (see `LogExportsExtras.download`).

        Not itself a coroutine function, so that `with_streaming_response.download(export_id)` stays an async
        context manager; every call without a streamed response mode returns an awaitable.
        """
        options: dict[str, Any] = {**undeclared, **_request_keywords(extra_headers, extra_query, extra_body, timeout)}
        if to is None:
            _check_no_file_arguments(progress)
            generated = cast("AsyncLogExports[Any]", self)
            return generated._download(export_id, **options)  # pyright: ignore[reportPrivateUsage]
        path = _check_file_arguments(to, chunk_size)
        return self._download_to(export_id, to, path, progress, chunk_size, options)

    async def _download_to(
        self,
        export_id: str,
        to: str | os.PathLike[str] | IO[bytes],
        path: Path | None,
        progress: ProgressCallback | None,
        chunk_size: int,
        options: dict[str, Any],
    ) -> Path | int:
        signed = await self._parsed()._download(export_id, **options)  # pyright: ignore[reportPrivateUsage]
        return await _afetch(self._client, signed.signed_url, to, path, progress, chunk_size, options["timeout"])

    @overload
    async def export_logs(
        self,
        *,
        to: Union[str, os.PathLike[str]],
        filters: Union[GenerationsFilterSchemaParam, NotGiven] = NOT_GIVEN,
        requested_data: Union[List[ExportField], NotGiven] = NOT_GIVEN,
        workspace_id: Union[str, NotGiven] = NOT_GIVEN,
        description: Union[str, NotGiven] = NOT_GIVEN,
        timeout: float = 600,
        poll_interval: float = 2.0,
        progress: Optional[ProgressCallback] = None,
        on_status: Callable[[ExportItem], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Path: ...
    @overload
    async def export_logs(
        self,
        *,
        to: IO[bytes],
        filters: Union[GenerationsFilterSchemaParam, NotGiven] = NOT_GIVEN,
        requested_data: Union[List[ExportField], NotGiven] = NOT_GIVEN,
        workspace_id: Union[str, NotGiven] = NOT_GIVEN,
        description: Union[str, NotGiven] = NOT_GIVEN,
        timeout: float = 600,
        poll_interval: float = 2.0,
        progress: Optional[ProgressCallback] = None,
        on_status: Callable[[ExportItem], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> int: ...
    async def export_logs(
        self,
        *,
        to: Union[str, os.PathLike[str], IO[bytes]],
        filters: Union[GenerationsFilterSchemaParam, NotGiven] = NOT_GIVEN,
        requested_data: Union[List[ExportField], NotGiven] = NOT_GIVEN,
        workspace_id: Union[str, NotGiven] = NOT_GIVEN,
        description: Union[str, NotGiven] = NOT_GIVEN,
        timeout: float = 600,
        poll_interval: float = 2.0,
        progress: Optional[ProgressCallback] = None,
        on_status: Callable[[ExportItem], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Path | int:
        """Export logs to a file in one call: `create`, `start`, `wait`, then `download(..., to=to)`.

        See `LogExportsExtras.export_logs`.
        """
        check_wait_arguments(timeout, poll_interval)
        _check_file_arguments(to, chunk_size)
        exports = self._parsed()
        created = await exports.create(
            workspace_id=workspace_id, filters=filters, requested_data=requested_data, description=description
        )
        await exports.start(created.id)
        await exports.wait(created.id, timeout=timeout, poll_interval=poll_interval, on_poll=on_status)
        if isinstance(to, str | os.PathLike):
            return await exports.download(created.id, to=to, progress=progress, chunk_size=chunk_size)
        return await exports.download(created.id, to=to, progress=progress, chunk_size=chunk_size)
