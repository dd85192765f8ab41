"""Framework-neutral span bookkeeping: which spans become Portkey logs, and under which parent.

A framework reports a tree of spans (LlamaIndex instrumentation spans, legacy callback events). Sending every one of
them to `POST /logs` would flood Portkey with wrapper spans (`RetrieverQueryEngine._query`, `SentenceSplitter.
split_text`, ...), so each span carries a `Policy`, and `SpanTree.decide` chooses, once and for all, whether a span is
emitted and which emitted ancestor becomes its Portkey parent. Children of spans that are not emitted are re-parented
to their nearest emitted ancestor, so the shipped tree never has a dangling parent.

Nothing here knows about LlamaIndex; the LangChain integration could share it (see the package README).
"""

from __future__ import annotations

import enum
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LLMCall", "Policy", "SpanFilter", "SpanInfo", "SpanRecord", "SpanTree"]

_MAX_ANCESTOR_WALK = 512


class Policy(enum.Enum):
    """When a span is emitted."""

    PINNED = "pinned"
    """Always emitted, never collapsed into an ancestor: roots, and spans a `span_filter` forces."""
    ALWAYS = "always"
    """Always emitted (tools, workflows, chat engines), unless it repeats its parent (same instance, same kind)."""
    ON_EVENT = "on_event"
    """Emitted once an event marked it semantic (LLM call, retrieval, query, ...)."""
    WHEN_NEEDED = "when_needed"
    """Emitted only if an emitted descendant needs it as a parent (workflow steps)."""
    NEVER = "never"
    """Never emitted (node parsers, internal wrappers); its children are re-parented."""


@dataclass(frozen=True, slots=True)
class SpanInfo:
    """What a `span_filter` sees about a span when it starts.

    Attributes:
        name: The span name (for LlamaIndex `ClassName.method`, or the tool name for tools).
        kind: The inferred kind: `llm`, `embedding`, `retriever`, `query`, `synthesizer`, `reranker`, `tool`,
            `agent`, `workflow`, `step`, `chat_engine`, `node_parser` or `chain`.
        is_root: Whether the span has no parent.
        tags: The span's instrumentation tags.
    """

    name: str
    kind: str
    is_root: bool
    tags: Mapping[str, Any]


SpanFilter = Callable[[SpanInfo], "bool | None"]
"""Return True to always emit a span, False to never emit it, None to keep the default policy."""


class LLMCall:
    """What an LLM span collected from its events."""

    __slots__ = (
        "first_token_time",
        "kwargs",
        "messages",
        "mode",
        "model_info",
        "prompt",
        "response",
        "streaming",
    )

    def __init__(self, mode: str) -> None:
        self.mode = mode
        """`chat` or `completion`."""
        self.messages: list[Any] = []
        self.prompt: str | None = None
        self.kwargs: dict[str, Any] = {}
        self.model_info: dict[str, Any] = {}
        self.response: Any = None
        self.streaming = False
        self.first_token_time: float | None = None


