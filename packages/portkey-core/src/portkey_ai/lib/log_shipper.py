"""A background shipper of custom logs (`POST /logs`), shared by the LangChain and LlamaIndex integrations.

```python
from portkey_ai.lib import LogShipper, span_log

shipper = LogShipper()  # PORTKEY_API_KEY; PORTKEY_BASE_URL / PORTKEY_PROXY or the hosted gateway
shipper.enqueue(span_log(trace_id=..., span_id=..., parent_span_id=None, span_name="my-chain",
                         request={"body": {"input": "hi"}}, response={"body": {"output": "hello"}},
                         start_time=t0, end_time=t1, source="Langchain", span_type="chain"))
shipper.flush()
```

Design (frameworks.md §5.1):

- `enqueue` is the hot path, called from framework callbacks: it makes a bounded JSON-safe copy of the log
  (`to_jsonable`, secrets scrubbed) and appends it to an in-memory queue bounded in logs (`max_queue_size`) and in
  bytes of JSON (`max_queue_bytes`, 64 MiB by default). It never blocks on I/O and never raises; when the queue is
  full the log is dropped, counted (`dropped`, by reason in `drop_counts`) and one rate-limited warning is logged.
- One daemon worker thread, started on the first `enqueue` (it ends after 30 s without logs and restarts on the
  next one), sends JSON arrays of at most `max_batch_size` logs and `max_batch_bytes` bytes, at the latest
  `flush_interval` seconds after the first log of a batch arrived.
- Sending goes through a sync `Portkey` client (`client.post("/logs", ...)`), so it has the client's retry policy:
  connection errors, 409, 429 and 5xx are retried `max_retries` times with exponential backoff, honouring
  `Retry-After`. Each send, retries included, ends after `send_timeout` seconds (the client's `total_timeout`), so a
  slow endpoint cannot hold the worker. A batch that still fails, or that gets another 4xx, is dropped (one warning per 4xx status code);
  a 413 splits the batch in two first.
- At interpreter exit the queue is flushed (bounded to a few seconds) by an `atexit` hook that never starts a thread.
  After `os.fork()` the child starts with an empty queue, no worker and (unless you passed `client=`) a new client.
- `PORTKEY_TRACING_ENABLED=false` (or `enabled=False`) turns everything into no-ops.

Diagnostics go to the `portkey_ai.logs` logger and never contain keys or log contents.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import datetime as _dt
import decimal
import enum
import json
import math
import os
import pathlib
import sys
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import openai
import pydantic

from .._connections import after_fork_in_child
from .._constants import PORTKEY_GATEWAY_URL
from .._logging import redacting_logger
from .._secrets import REDACTED, is_secret_name, redact_text
from ._warn_once import WarnOnce

if TYPE_CHECKING:
    from .._client import Portkey

__all__ = ["LogShipper", "span_log", "to_jsonable"]

logger = redacting_logger("portkey_ai.logs")

_SECRET_MARGIN = 512
"""Characters past `max_str` that are still searched for secrets, so that a cut never leaves half a key."""

DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024
"""Default bound, in bytes of JSON, of the logs waiting to be sent (`max_queue_bytes`)."""

_EXIT_FLUSH_TIMEOUT = 5.0
"""Upper bound, in seconds, on the flush at interpreter exit."""

_IDLE_EXIT = 30.0
"""Seconds the worker thread waits with nothing to send before it ends (a new one starts on the next log)."""

_WARNING_INTERVAL = 60.0
"""Seconds between two warnings of the same kind (queue full, batch given up after retries, ...)."""

_DISABLED_VALUES = frozenset({"false", "0", "no", "off", "disabled"})

_RETRYABLE_STATUSES = frozenset({409, 429})
"""Besides 5xx: statuses the client retries (a 408 is the gateway's own `request_timeout`, not retried)."""


# --------------------------------------------------------------------------------------------------------------------
# JSON-safe copies


def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a secret (the one rule of `portkey_ai._secrets`, also used by the log filter)."""
    return is_secret_name(key)


def _truncate(text: str, max_str: int) -> str:
    if len(text) <= max_str:
        return text
    return f"{text[:max_str]}...<{len(text) - max_str} more chars>"


def _safe_repr(obj: object, max_str: int) -> str:
    try:
        text = repr(obj)
    except Exception:
        try:
            text = f"<unrepresentable {type(obj).__qualname__}>"
        except Exception:
            text = "<unrepresentable object>"
    return _truncate(text, max_str)


def _key_text(key: object, max_str: int) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return json.dumps(key)
    if isinstance(key, enum.Enum):
        return _key_text(key.value, max_str)
    return _safe_repr(key, max_str)


class _Encoder:
    def __init__(self, max_depth: int, max_str: int, max_items: int) -> None:
        self.max_depth = max(0, max_depth)
        self.max_str = max(0, max_str)
        self.max_items = max(0, max_items)
        self.active: set[int] = set()

    def string(self, text: str) -> str:
        redacted = redact_text(text[: self.max_str + _SECRET_MARGIN])
        if len(text) <= self.max_str + _SECRET_MARGIN and len(redacted) <= self.max_str:
            return redacted
        return f"{redacted[: self.max_str]}...<{max(0, len(text) - self.max_str)} more chars>"

    def encode(self, obj: object, depth: int) -> Any:
        try:
            return self.value(obj, depth)
        except Exception:  # a hostile __len__, __iter__, __int__, model_dump, ...: describe just this value
            return _safe_repr(obj, self.max_str)

    def value(self, obj: object, depth: int) -> Any:
        if obj is None or isinstance(obj, bool):
            return obj
        if isinstance(obj, enum.Enum):
            return self.encode(obj.value, depth)
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            number = float(obj)
            return number if math.isfinite(number) else str(number)
        if isinstance(obj, str):
            return self.string(str.__str__(obj))
        if isinstance(obj, bytes | bytearray):
            return f"<{len(obj)} bytes>"
        if isinstance(obj, memoryview):
            return f"<{obj.nbytes} bytes>"
        if isinstance(obj, uuid.UUID | pathlib.PurePath | decimal.Decimal):
            return str(obj)
        if isinstance(obj, _dt.datetime | _dt.date | _dt.time):
            return obj.isoformat()
        if isinstance(obj, _dt.timedelta):
            return obj.total_seconds()
        if depth >= self.max_depth:
            return f"<{type(obj).__qualname__} beyond max depth {self.max_depth}>"
        if id(obj) in self.active:
            return f"<cycle: {type(obj).__qualname__}>"
        self.active.add(id(obj))
        try:
            return self.container(obj, depth)
        finally:
            self.active.discard(id(obj))

    def container(self, obj: object, depth: int) -> Any:
        if isinstance(obj, Mapping):
            return self.mapping(obj.items(), len(obj), depth)  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        if isinstance(obj, list | tuple | set | frozenset | deque):
            return self.sequence(obj, len(obj), depth)  # pyright: ignore[reportUnknownArgumentType]
        if isinstance(obj, pydantic.BaseModel):
            try:
                dumped: object = obj.model_dump(mode="json", warnings=False)
            except Exception:
                dumped = {name: getattr(obj, name, None) for name in type(obj).model_fields}
            return self.encode_inner(dumped, depth)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return self.mapping(
                ((f.name, getattr(obj, f.name, None)) for f in dataclasses.fields(obj)),
                len(dataclasses.fields(obj)),
                depth,
            )
        return _safe_repr(obj, self.max_str)

    def encode_inner(self, value: object, depth: int) -> Any:
        """Encode a value derived from a container at the container's own depth (e.g. a model's dump)."""
        if isinstance(value, Mapping):
            return self.mapping(value.items(), len(value), depth)  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        return self.encode(value, depth)

    def mapping(self, items: Any, size: int, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for count, (key, value) in enumerate(items):
            if count >= self.max_items:
                result["<truncated>"] = f"<{size - count} more items>"
                break
            text = _key_text(key, self.max_str)
            result[text] = REDACTED if is_secret_key(text) and value is not None else self.encode(value, depth + 1)
        return result

    def sequence(self, items: Any, size: int, depth: int) -> list[Any]:
        result: list[Any] = []
        for count, value in enumerate(items):
            if count >= self.max_items:
                result.append(f"<{size - count} more items>")
                break
            result.append(self.encode(value, depth + 1))
        return result


def to_jsonable(obj: Any, *, max_depth: int = 10, max_str: int = 32_000, max_items: int = 200) -> Any:
    """A bounded, JSON-serialisable copy of `obj` with secrets removed. Never raises.

    - str/int/float/bool/None pass through (non-finite floats become strings, long strings are cut at `max_str`
      characters, and every secret-shaped part of a string, such as `sk-...`, `Bearer ...` or a password in a URL,
      becomes `<redacted>`: `portkey_ai._secrets.redact_text`);
    - mappings become dicts with string keys, and the value of every secret key (see `is_secret_key`) becomes
      `"<redacted>"`; lists, tuples, sets and deques become lists; both keep at most `max_items` entries;
    - UUIDs, paths and decimals become strings, dates and times ISO strings, timedeltas seconds, enums their value,
      bytes `"<n bytes>"`; pydantic models and dataclasses are dumped field by field;
    - nesting deeper than `max_depth`, reference cycles and anything else become short descriptive strings
      (a truncated `repr`, or `"<unrepresentable T>"` when `repr` itself fails).
    """
    return _Encoder(max_depth, max_str, max_items).encode(obj, 0)


# --------------------------------------------------------------------------------------------------------------------
# Log objects


def _metadata_value(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    jsonable = to_jsonable(value)
    return jsonable if isinstance(jsonable, str) else json.dumps(jsonable, separators=(",", ":"), ensure_ascii=False)


def _json_size(log: Mapping[str, Any]) -> int:
    """Bytes of `log` as compact JSON (what it adds to a request, and about what it holds in memory)."""
    return len(json.dumps(log, separators=(",", ":"), ensure_ascii=False).encode())


def _jsonable_dict(value: object) -> dict[str, Any] | None:
    copied = to_jsonable(value)
    return cast(dict[str, Any], copied) if isinstance(copied, dict) else None


def _epoch_ns(seconds: float) -> str:
    """Epoch seconds as integer nanoseconds (microsecond precision: a float cannot hold more)."""
    return str(round(seconds * 1_000_000) * 1000)


def _part(value: Mapping[str, Any], what: str) -> dict[str, Any]:
    copied = _jsonable_dict(value)
    return copied if copied is not None else {"body": {what: to_jsonable(value)}}


def span_log(
    *,
    trace_id: str,
    span_id: str,
    parent_span_id: str | None,
    span_name: str,
    request: Mapping[str, Any],
    response: Mapping[str, Any],
    start_time: float,
    end_time: float,
    metadata: Mapping[str, Any] | None = None,
    source: str | None = None,
    span_type: str | None = None,
    tags: Sequence[str] = (),
) -> dict[str, Any]:
    """Build one custom log (one span of a trace) in the shape Portkey's Traces view reads (frameworks.md §4.2).

    Args:
        trace_id: The trace the span belongs to.
        span_id: This span's id (unique within the trace).
        parent_span_id: The parent span's id; `None` (or `""`) for the root span.
        span_name: What the Traces view shows (e.g. the runnable's or the model's name).
        request: `{"url", "method", "provider", "headers", "body"}`; missing keys get defaults (`POST`, `{}`),
            `url` defaults to `<source>://<span_type>/<span_name>`.
        response: `{"status", "headers", "body"}`; `status` defaults to 200. `response_time` is set from the times.
        start_time: Start, in seconds since the epoch (`time.time()`).
        end_time: End, in seconds since the epoch.
        metadata: Extra metadata (e.g. `_user`, `session_id`); values that are not strings are JSON-encoded.
        source: The integration, as Portkey's UI expects it (`"Langchain"`, `"LlamaIndex"`); sets `_source` and
            `_source_type: "Agent"`.
        span_type: The kind of span (`llm`, `chain`, `tool`, `retriever`, `embedding`, ...), sent in
            `source_metadata` together with `tags`.
        tags: Free-form tags for `source_metadata`.

    Returns:
        The log: `request`, `response` (with an integer `response_time` in ms), `metadata` (string values, including
        `traceId`, `spanId`, `parentSpanId` (omitted for a root), `spanName`, `startTime`/`endTime` in ns) and the
        top-level snake_case copies `trace_id`, `span_id`, `parent_span_id` (omitted for a root), `span_name` and
        `start_time`. Request and response are bounded copies with secrets redacted (`to_jsonable`).
    """
    request_part = _part(request, "request")
    request_part.setdefault("url", f"{(source or 'custom').lower()}://{span_type or 'span'}/{span_name}")
    request_part.setdefault("method", "POST")
    request_part.setdefault("headers", {})
    request_part.setdefault("body", {})

    response_part = _part(response, "response")
    response_part.setdefault("status", 200)
    response_part.setdefault("headers", {})
    response_part.setdefault("body", {})
    response_part["response_time"] = max(0, round((end_time - start_time) * 1000))

    meta: dict[str, str] = {}
    for key, value in (_jsonable_dict(metadata) or {}).items():
        if value is not None:
            meta[key] = _metadata_value(value)
    if source:
        meta["_source"] = source
        meta["_source_type"] = "Agent"
    if span_type or tags:
        meta["source_metadata"] = json.dumps({"type": span_type, "tags": [str(tag) for tag in tags]})
    parent = parent_span_id or None
    meta["traceId"] = trace_id
    meta["spanId"] = span_id
    meta["spanName"] = span_name
    if parent is not None:
        meta["parentSpanId"] = parent
    else:
        meta.pop("parentSpanId", None)
    meta["startTime"] = _epoch_ns(start_time)
    meta["endTime"] = _epoch_ns(end_time)

    log: dict[str, Any] = {
        "request": request_part,
        "response": response_part,
        "metadata": meta,
        "trace_id": trace_id,
        "span_id": span_id,
        "span_name": span_name,
        "start_time": start_time,
    }
    if parent is not None:
        log["parent_span_id"] = parent
    return log


# --------------------------------------------------------------------------------------------------------------------
# The shipper


def _tracing_enabled_by_env() -> bool:
    value = os.environ.get("PORTKEY_TRACING_ENABLED")
    return value is None or value.strip().lower() not in _DISABLED_VALUES


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}")
    return value


def _check_seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"`{name}` must be a number of seconds, not {type(value).__name__}")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"`{name}` must be a finite number of seconds > 0")
    return float(value)


class _Warner:
    """Logs each kind of warning at most once per `_WARNING_INTERVAL`, with the count suppressed in between;
    `warn_once` warns the first time a key comes up (repeats at DEBUG)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self.warn_once = WarnOnce(logger)

    def warn(self, kind: str, message: str, *args: object) -> None:
        now = self._clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < _WARNING_INTERVAL:
                self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
                return
            self._last[kind] = now
            suppressed = self._suppressed.pop(kind, 0)
        if suppressed:
            message += " (%d similar warnings suppressed)"
            args = (*args, suppressed)
        logger.warning(message, *args)


