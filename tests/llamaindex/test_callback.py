"""The legacy callback path: `LlamaIndexCallbackHandler` in a `CallbackManager`, with real llama-index-core objects."""

# llama-index leaves some signatures partially unknown (untyped decorators such as `trace_method`, LangChain's
# `BaseLanguageModel` in `LLMType`); these tests call them directly.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.callbacks import CallbackManager, CBEventType, EventPayload
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index_instrumentation.dispatcher import instrument_tags

import portkey_ai.llamaindex._callback as callback_module
import portkey_ai.llamaindex._emit as emit_module
from portkey_ai.llamaindex import (
    LlamaIndexCallbackHandler,
    PortkeyInstrumentor,
    PortkeyLlamaCallbackHandler,
)
from tests.helpers.trace_tree import Trace, build_trace, build_traces
from tests.llamaindex.conftest import HandlerFactory
from tests.llamaindex.support import (
    FailingRetriever,
    build_index,
    chat_engine,
    float_lists,
    reranker,
    shipped_logs,
)
from tests.servers.fake_provider import FakeProvider

LEGACY_QUERY_TREE = (
    "query [query]\n"
    "├── retrieve [retriever]\n"
    "│   └── MockEmbedding [embedding]\n"
    "└── synthesize [synthesizer]\n"
    "    └── MockLLM [llm]"
)


def flushed(handler: LlamaIndexCallbackHandler, sink: FakeProvider) -> list[dict[str, Any]]:
    assert handler.flush(timeout=15.0), "the handler did not flush within 15 s"
    return shipped_logs(sink)


def traces_named(logs: list[dict[str, Any]], root_name: str) -> list[Trace]:
    return [trace for trace in build_traces(logs).values() if trace.root.name == root_name]


