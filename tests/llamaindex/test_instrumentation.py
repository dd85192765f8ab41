"""The instrumentation path (`instrument()`): real llama-index-core objects, logs shipped to a local sink."""

# llama-index leaves some signatures partially unknown (untyped decorators such as `trace_method`, LangChain's
# `BaseLanguageModel` in `LLMType`); these tests call them directly.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.memory import ChatMemoryBuffer
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.workflow import Event, StartEvent, StopEvent, Workflow, step
from llama_index_instrumentation import get_dispatcher
from llama_index_instrumentation.dispatcher import instrument_tags

from portkey_ai.llamaindex import (
    PortkeyInstrumentor,
    SpanInfo,
    flush,
    instrument,
    uninstrument,
)
from tests.helpers.trace_tree import Trace, build_trace, build_traces
from tests.llamaindex.conftest import ShipperFactory
from tests.llamaindex.support import (
    DOCUMENTS,
    FailingRetriever,
    UsageLLM,
    agent_warnings,
    build_index,
    chat_engine,
    dumped,
    float_lists,
    our_handlers,
    reranker,
    scripted_agent,
    shipped_logs,
)
from tests.servers.fake_provider import FakeProvider

QUERY_TREE = (
    "RetrieverQueryEngine.query [query]\n"
    "├── VectorIndexRetriever.retrieve [retriever]\n"
    "│   └── MockEmbedding.get_query_embedding [embedding]\n"
    "└── CompactAndRefine.synthesize [synthesizer]\n"
    "    └── MockLLM.complete [llm]"
)
AQUERY_TREE = (
    "RetrieverQueryEngine.aquery [query]\n"
    "├── VectorIndexRetriever.aretrieve [retriever]\n"
    "│   └── MockEmbedding.aget_query_embedding [embedding]\n"
    "└── CompactAndRefine.asynthesize [synthesizer]\n"
    "    └── MockLLM.acomplete [llm]"
)


def flushed(sink: FakeProvider) -> list[dict[str, Any]]:
    """Flush the instrumentor (failing the test if it times out) and return every log the sink received."""
    assert flush(timeout=15.0), "the instrumentor did not flush within 15 s"
    return shipped_logs(sink)


def traces_named(logs: list[dict[str, Any]], root_name: str) -> list[Trace]:
    """The traces whose root span is called `root_name` (checks every trace's invariants on the way)."""
    return [trace for trace in build_traces(logs).values() if trace.root.name == root_name]


def only_trace(logs: list[dict[str, Any]], root_name: str) -> Trace:
    found = traces_named(logs, root_name)
    assert len(found) == 1, f"expected one {root_name} trace, got {len(found)}"
    return found[0]


def last_streamed_message(text: str) -> str | None:
    """The content of the last chunk `MockLLM(max_tokens=4).stream_chat` yields for `text` (what its end event reports)."""
    *_, last = MockLLM(max_tokens=4).stream_chat([ChatMessage(role=MessageRole.USER, content=text)])
    content: str | None = last.message.content
    return content


def parent_name(trace: Trace, name: str) -> str:
    span = trace.find(name)
    assert span.parent_span_id is not None
    return trace.spans[span.parent_span_id].name


# ------------------------------------------------------------------------------------------------------------------
# query engines


