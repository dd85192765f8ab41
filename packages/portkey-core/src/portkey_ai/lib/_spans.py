"""Framework-neutral span bookkeeping shared by the tracing integrations (LangChain, LlamaIndex).

A framework reports a tree of runs (LangChain runs, LlamaIndex instrumentation spans, legacy callback events), each
with a key and the key of its parent. Sending every one of them to `POST /logs` would flood Portkey with wrapper
spans, so each `SpanRecord` carries a `Policy`, and `SpanTree.decide` settles, once and for all, whether the span is
emitted and which emitted ancestor becomes its Portkey parent:

- children of spans that are not emitted are re-parented to their nearest emitted ancestor, so the shipped tree never
  has a dangling parent;
- a decision may wait (a span becomes worth a log when an event marks it, a workflow step when a descendant needs it
  as a parent) until the span ends;
- an emitted span without an emitted ancestor starts a trace: its trace id is its `trace_hint`, else the tree's
  default, else its own span id; its descendants inherit it, and the sampling decision taken there;
- open records are bounded (the oldest is forgotten when an end never arrives), and recently finished ones are kept
  (bounded) so late children still find their parent and callers can look up a finished run's trace id.

Integrations subclass `SpanRecord` (a slotted dataclass) to add what they record for the log. `SpanTree` is
thread-safe; a record's tree fields are written only under its lock.
"""

from __future__ import annotations

import enum
import random
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

from .._logging import redacting_logger, strip_query

__all__ = ["Policy", "SpanRecord", "SpanTree", "error_response"]

logger = redacting_logger("portkey_ai.tracing")

_MAX_ANCESTOR_WALK = 512
_MAX_ERROR_MESSAGE = 4_000
_STATUS_ATTRIBUTES = ("status_code", "status", "http_status")


class Policy(enum.Enum):
    """When a span is emitted."""

    PINNED = "pinned"
    """Always emitted, never collapsed into an ancestor: roots, and spans a user's filter forces."""
    ALWAYS = "always"
    """Always emitted, unless it repeats its parent (same `instance_key`, same collapse group)."""
    ON_EVENT = "on_event"
    """Emitted once an event marked it `semantic` (LLM call, retrieval, query...); settled as not emitted at its end."""
    WHEN_NEEDED = "when_needed"
    """Emitted only if an emitted descendant needs it as a parent (workflow steps)."""
    NEVER = "never"
    """Never emitted (hidden or filtered runs, internal wrappers); its children are re-parented."""


@dataclass(slots=True, eq=False, repr=False, kw_only=True)
class SpanRecord:
    """One span: where it sits in the framework's tree, and how `SpanTree` settled it.

    The integration sets the constructor fields; `decision`, `emitted_parent`, `trace_id` and `sampled` are written by
    `SpanTree` (under its lock) when it decides the span.

    Attributes:
        name: Span name.
        kind: Span kind (`llm`, `chain`, `tool`, `retriever`...); integrations may refine it while the span is open.
        parent: The parent record, if the framework reported one that is still known.
        policy: When the span is emitted.
        span_id: The span id shipped to Portkey (default: a new UUID).
        instance_key: Identifies the object that opened the span; nested spans of one instance and one collapse group
            become one log.
        trace_hint: Trace id to use if this span starts a trace (ignored when it has an emitted ancestor).
        tags: Tags of the span.
        metadata: Metadata of the span.
        start_time: Epoch seconds at the start.
        start_perf: `time.perf_counter()` at the start, for durations.
        end_time: Epoch seconds at the end, once known.
        closed: Whether the span has ended.
        semantic: Set by an event that makes the span worth a log (`llm`, `retriever`...).
        decision: Whether the span is emitted; None while undecided.
        emitted_parent: The nearest emitted ancestor, once decided.
        trace_id: The span's trace id, once decided (None for a skipped span without emitted ancestor).
        sampled: Whether the span's trace is shipped (decided where the trace starts).
    """

    name: str
    kind: str
    parent: Self | None = None
    policy: Policy = Policy.ALWAYS
    span_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    instance_key: int | str | None = None
    trace_hint: str | None = None
    tags: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=lambda: {})
    start_time: float = field(default_factory=time.time)
    start_perf: float = field(default_factory=time.perf_counter)
    end_time: float | None = None
    closed: bool = False
    semantic: str | None = None
    decision: bool | None = field(default=None, init=False)
    emitted_parent: Self | None = field(default=None, init=False)
    trace_id: str | None = field(default=None, init=False)
    sampled: bool = field(default=True, init=False)

    @property
    def emit(self) -> bool:
        """Whether the span is shipped when it ends: decided as emitted, in a sampled trace."""
        return self.decision is True and self.sampled

    @property
    def parent_span_id(self) -> str | None:
        """The Portkey parent span id: the nearest emitted ancestor's span id (None for the start of a trace)."""
        parent = self.emitted_parent
        return parent.span_id if parent is not None else None

    @property
    def collapse_group(self) -> str | None:
        """Spans of one instance and one group nest into a single log (e.g. `MockLLM.chat` calling `.complete`)."""
        if self.semantic is not None:
            return self.semantic
        if self.policy is Policy.ALWAYS:
            return self.kind
        return None

    def root(self) -> Self:
        """The topmost known ancestor (the record itself for a root)."""
        record = self
        steps = 0
        while record.parent is not None and steps < _MAX_ANCESTOR_WALK:
            record = record.parent
            steps += 1
        return record


