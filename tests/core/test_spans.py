"""`portkey_ai.lib._spans`: the span bookkeeping the LangChain and LlamaIndex integrations share.

Pure unit tests: which spans are emitted, under which Portkey parent and trace id, sampling, the bounded key ->
record registry, and `error_response`. The integrations' own suites check the same rules end to end.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import openai
import pytest
from typing_extensions import override

from portkey_ai._http import httpx
from portkey_ai.lib._spans import Policy, SpanRecord, SpanTree, error_response


def span(
    name: str,
    parent: SpanRecord | None = None,
    policy: Policy = Policy.ON_EVENT,
    *,
    semantic: str | None = None,
    instance: int | None = None,
    kind: str = "chain",
    trace_hint: str | None = None,
) -> SpanRecord:
    return SpanRecord(
        name=name,
        kind=kind,
        parent=parent,
        policy=policy,
        span_id=name,
        instance_key=instance,
        trace_hint=trace_hint,
        semantic=semantic,
    )


# ------------------------------------------------------------------------------------------------------------ decisions


def test_children_of_skipped_spans_attach_to_the_nearest_emitted_ancestor() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    root = span("query", policy=Policy.PINNED)
    wrapper = span("_query", root)
    hidden = span("hidden", wrapper, Policy.NEVER)
    llm = span("llm", hidden, semantic="llm")

    assert tree.decide(llm, final=True)
    assert tree.decide(wrapper, final=True) is False
    assert tree.decide(root, final=True)
    assert (llm.parent_span_id, root.parent_span_id) == ("query", None)
    assert llm.trace_id == root.trace_id == "query"


def test_skipped_spans_still_belong_to_the_trace_of_their_nearest_emitted_ancestor() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    root = span("root", policy=Policy.PINNED)
    assert tree.decide(root, final=True)
    hidden = span("hidden", root, Policy.NEVER)
    orphan = span("orphan", None, Policy.NEVER)

    assert tree.decide(hidden, final=True) is False
    assert tree.decide(orphan, final=True) is False
    assert (hidden.decision, hidden.trace_id, hidden.parent_span_id) == (False, "root", "root")
    assert (orphan.decision, orphan.trace_id, orphan.parent_span_id) == (False, None, None)


def test_an_undecided_span_can_still_become_semantic_until_it_ends() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    record = span("retrieve", span("root", policy=Policy.PINNED))

    assert tree.decide(record, final=False) is False
    assert record.decision is None
    record.semantic = "retriever"
    assert tree.decide(record, final=True)

    never = span("splitter", policy=Policy.NEVER)
    assert tree.decide(never, final=False) is False
    assert never.decision is False

    unmarked = span("wrapper", span("root2", policy=Policy.PINNED))
    assert tree.decide(unmarked, final=True) is False
    unmarked.semantic = "llm"
    assert tree.decide(unmarked, final=True) is False, "a decision is final"


def test_steps_are_emitted_only_when_a_descendant_needs_them() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    run = span("Flow.run", policy=Policy.PINNED, kind="workflow")
    busy = span("Flow.answer", run, Policy.WHEN_NEEDED, kind="step")
    idle = span("Flow.prepare", run, Policy.WHEN_NEEDED, kind="step")
    llm = span("llm", busy, semantic="llm")

    assert tree.decide(idle, final=True) is False
    assert busy.decision is None
    assert tree.decide(llm, final=True)
    assert busy.decision is True
    assert llm.parent_span_id == "Flow.answer"
    assert busy.parent_span_id == "Flow.run"
    assert tree.decide(busy, final=True)


def test_an_open_ancestor_stays_undecided_and_a_closed_one_is_settled() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    run = span("run", policy=Policy.PINNED)
    still_open = span("open", run)
    closed = span("closed", run)
    closed.closed = True

    assert tree.decide(span("a", still_open, semantic="llm"), final=True)
    assert tree.decide(span("b", closed, semantic="llm"), final=True)

    assert still_open.decision is None
    assert closed.decision is False


def test_nested_calls_on_one_object_collapse_into_one_span() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    root = span("engine.chat", policy=Policy.PINNED, kind="chat_engine", instance=1)
    chat = span("LLM.chat", root, semantic="llm", instance=2)
    complete = span("LLM.complete", chat, semantic="llm", instance=2)
    other_llm = span("Other.complete", chat, semantic="llm", instance=3)
    tool = span("tool", complete, Policy.ALWAYS, kind="tool", instance=4)
    same_tool = span("tool.inner", tool, Policy.ALWAYS, kind="tool", instance=4)

    assert tree.decide(complete, final=True) is False
    assert complete.parent_span_id == "LLM.chat"
    assert tree.decide(other_llm, final=True)
    assert other_llm.parent_span_id == "LLM.chat"
    assert tree.decide(tool, final=True)
    assert tool.parent_span_id == "LLM.chat"
    assert tree.decide(same_tool, final=True) is False


def test_pinned_spans_never_collapse() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    root = span("LLM.predict", policy=Policy.PINNED, kind="llm", instance=1, semantic="llm")
    forced = span("LLM._inner", root, Policy.PINNED, kind="llm", instance=1, semantic="llm")
    complete = span("LLM.complete", forced, semantic="llm", instance=1)

    assert tree.decide(forced, final=True)
    assert forced.parent_span_id == "LLM.predict"
    assert tree.decide(complete, final=True) is False, "an unpinned repeat still collapses into its pinned parent"


def test_root_returns_the_topmost_known_ancestor() -> None:
    root = span("root")
    leaf = span("leaf", span("middle", root))

    assert leaf.root() is root
    assert root.root() is root


# ------------------------------------------------------------------------------------------------------------ trace ids


def test_trace_ids() -> None:
    hinted = span("a", policy=Policy.PINNED, trace_hint="from-tag")
    assert SpanTree[str, SpanRecord](default_trace_id="fixed").decide(hinted, final=True)
    assert hinted.trace_id == "from-tag"

    fixed_tree: SpanTree[str, SpanRecord] = SpanTree(default_trace_id="fixed")
    fixed = span("b", policy=Policy.PINNED)
    assert fixed_tree.decide(fixed, final=True)
    assert (fixed.trace_id, fixed_tree.default_trace_id) == ("fixed", "fixed")

    child = span("c", fixed, Policy.ALWAYS, trace_hint="ignored-for-children")
    assert fixed_tree.decide(child, final=True)
    assert child.trace_id == "fixed"

    tree: SpanTree[str, SpanRecord] = SpanTree()
    splitter = span("splitter", policy=Policy.NEVER)
    first = SpanRecord(name="embed-1", kind="embedding", parent=splitter, semantic="embedding")
    second = SpanRecord(name="embed-2", kind="embedding", parent=splitter, semantic="embedding")
    assert tree.decide(first, final=True) and tree.decide(second, final=True)
    assert first.parent_span_id is None and second.parent_span_id is None
    assert first.trace_id == first.span_id and second.trace_id == second.span_id
    assert first.trace_id != second.trace_id
    assert uuid.UUID(first.span_id)


# ------------------------------------------------------------------------------------------------------------- sampling


def test_an_unsampled_trace_keeps_its_shape_but_ships_nothing() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree(sample_rate=0.0)
    root = span("root", policy=Policy.PINNED)
    child = span("child", root, Policy.ALWAYS)

    assert tree.decide(root, final=True) is False
    assert tree.decide(child, final=True) is False
    assert (root.decision, root.sampled, root.emit, root.trace_id) == (True, False, False, "root")
    assert (child.decision, child.emit, child.trace_id, child.parent_span_id) == (True, False, "root", "root")


def test_sampling_is_decided_where_a_trace_starts_and_inherited() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree(sample_rate=0.5)
    outcomes: set[bool] = set()
    for index in range(200):
        root = span(f"root-{index}", policy=Policy.PINNED)
        child = span(f"child-{index}", root, Policy.ALWAYS)
        root_shipped = tree.decide(root, final=True)
        assert tree.decide(child, final=True) is root_shipped
        outcomes.add(root_shipped)
    assert outcomes == {True, False}


# ------------------------------------------------------------------------------------------------------------- registry


def test_records_by_key() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    root = tree.start("r", span("root", policy=Policy.PINNED))
    child = tree.start("c", span("child", tree.get("r"), Policy.ALWAYS))

    assert tree.get("r") is root and tree.get("c") is child
    assert tree.open_count() == 2
    assert tree.finish("c") is child
    assert tree.finish("c") is None
    assert tree.get("c") is None
    assert tree.get("c", include_finished=True) is child
    assert tree.get("unknown", include_finished=True) is None
    assert tree.open_count() == 1

    late = span("late", tree.get("c", include_finished=True), Policy.ALWAYS)
    assert tree.decide(root, final=True) and tree.decide(child, final=True) and tree.decide(late, final=True)
    assert late.parent_span_id == "child", "a late child finds its finished parent"


def test_open_records_are_bounded() -> None:
    evicted: list[int] = []
    tree: SpanTree[int, SpanRecord] = SpanTree(max_open=2, on_evict=evicted.append)
    for key in range(3):
        tree.start(key, span(str(key), policy=Policy.PINNED))

    assert tree.open_count() == 2
    assert evicted == [0]
    assert tree.get(0, include_finished=True) is None, "a forgotten record is not a finished one"
    assert tree.finish(0) is None
    assert tree.finish(1) is not None


def test_finished_records_are_bounded() -> None:
    tree: SpanTree[int, SpanRecord] = SpanTree(max_finished=2)
    for key in range(3):
        tree.start(key, span(str(key)))
        tree.finish(key)
    assert [tree.get(key, include_finished=True) is not None for key in range(3)] == [False, True, True]

    forgetful: SpanTree[int, SpanRecord] = SpanTree(max_finished=0)
    forgetful.start(0, span("0"))
    assert forgetful.finish(0) is not None
    assert forgetful.get(0, include_finished=True) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_open": 0}, "max_open"),
        ({"max_finished": -1}, "max_finished"),
        ({"sample_rate": -0.1}, "sample_rate"),
        ({"sample_rate": 1.5}, "sample_rate"),
        ({"sample_rate": float("nan")}, "sample_rate"),
    ],
)
def test_bad_settings(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpanTree(**kwargs)  # type: ignore[arg-type]


def test_concurrent_starts_and_finishes() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    root = tree.start("root", span("root", policy=Policy.PINNED))
    tree.decide(root, final=True)
    barrier = threading.Barrier(8)

    def work(worker: int) -> None:
        barrier.wait()
        for index in range(200):
            key = f"{worker}-{index}"
            record = tree.start(key, span(key, tree.get("root"), Policy.ALWAYS))
            assert tree.decide(record, final=True)
            assert (record.trace_id, record.parent_span_id) == ("root", "root")
            assert tree.finish(key) is record

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tree.open_count() == 1


def test_concurrent_children_promote_a_step_once() -> None:
    tree: SpanTree[str, SpanRecord] = SpanTree()
    run = span("run", policy=Policy.PINNED)
    step = span("step", run, Policy.WHEN_NEEDED)
    children = [span(f"llm-{i}", step, semantic="llm", instance=i) for i in range(50)]
    barrier = threading.Barrier(len(children))

    def decide(record: SpanRecord) -> None:
        barrier.wait()
        tree.decide(record, final=True)

    threads = [threading.Thread(target=decide, args=(child,)) for child in children]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {child.parent_span_id for child in children} == {"step"}
    assert {child.trace_id for child in children} == {run.trace_id}


# ------------------------------------------------------------------------------------------------------- error_response


def test_error_response_uses_the_status_the_error_carries() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    error = openai.RateLimitError("slow down", response=httpx.Response(429, request=request), body=None)
    assert error_response(error) == (429, {"error": {"message": "slow down", "type": "RateLimitError"}})

    class WithStatus(Exception):
        status = 503

    class WithBogusStatus(Exception):
        status_code = True
        http_status = 200

    assert error_response(WithStatus("down"))[0] == 503
    assert error_response(WithBogusStatus("odd"))[0] == 500


def test_error_response_marks_cancellations() -> None:
    assert error_response(asyncio.CancelledError())[0] == 499
    assert error_response(GeneratorExit())[0] == 499


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
