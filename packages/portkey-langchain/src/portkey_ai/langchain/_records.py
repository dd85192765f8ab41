"""What the LangChain integration records per run, and what a user's `span_filter` sees.

The tree bookkeeping (policies, re-parenting, trace ids) is framework-neutral and lives in core
(`portkey_ai.lib.sibling.SpanTree`); `RunRecord` adds what a LangChain run collects for its log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from portkey_ai.lib.sibling import SpanRecord

__all__ = ["HIDDEN_TAG", "MAX_RECORDED_ITEMS", "RunRecord", "SpanFilter", "SpanKind"]

SpanKind = Literal["llm", "chain", "prompt", "parser", "tool", "retriever"]
SpanFilter = Callable[[str, str, Sequence[str], Mapping[str, Any]], bool]
"""`span_filter(kind, name, tags, metadata) -> bool`: return False to leave a (non-root) run out of the trace."""

HIDDEN_TAG = "langsmith:hidden"
"""Tag LangGraph and LangChain put on internal runs (channel writes, branch routers...)."""

MAX_RECORDED_ITEMS = 100
"""Most agent actions or custom events recorded on one span."""


@dataclass(slots=True, eq=False, repr=False, kw_only=True)
class RunRecord(SpanRecord):
    """A LangChain run's span.

    Attributes:
        data: What the handler recorded while the run was open (request body, first-token time, agent actions...);
            emptied when the run ends, as finished records are kept a while for late children and trace-id lookups.
    """

    data: dict[str, Any] = field(default_factory=lambda: {})
