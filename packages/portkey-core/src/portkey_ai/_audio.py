"""Durations of audio uploads, for the `x-portkey-audio-file-duration` header (standard library only).

The official SDK sends the duration of the uploaded file, in whole milliseconds, on `POST /audio/transcriptions` and
`POST /audio/translations`. The parsers here read only the few bytes they need (headers, a frame, the last Ogg page)
from bytes or a seekable file, and put a file's position back where it was. The format is recognised from the
content, not the file name: WAV/RF64, MP3/MPGA (Xing/Info and VBRI frame counts, else a constant-bitrate estimate),
MP4/M4A/MOV (`mvhd`), FLAC (`STREAMINFO`) and Ogg Vorbis/Opus. Anything else, truncated data, an unreadable or
non-seekable file gives `None`: the request then goes out without the header.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Final, cast
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from typing_extensions import Buffer

AUDIO_DURATION_HEADER: Final = "x-portkey-audio-file-duration"
"""The request header that carries the duration of the uploaded audio file, in milliseconds."""

_AUDIO_PATHS: Final = ("/audio/transcriptions", "/audio/translations")
_UPLOAD_FIELD: Final = "file"

# A duration as (units, units per second), kept as integers so that rounding to milliseconds is exact.
_Duration = tuple[int, int]

_MAX_BOXES: Final = 1024
_MAX_CHUNKS: Final = 1024
_MAX_ID3_TAGS: Final = 8
_MP3_SCAN: Final = 64 * 1024
_OGG_WINDOW: Final = 64 * 1024
_OGG_MAX_TAIL: Final = 1024 * 1024

_MP4_FIRST_BOXES: Final = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"})
_MP3_NAMES: Final = (".mp3", ".mpga")

# MPEG audio frame header tables, indexed by bitrate index 1-14 (kbit/s) and sample-rate index 0-2 (Hz).
_BITRATES: Final[Mapping[tuple[bool, int], tuple[int, ...]]] = {
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES: Final[Mapping[int, tuple[int, int, int]]] = {
    3: (44100, 48000, 32000),  # MPEG-1
    2: (22050, 24000, 16000),  # MPEG-2
    0: (11025, 12000, 8000),  # MPEG-2.5
}

# WAVE format tags whose data chunk holds whole uncompressed frames of `block_align` bytes.
_WAVE_FRAMED: Final = frozenset({0x0001, 0x0003, 0x0006, 0x0007, 0xFFFE})


class _Source:
    """Random access to the bytes of an upload: a bytes-like object, or a seekable binary file of `size` bytes."""

    __slots__ = ("_content", "size")

    def __init__(self, content: memoryview | IO[bytes], size: int) -> None:
        self._content = content
        self.size = size

    def read(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset` (fewer at the end of the data, none outside it); moves a file's position."""
        if offset < 0 or length <= 0 or offset >= self.size:
            return b""
        if isinstance(self._content, memoryview):
            return bytes(self._content[offset : offset + length])
        file = self._content
        file.seek(offset)
        parts: list[bytes] = []
        wanted = min(length, self.size - offset)
        while wanted > 0:
            chunk = cast(object, file.read(wanted))  # a text file gives str: no bytes to parse
            if not isinstance(chunk, bytes) or not chunk:
                break
            parts.append(chunk)
            wanted -= len(chunk)
        return b"".join(parts)