_live_shippers: weakref.WeakSet[LogShipper] = weakref.WeakSet()
_exiting = False


class LogShipper:
    """Ships custom logs to Portkey (`POST /logs`) in batches from a background thread.

    Args:
        api_key: Portkey API key. Default: `PORTKEY_API_KEY`. Required when enabled and no `client` is given.
        base_url: Portkey base URL. Default: `PORTKEY_BASE_URL`, then `PORTKEY_PROXY`, then the hosted gateway
            `https://api.portkey.ai/v1`.
        client: A sync `Portkey` client to send with, instead of `api_key`/`base_url` (it gets this shipper's
            `timeout` and `max_retries` via `with_options`, sharing its connection pool).
        flush_interval: Longest time, in seconds, a log waits before its batch is sent.
        max_batch_size: Most logs per request.
        max_batch_bytes: Most bytes of JSON per request; a single log larger than this is dropped.
        max_queue_size: Most logs waiting to be sent; beyond it new logs are dropped and counted.
        max_queue_bytes: Most bytes (of the logs' JSON) waiting to be sent; beyond it new logs are dropped and
            counted. Default 64 MiB.
        timeout: Timeout of one HTTP request, in seconds.
        send_timeout: Deadline of one send (one batch, all its retries and backoff included), in seconds; a batch
            not sent by then is dropped and counted. Default 30 s.
        max_retries: Retries of one batch, by the client's policy: connection errors, 409, 429 and 5xx, with
            exponential backoff honouring `Retry-After`.
        enabled: `False` turns the shipper off (every method is a no-op). `PORTKEY_TRACING_ENABLED=false` does the
            same.

    Raises:
        ValueError: enabled, but no API key (argument or `PORTKEY_API_KEY`) and no client; or a bad setting.
        TypeError: a setting of the wrong type.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        client: Portkey | None = None,
        flush_interval: float = 1.0,
        max_batch_size: int = 100,
        max_batch_bytes: int = 1_000_000,
        max_queue_size: int = 10_000,
        max_queue_bytes: int = DEFAULT_MAX_QUEUE_BYTES,
        timeout: float = 5.0,
        send_timeout: float = 30.0,
        max_retries: int = 3,
        enabled: bool = True,
    ) -> None:
        self._flush_interval = _check_seconds("flush_interval", flush_interval)
        self._max_batch_size = _check_int("max_batch_size", max_batch_size, 1)
        self._max_batch_bytes = _check_int("max_batch_bytes", max_batch_bytes, 16)
        self._max_queue_size = _check_int("max_queue_size", max_queue_size, 1)
        self._max_queue_bytes = _check_int("max_queue_bytes", max_queue_bytes, 16)
        self._timeout = _check_seconds("timeout", timeout)
        self._send_timeout = _check_seconds("send_timeout", send_timeout)
        self._max_retries = _check_int("max_retries", max_retries, 0)
        self._enabled = bool(enabled) and _tracing_enabled_by_env()
        if client is not None and (api_key is not None or base_url is not None):
            raise ValueError("pass either `client` or `api_key`/`base_url`, not both")
        self._user_client = client
        self._api_key = api_key or _env("PORTKEY_API_KEY")
        self._base_url = base_url or _env("PORTKEY_BASE_URL") or _env("PORTKEY_PROXY") or PORTKEY_GATEWAY_URL
        if self._enabled and client is None and not self._api_key:
            raise ValueError(
                "LogShipper needs a Portkey API key: pass `api_key=` or set PORTKEY_API_KEY "
                "(or turn log shipping off with `enabled=False` or PORTKEY_TRACING_ENABLED=false)"
            )
        self._client: Portkey | None = self._make_client() if self._enabled else None
        self._reset_state()
        self._closed = False
        if self._enabled:
            _live_shippers.add(self)

    def _make_client(self) -> Portkey:
        if self._user_client is not None:
            return self._user_client.with_options(
                timeout=self._timeout, max_retries=self._max_retries, total_timeout=self._send_timeout
            )
        from .._client import Portkey

        return Portkey(
            api_key=self._api_key,
            base_url=self._base_url,
            timeout=self._timeout,
            max_retries=self._max_retries,
            total_timeout=self._send_timeout,
        )

    def _reset_state(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._buffer: deque[tuple[dict[str, Any], int]] = deque()
        self._buffer_bytes = 0
        self._worker: threading.Thread | None = None
        self._enqueued = 0
        self._done = 0
        self._dropped = 0
        self._drop_counts: dict[str, int] = {}
        self._flush_requested = False
        self._stopping = False
        self._warner = _Warner()

    def _after_fork_in_child(self) -> None:
        self._reset_state()
        if self._user_client is None:
            self._client = None

    @property
    def enabled(self) -> bool:
        """Whether logs are shipped (False when disabled by argument or `PORTKEY_TRACING_ENABLED=false`)."""
        return self._enabled

    @property
    def dropped(self) -> int:
        """How many logs were dropped: queue full, shut down, too large, or given up after retries/4xx."""
        return self._dropped

    @property
    def drop_counts(self) -> dict[str, int]:
        """How many logs were dropped, by reason: `queue_full` (by count or bytes), `too_large`, `closed`,
        `shutdown`, `timeout` (a send past `timeout` or `send_timeout`), `connection`, `status_<code>`, `not_mapping`, `internal`."""
        with self._cond:
            return dict(self._drop_counts)

    @property
    def queued_bytes(self) -> int:
        """Bytes (of JSON) of the logs waiting to be sent."""
        return self._buffer_bytes

    def enqueue(self, log: Mapping[str, Any]) -> None:
        """Queue one log for sending. Never blocks on I/O and never raises.

        The log is copied with `to_jsonable` (bounded, secrets redacted) on the calling thread. When the queue is
        full, or the shipper is shut down, the log is dropped and counted in `dropped`.
        """
        if not self._enabled:
            return
        try:
            item = _jsonable_dict(log)
            if item is None:
                self._drop(1, "not_mapping", "Portkey log shipper: dropped a log that is not a mapping")
                return
            size = _json_size(item)
            with self._cond:
                if self._closed:
                    reason = "closed"
                elif len(self._buffer) >= self._max_queue_size or self._buffer_bytes + size > self._max_queue_bytes:
                    reason = "queue_full"
                else:
                    reason = None
                    self._buffer.append((item, size))
                    self._buffer_bytes += size
                    self._enqueued += 1
                    if not self._ensure_worker_locked() and len(self._buffer) >= self._max_batch_size:
                        self._cond.notify_all()
            if reason == "closed":
                self._drop(1, reason, "Portkey log shipper: dropped a log enqueued after shutdown")
            elif reason == "queue_full":
                self._drop(
                    1,
                    reason,
                    "Portkey log shipper: queue full (%d logs or %d bytes), dropping logs; is the Portkey API reachable?",
                    self._max_queue_size,
                    self._max_queue_bytes,
                )
        except Exception as exc:  # never let tracing break the caller
            self._drop(1, "internal", "Portkey log shipper: dropped a log (%s)", type(exc).__name__)

    def _ensure_worker_locked(self) -> bool:
        """Start the worker if it is not running; True if it was started now. Never starts one at shutdown."""
        if self._worker is not None and self._worker.is_alive():
            return False
        if _exiting or sys.is_finalizing():
            return False
        worker = threading.Thread(target=self._run, name="portkey-log-shipper", daemon=True)
        try:
            worker.start()
        except RuntimeError:  # "can't create new thread at interpreter shutdown"
            return False
        self._worker = worker
        return True

    def _count_drop_locked(self, count: int, kind: str) -> None:
        self._dropped += count
        self._drop_counts[kind] = self._drop_counts.get(kind, 0) + count

    def _drop(self, count: int, kind: str, message: str, *args: object) -> None:
        with self._cond:
            self._count_drop_locked(count, kind)
        self._warner.warn(kind, message, *args)

    def _take_locked(self) -> list[tuple[dict[str, Any], int]]:
        batch = [self._buffer.popleft() for _ in range(min(len(self._buffer), self._max_batch_size))]
        self._buffer_bytes -= sum(size for _, size in batch)
        return batch

    # ----------------------------------------------------------------------------------------------------------------
    # worker

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._send_batch(batch)

    def _next_batch(self) -> list[tuple[dict[str, Any], int]] | None:
        with self._cond:
            while not self._buffer:
                if self._stopping:
                    return None
                if not self._cond.wait(_IDLE_EXIT) and not self._buffer and not self._stopping:
                    self._worker = None  # idle: let the thread end (the next enqueue starts a new one)
                    return None
            deadline = time.monotonic() + self._flush_interval
            while len(self._buffer) < self._max_batch_size and not self._flush_requested and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self._take_locked()

    def _send_batch(self, batch: list[tuple[dict[str, Any], int]]) -> None:
        """Send (or drop) `batch`, then count it as done. Never raises."""
        try:
            for chunk in self._chunks_by_bytes(batch):
                self._post(chunk)
        except Exception as exc:
            self._drop(len(batch), "internal", "Portkey log shipper: dropped logs (%s)", type(exc).__name__)
        finally:
            with self._cond:
                self._done += len(batch)
                if not self._buffer:
                    self._flush_requested = False
                self._cond.notify_all()

    def _chunks_by_bytes(self, batch: list[tuple[dict[str, Any], int]]) -> list[list[dict[str, Any]]]:
        chunks: list[list[dict[str, Any]]] = []
        chunk: list[dict[str, Any]] = []
        size = 2  # "[]"
        for log, length in batch:
            if length + 2 > self._max_batch_bytes:
                self._drop(
                    1,
                    "too_large",
                    "Portkey log shipper: dropped a log of %d bytes (max_batch_bytes=%d)",
                    length,
                    self._max_batch_bytes,
                )
                continue
            if chunk and size + 1 + length > self._max_batch_bytes:
                chunks.append(chunk)
                chunk, size = [], 2
            size += length + (1 if chunk else 0)
            chunk.append(log)
        if chunk:
            chunks.append(chunk)
        return chunks

    def _post(self, chunk: list[dict[str, Any]]) -> None:
        client = self._client
        if client is None:
            client = self._client = self._make_client()
        try:
            client.post("/logs", body=chunk, cast_to=type(None))
        except openai.APIStatusError as exc:
            status = exc.status_code
            if status == 413 and len(chunk) > 1:
                middle = len(chunk) // 2
                self._post(chunk[:middle])
                self._post(chunk[middle:])
                return
            with self._cond:
                self._count_drop_locked(len(chunk), f"status_{status}")
            if status in _RETRYABLE_STATUSES or status >= 500:
                self._warner.warn(
                    f"status_{status}",
                    "Portkey log shipper: dropped %d logs (HTTP %d, max_retries=%d)",
                    len(chunk),
                    status,
                    self._max_retries,
                )
            else:
                self._warner.warn_once(
                    status,
                    "Portkey log shipper: POST /logs was rejected with HTTP %d; dropping such batches",
                    status,
                )
        except openai.APIConnectionError as exc:
            self._drop(
                len(chunk),
                "timeout" if isinstance(exc, openai.APITimeoutError) else "connection",
                "Portkey log shipper: dropped %d logs (%s, max_retries=%d)",
                len(chunk),
                type(exc).__name__,
                self._max_retries,
            )

    # ----------------------------------------------------------------------------------------------------------------
    # flush and shutdown

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Block until every log enqueued before this call has been sent or dropped, or `timeout` seconds passed.

        Args:
            timeout: Seconds to wait at most; `None` waits as long as it takes.

        Returns:
            True when everything enqueued before the call was sent or dropped.
        """
        if not self._enabled:
            return True
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        with self._cond:
            target = self._enqueued
            if self._done >= target:
                return True
            worker_running = (self._worker is not None and self._worker.is_alive()) or self._ensure_worker_locked()
            self._flush_requested = True
            self._cond.notify_all()
        if not worker_running:
            self._drain_inline(deadline)
        with self._cond:
            while self._done < target:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    async def aflush(self, timeout: float | None = 5.0) -> bool:
        """`flush` for async code: waits in a worker thread, so the event loop keeps running."""
        return await asyncio.to_thread(self.flush, timeout)

    def _drain_inline(self, deadline: float | None) -> None:
        """Send what is queued from the calling thread (when no worker thread can run, e.g. at exit)."""
        while deadline is None or time.monotonic() < deadline:
            with self._cond:
                batch = self._take_locked()
            if not batch:
                return
            self._send_batch(batch)

    def shutdown(self, timeout: float | None = 5.0) -> None:
        """Send what is queued (waiting at most `timeout` seconds), stop the worker and refuse further logs.

        Idempotent. Logs enqueued afterwards are dropped and counted.
        """
        if not self._enabled:
            return
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        with self._cond:
            already_closed = self._closed
            self._closed = True
            self._stopping = True
            self._cond.notify_all()
            worker = self._worker
        if worker is not None and worker.is_alive():
            worker.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        else:
            self._drain_inline(deadline)
        if worker is not None and worker.is_alive():
            return
        with self._cond:
            leftover = len(self._buffer)
            self._buffer.clear()
            self._buffer_bytes = 0
            self._done += leftover
            self._cond.notify_all()
        if leftover:
            self._drop(leftover, "shutdown", "Portkey log shipper: dropped %d logs not sent before shutdown", leftover)
        if not already_closed and self._user_client is None and self._client is not None:
            self._client.close()
        _live_shippers.discard(self)


def _shutdown_all_at_exit() -> None:
    global _exiting
    _exiting = True
    shippers = list(_live_shippers)
    deadline = time.monotonic() + _EXIT_FLUSH_TIMEOUT
    for shipper in shippers:
        shipper.shutdown(timeout=max(0.0, deadline - time.monotonic()))


def _reset_all_after_fork() -> None:
    for shipper in list(_live_shippers):
        shipper._after_fork_in_child()  # pyright: ignore[reportPrivateUsage]


atexit.register(_shutdown_all_at_exit)
after_fork_in_child(_reset_all_after_fork)
