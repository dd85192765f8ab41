"""A fake OpenAI-compatible provider, owned by the tests.

A raw asyncio HTTP/1.1 server (standard library only, so that it can misbehave at the TCP level) on the shared
``StreamServer`` (``scaffold.py``: its own event loop in a background thread), listening on 127.0.0.1. It serves a deterministic imitation of the OpenAI API
under ``/v1`` and records every request it receives. Faults (error statuses, delays, dropped or reset connections,
invalid JSON, cut or failing streams) are injected per request, either queued from the test with
:meth:`FakeProvider.enqueue` or sent by the client in the ``x-fake-fault`` request header.

Served endpoints (every response carries ``x-fake-deployment: <name>`` and a unique ``x-request-id``; the ``model``
field of a response is the requested model):

- ``POST /v1/chat/completions``: the assistant answers ``"echo: <last user message>"`` (:func:`echo_text`), as JSON or
  as server-sent events when ``"stream": true``. With ``tools`` (and ``tool_choice`` other than ``"none"``) it calls
  the tool named by ``tool_choice``, else the first one (see "Tool arguments"). With ``response_format`` of type
  ``json_schema`` the content is a JSON object matching the schema (strings ``"text"``, integers ``1``, numbers
  ``1.5``, booleans ``true``, the first enum option, one array item, non-null ``anyOf`` options); with type
  ``json_object`` it is ``{"echo": <last user message>}``, unless that message mentions ``key`` or ``keys`` and
  quotes names: then the object has those names as keys, in order, each with the value ``"text"`` (``Return JSON
  with 'setup' and 'punchline' keys`` gives ``{"setup": "text", "punchline": "text"}``).
- ``POST /v1/completions``: the text is ``"echo: <prompt>"``, plain or streamed.
- ``POST /v1/embeddings``: deterministic vectors (:func:`fake_embedding`), as floats or base64 per
  ``encoding_format``.
- ``GET /v1/models`` and ``GET /v1/models/{id}``.
- Anything else: a static route set with :meth:`FakeProvider.set_route`, or a 404 in OpenAI's error shape.

Tool arguments are a pure function of the tool's JSON schema and the last user message (the "prompt"). Only the
required parameters get a value, in the order of ``required``:

1. A call of the tool written in the prompt, e.g. ``magic_function(3)`` or ``get_weather('Oslo, Norway', 2)``, gives
   them by position (JSON literals, quoted strings or bare words).
2. Each parameter still without a value takes, from the rest of the prompt: for an enum, the first option the prompt
   names (case-insensitive, as a whole word); for a string, the next unused quoted string (``'...'`` or ``"..."``
   starting and ending at a word boundary, so apostrophes don't count); for an integer or number, the next unused
   number outside quotes.
3. A value that does not fit the parameter's type is skipped; a parameter left without one gets the schema example
   above (``"text"``, ``1``, ...).

So ``"What is 1 + 2"`` calls an adder with ``{"a": 1, "b": 2}``, ``"Create a customer named '你好'"`` fills the
first string parameter with ``"你好"``, and a prompt with no quotes, numbers or call asks for the schema example.
Arguments and JSON content keep non-ASCII characters unescaped, as OpenAI sends them.

Run it as a process with ``python -m tests.servers.fake_provider --port N --name NAME``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import hashlib
import http
import json
import re
import struct
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Literal, cast
from urllib.parse import parse_qs, urlsplit

from typing_extensions import override

from tests.servers.scaffold import StreamServer, chunk, read_chunked, reset, serve_until_signalled

__all__ = [
    "MODELS",
    "CaseInsensitiveHeaders",
    "FakeProvider",
    "Fault",
    "RecordedRequest",
    "echo_text",
    "fake_embedding",
    "main",
]

MODELS: Final[tuple[str, ...]] = ("gpt-4o-mini", "gpt-4o", "gpt-3.5-turbo-instruct", "text-embedding-3-small")
"""The model ids listed by ``GET /v1/models``."""

DEFAULT_EMBEDDING_DIMENSIONS: Final = 16
FAULT_HEADER: Final = "x-fake-fault"
_CREATED: Final = 1_700_000_000
_QUOTED: Final = re.compile(r"""(?<!\w)(?:'([^'\n]+)'|"([^"\n]+)")(?!\w)""")
_NUMBER: Final = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w)")
_CALL_ARGUMENT: Final = re.compile(r"""(?:'[^']*'|"[^"]*"|[^,'"])+""")
_KEYS_WORD: Final = re.compile(r"\bkeys?\b", re.IGNORECASE)


