"""`python -m bench --profile`: where our client's time goes on its hot paths.

Runs the first request of a fresh process (import and client included), sequential chat, tool-calling chat,
streaming, streaming with usage and async throughput under cProfile in our client's environment (and, for
comparison, in the plain openai one), against the bench server, then groups self time by where the code lives
(openai, our hooks, pydantic, the HTTP stack, the standard library, C built-ins) and lists the top functions by cumulative and by own time. It also
runs `bench/micro.py`, which times single steps (response model construction, pydantic-core JSON validation, our
per-response header attachment, our per-request header checks). Everything is written to
`bench/results/profile-*.txt` and `bench/results/micro.json`; the summary goes to stdout.
"""

from __future__ import annotations

import json
import pstats
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, cast

from . import envs, runner, server

__all__ = ["categorise", "main"]

RESULTS_DIR: Final = envs.REPO_ROOT / "bench" / "results"
MICRO: Final = Path(__file__).resolve().parent / "micro.py"
_WORKLOADS: Final = {
    "first_request": {"n": 1},
    "chat": {"n": 2000, "warmup": 100},
    "tools": {"n": 1000, "warmup": 50},
    "stream": {"n": 200, "warmup": 10},
    "usage_stream": {"n": 100, "warmup": 5},
    "throughput": {"n": 1000, "throughput_n": 1000, "concurrency": 100},
}
_UNITS: Final = {
    "first_request": "process: import, client, one chat request",
    "chat": "requests",
    "tools": "tool-calling requests",
    "stream": "streams",
    "usage_stream": "streams with usage",
    "throughput": "async requests, 100 in flight",
}
_CHUNKS: Final = {"stream": server.STREAM_CHUNKS, "usage_stream": server.USAGE_STREAM_CHUNKS}
_TOP: Final = 30

_CATEGORIES: Final = (
    ("/portkey_ai/", "portkey_ai (our hooks)"),
    ("/openai/", "openai"),
    ("/pydantic_core/", "pydantic"),
    ("/pydantic/", "pydantic"),
    ("/httpx2/", "httpx2 + httpcore2 + h11"),
    ("/httpcore2/", "httpx2 + httpcore2 + h11"),
    ("/h11/", "httpx2 + httpcore2 + h11"),
    ("/anyio/", "httpx2 + httpcore2 + h11"),
    ("/bench/child.py", "bench harness"),
)

Key = tuple[str, int, str]


def categorise(key: Key) -> str:
    """The category of a profiler entry `(filename, line, function)`."""
    filename, _, function = key
    if filename == "~":
        if "socket" in function or "select" in function or "poll" in function:
            return "C: socket and selector I/O"
        if "json" in function or "scanner" in function:
            return "C: json"
        return "C: other built-ins"
    for fragment, category in _CATEGORIES:
        if fragment in filename:
            return category
    if "/json/" in filename:
        return "stdlib: json"
    if "/typing.py" in filename or "typing_extensions" in filename:
        return "stdlib: typing"
    return "stdlib: other"


def _short(key: Key) -> str:
    filename, line, function = key
    if filename == "~":
        return function
    for marker in ("site-packages/", "/lib/python3.11/", "/bench/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({function})"


def _report(path: Path, title: str, calls: int) -> str:
    stats = pstats.Stats(str(path))
    entries = cast(dict[Key, tuple[int, int, float, float, object]], getattr(stats, "stats"))  # noqa: B009
    total = cast(float, getattr(stats, "total_tt"))  # noqa: B009
    by_category: dict[str, float] = defaultdict(float)
    for key, (_, _, tottime, _, _) in entries.items():
        by_category[categorise(key)] += tottime
    lines = [
        f"## {title}",
        "",
        f"profiled time {total:.3f} s for {calls} operations ({total / calls * 1e6:.0f} µs each)",
    ]
    lines += ["", "self time by where the code lives:", "", "| category | share | µs per operation |", "|---|---|---|"]
    for category, seconds in sorted(by_category.items(), key=lambda item: -item[1]):
        lines.append(f"| {category} | {seconds / total:.1%} | {seconds / calls * 1e6:.0f} |")

    def top(cumulative: bool, heading: str) -> None:
        lines.extend(
            ["", heading, "", "| function | category | calls | own µs/op | cumulative µs/op |", "|---|---|---|---|---|"]
        )
        ranked = sorted(entries.items(), key=lambda item: -(item[1][3] if cumulative else item[1][2]))[:_TOP]
        for key, (_, ncalls, tottime, cumtime, _) in ranked:
            lines.append(
                f"| `{_short(key)}` | {categorise(key)} | {ncalls / calls:g} | {tottime / calls * 1e6:.1f} | "
                f"{cumtime / calls * 1e6:.1f} |"
            )

    top(True, f"top {_TOP} by cumulative time:")
    top(False, f"top {_TOP} by own time:")
    return "\n".join(lines) + "\n"


def _micro(environment: envs.Environment) -> dict[str, Any]:
    bodies = {
        "chat": server.completion_body().decode(),
        "chunk": server.stream_events()[1].decode().removeprefix("data: ").strip(),
        "stream": b"".join(server.stream_events()).decode(),
        "headers": [[name, value] for name, value in server.RESPONSE_HEADERS],
        "messages": json.dumps(
            [
                {"role": "system", "content": "You are a terse assistant."},
                {"role": "user", "content": "Say something about gateways."},
            ]
        ),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(bodies, file)
    try:
        argv = [str(environment.python), "-I", str(MICRO), file.name]
        result = runner.run_process(argv, env=runner.child_env())
    finally:
        Path(file.name).unlink()
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def main(*, log: Callable[[str], None]) -> int:
    """Profile, write the reports and print them."""
    log("preparing the virtual environments")
    prepared = envs.prepare([c for c in envs.CONTENDERS if c.name in ("ours", "openai")])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    sections: list[str] = []
    with runner.bench_endpoint(gateway=False, log=log) as endpoint:
        for name in ("ours", "openai"):
            for workload, sizes in _WORKLOADS.items():
                log(f"profiling {name} {workload}")
                path = RESULTS_DIR / f"profile-{name}-{workload}.prof"
                spec = {
                    "metric": "profile",
                    "workload": workload,
                    "profile_path": str(path),
                    "base_url": endpoint.base_url,
                    "custom_host": endpoint.custom_host,
                    **runner.EXPECTED,
                    **sizes,
                }
                runner.run_child(prepared[name], spec)
                calls = sizes["n"] * _CHUNKS.get(workload, 1)
                per = "chunk" if workload in _CHUNKS else "request"
                title = f"{name}: {workload} ({sizes['n']} {_UNITS[workload]}; per {per})"
                text = _report(path, title, calls)
                (RESULTS_DIR / f"profile-{name}-{workload}.txt").write_text(text)
                sections.append(text)
    log("micro-measurements")
    micro = _micro(prepared["ours"])
    (RESULTS_DIR / "micro.json").write_text(json.dumps(micro, indent=2) + "\n")
    sys.stdout.write("\n".join(sections) + "\n## micro-measurements (best of 7, µs per call)\n\n")
    sys.stdout.write("\n".join(f"- {name}: {value}" for name, value in micro.items()) + "\n")
    log(f"wrote {envs.shown(RESULTS_DIR)}/profile-*.txt and micro.json")
    return 0
