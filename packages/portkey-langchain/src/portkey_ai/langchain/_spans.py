"""Framework-neutral span bookkeeping for tracing handlers.

A tracing handler sees a stream of "run started" / "run ended" events, each with a run key and the key of its
parent. `SpanTracker` turns that stream into a tree of Portkey spans:

- a run whose parent is unknown (never seen, already evicted, or absent) is a root of a new trace;
- a child inherits its parent's trace id and sampling decision;
- a run that is not emitted (hidden, filtered out) stays in the tree so that its children are re-parented to the
  nearest emitted ancestor; a root is always emitted, so every trace has exactly one root;
- open runs are bounded (the oldest is evicted when an end never arrives), and the trace ids of recently
  finished runs are remembered (bounded) so users can look them up after the call returned.

Nothing here knows about LangChain; the LlamaIndex integration can use it as is. All methods are thread-safe.
"""

from __future__ import annotations

import logging
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, Generic, TypeVar

__all__ = ["SpanRecord", "SpanTracker", "error_response"]

logger = logging.getLogger("portkey_ai.langchain")

K = TypeVar("K", bound=Hashable)

_MAX_ERROR_MESSAGE = 4_000


@dataclass(slots=True)
class SpanRecord:
    """One open span: where it sits in the tree and what the integration recorded at its start."""

    span_id: str
    trace_id: str
    parent_span_id: str | None
    """Span id of the nearest *emitted* ancestor; `None` for a root."""
    name: str
    kind: str
    emit: bool
    """Whether this span is shipped at its end (False for hidden, filtered or unsampled runs)."""
    sampled: bool
    start_time: float = field(default_factory=time.time)
    """Epoch seconds."""
    start_perf: float = field(default_factory=time.perf_counter)
    tags: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=lambda: {})
    data: dict[str, Any] = field(default_factory=lambda: {})
    """Integration-specific values recorded while the span is open (request body, first-token time...)."""


class SpanTracker(Generic[K]):
    """Thread-safe run-key -> span bookkeeping with bounded memory.

    Args:
        max_open: Upper bound on open spans; beyond it the oldest open span is forgotten (its end will be ignored,
            its late children become roots).
        max_finished: How many finished runs keep their trace id available to `trace_id_of`.
        sample_rate: Probability that a new trace is shipped; the decision is taken at the root and inherited.
        new_trace_id: Makes the trace id of a root that has no explicit one; gets the root's span id.
    """

    def __init__(
        self,
        *,
        max_open: int = 10_000,
        max_finished: int = 10_000,
        sample_rate: float = 1.0,
        new_trace_id: Callable[[str], str] = lambda span_id: span_id,
    ) -> None:
        if max_open < 1:
            raise ValueError("`max_open` must be >= 1")
        if max_finished < 0:
            raise ValueError("`max_finished` must be >= 0")
        if not 0.0 <= sample_rate <= 1.0:
            raise ValueError("`sample_rate` must be between 0.0 and 1.0")
        self._lock = Lock()
        self._open: OrderedDict[K, SpanRecord] = OrderedDict()
        self._finished: OrderedDict[K, str] = OrderedDict()
        self._max_open = max_open
        self._max_finished = max_finished
        self._sample_rate = sample_rate
        self._new_trace_id = new_trace_id
        self._random = random.Random()

    def start(
        self,
        key: K,
        parent_key: K | None,
        *,
        span_id: str,
        name: str,
        kind: str,
        emit: bool = True,
        trace_id: str | None = None,
        tags: tuple[str, ...] = (),
        metadata: dict[str, str] | None = None,
    ) -> SpanRecord:
        """Open a span for `key` and return its record.

        Args:
            key: The run's key.
            parent_key: The parent run's key, or `None`. An unknown parent makes this run a root.
            span_id: The span id to ship.
            name: Span name.
            kind: Span kind (llm, chain, tool, retriever...).
            emit: Whether the span should be shipped when it ends; ignored for roots, which are always emitted.
            trace_id: Trace id to use if this run turns out to be a root (ignored for children).
            tags: Tags recorded on the span.
            metadata: String metadata recorded on the span.
        """
        with self._lock:
            parent = self._open.get(parent_key) if parent_key is not None else None
            if parent is None:
                sampled = self._sample_rate >= 1.0 or self._random.random() < self._sample_rate
                record = SpanRecord(
                    span_id=span_id,
                    trace_id=trace_id or self._new_trace_id(span_id),
                    parent_span_id=None,
                    name=name,
                    kind=kind,
                    emit=sampled,
                    sampled=sampled,
                    tags=tags,
                    metadata=metadata or {},
                )
            else:
                record = SpanRecord(
                    span_id=span_id,
                    trace_id=parent.trace_id,
                    parent_span_id=parent.span_id if parent.emit else parent.parent_span_id,
                    name=name,
                    kind=kind,
                    emit=emit and parent.sampled,
                    sampled=parent.sampled,
                    tags=tags,
                    metadata=metadata or {},
                )
            self._open[key] = record
            self._open.move_to_end(key)
            while len(self._open) > self._max_open:
                evicted_key, evicted = self._open.popitem(last=False)
                logger.debug(
                    "Portkey tracing: forgot open span %s (%s); too many open spans", evicted.name, evicted_key
                )
            return record

    def get(self, key: K) -> SpanRecord | None:
        """The open span of `key`, if any."""
        with self._lock:
            return self._open.get(key)

    def finish(self, key: K) -> SpanRecord | None:
        """Close the span of `key` and return it (None if it was never opened or was evicted)."""
        with self._lock:
            record = self._open.pop(key, None)
            if record is not None and self._max_finished:
                self._finished[key] = record.trace_id
                self._finished.move_to_end(key)
                while len(self._finished) > self._max_finished:
                    self._finished.popitem(last=False)
            return record

    def trace_id_of(self, key: K) -> str | None:
        """Trace id of an open or recently finished run, else None."""
        with self._lock:
            record = self._open.get(key)
            if record is not None:
                return record.trace_id
            return self._finished.get(key)

    def open_count(self) -> int:
        """Number of spans currently open."""
        with self._lock:
            return len(self._open)


def _status_of(error: BaseException) -> int:
    for attribute in ("status_code", "status", "http_status"):
        value = getattr(error, attribute, None)
        if isinstance(value, int) and not isinstance(value, bool) and 400 <= value <= 599:
            return value
    return 500


def error_response(error: BaseException) -> tuple[int, dict[str, Any]]:
    """HTTP-like status and body describing `error` for an error span.

    The status comes from the exception when it carries one (`status_code`, e.g. `openai.APIStatusError`),
    otherwise 500. The message is truncated; the exception object itself is never touched.
    """
    try:
        message = str(error)
    except Exception:
        message = f"<unprintable {type(error).__name__}>"
    return _status_of(error), {"error": {"message": message[:_MAX_ERROR_MESSAGE], "type": type(error).__name__}}
