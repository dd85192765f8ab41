"""`python -m bench`: the performance suite (see bench/README.md).

uv run python -m bench             # full run: table on stdout, bench/results/latest.json and latest.png
uv run python -m bench --quick     # CI: fewer rounds, exits 1 on a gross regression of a same-run ratio
uv run python -m bench --gateway   # every request through the local open-source gateway
uv run python -m bench --profile   # cProfile of our client's hot paths, bench/results/profile-*.txt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from . import chart, envs, profiling, report, runner
from .metrics import MEASUREMENTS, Measurement, Mode

RESULTS_DIR: Final = envs.REPO_ROOT / "bench" / "results"
_STARTED: Final = time.perf_counter()


def _log(message: str) -> None:
    sys.stderr.write(f"[bench {time.perf_counter() - _STARTED:6.1f}s] {message}\n")
    sys.stderr.flush()


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark portkey-core against its peers.")
    parser.add_argument("--quick", action="store_true", help="fewer rounds; exit 1 on a gross ratio regression")
    parser.add_argument("--gateway", action="store_true", help="send every request through the local gateway")
    parser.add_argument("--profile", action="store_true", help="profile our client's hot paths instead")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated measurements to run (default all: {','.join(m.key for m in MEASUREMENTS)})",
    )
    parser.add_argument("--rounds", type=int, default=0, help="rounds per measurement (default: per mode)")
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_DIR / "latest.json",
        help="where to write the JSON (the chart goes beside it, .png)",
    )
    args = parser.parse_args(argv)
    known = {m.key for m in MEASUREMENTS}
    unknown = {key for key in args.only.split(",") if key} - known
    if unknown:
        parser.error(f"--only: unknown measurement(s) {', '.join(sorted(unknown))}; choose from {', '.join(known)}")
    if args.rounds < 0:
        parser.error("--rounds must be >= 0")
    return args


def _rotated(items: Sequence[envs.Environment], by: int) -> list[envs.Environment]:
    shift = by % len(items)
    return [*items[shift:], *items[:shift]]


def _measure(
    selected: Sequence[Measurement],
    environments: Sequence[envs.Environment],
    endpoint: runner.Endpoint,
    mode: Mode,
    rounds_override: int,
) -> dict[str, dict[str, list[dict[str, float]]]]:
    samples: dict[str, dict[str, list[dict[str, float]]]] = {}
    for measurement in selected:
        rounds = rounds_override or measurement.rounds[mode]
        chosen = [env for env in environments if mode == "full" or env.contender.name in measurement.quick_contenders]
        per_contender: dict[str, list[dict[str, float]]] = {env.contender.name: [] for env in chosen}
        for round_index in range(rounds):
            _log(f"{measurement.key}: round {round_index + 1}/{rounds}")
            for environment in _rotated(chosen, round_index):
                value = runner.sample(measurement, environment, endpoint, mode)
                per_contender[environment.contender.name].append(value)
        samples[measurement.key] = per_contender
    return samples


def _versions(environments: Sequence[envs.Environment]) -> dict[str, dict[str, Any]]:
    return {env.contender.name: runner.run_child(env, {"metric": "info", "base_url": ""})[1] for env in environments}


def _run(args: argparse.Namespace) -> int:
    mode: Mode = "quick" if args.quick else "full"
    only = {key for key in args.only.split(",") if key}
    selected = [m for m in MEASUREMENTS if not only or m.key in only]
    _log("preparing the virtual environments (cached under bench/.venvs/)")
    prepared = envs.prepare()
    built = [name for name, env in prepared.items() if env.created]
    _log(f"environments ready ({'built: ' + ', '.join(built) if built else 'all cached'})")
    environments = [prepared[contender.name] for contender in envs.CONTENDERS]
    labels = {contender.name: contender.label for contender in envs.CONTENDERS}
    load_before = os.getloadavg()
    with runner.bench_endpoint(gateway=args.gateway, log=_log) as endpoint:
        # One untimed import per contender first: it brings every module file into the page cache.
        warmup = next(m for m in MEASUREMENTS if m.key == "import")
        for environment in environments:
            runner.sample(warmup, environment, endpoint, mode)
        samples = _measure(selected, environments, endpoint, mode, args.rounds)
    rows = report.summary(samples, labels)
    table = report.markdown_table(rows, labels)
    checks = report.evaluate(samples, labels, checks=True) if args.quick else []
    document = {
        "mode": mode,
        "gateway": args.gateway,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "duration_seconds": round(time.perf_counter() - _STARTED, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "contenders": {
            name: {"label": labels[name], "versions": versions} for name, versions in _versions(environments).items()
        },
        "measurements": {
            m.key: {
                "description": m.description,
                "rounds": args.rounds or m.rounds[mode],
                "sizes": m.sizes[mode],
            }
            for m in selected
        },
        "rows": rows,
        "checks": [vars(outcome) for outcome in checks],
        "samples": samples,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    where = " through the local gateway" if args.gateway else ""
    sys.stdout.write(f"\n{mode} run{where}, medians of interleaved rounds; ratios are paired per round\n\n")
    sys.stdout.write(table + "\n\n")
    picture = chart.write_chart(document, args.output.with_suffix(".png"))
    _log(f"wrote {envs.shown(args.output)} and {envs.shown(picture)}")
    if not args.quick:
        return 0
    failed = [outcome for outcome in checks if not outcome.met]
    for outcome in checks:
        verdict = "ok  " if outcome.met else "FAIL"
        sys.stdout.write(f"{verdict} {outcome.label}: {outcome.measured}, must be {outcome.requirement}\n")
    if failed:
        sys.stdout.write(
            f"\nbench --quick: {len(failed)} gross performance regression(s) of a same-run ratio (see above)\n"
        )
        return 1
    sys.stdout.write("\nbench --quick: no gross regression\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bench`."""
    args = _parse(argv)
    if args.profile:
        return profiling.main(log=_log)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
