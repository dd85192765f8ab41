"""`portkey_ai.lib.LogShipper`, `span_log` and `to_jsonable`.

Unit tests drive a `Portkey` client whose transport is the HTTP library's MockTransport; integration tests ship to
the fake provider (a real HTTP server on 127.0.0.1), including at interpreter exit and across `os.fork()`.
Synchronisation is by `flush()`, `wait_for_requests` and events, never by sleeping.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import json
import logging
import math
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from typing_extensions import override

from portkey_ai import Portkey
from portkey_ai._http import httpx
from portkey_ai.lib import LogShipper, log_shipper, span_log, to_jsonable
from tests.servers.fake_provider import FakeProvider, Fault

CANARY = "pk-canary-" + uuid.uuid4().hex
LOGS = "/v1/logs"
FAST_RETRY = {"retry-after-ms": "1"}
WAIT = 30.0
"""Upper bound for flush() in tests; it returns as soon as the logs are sent."""
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORTKEY_API_KEY", "PORTKEY_BASE_URL", "PORTKEY_PROXY", "PORTKEY_TRACING_ENABLED"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def warnings_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="portkey_ai.logs")
    return caplog


def _shipper_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "portkey_ai.logs"]


class Sink:
    """A MockTransport handler: records each posted batch and answers from a script (the last answer repeats)."""

    def __init__(self, *answers: int | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers) or [200]
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.first_request = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            self.requests.append(request)
            answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        self.first_request.set()
        if callable(answer):
            return answer(request)
        headers = FAST_RETRY if answer >= 500 or answer == 429 else {}
        return httpx.Response(answer, json={} if answer < 400 else {"error": {"message": "no"}}, headers=headers)

    @property
    def batches(self) -> list[list[dict[str, Any]]]:
        with self.lock:
            return [json.loads(request.content) for request in self.requests]

    @property
    def names(self) -> list[str]:
        return [log["name"] for batch in self.batches for log in batch]


ShipperFactory = Callable[..., LogShipper]


@pytest.fixture
def make_shipper() -> Iterator[ShipperFactory]:
    """Build shippers (on a MockTransport `Sink` when `sink=` is given); all are shut down after the test."""
    made: list[LogShipper] = []

    def make(sink: Sink | None = None, **kwargs: Any) -> LogShipper:
        if sink is not None:
            kwargs["client"] = Portkey(
                api_key=CANARY,
                base_url="http://logs.test/v1",
                http_client=httpx.Client(transport=httpx.MockTransport(sink)),
            )
        shipper = LogShipper(**kwargs)
        made.append(shipper)
        return shipper

    yield make
    for shipper in made:
        shipper.shutdown(timeout=5)


def _log(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "request": {"body": {}}, "response": {"body": {}}, **extra}


# --------------------------------------------------------------------------------------------------------------------
# batching


def test_batches_by_size(make_shipper: ShipperFactory) -> None:
    sink = Sink()
    shipper = make_shipper(sink, max_batch_size=3, flush_interval=60)
    for i in range(7):
        shipper.enqueue(_log(f"log-{i}"))
    assert shipper.flush(timeout=WAIT)
    assert [len(batch) for batch in sink.batches] == [3, 3, 1]
    assert sink.names == [f"log-{i}" for i in range(7)]
    request = sink.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "http://logs.test/v1/logs"
    assert request.headers["x-portkey-api-key"] == CANARY
    assert request.headers["content-type"] == "application/json"


def test_batches_by_bytes(make_shipper: ShipperFactory) -> None:
    sink = Sink()
    one = len(json.dumps(_log("log-0"), separators=(",", ":")).encode())
    shipper = make_shipper(sink, max_batch_bytes=2 * one + 3, flush_interval=60)
    for i in range(5):
        shipper.enqueue(_log(f"log-{i}"))
    assert shipper.flush(timeout=WAIT)
    assert [len(batch) for batch in sink.batches] == [2, 2, 1]
    assert all(len(request.content) <= 2 * one + 3 for request in sink.requests)
    assert shipper.dropped == 0


def test_a_log_larger_than_a_batch_is_dropped(
    make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture
) -> None:
    sink = Sink()
    shipper = make_shipper(sink, max_batch_bytes=200, flush_interval=60)
    shipper.enqueue(_log("big", padding="x" * 500))
    shipper.enqueue(_log("small"))
    assert shipper.flush(timeout=WAIT)
    assert sink.names == ["small"]
    assert shipper.dropped == 1
    assert _shipper_warnings(warnings_log) == ["Portkey log shipper: dropped a log of 572 bytes (max_batch_bytes=200)"]


def test_sends_after_the_flush_interval_without_flush(make_shipper: ShipperFactory) -> None:
    sink = Sink()
    shipper = make_shipper(sink, flush_interval=0.05)
    shipper.enqueue(_log("lonely"))
    assert sink.first_request.wait(timeout=10), "the worker did not send within the flush interval"
    assert sink.names == ["lonely"]


def _new_workers(before: set[threading.Thread]) -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "portkey-log-shipper" and thread not in before]


def test_worker_thread_starts_on_first_enqueue(make_shipper: ShipperFactory) -> None:
    before = set(threading.enumerate())
    shipper = make_shipper(Sink(), flush_interval=60)
    assert _new_workers(before) == []
    shipper.enqueue(_log("x"))
    (worker,) = _new_workers(before)
    assert worker.daemon
    shipper.shutdown()
    assert not worker.is_alive()


def test_idle_worker_ends_and_restarts(make_shipper: ShipperFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_shipper, "_IDLE_EXIT", 0.01)
    sink = Sink()
    shipper = make_shipper(sink, flush_interval=60)
    before = set(threading.enumerate())
    shipper.enqueue(_log("first"))
    assert shipper.flush(timeout=WAIT)
    (worker,) = _new_workers(before)
    worker.join(timeout=WAIT)
    assert not worker.is_alive()
    shipper.enqueue(_log("second"))
    assert shipper.flush(timeout=WAIT)
    assert sink.names == ["first", "second"]


# --------------------------------------------------------------------------------------------------------------------
# retries and drops (MockTransport)


@pytest.mark.parametrize("status", [500, 503, 429, 409])
def test_retries_retryable_statuses(make_shipper: ShipperFactory, status: int) -> None:
    sink = Sink(status, 200)
    shipper = make_shipper(sink, max_retries=3)
    shipper.enqueue(_log("a"))
    assert shipper.flush(timeout=WAIT)
    assert [batch[0]["name"] for batch in sink.batches] == ["a", "a"]
    assert shipper.dropped == 0


def test_retries_connection_errors(make_shipper: ShipperFactory) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    sink = Sink(refuse, refuse, 200)
    shipper = make_shipper(sink, max_retries=3)
    shipper.enqueue(_log("a"))
    assert shipper.flush(timeout=WAIT)
    assert len(sink.requests) == 3
    assert shipper.dropped == 0


def test_gives_up_after_max_retries(make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture) -> None:
    sink = Sink(503)
    shipper = make_shipper(sink, max_retries=1)
    shipper.enqueue(_log("a"))
    shipper.enqueue(_log("b"))
    assert shipper.flush(timeout=WAIT)
    assert len(sink.requests) == 2
    assert shipper.dropped == 2
    assert _shipper_warnings(warnings_log) == ["Portkey log shipper: dropped 2 logs (HTTP 503, max_retries=1)"]


def test_gives_up_on_connection_errors(make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    shipper = make_shipper(Sink(refuse), max_retries=0)
    shipper.enqueue(_log("a"))
    assert shipper.flush(timeout=WAIT)
    assert shipper.dropped == 1
    assert _shipper_warnings(warnings_log) == [
        "Portkey log shipper: dropped 1 logs (APIConnectionError, max_retries=0)"
    ]


def test_other_4xx_drop_the_batch_with_one_warning_per_status(
    make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture
) -> None:
    sink = Sink(400, 400, 408, 200)
    shipper = make_shipper(sink, max_batch_size=1, flush_interval=60)
    for name in "abcd":
        shipper.enqueue(_log(name))
    assert shipper.flush(timeout=WAIT)
    assert len(sink.requests) == 4, "4xx other than 409/429 are not retried (408 is the gateway's own timeout)"
    assert shipper.dropped == 3
    assert _shipper_warnings(warnings_log) == [
        "Portkey log shipper: POST /logs was rejected with HTTP 400; dropping such batches",
        "Portkey log shipper: POST /logs was rejected with HTTP 408; dropping such batches",
    ]


def test_413_splits_the_batch(make_shipper: ShipperFactory) -> None:
    def too_large_unless_single(request: httpx.Request) -> httpx.Response:
        size = len(json.loads(request.content))
        return httpx.Response(413 if size > 1 else 200, json={})

    sink = Sink(too_large_unless_single)
    shipper = make_shipper(sink, flush_interval=60)
    for name in "abc":
        shipper.enqueue(_log(name))
    assert shipper.flush(timeout=WAIT)
    assert [len(batch) for batch in sink.batches] == [3, 1, 2, 1, 1]
    assert sorted(log["name"] for batch in sink.batches if len(batch) == 1 for log in batch) == ["a", "b", "c"]
    assert shipper.dropped == 0


def test_queue_overflow_is_counted_with_one_warning(
    make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture
) -> None:
    sink = Sink()
    shipper = make_shipper(sink, max_queue_size=3, flush_interval=60)
    for i in range(10):
        shipper.enqueue(_log(f"log-{i}"))
    assert shipper.dropped == 7
    assert shipper.flush(timeout=WAIT)
    assert sink.names == ["log-0", "log-1", "log-2"]
    assert _shipper_warnings(warnings_log) == [
        "Portkey log shipper: queue full (3 logs or 67108864 bytes), dropping logs; is the Portkey API reachable?"
    ]
    assert shipper.drop_counts == {"queue_full": 7}


def test_queue_is_bounded_in_bytes(make_shipper: ShipperFactory) -> None:
    """Issue 12, finding 10: 40 logs of 300 KB held 12 MB; the queue now holds at most `max_queue_bytes`."""
    assert log_shipper.DEFAULT_MAX_QUEUE_BYTES == 64 * 2**20
    sink = Sink()
    limit = 2**20
    shipper = make_shipper(sink, flush_interval=60, max_batch_size=1000, max_queue_bytes=limit)
    tracemalloc.start()
    try:
        for i in range(40):
            shipper.enqueue(_log(f"log-{i}", chunks=[f"{i}-{j}-" + "x" * 30_000 for j in range(10)]))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 0 < shipper.queued_bytes <= limit
    assert held < 3 * limit, held  # unbounded: about 12 MB
    assert shipper.drop_counts == {"queue_full": shipper.dropped}
    assert shipper.dropped >= 36
    assert shipper.flush(timeout=WAIT)
    assert len(sink.names) == 40 - shipper.dropped
    assert shipper.queued_bytes == 0


@pytest.mark.parametrize("is_async", [False, True], ids=["flush", "aflush"])
async def test_each_send_has_its_own_timeout(make_shipper: ShipperFactory, is_async: bool) -> None:
    """Issue 12, finding 10: a server that never answers held the worker for attempts x `timeout`; `send_timeout`
    ends the send (all its retries) and the batch is counted as dropped."""
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the backlog accepts the connection; nobody answers
        port = silent.getsockname()[1]
        shipper = make_shipper(
            api_key=CANARY, base_url=f"http://127.0.0.1:{port}/v1", timeout=5, max_retries=3, send_timeout=0.5
        )
        shipper.enqueue(_log("slow"))
        started = time.monotonic()
        assert (await shipper.aflush(timeout=WAIT)) if is_async else shipper.flush(timeout=WAIT)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed
    assert shipper.dropped == 1
    assert shipper.drop_counts == {"timeout": 1}


def test_repeated_warnings_are_rate_limited(warnings_log: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    warner = log_shipper._Warner(clock=lambda: now[0])  # pyright: ignore[reportPrivateUsage]
    warner.warn("full", "queue full (%d)", 1)
    warner.warn("full", "queue full (%d)", 2)
    warner.warn("full", "queue full (%d)", 3)
    warner.warn("other", "another kind")
    now[0] = 61.0
    warner.warn("full", "queue full (%d)", 4)
    assert _shipper_warnings(warnings_log) == [
        "queue full (1)",
        "another kind",
        "queue full (4) (2 similar warnings suppressed)",
    ]


# --------------------------------------------------------------------------------------------------------------------
# hostile input and secrets


class _Slots:
    __slots__ = ("a",)

    def __init__(self) -> None:
        self.a = 1


class _BadRepr:
    @override
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class _BadMapping(dict[str, int]):
    @override
    def items(self) -> Any:
        raise RuntimeError("no items")


class _Color(enum.Enum):
    RED = "red"


class _Model(pydantic.BaseModel):
    text: str
    when: dt.datetime


@dataclasses.dataclass
class _Point:
    x: int
    y: int


def test_enqueue_never_raises_on_odd_objects(make_shipper: ShipperFactory) -> None:
    sink = Sink()
    shipper = make_shipper(sink, flush_interval=60)
    cycle: dict[str, Any] = {"name": "cycle"}
    cycle["self"] = cycle
    looped: list[Any] = []
    looped.append(looped)
    odd = {
        "bytes": b"\x00\xff" * 10,
        "slots": _Slots(),
        "bad_repr": _BadRepr(),
        "bad_mapping": _BadMapping(a=1),
        "set": {3},
        "uuid": uuid.UUID(int=1),
        "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "delta": dt.timedelta(seconds=1.5),
        "decimal": decimal.Decimal("1.10"),
        "enum": _Color.RED,
        "model": _Model(text="hi", when=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        "dataclass": _Point(1, 2),
        "nan": math.nan,
        "inf": -math.inf,
        "looped": looped,
        "tuple_key": {(1, 2): "v"},
        "generator": (i for i in range(3)),
        "type": int,
    }
    shipper.enqueue(cycle)
    shipper.enqueue(_log("odd", odd=odd))
    shipper.enqueue(_BadRepr())  # type: ignore[arg-type]  # not a mapping: dropped, not raised
    shipper.enqueue(None)  # type: ignore[arg-type]
    assert shipper.flush(timeout=WAIT)
    ((first, second),) = sink.batches
    assert first == {"name": "cycle", "self": "<cycle: dict>"}
    sent = second["odd"]
    assert sent["bytes"] == "<20 bytes>"
    assert sent["slots"].startswith("<tests.core.test_log_shipper._Slots object at ")
    assert sent["bad_repr"] == "<unrepresentable _BadRepr>"
    assert sent["bad_mapping"] == "{'a': 1}"
    assert sent["set"] == [3]
    assert sent["uuid"] == "00000000-0000-0000-0000-000000000001"
    assert sent["when"] == "2026-01-02T03:04:05+00:00"
    assert sent["delta"] == 1.5
    assert sent["decimal"] == "1.10"
    assert sent["enum"] == "red"
    assert sent["model"] == {"text": "hi", "when": "2026-01-01T00:00:00Z"}
    assert sent["dataclass"] == {"x": 1, "y": 2}
    assert sent["nan"] == "nan" and sent["inf"] == "-inf"
    assert sent["looped"] == ["<cycle: list>"]
    assert sent["tuple_key"] == {"(1, 2)": "v"}
    assert sent["generator"].startswith("<generator object")
    assert sent["type"] == "<class 'int'>"
    assert shipper.dropped == 2


def test_secrets_are_redacted_and_never_logged(
    make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture
) -> None:
    sink = Sink(401)
    shipper = make_shipper(sink, flush_interval=60)
    shipper.enqueue(
        _log(
            "secrets",
            request={
                "headers": {"Authorization": f"Bearer {CANARY}", "x-portkey-api-key": CANARY, "accept": "json"},
                "body": {"api_key": CANARY, "nested": [{"client_secret": CANARY, "max_tokens": 5}]},
            },
            note=f"bearer {CANARY}",
        )
    )
    assert shipper.flush(timeout=WAIT)
    (log,) = sink.batches[0]
    assert log["request"]["headers"] == {
        "Authorization": "<redacted>",
        "x-portkey-api-key": "<redacted>",
        "accept": "json",
    }
    assert log["request"]["body"] == {
        "api_key": "<redacted>",
        "nested": [{"client_secret": "<redacted>", "max_tokens": 5}],
    }
    assert log["note"] == "bearer <redacted>"  # the scheme as written, the credential redacted
    assert CANARY not in sink.requests[0].content.decode()
    assert _shipper_warnings(warnings_log) == [
        "Portkey log shipper: POST /logs was rejected with HTTP 401; dropping such batches"
    ]
    assert CANARY not in warnings_log.text


# --------------------------------------------------------------------------------------------------------------------
# flush, aflush, shutdown


def test_flush_times_out_then_completes(make_shipper: ShipperFactory) -> None:
    release = threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        release.wait(timeout=30)
        return httpx.Response(200, json={})

    sink = Sink(slow)
    shipper = make_shipper(sink)
    shipper.enqueue(_log("a"))
    assert shipper.flush(timeout=0.05) is False
    release.set()
    assert shipper.flush(timeout=None) is True
    assert sink.names == ["a"]


def test_flush_with_nothing_enqueued_is_true(make_shipper: ShipperFactory) -> None:
    sink = Sink()
    assert make_shipper(sink).flush(timeout=0) is True
    assert sink.requests == []


async def test_aflush(make_shipper: ShipperFactory) -> None:
    sink = Sink()
    shipper = make_shipper(sink, flush_interval=60)
    shipper.enqueue(_log("async"))
    assert await shipper.aflush(timeout=WAIT)
    assert sink.names == ["async"]
    assert await shipper.aflush(timeout=0)


def test_shutdown_sends_pending_then_refuses(
    make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture
) -> None:
    sink = Sink()
    shipper = make_shipper(sink, flush_interval=60)
    shipper.enqueue(_log("pending"))
    shipper.shutdown()
    assert sink.names == ["pending"]
    shipper.enqueue(_log("late"))
    assert shipper.dropped == 1
    assert shipper.flush(timeout=WAIT) is True
    shipper.shutdown()
    assert sink.names == ["pending"]
    assert _shipper_warnings(warnings_log) == ["Portkey log shipper: dropped a log enqueued after shutdown"]


# --------------------------------------------------------------------------------------------------------------------
# configuration


def test_needs_an_api_key_when_enabled() -> None:
    with pytest.raises(ValueError, match="pass `api_key=` or set PORTKEY_API_KEY"):
        LogShipper()
    with pytest.raises(ValueError, match="pass `api_key=` or set PORTKEY_API_KEY"):
        LogShipper(api_key="")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"flush_interval": 0}, ValueError, "`flush_interval` must be a finite number of seconds > 0"),
        ({"flush_interval": "1"}, TypeError, "`flush_interval` must be a number of seconds, not str"),
        ({"timeout": math.inf}, ValueError, "`timeout` must be a finite number of seconds > 0"),
        ({"max_batch_size": 0}, ValueError, "`max_batch_size` must be >= 1"),
        ({"max_batch_size": 1.5}, TypeError, "`max_batch_size` must be an int, not float"),
        ({"max_batch_bytes": 10}, ValueError, "`max_batch_bytes` must be >= 16"),
        ({"max_queue_size": 0}, ValueError, "`max_queue_size` must be >= 1"),
        ({"max_queue_bytes": 15}, ValueError, "`max_queue_bytes` must be >= 16"),
        ({"send_timeout": 0}, ValueError, "`send_timeout` must be a finite number of seconds > 0"),
        ({"max_retries": -1}, ValueError, "`max_retries` must be >= 0"),
        ({"max_retries": True}, TypeError, "`max_retries` must be an int, not bool"),
    ],
)
def test_rejects_bad_settings(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        LogShipper(api_key=CANARY, base_url="http://127.0.0.1:9/v1", **kwargs)


def test_client_excludes_api_key_and_base_url() -> None:
    client = Portkey(api_key=CANARY, base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="either `client` or `api_key`/`base_url`"):
        LogShipper(client=client, api_key=CANARY)


@pytest.mark.parametrize("value", ["false", "0", "off", "FALSE", " no "])
def test_kill_switch(monkeypatch: pytest.MonkeyPatch, value: str, fake_provider: FakeProvider) -> None:
    monkeypatch.setenv("PORTKEY_TRACING_ENABLED", value)
    shipper = LogShipper(base_url=fake_provider.base_url)  # no key needed when off
    assert shipper.enabled is False
    shipper.enqueue(_log("ignored"))
    assert shipper.flush(timeout=WAIT) is True
    shipper.shutdown()
    assert shipper.dropped == 0
    assert fake_provider.requests == []


def test_disabled_by_argument(fake_provider: FakeProvider) -> None:
    shipper = LogShipper(base_url=fake_provider.base_url, enabled=False)
    shipper.enqueue(_log("ignored"))
    assert shipper.flush(timeout=WAIT) is True
    assert fake_provider.requests == []


def test_hosted_gateway_is_the_default(make_shipper: ShipperFactory) -> None:
    shipper = make_shipper(api_key=CANARY)
    assert str(shipper._client.base_url) == "https://api.portkey.ai/v1/"  # type: ignore[union-attr]  # pyright: ignore[reportPrivateUsage, reportOptionalMemberAccess]


# --------------------------------------------------------------------------------------------------------------------
# against a real HTTP server


@pytest.fixture
def logs_sink(fake_provider: FakeProvider) -> FakeProvider:
    fake_provider.set_route("POST", LOGS, status=200, json_body={})
    return fake_provider


def _received_names(provider: FakeProvider) -> list[str]:
    return [log["name"] for request in provider.requests if request.path == LOGS for log in request.json]


@pytest.mark.parametrize("variable", ["PORTKEY_BASE_URL", "PORTKEY_PROXY"])
def test_api_key_and_base_url_from_environment(
    logs_sink: FakeProvider, make_shipper: ShipperFactory, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv("PORTKEY_API_KEY", CANARY)
    monkeypatch.setenv(variable, logs_sink.base_url)
    shipper = make_shipper()
    shipper.enqueue(_log("env"))
    assert shipper.flush(timeout=WAIT)
    (request,) = logs_sink.wait_for_requests(1, path=LOGS)
    assert request.headers["x-portkey-api-key"] == CANARY
    assert request.json == [_log("env")]


def test_retries_against_a_real_server(logs_sink: FakeProvider, make_shipper: ShipperFactory) -> None:
    logs_sink.enqueue(
        Fault(status=500, headers=FAST_RETRY),
        Fault(status=429, headers={"retry-after": "0.1"}),
        Fault(drop_before_headers=True),
        path=LOGS,
    )
    shipper = make_shipper(api_key=CANARY, base_url=logs_sink.base_url, max_retries=3)
    shipper.enqueue(_log("persistent"))
    assert shipper.flush(timeout=30)
    requests = logs_sink.wait_for_requests(4, path=LOGS)
    assert len(requests) == 4
    assert all(request.json == [_log("persistent")] for request in requests)
    assert shipper.dropped == 0


def test_drops_on_400_from_a_real_server(
    logs_sink: FakeProvider, make_shipper: ShipperFactory, warnings_log: pytest.LogCaptureFixture
) -> None:
    logs_sink.enqueue(Fault(status=400), path=LOGS)
    shipper = make_shipper(api_key=CANARY, base_url=logs_sink.base_url, max_batch_size=1)
    shipper.enqueue(_log("rejected"))
    shipper.enqueue(_log("accepted"))
    assert shipper.flush(timeout=WAIT)
    assert len(logs_sink.wait_for_requests(2, path=LOGS)) == 2
    assert shipper.dropped == 1
    assert _shipper_warnings(warnings_log) == [
        "Portkey log shipper: POST /logs was rejected with HTTP 400; dropping such batches"
    ]


async def test_aflush_against_a_real_server(logs_sink: FakeProvider, make_shipper: ShipperFactory) -> None:
    shipper = make_shipper(api_key=CANARY, base_url=logs_sink.base_url, flush_interval=60)
    shipper.enqueue(_log("a"))
    assert await shipper.aflush(timeout=WAIT)
    assert _received_names(logs_sink) == ["a"]


_EXIT_SCRIPT = """
import sys
from portkey_ai.lib import LogShipper, span_log

