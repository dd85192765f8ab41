"""Load and soak (L1, L2): the public async client against a fault server in a separate process.

These assert correctness and bounds (throughput floor, no raw exception, memory and file descriptors back to
baseline); precise speed figures belong to the benchmark suite.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from openai.types.chat import ChatCompletionMessageParam

from portkey_ai import APIError, AsyncPortkey
from tests.servers.scaffold import spawned

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "load"}]
PAGE = os.sysconf("SC_PAGE_SIZE")


def _start(fault_rate: float) -> Iterator[str]:
    with spawned("tests.servers.fault_server", "--fault-rate", str(fault_rate), "--seed", "42") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def clean_server() -> Iterator[str]:
    """A load server without faults (its base URL)."""
    yield from _start(0.0)


@pytest.fixture(scope="module")
def faulty_server() -> Iterator[str]:
    """A load server injecting faults into 5 % of the requests (its base URL)."""
    yield from _start(0.05)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _in_flight(client: AsyncPortkey) -> int:
    return len(client._client._transport._pool._requests)  # type: ignore[attr-defined]


async def _run(count: int, concurrency: int, call: Any) -> list[object]:
    queue = iter(range(count))
    results: list[object] = []

    async def worker() -> None:
        for index in queue:
            try:
                results.append(await call(index))
            except Exception as error:
                results.append(error)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


@pytest.mark.timeout(300)
async def test_l1_throughput_without_errors(clean_server: str) -> None:
    async with AsyncPortkey(base_url=clean_server) as client:

        async def call(_: int) -> str:
            return (await client.chat.completions.create(model="m", messages=MESSAGES)).id

        await _run(200, 100, call)
        started = time.monotonic()
        results = await _run(10_000, 100, call)
        elapsed = time.monotonic() - started
        rate = len(results) / elapsed
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert rate >= 150, f"{rate:.0f} requests/s"


@pytest.mark.timeout(300)
async def test_l2_mixed_soak_with_faults(faulty_server: str) -> None:
    rng = random.Random(5)
    streaming = [rng.random() < 0.3 for _ in range(20_000)]
    fds_before = _fds()
    started = time.monotonic()
    async with AsyncPortkey(base_url=faulty_server) as client:

        async def call(index: int) -> int:
            """The number of chunks received (1 for a JSON answer): results must not hold on to responses."""
            if not streaming[index]:
                completion = await client.chat.completions.create(model="m", messages=MESSAGES)
                return len(completion.choices)
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            async with stream:
                return sum([1 async for _ in stream])

        await _run(2_000, 100, call)
        gc.collect()
        rss_warm = _rss()
        results = await _run(18_000, 100, call)
        gc.collect()
        rss_growth = _rss() - rss_warm
        in_flight = _in_flight(client)
    elapsed = time.monotonic() - started
    raw = [r for r in results if isinstance(r, BaseException) and not isinstance(r, APIError)]
    failures = [r for r in results if isinstance(r, APIError)]
    assert raw == []
    assert all(r in (1, 20) for r in results if not isinstance(r, BaseException))
    assert len(failures) < 0.02 * len(results)
    assert elapsed <= 180
    assert rss_growth <= 20 * 1024 * 1024, f"{rss_growth / 2**20:.1f} MiB"
    assert in_flight == 0
    gc.collect()
    assert _fds() - fds_before <= 5
