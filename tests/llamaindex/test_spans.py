"""`SpanTree`: which spans become logs, their Portkey parent and their trace id (framework-neutral unit tests)."""

from __future__ import annotations

import threading
import uuid

from portkey_ai.llamaindex._spans import Policy, SpanRecord, SpanTree


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
    record = SpanRecord(
        name=name, kind=kind, parent=parent, policy=policy, instance_key=instance, trace_hint=trace_hint
    )
    record.semantic = semantic
    return record


def test_children_of_skipped_spans_attach_to_the_nearest_emitted_ancestor() -> None:
    tree = SpanTree()
    root = span("query", policy=Policy.PINNED)
    wrapper = span("_query", root)
    llm = span("llm", wrapper, semantic="llm")

    assert tree.decide(llm, final=True)
    assert tree.decide(wrapper, final=True) is False
    assert tree.decide(root, final=True)
    assert tree.parent_span_id(llm) == root.span_id
    assert tree.parent_span_id(root) is None
    assert llm.trace_id == root.trace_id


def test_an_undecided_span_can_still_become_semantic_until_it_ends() -> None:
    tree = SpanTree()
    record = span("retrieve", span("root", policy=Policy.PINNED))

    assert tree.decide(record, final=False) is False
    record.semantic = "retriever"
    assert tree.decide(record, final=True)
    record_never = span("splitter", policy=Policy.NEVER)
    assert tree.decide(record_never, final=False) is False
    assert record_never.decision is False


def test_steps_are_emitted_only_when_a_descendant_needs_them() -> None:
    tree = SpanTree()
    run = span("Flow.run", policy=Policy.PINNED, kind="workflow")
    busy = span("Flow.answer", run, Policy.WHEN_NEEDED, kind="step")
    idle = span("Flow.prepare", run, Policy.WHEN_NEEDED, kind="step")
    llm = span("llm", busy, semantic="llm")

    assert tree.decide(idle, final=True) is False
    assert busy.decision is None
    assert tree.decide(llm, final=True)
    assert busy.decision is True
    assert tree.parent_span_id(llm) == busy.span_id
    assert tree.parent_span_id(busy) == run.span_id
    assert tree.decide(busy, final=True)


def test_nested_calls_on_one_object_collapse_into_one_span() -> None:
    tree = SpanTree()
    root = span("engine.chat", policy=Policy.PINNED, kind="chat_engine", instance=1)
    chat = span("LLM.chat", root, semantic="llm", instance=2)
    complete = span("LLM.complete", chat, semantic="llm", instance=2)
    other_llm = span("Other.complete", chat, semantic="llm", instance=3)
    tool = span("tool", complete, Policy.ALWAYS, kind="tool", instance=4)

    assert tree.decide(complete, final=True) is False
    assert tree.decide(other_llm, final=True)
    assert tree.parent_span_id(other_llm) == chat.span_id
    assert tree.decide(tool, final=True)
    assert tree.parent_span_id(tool) == chat.span_id


def test_pinned_spans_never_collapse() -> None:
    tree = SpanTree()
    root = span("LLM.predict", policy=Policy.PINNED, kind="llm", instance=1)
    forced = span("LLM._inner", root, Policy.PINNED, kind="llm", instance=1)
    complete = span("LLM.complete", forced, semantic="llm", instance=1)

    assert tree.decide(complete, final=True)
    assert tree.parent_span_id(complete) == forced.span_id
    assert tree.parent_span_id(forced) == root.span_id


def test_trace_ids() -> None:
    hinted = span("a", policy=Policy.PINNED, trace_hint="from-tag")
    assert SpanTree(default_trace_id="fixed").decide(hinted, final=True)
    assert hinted.trace_id == "from-tag"

    fixed = span("b", policy=Policy.PINNED)
    assert SpanTree(default_trace_id="fixed").decide(fixed, final=True)
    assert fixed.trace_id == "fixed"

    tree = SpanTree()
    splitter = span("splitter", policy=Policy.NEVER)
    first = span("embed-1", splitter, semantic="embedding")
    second = span("embed-2", splitter, semantic="embedding")
    assert tree.decide(first, final=True) and tree.decide(second, final=True)
    assert tree.parent_span_id(first) is None and tree.parent_span_id(second) is None
    assert first.trace_id != second.trace_id
    assert first.trace_id is not None and uuid.UUID(first.trace_id)


def test_concurrent_children_promote_a_step_once() -> None:
    tree = SpanTree()
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

    assert {tree.parent_span_id(child) for child in children} == {step.span_id}
    assert {child.trace_id for child in children} == {run.trace_id}


def test_release_drops_payloads_but_keeps_the_tree() -> None:
    tree = SpanTree()
    record = span("root", policy=Policy.PINNED)
    record.request_body = {"query": "q"}
    record.inputs = {"big": "x" * 100}
    assert tree.decide(record, final=True)

    record.release()

    assert record.request_body == {} and record.inputs is None and record.llm is None
    assert record.decision is True and record.trace_id is not None
