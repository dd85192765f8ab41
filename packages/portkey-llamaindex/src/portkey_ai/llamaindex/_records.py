"""What the LlamaIndex integration records per span, and what a user's `span_filter` sees.

The tree bookkeeping (policies, re-parenting, trace ids) is framework-neutral and lives in `portkey_ai.lib._spans`;
`LlamaSpanRecord` adds the payload a LlamaIndex span collects for its log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portkey_ai.lib.sibling import SpanRecord

__all__ = ["LLMCall", "LlamaSpanRecord", "SpanFilter", "SpanInfo"]


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


@dataclass(slots=True, eq=False, repr=False, kw_only=True)
class LlamaSpanRecord(SpanRecord):
    """A LlamaIndex span (instrumentation span or legacy callback event) and everything needed to turn it into a log.

    The tree fields are `SpanRecord`'s (written by `SpanTree`); the payload fields below are written by the handler
    that owns the span.

    Attributes:
        url: The request URL of the log, if known.
        url_base: Where the model is served (`https://host/v1/`), if known; endpoint paths are appended to it.
        provider: Portkey provider slug, if known.
        model: Model name, if known.
        request_body: Request body of the log.
        response_body: Response body of the log, if an event filled it.
        inputs: Raw call arguments, converted only if the span is emitted and no event filled `request_body`.
        output: Raw result, converted only if the span is emitted and no event filled `response_body`.
        llm: What an LLM span collected from its events.
        error: The exception the span ended with.
        child_error: An error a child span ended with (legacy callbacks report an exception on the innermost event
            only).
        status: Status of a span that failed without an exception (a tool output flagged as an error).
    """

    url: str | None = None
    url_base: str = ""
    provider: str | None = None
    model: str | None = None
    request_body: dict[str, Any] = field(default_factory=lambda: {})
    response_body: dict[str, Any] | None = None
    inputs: Any = None
    output: Any = None
    llm: LLMCall | None = None
    error: BaseException | None = None
    child_error: BaseException | None = None
    status: int | None = None

    def release(self) -> None:
        """Drop payload references once the span was shipped or skipped (closed records may be kept for lookups)."""
        self.request_body = {}
        self.response_body = None
        self.inputs = None
        self.output = None
        self.llm = None
        self.error = None
        self.child_error = None
