"""The trace-tree test helper: it accepts what `span_log` builds and rejects broken trees."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from portkey_ai.lib import span_log
from tests.helpers.trace_tree import build_trace, build_traces

T0 = 1_766_000_000.0


def _log(
    span_id: str,
    parent: str | None,
    name: str,
    *,
    trace_id: str = "trace-1",
    kind: str | None = "chain",
    start: float = 0.0,
    end: float = 1.0,
    usage: dict[str, int] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    body: dict[str, Any] = {"output": name}
    if usage is not None:
        body["usage"] = usage
    return span_log(
        trace_id=trace_id,
        span_id=span_id,
        parent_span_id=parent,
        span_name=name,
        request={"body": {"input": name}},
        response={"status": status, "body": body},
        start_time=T0 + start,
        end_time=T0 + end,
        source="Langchain",
        span_type=kind,
        tags=["seq:step:1"],
    )


def _sample() -> list[dict[str, Any]]:
    # children arrive before their parents, as the integrations send them (a span is logged when it ends)
    return [
        _log(
            "llm",
            "seq",
            "ChatOpenAI",
            kind="llm",
            start=0.2,
            end=0.7,
            usage={"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
        ),
        _log("prompt", "seq", "ChatPromptTemplate", kind="prompt", start=0.1, end=0.15),
        _log("tool", "seq", "search", kind="tool", start=0.8, end=0.9, status=500),
        _log("seq", None, "RunnableSequence", start=0.0, end=1.0),
    ]


def test_builds_the_tree_in_start_order() -> None:
    trace = build_trace(_sample())
    assert trace.trace_id == "trace-1"
    assert trace.root.name == "RunnableSequence"
    assert trace.names() == ["RunnableSequence", "ChatPromptTemplate", "ChatOpenAI", "search"]
    assert trace.kinds() == ["chain", "prompt", "llm", "tool"]
    assert trace.render() == (
        "RunnableSequence [chain]\n"
        "├── ChatPromptTemplate [prompt]\n"
        "├── ChatOpenAI [llm] tokens=12+5=17\n"
        "└── search [tool] status=500"
    )
    assert trace.render(timing=True).splitlines()[0] == "RunnableSequence [chain] 1000ms"


def test_exposes_span_details() -> None:
    trace = build_trace(_sample())
    llm = trace.find("ChatOpenAI")
    assert llm.usage == {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    assert llm.parent_span_id == "seq"
    assert llm.response_time_ms == 500
    assert (
        llm.start_ns is not None
        and llm.end_ns is not None
        and llm.end_ns - llm.start_ns == pytest.approx(5e8, rel=1e-6)
    )
    assert llm.source == "Langchain"
    assert llm.tags == ["seq:step:1"]
    assert llm.request_body == {"input": "ChatOpenAI"}
    assert llm.response_body["output"] == "ChatOpenAI"
    assert llm.metadata["spanId"] == "llm"
    assert trace.find("search").status == 500
    assert [span.name for span in trace.spans["seq"].children] == ["ChatPromptTemplate", "ChatOpenAI", "search"]


def test_deeper_nesting_renders_with_guides() -> None:
    logs = [
        _log("a", None, "root", start=0, end=4),
        _log("b", "a", "child", start=1, end=3),
        _log("c", "b", "grandchild", start=2, end=2.5),
        _log("d", "a", "sibling", start=3.5, end=4),
    ]
    assert build_trace(logs).render() == (
        "root [chain]\n├── child [chain]\n│   └── grandchild [chain]\n└── sibling [chain]"
    )


def test_several_traces() -> None:
    logs = [_log("a", None, "first", trace_id="t1"), _log("b", None, "second", trace_id="t2")]
    traces = build_traces(logs)
    assert sorted(traces) == ["t1", "t2"]
    with pytest.raises(AssertionError, match="expected exactly one trace, found 2"):
        build_trace(logs)


def test_rejects_two_roots() -> None:
    logs = [_log("a", None, "one"), _log("b", None, "two")]
    with pytest.raises(AssertionError, match=r"trace trace-1: expected exactly one root, found 2"):
        build_traces(logs)


def test_rejects_dangling_parent() -> None:
    logs = [_log("a", None, "root"), _log("b", "missing", "orphan")]
    with pytest.raises(AssertionError, match="span b \\(orphan\\) has dangling parent missing"):
        build_traces(logs)


def test_rejects_duplicate_span_ids() -> None:
    with pytest.raises(AssertionError, match="span id a appears twice"):
        build_traces([_log("a", None, "root"), _log("a", None, "again")])


def test_rejects_parent_cycles() -> None:
    logs = [_log("r", None, "root"), _log("x", "y", "x"), _log("y", "x", "y")]
    with pytest.raises(AssertionError, match=r"not reachable from the root.*\['x', 'y'\]"):
        build_traces(logs)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda log: log["metadata"].pop("traceId"), "metadata.traceId is missing"),
        (lambda log: log.__setitem__("span_id", "other"), "top-level span_id='other' differs"),
        (lambda log: log["metadata"].__setitem__("parentSpanId", "None"), "must be omitted for a root"),
        (lambda log: log.__setitem__("parent_span_id", "x"), "top-level parent_span_id='x' differs"),
        (lambda log: log["metadata"].__setitem__("weight", 3), r"metadata\['weight'\] must be a string"),
        (lambda log: log["response"].__setitem__("response_time", "0843"), "response_time must be an integer"),
        (lambda log: log["metadata"].__setitem__("startTime", "9" * 30), "startTime .* is after endTime"),
        (lambda log: log["metadata"].__setitem__("source_metadata", "{"), "source_metadata is not JSON"),
        (lambda log: log.pop("request"), "'request' must be an object"),
    ],
)
def test_rejects_malformed_logs(mutate: Any, message: str) -> None:
    log = copy.deepcopy(_log("a", None, "root"))
    mutate(log)
    with pytest.raises(AssertionError, match=message):
        build_traces([log])
