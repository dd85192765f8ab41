"""LangGraph graphs traced by `PortkeyCallbackHandler`: one trace per run, nodes as spans, interrupts not errors."""

from __future__ import annotations

import uuid
from typing import TypedDict

import pytest

from portkey_ai.langchain import PortkeyCallbackHandler
from tests.helpers.trace_tree import build_trace, build_traces
from tests.langchain.fakes import EchoChatModel
from tests.langchain.sinks import flushed_logs
from tests.servers.fake_provider import FakeProvider

pytest.importorskip("langgraph")

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt


class State(TypedDict):
    question: str
    answer: str
    rounds: int


def think(state: State) -> dict[str, int]:
    return {"rounds": state["rounds"] + 1}


def answer(state: State) -> dict[str, str]:
    reply = EchoChatModel().invoke(state["question"])
    return {"answer": reply.text}


def route(state: State) -> str:
    return "think" if state["rounds"] < 2 else "answer"


def make_graph() -> StateGraph[State]:
    graph = StateGraph(State)
    graph.add_node("think", think)
    graph.add_node("answer", answer)
    graph.add_edge(START, "think")
    graph.add_conditional_edges("think", route, ["think", "answer"])
    graph.add_edge("answer", END)
    return graph


GRAPH_RENDER = (
    "LangGraph [chain]\n"
    "├── think [chain]\n"
    "│   └── route [chain]\n"
    "├── think [chain]\n"
    "│   └── route [chain]\n"
    "└── answer [chain]\n"
    "    └── EchoChatModel [llm] tokens=3+4=7"
)


def test_graph_run_is_one_trace(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    run_id = uuid.uuid4()
    app = make_graph().compile()
    result = app.invoke(
        {"question": "how are you", "answer": "", "rounds": 0}, RunnableConfig(callbacks=[handler], run_id=run_id)
    )
    assert result["answer"] == "echo: how are you"
    trace = build_trace(flushed_logs(handler, sink))
    assert trace.render() == GRAPH_RENDER
    assert trace.trace_id == str(run_id)
    assert [span.metadata.get("langgraph_node") for span in trace.root.children] == ["think", "think", "answer"]
    assert not any("langsmith:hidden" in span.tags for span in trace.walk())
    assert trace.root.response_body["output"]["answer"] == "echo: how are you"


async def test_concurrent_graph_runs(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    import asyncio

    app = make_graph().compile()
    questions = [f"question {i}" for i in range(10)]
    results = await asyncio.gather(
        *(
            app.ainvoke({"question": q, "answer": "", "rounds": 0}, RunnableConfig(callbacks=[handler]))
            for q in questions
        )
    )
    assert [r["answer"] for r in results] == [f"echo: {q}" for q in questions]
    traces = build_traces(flushed_logs(handler, sink))
    assert len(traces) == 10
    for trace in traces.values():
        question = trace.root.request_body["input"]["question"]
        llm = trace.find("EchoChatModel")
        assert llm.response_body["choices"][0]["message"]["content"] == f"echo: {question}"
        assert len(list(trace.walk())) == 7


def ask(state: State) -> dict[str, str]:
    value = interrupt("which question?")
    return {"question": str(value)}


def test_interrupt_is_not_an_error(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    graph = StateGraph(State)
    graph.add_node("ask", ask)
    graph.add_node("answer", answer)
    graph.add_edge(START, "ask")
    graph.add_edge("ask", "answer")
    graph.add_edge("answer", END)
    app = graph.compile(checkpointer=InMemorySaver())
    settings = RunnableConfig(
        callbacks=[handler], configurable={"thread_id": "t-1"}, metadata={"portkey_trace_id": "conversation-1"}
    )
    first = app.invoke({"question": "", "answer": "", "rounds": 0}, settings)
    assert "__interrupt__" in first
    resumed = app.invoke(Command(resume="is it sunny"), settings)
    assert resumed["answer"] == "echo: is it sunny"
    logs = flushed_logs(handler, sink)
    ask_spans = [log for log in logs if log["span_name"] == "ask"]
    assert [log["response"]["status"] for log in ask_spans] == [200, 200]
    assert ask_spans[0]["metadata"]["interrupted"] == "true"
    assert ask_spans[0]["response"]["body"]["error"]["type"] == "GraphInterrupt"
    assert "interrupted" not in ask_spans[1]["metadata"]
    assert {log["trace_id"] for log in logs} == {"conversation-1"}
