"""The soak (L3 of the reliability matrix): a long, bounded run of the public async client and the log shipper.

`make soak` runs it for 30 minutes, CI (`.ci/run`) for 3: `python -m tests.load.soak --minutes N`. It starts a
load fault server in a separate process on 127.0.0.1 (1 % faults: 429, 503, reset, a stream cut without
`[DONE]`), then 50 workers call `chat.completions.create` in a loop until the time is up, every other call a
20-chunk stream, and each call enqueues one custom log into a `LogShipper` sending to the same server. After a
warm-up (a tenth of the run, at least 2 s and at most 3 minutes) it samples, every few seconds and after a
garbage collection, the process's RSS, open file descriptors and threads.

It fails (exit status 1, every failed figure printed) when:

- the RSS slope after the warm-up (least squares over the samples) exceeds 1 MiB per 10 minutes;
- open file descriptors or threads at the end (client closed, shipper shut down) exceed the count before the run
  by more than 5 or 1, or they grew during the run by more than that between the first and the last sample;
- any call raised an exception outside the SDK's error tree, or more than 2 % raised an SDK error;
- any log was lost: every log enqueued must have reached the server (counted by id there), none dropped;
- the client's pool still has requests in flight.

`run_soak` takes a `plant` hook (called once per call) and `Limits`, which is how `tests/load/test_soak.py`
proves, in seconds, that each figure catches the defect it claims to (a planted leak makes the soak fail).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass, field

from openai.types.chat import ChatCompletionMessageParam

from portkey_ai import APIError, AsyncPortkey, LogShipper
from tests.servers.scaffold import spawned

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "soak"}]
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The figures a soak must stay within (the matrix's L3 row by default)."""

    rss_mib_per_10_min: float = 1.0
    fd_growth: int = 5
    thread_growth: int = 1
    sdk_error_ratio: float = 0.02


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss: int
    fds: int
    threads: int


@dataclass
class Report:
    """What one soak measured."""

    seconds: float = 0.0
    calls: int = 0
    streams: int = 0
    sdk_errors: int = 0
    raw_errors: list[str] = field(default_factory=list[str])
    samples: list[Sample] = field(default_factory=list[Sample])
    fds_before: int = 0
    fds_after: int = 0
    threads_before: int = 0
    threads_after: int = 0
    in_flight: int = 0
    logs_enqueued: int = 0
    logs_received: int = 0
    logs_dropped: int = 0

    @property
    def rss_mib_per_10_min(self) -> float:
        """Least-squares slope of the RSS samples, in MiB per 10 minutes (0 with fewer than 2 samples)."""
        if len(self.samples) < 2:
            return 0.0
        xs = [sample.seconds for sample in self.samples]
        ys = [sample.rss / MIB for sample in self.samples]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if spread == 0:
            return 0.0
        return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread * 600

    def _growth(self, attribute: str) -> int:
        if not self.samples:
            return 0
        first, last = self.samples[0], self.samples[-1]
        return int(getattr(last, attribute)) - int(getattr(first, attribute))

    def failures(self, limits: Limits) -> list[str]:
        """Every figure outside `limits`, as a sentence (empty: the soak passed)."""
        failed: list[str] = []
        slope = self.rss_mib_per_10_min
        if slope > limits.rss_mib_per_10_min:
            failed.append(f"RSS grows {slope:.2f} MiB per 10 min after warm-up (limit {limits.rss_mib_per_10_min})")
        for name, before, after, during, limit in (
            ("file descriptors", self.fds_before, self.fds_after, self._growth("fds"), limits.fd_growth),
            ("threads", self.threads_before, self.threads_after, self._growth("threads"), limits.thread_growth),
        ):
            if after - before > limit:
                failed.append(f"open {name}: {before} before, {after} after the run (limit +{limit})")
            if during > limit:
                failed.append(f"open {name} grew by {during} during the run (limit +{limit})")
        if self.raw_errors:
            failed.append(f"{len(self.raw_errors)} exceptions outside the SDK's error tree, e.g. {self.raw_errors[0]}")
        if self.calls and self.sdk_errors > limits.sdk_error_ratio * self.calls:
            failed.append(f"{self.sdk_errors} of {self.calls} calls raised an SDK error")
        lost = self.logs_enqueued - self.logs_received
        if lost or self.logs_dropped:
            failed.append(
                f"logs lost: {self.logs_enqueued} enqueued, {self.logs_received} received, {self.logs_dropped} dropped"
            )
        if self.in_flight:
            failed.append(f"{self.in_flight} requests still in flight in the pool")
        return failed

    def summary(self) -> str:
        last = self.samples[-1] if self.samples else None
        lines = [
            f"duration {self.seconds:.0f} s, {self.calls} calls ({self.streams} streams, "
            f"{self.calls / max(self.seconds, 1e-9):.0f}/s), {self.sdk_errors} SDK errors, "
            f"{len(self.raw_errors)} raw errors",
            f"RSS slope after warm-up {self.rss_mib_per_10_min:+.3f} MiB per 10 min over {len(self.samples)} samples"
            + (f" (last RSS {last.rss / MIB:.1f} MiB)" if last else ""),
            f"file descriptors {self.fds_before} -> {self.fds_after} (during: {self._growth('fds'):+d}); "
            f"threads {self.threads_before} -> {self.threads_after} (during: {self._growth('threads'):+d})",
            f"logs {self.logs_enqueued} enqueued, {self.logs_received} received, {self.logs_dropped} dropped; "
            f"{self.in_flight} requests in flight at the end",
        ]
        return "\n".join(lines)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@contextmanager
