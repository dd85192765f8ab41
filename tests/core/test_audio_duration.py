"""`calculate_audio_duration`: the duration parsers of `_audio.py` and the `x-portkey-audio-file-duration` header.

Every audio file is generated here: WAV with the standard library's `wave`, the other formats as minimal valid byte
structures built by hand (MPEG frames, ISO BMFF boxes, FLAC STREAMINFO, Ogg pages). Expected durations are worked
out in the comments. The end-to-end tests upload through `audio.transcriptions` / `audio.translations` to the
recording fake provider and read the header it received.
"""

from __future__ import annotations

import io
import os
import random
import struct
import wave
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from openai._types import FileTypes
from typing_extensions import override

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._audio import AUDIO_DURATION_HEADER, audio_duration_header, audio_file_duration
from tests.servers.fake_provider import FakeProvider, Fault, RecordedRequest

# ------------------------------------------------------------------------------------------------------- builders


def wav_bytes(frames: int, rate: int, *, channels: int = 1, width: int = 2) -> bytes:
    """A PCM WAV file written by the standard library."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(bytes(frames * channels * width))
    return buffer.getvalue()


def riff_chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def fmt_chunk(format_tag: int, channels: int, rate: int, byte_rate: int, block_align: int, bits: int) -> bytes:
    return riff_chunk(b"fmt ", struct.pack("<HHIIHH", format_tag, channels, rate, byte_rate, block_align, bits))


def riff(*chunks: bytes) -> bytes:
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def id3v2(size: int) -> bytes:
    """An ID3v2.4 tag of `size` bytes after its 10-byte header (size as a syncsafe integer)."""
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x04\x00\x00" + syncsafe + bytes(size)


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo, no CRC: 144 * 128000 // 44100 = 417 bytes, 1152 samples.
MP3_HEADER = b"\xff\xfb\x90\x00"
MP3_FRAME_LENGTH = 417


def mpeg_frame(header: bytes, length: int, payload: bytes = b"") -> bytes:
    return (header + payload).ljust(length, b"\0")


def cbr_mp3(count: int) -> bytes:
    return mpeg_frame(MP3_HEADER, MP3_FRAME_LENGTH) * count


def xing_mp3(total_frames: int, tag: bytes = b"Xing") -> bytes:
    # MPEG-1 stereo: 32 bytes of side information, so the tag starts 36 bytes into the frame.
    info = bytes(32) + tag + struct.pack(">II", 0x0001, total_frames)
    return mpeg_frame(MP3_HEADER, MP3_FRAME_LENGTH, info) + cbr_mp3(2)


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mvhd(timescale: int, duration: int, *, version: int = 0) -> bytes:
    if version == 1:
        times = struct.pack(">QQIQ", 0, 0, timescale, duration)
    else:
        times = struct.pack(">IIII", 0, 0, timescale, duration)
    return box(b"mvhd", bytes([version, 0, 0, 0]) + times + bytes(80))


def mp4(timescale: int, duration: int, *, version: int = 0, media: bytes = b"") -> bytes:
    ftyp = box(b"ftyp", b"M4A \x00\x00\x02\x00isomM4A ")
    moov = box(b"moov", box(b"udta", bytes(12)) + mvhd(timescale, duration, version=version) + box(b"trak"))
    return ftyp + media + moov


def flac(rate: int, total_samples: int, *, channels: int = 2, bits: int = 16) -> bytes:
    packed = (rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | total_samples
    streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6) + packed.to_bytes(8, "big") + bytes(16)
    return b"fLaC" + bytes([0x80, 0, 0, len(streaminfo)]) + streaminfo + bytes(64)


def ogg_page(packet: bytes, *, granule: int, serial: int = 7, sequence: int = 0, flags: int = 0) -> bytes:
    lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = b"OggS" + bytes([0, flags]) + struct.pack("<qII", granule, serial, sequence) + bytes(4)
    return header + bytes([len(lacing)]) + bytes(lacing) + packet


def vorbis_id(rate: int) -> bytes:
    return b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 2, rate, 0, 128000, 0, 0xB8, 1)


def opus_head(pre_skip: int) -> bytes:
    return b"OpusHead" + struct.pack("<BBHIhB", 1, 2, pre_skip, 44100, 0, 0)


def ogg(first_packet: bytes, granules: list[int], *, packet_size: int = 200) -> bytes:
    pages = [ogg_page(first_packet, granule=0, flags=0x02)]
    pages += [ogg_page(bytes(packet_size), granule=g, sequence=i + 1) for i, g in enumerate(granules)]
    return b"".join(pages)


class CountingReader(io.BytesIO):
    """A seekable binary file that counts the bytes read from it."""

    bytes_read = 0

    @override
    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class FailingReader(io.BytesIO):
    @override
    def read(self, size: int | None = -1, /) -> bytes:
        raise OSError("disk on fire")


# --------------------------------------------------------------------------------------------------------- WAV


def test_wav_written_by_the_standard_library() -> None:
    # 24000 frames at 16 kHz = 1.5 s; 12345 stereo 8-bit frames at 8 kHz = 1543.125 ms.
    assert audio_file_duration(wav_bytes(24000, 16000)) == "1500"
    assert audio_file_duration(wav_bytes(12345, 8000, channels=2, width=1)) == "1543"


def test_wav_rounds_half_up() -> None:
    # 4 frames at 8 kHz = 0.5 ms, 12 frames = 1.5 ms, 3 frames = 0.375 ms.
    assert audio_file_duration(wav_bytes(4, 8000)) == "1"
    assert audio_file_duration(wav_bytes(12, 8000)) == "2"
    assert audio_file_duration(wav_bytes(3, 8000)) == "0"


def test_wav_walks_chunks_before_data() -> None:
    # Float32 stereo at 48 kHz (block align 8) after an odd-sized LIST chunk: 96000 bytes = 12000 frames = 250 ms.
    data = riff(
        fmt_chunk(3, 2, 48000, 384000, 8, 32), riff_chunk(b"LIST", b"INFOabc"), riff_chunk(b"data", bytes(96000))
    )
    assert audio_file_duration(data) == "250"


def test_wav_compressed_uses_fact_samples() -> None:
    # IMA ADPCM (0x11): 22050 samples at 11025 Hz = 2 s whatever the data size.
    data = riff(
        fmt_chunk(0x11, 1, 11025, 5588, 256, 4),
        riff_chunk(b"fact", struct.pack("<I", 22050)),
        riff_chunk(b"data", bytes(1000)),
    )
    assert audio_file_duration(data) == "2000"


def test_wav_streaming_size_is_clamped_to_the_data_present() -> None:
    # A data size of 0xFFFFFFFF (written before the length was known): the 32000 bytes present = 1 s at 16 kHz.
    whole = wav_bytes(16000, 16000)
    data = whole[:40] + struct.pack("<I", 0xFFFFFFFF) + whole[44:]
    assert audio_file_duration(data) == "1000"


def test_rf64_takes_the_data_size_from_ds64() -> None:
    # 8-bit mono at 8 kHz, ds64 data size 4000 bytes = 500 ms.
    ds64 = riff_chunk(b"ds64", struct.pack("<QQQI", 0, 4000, 4000, 0))
    body = b"WAVE" + ds64 + fmt_chunk(1, 1, 8000, 8000, 1, 8) + b"data" + struct.pack("<I", 0xFFFFFFFF) + bytes(4000)
    assert audio_file_duration(b"RF64" + struct.pack("<I", 0xFFFFFFFF) + body) == "500"


# --------------------------------------------------------------------------------------------------------- MP3


def test_mp3_cbr_estimate_from_size_and_bitrate() -> None:
    # 100 frames of 417 bytes at 128 kbit/s: 41700 * 8 / 128000 s = 2606.25 ms.
    assert audio_file_duration(cbr_mp3(100)) == "2606"


def test_mp3_skips_id3v2_and_id3v1() -> None:
    # The tags do not count as audio: the same 2606 ms as without them.
    assert audio_file_duration(id3v2(300) + cbr_mp3(100) + b"TAG" + bytes(125)) == "2606"


def test_mp3_xing_frame_count() -> None:
    # 1000 frames * 1152 samples / 44100 Hz = 26122.45 ms.
    assert audio_file_duration(xing_mp3(1000)) == "26122"
    assert audio_file_duration(id3v2(50) + xing_mp3(1000, b"Info")) == "26122"


def test_mp3_vbri_frame_count() -> None:
    # VBRI sits 32 bytes after the header: version, delay, quality, bytes, then 500 frames = 13061.22 ms.
    vbri = bytes(32) + b"VBRI" + struct.pack(">HHHII", 1, 0, 75, 123456, 500)
    assert audio_file_duration(mpeg_frame(MP3_HEADER, MP3_FRAME_LENGTH, vbri) + cbr_mp3(2)) == "13061"


def test_mpeg2_mono_xing_after_9_bytes_of_side_information() -> None:
    # MPEG-2 Layer III, 64 kbit/s, 22.05 kHz, mono: 72 * 64000 // 22050 = 208 bytes, 576 samples per frame.
    # 300 frames * 576 / 22050 Hz = 7836.73 ms.
    header = b"\xff\xf3\x80\xc0"
    first = mpeg_frame(header, 208, bytes(9) + b"Xing" + struct.pack(">II", 1, 300))
    assert audio_file_duration(first + mpeg_frame(header, 208) * 2) == "7837"


def test_mpeg1_layer2_cbr() -> None:
    # Layer II, 192 kbit/s, 48 kHz: 144 * 192000 // 48000 = 576 bytes; 50 frames = 28800 * 8 / 192000 s = 1.2 s.
    assert audio_file_duration(mpeg_frame(b"\xff\xfd\xa4\x00", 576) * 50) == "1200"


def test_mp3_after_junk_is_found_only_for_an_mp3_name() -> None:
    data = b"not a frame sync at all" + cbr_mp3(100)
    # The junk does not count: 2606 ms as above.
    assert audio_file_duration(("speech.MP3", data)) == "2606"
    assert audio_file_duration(("speech.mpga", data, "audio/mpeg")) == "2606"
    assert audio_file_duration(data) is None
    assert audio_file_duration(("speech.wav", data)) is None


def test_mp3_needs_two_consistent_frames() -> None:
    # A frame sync followed by something that is not the next frame is not MP3.
    assert audio_file_duration(mpeg_frame(MP3_HEADER, MP3_FRAME_LENGTH) + b"\x00" * 600) is None
    # A frame cut short is not one either.
    assert audio_file_duration(MP3_HEADER + bytes(100)) is None


# --------------------------------------------------------------------------------------------------------- MP4


def test_mp4_mvhd_version_0() -> None:
    assert audio_file_duration(mp4(1000, 12345)) == "12345"


def test_mp4_mvhd_version_1() -> None:
    # 154350 / 44100 = 3.5 s.
    assert audio_file_duration(mp4(44100, 154350, version=1)) == "3500"


def test_mp4_moov_after_a_64_bit_mdat() -> None:
    media = struct.pack(">I4sQ", 1, b"mdat", 16 + 5000) + bytes(5000)
    assert audio_file_duration(mp4(600, 1234, media=media)) == "2057"  # 1234 / 600 s = 2056.67 ms


def test_mp4_unknown_duration() -> None:
    assert audio_file_duration(mp4(1000, 0)) is None
    assert audio_file_duration(mp4(1000, 0xFFFFFFFF)) is None
    assert audio_file_duration(mp4(0, 1000)) is None


# -------------------------------------------------------------------------------------------------------- FLAC


def test_flac_streaminfo() -> None:
    # 100000 samples at 44.1 kHz = 2267.57 ms; 2^35 + 1 samples at 96 kHz uses all 36 bits.
    assert audio_file_duration(flac(44100, 100000)) == "2268"
    assert audio_file_duration(flac(96000, (1 << 35) + 1)) == str(((1 << 35) + 1) * 1000 // 96000)


def test_flac_after_id3v2() -> None:
    assert audio_file_duration(id3v2(40) + flac(48000, 24000)) == "500"


def test_flac_unknown_total_samples() -> None:
    assert audio_file_duration(flac(44100, 0)) is None


# --------------------------------------------------------------------------------------------------------- Ogg


def test_ogg_vorbis_last_granule_over_sample_rate() -> None:
    # The last granule 463050 at 44.1 kHz = 10.5 s.
    assert audio_file_duration(ogg(vorbis_id(44100), [44100, 220500, 463050])) == "10500"


def test_ogg_skips_pages_without_granule_and_other_streams() -> None:
    data = ogg(vorbis_id(8000), [8000, 16000])
    data += ogg_page(bytes(50), granule=-1, sequence=3)  # no packet ends on this page
    data += ogg_page(bytes(50), granule=10**9, serial=99)  # another logical stream
    assert audio_file_duration(data) == "2000"


def test_ogg_opus_subtracts_pre_skip_at_48_khz() -> None:
    # (240000 + 312 - 312) / 48000 = 5 s.
    assert audio_file_duration(ogg(opus_head(312), [48312, 240312])) == "5000"


@pytest.mark.parametrize("shift", range(-6, 6))
def test_ogg_last_page_across_the_search_windows(shift: int) -> None:
    # The tail is searched backwards 64 KiB at a time: put the last page (granule 96000 = 2 s at 48 kHz) so that its
    # capture pattern starts `shift` bytes from the start of the last window, followed by trailing junk.
    head = ogg(opus_head(0), [48000]) + ogg_page(bytes(100), granule=96000, sequence=2)
    junk = bytes(64 * 1024 - shift - len(ogg_page(bytes(100), granule=0)))
    assert audio_file_duration(head + junk) == "2000"


def test_ogg_granule_below_pre_skip() -> None:
    assert audio_file_duration(ogg(opus_head(312), [100])) is None


# ------------------------------------------------------------------------------------------ inputs and failures

SAMPLES = {
    "wav": wav_bytes(16000, 16000),
    "mp3": xing_mp3(1000),
    "mp4": mp4(1000, 12345),
    "flac": flac(44100, 100000),
    "ogg": ogg(vorbis_id(44100), [463050]),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_truncated_headers_give_none(kind: str) -> None:
    data = SAMPLES[kind]
    header_end = {"wav": 44, "mp3": 40, "mp4": 60, "flac": 26, "ogg": 43}[kind]
    for cut in range(header_end):
        assert audio_file_duration(data[:cut]) is None, cut


@pytest.mark.parametrize("seed", range(20))
def test_garbage_gives_none(seed: int) -> None:
    assert audio_file_duration(random.Random(seed).randbytes(4096)) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"fLaC" + bytes(200),
        b"OggS" + bytes(200),
        b"\x00\x00\x00\x20ftyp" + bytes(200),
        b"ID3\x04\x00\x00\x00\x00\x00\x05" + bytes(5),
        b"\x1aE\xdf\xa3 webm is not supported",
        b"RIFF\x24\x00\x00\x00AVI LIST",
    ],
    ids=["empty", "riff-no-chunks", "flac-no-streaminfo", "ogg-zeros", "mp4-no-moov", "id3-only", "webm", "avi"],
)
def test_undecodable_gives_none(data: bytes) -> None:
    assert audio_file_duration(data) is None


def test_bytes_like_inputs() -> None:
    data = SAMPLES["flac"]
    assert audio_file_duration(bytearray(data)) == "2268"
    assert audio_file_duration(memoryview(data)) == "2268"


def test_path_and_tuple_inputs(tmp_path: Path) -> None:
    path = tmp_path / "clip.wav"
    path.write_bytes(SAMPLES["wav"])
    assert audio_file_duration(path) == "1000"
    assert audio_file_duration(("clip.wav", path)) == "1000"
    assert audio_file_duration(("clip.wav", SAMPLES["wav"], "audio/wav", {"x-a": "b"})) == "1000"
    assert audio_file_duration((None, io.BytesIO(SAMPLES["wav"]))) == "1000"


@pytest.mark.parametrize(
    "value",
    [None, "clip.wav", 42, ("only-a-name",), ("name", "text content"), [SAMPLES["wav"]]],
    ids=["none", "str", "int", "short-tuple", "str-content", "list"],
)
def test_unsupported_inputs_give_none(value: object) -> None:
    assert audio_file_duration(value) is None


def test_missing_path_gives_none(tmp_path: Path) -> None:
    assert audio_file_duration(tmp_path / "missing.wav") is None


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_file_position_is_restored(kind: str) -> None:
    file = io.BytesIO(SAMPLES[kind])
    file.seek(7)
    assert audio_file_duration(file) is not None
    assert file.tell() == 7
    assert audio_file_duration(("clip", file)) is not None
    assert file.tell() == 7


def test_real_file_position_is_restored_and_name_is_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "speech.mp3"
    path.write_bytes(b"junk before the frames" + cbr_mp3(100))
    with path.open("rb") as file:
        file.seek(3)
        assert audio_file_duration(file) == "2606"  # found through the file's name
        assert file.tell() == 3
        assert file.read() == path.read_bytes()[3:]


def test_text_file_gives_none(tmp_path: Path) -> None:
    path = tmp_path / "clip.wav"
    path.write_bytes(SAMPLES["wav"][:44])
    with path.open(encoding="latin-1") as file:
        file.read(5)
        position = file.tell()
        assert audio_file_duration(file) is None
        assert file.tell() == position


def test_unseekable_file_is_not_consumed() -> None:
    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as reader, open(write_fd, "wb") as writer:
        writer.write(SAMPLES["wav"][:1000])
        writer.close()
        assert audio_file_duration(reader) is None
        assert reader.read() == SAMPLES["wav"][:1000]


def test_failing_or_closed_file_gives_none() -> None:
    assert audio_file_duration(FailingReader(SAMPLES["wav"])) is None
    closed = io.BytesIO(SAMPLES["wav"])
    closed.close()
    assert audio_file_duration(closed) is None


LARGE: dict[str, tuple[Callable[[], bytes], str]] = {
    "mp4": (lambda: mp4(1000, 60000, media=box(b"mdat", bytes(4 << 20))), "60000"),
    "mp3": (lambda: id3v2(10) + cbr_mp3(10000), "260625"),  # 4170000 * 8 / 128000 s
    "ogg": (lambda: ogg(vorbis_id(48000), [48000 * (i + 1) for i in range(1000)], packet_size=4000), "1000000"),
    "wav": (lambda: wav_bytes(48000 * 30, 48000, channels=2), "30000"),
}


@pytest.mark.parametrize("kind", sorted(LARGE))
def test_large_files_are_not_read_whole(kind: str) -> None:
    build, expected = LARGE[kind]
    data = build()
    assert len(data) > 4_000_000
    file = CountingReader(data)
    assert audio_file_duration(file) == expected
    assert file.bytes_read < 200_000, kind


# ------------------------------------------------------------------------------------------ header decision


def test_header_only_for_audio_uploads() -> None:
    files = [("file", SAMPLES["wav"])]
    assert audio_duration_header("post", "/audio/transcriptions", files) == "1000"
    assert audio_duration_header("POST", "/audio/translations/", {"file": SAMPLES["wav"]}) == "1000"
    assert audio_duration_header("post", "https://gw.test/v1/audio/transcriptions?x=1", files) == "1000"
    assert audio_duration_header("get", "/audio/transcriptions", files) is None
    assert audio_duration_header("post", "/audio/speech", files) is None
    assert audio_duration_header("post", "/files", files) is None
    assert audio_duration_header("post", "/v1/my-audio/transcriptions", files) is None


def test_header_needs_a_file_entry() -> None:
    assert audio_duration_header("post", "/audio/transcriptions", None) is None
    assert audio_duration_header("post", "/audio/transcriptions", [("other", SAMPLES["wav"])]) is None
    assert audio_duration_header("post", "/audio/transcriptions", {"other": SAMPLES["wav"]}) is None
    assert audio_duration_header("post", "/audio/transcriptions", [("file", b"not audio")]) is None


def test_header_set_by_the_caller_wins() -> None:
    files = {"file": SAMPLES["wav"]}
    url = "/audio/transcriptions"
    assert audio_duration_header("post", url, files, {"X-Portkey-Audio-File-Duration": "5"}) is None
    assert audio_duration_header("post", url, files, None, {AUDIO_DURATION_HEADER: "5"}) is None
    assert audio_duration_header("post", url, files, {"x-other": "1"}, None) == "1000"


# ------------------------------------------------------------------------------------------ end to end

TRANSCRIPTIONS = "/v1/audio/transcriptions"
TRANSLATIONS = "/v1/audio/translations"
FILE_OBJECT = {
    "id": "file-1",
    "object": "file",
    "bytes": 1,
    "created_at": 1,
    "filename": "clip.wav",
    "purpose": "user_data",
    "status": "processed",
}


@pytest.fixture
def provider(fake_provider: FakeProvider) -> FakeProvider:
    """The fake provider, answering the audio and files endpoints (it has no built-in routes for them)."""
    fake_provider.set_route("POST", TRANSCRIPTIONS, json_body={"text": "hello"})
    fake_provider.set_route("POST", TRANSLATIONS, json_body={"text": "bonjour"})
    fake_provider.set_route("POST", "/v1/files", json_body=FILE_OBJECT)
    return fake_provider


@pytest.fixture(params=[False, True], ids=["sync", "async"])
async def client(request: pytest.FixtureRequest, provider: FakeProvider) -> AsyncIterator[Portkey | AsyncPortkey]:
    """A default client (calculate_audio_duration=True) on the fake provider, sync or async."""
    if request.param:
        async with AsyncPortkey(base_url=provider.base_url, api_key="pk-test") as async_client:
            yield async_client
    else:
        with Portkey(base_url=provider.base_url, api_key="pk-test") as sync_client:
            yield sync_client


async def transcribe(
    client: Portkey | AsyncPortkey, file: FileTypes, *, extra_headers: dict[str, str] | None = None
) -> str:
    if isinstance(client, AsyncPortkey):
        result = await client.audio.transcriptions.create(file=file, model="whisper-1", extra_headers=extra_headers)
    else:
        result = client.audio.transcriptions.create(file=file, model="whisper-1", extra_headers=extra_headers)
    return result.text


async def translate(client: Portkey | AsyncPortkey, file: FileTypes) -> str:
    if isinstance(client, AsyncPortkey):
        result = await client.audio.translations.create(file=file, model="whisper-1")  # pyright: ignore[reportDeprecated]
    else:
        result = client.audio.translations.create(file=file, model="whisper-1")  # pyright: ignore[reportDeprecated]
    return result.text


def last(provider: FakeProvider) -> RecordedRequest:
    return provider.requests[-1]


async def test_transcription_sends_the_duration(
    client: Portkey | AsyncPortkey, provider: FakeProvider, tmp_path: Path
) -> None:
    wav = wav_bytes(24000, 16000)  # 1.5 s
    path = tmp_path / "clip.wav"
    path.write_bytes(wav)
    with path.open("rb") as file:
        assert await transcribe(client, file) == "hello"
    assert last(provider).path == TRANSCRIPTIONS
    assert last(provider).headers[AUDIO_DURATION_HEADER] == "1500"
    assert wav in last(provider).body  # the whole file was uploaded
    for upload in (path, wav, ("clip.wav", wav, "audio/wav")):
        assert await transcribe(client, upload) == "hello"
        assert last(provider).headers[AUDIO_DURATION_HEADER] == "1500"
    assert len(provider.requests) == 4


# openai 3.x marks `audio.translations.create` deprecated; the endpoint is still served by the gateway.
@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
async def test_translation_sends_the_duration(client: Portkey | AsyncPortkey, provider: FakeProvider) -> None:
    assert await translate(client, ("clip.ogg", ogg(opus_head(312), [240312]))) == "bonjour"
    assert last(provider).path == TRANSLATIONS
    assert last(provider).headers[AUDIO_DURATION_HEADER] == "5000"


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_disabled_sends_no_header(provider: FakeProvider, is_async: bool) -> None:
    wav = wav_bytes(24000, 16000)
    if is_async:
        async with AsyncPortkey(base_url=provider.base_url, api_key="pk-test", calculate_audio_duration=False) as ac:
            assert await transcribe(ac, wav) == "hello"
    else:
        with Portkey(base_url=provider.base_url, api_key="pk-test", calculate_audio_duration=False) as sc:
            assert await transcribe(sc, wav) == "hello"
    assert AUDIO_DURATION_HEADER not in last(provider).headers
    assert wav in last(provider).body


async def test_with_options_switches_it(client: Portkey | AsyncPortkey, provider: FakeProvider) -> None:
    wav = wav_bytes(8000, 8000)  # 1 s
    # `copy`/`with_options` do not declare `calculate_audio_duration` yet; it is carried at run time.
    off = client.with_options(calculate_audio_duration=False)
    assert await transcribe(off, wav) == "hello"
    assert AUDIO_DURATION_HEADER not in last(provider).headers
    await transcribe(off.with_options(trace_id="t-1"), wav)  # a copy of the copy stays off
    assert last(provider).headers["x-portkey-trace-id"] == "t-1"
    assert AUDIO_DURATION_HEADER not in last(provider).headers
    await transcribe(client, wav)  # the original is unchanged
    assert last(provider).headers[AUDIO_DURATION_HEADER] == "1000"
    await transcribe(off.with_options(calculate_audio_duration=True), wav)
    assert last(provider).headers[AUDIO_DURATION_HEADER] == "1000"
    assert client.calculate_audio_duration and not off.calculate_audio_duration


async def test_callers_header_is_kept(client: Portkey | AsyncPortkey, provider: FakeProvider) -> None:
    wav = wav_bytes(8000, 8000)
    await transcribe(client, wav, extra_headers={"X-Portkey-Audio-File-Duration": "42"})
    assert last(provider).headers[AUDIO_DURATION_HEADER] == "42"
    await transcribe(client.with_options(default_headers={AUDIO_DURATION_HEADER: "7"}), wav)
    assert last(provider).headers[AUDIO_DURATION_HEADER] == "7"


async def test_unknown_format_goes_out_unchanged(client: Portkey | AsyncPortkey, provider: FakeProvider) -> None:
    assert await transcribe(client, ("notes.txt", b"not audio at all")) == "hello"
    assert AUDIO_DURATION_HEADER not in last(provider).headers
    assert b"not audio at all" in last(provider).body


async def test_every_attempt_carries_the_header(client: Portkey | AsyncPortkey, provider: FakeProvider) -> None:
    provider.enqueue(Fault(status=500, headers={"retry-after-ms": "1"}), path=TRANSCRIPTIONS)
    wav = wav_bytes(8000, 8000)
    assert await transcribe(client, io.BytesIO(wav)) == "hello"
    attempts = provider.wait_for_requests(2, path=TRANSCRIPTIONS)
    assert [r.headers.get(AUDIO_DURATION_HEADER) for r in attempts] == ["1000", "1000"]
    assert all(wav in r.body for r in attempts)


async def test_other_uploads_get_no_header(client: Portkey | AsyncPortkey, provider: FakeProvider) -> None:
    upload = ("clip.wav", wav_bytes(8000, 8000))
    if isinstance(client, AsyncPortkey):
        created = await client.files.create(file=upload, purpose="user_data")
    else:
        created = client.files.create(file=upload, purpose="user_data")
    assert created.id == "file-1"
    assert last(provider).path == "/v1/files"
    assert AUDIO_DURATION_HEADER not in last(provider).headers