def test_query_is_one_trace_with_retrieval_synthesis_and_llm(
    instrumented: PortkeyInstrumentor, sink: FakeProvider
) -> None:
    index = build_index()
    response = index.as_query_engine().query("Where is the Eiffel Tower?")

    trace = only_trace(flushed(sink), "RetrieverQueryEngine.query")
    assert trace.render() == QUERY_TREE
    assert {span.source for span in trace.walk()} == {"LlamaIndex"}

    root = trace.root
    assert root.request_body == {"query": "Where is the Eiffel Tower?"}
    assert root.response_body["response"] == str(response)
    assert {node["text"] for node in root.response_body["source_nodes"]} <= set(DOCUMENTS)

    retrieval = trace.find("VectorIndexRetriever.retrieve")
    assert retrieval.request_body == {"query": "Where is the Eiffel Tower?"}
    assert len(retrieval.response_body["nodes"]) == 2
    assert all(isinstance(node["score"], float) for node in retrieval.response_body["nodes"])

    llm = trace.find("MockLLM.complete")
    assert llm.log["request"]["url"] == "completions"
    assert "Where is the Eiffel Tower?" in llm.request_body["prompt"]
    assert llm.response_body["choices"][0]["text"] == str(response)
    assert llm.response_body["model"] == "unknown"
    assert llm.log["response"]["streamingMode"] is False


