"""The bench server: a minimal OpenAI-compatible HTTP/1.1 server that answers from precomputed bytes.

It exists so that the server costs as little as possible and always the same: every response body and header block
is built once at start-up, requests are only split (never parsed as JSON), and connections are kept alive. It runs as
its own process (`python -m bench.server`), so none of its CPU time is counted against a client.

Routes (anything else is a 404 in OpenAI's error shape):

- `POST /v1/chat/completions`: a `ChatCompletion`, or, when the body contains `"stream": true`, a server-sent event
  stream of `STREAM_CHUNKS` `ChatCompletionChunk` events and `[DONE]`, in chunked transfer encoding. A request with
  `"tools"` gets a `ChatCompletion` whose message calls `TOOL_NAME` with `TOOL_ARGUMENTS`; a stream with
  `"include_usage": true` gets `USAGE_STREAM_CHUNKS` events, the last one with no choices and the `usage`
  (`USAGE_TOTAL_TOKENS`), then `[DONE]`.
- `GET /`: `ok` (the readiness probe).

Every chat response carries `x-portkey-*` headers like the gateway's, so clients that expose them do their work.
A request without the `--require-header` header gets a 400, so a contender cannot skip the Portkey headers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from typing_extensions import override
else:

    def override(function: Any) -> Any:
        """`typing_extensions.override` for the type checkers; the server stays standard-library only."""
        return function


__all__ = [
    "ANSWER",
    "RESPONSE_HEADERS",
    "STREAM_CHUNKS",
    "STREAM_TEXT",
    "TOOL_ARGUMENTS",
    "TOOL_NAME",
    "USAGE_STREAM_CHUNKS",
    "USAGE_STREAM_TEXT",
    "USAGE_TOTAL_TOKENS",
    "completion_body",
    "main",
    "stream_events",
    "tool_call_body",
    "usage_stream_events",
]

STREAM_CHUNKS: Final = 50
"""Events in one chat stream (role, 48 content pieces, finish)."""

ANSWER: Final = (
    "Portkey routes this request through the gateway, which applies the configured fallbacks, retries and caching "
    "before the provider answers with a short paragraph of ordinary text like this one."
)
"""The assistant's content of a non-streamed chat completion."""

_PIECES: Final = tuple(f" word{index}" for index in range(STREAM_CHUNKS - 2))
STREAM_TEXT: Final = "".join(_PIECES)
"""The concatenated content of one chat stream."""

USAGE_STREAM_CHUNKS: Final = 100
"""Events in one chat stream with usage (role, 97 content pieces, finish, the usage event)."""

_USAGE_PIECES: Final = tuple(f" token{index}" for index in range(USAGE_STREAM_CHUNKS - 3))
USAGE_STREAM_TEXT: Final = "".join(_USAGE_PIECES)
"""The concatenated content of one chat stream with usage."""

USAGE_TOTAL_TOKENS: Final = 140
"""`usage.total_tokens` of the last event of a stream with usage."""

TOOL_NAME: Final = "get_weather"
"""The function the tool-calling answer calls."""

TOOL_ARGUMENTS: Final = '{"city":"Paris","unit":"celsius"}'
"""Its arguments (a JSON string, as the API sends them)."""

_CREATED: Final = 1_700_000_000
RESPONSE_HEADERS: Final = (
    ("x-request-id", "req_bench0123456789abcdef"),
    ("openai-processing-ms", "12"),
    ("x-portkey-trace-id", "bench-trace"),
    ("x-portkey-provider", "openai"),
    ("x-portkey-last-used-option-index", "config"),
    ("x-portkey-retry-attempt-count", "0"),
    ("x-portkey-cache-status", "DISABLED"),
)


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def completion_body() -> bytes:
    """The JSON body of the non-streamed chat completion."""
    body: dict[str, object] = {
        "id": "chatcmpl-bench0123456789",
        "object": "chat.completion",
        "created": _CREATED,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": ANSWER, "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 19,
            "completion_tokens": 33,
            "total_tokens": 52,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_bench",
    }
    return _dumps(body)


def tool_call_body() -> bytes:
    """The JSON body of the chat completion answering a request with `tools`: one call of `TOOL_NAME`."""
    body = json.loads(completion_body())
    body["choices"] = [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "refusal": None,
                "annotations": [],
                "tool_calls": [
                    {
                        "id": "call_bench0123456789",
                        "type": "function",
                        "function": {"name": TOOL_NAME, "arguments": TOOL_ARGUMENTS},
                    }
                ],
            },
            "logprobs": None,
            "finish_reason": "tool_calls",
        }
    ]
    body["usage"].update({"prompt_tokens": 79, "completion_tokens": 18, "total_tokens": 97})
    return _dumps(body)


def _event(choices: list[dict[str, object]], extra: dict[str, object]) -> bytes:
    payload: dict[str, object] = {
        "id": "chatcmpl-bench0123456789",
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": "gpt-4o-mini-2024-07-18",
        "service_tier": "default",
        "system_fingerprint": "fp_bench",
        "choices": choices,
        **extra,
    }
    return b"data: " + _dumps(payload) + b"\n\n"


