"""Rebuild and check the span trees that the framework integrations ship to `POST /logs`.

Feed it the log objects a sink received (each request body of `/logs` is a JSON array; pass the concatenation) and it
checks the invariants every trace must satisfy, then gives a tree you can assert on::

    trace = build_trace(received_logs)          # exactly one trace expected
    assert trace.render() == (
        "RunnableSequence [chain]\\n"
        "├── ChatPromptTemplate [prompt]\\n"
        "└── ChatOpenAI [llm] tokens=12+5=17"
    )
    assert trace.find("ChatOpenAI").usage == {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}

Checked for every log (the shape `portkey_ai.lib.span_log` builds, frameworks.md §4.1/4.2):

- `metadata.traceId/spanId/spanName` present and equal to the top-level `trace_id/span_id/span_name` copies;
  `parentSpanId` and `parent_span_id` both absent (a root) or equal, never `""` or `"None"`;
- every metadata value is a string; `response.response_time` is an integer >= 0; `startTime <= endTime`;
- per trace: unique span ids, exactly one root, no dangling parent, every span reachable from the root.

Violations raise `AssertionError` with a message naming the trace and span.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

__all__ = ["Span", "Trace", "build_trace", "build_traces"]

_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens")


@dataclass
class Span:
    """One span: a log object plus its place in the tree."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str | None
    """`source_metadata.type` (llm, chain, tool, retriever, ...), if the log carries one."""
    tags: list[str]
    source: str | None
    """`metadata._source` ("Langchain", "LlamaIndex", ...)."""
    status: int | None
    response_time_ms: int | None
    start_ns: int | None
    end_ns: int | None
    usage: dict[str, int] | None
    """`response.body.usage` restricted to the OpenAI token counters, if present."""
    log: dict[str, Any]
    """The raw log object as received."""
    index: int
    """Position of the log in the received sequence (ties in ordering are broken by arrival)."""
    children: list[Span] = field(default_factory=lambda: [])

    @property
    def metadata(self) -> dict[str, str]:
        """The log's metadata (all values are strings)."""
        return cast(dict[str, str], self.log["metadata"])

    @property
    def request_body(self) -> Any:
        """`request.body` of the log."""
        return cast(dict[str, Any], self.log["request"]).get("body")

    @property
    def response_body(self) -> Any:
        """`response.body` of the log."""
        return cast(dict[str, Any], self.log["response"]).get("body")

    def walk(self) -> Iterator[Span]:
        """Yield this span and all its descendants, depth first, children in order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Trace:
    """One trace: its root span and an index of its spans by id."""

    trace_id: str
    root: Span
    spans: dict[str, Span]

    def walk(self) -> Iterator[Span]:
        """Every span of the trace, depth first from the root."""
        return self.root.walk()

    def names(self) -> list[str]:
        """Span names in depth-first order."""
        return [span.name for span in self.walk()]

    def find_all(self, name: str) -> list[Span]:
        """All spans called `name`, depth-first order."""
        return [span for span in self.walk() if span.name == name]

    def find(self, name: str) -> Span:
        """The one span called `name`; fails if there is none or more than one."""
        found = self.find_all(name)
        assert len(found) == 1, f"trace {self.trace_id}: expected one span named {name!r}, found {len(found)}"
        return found[0]

    def kinds(self) -> list[str | None]:
        """Span kinds in depth-first order."""
        return [span.kind for span in self.walk()]

    def render(self, *, timing: bool = False, status: bool = True) -> str:
        """A text tree: one line per span with name, `[kind]`, token usage and (optionally) timing.

        Args:
            timing: Append `<n>ms` (response_time) to each line. Off by default so renders compare exactly.
            status: Append `status=<code>` for spans whose status is not 200.
        """
        lines: list[str] = []

        def line(span: Span) -> str:
            parts = [span.name]
            if span.kind:
                parts.append(f"[{span.kind}]")
            if span.usage:
                parts.append(
                    "tokens={}+{}={}".format(*(span.usage.get(key, "?") for key in _USAGE_KEYS)),
                )
            if status and span.status not in (None, 200):
                parts.append(f"status={span.status}")
            if timing and span.response_time_ms is not None:
                parts.append(f"{span.response_time_ms}ms")
            return " ".join(parts)

        def visit(span: Span, prefix: str, connector: str, child_prefix: str) -> None:
            lines.append(prefix + connector + line(span))
            for i, child in enumerate(span.children):
                last = i == len(span.children) - 1
                visit(child, prefix + child_prefix, "└── " if last else "├── ", "    " if last else "│   ")

        visit(self.root, "", "", "")
        return "\n".join(lines)


def _fail(where: str, message: str) -> AssertionError:
    return AssertionError(f"{where}: {message}")


def _int_or_none(value: Any, where: str, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        assert value.lstrip("-").isdigit(), f"{where}: {what} must be an integer string, got {value!r}"
        return int(value)
    assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {what} must be an integer, got {value!r}"
    return value


def _span_from_log(raw: Mapping[str, Any], index: int) -> Span:
    where = f"log #{index}"
    assert isinstance(raw, Mapping), f"{where}: a log must be a JSON object, got {type(raw).__name__}"
    log = dict(raw)
    for key in ("request", "response", "metadata"):
        if not isinstance(log.get(key), Mapping):
            raise _fail(where, f"{key!r} must be an object")
    metadata = cast(Mapping[str, Any], log["metadata"])
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise _fail(where, f"metadata[{key!r}] must be a string, got {type(value).__name__}")
    ids: dict[str, str | None] = {}
    for camel, snake in (("traceId", "trace_id"), ("spanId", "span_id"), ("spanName", "span_name")):
        value = metadata.get(camel)
        if not value:
            raise _fail(where, f"metadata.{camel} is missing or empty")
        if log.get(snake) != value:
            raise _fail(where, f"top-level {snake}={log.get(snake)!r} differs from metadata.{camel}={value!r}")
        ids[snake] = value
    where = f"trace {ids['trace_id']} span {ids['span_id']} ({ids['span_name']})"
    parent = metadata.get("parentSpanId")
    if parent in ("", "None", "null"):
        raise _fail(where, f"metadata.parentSpanId must be omitted for a root, got {parent!r}")
    if log.get("parent_span_id") != parent:
        raise _fail(where, f"top-level parent_span_id={log.get('parent_span_id')!r} differs from metadata ({parent!r})")

    response = cast(Mapping[str, Any], log["response"])
    response_time = response.get("response_time")
    if response_time is not None and (
        not isinstance(response_time, int) or isinstance(response_time, bool) or response_time < 0
    ):
        raise _fail(where, f"response.response_time must be an integer >= 0 (ms), got {response_time!r}")
    status = _int_or_none(response.get("status"), where, "response.status")
    start_ns = _int_or_none(metadata.get("startTime"), where, "metadata.startTime")
    end_ns = _int_or_none(metadata.get("endTime"), where, "metadata.endTime")
    if start_ns is not None and end_ns is not None and start_ns > end_ns:
        raise _fail(where, f"metadata.startTime {start_ns} is after endTime {end_ns}")

    kind: str | None = None
    tags: list[str] = []
    source_metadata = metadata.get("source_metadata")
    if source_metadata is not None:
        try:
            decoded = json.loads(source_metadata)
        except ValueError as exc:
            raise _fail(where, "metadata.source_metadata is not JSON") from exc
        if not isinstance(decoded, dict):
            raise _fail(where, "metadata.source_metadata must be a JSON object")
        decoded_map = cast(dict[str, Any], decoded)
        kind_value = decoded_map.get("type")
        kind = kind_value if isinstance(kind_value, str) else None
        tags_value = decoded_map.get("tags", [])
        if isinstance(tags_value, list):
            tags = [str(tag) for tag in cast(list[object], tags_value)]

    usage: dict[str, int] | None = None
    body = response.get("body")
    if isinstance(body, Mapping):
        raw_usage = cast(Mapping[str, Any], body).get("usage")
        if isinstance(raw_usage, Mapping):
            usage = {
                key: value
                for key, value in cast(Mapping[str, Any], raw_usage).items()
                if key in _USAGE_KEYS and isinstance(value, int)
            } or None

    source = metadata.get("_source")
    return Span(
        trace_id=cast(str, ids["trace_id"]),
        span_id=cast(str, ids["span_id"]),
        parent_span_id=parent,
        name=cast(str, ids["span_name"]),
        kind=kind,
        tags=tags,
        source=source,
        status=status,
        response_time_ms=response_time,
        start_ns=start_ns,
        end_ns=end_ns,
        usage=usage,
        log=log,
        index=index,
    )


def build_traces(logs: Iterable[Mapping[str, Any]]) -> dict[str, Trace]:
    """Check every log and every trace, and return the traces by trace id.

    Raises:
        AssertionError: a log is malformed, a span id repeats, a parent is missing, a trace has zero or several
            roots, or a span is unreachable from its root.
    """
    by_trace: dict[str, dict[str, Span]] = {}
    for index, raw in enumerate(logs):
        span = _span_from_log(raw, index)
        spans = by_trace.setdefault(span.trace_id, {})
        if span.span_id in spans:
            raise _fail(f"trace {span.trace_id}", f"span id {span.span_id} appears twice")
        spans[span.span_id] = span

    traces: dict[str, Trace] = {}
    for trace_id, spans in by_trace.items():
        roots = [span for span in spans.values() if span.parent_span_id is None]
        for span in spans.values():
            if span.parent_span_id is not None:
                parent = spans.get(span.parent_span_id)
                if parent is None:
                    raise _fail(
                        f"trace {trace_id}",
                        f"span {span.span_id} ({span.name}) has dangling parent {span.parent_span_id}",
                    )
                parent.children.append(span)
        if len(roots) != 1:
            names = sorted(f"{span.name}({span.span_id})" for span in roots)
            raise _fail(f"trace {trace_id}", f"expected exactly one root, found {len(roots)}: {names}")
        for span in spans.values():
            span.children.sort(key=lambda child: (child.start_ns if child.start_ns is not None else 0, child.index))
        root = roots[0]
        reachable = {span.span_id for span in root.walk()}
        unreachable = sorted(set(spans) - reachable)
        if unreachable:
            raise _fail(f"trace {trace_id}", f"spans not reachable from the root (a parent cycle): {unreachable}")
        traces[trace_id] = Trace(trace_id=trace_id, root=root, spans=spans)
    return traces


def build_trace(logs: Iterable[Mapping[str, Any]]) -> Trace:
    """Like `build_traces`, and also assert that the logs form exactly one trace."""
    traces = build_traces(logs)
    assert len(traces) == 1, f"expected exactly one trace, found {len(traces)}: {sorted(traces)}"
    return next(iter(traces.values()))
