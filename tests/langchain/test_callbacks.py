"""`PortkeyCallbackHandler` with real langchain-core runnables, shipping to the fake provider's `/v1/logs`."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.callbacks.manager import dispatch_custom_event
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models import FakeListLLM
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_core.tools import tool
from langchain_core.vectorstores import InMemoryVectorStore
from pydantic import SecretStr
from typing_extensions import override

from portkey_ai.langchain import (
    LangchainCallbackHandler,
    PortkeyCallbackHandler,
    PortkeyLangchainCallbackHandler,
    portkey_tracing,
)
from tests.helpers.trace_tree import Trace, build_trace, build_traces
from tests.langchain.chains import PROMPT, chain_render, config, llm_line, make_chain
from tests.langchain.conftest import HandlerFactory
from tests.langchain.fakes import EchoChatModel
from tests.langchain.sinks import flushed_logs
from tests.servers.fake_provider import FakeProvider


def assert_chain_trace(trace: Trace, run_id: uuid.UUID, question: str) -> None:
    assert trace.render() == chain_render(question)
    assert trace.trace_id == str(run_id)
    assert trace.root.span_id == str(run_id)
    assert trace.root.request_body == {"input": {"question": question}}
    assert trace.root.response_body == {"output": f"echo: {question}"}
    llm = trace.find("EchoChatModel")
    assert llm.request_body == {
        "model": "echo-1",
        "messages": [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": question}],
    }
    assert llm.log["request"]["url"] == "chat/completions"
    body = llm.response_body
    assert body["object"] == "chat.completion"
    assert body["model"] == "echo-1"
    assert body["choices"] == [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": f"echo: {question}"}}
    ]
    words = len(question.split())
    assert body["usage"] == {"prompt_tokens": 2 + words, "completion_tokens": 1 + words, "total_tokens": 3 + 2 * words}
    for span in trace.walk():
        assert span.source == "Langchain"
        assert span.metadata["_source_type"] == "Agent"
        assert span.status == 200
        assert span.start_ns is not None and span.end_ns is not None
        assert span.response_time_ms is not None
    for child in trace.root.children:
        assert trace.root.start_ns is not None and child.start_ns is not None and child.end_ns is not None
        assert trace.root.start_ns <= child.start_ns <= child.end_ns


# ------------------------------------------------------------------------------------------------------- basic chain


def test_chain_invoke_ships_one_trace(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    run_id = uuid.uuid4()
    result = make_chain().invoke({"question": "what is two plus two"}, config(handler, run_id=run_id))
    assert result == "echo: what is two plus two"
    assert_chain_trace(build_trace(flushed_logs(handler, sink)), run_id, "what is two plus two")
    assert handler.get_trace_id(run_id) == str(run_id)
    assert handler.get_trace_id(str(run_id)) == str(run_id)
    assert handler.open_spans == 0


async def test_chain_ainvoke_ships_one_trace(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    run_id = uuid.uuid4()
    result = await make_chain().ainvoke({"question": "what is two plus two"}, config(handler, run_id=run_id))
    assert result == "echo: what is two plus two"
    assert await handler.aflush(timeout=15.0)
    assert_chain_trace(build_trace(flushed_logs(handler, sink)), run_id, "what is two plus two")
    assert handler.get_trace_id(run_id) == str(run_id)


def test_unknown_run_has_no_trace_id(handler: PortkeyCallbackHandler) -> None:
    assert handler.get_trace_id(uuid.uuid4()) is None
    assert handler.get_trace_id("not-a-uuid") is None


def test_trace_id_and_metadata_from_config(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    metadata = {"portkey_trace_id": "trace-from-config", "portkey_user": "user-7", "portkey_env": "prod", "n": 3}
    make_chain().invoke({"question": "hi there friend"}, config(handler, metadata=metadata, tags=["team-a"]))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.trace_id == "trace-from-config"
    assert trace.root.span_id != "trace-from-config"
    for span in trace.walk():
        assert span.metadata["_user"] == "user-7"
        assert span.metadata["env"] == "prod"
        assert span.metadata["n"] == "3"
        assert "portkey_trace_id" not in span.metadata
        assert "team-a" in span.tags
    assert not any(key.startswith(("ls_", "lc_")) for span in trace.walk() for key in span.metadata)


def test_handler_level_metadata_tags_and_trace_id(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    given = {"app": "billing"}
    handler = make_handler(metadata=given, tags=["svc"], trace_id="fixed-trace")
    make_chain().invoke({"question": "a b c d"}, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.trace_id == "fixed-trace"
    assert all(span.metadata["app"] == "billing" and "svc" in span.tags for span in trace.walk())
    assert given == {"app": "billing"}


def test_long_metadata_values_are_cut_to_portkey_limit(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    make_chain().invoke({"question": "x y z w"}, config(handler, metadata={"note": "n" * 500}))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.root.metadata["note"] == "n" * 128


# --------------------------------------------------------------------------------------------------------- streaming


def test_stream_ships_one_streaming_llm_span(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    run_id = uuid.uuid4()
    chunks = list(make_chain().stream({"question": "what is two plus two"}, config(handler, run_id=run_id)))
    assert "".join(chunks) == "echo: what is two plus two"
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == chain_render("what is two plus two")
    llm = trace.find("EchoChatModel")
    assert llm.log["response"]["streamingMode"] is True
    assert int(llm.metadata["time_to_first_token_ms"]) >= 0
    assert llm.response_body["choices"][0]["message"]["content"] == "echo: what is two plus two"


async def test_astream_ships_one_streaming_llm_span(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    chunks = [chunk async for chunk in make_chain().astream({"question": "what is two plus two"}, config(handler))]
    assert "".join(chunks) == "echo: what is two plus two"
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == chain_render("what is two plus two")
    assert trace.find("EchoChatModel").log["response"]["streamingMode"] is True


def test_non_streaming_llm_span_has_no_first_token_time(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    make_chain().invoke({"question": "one two three four"}, config(handler))
    llm = build_trace(flushed_logs(handler, sink)).find("EchoChatModel")
    assert llm.log["response"]["streamingMode"] is False
    assert "time_to_first_token_ms" not in llm.metadata


# ------------------------------------------------------------------------------------------------------- concurrency


def _assert_no_cross_talk(traces: dict[str, Trace], questions: list[str]) -> None:
    assert len(traces) == len(questions)
    seen: set[str] = set()
    for trace in traces.values():
        question = trace.root.request_body["input"]["question"]
        seen.add(question)
        assert trace.root.response_body == {"output": f"echo: {question}"}
        llm = trace.find("EchoChatModel")
        assert llm.request_body["messages"][-1]["content"] == question
        assert llm.response_body["choices"][0]["message"]["content"] == f"echo: {question}"
        assert trace.find("StrOutputParser").response_body == {"output": f"echo: {question}"}
        assert len(list(trace.walk())) == 4
    assert seen == set(questions)


async def test_concurrent_ainvoke_calls_do_not_mix(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    chain = make_chain()
    questions = [f"question number {i}" for i in range(20)]
    results = await asyncio.gather(*(chain.ainvoke({"question": q}, config(handler)) for q in questions))
    assert results == [f"echo: {q}" for q in questions]
    _assert_no_cross_talk(build_traces(flushed_logs(handler, sink)), questions)
    assert handler.open_spans == 0


def test_batch_calls_do_not_mix(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    questions = [f"batch question {i}" for i in range(20)]
    results = make_chain().batch([{"question": q} for q in questions], config(handler, max_concurrency=8))
    assert results == [f"echo: {q}" for q in questions]
    _assert_no_cross_talk(build_traces(flushed_logs(handler, sink)), questions)


async def test_abatch_calls_do_not_mix(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    questions = [f"abatch question {i}" for i in range(20)]
    results = await make_chain().abatch([{"question": q} for q in questions], config(handler, max_concurrency=8))
    assert results == [f"echo: {q}" for q in questions]
    _assert_no_cross_talk(build_traces(flushed_logs(handler, sink)), questions)


# ------------------------------------------------------------------------------------------------------------- tools


class ToolFailure(Exception):
    """Raised by the failing tool."""


FAILURE = ToolFailure("the tool broke")


@tool
def explode(x: int) -> int:
    """Always fails."""
    raise FAILURE


@tool
def double(x: int) -> int:
    """Double a number."""
    return 2 * x


def test_tool_span(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    assert double.invoke({"x": 21}, config(handler)) == 42
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "double [tool]"
    assert trace.root.request_body == {"input": {"x": 21}}
    assert trace.root.response_body == {"output": 42}


def test_failing_tool_ships_error_span_and_reraises_unchanged(
    handler: PortkeyCallbackHandler, sink: FakeProvider
) -> None:
    with pytest.raises(ToolFailure) as caught:
        explode.invoke({"x": 1}, config(handler))
    assert caught.value is FAILURE
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "explode [tool] status=500"
    assert trace.root.response_body == {"error": {"message": "the tool broke", "type": "ToolFailure"}}
    assert handler.open_spans == 0


async def test_failing_tool_in_chain_async(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    def prepare(x: int) -> dict[str, int]:
        return {"x": x}

    chain = RunnableLambda(prepare, name="prepare") | explode
    with pytest.raises(ToolFailure) as caught:
        await chain.ainvoke(3, config(handler))
    assert caught.value is FAILURE
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == ("RunnableSequence [chain] status=500\n├── prepare [chain]\n└── explode [tool] status=500")


def test_tool_message_output_is_recorded(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    call = {"name": "double", "args": {"x": 4}, "id": "call_1", "type": "tool_call"}
    message = double.invoke(call, config(handler))
    assert isinstance(message, ToolMessage)
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.root.response_body["output"]["content"] == "8"
    assert trace.root.response_body["output"]["tool_call_id"] == "call_1"


# --------------------------------------------------------------------------------------------------------- retriever


def test_retriever_in_rag_chain(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    store = InMemoryVectorStore.from_texts(
        ["Paris is the capital of France.", "Berlin is the capital of Germany."],
        DeterministicFakeEmbedding(size=8),
    )
    retriever = store.as_retriever(search_kwargs={"k": 1})

    def join(documents: list[Document]) -> str:
        return "\n".join(document.page_content for document in documents)

    prompt = ChatPromptTemplate.from_messages([("system", "Context: {context}"), ("user", "{question}")])
    chain = {"context": retriever | join, "question": RunnablePassthrough()} | prompt | EchoChatModel()
    answer = chain.invoke("capital of France", config(handler))
    assert answer.text == "echo: capital of France"
    trace = build_trace(flushed_logs(handler, sink))
    retriever_span = trace.find("VectorStoreRetriever")
    assert retriever_span.kind == "retriever"
    assert retriever_span.request_body == {"query": "capital of France"}
    documents = retriever_span.response_body["documents"]
    assert len(documents) == 1
    assert documents[0]["page_content"] in {"Paris is the capital of France.", "Berlin is the capital of Germany."}
    assert trace.root.name == "RunnableSequence"
    assert [span.kind for span in trace.walk()].count("llm") == 1
    context = trace.find("EchoChatModel").request_body["messages"][0]["content"]
    assert context == f"Context: {documents[0]['page_content']}"


class BrokenRetriever(BaseRetriever):
    """A retriever whose index is offline."""

    @override
    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        raise ConnectionError(f"index offline for {query!r}")


def test_failing_retriever(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    with pytest.raises(ConnectionError, match="index offline"):
        BrokenRetriever().invoke("anything", config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "BrokenRetriever [retriever] status=500"
    assert trace.root.response_body == {"error": {"message": "index offline for 'anything'", "type": "ConnectionError"}}


# -------------------------------------------------------------------------------------------------- tree edge cases


def test_local_callback_on_model_makes_its_own_trace(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    chain = PROMPT | EchoChatModel(callbacks=[handler]) | StrOutputParser()
    assert chain.invoke({"question": "x y z w"}) == "echo: x y z w"
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == llm_line("x y z w")
    assert trace.root.parent_span_id is None


def test_failing_root_ships_children_and_leaves_clean_state(
    handler: PortkeyCallbackHandler, sink: FakeProvider
) -> None:
    def fail(_: Any) -> str:
        raise RuntimeError("parser failed")

    chain = PROMPT | EchoChatModel() | RunnableLambda(fail, name="fail")
    with pytest.raises(RuntimeError, match="parser failed"):
        chain.invoke({"question": "x y z w"}, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == (
        "RunnableSequence [chain] status=500\n"
        "├── ChatPromptTemplate [prompt]\n"
        f"├── {llm_line('x y z w')}\n"
        "└── fail [chain] status=500"
    )
    assert handler.open_spans == 0
    sink.clear()
    sink.set_route("POST", "/v1/logs", status=200, json_body={})
    run_id = uuid.uuid4()
    make_chain().invoke({"question": "what is two plus two"}, config(handler, run_id=run_id))
    assert_chain_trace(build_trace(flushed_logs(handler, sink)), run_id, "what is two plus two")


def test_hidden_runs_are_skipped_and_children_reparented(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    root, hidden, child, grandchild = (uuid.uuid4() for _ in range(4))
    handler.on_chain_start(None, {"x": 1}, run_id=root, name="graph")
    handler.on_chain_start(None, {"x": 1}, run_id=hidden, parent_run_id=root, name="write", tags=["langsmith:hidden"])
    handler.on_chain_start(None, {"x": 1}, run_id=child, parent_run_id=hidden, name="node")
    handler.on_tool_start(None, "1", run_id=grandchild, parent_run_id=child, name="lookup")
    handler.on_tool_end("found", run_id=grandchild)
    for run_id in (child, hidden, root):
        handler.on_chain_end({"x": 2}, run_id=run_id)
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "graph [chain]\n└── node [chain]\n    └── lookup [tool]"
    assert trace.find("node").parent_span_id == str(root)


def test_a_hidden_run_belongs_to_the_trace_of_its_nearest_shipped_ancestor(
    handler: PortkeyCallbackHandler, sink: FakeProvider
) -> None:
    root, hidden = uuid.uuid4(), uuid.uuid4()
    handler.on_chain_start(None, {"x": 1}, run_id=root, name="graph")
    handler.on_chain_start(None, {"x": 1}, run_id=hidden, parent_run_id=root, name="write", tags=["langsmith:hidden"])
    assert handler.get_trace_id(hidden) == str(root)
    assert handler.trace_headers(hidden) == {
        "x-portkey-trace-id": str(root),
        "x-portkey-span-id": str(hidden),
        "x-portkey-parent-span-id": str(root),
        "x-portkey-span-name": "write",
    }
    for run_id in (hidden, root):
        handler.on_chain_end({"x": 2}, run_id=run_id)
    assert build_trace(flushed_logs(handler, sink)).render() == "graph [chain]"


def test_a_run_that_starts_after_its_parent_ended_joins_the_parent_trace(
    handler: PortkeyCallbackHandler, sink: FakeProvider
) -> None:
    root, late = uuid.uuid4(), uuid.uuid4()
    handler.on_chain_start(None, {"x": 1}, run_id=root, name="graph")
    handler.on_chain_end({"x": 2}, run_id=root)
    handler.on_tool_start(None, "1", run_id=late, parent_run_id=root, name="background")
    handler.on_tool_end("done", run_id=late)
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "graph [chain]\n└── background [tool]"
    assert trace.trace_id == str(root)
    assert handler.open_spans == 0


async def test_a_cancelled_run_ships_status_499(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    started, never = asyncio.Event(), asyncio.Event()

    async def wait_forever(value: str) -> str:
        started.set()
        await never.wait()
        return value

    task = asyncio.create_task(RunnableLambda(wait_forever, name="waiter").ainvoke("x", config(handler)))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await handler.aflush(timeout=15.0)
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "waiter [chain] status=499"
    assert handler.open_spans == 0


def test_inherited_hidden_tag_hides_the_subtree(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    inner = (PROMPT | EchoChatModel()).with_config(tags=["langsmith:hidden"], run_name="hidden-step")
    (inner | StrOutputParser()).invoke({"question": "x y z w"}, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "RunnableSequence [chain]\n└── StrOutputParser [parser]"


def test_hidden_runs_kept_when_skip_hidden_is_off(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_handler(skip_hidden=False)
    inner = (PROMPT | EchoChatModel()).with_config(tags=["langsmith:hidden"], run_name="hidden-step")
    (inner | StrOutputParser()).invoke({"question": "x y z w"}, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert [span.name for span in trace.root.children] == ["hidden-step", "StrOutputParser"]
    assert "langsmith:hidden" in trace.find("hidden-step").tags


def test_a_hidden_root_is_still_the_root(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    make_chain().invoke({"question": "x y z w"}, config(handler, tags=["langsmith:hidden"]))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "RunnableSequence [chain]"  # config tags are inherited: the children are hidden too


def test_span_filter_prunes_and_reparents(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    seen: list[tuple[str, str]] = []

    def keep(kind: str, name: str, tags: Any, metadata: Any) -> bool:
        seen.append((kind, name))
        return kind not in ("prompt", "parser") and name != "inner"

    handler = make_handler(span_filter=keep)
    inner = (PROMPT | EchoChatModel()).with_config(run_name="inner")
    (inner | StrOutputParser()).invoke({"question": "x y z w"}, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == f"RunnableSequence [chain]\n└── {llm_line('x y z w')}"
    assert ("chain", "inner") in seen


def test_a_failing_span_filter_keeps_the_span(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    def broken(kind: str, name: str, tags: Any, metadata: Any) -> bool:
        raise RuntimeError("filter bug")

    handler = make_handler(span_filter=broken)
    assert make_chain().invoke({"question": "x y z w"}, config(handler)) == "echo: x y z w"
    assert build_trace(flushed_logs(handler, sink)).render() == chain_render("x y z w")


def test_chat_openai_through_portkey_is_marked_gateway_routed(
    handler: PortkeyCallbackHandler, sink: FakeProvider
) -> None:
    run_id = uuid.uuid4()
    serialized = {
        "id": ["langchain", "chat_models", "openai", "ChatOpenAI"],
        "kwargs": {"openai_api_base": "https://api.portkey.ai/v1"},
    }
    handler.on_chat_model_start(serialized, [[HumanMessage("hi")]], run_id=run_id, metadata={"ls_provider": "openai"})
    handler.on_llm_end(LLMResult(generations=[[ChatGeneration(message=AIMessage("hello"))]]), run_id=run_id)
    span = build_trace(flushed_logs(handler, sink)).root
    assert span.metadata["gateway_routed"] == "true"
    assert span.log["request"]["url"] == "https://api.portkey.ai/v1/chat/completions"


def test_sample_rate_zero_ships_nothing(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_handler(sample_rate=0.0)
    run_id = uuid.uuid4()
    assert make_chain().invoke({"question": "x y z w"}, config(handler, run_id=run_id)) == "echo: x y z w"
    assert flushed_logs(handler, sink) == []
    assert handler.get_trace_id(run_id) == str(run_id)


def test_completion_llm_span(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    llm = FakeListLLM(responses=["forty two"])
    assert llm.invoke("what is the answer", config(handler)) == "forty two"
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "FakeListLLM [llm]"
    assert trace.root.log["request"]["url"] == "completions"
    assert trace.root.request_body["prompt"] == "what is the answer"
    body = trace.root.response_body
    assert body["object"] == "text_completion"
    assert body["choices"] == [{"index": 0, "finish_reason": "stop", "text": "forty two"}]


def test_tool_calls_in_llm_span(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    from langchain_core.language_models import GenericFakeChatModel

    reply = AIMessage(
        content="", tool_calls=[{"name": "double", "args": {"x": 2}, "id": "call_9", "type": "tool_call"}]
    )
    model = GenericFakeChatModel(messages=iter([reply]))
    history = [SystemMessage("sys"), HumanMessage("double 2"), AIMessage("ok"), ToolMessage("4", tool_call_id="c0")]
    model.invoke(history, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    messages = trace.root.request_body["messages"]
    assert [message["role"] for message in messages] == ["system", "user", "assistant", "tool"]
    assert messages[3]["tool_call_id"] == "c0"
    choice = trace.root.response_body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"][0]["function"]["name"] == "double"


def test_custom_events_and_agent_actions(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    from langchain_core.agents import AgentAction, AgentFinish

    def step(x: int) -> int:
        dispatch_custom_event("progress", {"done": x})
        return x + 1

    assert RunnableLambda(step, name="step").invoke(1, config(handler)) == 2
    run_id = uuid.uuid4()
    handler.on_chain_start(None, {"input": "go"}, run_id=run_id, name="AgentExecutor")
    handler.on_agent_action(AgentAction(tool="search", tool_input="weather", log="thinking"), run_id=run_id)
    handler.on_agent_finish(AgentFinish(return_values={"output": "sunny"}, log="done"), run_id=run_id)
    handler.on_chain_end({"output": "sunny"}, run_id=run_id)
    traces = build_traces(flushed_logs(handler, sink))
    step_span = next(t for t in traces.values() if t.root.name == "step").root
    assert step_span.response_body["events"] == [{"name": "progress", "data": {"done": 1}}]
    agent = traces[str(run_id)].root
    assert agent.response_body["agent_actions"] == [{"tool": "search", "tool_input": "weather", "log": "thinking"}]
    assert agent.response_body["agent_finish"] == {"return_values": {"output": "sunny"}, "log": "done"}


def test_events_for_unknown_runs_are_ignored(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    unknown = uuid.uuid4()
    handler.on_chain_end({"output": 1}, run_id=unknown)
    handler.on_tool_error(RuntimeError("x"), run_id=unknown)
    handler.on_llm_new_token("x", run_id=unknown)
    assert flushed_logs(handler, sink) == []


# ------------------------------------------------------------------------------------------------- safety and masks


def test_mask_is_applied_to_inputs_and_outputs(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    masked: list[Any] = []

    def mask(value: Any) -> Any:
        masked.append(value)
        return "<masked>"

    handler = make_handler(mask=mask)
    assert (
        make_chain().invoke({"question": "my card is card-4111-canary"}, config(handler))
        == "echo: my card is card-4111-canary"
    )
    logs = flushed_logs(handler, sink)
    assert "card-4111-canary" not in str(logs)
    assert "card-4111-canary" in str(masked)
    trace = build_trace(logs)
    llm = trace.find("EchoChatModel")
    assert llm.request_body["messages"] == "<masked>"
    assert llm.response_body["choices"][0]["message"] == "<masked>"
    assert trace.root.request_body == {"input": "<masked>"}
    assert trace.root.response_body == {"output": "<masked>"}


def test_a_failing_mask_never_leaks_the_value(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    def mask(value: Any) -> Any:
        raise RuntimeError("mask bug")

    handler = make_handler(mask=mask)
    assert make_chain().invoke({"question": "secret words here"}, config(handler)) == "echo: secret words here"
    logs = flushed_logs(handler, sink)
    assert "secret words" not in str(logs)
    assert build_trace(logs).root.request_body == {"input": "<mask failed>"}


def test_internal_failure_never_reaches_the_app(
    handler: PortkeyCallbackHandler,
    sink: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import portkey_ai.langchain._payloads as payloads

    def broken(messages: Any) -> Any:
        raise RuntimeError("converter bug")

    monkeypatch.setattr(payloads, "openai_messages", broken)
    with caplog.at_level(logging.DEBUG, logger="portkey_ai.langchain"):
        for question in ("first question here", "second question here"):
            assert make_chain().invoke({"question": question}, config(handler)) == f"echo: {question}"
    warnings = [
        r.getMessage() for r in caplog.records if r.name == "portkey_ai.langchain" and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 2  # one per failing callback, not one per failure
    assert "on_chat_model_start" in warnings[0]
    assert "on_llm_end" in warnings[1]
    assert all("converter bug" not in message for message in warnings)
    assert handler.open_spans == 0
    traces = build_traces(flushed_logs(handler, sink))
    assert len(traces) == 2
    for trace in traces.values():
        assert (
            trace.render() == "RunnableSequence [chain]\n├── ChatPromptTemplate [prompt]\n└── StrOutputParser [parser]"
        )


def test_no_secret_from_model_settings_reaches_the_logs(
    handler: PortkeyCallbackHandler, sink: FakeProvider, fake_provider: FakeProvider
) -> None:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        model="gpt-4o-mini",
        api_key=SecretStr("sk-provider-secret-123"),
        base_url=fake_provider.base_url,
        default_headers={"x-portkey-api-key": "pk-header-secret-456", "Authorization": "Bearer sk-other-789"},
        max_retries=0,
    )
    reply = (PROMPT | model).invoke(
        {"question": "hello there"}, config(handler, metadata={"api_key": "sk-meta-secret-000"})
    )
    assert reply.text == "echo: hello there"
    logs = flushed_logs(handler, sink)
    raw = b"".join(request.body for request in sink.requests if request.path == "/v1/logs")
    for secret in (b"sk-provider-secret-123", b"pk-header-secret-456", b"sk-other-789", b"sk-meta-secret-000"):
        assert secret not in raw
    llm = build_trace(logs).find("ChatOpenAI")
    assert llm.log["request"]["provider"] == "openai"
    assert llm.log["request"]["url"] == f"{fake_provider.base_url}/chat/completions"
    assert llm.log["request"]["headers"] == {}
    assert llm.response_body["model"] == "gpt-4o-mini"
    assert llm.usage == {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}


# ------------------------------------------------------------------------------------------------- constructors etc.


def test_reference_compatible_constructor(sink: FakeProvider) -> None:
    metadata: dict[str, Any] = {"traceId": "ref-trace", "team": "x"}
    handler = LangchainCallbackHandler("pk-test", metadata, sink.base_url)
    try:
        assert metadata == {"traceId": "ref-trace", "team": "x"}
        make_chain().invoke({"question": "x y z w"}, config(handler))
        trace = build_trace(flushed_logs(handler, sink))
        assert trace.trace_id == "ref-trace"
        assert trace.root.metadata["team"] == "x"
        assert "traceId" in trace.root.metadata  # the tree key, not the user's value
    finally:
        handler.shutdown()
    assert isinstance(handler, PortkeyCallbackHandler)
    assert PortkeyLangchainCallbackHandler is PortkeyCallbackHandler


def test_reference_constructor_requires_a_key() -> None:
    with pytest.raises(ValueError, match="api_key"):
        LangchainCallbackHandler("")


def test_constructor_checks_its_arguments(handler: PortkeyCallbackHandler) -> None:
    with pytest.raises(ValueError, match="log_llm_spans"):
        PortkeyCallbackHandler(shipper=handler.shipper, log_llm_spans="sometimes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="trace_id"):
        PortkeyCallbackHandler(shipper=handler.shipper, trace_id=123)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sample_rate"):
        PortkeyCallbackHandler(shipper=handler.shipper, sample_rate=1.5)


def test_missing_api_key_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    monkeypatch.delenv("PORTKEY_TRACING_ENABLED", raising=False)
    with pytest.raises(ValueError, match="API key"):
        PortkeyCallbackHandler()


def test_repr_shows_no_secret(handler: PortkeyCallbackHandler) -> None:
    assert "pk-test" not in repr(handler)
    assert repr(handler).startswith("PortkeyCallbackHandler(")


def test_log_llm_spans_never(make_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_handler(log_llm_spans="never")
    make_chain().invoke({"question": "x y z w"}, config(handler))
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == "RunnableSequence [chain]\n├── ChatPromptTemplate [prompt]\n└── StrOutputParser [parser]"


def test_portkey_tracing_context_manager(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    run_id = uuid.uuid4()
    with portkey_tracing(handler) as active:
        assert active is handler
        make_chain().invoke({"question": "what is two plus two"}, {"run_id": run_id})
    make_chain().invoke({"question": "not traced at all"})
    assert_chain_trace(build_trace(flushed_logs(handler, sink)), run_id, "what is two plus two")


def test_portkey_tracing_builds_a_handler_from_the_environment(
    sink: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-env")
    monkeypatch.setenv("PORTKEY_BASE_URL", sink.base_url)
    with portkey_tracing() as handler:
        make_chain().invoke({"question": "x y z w"})
    try:
        assert len(list(build_trace(flushed_logs(handler, sink)).walk())) == 4
        assert sink.requests[-1].headers["x-portkey-api-key"] == "pk-env"
    finally:
        handler.shutdown()
