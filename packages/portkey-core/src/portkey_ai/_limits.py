"""Size limits on what the clients read into memory, counted after decompression.

- An error (non-2xx) body: at most `ERROR_BODY_LIMIT` (1 MiB) is kept; the connection is dropped after that.
- A successful body read whole (`max_response_bytes`, default `MAX_RESPONSE_BYTES`): past it, the connection is
  dropped and `ResponseTooLargeError` raised. Binary downloads (`files.content`, `audio.speech`: the request's
  `Accept` asks for `application/binary` or `application/octet-stream`) and responses you stream yourself
  (`with_streaming_response`) are not limited.
- One server-sent event (`max_event_bytes`, default `MAX_EVENT_BYTES`): enforced by `_sse.SSEDecoder`.

gzip and deflate bodies are inflated here in pieces of at most 64 KiB, so a small compressed body that inflates
to gigabytes costs at most the limit plus one piece (httpx 0.28 would inflate a whole 64 KiB read at once, up to
64 MiB). Other encodings (br, zstd, several layers) go through the HTTP library's decoder (httpx2 inflates them in
1 MiB pieces).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

from ._http import httpx

__all__ = [
    "MAX_EVENT_BYTES",
    "MAX_RESPONSE_BYTES",
    "BodyReader",
    "check_limit",
    "declared_length",
    "is_binary_download",
]

MAX_RESPONSE_BYTES = 256 << 20
"""Default `max_response_bytes` (256 MiB): the largest legitimate JSON body, 2,048 embeddings of 3,072 dimensions as
JSON floats, is about 130 MB; a 128k-token completion is under 1 MB."""

MAX_EVENT_BYTES = 32 << 20
"""Default `max_event_bytes` (32 MiB): the largest legitimate events carry whole responses with base64 images
(`response.completed`, `response.image_generation_call.partial_image`: a few MiB each); a chat chunk is under 1 KiB."""

_PIECE = 64 << 10
"""Most bytes one inflate step may produce."""

_ZLIB = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


def check_limit(name: str, value: object) -> int | None:
    """`value` as a size limit in bytes, or `TypeError`/`ValueError` naming the argument `name`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be a number of bytes (int) or None, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive number of bytes")
    return value


def is_binary_download(request: httpx.Request) -> bool:
    """Whether the caller asked for a binary body (openai's `files.content`, `audio.speech.create`...)."""
    accept = request.headers.get("accept", "")
    return "application/binary" in accept or "application/octet-stream" in accept


def _encoding(response: httpx.Response) -> str:
    return response.headers.get("content-encoding", "").strip().lower()


def declared_length(response: httpx.Response) -> int | None:
    """The decoded size the response declares: its `content-length` when it has no content encoding."""
    length = response.headers.get("content-length", "")
    if not length.isdigit() or _encoding(response) not in ("", "identity"):
        return None
    return int(length)


class _Inflater:
    """gzip/deflate decoding in pieces of at most `_PIECE` bytes (deflate: zlib-wrapped, else raw, as httpx does)."""

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        self._first = True
        self._zlib = zlib.decompressobj(_ZLIB[encoding])

    def decode(self, data: bytes, request: httpx.Request) -> Iterator[bytes]:
        first, self._first = self._first, False
        try:
            piece = self._zlib.decompress(data, _PIECE)
        except zlib.error as exc:
            if not (first and self._deflate):
                raise httpx.DecodingError(str(exc), request=request) from exc
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            yield from self.decode(data, request)
            return
        while piece:
            yield piece
            try:
                piece = self._zlib.decompress(self._zlib.unconsumed_tail, _PIECE)
            except zlib.error as exc:
                raise httpx.DecodingError(str(exc), request=request) from exc


class BodyReader:
    """Reads a response's decoded body, keeping at most `limit` bytes; `exceeded` says whether there was more.

    The response is closed once the body is read or the limit passed (the connection is then dropped).
    """

    def __init__(self, response: httpx.Response, limit: int) -> None:
        self.response = response
        self.limit = limit
        self.exceeded = False
        self._chunks: list[bytes] = []
        self._size = 0
        encoding = _encoding(response)
        self._inflater = _Inflater(encoding) if encoding in _ZLIB else None

    def _take(self, piece: bytes) -> bool:
        """Keep `piece` (what fits of it); `False` once the limit is passed."""
        room = self.limit - self._size
        if len(piece) > room:
            self.exceeded = True
            self._chunks.append(piece[:room])
            self._size = self.limit
            return False
        self._chunks.append(piece)
        self._size += len(piece)
        return True

    def _body(self) -> bytes:
        body = b"".join(self._chunks)
        self._chunks = []
        return body

    def read(self) -> bytes:
        """The body (cut to `limit` bytes if it was longer)."""
        response = self.response
        try:
            if self._inflater is None:
                for piece in response.iter_bytes():
                    if not self._take(piece):
                        break
            else:
                self._inflate(response.iter_raw())
        finally:
            response.close()
        return self._body()

    def _inflate(self, raw: Iterator[bytes]) -> None:
        assert self._inflater is not None
        for data in raw:
            for piece in self._inflater.decode(data, self.response.request):
                if not self._take(piece):
                    return

    async def aread(self) -> bytes:
        """Async variant of `read`."""
        response = self.response
        try:
            if self._inflater is None:
                async for piece in response.aiter_bytes():
                    if not self._take(piece):
                        break
            else:
                await self._ainflate(response.aiter_raw())
        finally:
            await response.aclose()
        return self._body()

    async def _ainflate(self, raw: AsyncIterator[bytes]) -> None:
        assert self._inflater is not None
        async for data in raw:
            for piece in self._inflater.decode(data, self.response.request):
                if not self._take(piece):
                    return