async def test_async_query_is_one_trace(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    index = build_index()
    response = await index.as_query_engine().aquery("What is Portkey?")

    assert await instrumented.aflush(timeout=15.0)
    trace = only_trace(shipped_logs(sink), "RetrieverQueryEngine.aquery")
    assert trace.render() == AQUERY_TREE
    assert trace.root.response_body["response"] == str(response)


async def test_concurrent_async_queries_do_not_mix(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = build_index().as_query_engine()
    questions = [f"question number {i}?" for i in range(10)]

    await asyncio.gather(*(engine.aquery(question) for question in questions))

    traces = traces_named(flushed(sink), "RetrieverQueryEngine.aquery")
    assert len(traces) == 10
    assert len({trace.trace_id for trace in traces}) == 10
    seen: set[str] = set()
    for trace in traces:
        assert trace.render() == AQUERY_TREE
        question = trace.root.request_body["query"]
        assert trace.find("VectorIndexRetriever.aretrieve").request_body == {"query": question}
        assert trace.find("CompactAndRefine.asynthesize").request_body == {"query": question}
        assert question in trace.find("MockLLM.acomplete").request_body["prompt"]
        seen.add(question)
    assert seen == set(questions)


def test_query_error_marks_the_failing_spans(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = RetrieverQueryEngine.from_args(retriever=FailingRetriever())
    with pytest.raises(RuntimeError, match="index offline"):
        engine.query("anything")

    trace = only_trace(flushed(sink), "RetrieverQueryEngine.query")
    assert trace.render() == (
        "RetrieverQueryEngine.query [query] status=500\n└── FailingRetriever.retrieve [retriever] status=500"
    )
    assert trace.root.response_body == {"error": {"message": "index offline", "type": "RuntimeError"}}


def test_reranking(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = build_index().as_query_engine(similarity_top_k=2, node_postprocessors=[reranker()])
    response = engine.query("Where is the Eiffel Tower?")

    trace = only_trace(flushed(sink), "RetrieverQueryEngine.query")
    assert trace.render() == (
        "RetrieverQueryEngine.query [query]\n"
        "├── VectorIndexRetriever.retrieve [retriever]\n"
        "│   └── MockEmbedding.get_query_embedding [embedding]\n"
        "├── StructuredLLMRerank._postprocess_nodes [reranker]\n"
        "│   ├── MockFunctionCallingLLM.chat [llm]\n"
        "│   └── DocumentRelevanceList [tool]\n"
        "└── CompactAndRefine.synthesize [synthesizer]\n"
        "    └── MockLLM.complete [llm]"
    )
    rerank = trace.find("StructuredLLMRerank._postprocess_nodes")
    retrieved = [node["id"] for node in trace.find("VectorIndexRetriever.retrieve").response_body["nodes"]]
    assert rerank.request_body["query"] == "Where is the Eiffel Tower?"
    assert rerank.request_body["top_n"] == 1
    assert [node["id"] for node in rerank.request_body["documents"]] == retrieved
    assert rerank.response_body == {"nodes": [{**rerank.request_body["documents"][1], "score": 9.0}]}
    assert [node.score for node in response.source_nodes] == [9.0]


def test_index_construction_is_one_embedding_log(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    Settings.embed_model = MockEmbedding(embed_dim=8, embed_batch_size=4)
    documents = [f"Document number {i} talks about topic {i % 3}." for i in range(10)]

    index = VectorStoreIndex.from_documents([Document(text=text) for text in documents])

    assert len(index.docstore.docs) == 10
    trace = build_trace(flushed(sink))
    assert trace.render() == "MockEmbedding.get_text_embedding_batch [embedding]"
    assert trace.root.request_body == {"model": "unknown", "input": documents}
    assert [item["index"] for item in trace.root.response_body["data"]] == list(range(10))


def test_embedding_vectors_are_never_shipped(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    Settings.embed_model.get_text_embedding_batch(["alpha", "beta"])

    trace = only_trace(flushed(sink), "MockEmbedding.get_text_embedding_batch")
    body = trace.root.response_body
    assert body["data"] == [
        {"object": "embedding", "index": 0, "dimensions": 8},
        {"object": "embedding", "index": 1, "dimensions": 8},
    ]
    assert trace.root.request_body == {"model": "unknown", "input": ["alpha", "beta"]}
    assert float_lists(trace.root.log) == []


# ------------------------------------------------------------------------------------------------------------------
# LLMs and chat engines


def test_chat_engine_chat_is_one_llm_span(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = chat_engine()
    response = engine.chat("hello there")

    trace = only_trace(flushed(sink), "SimpleChatEngine.chat")
    assert trace.render() == "SimpleChatEngine.chat [chat_engine]\n└── MockLLM.chat [llm]"
    llm = trace.find("MockLLM.chat")
    assert llm.log["request"]["url"] == "chat/completions"
    assert llm.request_body["messages"] == [{"role": "user", "content": "hello there"}]
    assert llm.response_body["object"] == "chat.completion"
    assert llm.response_body["choices"][0]["message"] == {"role": "assistant", "content": response.response}
    assert trace.root.request_body == {"input": {"message": "hello there"}}
    assert trace.root.response_body == {"output": {"response": response.response}}


def test_stream_chat_is_one_streaming_llm_span(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = chat_engine()
    streaming = engine.stream_chat("stream please")
    tokens = list(streaming.response_gen)

    trace = only_trace(flushed(sink), "SimpleChatEngine.stream_chat")
    assert trace.render() == "SimpleChatEngine.stream_chat [chat_engine]\n└── MockLLM.stream_chat [llm]"
    llm = trace.find("MockLLM.stream_chat")
    assert llm.log["response"]["streamingMode"] is True
    assert llm.request_body["stream"] is True
    assert int(llm.metadata["time_to_first_token_ms"]) >= 0
    assert llm.response_body["choices"][0]["message"]["content"] == last_streamed_message("stream please")
    assert "".join(tokens).startswith("text")


async def test_async_chat_and_stream_chat(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = chat_engine()
    await engine.achat("first")
    streaming = await engine.astream_chat("second")
    tokens = [token async for token in streaming.async_response_gen()]

    logs = flushed(sink)
    chat = only_trace(logs, "SimpleChatEngine.achat")
    assert chat.render() == "SimpleChatEngine.achat [chat_engine]\n└── MockLLM.achat [llm]"
    stream = only_trace(logs, "SimpleChatEngine.astream_chat")
    assert stream.render() == "SimpleChatEngine.astream_chat [chat_engine]\n└── MockLLM.astream_chat [llm]"
    llm = stream.find("MockLLM.astream_chat")
    assert llm.log["response"]["streamingMode"] is True
    assert "time_to_first_token_ms" in llm.metadata
    assert llm.response_body["choices"][0]["message"]["content"] == last_streamed_message("second")
    assert "".join(tokens).startswith("text")


def test_llm_usage_model_and_url_come_from_the_provider_response(
    instrumented: PortkeyInstrumentor, sink: FakeProvider
) -> None:
    llm = UsageLLM()
    llm.complete("count me", temperature=0.1)

    trace = only_trace(flushed(sink), "UsageLLM.complete")
    assert trace.render() == "UsageLLM.complete [llm] tokens=12+5=17"
    span = trace.root
    assert span.log["request"]["url"] == "https://llm.example.com/v1/completions"
    assert span.request_body == {"model": "usage-model-2026", "prompt": "count me", "temperature": 0.1}
    assert span.response_body["model"] == "usage-model-2026"
    assert span.response_body["choices"] == [{"index": 0, "text": "8 characters", "finish_reason": "stop"}]
    text = dumped([span.log])
    for secret in ("hunter2", "sk-should-never-be-shipped", "query-string-secret"):
        assert secret not in text


async def test_streamed_usage_in_anthropic_shape(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    generator = await UsageLLM().astream_complete("go")
    pieces = [piece.delta async for piece in generator]

    assert pieces == ["a", "b"]
    trace = only_trace(flushed(sink), "UsageLLM.astream_complete")
    assert trace.render() == "UsageLLM.astream_complete [llm] tokens=3+2=5"
    assert trace.root.response_body["choices"][0]["text"] == "ab"
    assert trace.root.log["response"]["streamingMode"] is True


# ------------------------------------------------------------------------------------------------------------------
# agents and workflows


@agent_warnings
async def test_agent_with_a_failing_tool(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    agent = scripted_agent()
    # The documented call; pyright matches it to a deprecated overload that declares the same keywords.
    result = await agent.run(user_msg="add 1 and 2", memory=ChatMemoryBuffer.from_defaults())  # pyright: ignore[reportDeprecated]

    assert str(result) == "the sum is 3"
    trace = only_trace(flushed(sink), "FunctionAgent.run")
    assert trace.root.kind == "agent"
    assert sorted(trace.names()) == sorted(
        [
            "FunctionAgent.run",
            "BaseWorkflowAgent.run_agent_step",
            "MockFunctionCallingLLM.astream_chat",
            "BaseWorkflowAgent.call_tool",
            "add",
            "BaseWorkflowAgent.call_tool",
            "boom",
            "BaseWorkflowAgent.run_agent_step",
            "MockFunctionCallingLLM.astream_chat",
        ]
    )
    for name in ("add", "boom"):
        assert trace.find(name).kind == "tool"
        assert parent_name(trace, name) == "BaseWorkflowAgent.call_tool"
    for step_span in trace.root.children:
        assert step_span.kind == "step"
        assert len(step_span.children) == 1

    add_span, boom_span = trace.find("add"), trace.find("boom")
    assert add_span.status == 200
    assert add_span.request_body == {"input": {"a": 1, "b": 2}}
    assert add_span.response_body == {"output": {"content": "3", "is_error": False}}
    assert boom_span.status == 500
    assert boom_span.response_body == {"error": {"message": "kaboom 7", "type": "RuntimeError"}}

    first_llm, second_llm = trace.find_all("MockFunctionCallingLLM.astream_chat")
    assert [tool["function"]["name"] for tool in first_llm.request_body["tools"]] == ["add", "boom"]
    tool_calls = first_llm.response_body["choices"][0]["message"]["tool_calls"]
    assert [(call["function"]["name"], json.loads(call["function"]["arguments"])) for call in tool_calls] == [
        ("add", {"a": 1, "b": 2}),
        ("boom", {"x": 7}),
    ]
    assert [message["role"] for message in second_llm.request_body["messages"]] == [
        "user",
        "assistant",
        "tool",
        "tool",
    ]
    assert second_llm.response_body["choices"][0]["message"]["content"] == "the sum is 3"


class Prepared(Event):
    text: str


class ShoutFlow(Workflow):
    @step
    async def prepare(self, ev: StartEvent) -> Prepared:
        return Prepared(text=str(ev.topic).upper())

    @step
    async def answer(self, ev: Prepared) -> StopEvent:
        completion = await Settings.llm.acomplete(f"Tell me about {ev.text}")
        return StopEvent(result=completion.text)


async def test_workflow_steps_are_logged_only_when_they_contain_logged_work(
    instrumented: PortkeyInstrumentor, sink: FakeProvider
) -> None:
    result = await ShoutFlow().run(topic="cats")

    trace = only_trace(flushed(sink), "ShoutFlow.run")
    assert trace.render() == "ShoutFlow.run [workflow]\n└── ShoutFlow.answer [step]\n    └── MockLLM.acomplete [llm]"
    assert trace.find("ShoutFlow.answer").request_body == {"event": "Prepared", "summary": "Prepared(text='CATS')"}
    assert "CATS" in trace.find("MockLLM.acomplete").request_body["prompt"]
    assert trace.root.response_body == {"output": f"StopEvent(result={result!r})"}


# ------------------------------------------------------------------------------------------------------------------
# trace ids, metadata, filters


def test_fixed_trace_id_and_metadata(sink: FakeProvider) -> None:
    instrument(api_key="pk-test", base_url=sink.base_url, trace_id="run-42", metadata={"_user": "u-1", "attempt": 3})
    build_index().as_query_engine().query("q")

    logs = flushed(sink)
    assert {log["trace_id"] for log in logs} == {"run-42"}
    for log in logs:
        assert log["metadata"]["_user"] == "u-1"
        assert log["metadata"]["attempt"] == "3"


def test_instrument_tags_set_trace_id_and_metadata(instrumented: PortkeyInstrumentor, sink: FakeProvider) -> None:
    engine = build_index().as_query_engine()
    with instrument_tags({"portkey_trace_id": "tagged-7", "portkey_metadata": {"session_id": "s-9"}, "team": "red"}):
        engine.query("inside")
    engine.query("outside")

    traces = traces_named(flushed(sink), "RetrieverQueryEngine.query")
    by_query = {trace.root.request_body["query"]: trace for trace in traces}
    inside, outside = by_query["inside"], by_query["outside"]
    assert inside.trace_id == "tagged-7"
    assert outside.trace_id != "tagged-7"
    for span in inside.walk():
        assert span.metadata["session_id"] == "s-9"
        assert span.tags == ["team=red"]
    assert all("session_id" not in span.metadata for span in outside.walk())


def test_span_filter_forces_and_suppresses_spans(sink: FakeProvider) -> None:
    seen: list[SpanInfo] = []

    def span_filter(info: SpanInfo) -> bool | None:
        seen.append(info)
        if info.kind == "retriever":
            return False
        if info.name == "RetrieverQueryEngine._query":
            return True
        return None

    instrument(api_key="pk-test", base_url=sink.base_url, span_filter=span_filter)
    build_index().as_query_engine().query("q")

    trace = only_trace(flushed(sink), "RetrieverQueryEngine.query")
    assert trace.render() == (
        "RetrieverQueryEngine.query [query]\n"
        "└── RetrieverQueryEngine._query [query]\n"
        "    ├── MockEmbedding.get_query_embedding [embedding]\n"
        "    └── CompactAndRefine.synthesize [synthesizer]\n"
        "        └── MockLLM.complete [llm]"
    )
    root_info = next(info for info in seen if info.name == "RetrieverQueryEngine.query")
    assert root_info.is_root and root_info.kind == "query"


def test_a_failing_span_filter_falls_back_to_the_default(sink: FakeProvider, caplog: pytest.LogCaptureFixture) -> None:
    def span_filter(info: SpanInfo) -> bool | None:
        raise KeyError(info.name)

    instrument(api_key="pk-test", base_url=sink.base_url, span_filter=span_filter)
    with caplog.at_level("WARNING", logger="portkey_ai.llamaindex"):
        build_index().as_query_engine().query("q")

    assert only_trace(flushed(sink), "RetrieverQueryEngine.query").render() == QUERY_TREE
    warnings = [record for record in caplog.records if record.name == "portkey_ai.llamaindex"]
    assert len(warnings) == 1
    assert "span_filter raised KeyError" in warnings[0].getMessage()


# ------------------------------------------------------------------------------------------------------------------
# lifecycle


def test_instrument_is_idempotent_and_uninstrument_removes_the_handlers(sink: FakeProvider) -> None:
    assert PortkeyInstrumentor() is PortkeyInstrumentor()
    first = instrument(api_key="pk-test", base_url=sink.base_url)
    second = PortkeyInstrumentor().instrument(api_key="pk-test", base_url=sink.base_url)
    assert first is second and first.is_instrumented
    spans, events = our_handlers()
    assert spans == [first.span_handler] and events == [first.event_handler]

    chat_engine().chat("once")
    trace = build_trace(flushed(sink))
    assert trace.render() == "SimpleChatEngine.chat [chat_engine]\n└── MockLLM.chat [llm]"

    uninstrument()
    uninstrument()
    assert our_handlers() == ([], [])
    assert not first.is_instrumented and first.span_handler is None
    assert flush() is True
    chat_engine().chat("after")
    assert len(shipped_logs(sink)) == 2


def test_dispatcher_shutdown_flushes(make_shipper: ShipperFactory, sink: FakeProvider) -> None:
    instrument(shipper=make_shipper(flush_interval=60.0))
    chat_engine().chat("hello")

    get_dispatcher().shutdown()

    assert build_trace(shipped_logs(sink)).render() == "SimpleChatEngine.chat [chat_engine]\n└── MockLLM.chat [llm]"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"api_key": 12345}, TypeError, "api_key must be a string"),
        ({}, ValueError, "PORTKEY_API_KEY"),
        ({"api_key": "pk-test", "base_url": "ftp://example.com"}, ValueError, "base_url must be an http"),
        ({"api_key": "pk-test", "base_url": 8}, TypeError, "base_url must be a string"),
        ({"api_key": "pk-test", "metadata": ["a"]}, TypeError, "metadata must be a mapping"),
        ({"api_key": "pk-test", "trace_id": " "}, ValueError, "trace_id must not be empty"),
        ({"api_key": "pk-test", "trace_id": 3}, TypeError, "trace_id must be a string"),
        ({"api_key": "pk-test", "span_filter": "yes"}, TypeError, "span_filter must be callable"),
        ({"api_key": "pk-test", "shipper": object()}, TypeError, "shipper must be a portkey_ai.lib.LogShipper"),
    ],
)
def test_bad_settings_are_rejected_before_anything_is_registered(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as raised:
        instrument(**kwargs)
    assert "12345" not in str(raised.value)
    assert not PortkeyInstrumentor().is_instrumented
    assert our_handlers() == ([], [])


def test_shipper_and_api_key_are_exclusive(make_shipper: ShipperFactory) -> None:
    with pytest.raises(ValueError, match="either shipper or api_key/base_url"):
        instrument(api_key="pk-test", shipper=make_shipper())


def test_the_kill_switch_registers_nothing(sink: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTKEY_TRACING_ENABLED", "false")

    instrumentor = instrument()

    assert not instrumentor.is_instrumented
    assert our_handlers() == ([], [])
    chat_engine().chat("hello")
    assert flush() is True
    assert shipped_logs(sink) == []


def test_public_api() -> None:
    import portkey_ai.llamaindex as package

    assert set(package.__all__) == {
        "METADATA_TAG",
        "TRACE_ID_TAG",
        "LlamaIndexCallbackHandler",
        "PortkeyEventHandler",
        "PortkeyInstrumentor",
        "PortkeyLLM",
        "PortkeyLlamaCallbackHandler",
        "PortkeySpanHandler",
        "SpanFilter",
        "SpanInfo",
        "__version__",
        "flush",
        "instrument",
        "uninstrument",
    }
    assert package.TRACE_ID_TAG == "portkey_trace_id" and package.METADATA_TAG == "portkey_metadata"
