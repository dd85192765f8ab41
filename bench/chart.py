"""The benchmark as a picture: the same-run ratios of one results document as a PNG bar chart.

One group of bars per table row that has ratios: ours divided by the official SDK, by openai and by raw httpx2, on
a logarithmic axis around 1 (the other contender's value). Wall-time rows are left out (their CPU twin is there).
`python -m bench` writes it next to the JSON; `python -m bench.chart RESULTS.json OUTPUT.png` redraws one.
"""

# matplotlib's methods take untyped **kwargs (artist properties), which strict pyright reports at every call.
# pyright: reportUnknownMemberType=false

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from .metrics import ROWS

__all__ = ["HIGHER_IS_BETTER", "write_chart"]

HIGHER_IS_BETTER: Final = frozenset(
    row.key
    for row in ROWS
    if any(comparison is not None and comparison.kind == "ratio_min" for comparison in (row.target, row.check))
)
"""Row keys where a ratio above 1 means we do better (throughput); on every other row below 1 is better."""
_TICKS: Final = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50)

_COLUMNS: Final = (("official", "official portkey-ai", "#7f7f7f"), ("openai", "openai", "#1f77b4"))
_FLOOR: Final = ("httpx2", "raw httpx2 (floor)", "#ff7f0e")


def _bars(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, dict[str, float]]]:
    bars: list[tuple[str, dict[str, float]]] = []
    for row in rows:
        ratios = {name: value for name, value in row.get("ratio", {}).items() if value}
        if not ratios or "wall" in row["key"]:
            continue
        better = "higher" if row["key"] in HIGHER_IS_BETTER else "lower"
        bars.append((f"{row['label']}\n({better} is better)", ratios))
    return bars


def _subtitle(document: Mapping[str, Any]) -> str:
    machine = document.get("machine", {})
    quick = document.get("mode") == "quick"
    mode = "quick run (the official SDK is measured for the import only)" if quick else "full run"
    where = ", through the local gateway" if document.get("gateway") else ""
    return (
        f"{mode}{where}, {str(document.get('date', ''))[:10]}, CPython {machine.get('python', '?')}, "
        f"{machine.get('cpus', '?')} CPUs; medians of per-round ratios"
    )


def write_chart(document: Mapping[str, Any], output: Path) -> Path:
    """Draw the ratios of a results document (the JSON `python -m bench` writes) into the PNG `output`.

    Raises:
        ValueError: The document has no row with a ratio.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot, ticker

    bars = _bars(document.get("rows", []))
    if not bars:
        raise ValueError("document: no row with a same-run ratio to draw")
    series = (*_COLUMNS, _FLOOR)
    height = 0.8 / len(series)
    contenders = document.get("contenders", {})
    figure, axes = pyplot.subplots(figsize=(11, 1.4 + 0.75 * len(bars)), dpi=110, layout="constrained")
    values = [value for _, ratios in bars for value in ratios.values()]
    low, high = min(min(values), 0.5) / 1.6, max(max(values), 2.0) * 1.6
    for index, (name, label, colour) in enumerate(series):
        positions = [row + (index - (len(series) - 1) / 2) * height for row in range(len(bars))]
        ratios_drawn = [ratios.get(name, math.nan) for _, ratios in bars]
        # Each bar starts at 1 (the other contender's value): left of it we use less, right of it more.
        axes.barh(
            positions,
            [ratio - 1 for ratio in ratios_drawn],
            height=height * 0.92,
            left=1,
            color=colour,
            label=f"ours ÷ {contenders.get(name, {}).get('label', label)}",
        )
        for position, ratio in zip(positions, ratios_drawn, strict=True):
            if not math.isnan(ratio):
                right = ratio >= 1
                x = ratio * 1.04 if right else ratio / 1.04
                axes.text(x, position, f"{ratio:.2f}", ha="left" if right else "right", va="center", fontsize=7)
    axes.set_xscale("log")
    axes.set_xlim(low, high)
    axes.set_xticks(
        [tick for tick in _TICKS if low <= tick <= high], [f"{tick:g}" for tick in _TICKS if low <= tick <= high]
    )
    axes.xaxis.set_minor_formatter(ticker.NullFormatter())
    axes.axvline(1.0, color="black", linewidth=0.8)
    axes.set_yticks(range(len(bars)), [label for label, _ in bars], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("portkey-core's value ÷ the other's, same run (log scale; 1 = the same)")
    axes.set_title(f"portkey-core against its peers\n{_subtitle(document)}", fontsize=10)
    figure.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    axes.grid(axis="x", which="both", linewidth=0.3, alpha=0.6)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, format="png", bbox_inches="tight")
    pyplot.close(figure)
    return output


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bench.chart RESULTS.json OUTPUT.png`."""
    parser = argparse.ArgumentParser(prog="python -m bench.chart", description="Draw a results JSON as a PNG.")
    parser.add_argument("results", type=Path, help="a JSON document written by python -m bench")
    parser.add_argument("output", type=Path, help="the PNG to write")
    args = parser.parse_args(argv)
    write_chart(json.loads(args.results.read_text(encoding="utf-8")), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
