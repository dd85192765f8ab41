"""Reading response bodies within their limits (`_limits.py`): an error body up to `ERROR_BODY_LIMIT` decoded bytes, a
successful one up to `max_response_bytes`, the connection dropped past it.
"""

from __future__ import annotations

from ._errors import too_large
from ._http import httpx
from ._limits import BodyReader, declared_length, is_binary_download
from ._policy import ERROR_BODY_LIMIT

__all__ = ["aread_bounded", "aread_success", "read_bounded", "read_success"]


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


def read_bounded(response: httpx.Response) -> httpx.Response:
    """`response` with its body read, or a copy with the first `ERROR_BODY_LIMIT` decoded bytes (the connection
    dropped): a small gzip body that inflates to gigabytes is never inflated past the limit."""
    if _small(response, ERROR_BODY_LIMIT):
        response.read()
        return response
    return _rebuilt(response, BodyReader(response, ERROR_BODY_LIMIT).read())


async def aread_bounded(response: httpx.Response) -> httpx.Response:
    """Async variant of `read_bounded`."""
    if _small(response, ERROR_BODY_LIMIT):
        await response.aread()
        return response
    return _rebuilt(response, await BodyReader(response, ERROR_BODY_LIMIT).aread())


def _body_limit(response: httpx.Response, limit: int | None) -> int | None:
    """The limit for reading `response` whole: `None` (read it all) when unlimited, small enough, or a download."""
    if limit is None or _small(response, limit) or is_binary_download(response.request):
        return None
    length = declared_length(response)
    if length is not None:
        raise too_large(response, "max_response_bytes", limit)
    return limit


def read_success(response: httpx.Response, limit: int | None) -> None:
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
        raise too_large(response, "max_response_bytes", limit)
    response._content = body  # pyright: ignore[reportPrivateUsage]  # what `Response.read()` sets


async def aread_success(response: httpx.Response, limit: int | None) -> None:
    """Async variant of `read_success`."""
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
        raise too_large(response, "max_response_bytes", limit)
    response._content = body  # pyright: ignore[reportPrivateUsage]  # what `Response.aread()` sets