class SpanRecord:
    """One framework span and everything needed to turn it into a Portkey log.

    The tree fields (`decision`, `emitted_parent`, `trace_id`) are written by `SpanTree` under its lock; the payload
    fields are written by the framework handler that owns the span.
    """

    __slots__ = (
        "child_error",
        "closed",
        "decision",
        "emitted_parent",
        "end_time",
        "error",
        "inputs",
        "instance_key",
        "kind",
        "llm",
        "metadata",
        "model",
        "name",
        "output",
        "parent",
        "policy",
        "provider",
        "request_body",
        "response_body",
        "semantic",
        "span_id",
        "start_time",
        "status",
        "tags",
        "trace_hint",
        "trace_id",
        "url",
        "url_base",
    )

    def __init__(
        self,
        *,
        name: str,
        kind: str,
        parent: SpanRecord | None,
        policy: Policy,
        instance_key: int | str | None = None,
        trace_hint: str | None = None,
        tags: tuple[str, ...] = (),
    ) -> None:
        self.span_id = str(uuid.uuid4())
        self.name = name
        self.kind = kind
        self.parent = parent
        self.policy = policy
        self.instance_key = instance_key
        self.trace_hint = trace_hint
        self.tags = tags
        self.start_time = time.time()
        self.end_time: float | None = None
        self.closed = False
        self.semantic: str | None = None
        """Set by an event that makes the span worth a log (`llm`, `retriever`, ...)."""
        self.decision: bool | None = None
        self.emitted_parent: SpanRecord | None = None
        self.trace_id: str | None = None
        self.url: str | None = None
        self.url_base = ""
        """Where the model is served (`https://host/v1/`), if known; endpoint paths are appended to it."""
        self.provider: str | None = None
        self.model: str | None = None
        self.request_body: dict[str, Any] = {}
        self.response_body: dict[str, Any] | None = None
        self.inputs: Any = None
        """Raw call arguments, converted only if the span is emitted and no event filled `request_body`."""
        self.output: Any = None
        """Raw result, converted only if the span is emitted and no event filled `response_body`."""
        self.llm: LLMCall | None = None
        self.error: BaseException | None = None
        self.child_error: BaseException | None = None
        """An error a child span ended with (legacy callbacks report an exception on the innermost event only)."""
        self.status: int | None = None
        self.metadata: dict[str, Any] = {}

    @property
    def collapse_group(self) -> str | None:
        """Spans of one instance and one group nest into a single log (e.g. `MockLLM.chat` calling `.complete`)."""
        if self.semantic is not None:
            return self.semantic
        if self.policy is Policy.ALWAYS:
            return self.kind
        return None

    def root(self) -> SpanRecord:
        """The topmost known ancestor (the record itself for a root)."""
        record = self
        steps = 0
        while record.parent is not None and steps < _MAX_ANCESTOR_WALK:
            record = record.parent
            steps += 1
        return record

    def release(self) -> None:
        """Drop payload references once the span was shipped or skipped (closed records may be kept for lookups)."""
        self.request_body = {}
        self.response_body = None
        self.inputs = None
        self.output = None
        self.llm = None
        self.error = None
        self.child_error = None


class SpanTree:
    """Decides which spans are emitted, their Portkey parent and their trace id. Thread-safe."""

    def __init__(self, *, default_trace_id: str | None = None) -> None:
        self.default_trace_id = default_trace_id
        self._lock = threading.Lock()

    def decide(self, record: SpanRecord, *, final: bool) -> bool:
        """Whether `record` is emitted.

        Args:
            record: The span.
            final: True when the span ends: an undecided span is then settled as not emitted. False when asked
                early (e.g. by an event), where "not yet" stays open.
        """
        with self._lock:
            return self._decide(record, needed=False, final=final)

    def parent_span_id(self, record: SpanRecord) -> str | None:
        """The Portkey parent span id of an emitted record (None for a root)."""
        parent = record.emitted_parent
        return parent.span_id if parent is not None else None

    def _decide(self, record: SpanRecord, *, needed: bool, final: bool) -> bool:
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
                record.decision = False
            return False
        parent = self._emitted_ancestor(record)
        group = record.collapse_group
        if (
            parent is not None
            and group is not None
            and record.instance_key is not None
            and parent.instance_key == record.instance_key
            and parent.collapse_group == group
        ):
            record.decision = False
            return False
        record.decision = True
        record.emitted_parent = parent
        if parent is not None and parent.trace_id is not None:
            record.trace_id = parent.trace_id
        else:
            record.trace_id = record.trace_hint or self.default_trace_id or str(uuid.uuid4())
        return True

    def _emitted_ancestor(self, record: SpanRecord) -> SpanRecord | None:
        ancestor = record.parent
        steps = 0
        while ancestor is not None and steps < _MAX_ANCESTOR_WALK:
            if self._decide(ancestor, needed=True, final=ancestor.closed):
                return ancestor
            ancestor = ancestor.parent
            steps += 1
        return None