def load_server(fault_rate: float) -> Generator[str]:
    """A load fault server in a separate process (its base URL), stopped afterwards."""
    with spawned("tests.servers.fault_server", "--fault-rate", str(fault_rate), "--seed", "7") as base_url:
        yield base_url


def _received_logs(base_url: str) -> int:
    with urllib.request.urlopen(base_url + "/soak/logs", timeout=10) as answer:
        return int(json.loads(answer.read())["received"])


def run_soak(
    base_url: str,
    seconds: float,
    *,
    concurrency: int = 50,
    sample_every: float = 5.0,
    plant: Callable[[], object] | None = None,
    max_log_queue: int = 10_000,
) -> Report:
    """Soak the client against the load server at `base_url` for `seconds` (then it stops by itself), in a fresh
    event loop; file descriptors and threads are counted before it starts and after it is closed.

    `plant` is called once per call (a planted leak, for the test of the soak); `max_log_queue` is the shipper's
    queue bound.
    """
    report = Report()
    gc.collect()
    report.fds_before, report.threads_before = _fds(), threading.active_count()
    shipper = LogShipper(api_key="pk-soak", base_url=base_url, flush_interval=0.5, max_queue_size=max_log_queue)
    asyncio.run(_soak(report, shipper, base_url, seconds, concurrency, sample_every, plant))
    shipper.shutdown(timeout=60)
    report.logs_dropped = shipper.dropped
    report.logs_received = _received_logs(base_url)
    gc.collect()
    report.fds_after, report.threads_after = _fds(), threading.active_count()
    return report


async def _soak(
    report: Report,
    shipper: LogShipper,
    base_url: str,
    seconds: float,
    concurrency: int,
    sample_every: float,
    plant: Callable[[], object] | None,
) -> None:
    warmup = min(max(seconds / 10, 2.0), 180.0)
    ids = itertools.count()
    started = time.monotonic()
    deadline = started + seconds
    async with AsyncPortkey(base_url=base_url, api_key="pk-soak", max_retries=2) as client:

        async def call(stream: bool) -> None:
            if stream:
                chunks = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
                async with chunks:
                    async for _ in chunks:
                        pass
            else:
                await client.chat.completions.create(model="m", messages=MESSAGES)

        async def worker(number: int) -> None:
            for index in itertools.count():
                if time.monotonic() >= deadline:
                    return
                stream = (number + index) % 2 == 1
                try:
                    await call(stream)
                except APIError:
                    report.sdk_errors += 1
                except Exception as error:
                    report.raw_errors.append(f"{type(error).__name__}: {error}"[:200])
                report.calls += 1
                report.streams += stream
                shipper.enqueue({"soak_id": f"log-{next(ids)}", "stream": stream})
                report.logs_enqueued += 1
                if plant is not None:
                    plant()

        async def sampler() -> None:
            await asyncio.sleep(warmup)  # the warm-up is a duration, not a synchronisation
            while time.monotonic() < deadline:
                gc.collect()
                report.samples.append(Sample(time.monotonic() - started, _rss(), _fds(), threading.active_count()))
                await asyncio.sleep(min(sample_every, max(deadline - time.monotonic(), 0.0)))

        await asyncio.gather(sampler(), *(worker(number) for number in range(concurrency)))
        report.in_flight = len(client._client._transport._pool._requests)  # type: ignore[attr-defined]
    report.seconds = time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load.soak", description="The soak (L3): see the module.")
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--fault-rate", type=float, default=0.01)
    parser.add_argument(
        "--rss-limit",
        type=float,
        default=Limits.rss_mib_per_10_min,
        help="the RSS slope allowed, MiB per 10 minutes (default: the matrix's 1.0, for a 30-minute run; a short run "
        "extrapolates a few minutes of noise, so CI's 3-minute run allows 4: a leak of 100 bytes per call is still "
        "about 17)",
    )
    args = parser.parse_args(argv)
    seconds = args.minutes * 60
    if not 0 < seconds <= 24 * 3600:
        parser.error("--minutes must be above 0 and at most 1440")
    with load_server(args.fault_rate) as base_url:
        report = run_soak(base_url, seconds, concurrency=args.concurrency)
    sys.stdout.write(report.summary() + "\n")
    failed = report.failures(Limits(rss_mib_per_10_min=args.rss_limit))
    for failure in failed:
        sys.stdout.write(f"FAILED: {failure}\n")
    sys.stdout.write("soak passed\n" if not failed else "soak failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