def echo_text(text: str) -> str:
    """The text the fake provider answers to a prompt or last user message ``text``."""
    return f"echo: {text}"


def fake_embedding(text: str, dimensions: int = DEFAULT_EMBEDDING_DIMENSIONS) -> list[float]:
    """The deterministic embedding of ``text``.

    Every value is ``(byte - 128) / 128`` for bytes of a SHA-256 stream, so it is exactly representable as a float32
    and the base64 encoding round-trips without loss.
    """
    data = b""
    counter = 0
    while len(data) < dimensions:
        data += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    return [(byte - 128) / 128 for byte in data[:dimensions]]


class CaseInsensitiveHeaders(Mapping[str, str]):
    """Read-only request headers with case-insensitive names; repeated headers are joined with ``", "``."""

    __slots__ = ("_items",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        """Build the mapping from ``(name, value)`` pairs in the order received."""
        items: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            items[key] = f"{items[key]}, {value}" if key in items else value
        self._items = items

    @override
    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()]

    @override
    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    @override
    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    @override
    def __len__(self) -> int:
        return len(self._items)

    @override
    def __repr__(self) -> str:
        return f"CaseInsensitiveHeaders({self._items!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake provider received it (recorded before any fault is applied).

    Attributes:
        method: The HTTP method, upper case.
        path: The path without the query string, e.g. ``/v1/chat/completions``.
        query: The parsed query string.
        headers: The request headers, case-insensitive.
        body: The raw body.
        json: The body parsed as JSON, or ``None`` when it is empty or not JSON.
        peer_port: The client's TCP port (shows connection reuse).
        received_at: ``time.monotonic()`` when the request was complete.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveHeaders
    body: bytes
    json: Any
    peer_port: int
    received_at: float


