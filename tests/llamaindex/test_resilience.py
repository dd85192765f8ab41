"""Tracing never breaks, blocks or leaks into the user's LlamaIndex app: failing sinks, internal errors, secrets, exit."""

# llama-index leaves some signatures partially unknown (untyped decorators such as `trace_method`, LangChain's
# `BaseLanguageModel` in `LLMType`); these tests call them directly.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import MockLLM

import portkey_ai.llamaindex._emit as emit_module
import portkey_ai.llamaindex._instrumentation as instrumentation_module
from portkey_ai.llamaindex import PortkeyInstrumentor, flush, instrument
from tests.helpers.trace_tree import build_trace, build_traces
from tests.llamaindex.conftest import ShipperFactory
from tests.llamaindex.support import LOGS_PATH, UsageLLM, build_index, dumped, shipped_logs
from tests.servers.fake_provider import FakeProvider, Fault

QUERY_NAMES = [
    "RetrieverQueryEngine.query",
    "VectorIndexRetriever.retrieve",
    "MockEmbedding.get_query_embedding",
    "CompactAndRefine.synthesize",
    "MockLLM.complete",
]


def closed_port_url() -> str:
    """A loopback URL nobody listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def expected_answer(question: str) -> str:
    """What the same query answers with tracing off (the reference for "the user's result is unchanged")."""
    return str(build_index().as_query_engine().query(question))


def portkey_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "portkey_ai.llamaindex"]


# ------------------------------------------------------------------------------------------------------------------
# failing, slow and unreachable sinks


def test_a_failing_sink_drops_logs_and_the_query_still_answers(
    make_shipper: ShipperFactory, sink: FakeProvider
) -> None:
    answer = expected_answer("Where is the Eiffel Tower?")
    engine = build_index().as_query_engine()
    shipper = make_shipper(flush_interval=60.0)
    instrument(shipper=shipper)
    sink.enqueue(Fault(status=500), path=LOGS_PATH)

    assert str(engine.query("Where is the Eiffel Tower?")) == answer
    assert flush(timeout=15.0)
    assert shipper.dropped == len(QUERY_NAMES)
    assert len(sink.requests) == 1

    assert str(engine.query("Where is the Eiffel Tower?")) == answer
    assert flush(timeout=15.0)
    assert len(sink.requests) == 2
    assert build_trace(sink.requests[1].json).names() == QUERY_NAMES


async def test_an_unreachable_sink_never_reaches_the_caller(make_shipper: ShipperFactory) -> None:
    answer = expected_answer("What is Portkey?")
    engine = build_index().as_query_engine()
    shipper = make_shipper(base_url=closed_port_url())
    instrument(shipper=shipper)

    response = await engine.aquery("What is Portkey?")

    assert str(response) == answer
    assert await PortkeyInstrumentor().aflush(timeout=15.0)
    assert shipper.dropped == len(QUERY_NAMES)


async def test_a_slow_sink_does_not_hold_up_queries(make_shipper: ShipperFactory, sink: FakeProvider) -> None:
    engine = build_index().as_query_engine()
    instrument(shipper=make_shipper())
    sink.enqueue(Fault(delay_before_headers=2.0), path=LOGS_PATH)

    await engine.aquery("first")
    await engine.aquery("second")

    # Had a query waited for the (two second) upload of its logs, everything would already be sent.
    assert not flush(timeout=0.0)
    assert await PortkeyInstrumentor().aflush(timeout=15.0)
    assert len(build_traces(shipped_logs(sink))) == 2


# ------------------------------------------------------------------------------------------------------------------
# internal errors


def test_an_error_building_logs_is_logged_once_and_the_query_answers(
    sink: FakeProvider, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    answer = expected_answer("q")
    engine = build_index().as_query_engine()
    instrumentor = instrument(api_key="pk-test", base_url=sink.base_url)

    def broken(record: Any) -> Any:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(emit_module, "build_bodies", broken)
    with caplog.at_level("WARNING", logger="portkey_ai.llamaindex"):
        assert str(engine.query("q")) == answer
        assert str(engine.query("q")) == answer

    assert flush(timeout=15.0)
    assert shipped_logs(sink) == []
    warnings = portkey_warnings(caplog)
    assert len(warnings) == 1
    assert "could not build a log" in warnings[0] and "(ZeroDivisionError)" in warnings[0]
    span_handler = instrumentor.span_handler
    assert span_handler is not None and span_handler.open_spans == {}

    monkeypatch.undo()
    engine.query("q")
    assert flush(timeout=15.0)
    assert build_trace(shipped_logs(sink)).names() == QUERY_NAMES


async def test_an_error_recording_spans_is_logged_once_and_async_queries_answer(
    sink: FakeProvider, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    answer = expected_answer("q")
    engine = build_index().as_query_engine()
    instrumentor = instrument(api_key="pk-test", base_url=sink.base_url)

    def broken(instance: Any, tags: Any) -> str:
        raise LookupError("bug")

    monkeypatch.setattr(instrumentation_module, "_kind_of", broken)
    with caplog.at_level("WARNING", logger="portkey_ai.llamaindex"):
        response = await engine.aquery("q")

    assert str(response) == answer
    assert await instrumentor.aflush(timeout=15.0)
    assert shipped_logs(sink) == []
    assert portkey_warnings(caplog) == [
        "Portkey LlamaIndex tracing: could not record a span (LookupError); it is skipped"
    ]


# ------------------------------------------------------------------------------------------------------------------
# secrets


def test_secrets_are_never_shipped(sink: FakeProvider) -> None:
    instrument(api_key="pk-test-secret-key", base_url=sink.base_url, metadata={"api_key": "pk-in-metadata"})
    llm = UsageLLM()
    llm.chat(
        [ChatMessage(role=MessageRole.USER, content="hi")],
        api_key="sk-live-in-kwargs",
        default_headers={"Authorization": "Bearer sk-in-header", "x-portkey-api-key": "pk-in-header"},
    )

    assert flush(timeout=15.0)
    logs = shipped_logs(sink)
    assert build_trace(logs).names() == ["UsageLLM.chat"]
    text = dumped(logs)
    for secret in (
        "pk-test-secret-key",
        "pk-in-metadata",
        "sk-live-in-kwargs",
        "sk-in-header",
        "pk-in-header",
        "hunter2",
        "sk-should-never-be-shipped",
        "query-string-secret",
    ):
        assert secret not in text
    body = logs[0]["request"]["body"]
    assert body["api_key"] == "<redacted>"
    assert body["default_headers"] == {"Authorization": "<redacted>", "x-portkey-api-key": "<redacted>"}
    assert logs[0]["request"]["url"] == "https://llm.example.com/v1/chat/completions"
    assert sink.requests[0].headers["x-portkey-api-key"] == "pk-test-secret-key"


# ------------------------------------------------------------------------------------------------------------------
# exit


EXIT_SCRIPT = textwrap.dedent(
    """
    import sys

    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.core.embeddings import MockEmbedding
    from llama_index.core.llms import MockLLM

    import portkey_ai.llamaindex

    Settings.llm = MockLLM(max_tokens=8)
    Settings.embed_model = MockEmbedding(embed_dim=8)
    portkey_ai.llamaindex.instrument(api_key="pk-test", base_url=sys.argv[1])
    index = VectorStoreIndex.from_documents([Document(text="Paris is in France.")])
    print(index.as_query_engine().query("Where is Paris?"))
    abandoned = Settings.llm.stream_complete("never read")
    # exit without flush(): the instrumentor ships the abandoned stream, the shipper's exit hook sends everything
    """
)


def test_logs_are_sent_at_interpreter_exit(sink: FakeProvider) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, sink.base_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().startswith("text")
    traces = build_traces(shipped_logs(sink))
    by_root = {trace.root.name: trace for trace in traces.values()}
    assert sorted(by_root) == [
        "MockEmbedding.get_text_embedding_batch",
        "MockLLM.stream_complete",
        "RetrieverQueryEngine.query",
    ]
    assert by_root["RetrieverQueryEngine.query"].names() == QUERY_NAMES
    stream = by_root["MockLLM.stream_complete"].root
    assert stream.log["response"]["streamingMode"] is True
    assert stream.request_body["prompt"] == "never read"
    assert json.loads(stream.metadata["source_metadata"])["type"] == "llm"


# ------------------------------------------------------------------------------------------------------------------
# streams that never end


def test_streams_left_unfinished_are_bounded(
    instrumented: PortkeyInstrumentor, sink: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instrumentation_module, "_MAX_PENDING_STREAMS", 2)
    llm = MockLLM(max_tokens=4)
    abandoned = [llm.stream_complete(f"prompt {i}") for i in range(3)]

    assert flush(timeout=15.0)
    logs = shipped_logs(sink)
    assert [log["span_name"] for log in logs] == ["MockLLM.stream_complete"]
    assert logs[0]["metadata"]["stream_incomplete"] == "true"
    assert logs[0]["request"]["body"]["prompt"] == "prompt 0"
    span_handler = instrumented.span_handler
    assert span_handler is not None and len(span_handler.open_spans) == 2

    *_, last = abandoned[2]
    assert last.text.startswith("text")
    assert flush(timeout=15.0)
    assert [log["request"]["body"]["prompt"] for log in shipped_logs(sink)] == ["prompt 0", "prompt 2"]
    assert len(span_handler.open_spans) == 1
