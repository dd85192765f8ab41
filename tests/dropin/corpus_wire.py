"""What the official-SDK corpus records of a request, and what its recording server answers (standard library only).

Shared by the recorder (`scripts/record_official_corpus.py`, which runs it inside a throwaway environment holding the
official `portkey-ai` SDK) and the replay test (`test_official_corpus.py`, which runs it against this project's
client), so both clients see the same answers and are captured the same way. Both sides serve with
`tests.servers.fault_server.FaultServer`.
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast
from urllib.parse import parse_qsl

from tests.servers.fault_server import Action, Events, Request, json_reply

__all__ = [
    "CLIENT_OPTIONS",
    "VOLATILE_HEADERS",
    "answer",
    "capture",
    "consume",
    "consume_async",
    "decode_value",
    "resolve",
]

CLIENT_OPTIONS: dict[str, Any] = {
    "api_key": "pk-corpus-key",
    "virtual_key": "vk-corpus",
    "config": "pc-corpus-config",
    "trace_id": "trace-corpus",
    "metadata": {"_user": "corpus-user", "environment": "corpus"},
    "cache_namespace": "corpus-namespace",
}
"""The options both clients are built with (plus `base_url`, the recording server's)."""

VOLATILE_HEADERS = frozenset({"x-portkey-package-version", "x-portkey-runtime", "x-portkey-runtime-version"})
"""`x-portkey-*` headers that name the SDK or the Python runtime: never recorded, never compared."""

_OBJECT: dict[str, object] = {
    "id": "corpus-object-1",
    "object": "corpus.object",
    "created": 1,
    "created_at": 1,
    "status": "completed",
    "data": [],
    "has_more": False,
    "file_counts": {"cancelled": 0, "completed": 1, "failed": 0, "in_progress": 0, "total": 1},
}


def answer(request: Request) -> Action:
    """The recording server's answer: an SSE stream of only `[DONE]` when the JSON body asks for a stream, else one
    JSON object every client can parse (terminal statuses, so the SDKs' polling helpers stop at once)."""
    body = _json_or_none(request.body)
    if isinstance(body, dict) and body.get("stream") is True:
        return Events(())
    status = "processed" if request.path.startswith("/v1/files") else "completed"
    reply: dict[str, object] = {**_OBJECT, "status": status}
    if request.path.startswith("/v1/uploads"):  # openai's chunked upload validates these objects
        reply["object"] = "upload.part" if request.path.endswith("/parts") else "upload"
    return json_reply(reply)


def capture(request: Request) -> dict[str, object]:
    """What the corpus records of one request: method, path, sorted query pairs, base content type, the
    non-volatile `x-portkey-*` headers, and the body (JSON, multipart fields, or text)."""
    content_type = request.headers.get("content-type", "")
    base_type = content_type.split(";", 1)[0].strip().lower()
    query = request.target.partition("?")[2]
    headers = {
        name: value
        for name, value in sorted(request.headers.items())
        if name.startswith("x-portkey-") and name not in VOLATILE_HEADERS
    }
    return {
        "method": request.method,
        "path": request.path,
        "query": sorted([list(pair) for pair in parse_qsl(query, keep_blank_values=True)]),
        "content_type": base_type or None,
        "headers": headers,
        "body": _body(request.body, base_type, content_type),
    }


def _json_or_none(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _body(raw: bytes, base_type: str, content_type: str) -> object:
    if not raw:
        return None
    if base_type == "multipart/form-data":
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        if boundary is not None:
            return {"multipart": _multipart(raw, boundary.group(1).encode())}
    parsed = _json_or_none(raw)
    if parsed is not None:
        return parsed
    return {"text": raw.decode("utf-8", "replace")}


def _multipart(raw: bytes, boundary: bytes) -> list[list[object]]:
    """The form's fields in order as `[name, value]` or `[name, {"filename", "content_type", "content"}]`."""
    fields: list[list[object]] = []
    for part in raw.split(b"--" + boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.strip(b"\r\n").partition(b"\r\n\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head.decode("utf-8", "replace").split("\r\n"))
        }
        disposition = headers.get("content-disposition", "")
        name = re.search(r'name="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        text = content.decode("utf-8", "replace")
        if filename is None:
            fields.append([name.group(1) if name else "", text])
        else:
            file = {"filename": filename.group(1), "content_type": headers.get("content-type"), "content": text}
            fields.append([name.group(1) if name else "", file])
    return fields


def decode_value(value: object) -> Any:
    """A recorded call argument as the value to pass: JSON data, except `{"$bytes": text}` (UTF-8 bytes),
    `{"$tuple": [...]}` (a tuple) and `{"$file": {"name": ..., "text": ...}}` (an in-memory file with a name)."""
    if isinstance(value, list):
        return [decode_value(item) for item in cast("list[object]", value)]
    if not isinstance(value, dict):
        return value
    mapping = cast("dict[str, object]", value)
    if set(mapping) == {"$bytes"}:
        return str(mapping["$bytes"]).encode()
    if set(mapping) == {"$tuple"}:
        return tuple(decode_value(item) for item in cast("list[object]", mapping["$tuple"]))
    if set(mapping) == {"$file"}:
        spec = cast("dict[str, str]", mapping["$file"])
        file = io.BytesIO(spec["text"].encode())
        file.name = spec["name"]
        return file
    return {key: decode_value(item) for key, item in mapping.items()}


def resolve(client: object, path: str) -> Any:
    """The bound method at a dotted method path of a client (`"beta.threads.runs.create"`)."""
    target = client
    for name in path.split("."):
        target = getattr(target, name)
    return target


def consume(result: object) -> None:
    """Drive what a sync call returned until its requests are sent: iterate a stream, enter a stream manager."""
    if isinstance(result, Iterator):
        for _ in cast("Iterator[object]", result):
            pass
    elif type(result).__name__.endswith("StreamManager"):
        with cast("Any", result) as stream:
            for _ in stream:
                pass


async def consume_async(result: object) -> None:
    """Drive what an async call returned until its requests are sent: await it, then iterate a stream or enter a
    stream manager."""
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, AsyncIterator):
        async for _ in cast("AsyncIterator[object]", result):
            pass
    elif isinstance(result, Iterator):
        for _ in cast("Iterator[object]", result):
            pass
    elif type(result).__name__.endswith("StreamManager"):
        async with cast("Any", result) as stream:
            async for _ in stream:
                pass