@dataclass(frozen=True)
class Fault:
    """Misbehaviour for one request.

    Applied in this order: ``delay_before_headers``; then ``drop_before_headers`` or ``reset`` end the connection
    without a response; then ``status`` (with ``body``, or an OpenAI-shaped error) replaces the response; a ``body``
    without ``status`` is sent with status 200. Otherwise the normal response is sent with ``headers`` added, and
    ``invalid_json`` (plain: a truncated JSON body; stream: one truncated event), ``stream_cut_after``,
    ``stream_reset_after``, ``stream_error_after`` and ``chunk_delay`` change it.

    Attributes:
        status: Answer with this HTTP status.
        headers: Extra response headers (e.g. ``retry-after``).
        body: Response body for ``status`` (a dict is sent as JSON).
        delay_before_headers: Seconds to wait before answering.
        drop_before_headers: Close the connection (FIN) without a response.
        reset: Reset the connection (RST) without a response.
        invalid_json: Send a 200 whose JSON body is truncated.
        stream_cut_after: Send this many events, then end the body without ``[DONE]`` and close the connection.
        stream_reset_after: Send this many events, then reset the connection (RST).
        stream_error_after: Send this many events, then an event ``{"error": {...}}`` and end the body.
        chunk_delay: Seconds to wait before each streamed event.
    """

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    body: bytes | str | dict[str, Any] | None = None
    delay_before_headers: float = 0.0
    drop_before_headers: bool = False
    reset: bool = False
    invalid_json: bool = False
    stream_cut_after: int | None = None
    stream_reset_after: int | None = None
    stream_error_after: int | None = None
    chunk_delay: float = 0.0

    def __post_init__(self) -> None:
        # Fields arrive from JSON (the x-fake-fault header) too, so their types are checked at run time.
        given: dict[str, object] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        value = given["status"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599):
            raise ValueError(f"Fault.status must be an HTTP status between 100 and 599, got {value!r}")
        value = given["headers"]
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and "\r" not in v and "\n" not in v
            for k, v in cast("Mapping[object, object]", value).items()
        ):
            raise ValueError("Fault.headers must map header names to single-line string values")
        value = given["body"]
        if value is not None and not isinstance(value, bytes | str | dict):
            raise ValueError(f"Fault.body must be bytes, str, dict or None, got {type(value).__name__}")
        for name in ("delay_before_headers", "chunk_delay"):
            value = given[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"Fault.{name} must be a non-negative number of seconds, got {value!r}")
        for name in ("drop_before_headers", "reset", "invalid_json"):
            value = given[name]
            if not isinstance(value, bool):
                raise ValueError(f"Fault.{name} must be a bool, got {value!r}")
        for name in ("stream_cut_after", "stream_reset_after", "stream_error_after"):
            value = given[name]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"Fault.{name} must be a non-negative int or None, got {value!r}")

    @classmethod
    def from_json(cls, text: str) -> Fault:
        """Parse the JSON object of an ``x-fake-fault`` header (keys are field names)."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("the fault must be a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        return cls(**data)

    def to_json(self) -> str:
        """The fault as an ``x-fake-fault`` header value (fields left at their default are omitted)."""
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            if value != default:
                data[f.name] = dict(value) if isinstance(value, Mapping) else value
        if isinstance(self.body, bytes):
            data["body"] = self.body.decode()
        return json.dumps(data, separators=(",", ":"))


@dataclass(frozen=True)
class _Route:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class _Plain:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class _Stream:
    events: list[bytes]
    headers: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])


_Response = _Plain | _Stream


class _BadRequest(Exception):
    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _error_type(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 404:
        return "not_found_error"
    if status == 429:
        return "rate_limit_exceeded"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def _error_body(status: int, message: str, *, param: str | None = None, code: str | None = None) -> bytes:
    return _dumps({"error": {"message": message, "type": _error_type(status), "param": param, "code": code}})


def _json_response(status: int, body: bytes) -> _Plain:
    return _Plain(status, [("content-type", "application/json")], body)


def _content_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            elif isinstance(part, str):
                parts.append(part)
        return " ".join(parts)
    return ""


def _word_count(text: str) -> int:
    return len(text.split())


def _pieces(text: str) -> list[str]:
    """Split ``text`` into stream deltas: one per word, trailing whitespace included."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def _example(schema: object, root: Mapping[str, Any], depth: int = 0) -> Any:
    """A value matching the JSON ``schema`` (enough for structured-output and tool-argument tests)."""
    if depth > 8 or not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        return _example(target, root, depth + 1)
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list):
            chosen = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")] or options
            return _example(chosen[0], root, depth + 1) if chosen else None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return {}
        return {name: _example(sub, root, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        items = schema.get("items")
        return [_example(items, root, depth + 1)] if isinstance(items, dict) else []
    return {"string": "text", "integer": 1, "number": 1.5, "boolean": True}.get(str(kind))


def _resolve(schema: object, root: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """``schema`` with ``$ref`` followed and, for ``anyOf``/``oneOf``/``allOf``, its first non-null option."""
    if depth > 8 or not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        return _resolve(target, root, depth + 1)
    if "type" not in schema and "enum" not in schema:
        for key in ("anyOf", "oneOf", "allOf"):
            options = schema.get(key)
            if isinstance(options, list):
                chosen = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
                return _resolve(chosen[0], root, depth + 1) if chosen else {}
    return cast("dict[str, Any]", schema)


def _kind(schema: Mapping[str, Any]) -> str | None:
    """The first non-null ``type`` of a resolved JSON schema."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in cast("list[object]", kind) if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _quoted(text: str) -> list[str]:
    """The non-empty strings in ``'single'`` or ``"double"`` quotes that start and end at a word boundary."""
    return [single or double for single, double in _QUOTED.findall(text)]


def _coerce(value: object, schema: Mapping[str, Any]) -> Any:
    """``value`` as an instance of the resolved JSON ``schema``'s enum or scalar type, or ``None`` if it is not one."""
    enum = schema.get("enum")
    if isinstance(enum, list):
        return next((option for option in enum if option == value and type(option) is type(value)), None)
    kind = _kind(schema)
    if isinstance(value, str) and kind in ("integer", "number") and _NUMBER.fullmatch(value):
        value = json.loads(value)
    if kind == "string":
        return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "number":
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    return None


def _call_arguments(text: str) -> list[object]:
    """The positional arguments written in a call's parentheses: JSON literals, quoted strings or bare words."""
    values: list[object] = []
    for match in _CALL_ARGUMENT.finditer(text):
        piece = match.group().strip()
        if len(piece) >= 2 and piece[0] == piece[-1] == "'":
            values.append(piece[1:-1])
            continue
        try:
            values.append(json.loads(piece))
        except ValueError:
            values.append(piece)
    return values


def _tool_arguments(function: Mapping[str, Any], prompt: str) -> dict[str, Any]:
    """The arguments of a call of ``function`` that ``prompt`` (the last user message) asks for.

    Only required parameters get a value, in the schema's ``required`` order. A call written in the prompt, e.g.
    ``get_weather('Paris', 3)``, gives them by position; each parameter still without a value takes, from the rest of
    the prompt: for an enum, the first option the prompt names (case-insensitive, as a word); for a string, the next
    quoted string; for an integer or number, the next number outside quotes. A value that does not fit the
    parameter's type is skipped; a parameter left without one gets :func:`_example` of its schema.
    """
    parameters = function.get("parameters")
    if not isinstance(parameters, dict):
        return {}
    properties = parameters.get("properties")
    required = parameters.get("required")
    if not isinstance(properties, dict) or not isinstance(required, list):
        return {}
    names = [name for name in required if isinstance(name, str) and name in properties]
    schemas = {name: _resolve(properties[name], parameters) for name in names}
    values: dict[str, Any] = {}
    rest = prompt
    tool_name = function.get("name")
    call = None
    if isinstance(tool_name, str) and tool_name:
        call = re.search(rf"(?<!\w){re.escape(tool_name)}\(([^()]*)\)", prompt)
    if call is not None:
        rest = f"{prompt[: call.start()]} {prompt[call.end() :]}"
        for name, written in zip(names, _call_arguments(call.group(1)), strict=False):
            coerced = _coerce(written, schemas[name])
            if coerced is not None:
                values[name] = coerced
    quoted = _quoted(rest)
    numbers = [match.group() for match in _NUMBER.finditer(_QUOTED.sub(" ", rest))]
    for name in names:
        if name in values:
            continue
        schema = schemas[name]
        enum = schema.get("enum")
        value: Any = None
        if isinstance(enum, list):
            named = (
                o for o in enum if isinstance(o, str) and o and re.search(rf"(?<!\w){re.escape(o)}(?!\w)", rest, re.I)
            )
            value = next(named, None)
        else:
            pool = {"string": quoted, "integer": numbers, "number": numbers}.get(_kind(schema) or "", [])
            for index, candidate in enumerate(pool):
                value = _coerce(candidate, schema)
                if value is not None:
                    del pool[index]
                    break
        values[name] = value if value is not None else _example(properties[name], parameters)
    return {name: values[name] for name in names}


def _json_object(prompt: str) -> dict[str, Any]:
    """The JSON-mode answer to ``prompt``: the quoted key names of a prompt that mentions keys, else an echo."""
    keys = _quoted(prompt) if _KEYS_WORD.search(prompt) else []
    return dict.fromkeys(keys, "text") if keys else {"echo": prompt}


def _chosen_tool(body: Mapping[str, Any]) -> dict[str, Any] | None:
    tools = body.get("tools")
    choice = body.get("tool_choice", "auto")
    if not isinstance(tools, list) or not tools or choice == "none":
        return None
    functions: list[dict[str, Any]] = [
        t["function"] for t in tools if isinstance(t, dict) and isinstance(t.get("function"), dict)
    ]
    if not functions:
        return None
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        wanted = choice["function"].get("name")
        for function in functions:
            if function.get("name") == wanted:
                return function
    return functions[0]


def _require_model(body: Mapping[str, Any]) -> str:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _BadRequest("you must provide a model parameter", param="model")
    return model


def _stream_options_usage(body: Mapping[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def _sse(payload: object) -> bytes:
    return b"data: " + _dumps(payload) + b"\n\n"


class _Api:
    """The OpenAI-compatible endpoints; pure functions of the request."""

    def __init__(self, name: str) -> None:
        self.name = name

    def handle(self, method: str, path: str, body: Any) -> _Response:
        if path == "/v1/models" and method == "GET":
            return _json_response(200, _dumps({"object": "list", "data": [self._model(m) for m in MODELS]}))
        if path.startswith("/v1/models/") and method == "GET" and len(path) > len("/v1/models/"):
            return _json_response(200, _dumps(self._model(path[len("/v1/models/") :])))
        handlers = {
            "/v1/chat/completions": self.chat,
            "/v1/completions": self.completions,
            "/v1/embeddings": self.embeddings,
        }
        handler = handlers.get(path)
        if handler is None or method != "POST":
            return _json_response(404, _error_body(404, f"Unknown request URL: {method} {path}.", code="unknown_url"))
        if not isinstance(body, dict):
            raise _BadRequest("the request body must be a JSON object")
        return handler(body)

    def _model(self, model_id: str) -> dict[str, Any]:
        return {"id": model_id, "object": "model", "created": _CREATED, "owned_by": self.name}

    def chat(self, body: dict[str, Any]) -> _Response:
        model = _require_model(body)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _BadRequest("messages must be a non-empty array", param="messages")
        texts = [_content_text(m.get("content")) for m in messages if isinstance(m, dict)]
        last_user = next(
            (
                _content_text(m.get("content"))
                for m in reversed(messages)
                if isinstance(m, dict) and m.get("role") == "user"
            ),
            "",
        )
        tool = _chosen_tool(body)
        content = echo_text(last_user)
        response_format = body.get("response_format")
        if isinstance(response_format, dict):
            if response_format.get("type") == "json_schema":
                spec = response_format.get("json_schema")
                schema = spec.get("schema") if isinstance(spec, dict) else None
                content = json.dumps(_example(schema, schema) if isinstance(schema, dict) else {}, ensure_ascii=False)
            elif response_format.get("type") == "json_object":
                content = json.dumps(_json_object(last_user), ensure_ascii=False)
        prompt_tokens = sum(_word_count(t) for t in texts)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        base = {"id": completion_id, "object": "chat.completion", "created": created, "model": model}
        tool_call: dict[str, Any] | None = None
        if tool is not None:
            tool_call = {
                "id": f"call_{uuid.uuid4().hex[:24]}",
                "type": "function",
                "function": {
                    "name": str(tool.get("name", "")),
                    "arguments": json.dumps(_tool_arguments(tool, last_user), ensure_ascii=False),
                },
            }
        finish_reason = "tool_calls" if tool_call is not None else "stop"
        pieces = _pieces(content)
        completion_tokens = 1 if tool_call is not None else len(pieces)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
            if tool_call is not None:
                message["tool_calls"] = [tool_call]
            else:
                message["content"] = content
            choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
            return _json_response(
                200, _dumps({**base, "choices": [choice], "usage": usage, "system_fingerprint": "fp_fake"})
            )
        include_usage = _stream_options_usage(body)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            payload: dict[str, Any] = {
                **base,
                "object": "chat.completion.chunk",
                "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                payload["usage"] = None
            return _sse(payload)

        events = [chunk({"role": "assistant", "content": "" if tool_call is None else None, "refusal": None})]
        if tool_call is not None:
            function = tool_call["function"]
            events.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": tool_call["id"],
                                "type": "function",
                                "function": {"name": function["name"], "arguments": ""},
                            }
                        ]
                    }
                )
            )
            events.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": function["arguments"]}}]}))
        else:
            events.extend(chunk({"content": piece}) for piece in pieces)
        events.append(chunk({}, finish_reason))
        if include_usage:
            usage_chunk = {**base, "object": "chat.completion.chunk", "system_fingerprint": "fp_fake"}
            events.append(_sse({**usage_chunk, "choices": [], "usage": usage}))
        return _Stream(events)

    def completions(self, body: dict[str, Any]) -> _Response:
        model = _require_model(body)
        prompt = body.get("prompt")
        if isinstance(prompt, str):
            prompts = [prompt]
        elif isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
            prompts = [str(p) for p in prompt]
        elif isinstance(prompt, list) and prompt and all(isinstance(p, int) for p in prompt):
            prompts = [" ".join(str(p) for p in prompt)]
        else:
            raise _BadRequest("prompt must be a string, an array of strings or an array of tokens", param="prompt")
        texts = [echo_text(p) for p in prompts]
        prompt_tokens = sum(_word_count(p) for p in prompts)
        completion_tokens = sum(len(_pieces(t)) for t in texts)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        base = {
            "id": f"cmpl-{uuid.uuid4().hex}",
            "object": "text_completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fake",
        }
        if not body.get("stream"):
            choices = [
                {"index": i, "text": text, "logprobs": None, "finish_reason": "stop"} for i, text in enumerate(texts)
            ]
            return _json_response(200, _dumps({**base, "choices": choices, "usage": usage}))
        include_usage = _stream_options_usage(body)
        events: list[bytes] = []
        for index, text in enumerate(texts):
            pieces = _pieces(text)
            for position, piece in enumerate(pieces):
                finish = "stop" if position == len(pieces) - 1 else None
                choice = {"index": index, "text": piece, "logprobs": None, "finish_reason": finish}
                events.append(_sse({**base, "choices": [choice]}))
        if include_usage:
            events.append(_sse({**base, "choices": [], "usage": usage}))
        return _Stream(events)

    def embeddings(self, body: dict[str, Any]) -> _Response:
        model = _require_model(body)
        raw = body.get("input")
        inputs: list[str]
        if isinstance(raw, str):
            inputs = [raw]
        elif isinstance(raw, list) and raw and all(isinstance(i, str) for i in raw):
            inputs = [str(i) for i in raw]
        elif isinstance(raw, list) and raw and all(isinstance(i, int) for i in raw):
            inputs = [" ".join(str(i) for i in raw)]
        elif isinstance(raw, list) and raw and all(isinstance(i, list) for i in raw):
            inputs = [" ".join(str(t) for t in item) for item in raw]
        else:
            raise _BadRequest("input must be a string, an array of strings or token arrays", param="input")
        dimensions = body.get("dimensions", DEFAULT_EMBEDDING_DIMENSIONS)
        if isinstance(dimensions, bool) or not isinstance(dimensions, int) or not 1 <= dimensions <= 4096:
            raise _BadRequest("dimensions must be an integer between 1 and 4096", param="dimensions")
        encoding = body.get("encoding_format", "float")
        if encoding not in ("float", "base64"):
            raise _BadRequest("encoding_format must be 'float' or 'base64'", param="encoding_format")
        data: list[dict[str, Any]] = []
        for index, text in enumerate(inputs):
            vector = fake_embedding(text, dimensions)
            embedding: list[float] | str = vector
            if encoding == "base64":
                embedding = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(_word_count(t) for t in inputs)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return _json_response(200, _dumps({"object": "list", "data": data, "model": model, "usage": usage}))


_Ending = Literal["done", "cut", "reset", "error", "invalid"]


def _stream_ending(fault: Fault, available: int) -> tuple[_Ending, int]:
    """How a stream ends under ``fault``, and how many of its ``available`` events are sent first."""
    if fault.stream_cut_after is not None:
        return "cut", min(fault.stream_cut_after, available)
    if fault.stream_reset_after is not None:
        return "reset", min(fault.stream_reset_after, available)
    if fault.stream_error_after is not None:
        return "error", min(fault.stream_error_after, available)
    if fault.invalid_json:
        return "invalid", 0
    return "done", available


class FakeProvider:
    """A fake OpenAI-compatible provider listening on 127.0.0.1 in a background thread.

    The server is ready when the constructor returns. All public methods are thread-safe.

    Attributes:
        name: The deployment name, sent in the ``x-fake-deployment`` response header.
        port: The TCP port.
        url: ``http://127.0.0.1:<port>``.
        base_url: ``url + "/v1"``.
    """

    def __init__(self, name: str = "fake", *, port: int = 0, record: bool = True) -> None:
        """Start the server.

        Args:
            name: The deployment name (a header-safe token).
            port: The port to bind on 127.0.0.1; 0 picks a free one.
            record: Keep every request for :attr:`requests` (turn off for long load tests, where nobody reads them).

        Raises:
            ValueError: If ``name`` or ``port`` is invalid.
            OSError: If the port cannot be bound.
        """
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
            raise ValueError(f"name must be a non-empty token of letters, digits, '.', '_' or '-', got {name!r}")
        if isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int between 0 and 65535, got {port!r}")
        self.name: str = name
        self._record_requests = record
        self._api = _Api(name)
        self._cond = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._faults: list[tuple[str | None, Fault]] = []
        self._routes: dict[tuple[str, str], _Route] = {}
        self._server = StreamServer(f"fake-provider-{name}", self._handle_connection, port=port)
        self.port: int = self._server.port
        self.url: str = f"http://127.0.0.1:{self.port}"
        self.base_url: str = f"{self.url}/v1"

    @override
    def __repr__(self) -> str:
        return f"FakeProvider(name={self.name!r}, url={self.url!r})"

    # -- test-facing API ---------------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received since the last :meth:`clear`, oldest first."""
        with self._cond:
            return list(self._requests)

    def clear(self) -> None:
        """Forget the recorded requests, the queued faults and the static routes."""
        with self._cond:
            self._requests.clear()
            self._faults.clear()
            self._routes.clear()

    def enqueue(self, *faults: Fault, path: str | None = None) -> None:
        """Queue faults for the next matching requests, one fault per request, in order.

        Args:
            *faults: The faults.
            path: Only requests to this exact path (e.g. ``/v1/chat/completions``) consume them; ``None`` matches all.
        """
        for fault in faults:
            if type(fault) is not Fault:
                raise TypeError(f"faults must be Fault instances, got {type(fault).__name__}")
        if path is not None and not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        with self._cond:
            self._faults.extend((path, fault) for fault in faults)

    def set_route(
        self,
        method: str,
        path: str,
        *,
        status: int = 200,
        json_body: object = None,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve a static response for ``method`` and exact ``path`` (it takes precedence over built-in endpoints).

        Args:
            method: The HTTP method.
            path: The exact path, without query string.
            status: The response status.
            json_body: A value sent as JSON; when given, ``body`` is ignored.
            body: The raw body, used when ``json_body`` is ``None``.
            headers: Extra response headers.
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        if not 100 <= status <= 599:
            raise ValueError(f"status must be between 100 and 599, got {status!r}")
        route_headers = list((headers or {}).items())
        names = {k.lower() for k, _ in route_headers}
        if json_body is not None:
            payload = _dumps(json_body)
            if "content-type" not in names:
                route_headers.append(("content-type", "application/json"))
        else:
            payload = body
            if payload and "content-type" not in names:
                route_headers.append(("content-type", "application/octet-stream"))
        with self._cond:
            self._routes[(method.upper(), path)] = _Route(status, tuple(route_headers), payload)

    def wait_for_requests(self, n: int, *, path: str | None = None, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``n`` requests (to ``path``, if given) were received; return all of them.

        Raises:
            TimeoutError: If fewer arrived within ``timeout`` seconds.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._matching(path)) >= n, timeout):
                got = len(self._matching(path))
                raise TimeoutError(
                    f"{self.name}: expected {n} request(s) to {path or 'any path'} within {timeout}s, got {got}"
                )
            return self._matching(path)

    def close(self) -> None:
        """Stop the server, close every connection and join the thread (idempotent)."""
        self._server.close()

    def __enter__(self) -> FakeProvider:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------------------------------

    def _matching(self, path: str | None) -> list[RecordedRequest]:
        return [r for r in self._requests if path is None or r.path == path]

    async def _handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer_port = int(writer.get_extra_info("peername")[1])
        try:
            keep_open = True
            while keep_open:
                received = await self._read_request(reader, writer, peer_port)
                if received is None:
                    break
                keep_open = await self._respond(*received, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            writer.transport.abort()

    async def _read_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer_port: int
    ) -> tuple[RecordedRequest, bool] | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError:
            await self._write_plain(writer, _json_response(431, _error_body(431, "request headers too large")), [])
            return None
        lines = head[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            await self._write_plain(writer, _json_response(400, _error_body(400, "malformed request line")), [])
            return None
        method, target, version = parts
        pairs: list[tuple[str, str]] = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                pairs.append((name.strip(), value.strip()))
        headers = CaseInsensitiveHeaders(pairs)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await read_chunked(reader)
        else:
            body = await reader.readexactly(int(headers.get("content-length", "0") or "0"))
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
        split = urlsplit(target)
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        recorded = RecordedRequest(
            method=method.upper(),
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=body,
            json=parsed,
            peer_port=peer_port,
            received_at=time.monotonic(),
        )
        return recorded, keep_alive

    def _record(self, request: RecordedRequest) -> Fault | None:
        """Record ``request`` and take its fault: the ``x-fake-fault`` header, else the first matching queued one.

        Raises:
            ValueError: If the ``x-fake-fault`` header is invalid.
        """
        with self._cond:
            if self._record_requests:
                self._requests.append(request)
                self._cond.notify_all()
            header_value = request.headers.get(FAULT_HEADER)
            if header_value is not None:
                return Fault.from_json(header_value)
            for index, (path, fault) in enumerate(self._faults):
                if path is None or path == request.path:
                    del self._faults[index]
                    return fault
            return None

    async def _respond(self, request: RecordedRequest, keep_alive: bool, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; return whether the connection stays open."""
        try:
            fault = self._record(request) or Fault()
        except (ValueError, TypeError) as exc:
            error = _json_response(400, _error_body(400, f"invalid {FAULT_HEADER} header: {exc}"))
            await self._write_plain(writer, error, [], keep_alive=keep_alive)
            return keep_alive
        if fault.delay_before_headers:
            await asyncio.sleep(fault.delay_before_headers)
        if fault.drop_before_headers:
            writer.close()
            return False
        if fault.reset:
            reset(writer)
            return False
        extra = list(fault.headers.items())
        if fault.status is not None or fault.body is not None:
            status = fault.status if fault.status is not None else 200
            await self._write_plain(writer, self._fault_body(status, fault), extra, keep_alive=keep_alive)
            return keep_alive
        response = self._route(request)
        if isinstance(response, _Plain):
            if fault.invalid_json:
                response = _json_response(200, response.body[: max(1, len(response.body) // 2)])
            await self._write_plain(writer, response, extra, keep_alive=keep_alive)
            return keep_alive
        return await self._write_stream(writer, response, extra, fault, keep_alive=keep_alive)

    def _route(self, request: RecordedRequest) -> _Response:
        with self._cond:
            route = self._routes.get((request.method, request.path))
        if route is not None:
            return _Plain(route.status, list(route.headers), route.body)
        try:
            return self._api.handle(request.method, request.path, request.json)
        except _BadRequest as exc:
            return _json_response(400, _error_body(400, str(exc), param=exc.param))

    def _fault_body(self, status: int, fault: Fault) -> _Plain:
        body = fault.body
        if body is None:
            message = f"fake {status} from {self.name}"
            return _json_response(status, _error_body(status, message, code=f"fake_{status}"))
        if isinstance(body, dict):
            return _json_response(status, _dumps(body))
        raw = body.encode() if isinstance(body, str) else body
        try:
            json.loads(raw)
        except ValueError:
            return _Plain(status, [("content-type", "text/plain; charset=utf-8")], raw)
        return _json_response(status, raw)

    def _base_headers(self, keep_alive: bool) -> list[tuple[str, str]]:
        return [
            ("server", "fake-provider"),
            ("x-fake-deployment", self.name),
            ("x-request-id", f"req_{uuid.uuid4().hex}"),
            ("connection", "keep-alive" if keep_alive else "close"),
        ]

    @staticmethod
    def _head(status: int, headers: Sequence[tuple[str, str]]) -> bytes:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    @staticmethod
    def _merge(*groups: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Later groups replace headers of the same name from earlier ones."""
        merged: dict[str, tuple[str, str]] = {}
        for group in groups:
            for name, value in group:
                merged[name.lower()] = (name, value)
        return list(merged.values())

    async def _write_plain(
        self,
        writer: asyncio.StreamWriter,
        response: _Plain,
        extra: Sequence[tuple[str, str]],
        *,
        keep_alive: bool = False,
    ) -> None:
        headers = self._merge(
            self._base_headers(keep_alive),
            response.headers,
            extra,
            [("content-length", str(len(response.body)))],
        )
        writer.write(self._head(response.status, headers) + response.body)
        await writer.drain()

    async def _write_stream(
        self,
        writer: asyncio.StreamWriter,
        response: _Stream,
        extra: Sequence[tuple[str, str]],
        fault: Fault,
        *,
        keep_alive: bool,
    ) -> bool:
        ending, limit = _stream_ending(fault, len(response.events))
        keep_alive = keep_alive and ending in ("done", "error", "invalid")
        headers = self._merge(
            self._base_headers(keep_alive),
            [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")],
            response.headers,
            extra,
            [("transfer-encoding", "chunked")],
        )
        writer.write(self._head(200, headers))
        await writer.drain()
        for event in response.events[:limit]:
            if fault.chunk_delay:
                await asyncio.sleep(fault.chunk_delay)
            writer.write(chunk(event))
            await writer.drain()
        if ending == "reset":
            reset(writer)
            return False
        if ending == "error":
            error = {
                "message": f"fake stream error from {self.name}",
                "type": "server_error",
                "param": None,
                "code": None,
            }
            writer.write(chunk(_sse({"error": error})))
        elif ending == "invalid":
            writer.write(chunk(b'data: {"id": "chatcmpl-trunc\n\n'))
        elif ending == "done":
            writer.write(chunk(b"data: [DONE]\n\n"))
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return keep_alive


def main(argv: Sequence[str] | None = None) -> int:
    """Run one fake provider until SIGINT or SIGTERM; print its URL on the first line of stdout.

    Requests are not recorded; faults are injected with the ``x-fake-fault`` request header.
    """
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers.fake_provider", description="A fake OpenAI-compatible provider on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--name", default="fake", help="deployment name sent in x-fake-deployment")
    args = parser.parse_args(argv)
    # Nobody can read the recorded requests of a separate process: don't keep them.
    with FakeProvider(args.name, port=args.port, record=False) as provider:
        serve_until_signalled(f"fake provider {provider.name} listening on {provider.url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