K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=SpanRecord)


class SpanTree(Generic[K, R]):
    """Key -> record bookkeeping with bounded memory, and the emission decisions. Thread-safe.

    Args:
        max_open: Upper bound on open records; beyond it the oldest is forgotten (its end is then unknown to the tree
            and its late children find no parent).
        max_finished: How many finished records stay available to `get(..., include_finished=True)`.
        sample_rate: Probability that a new trace is shipped; decided where the trace starts, inherited below.
        default_trace_id: Trace id of every new trace whose first span has no `trace_hint`.
        on_evict: Called (outside the tree's lock) with the key of each open record forgotten because of `max_open`.

    Raises:
        ValueError: `max_open` < 1, `max_finished` < 0, or `sample_rate` outside [0, 1].
    """

    def __init__(
        self,
        *,
        max_open: int = 10_000,
        max_finished: int = 10_000,
        sample_rate: float = 1.0,
        default_trace_id: str | None = None,
        on_evict: Callable[[K], None] | None = None,
    ) -> None:
        if max_open < 1:
            raise ValueError("`max_open` must be >= 1")
        if max_finished < 0:
            raise ValueError("`max_finished` must be >= 0")
        if not 0.0 <= sample_rate <= 1.0:
            raise ValueError("`sample_rate` must be between 0.0 and 1.0")
        self._lock = threading.Lock()
        self._open: OrderedDict[K, R] = OrderedDict()
        self._finished: OrderedDict[K, R] = OrderedDict()
        self._max_open = max_open
        self._max_finished = max_finished
        self._sample_rate = sample_rate
        self._default_trace_id = default_trace_id
        self._on_evict = on_evict
        self._random = random.Random()

    @property
    def default_trace_id(self) -> str | None:
        """Trace id of every new trace whose first span has no `trace_hint`."""
        return self._default_trace_id

    def start(self, key: K, record: R) -> R:
        """Register `record` (already linked to its parent) as the open record of `key`, and return it.

        Forgets the oldest open records beyond `max_open` (reporting them to `on_evict`).
        """
        with self._lock:
            self._open[key] = record
            self._open.move_to_end(key)
            evicted: list[tuple[K, R]] = []
            while len(self._open) > self._max_open:
                evicted.append(self._open.popitem(last=False))
        for old_key, old_record in evicted:
            logger.debug("Portkey tracing: forgot open span %s; too many open spans", old_record.name)
            if self._on_evict is not None:
                self._on_evict(old_key)
        return record

    def get(self, key: K, *, include_finished: bool = False) -> R | None:
        """The open record of `key` (or, with `include_finished`, its recently finished one), if any."""
        with self._lock:
            record = self._open.get(key)
            if record is None and include_finished:
                record = self._finished.get(key)
            return record

    def finish(self, key: K) -> R | None:
        """Move the record of `key` from open to recently finished and return it (None if not open)."""
        with self._lock:
            record = self._open.pop(key, None)
            if record is not None and self._max_finished:
                self._finished[key] = record
                self._finished.move_to_end(key)
                while len(self._finished) > self._max_finished:
                    self._finished.popitem(last=False)
            return record

    def open_count(self) -> int:
        """Number of open records."""
        with self._lock:
            return len(self._open)

    def decide(self, record: R, *, final: bool) -> bool:
        """Settle `record` if possible, and return whether it is shipped (`record.emit`).

        Deciding a span may promote `WHEN_NEEDED` ancestors that are still undecided.

        Args:
            record: The span.
            final: True when the span ends (or must be settled now): an undecided span is then settled as not
                emitted. False when asked early (e.g. by an event), where "not yet" stays open.
        """
        with self._lock:
            self._decide(record, needed=False, final=final)
            return record.emit

    def _decide(self, record: R, *, needed: bool, final: bool) -> bool:
        if record.decision is not None:
            return record.decision
        policy = record.policy
        wants = (
            policy is Policy.PINNED
            or policy is Policy.ALWAYS
            or (policy is Policy.ON_EVENT and record.semantic is not None)
            or (policy is Policy.WHEN_NEEDED and needed)
        )
        if not wants:
            if final or policy is Policy.NEVER:
                self._skip(record)
            return False
        parent = self._emitted_ancestor(record)
        group = record.collapse_group
        if (
            policy is not Policy.PINNED
            and parent is not None
            and group is not None
            and record.instance_key is not None
            and parent.instance_key == record.instance_key
            and parent.collapse_group == group
        ):
            self._skip(record)
            return False
        record.decision = True
        record.emitted_parent = parent
        if parent is not None and parent.trace_id is not None:
            record.trace_id = parent.trace_id
            record.sampled = parent.sampled
        else:
            record.trace_id = record.trace_hint or self._default_trace_id or record.span_id
            record.sampled = self._sample_rate >= 1.0 or self._random.random() < self._sample_rate
        return True

    def _skip(self, record: R) -> None:
        """Settle `record` as not emitted; it still belongs to the trace of its nearest emitted ancestor, if any."""
        record.decision = False
        ancestor = record.parent
        steps = 0
        while ancestor is not None and ancestor.decision is not True and steps < _MAX_ANCESTOR_WALK:
            ancestor = ancestor.parent
            steps += 1
        if ancestor is not None and ancestor.decision is True:
            record.emitted_parent = ancestor
            record.trace_id = ancestor.trace_id
            record.sampled = ancestor.sampled

    def _emitted_ancestor(self, record: R) -> R | None:
        ancestor = record.parent
        steps = 0
        while ancestor is not None and steps < _MAX_ANCESTOR_WALK:
            if self._decide(ancestor, needed=True, final=ancestor.closed):
                return ancestor
            ancestor = ancestor.parent
            steps += 1
        return None


def _status_of(error: BaseException) -> int:
    for attribute in _STATUS_ATTRIBUTES:
        value = getattr(error, attribute, None)
        if isinstance(value, int) and not isinstance(value, bool) and 400 <= value <= 599:
            return value
    if isinstance(error, GeneratorExit) or type(error).__name__ == "CancelledError":
        return 499
    return 500


def error_response(error: BaseException) -> tuple[int, dict[str, Any]]:
    """HTTP-like status and body describing `error` for an error span.

    The status is the one the exception carries (`status_code`, `status` or `http_status`, e.g.
    `openai.APIStatusError`), else 499 for a cancellation (`CancelledError`, `GeneratorExit`), else 500. The message
    is truncated and URLs in it lose their query strings (they can carry keys); an exception whose `str()` fails
    is described by its type.
    """
    try:
        message = str(error)
    except Exception:
        message = f"<unprintable {type(error).__name__}>"
    message = strip_query(message[:_MAX_ERROR_MESSAGE])
    return _status_of(error), {"error": {"message": message, "type": type(error).__name__}}


def safe_base_url(value: object) -> str | None:
    """Scheme, host, port and path of an `http(s)` base URL, without credentials, query or fragment; `None` for
    anything else (including a URL whose port does not parse)."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