shipper = LogShipper(api_key=sys.argv[1], base_url=sys.argv[2], flush_interval=600)
shipper.enqueue(span_log(trace_id="t", span_id="s", parent_span_id=None, span_name="at-exit",
                         request={"body": {}}, response={"body": {}}, start_time=1.0, end_time=2.0))
print("enqueued", flush=True)
"""


def test_flushes_at_interpreter_exit(logs_sink: FakeProvider) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _EXIT_SCRIPT, CANARY, logs_sink.base_url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        env={key: value for key, value in os.environ.items() if not key.startswith("PORTKEY_")},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "enqueued\n"
    assert result.stderr == ""
    (request,) = logs_sink.wait_for_requests(1, path=LOGS)
    assert [log["span_name"] for log in request.json] == ["at-exit"]
    assert request.headers["x-portkey-api-key"] == CANARY


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_safe_after_fork(logs_sink: FakeProvider, make_shipper: ShipperFactory) -> None:
    shipper = make_shipper(api_key=CANARY, base_url=logs_sink.base_url, flush_interval=600)
    shipper.enqueue(_log("parent-before-fork"))  # still queued in the parent when it forks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python >= 3.12 warns about fork() with threads
        pid = os.fork()
    if pid == 0:  # the child: a fresh queue, worker and client
        code = 1
        try:
            shipper.enqueue(_log("child"))
            code = 0 if shipper.flush(timeout=20) and shipper.dropped == 0 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _received_names(logs_sink) == ["child"]
    shipper.enqueue(_log("parent-after-fork"))
    assert shipper.flush(timeout=WAIT)
    assert sorted(_received_names(logs_sink)) == ["child", "parent-after-fork", "parent-before-fork"]


# --------------------------------------------------------------------------------------------------------------------
# span_log


def test_span_log_root_shape() -> None:
    log = span_log(
        trace_id="trace-1",
        span_id="span-1",
        parent_span_id=None,
        span_name="RunnableSequence",
        request={"body": {"input": "hi"}},
        response={"body": {"output": "hello"}},
        start_time=1_766_000_000.25,
        end_time=1_766_000_001.5,
        metadata={"_user": "u-1", "attempt": 2, "flag": True, "tags": ["a"], "none": None, "api_key": CANARY},
        source="Langchain",
        span_type="chain",
        tags=["seq:step:1"],
    )
    assert log == {
        "request": {
            "body": {"input": "hi"},
            "url": "langchain://chain/RunnableSequence",
            "method": "POST",
            "headers": {},
        },
        "response": {"body": {"output": "hello"}, "status": 200, "headers": {}, "response_time": 1250},
        "metadata": {
            "_user": "u-1",
            "attempt": "2",
            "flag": "true",
            "tags": '["a"]',
            "api_key": "<redacted>",
            "_source": "Langchain",
            "_source_type": "Agent",
            "source_metadata": '{"type": "chain", "tags": ["seq:step:1"]}',
            "traceId": "trace-1",
            "spanId": "span-1",
            "spanName": "RunnableSequence",
            "startTime": "1766000000250000000",
            "endTime": "1766000001500000000",
        },
        "trace_id": "trace-1",
        "span_id": "span-1",
        "span_name": "RunnableSequence",
        "start_time": 1_766_000_000.25,
    }


def test_span_log_child_and_tree_keys_win() -> None:
    log = span_log(
        trace_id="t",
        span_id="child",
        parent_span_id="parent",
        span_name="ChatOpenAI",
        request={"url": "https://api.openai.com/v1/chat/completions", "provider": "openai", "body": {"model": "m"}},
        response={"status": 429, "body": {"error": {"message": "slow down"}}},
        start_time=10.0,
        end_time=9.0,
        metadata={"traceId": "spoofed", "parentSpanId": "spoofed", "spanId": "spoofed"},
    )
    assert log["parent_span_id"] == "parent"
    assert log["metadata"] == {
        "traceId": "t",
        "spanId": "child",
        "parentSpanId": "parent",
        "spanName": "ChatOpenAI",
        "startTime": "10000000000",
        "endTime": "9000000000",
    }
    assert log["request"]["url"] == "https://api.openai.com/v1/chat/completions"
    assert log["request"]["provider"] == "openai"
    assert log["response"]["status"] == 429
    assert log["response"]["response_time"] == 0  # clock went backwards: never negative


def test_span_log_treats_empty_parent_as_root() -> None:
    log = span_log(
        trace_id="t",
        span_id="s",
        parent_span_id="",
        span_name="n",
        request={},
        response={},
        start_time=0.0,
        end_time=0.0015,
        metadata={"parentSpanId": "stale"},
    )
    assert "parent_span_id" not in log
    assert "parentSpanId" not in log["metadata"]
    assert log["response"]["response_time"] == 2
    assert log["request"]["url"] == "custom://span/n"


# --------------------------------------------------------------------------------------------------------------------
# to_jsonable


def test_to_jsonable_bounds() -> None:
    assert to_jsonable("x" * 10, max_str=4) == "xxxx...<6 more chars>"
    assert to_jsonable(list(range(5)), max_items=2) == [0, 1, "<3 more items>"]
    assert to_jsonable({str(i): i for i in range(3)}, max_items=1) == {"0": 0, "<truncated>": "<2 more items>"}
    deep: Any = "leaf"
    for _ in range(5):
        deep = [deep]
    assert to_jsonable(deep, max_depth=2) == [["<list beyond max depth 2>"]]
    assert to_jsonable(_BadRepr(), max_str=5) == "<unre...<21 more chars>"
    shared = {"k": 1}
    assert to_jsonable([shared, shared]) == [{"k": 1}, {"k": 1}], "repeated (non-cyclic) references are not cycles"


@pytest.mark.parametrize(
    "key",
    [
        "authorization",
        "Authorization",
        "Proxy-Authorization",
        "cookie",
        "x-portkey-api-key",
        "x-portkey-virtual-key",
        "api_key",
        "apiKey",
        "API_KEY",
        "openai_api_key",
        "x-api-key",
        "client_secret",
        "aws_secret_access_key",
        "password",
        "token",
        "access_token",
        "sessionToken",
        "vertex_service_account_json",
    ],
)
def test_to_jsonable_redacts_secret_keys(key: str) -> None:
    assert to_jsonable({key: CANARY}) == {key: "<redacted>"}


@pytest.mark.parametrize(
    "key",
    ["max_tokens", "total_tokens", "prompt_tokens", "maxTokens", "token_usage", "tokens", "keyboard", "model", "input"],
)
def test_to_jsonable_keeps_ordinary_keys(key: str) -> None:
    assert to_jsonable({key: 5}) == {key: 5}
