"""The application never notices the log sink: failing, throttling, dropping, absent or slow."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap

import pytest

from portkey_ai.langchain import PortkeyCallbackHandler
from tests.helpers.trace_tree import build_trace
from tests.langchain.chains import chain_render, config, make_chain
from tests.langchain.conftest import HandlerFactory
from tests.langchain.sinks import LOGS_PATH, closed_port_url, flushed_logs, shipped_logs, unique_logs
from tests.servers.fake_provider import FakeProvider, Fault
from tests.servers.node_servers import REPO_ROOT

QUESTION = "what is two plus two"


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(status=500), id="500"),
        pytest.param(Fault(status=503, body={"error": "overloaded"}), id="503"),
        pytest.param(Fault(drop_before_headers=True), id="dropped-connection"),
        pytest.param(Fault(reset=True), id="reset-connection"),
    ],
)
def test_transient_sink_failure_is_retried(handler: PortkeyCallbackHandler, sink: FakeProvider, fault: Fault) -> None:
    sink.enqueue(fault, path=LOGS_PATH)
    assert make_chain().invoke({"question": QUESTION}, config(handler)) == f"echo: {QUESTION}"
    logs = flushed_logs(handler, sink)
    assert len(sink.wait_for_requests(2, path=LOGS_PATH)) >= 2
    assert build_trace(unique_logs(logs)).render() == chain_render(QUESTION)
    assert handler.shipper.dropped == 0


def test_429_with_retry_after_is_honoured(handler: PortkeyCallbackHandler, sink: FakeProvider) -> None:
    sink.enqueue(Fault(status=429, headers={"retry-after": "1"}), path=LOGS_PATH)
    assert make_chain().invoke({"question": QUESTION}, config(handler)) == f"echo: {QUESTION}"
    logs = flushed_logs(handler, sink)
    first, second = sink.wait_for_requests(2, path=LOGS_PATH)[:2]
    assert second.received_at - first.received_at >= 0.9
    assert build_trace(unique_logs(logs)).render() == chain_render(QUESTION)


async def test_sink_that_keeps_failing_drops_logs_quietly(
    make_handler: HandlerFactory, sink: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    handler = make_handler(max_retries=0)
    sink.enqueue(*(Fault(status=500) for _ in range(10)), path=LOGS_PATH)
    with caplog.at_level(logging.WARNING):
        assert await make_chain().ainvoke({"question": QUESTION}, config(handler)) == f"echo: {QUESTION}"
        assert await handler.aflush(timeout=15.0)
    assert handler.shipper.dropped == 4
    assert "pk-test" not in caplog.text


def test_closed_port(make_handler: HandlerFactory) -> None:
    handler = make_handler(max_retries=0, base_url=closed_port_url())
    for _ in range(3):
        assert make_chain().invoke({"question": QUESTION}, config(handler)) == f"echo: {QUESTION}"
    assert handler.flush(timeout=15.0)
    assert handler.shipper.dropped == 12
    assert handler.open_spans == 0


async def test_slow_sink_never_blocks_the_event_loop(
    handler: PortkeyCallbackHandler, sink: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    sink.enqueue(Fault(delay_before_headers=3.0), path=LOGS_PATH)
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    loop.slow_callback_duration = 0.5
    try:
        with caplog.at_level(logging.WARNING, logger="asyncio"):
            chain = make_chain()
            for index in range(5):
                result = await asyncio.wait_for(chain.ainvoke({"question": f"{QUESTION} {index}"}, config(handler)), 10)
                assert result == f"echo: {QUESTION} {index}"
            sink.wait_for_requests(1, path=LOGS_PATH)  # the first batch reached the sink, which is still stalling
        assert not [record for record in caplog.records if "Executing" in record.getMessage()]
    finally:
        loop.set_debug(False)
    assert await handler.aflush(timeout=15.0)
    assert len(unique_logs(shipped_logs(sink))) == 20


def test_spans_are_flushed_at_interpreter_exit(sink: FakeProvider) -> None:
    script = textwrap.dedent(
        """
        import sys
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate
        from portkey_ai.langchain import PortkeyCallbackHandler
        from tests.langchain.fakes import EchoChatModel

        handler = PortkeyCallbackHandler(api_key="pk-test", base_url=sys.argv[1])
        prompt = ChatPromptTemplate.from_messages([("system", "Answer briefly."), ("user", "{question}")])
        chain = prompt | EchoChatModel() | StrOutputParser()
        print(chain.invoke({"question": "what is two plus two"}, config={"callbacks": [handler]}))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, sink.base_url],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"echo: {QUESTION}"
    assert "Error in" not in completed.stderr
    trace = build_trace(unique_logs(shipped_logs(sink)))
    assert trace.render() == chain_render(QUESTION)
