"""Concurrency and resources (C1-C7): bursts, faults under load, cancellation, threads, fork, event loops, leaks."""

from __future__ import annotations

import asyncio
import gc
import os
import random
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import portkey_ai
from portkey_ai import APIError, AsyncPortkey, Portkey
from portkey_ai._http import httpx
from tests.core.mock_transport import json_response
from tests.core.reliability.conftest import MESSAGES, chat, collect, in_flight, open_fds, pooled
from tests.servers.fault_server import (
    Action,
    Events,
    FaultServer,
    Request,
    Reset,
    chat_chunk,
    chat_completion,
    json_reply,
    sse,
)

Serve = Callable[..., FaultServer]
OK = json_reply(chat_completion())
CALLS_PER_THREAD = 200
"""C4 makes 32 x 200 calls, the matrix's figure."""


class LoopErrors:
    """Collects what the event loop's exception handler receives (e.g. "Task exception was never retrieved")."""

    def __init__(self) -> None:
        self.contexts: list[dict[str, Any]] = []
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: self.contexts.append(context))


async def _wait_idle(client: AsyncPortkey, timeout: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while in_flight(client) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert in_flight(client) == 0


async def test_c1_a_thousand_concurrent_requests(serve: Serve) -> None:
    server = serve([OK])
    loop_errors = LoopErrors()
    gc.collect()
    baseline = open_fds()
    client = AsyncPortkey(base_url=server.base_url)
    results = await asyncio.gather(*(chat(client) for _ in range(1000)))
    assert [r.id for r in results] == ["chatcmpl-1"] * 1000
    assert in_flight(client) == 0
    assert pooled(client) <= 100
    await client.close()
    server.wait_open_connections(0)
    gc.collect()
    assert abs(open_fds() - baseline) <= 3
    assert loop_errors.contexts == []
    assert server.request_count == 1000


def _faulty(seed: int, rate: float, *, streams: bool = False) -> Callable[[Request], Action]:
    rng = random.Random(seed)
    lock = threading.Lock()
    stream = Events([sse(chat_chunk(f"w{i} ", i)) for i in range(5)], gap=0.005)

    def script(request: Request) -> Action:
        with lock:
            roll = rng.random()
        if roll < rate / 2:
            return Reset()
        if roll < rate:
            return json_reply({"error": {"message": "busy"}}, 503, (("retry-after-ms", "20"),))
        return stream if streams and b'"stream":true' in request.body.replace(b" ", b"") else OK

    return script


async def test_c2_faults_under_load_end_in_typed_errors(serve: Serve) -> None:
    server = serve(_faulty(7, 0.10))
    loop_errors = LoopErrors()
    gc.collect()
    baseline = open_fds()
    client = AsyncPortkey(base_url=server.base_url, max_retries=1)
    results = await asyncio.gather(*(chat(client) for _ in range(1000)), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(f, APIError) for f in failures), {type(f) for f in failures}
    assert len(failures) < 50
    assert in_flight(client) == 0
    await client.close()
    server.wait_open_connections(0)
    gc.collect()
    assert abs(open_fds() - baseline) <= 3
    assert loop_errors.contexts == []


async def test_c3_cancellation_propagates_and_frees_connections(serve: Serve) -> None:
    server = serve(_faulty(11, 0.2, streams=True))
    loop_errors = LoopErrors()
    client = AsyncPortkey(base_url=server.base_url, max_retries=2)
    rng = random.Random(3)

    async def one(index: int) -> object:
        if index % 2:
            chunks, error = await collect(client)
            if error is not None:
                raise error
            return chunks
        return await chat(client)

    tasks = [asyncio.ensure_future(one(i)) for i in range(1000)]
    loop = asyncio.get_running_loop()
    cancelled = set(rng.sample(range(1000), 500))
    for index in cancelled:
        loop.call_later(rng.uniform(0, 0.3), tasks[index].cancel)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for index, result in enumerate(results):
        if isinstance(result, asyncio.CancelledError):
            assert index in cancelled
        elif isinstance(result, BaseException):
            assert isinstance(result, APIError), repr(result)
    assert sum(isinstance(r, asyncio.CancelledError) for r in results) > 100
    await _wait_idle(client)
    await client.close()
    assert loop_errors.contexts == []


def test_c4_threads_share_one_sync_client_without_cross_talk(serve: Serve) -> None:
    def echo(request: Request) -> Action:
        trace_id = request.headers["x-portkey-trace-id"]
        return json_reply(chat_completion(completion_id=trace_id), headers=(("x-portkey-trace-id", trace_id),))

    server = serve(echo)
    with Portkey(base_url=server.base_url) as client:

        def worker(thread: int) -> list[bool]:
            outcomes: list[bool] = []
            for call in range(CALLS_PER_THREAD):
                trace_id = f"t{thread}-{call}"
                result = client.chat.completions.create(
                    model="m", messages=MESSAGES, extra_headers={"x-portkey-trace-id": trace_id}
                )
                headers = portkey_ai.get_headers(result)
                outcomes.append(result.id == trace_id and headers["trace-id"] == trace_id)
            return outcomes

        with ThreadPoolExecutor(32) as pool:
            outcomes = [ok for batch in pool.map(worker, range(32)) for ok in batch]
    assert len(outcomes) == 32 * CALLS_PER_THREAD
    assert all(outcomes)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_c5_a_forked_child_uses_its_own_connections(serve: Serve) -> None:
    server = serve([OK])
    with Portkey(base_url=server.base_url) as client:
        client.chat.completions.create(model="m", messages=MESSAGES)
        with warnings.catch_warnings():
            # Python >= 3.12 warns that forking a process with threads (here, the test server's) may deadlock.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through its exit status
            status = 1
            try:
                result = client.chat.completions.create(model="m", messages=MESSAGES)
                status = 0 if result.id == "chatcmpl-1" else 2
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        client.chat.completions.create(model="m", messages=MESSAGES)
    parent_first, child, parent_again = (r.peer_port for r in server.requests)
    assert child != parent_first
    assert parent_again == parent_first


def test_c6_async_client_reused_under_another_event_loop(serve: Serve) -> None:
    server = serve([json_reply(chat_completion(), close=True)])
    client = AsyncPortkey(base_url=server.base_url)

    async def one() -> str:
        result = await chat(client)
        return str(result.id)

    assert asyncio.run(one()) == "chatcmpl-1"
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="another event loop"):
        asyncio.run(asyncio.wait_for(one(), 5))
    assert time.monotonic() - started < 1.0
    assert server.request_count == 1

    async def close() -> None:
        await client.close()

    asyncio.run(close())


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_c7_close_once_copies_share_the_pool_and_nothing_grows(is_async: bool) -> None:
    transport = httpx.MockTransport(lambda request: json_response())
    client: Any
    if is_async:
        client = AsyncPortkey(base_url="https://gateway.test/v1", http_client=httpx.AsyncClient(transport=transport))
    else:
        client = Portkey(base_url="https://gateway.test/v1", http_client=httpx.Client(transport=transport))
    copy = client.with_options(trace_id="copy", max_retries=1)
    assert copy._client is client._client
    del copy
    gc.collect()
    assert not client.is_closed()

    async def cycle() -> None:
        for index in range(10):
            await chat(client.with_options(trace_id=f"t{index}", metadata={"i": str(index)}))

    await cycle()
    gc.collect()
    tracemalloc.start(5)
    try:
        before = tracemalloc.take_snapshot()
        await cycle()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    ours = [tracemalloc.Filter(True, f"*{os.sep}portkey_ai{os.sep}*")]
    growth = sum(
        stat.size_diff for stat in after.filter_traces(ours).compare_to(before.filter_traces(ours), "filename")
    )
    assert growth < 8 * 1024, growth
    if is_async:
        async with client:
            pass
    else:
        with client:
            pass
    assert client.is_closed()
