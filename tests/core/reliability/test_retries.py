"""Retries (R1-R12): what is retried, how long the client waits, and when it stops; sync and async."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import portkey_ai
from portkey_ai import APIConnectionError, InternalServerError, RateLimitError
from portkey_ai._policy import MAX_RETRY_AFTER, backoff_delay, parse_retry_after, retry_delay
from tests.core.reliability.conftest import (
    FAST,
    ClientFactory,
    chat,
    collect,
    in_flight,
    retry_delays,
    text_of,
)
from tests.servers.fault_server import (
    Events,
    FaultServer,
    Reply,
    Reset,
    chat_chunk,
    chat_completion,
    json_reply,
    sse,
)

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]
BUSY = {"error": {"message": "busy", "type": "server_error"}}


async def test_r1_retry_after_is_honoured_with_one_trace_id(
    is_async: bool, serve: Serve, make_client: ClientFactory, retry_log: pytest.LogCaptureFixture
) -> None:
    limited = json_reply({"error": {"message": "slow down"}}, 429, (("retry-after", "1"),))
    server = serve([limited, limited, json_reply(chat_completion("third time lucky"))])
    result = await chat(make_client(server), temperature=0.5)
    requests = server.requests
    assert len(requests) == 3
    assert 2.0 <= requests[2].at - requests[0].at < 4.0
    assert retry_delays(retry_log) == [1.0, 1.0]
    assert result.choices[0].message.content == "third time lucky"
    assert [r.headers["x-stainless-retry-count"] for r in requests] == ["0", "1", "2"]
    assert len({r.headers["x-portkey-trace-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1


async def test_r2_backoff_then_the_typed_error(
    is_async: bool, serve: Serve, make_client: ClientFactory, retry_log: pytest.LogCaptureFixture
) -> None:
    server = serve([json_reply(BUSY, 503)])
    client = make_client(server, max_retries=2)
    with pytest.raises(InternalServerError) as info:
        await chat(client)
    assert info.value.status_code == 503
    assert server.request_count == 3
    first, second = retry_delays(retry_log)
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0
    requests = server.requests
    assert requests[1].at - requests[0].at >= first
    assert requests[2].at - requests[1].at >= second
    assert in_flight(client) == 0


async def test_r2_streaming_response_variant_leaks_nothing(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([json_reply(BUSY, 503, FAST)])
    client = make_client(server, max_retries=2)
    create = client.chat.completions.with_streaming_response.create
    with pytest.raises(InternalServerError):
        if is_async:
            async with create(model="m", messages=[{"role": "user", "content": "hi"}]):
                pass
        else:
            with create(model="m", messages=[{"role": "user", "content": "hi"}]):
                pass
    assert server.request_count == 3
    assert in_flight(client) == 0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250", "retry-after": "30"}, 0.25),
        ({"retry-after": "20"}, 20.0),
        ({"retry-after": "60"}, 60.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "nonsense", "retry-after": "2"}, 2.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, 10.0),
    ],
)
def test_r3_retry_after_values_in_range_are_exact(is_async: bool, headers: dict[str, str], expected: float) -> None:
    frozen = 1445412480.0  # 07:28:00 GMT on that day: the HTTP date is 10 s ahead
    assert parse_retry_after(headers, now=lambda: frozen) == expected
    if "GMT" not in headers.get("retry-after", ""):
        assert retry_delay(3, headers) == expected


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "-10",
        "inf",
        "-inf",
        "nan",
        "9" * 400,
        "Fri, 29 Sep 100000 00:00:00 GMT",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "",
        "garbage",
        "1e999",
    ],
)
def test_r3_unusable_retry_after_falls_back_to_backoff(is_async: bool, value: str) -> None:
    delay = retry_delay(0, {"retry-after": value})
    assert 0.375 <= delay <= 0.5
    assert 0.75 <= retry_delay(1, {"retry-after-ms": value}) <= 1.0


def test_r3_backoff_formula(is_async: bool) -> None:
    assert [backoff_delay(n, lambda: 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert [backoff_delay(n, lambda: 1.0) for n in range(3)] == [0.375, 0.75, 1.5]
    assert backoff_delay(10**9, lambda: 0.0) == 8.0
    assert parse_retry_after({"retry-after": "61"}) == 61.0
    assert MAX_RETRY_AFTER == 60.0


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ((("retry-after-ms", "250"), ("retry-after", "30")), 0.25, 0.25),
        ((("retry-after", "0"),), 0.375, 0.5),
        ((("retry-after", "Fri, 29 Sep 100000 00:00:00 GMT"),), 0.375, 0.5),
        ((("retry-after", "garbage"),), 0.375, 0.5),
    ],
    ids=["ms-wins", "zero", "year-100000", "garbage"],
)
async def test_r3_retry_after_through_the_client(
    is_async: bool,
    serve: Serve,
    make_client: ClientFactory,
    retry_log: pytest.LogCaptureFixture,
    headers: tuple[tuple[str, str], ...],
    low: float,
    high: float,
) -> None:
    server = serve([json_reply(BUSY, 503, headers), json_reply(chat_completion())])
    result = await chat(make_client(server, max_retries=1))
    assert result.id == "chatcmpl-1"
    assert server.request_count == 2
    (delay,) = retry_delays(retry_log)
    assert low <= delay <= high


async def test_r4_retry_after_above_the_cap_is_raised_at_once(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve([json_reply({"error": {"message": "come back later"}}, 429, (("retry-after", "61"),))])
    started = time.monotonic()
    with pytest.raises(RateLimitError) as info:
        await chat(make_client(server))
    assert time.monotonic() - started < 0.2
    assert server.request_count == 1
    assert info.value.retry_after == 61.0  # type: ignore[attr-defined]
    assert info.value.status_code == 429
    assert "come back later" in str(info.value)


@pytest.mark.parametrize(
    ("reply", "requests"),
    [
        (json_reply(BUSY, 503, (("x-should-retry", "false"), *FAST)), 1),
        (json_reply({"error": {"message": "bad"}}, 400, (("x-should-retry", "true"), *FAST)), 3),
    ],
    ids=["503-false", "400-true"],
)
async def test_r5_x_should_retry_wins(
    is_async: bool, serve: Serve, make_client: ClientFactory, reply: Reply, requests: int
) -> None:
    server = serve([reply])
    with pytest.raises(portkey_ai.APIStatusError):
        await chat(make_client(server))
    assert server.request_count == requests


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, portkey_ai.BadRequestError),
        (401, portkey_ai.AuthenticationError),
        (403, portkey_ai.PermissionDeniedError),
        (404, portkey_ai.NotFoundError),
        (422, portkey_ai.UnprocessableEntityError),
    ],
)
async def test_r6_client_errors_are_not_retried(
    is_async: bool, serve: Serve, make_client: ClientFactory, status: int, error_class: type[Exception]
) -> None:
    server = serve([json_reply({"error": {"message": "no"}}, status, FAST)])
    with pytest.raises(error_class) as info:
        await chat(make_client(server))
    assert type(info.value) is error_class
    assert info.value.status_code == status  # type: ignore[attr-defined]
    assert server.request_count == 1


@pytest.mark.parametrize(("extra", "requests"), [((), 1), ((("x-should-retry", "true"),), 3)], ids=["plain", "forced"])
async def test_r7_no_retry_when_the_gateway_already_retried(
    is_async: bool, serve: Serve, make_client: ClientFactory, extra: tuple[tuple[str, str], ...], requests: int
) -> None:
    server = serve([json_reply(BUSY, 503, (("x-portkey-retry-attempt-count", "3"), *FAST, *extra))])
    with pytest.raises(InternalServerError):
        await chat(make_client(server))
    assert server.request_count == requests


async def test_r8_reset_before_the_status_line_is_retried(
    is_async: bool, serve: Serve, make_client: ClientFactory, retry_log: pytest.LogCaptureFixture
) -> None:
    server = serve([Reset(), Reset(), json_reply(chat_completion())])
    result = await chat(make_client(server))
    assert result.id == "chatcmpl-1"
    assert server.request_count == 3
    assert len(retry_delays(retry_log)) == 2


async def test_r9_max_retries(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    server = serve([json_reply(BUSY, 500, FAST)])
    with pytest.raises(InternalServerError):
        await chat(make_client(server, max_retries=0))
    assert server.request_count == 1
    client = make_client(server)
    with pytest.raises(InternalServerError):
        await chat(client.with_options(max_retries=5))
    assert server.request_count == 1 + 6
    with pytest.raises(TypeError, match="max_retries"):
        make_client(server, max_retries=None)
    with pytest.raises(TypeError, match="max_retries"):
        client.with_options(max_retries=None)


async def test_r10_error_before_the_first_byte_of_a_stream_is_retried(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    events = [sse(chat_chunk(f"part{i} ", i)) for i in range(5)]
    server = serve([json_reply(BUSY, 500, FAST), Events(events)])
    chunks, error = await collect(make_client(server))
    assert error is None
    assert text_of(chunks) == "part0 part1 part2 part3 part4 "
    assert server.request_count == 2


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1 (trusted by nobody)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder: Path = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


class _TLSServer:
    """A blocking TLS listener for R11: it wraps each accepted socket before reading a byte (no race with an
    event loop's reader) and counts failed handshakes and the requests that got through."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"https://127.0.0.1:{self._listener.getsockname()[1]}/v1"
        self.tls_failures = 0
        self.request_count = 0
        self._ended = threading.Semaphore(0)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(10)
                try:
                    with self._context.wrap_socket(connection, server_side=True) as tls:
                        if tls.recv(65536):
                            self.request_count += 1
                except (OSError, ssl.SSLError):
                    self.tls_failures += 1
            self._ended.release()

    def wait_ended(self, connections: int) -> None:
        for _ in range(connections):
            assert self._ended.acquire(timeout=10), "the TLS server saw no connection end"

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=10)


async def test_r11_untrusted_certificate_is_not_retried(
    is_async: bool,
    make_client: ClientFactory,
    tls_context: ssl.SSLContext,
    retry_log: pytest.LogCaptureFixture,
) -> None:
    server = _TLSServer(tls_context)
    try:
        with pytest.raises(APIConnectionError) as info:
            await chat(make_client(server.base_url, max_retries=2))
        error = info.value
        assert "TLS" in str(error) and "not retried" in str(error)
        assert any(isinstance(cause, ssl.SSLError) for cause in _chain(error))
        assert retry_delays(retry_log) == []
        server.wait_ended(1)
        assert server.tls_failures == 1
        assert server.request_count == 0
    finally:
        server.close()


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


async def test_r12_stale_keep_alive_connection_is_replaced(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    body = Reply(200, (("content-type", "application/json"),), json_reply(chat_completion()).body, chunked=True)
    server = serve([dataclasses.replace(body, drop=True), body])
    client = make_client(server, max_retries=0)
    assert (await chat(client)).id == "chatcmpl-1"
    server.wait_ended(1)
    assert (await chat(client)).id == "chatcmpl-1"
    first, second = server.requests
    assert first.peer_port != second.peer_port
    assert server.request_count == 2
