"""The soak (`tests/load/soak.py`, `make soak`) measures what it claims: a few seconds of it fail on each planted
defect (growing memory, leaked file descriptors and threads, lost logs) and pass without them.

The runs are seconds long, so the RSS limit is scaled up (a short run's slope is mostly warm-up noise); the planted
leak grows memory about 50 times faster than that limit, and the same code computes the 30-minute verdict.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import IO, Any

import pytest

from tests.load.soak import Limits, Report, load_server, run_soak

SHORT_LIMITS = Limits(rss_mib_per_10_min=200.0)


def _short_soak(server: str, **planted: Any) -> Report:
    return run_soak(server, 4.0, concurrency=10, sample_every=0.25, **planted)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with load_server(fault_rate=0.0) as base_url:
        yield base_url


@pytest.mark.timeout(60)
def test_a_short_clean_soak_passes(server: str) -> None:
    report = _short_soak(server)
    assert report.calls > 100
    assert report.logs_received == report.logs_enqueued == report.calls
    assert len(report.samples) >= 2  # a slope needs two; each sample's gc.collect() is slow in a big test process
    assert report.failures(SHORT_LIMITS) == [], report.summary()


@pytest.mark.timeout(60)
def test_each_planted_defect_fails_the_soak(server: str) -> None:
    memory: list[bytes] = []
    files: list[IO[str]] = []
    threads: list[threading.Thread] = []
    release = threading.Event()

    def plant() -> None:
        memory.append(b"x" * (64 * 1024))
        if len(memory) % 25 == 0:
            files.append(open(os.devnull))  # noqa: SIM115 (the leak under test)
            thread = threading.Thread(target=release.wait, daemon=True)
            thread.start()
            threads.append(thread)

    try:
        report = _short_soak(server, plant=plant, max_log_queue=1)
    finally:
        release.set()
        for thread in threads:
            thread.join()
        for file in files:
            file.close()
    failures = report.failures(SHORT_LIMITS)
    messages = "\n".join(failures)
    assert "RSS grows" in messages
    assert "open file descriptors" in messages
    assert "open threads" in messages
    assert "logs lost" in messages
    assert report.logs_dropped > 0
    assert report.rss_mib_per_10_min > 10 * SHORT_LIMITS.rss_mib_per_10_min