def _u16le(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def _u32le(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _u32be(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "big")


def _u64be(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 8], "big")


# ---------------------------------------------------------------------------------------------------------- WAV


def _wav(source: _Source) -> _Duration | None:
    """RIFF/RF64 WAVE: the `data` chunk size over the `fmt ` frame size (or the `fact` sample count if compressed)."""
    rf64 = source.read(0, 4) == b"RF64"
    fmt: bytes | None = None
    fact_samples: int | None = None
    ds64_data_size: int | None = None
    data_size: int | None = None
    offset = 12
    for _ in range(_MAX_CHUNKS):
        header = source.read(offset, 8)
        if len(header) < 8:
            break
        chunk_id, chunk_size = header[:4], _u32le(header, 4)
        body = offset + 8
        if chunk_id == b"fmt ":
            fmt = source.read(body, 16)
        elif chunk_id == b"fact":
            fact = source.read(body, 4)
            fact_samples = _u32le(fact, 0) if len(fact) == 4 else None
        elif chunk_id == b"ds64" and rf64:
            ds64 = source.read(body, 16)
            ds64_data_size = int.from_bytes(ds64[8:16], "little") if len(ds64) == 16 else None
        elif chunk_id == b"data":
            if rf64 and chunk_size == 0xFFFFFFFF:
                if ds64_data_size is None:
                    return None
                chunk_size = ds64_data_size
            data_size = min(chunk_size, source.size - body)
        if fmt is not None and data_size is not None:
            break
        offset = body + chunk_size + (chunk_size & 1)
    if fmt is None or len(fmt) < 16 or data_size is None:
        return None
    format_tag, sample_rate, byte_rate, block_align = _u16le(fmt, 0), _u32le(fmt, 4), _u32le(fmt, 8), _u16le(fmt, 12)
    if format_tag in _WAVE_FRAMED and block_align > 0 and sample_rate > 0:
        return data_size // block_align, sample_rate
    if fact_samples is not None and sample_rate > 0:
        return fact_samples, sample_rate
    if byte_rate > 0:
        return data_size, byte_rate
    return None


# ---------------------------------------------------------------------------------------------------------- MP3


@dataclass(frozen=True, slots=True)
class _MpegFrame:
    """The fields of one MPEG audio frame header that the duration needs."""

    version_bits: int  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer: int
    mono: bool
    bitrate: int  # bit/s
    sample_rate: int
    samples: int  # per frame
    length: int  # bytes, header included

    @property
    def mpeg1(self) -> bool:
        """Whether this is an MPEG-1 frame."""
        return self.version_bits == 3

    def same_stream(self, other: _MpegFrame) -> bool:
        """Whether `other` can follow this frame in the same stream."""
        return (self.version_bits, self.layer, self.sample_rate) == (other.version_bits, other.layer, other.sample_rate)


def _mpeg_frame(header: bytes) -> _MpegFrame | None:
    """The frame whose 4-byte header is `header`, or `None` if it is not a valid (non free-format) header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version_bits, layer_bits = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version_bits == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1, layer = version_bits == 3, 4 - layer_bits
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    sample_rate = _SAMPLE_RATES[version_bits][rate_index]
    if layer == 1:
        samples, length = 384, (12 * bitrate // sample_rate + padding) * 4
    else:
        samples = 1152 if layer == 2 or mpeg1 else 576
        length = samples // 8 * bitrate // sample_rate + padding
    return _MpegFrame(version_bits, layer, header[3] >> 6 == 3, bitrate, sample_rate, samples, length)


def _skip_id3v2(source: _Source) -> int:
    """The offset after the ID3v2 tags at the start of the data (0 without one)."""
    offset = 0
    for _ in range(_MAX_ID3_TAGS):
        header = source.read(offset, 10)
        if len(header) < 10 or header[:3] != b"ID3" or any(b & 0x80 for b in header[6:10]):
            break
        size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9]
        offset += 10 + size + (10 if header[5] & 0x10 else 0)
    return offset


def _frame_at(source: _Source, offset: int, header: bytes) -> _MpegFrame | None:
    """The frame at `offset` (`header` is its first 4 bytes) if it is valid and the next frame, if any, matches it."""
    frame = _mpeg_frame(header)
    if frame is None:
        return None
    following = offset + frame.length
    if following + 4 <= source.size:
        successor = _mpeg_frame(source.read(following, 4))
        if successor is None or not frame.same_stream(successor):
            return None
    elif following > source.size:
        return None
    return frame


def _first_frame(source: _Source, start: int, scan: bool) -> tuple[int, _MpegFrame] | None:
    """The first frame at `start`, or within the next 64 KiB when `scan` is true."""
    if not scan:
        frame = _frame_at(source, start, source.read(start, 4))
        return None if frame is None else (start, frame)
    window = source.read(start, _MP3_SCAN + 3)
    position = window.find(b"\xff", 0, _MP3_SCAN)
    while position >= 0:
        frame = _frame_at(source, start + position, window[position : position + 4])
        if frame is not None:
            return start + position, frame
        position = window.find(b"\xff", position + 1, _MP3_SCAN)
    return None


def _mp3(source: _Source, start: int, scan: bool) -> _Duration | None:
    """MPEG audio: the frame count of a Xing/Info or VBRI header, else the audio size over the first frame's bitrate."""
    found = _first_frame(source, start, scan)
    if found is None:
        return None
    offset, frame = found
    if frame.layer == 3:
        side_info = (17 if frame.mono else 32) if frame.mpeg1 else (9 if frame.mono else 17)
        xing = source.read(offset + 4 + side_info, 12)
        if xing[:4] in (b"Xing", b"Info") and len(xing) == 12 and _u32be(xing, 4) & 1:
            return _u32be(xing, 8) * frame.samples, frame.sample_rate
        vbri = source.read(offset + 36, 18)
        if vbri[:4] == b"VBRI" and len(vbri) == 18:
            return _u32be(vbri, 14) * frame.samples, frame.sample_rate
    end = source.size - (128 if source.read(source.size - 128, 3) == b"TAG" else 0)
    return (end - offset) * 8, frame.bitrate


# ---------------------------------------------------------------------------------------------------------- MP4


def _boxes(source: _Source, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """The (type, content offset, box end) of each ISO BMFF box between `start` and `end`."""
    boxes: list[tuple[bytes, int, int]] = []
    offset = start
    while offset + 8 <= end and len(boxes) < _MAX_BOXES:
        header = source.read(offset, 16)
        size, kind, content = _u32be(header, 0), header[4:8], offset + 8
        if size == 1:
            if len(header) < 16:
                break
            size, content = _u64be(header, 8), offset + 16
        elif size == 0:
            size = end - offset
        if size < content - offset or offset + size > end:
            break
        boxes.append((kind, content, offset + size))
        offset += size
    return boxes


def _mp4(source: _Source) -> _Duration | None:
    """MP4/M4A/MOV: the movie header's (`moov/mvhd`) duration over its timescale."""
    for kind, content, end in _boxes(source, 0, source.size):
        if kind != b"moov":
            continue
        for child, mvhd, _ in _boxes(source, content, end):
            if child != b"mvhd":
                continue
            data = source.read(mvhd, 32)
            if data[:1] == b"\x01" and len(data) == 32:
                timescale, duration, unknown = _u32be(data, 20), _u64be(data, 24), 0xFFFFFFFFFFFFFFFF
            elif data[:1] == b"\x00" and len(data) >= 20:
                timescale, duration, unknown = _u32be(data, 12), _u32be(data, 16), 0xFFFFFFFF
            else:
                return None
            if timescale == 0 or duration in (0, unknown):
                return None
            return duration, timescale
        return None
    return None


# ---------------------------------------------------------------------------------------------------------- FLAC


def _flac(source: _Source, start: int) -> _Duration | None:
    """FLAC: total samples over the sample rate, both from `STREAMINFO` (the first metadata block)."""
    block = source.read(start + 4, 4 + 18)
    if len(block) < 22 or block[0] & 0x7F != 0 or int.from_bytes(block[1:4], "big") < 34:
        return None
    info = block[4:]
    sample_rate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4)
    total_samples = ((info[13] & 0x0F) << 32) | _u32be(info, 14)
    if sample_rate == 0 or total_samples == 0:
        return None
    return total_samples, sample_rate


# ---------------------------------------------------------------------------------------------------------- Ogg


def _ogg_last_granule(source: _Source, serial: bytes) -> int | None:
    """The granule position of the last page of the logical stream `serial` that completes a packet."""
    end = source.size
    while end > 0 and source.size - end <= _OGG_MAX_TAIL:
        start = max(0, end - _OGG_WINDOW)
        window = source.read(start, end - start + 27)
        position = window.rfind(b"OggS", 0, end - start + 3)
        while position >= 0:
            page = window[position : position + 27]
            if len(page) == 27 and page[4] == 0 and page[14:18] == serial:
                granule = int.from_bytes(page[6:14], "little", signed=True)
                if granule >= 0:
                    return granule
            position = window.rfind(b"OggS", 0, position)
        end = start
    return None


def _ogg(source: _Source) -> _Duration | None:
    """Ogg Vorbis/Opus: the last granule position over the sample rate (48 kHz minus the pre-skip for Opus)."""
    page = source.read(0, 27 + 255)
    if len(page) < 27 or page[4] != 0:
        return None
    payload = 27 + page[26]
    packet = source.read(payload, 30)
    if packet[:7] == b"\x01vorbis" and len(packet) >= 16:
        rate, skip = _u32le(packet, 12), 0
    elif packet[:8] == b"OpusHead" and len(packet) >= 12:
        rate, skip = 48000, _u16le(packet, 10)
    else:
        return None
    granule = _ogg_last_granule(source, page[14:18])
    if rate == 0 or granule is None or granule < skip:
        return None
    return granule - skip, rate


# ---------------------------------------------------------------------------------------------------------- API


def _duration(source: _Source, name: str | None) -> _Duration | None:
    head = source.read(0, 12)
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return _wav(source)
    if head[:4] == b"fLaC":
        return _flac(source, 0)
    if head[:4] == b"OggS":
        return _ogg(source)
    if head[4:8] in _MP4_FIRST_BOXES:
        return _mp4(source)
    start = _skip_id3v2(source)
    if start > 0 and source.read(start, 4) == b"fLaC":
        return _flac(source, start)
    named_mp3 = name is not None and name.lower().endswith(_MP3_NAMES)
    return _mp3(source, start, scan=start > 0 or named_mp3)


def _milliseconds(duration: _Duration) -> int:
    """`units / per_second` seconds in milliseconds, rounded half up."""
    units, per_second = duration
    return (units * 2000 + per_second) // (2 * per_second)


def _file_duration(content: object, name: str | None) -> _Duration | None:
    if isinstance(content, bytes | bytearray | memoryview):
        data = memoryview(cast("Buffer", content)).cast("B")
        return _duration(_Source(data, len(data)), name)
    if isinstance(content, os.PathLike):
        path = cast("os.PathLike[str]", content)
        with open(path, "rb") as opened:
            return _file_duration(opened, name or os.fsdecode(path))
    seekable = getattr(content, "seekable", None)
    if not callable(seekable) or not seekable() or not hasattr(content, "read"):
        return None
    file = cast("IO[bytes]", content)
    position = file.tell()
    try:
        size = file.seek(0, os.SEEK_END)
        file_name = getattr(file, "name", None)
        return _duration(_Source(file, size), name or (file_name if isinstance(file_name, str) else None))
    finally:
        file.seek(position)


def audio_file_duration(file: object) -> str | None:
    """The duration of an audio upload in milliseconds (rounded, as a decimal string), or `None` if unknown.

    Args:
        file: What openai accepts as a `file`: bytes, a binary file object, a path (`os.PathLike`) or a tuple
            `(filename, content[, content_type[, headers]])`. A file object must be seekable; its position is
            restored. The file name only helps find MP3 frames after leading junk.

    Returns:
        The duration for the `x-portkey-audio-file-duration` header, or `None` when the format is not recognised,
        the data is truncated or the file cannot be read (never raises).
    """
    name: str | None = None
    content = file
    if isinstance(file, tuple):
        parts = cast("tuple[object, ...]", file)
        if len(parts) < 2:
            return None
        name = parts[0] if isinstance(parts[0], str) else None
        content = parts[1]
    try:
        duration = _file_duration(content, name)
    except Exception:  # a user's file object may raise anything; the request must go out unchanged
        return None
    if duration is None or duration[0] < 0:
        return None
    return str(_milliseconds(duration))


def _is_audio_upload(method: str, url: str) -> bool:
    return method.lower() == "post" and ("/" + urlsplit(url).path.strip("/")).endswith(_AUDIO_PATHS)


def _upload(files: object) -> object | None:
    """The `file` entry of a request's files (a mapping or a sequence of (field, file) pairs)."""
    if isinstance(files, Mapping):
        return cast("Mapping[object, object]", files).get(_UPLOAD_FIELD)
    if isinstance(files, Sequence) and not isinstance(files, str | bytes):
        for entry in cast("Sequence[object]", files):
            if isinstance(entry, tuple):
                pair = cast("tuple[object, ...]", entry)
                if len(pair) == 2 and pair[0] == _UPLOAD_FIELD:
                    return pair[1]
    return None


def audio_duration_header(
    method: str, url: str, files: object, *header_sets: Mapping[str, object] | None
) -> str | None:
    """The `x-portkey-audio-file-duration` value to add to a request, or `None` to leave the request unchanged.

    Args:
        method: The request's HTTP method.
        url: The request's path or URL; only `POST .../audio/transcriptions` and `.../audio/translations` qualify.
        files: The request's files, as openai passes them to the HTTP library.
        *header_sets: Headers already on the request (client defaults, per-call headers); when one of them names
            the duration header (any case, any value), the caller's choice stands and `None` is returned.
    """
    if not _is_audio_upload(method, url):
        return None
    for headers in header_sets:
        if headers and any(name.lower() == AUDIO_DURATION_HEADER for name in headers):
            return None
    upload = _upload(files)
    return None if upload is None else audio_file_duration(upload)
