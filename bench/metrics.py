"""What the suite measures: the measurements (one child process each), the table rows read from them, the targets
of the performance issue and the gross-regression checks of `--quick`.

A *measurement* is one subprocess per contender per round. A *row* reads one number out of each measurement's
samples. A *target* (the performance issue's, round 2: issue 15) compares our median with another contender's (a ratio of paired rounds, or a difference of
medians); a *check* is a target with a wide margin, asserted by `--quick` in CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = ["MEASUREMENTS", "ROWS", "Comparison", "Measurement", "Row"]

Mode = Literal["quick", "full"]


@dataclass(frozen=True)
class Measurement:
    """One kind of child process.

    Attributes:
        key: Name in the JSON and the child's `metric` (except `import`, which runs `python -c`).
        description: What one sample is.
        rounds: Rounds per mode (each round runs every contender once, in a rotated order).
        sizes: Extra spec keys per mode (request counts and such).
        quick_contenders: The contenders `--quick` runs (only those its checks compare; all in a full run).
    """

    key: str
    description: str
    rounds: dict[Mode, int]
    sizes: dict[Mode, dict[str, int]] = field(default_factory=lambda: {"quick": {}, "full": {}})
    quick_contenders: tuple[str, ...] = ("ours", "official", "openai", "httpx2")


MEASUREMENTS: Final = (
    Measurement("import", "`python -I -c '<import statement>'`, whole process", {"quick": 3, "full": 9}),
    Measurement(
        "first_request",
        "a fresh process that imports the client, builds it and sends one chat request",
        {"quick": 3, "full": 9},
        quick_contenders=("ours", "openai", "httpx2"),
    ),
    Measurement(
        "session",
        "one process: first client construction after the import; `chat_n` sequential chat completions after "
        "`chat_warmup`; `stream_n` streams of 50 chunks after `stream_warmup`; `tool_n` chat completions with "
        "`tools` and `tool_choice` answered by a tool call, after `tool_warmup`; `usage_stream_n` streams of 100 "
        "chunks with `stream_options={'include_usage': True}` (usage in the last chunk) after `usage_stream_warmup`; "
        "`construct_n` more constructions; `throughput_n` async chat completions on a new async client, "
        "`concurrency` in flight, after one wave",
        {"quick": 3, "full": 5},
        {
            "quick": {
                "chat_n": 200,
                "chat_warmup": 20,
                "stream_n": 20,
                "stream_warmup": 3,
                "tool_n": 100,
                "tool_warmup": 10,
                "usage_stream_n": 10,
                "usage_stream_warmup": 2,
                "construct_n": 3,
                "throughput_n": 400,
                "concurrency": 100,
            },
            "full": {
                "chat_n": 1000,
                "chat_warmup": 100,
                "stream_n": 100,
                "stream_warmup": 10,
                "tool_n": 500,
                "tool_warmup": 50,
                "usage_stream_n": 50,
                "usage_stream_warmup": 5,
                "construct_n": 10,
                "throughput_n": 1000,
                "concurrency": 100,
            },
        },
        quick_contenders=("ours", "openai", "httpx2"),
    ),
    Measurement(
        "memory",
        "`n` sequential chat completions on one client; growth measured from request `checkpoint` to `n`",
        {"quick": 1, "full": 3},
        {"quick": {"n": 1000, "checkpoint": 250}, "full": {"n": 2000, "checkpoint": 500}},
        quick_contenders=("ours", "openai", "httpx2"),
    ),
)


@dataclass(frozen=True)
class Comparison:
    """Our median against another contender's.

    `ratio_max`: paired ratio ours/other <= `limit`. `ratio_min`: ratio >= `limit` (higher is better).
    `delta_max`: ours - other <= `limit` (in the row's display unit). `absolute_max`: ours <= `limit`.
    """

    kind: Literal["ratio_max", "ratio_min", "delta_max", "absolute_max"]
    limit: float
    other: str = ""

    def describe(self, labels: dict[str, str]) -> str:
        """Human-readable form, e.g. `<= 0.8 x openai + headers`."""
        other = labels.get(self.other, self.other)
        if self.kind == "ratio_max":
            return f"<= {self.limit:g} x {other}"
        if self.kind == "ratio_min":
            return f">= {self.limit:g} x {other}"
        if self.kind == "delta_max":
            return f"<= {other} + {self.limit:g}"
        return f"<= {self.limit:g}"


@dataclass(frozen=True)
class Row:
    """One line of the table.

    Attributes:
        key: Name in the JSON.
        label: First column.
        measurement: Which measurement's samples it reads.
        field: Which value of a sample (`wall`/`cpu` are the parent's view of the whole child process).
        unit: Display unit.
        scale: Multiplier from the sample's unit (seconds or bytes) to `unit`.
        target: The issue's target, if any.
        check: The `--quick` gross-regression check, if any.
        ratios: Whether ratios to other contenders mean anything (not for growths around zero).
    """

    key: str
    label: str
    measurement: str
    field: str
    unit: str
    scale: float
    target: Comparison | None = None
    check: Comparison | None = None
    ratios: bool = True


_MS: Final = 1e3
_US: Final = 1e6
_MIB: Final = 1 / (1 << 20)

ROWS: Final = (
    Row(
        "import_cpu",
        "cold import, whole process (CPU)",
        "import",
        "cpu",
        "ms",
        _MS,
        target=Comparison("ratio_max", 0.15, "official"),
        check=Comparison("ratio_max", 0.5, "official"),
    ),
    Row("import_wall", "cold import, whole process (wall)", "import", "wall", "ms", _MS),
    Row(
        "first_request_cpu",
        "import + client + first request, whole process (CPU)",
        "first_request",
        "cpu",
        "ms",
        _MS,
        target=Comparison("ratio_max", 0.8, "openai"),
        check=Comparison("ratio_max", 1.5, "openai"),
    ),
    Row(
        "first_request_wall",
        "import + client + first request, whole process (wall)",
        "first_request",
        "wall",
        "ms",
        _MS,
    ),
    Row("construct_cpu", "client construction, first (CPU)", "session", "construct_first_cpu", "ms", _MS),
    Row("construct_repeat_cpu", "client construction, repeated (CPU)", "session", "construct_repeat_cpu", "ms", _MS),
    Row(
        "chat_cpu",
        "sequential chat, CPU per request",
        "session",
        "chat_cpu_per_request",
        "µs",
        _US,
        target=Comparison("ratio_max", 0.6, "openai"),
        check=Comparison("ratio_max", 1.6, "openai"),
    ),
    Row("chat_wall", "sequential chat, wall per request", "session", "chat_wall_per_request", "µs", _US),
    Row(
        "stream_cpu",
        "streaming (50 chunks), CPU per chunk",
        "session",
        "stream_cpu_per_chunk",
        "µs",
        _US,
        target=Comparison("ratio_max", 1.5, "httpx2"),
        check=Comparison("ratio_max", 1.8, "openai"),
    ),
    Row(
        "tool_chat_cpu",
        "tool-calling chat (tools + tool_choice), CPU per request",
        "session",
        "tool_chat_cpu_per_request",
        "µs",
        _US,
        check=Comparison("ratio_max", 1.6, "openai"),
    ),
    Row("tool_chat_wall", "tool-calling chat, wall per request", "session", "tool_chat_wall_per_request", "µs", _US),
    Row(
        "usage_stream_cpu",
        "streaming with usage (100 chunks), CPU per chunk",
        "session",
        "usage_stream_cpu_per_chunk",
        "µs",
        _US,
        check=Comparison("ratio_max", 1.8, "openai"),
    ),
    Row(
        "throughput_rps",
        "async throughput, 1000 requests at concurrency 100 (quick: 400)",
        "session",
        "throughput_requests_per_second",
        "req/s",
        1.0,
        target=Comparison("ratio_min", 0.9, "httpx2"),
        check=Comparison("ratio_min", 0.35, "openai"),
    ),
    Row(
        "throughput_cpu",
        "async, CPU per request",
        "session",
        "throughput_cpu_per_request",
        "µs",
        _US,
        check=Comparison("ratio_max", 1.6, "openai"),
    ),
    Row(
        "peak_rss",
        "peak RSS after 2000 requests (quick: 1000)",
        "memory",
        "peak_rss",
        "MiB",
        _MIB,
        target=Comparison("delta_max", 5.0, "openai"),
        check=Comparison("delta_max", 30.0, "openai"),
    ),
    Row(
        "rss_growth",
        "RSS growth, request 500 to 2000 (quick: 250 to 1000)",
        "memory",
        "rss_growth",
        "MiB",
        _MIB,
        target=Comparison("absolute_max", 1.0),
        ratios=False,
    ),
    Row(
        "object_growth",
        "live objects growth, same span",
        "memory",
        "object_growth",
        "objects",
        1.0,
        target=Comparison("absolute_max", 100),
        check=Comparison("absolute_max", 1500),
        ratios=False,
    ),
)