def _chunk(delta: dict[str, object], finish: str | None = None, extra: dict[str, object] | None = None) -> bytes:
    choice: dict[str, object] = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return _event([choice], extra or {})


def stream_events() -> list[bytes]:
    """The server-sent events of one chat stream, `[DONE]` last."""
    events = [_chunk({"role": "assistant", "content": "", "refusal": None})]
    events.extend(_chunk({"content": piece}) for piece in _PIECES)
    events.append(_chunk({}, "stop"))
    events.append(b"data: [DONE]\n\n")
    return events


def usage_stream_events() -> list[bytes]:
    """The events of one chat stream with `stream_options={"include_usage": True}`: `USAGE_STREAM_CHUNKS` events,
    the last with no choices and the token usage, then `[DONE]`."""
    no_usage: dict[str, object] = {"usage": None}  # every event but the last, as OpenAI sends them
    events = [_chunk({"role": "assistant", "content": "", "refusal": None}, extra=no_usage)]
    events.extend(_chunk({"content": piece}, extra=no_usage) for piece in _USAGE_PIECES)
    events.append(_chunk({}, "stop", extra=no_usage))
    usage: dict[str, object] = {
        "prompt_tokens": 43,
        "completion_tokens": USAGE_TOTAL_TOKENS - 43,
        "total_tokens": USAGE_TOTAL_TOKENS,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    events.append(_event([], {"usage": usage}))
    events.append(b"data: [DONE]\n\n")
    return events


def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def _plain(status: str, content_type: str, body: bytes, extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    headers = [("content-type", content_type), ("content-length", str(len(body))), *extra]
    return _head(status, headers) + body


def _chunked(events: list[bytes]) -> bytes:
    headers = [("content-type", "text/event-stream; charset=utf-8"), ("transfer-encoding", "chunked")]
    body = b"".join(b"%x\r\n%s\r\n" % (len(event), event) for event in events) + b"0\r\n\r\n"
    return _head("200 OK", [*headers, *RESPONSE_HEADERS]) + body


def _error(status: str, message: str) -> bytes:
    body = _dumps({"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}})
    return _plain(status, "application/json", body)


_CHAT = _plain("200 OK", "application/json", completion_body(), RESPONSE_HEADERS)
_STREAM = _chunked(stream_events())
_TOOL_CALL = _plain("200 OK", "application/json", tool_call_body(), RESPONSE_HEADERS)
_USAGE_STREAM = _chunked(usage_stream_events())
_OK = _plain("200 OK", "text/plain", b"ok")
_NOT_FOUND = _error("404 Not Found", "bench server: unknown route")
_BAD_REQUEST = _error("400 Bad Request", "bench server: unsupported request framing")


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection; requests are answered in order as soon as they are complete."""

    def __init__(self, required_header: bytes | None) -> None:
        self._required = required_header
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    @override
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    @override
    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002
        self._transport = None

    @override
    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while self._transport is not None:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[: end + 2]).lower()
            length = 0
            start = head.find(b"\r\ncontent-length:")
            if start >= 0:
                length = int(head[start + 17 : head.index(b"\r\n", start + 2)])
            elif b"\r\ntransfer-encoding:" in head:
                self._transport.write(_BAD_REQUEST)
                self._transport.close()
                return
            total = end + 4 + length
            if len(buffer) < total:
                return
            body = bytes(buffer[end + 4 : total])
            del buffer[:total]
            self._transport.write(self._answer(head, body))

    def _answer(self, head: bytes, body: bytes) -> bytes:
        if head.startswith(b"post /v1/chat/completions "):
            if self._required is not None and self._required not in head:
                return _error("400 Bad Request", "bench server: the request lacks the required Portkey header")
            if b'"stream":true' in body or b'"stream": true' in body:
                if b'"include_usage":true' in body or b'"include_usage": true' in body:
                    return _USAGE_STREAM
                return _STREAM
            if b'"tools":' in body:
                return _TOOL_CALL
            return _CHAT
        if head.startswith(b"get / "):
            return _OK
        return _NOT_FOUND


async def _serve(port: int, required_header: bytes | None) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set_result, None)
    server = await loop.create_server(lambda: _Connection(required_header), "127.0.0.1", port, backlog=1024)
    bound = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"READY {bound}\n")
    sys.stdout.flush()
    async with server:
        await stop


def main(argv: list[str] | None = None) -> None:
    """Serve on 127.0.0.1 until SIGTERM or SIGINT; prints `READY <port>` once listening."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.server", description="The bench server (see bench/README.md)."
    )
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: a free one, printed at start)")
    parser.add_argument(
        "--require-header",
        default=None,
        help="lower-case header name every chat request must carry (a 400 otherwise)",
    )
    args = parser.parse_args(argv)
    required = None if args.require_header is None else b"\r\n" + args.require_header.lower().encode() + b":"
    asyncio.run(_serve(args.port, required))


if __name__ == "__main__":
    main()