def test_query_is_one_trace(make_callback_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_callback_handler("pk-test", {"_user": "u-1", "team": 7}, sink.base_url)
    index = build_index()

    response = index.as_query_engine().query("Where is the Eiffel Tower?")

    (trace,) = traces_named(flushed(handler, sink), "query")
    assert trace.render() == LEGACY_QUERY_TREE
    assert trace.trace_id
    for span in trace.walk():
        assert span.source == "LlamaIndex"
        assert span.metadata["_user"] == "u-1" and span.metadata["team"] == "7"
    assert trace.root.request_body == {"query": "Where is the Eiffel Tower?"}
    assert trace.root.response_body["response"] == str(response)
    llm = trace.find("MockLLM")
    assert llm.log["request"]["url"] == "completions"
    assert "Where is the Eiffel Tower?" in llm.request_body["prompt"]
    assert llm.response_body["choices"][0]["text"] == str(response)
    assert len(trace.find("retrieve").response_body["nodes"]) == 2
    assert handler.open_event_count == 0


async def test_concurrent_async_queries_are_separate_traces(
    make_callback_handler: HandlerFactory, sink: FakeProvider
) -> None:
    handler = make_callback_handler()
    engine = build_index().as_query_engine()
    questions = [f"question {i}?" for i in range(10)]

    await asyncio.gather(*(engine.aquery(question) for question in questions))

    traces = traces_named(flushed(handler, sink), "query")
    assert len(traces) == 10
    assert {trace.root.request_body["query"] for trace in traces} == set(questions)
    for trace in traces:
        assert trace.render() == LEGACY_QUERY_TREE
        question = trace.root.request_body["query"]
        assert trace.find("retrieve").request_body == {"query": question}
        assert question in trace.find("MockLLM").request_body["prompt"]
    assert handler.open_event_count == 0


def test_reranking(make_callback_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_callback_handler()
    engine = build_index().as_query_engine(similarity_top_k=2, node_postprocessors=[reranker()])

    engine.query("Where is the Eiffel Tower?")

    (trace,) = traces_named(flushed(handler, sink), "query")
    assert trace.render() == (
        "query [query]\n"
        "├── retrieve [retriever]\n"
        "│   └── MockEmbedding [embedding]\n"
        "├── reranking [reranker]\n"
        "│   └── MockFunctionCallingLLM [llm]\n"
        "└── synthesize [synthesizer]\n"
        "    └── MockLLM [llm]"
    )
    rerank = trace.find("reranking")
    assert rerank.request_body["query"] == "Where is the Eiffel Tower?"
    assert rerank.request_body["top_n"] == 1
    assert len(rerank.request_body["documents"]) == 2
    assert [node["score"] for node in rerank.response_body["nodes"]] == [9.0]


def test_chat_and_stream_chat_are_one_llm_span_each(make_callback_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_callback_handler()
    engine = chat_engine()

    engine.chat("hello")
    streaming = engine.stream_chat("stream please")
    tokens = list(streaming.response_gen)

    traces = list(build_traces(flushed(handler, sink)).values())
    assert [trace.render() for trace in traces] == ["MockLLM [llm]", "MockLLM [llm]"]
    chat, stream = sorted(traces, key=lambda trace: trace.root.start_ns or 0)
    assert chat.root.request_body["messages"] == [{"role": "user", "content": "hello"}]
    assert chat.root.response_body["object"] == "chat.completion"
    assert stream.root.request_body["messages"][-1] == {"role": "user", "content": "stream please"}
    assert stream.root.response_body["choices"][0]["message"]["content"].startswith("text")
    assert tokens
    assert handler.open_event_count == 0


def test_index_construction_groups_embedding_batches_under_one_root(
    make_callback_handler: HandlerFactory, sink: FakeProvider
) -> None:
    handler = make_callback_handler()
    Settings.embed_model = MockEmbedding(embed_dim=8, embed_batch_size=2)

    VectorStoreIndex.from_documents([Document(text=f"Document {i}.") for i in range(5)])

    trace = build_trace(flushed(handler, sink))
    assert trace.render() == (
        "index_construction [chain]\n"
        "├── MockEmbedding [embedding]\n"
        "├── MockEmbedding [embedding]\n"
        "└── MockEmbedding [embedding]"
    )
    assert [len(span.request_body["input"]) for span in trace.root.children] == [2, 2, 1]
    assert trace.root.response_body == {"spans": 3}
    assert float_lists([span.log for span in trace.root.children]) == []


def test_a_failing_query_marks_its_spans(make_callback_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_callback_handler()
    engine = RetrieverQueryEngine.from_args(retriever=FailingRetriever())

    with pytest.raises(RuntimeError, match="index offline"):
        engine.query("anything")

    trace = build_trace(flushed(handler, sink))
    assert trace.render() == "query [query] status=500\n└── retrieve [retriever] status=500"
    assert trace.root.response_body == {"error": {"message": "index offline", "type": "RuntimeError"}}
    assert handler.open_event_count == 0


def test_an_error_outside_any_event_fails_the_trace(make_callback_handler: HandlerFactory, sink: FakeProvider) -> None:
    handler = make_callback_handler()
    manager = CallbackManager([handler])

    with pytest.raises(KeyError), manager.as_trace("custom"):
        with manager.event(CBEventType.QUERY, payload={EventPayload.QUERY_STR: "q"}) as event:
            event.on_end(payload={EventPayload.RESPONSE: "r"})
        raise KeyError("after the query")

    trace = build_trace(flushed(handler, sink))
    assert trace.render() == "query [query] status=500"
    assert trace.root.request_body == {"query": "q"}
    assert trace.root.response_body == {"error": {"message": "'after the query'", "type": "KeyError"}}


def test_internal_errors_never_reach_the_query(
    make_callback_handler: HandlerFactory,
    sink: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = make_callback_handler()
    engine = build_index().as_query_engine()
    answer = str(engine.query("q"))
    assert handler.flush(timeout=15.0)
    shipped_before = len(shipped_logs(sink))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ArithmeticError("bug")

    monkeypatch.setattr(handler, "_fill_start", broken)
    monkeypatch.setattr(emit_module, "build_bodies", broken)
    with caplog.at_level("WARNING", logger="portkey_ai.llamaindex"):
        assert str(engine.query("q")) == answer
        assert str(engine.query("q")) == answer

    assert len(flushed(handler, sink)) == shipped_before
    messages = [record.getMessage() for record in caplog.records if record.name == "portkey_ai.llamaindex"]
    assert messages == [
        "Portkey LlamaIndex tracing: internal error in on_event_start (ArithmeticError); tracing continues",
    ]
    assert handler.open_event_count == 0


def test_stays_quiet_while_the_instrumentor_is_active(
    make_callback_handler: HandlerFactory,
    instrumented: PortkeyInstrumentor,
    sink: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = make_callback_handler()

    with caplog.at_level("WARNING", logger="portkey_ai.llamaindex"):
        engine = build_index().as_query_engine()
        engine.query("q")
        engine.query("q")

    assert handler.flush(timeout=15.0) and instrumented.flush(timeout=15.0)
    roots = sorted(trace.root.name for trace in build_traces(shipped_logs(sink)).values())
    assert roots == [
        "MockEmbedding.get_text_embedding_batch",
        "RetrieverQueryEngine.query",
        "RetrieverQueryEngine.query",
    ]
    warnings = [record.getMessage() for record in caplog.records if record.name == "portkey_ai.llamaindex"]
    assert len(warnings) == 1 and "stays quiet" in warnings[0]
    assert handler.open_event_count == 0


def test_trace_id_from_the_handler_and_from_instrument_tags(
    make_callback_handler: HandlerFactory, sink: FakeProvider
) -> None:
    fixed = make_callback_handler(trace_id="fixed-trace")
    chat_engine().chat("fixed")
    assert {log["trace_id"] for log in flushed(fixed, sink)} == {"fixed-trace"}

    tagged = make_callback_handler()
    with instrument_tags({"portkey_trace_id": "tagged-trace"}):
        chat_engine().chat("tagged")
    tagged_logs = [log for log in flushed(tagged, sink) if log["trace_id"] != "fixed-trace"]
    assert build_trace(tagged_logs).trace_id == "tagged-trace"


def test_reference_constructor_and_alias(sink: FakeProvider) -> None:
    assert PortkeyLlamaCallbackHandler is LlamaIndexCallbackHandler
    handler = PortkeyLlamaCallbackHandler("pk-test", None, sink.base_url)
    try:
        assert handler.on_event_start(CBEventType.LLM, None, event_id="e-1", parent_id="root") == "e-1"
        handler.on_event_end(CBEventType.LLM, None, event_id="e-1")
        assert handler.flush(timeout=15.0)
        assert build_trace(shipped_logs(sink)).render() == "llm [llm]"
    finally:
        handler.shutdown()


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((), {}, ValueError, "PORTKEY_API_KEY"),
        ((42,), {}, TypeError, "api_key must be a string"),
        (("pk-test", "not a mapping"), {}, TypeError, "metadata must be a mapping"),
        (("pk-test", None, "localhost:8787"), {}, ValueError, "base_url must be an http"),
        (("pk-test",), {"trace_id": ""}, ValueError, "trace_id must not be empty"),
    ],
)
def test_bad_arguments_are_rejected(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        LlamaIndexCallbackHandler(*args, **kwargs)


def test_the_kill_switch_silences_the_handler(sink: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTKEY_TRACING_ENABLED", "false")
    handler = LlamaIndexCallbackHandler()
    Settings.callback_manager = CallbackManager([handler])

    chat_engine().chat("hello")

    assert handler.flush() is True
    assert handler.open_event_count == 0
    assert shipped_logs(sink) == []


def test_open_events_are_bounded(
    make_callback_handler: HandlerFactory, sink: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callback_module, "_MAX_OPEN_EVENTS", 2)
    handler = make_callback_handler()
    manager = CallbackManager([handler])

    manager.start_trace("batch")
    ids = [
        manager.on_event_start(CBEventType.QUERY, payload={EventPayload.QUERY_STR: f"q{i}"}, parent_id="root")
        for i in range(3)
    ]
    for event_id in ids:
        manager.on_event_end(CBEventType.QUERY, payload={EventPayload.RESPONSE: "r"}, event_id=event_id)
    manager.end_trace("batch")

    trace = build_trace(flushed(handler, sink))
    assert trace.render() == "batch [chain]\n├── query [query]\n└── query [query]"
    assert [span.request_body for span in trace.root.children] == [{"query": "q1"}, {"query": "q2"}]
    assert handler.open_event_count == 0
