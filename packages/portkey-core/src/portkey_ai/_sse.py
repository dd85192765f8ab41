"""An incremental server-sent-events decoder that runs in linear time on every openai major.

It follows the WHATWG event-stream rules, as openai's own decoder does: LF, CR and CRLF line ends (also split
across reads), UTF-8 split across reads, `:` comments, `event`, `data`, `id` and `retry` fields, unknown fields
ignored, an event dispatched at a blank line only if it has data, and an unterminated event at the end discarded.
It never re-copies a growing buffer, so one 8 MiB `data:` line arriving in 4 KiB pieces costs one pass (openai 2.x
re-concatenates bytes and takes seconds). With `max_event_bytes`, an event (its data lines and the line being read)
larger than that raises `EventTooLarge` as soon as the excess arrives, so memory stays within the limit plus one read.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Generic, Protocol, TypeVar

__all__ = ["EventFactory", "EventTooLarge", "SSEDecoder"]

_E = TypeVar("_E", covariant=True)
_LINE_END = re.compile(b"\r\n|\r|\n")
_FIELDS = frozenset((b"data", b"event", b"id", b"retry"))


class EventFactory(Protocol[_E]):
    """Builds one event object (openai's `ServerSentEvent`)."""

    def __call__(self, *, event: str | None, data: str, id: str | None, retry: int | None) -> _E:
        """Return the event."""
        ...


class EventTooLarge(Exception):
    """An event passed the decoder's `max_event_bytes` (the stream turns it into `ResponseTooLargeError`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"a server-sent event is larger than {limit} bytes")
        self.limit = limit


class SSEDecoder(Generic[_E]):
    """Turns a byte stream into events; one decoder per stream."""

    __slots__ = ("_buffer", "_data", "_event", "_last_id", "_limit", "_make", "_retry", "_size", "_skip_lf")

    def __init__(self, make: EventFactory[_E], max_event_bytes: int | None = None) -> None:
        """Args:
        make: Builds each decoded event.
        max_event_bytes: The largest event accepted (`EventTooLarge` past it), or `None` for no limit.
        """
        self._make = make
        self._limit = max_event_bytes
        self._size = 0
        self._buffer = bytearray()
        self._skip_lf = False
        self._event: str | None = None
        self._data: list[str] = []
        self._last_id: str | None = None
        self._retry: int | None = None

    def iter_bytes(self, iterator: Iterator[bytes]) -> Iterator[_E]:
        """Yield every event in the bytes of `iterator`."""
        for chunk in iterator:
            yield from self.feed(chunk)
        self._buffer.clear()

    async def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[_E]:
        """Async variant of `iter_bytes`."""
        async for chunk in iterator:
            for event in self.feed(chunk):
                yield event
        self._buffer.clear()

    def feed(self, chunk: bytes) -> list[_E]:
        """The events `chunk` completes; `EventTooLarge` if the event being read (its data so far and its current
        line) is past the limit."""
        events = self._feed(chunk)
        if self._limit is not None and self._size + len(self._buffer) > self._limit:
            raise EventTooLarge(self._limit)
        return events

    def _feed(self, chunk: bytes) -> list[_E]:
        if self._skip_lf or b"\r" in chunk:
            return self._feed_any(chunk)
        buffer = self._buffer
        end = len(chunk) - 2
        if not buffer and chunk.find(b"\n") == end and chunk[end:] == b"\n\n" and chunk[:6] == b"data: ":
            # One whole event of one `data: ` line (what servers send for a chat chunk): that line and the blank line.
            self._data.append(str(chunk[6:end], "utf-8"))
            self._size += end
            return [self._dispatch()]
        # LF line ends only (what servers send): `bytes.split` finds them, `data: ` lines skip the general parser.
        lines = chunk.split(b"\n")
        if len(lines) == 1:
            buffer += chunk
            return []
        if buffer:
            buffer += lines[0]
            lines[0] = bytes(buffer)
            buffer.clear()
        buffer += lines.pop()
        events: list[_E] = []
        data = self._data
        for line in lines:
            if line[:6] == b"data: ":
                data.append(str(line[6:], "utf-8"))
                self._size += len(line)
            else:
                event = self._line(line)
                if event is not None:
                    events.append(event)
                data = self._data
        return events

    def _feed_any(self, chunk: bytes) -> list[_E]:
        events: list[_E] = []
        start = 0
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                start = 1
        buffer = self._buffer
        for match in _LINE_END.finditer(chunk, start):
            end = match.start()
            if buffer:
                buffer += chunk[start:end]
                event = self._line(buffer)
                buffer.clear()
            else:
                event = self._line(chunk[start:end])
            if event is not None:
                events.append(event)
            start = match.end()
        if start < len(chunk):
            buffer += chunk[start:]
        elif chunk[-1:] == b"\r":
            self._skip_lf = True
        return events

    def _dispatch(self) -> _E:
        """The event read so far (at a blank line, with data)."""
        if self._limit is not None and self._size > self._limit:
            raise EventTooLarge(self._limit)
        self._size = 0
        event = self._make(event=self._event, data="\n".join(self._data), id=self._last_id, retry=self._retry)
        self._event = None
        self._data = []
        self._retry = None
        return event

    def _line(self, line: bytes | bytearray) -> _E | None:
        if not line:
            if not self._data:
                self._event = None
                return None
            return self._dispatch()
        colon = line.find(b":")
        if colon == 0:
            return None
        if colon < 0:
            name, start = bytes(line), len(line)
        else:
            name = bytes(line[:colon])
            start = colon + 2 if line[colon + 1 : colon + 2] == b" " else colon + 1
        if name not in _FIELDS:
            return None
        # Decoded straight from the buffer: one copy of a huge line, not three.
        value = str(memoryview(line)[start:], "utf-8")
        if name == b"data":
            self._data.append(value)
            self._size += len(line)
        elif name == b"event":
            self._event = value or None
        elif name == b"id":
            if "\0" not in value:
                self._last_id = value
        elif value.isascii() and value.isdigit():
            self._retry = int(value)
        return None
