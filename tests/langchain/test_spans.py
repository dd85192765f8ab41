"""`SpanTracker` and `error_response`: the framework-neutral span bookkeeping."""

from __future__ import annotations

import threading

import openai
import pytest
from typing_extensions import override

from portkey_ai._http import httpx
from portkey_ai.langchain._spans import SpanTracker, error_response


def test_roots_children_and_trace_ids() -> None:
    tracker: SpanTracker[str] = SpanTracker()
    root = tracker.start("r", None, span_id="r", name="root", kind="chain")
    child = tracker.start("c", "r", span_id="c", name="child", kind="llm", trace_id="ignored-for-children")
    orphan = tracker.start("o", "never-seen", span_id="o", name="orphan", kind="tool", trace_id="explicit")
    assert (root.trace_id, root.parent_span_id) == ("r", None)
    assert (child.trace_id, child.parent_span_id) == ("r", "r")
    assert (orphan.trace_id, orphan.parent_span_id) == ("explicit", None)
    assert tracker.open_count() == 3
    assert tracker.finish("c") is child
    assert tracker.finish("c") is None
    assert tracker.trace_id_of("c") == "r"
    assert tracker.trace_id_of("unknown") is None


def test_skipped_spans_reparent_their_children_but_roots_are_always_emitted() -> None:
    tracker: SpanTracker[str] = SpanTracker()
    root = tracker.start("r", None, span_id="r", name="root", kind="chain", emit=False)
    hidden = tracker.start("h", "r", span_id="h", name="hidden", kind="chain", emit=False)
    hidden2 = tracker.start("h2", "h", span_id="h2", name="hidden2", kind="chain", emit=False)
    leaf = tracker.start("l", "h2", span_id="l", name="leaf", kind="llm")
    assert root.emit
    assert not hidden.emit and not hidden2.emit
    assert leaf.parent_span_id == "r"
    assert leaf.trace_id == "r"


def test_open_spans_are_bounded() -> None:
    tracker: SpanTracker[int] = SpanTracker(max_open=2)
    for key in range(3):
        tracker.start(key, None, span_id=str(key), name="n", kind="chain")
    assert tracker.open_count() == 2
    assert tracker.get(0) is None
    assert tracker.finish(0) is None
    late_child = tracker.start(9, 0, span_id="9", name="late", kind="tool")
    assert late_child.parent_span_id is None  # its parent was evicted: a new root


def test_finished_trace_ids_are_bounded() -> None:
    tracker: SpanTracker[int] = SpanTracker(max_finished=2)
    for key in range(3):
        tracker.start(key, None, span_id=str(key), name="n", kind="chain")
        tracker.finish(key)
    assert tracker.trace_id_of(0) is None
    assert tracker.trace_id_of(1) == "1"
    assert tracker.trace_id_of(2) == "2"


def test_sampling_is_decided_at_the_root() -> None:
    tracker: SpanTracker[str] = SpanTracker(sample_rate=0.0)
    root = tracker.start("r", None, span_id="r", name="root", kind="chain")
    child = tracker.start("c", "r", span_id="c", name="child", kind="llm")
    assert not root.emit and not root.sampled
    assert not child.emit


def test_custom_trace_ids() -> None:
    tracker: SpanTracker[str] = SpanTracker(new_trace_id=lambda span_id: f"t-{span_id}")
    assert tracker.start("r", None, span_id="r", name="root", kind="chain").trace_id == "t-r"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_open": 0}, "max_open"), ({"max_finished": -1}, "max_finished"), ({"sample_rate": -0.1}, "sample_rate")],
)
def test_bad_settings(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpanTracker(**kwargs)  # type: ignore[arg-type]


def test_concurrent_starts_and_finishes() -> None:
    tracker: SpanTracker[str] = SpanTracker()
    tracker.start("root", None, span_id="root", name="root", kind="chain")

    def work(worker: int) -> None:
        for index in range(200):
            key = f"{worker}-{index}"
            record = tracker.start(key, "root", span_id=key, name="n", kind="tool")
            assert record.trace_id == "root"
            assert tracker.finish(key) is record

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tracker.open_count() == 1


def test_error_response_uses_the_status_of_api_errors() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(429, request=request)
    error = openai.RateLimitError("slow down", response=response, body=None)
    assert error_response(error) == (429, {"error": {"message": "slow down", "type": "RateLimitError"}})


def test_error_response_defaults_to_500_and_truncates() -> None:
    status, body = error_response(RuntimeError("x" * 10_000))
    assert status == 500
    assert len(body["error"]["message"]) == 4_000


def test_error_response_survives_unprintable_errors() -> None:
    class Weird(Exception):
        @override
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert error_response(Weird()) == (500, {"error": {"message": "<unprintable Weird>", "type": "Weird"}})
