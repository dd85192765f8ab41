"""Reading what the `/v1/logs` sink (the fake provider) received."""

from __future__ import annotations

import socket
from typing import Any

from portkey_ai.langchain import PortkeyCallbackHandler
from tests.servers.fake_provider import FakeProvider

LOGS_PATH = "/v1/logs"


def shipped_logs(sink: FakeProvider) -> list[dict[str, Any]]:
    """Every log received by the sink so far (each request body is a JSON array of logs), in arrival order."""
    logs: list[dict[str, Any]] = []
    for request in sink.requests:
        if request.path == LOGS_PATH and isinstance(request.json, list):
            logs.extend(request.json)
    return logs


def flushed_logs(handler: PortkeyCallbackHandler, sink: FakeProvider) -> list[dict[str, Any]]:
    """Flush `handler` (failing the test if that times out) and return what the sink received."""
    assert handler.flush(timeout=15.0), "the handler did not flush within 15 s"
    return shipped_logs(sink)


def unique_logs(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`logs` with re-sent copies removed (a batch retried after a fault was recorded once per attempt)."""
    by_span: dict[tuple[str, str], dict[str, Any]] = {}
    for log in logs:
        by_span[(log["trace_id"], log["span_id"])] = log
    return list(by_span.values())


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
