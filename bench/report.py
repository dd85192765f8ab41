"""Medians, same-run ratios, targets and checks; the markdown table and the JSON document.

Ratios are *paired*: for each round, our value divided by the other contender's value from the same round, then
the median over rounds. Rounds are interleaved, so a slow spell of the machine affects both sides of each pair.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .metrics import ROWS, Comparison, Row

__all__ = ["Outcome", "Samples", "evaluate", "markdown_table", "summary"]

Samples = Mapping[str, Mapping[str, Sequence[Mapping[str, float]]]]
"""`samples[measurement][contender]` is the list of that contender's samples, one per round, in round order."""

OURS = "ours"
RATIO_COLUMNS = ("official", "openai", "httpx2")


@dataclass(frozen=True)
class Outcome:
    """A target or check applied to one row."""

    row: str
    label: str
    requirement: str
    measured: str
    met: bool


def _values(samples: Samples, row: Row, contender: str) -> list[float]:
    return [sample[row.field] * row.scale for sample in samples.get(row.measurement, {}).get(contender, [])]


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _round_ratios(samples: Samples, row: Row, other: str) -> list[float]:
    if not row.ratios:
        return []
    ours, theirs = _values(samples, row, OURS), _values(samples, row, other)
    return [a / b for a, b in zip(ours, theirs, strict=False) if b]


def paired_ratio(samples: Samples, row: Row, other: str) -> float | None:
    """Median over rounds of ours / other (rounds where the other is 0 are skipped)."""
    return _median(_round_ratios(samples, row, other))


def _measured(samples: Samples, row: Row, comparison: Comparison) -> float | None:
    if comparison.kind in ("ratio_max", "ratio_min"):
        return paired_ratio(samples, row, comparison.other)
    ours = _median(_values(samples, row, OURS))
    if comparison.kind == "absolute_max" or ours is None:
        return ours
    theirs = _median(_values(samples, row, comparison.other))
    return None if theirs is None else ours - theirs


def _met(comparison: Comparison, measured: float) -> bool:
    if comparison.kind == "ratio_min":
        return measured >= comparison.limit
    return measured <= comparison.limit


def _format_measured(comparison: Comparison, measured: float, unit: str) -> str:
    if comparison.kind in ("ratio_max", "ratio_min"):
        return f"{measured:.2f} x"
    sign = "+" if comparison.kind == "delta_max" and measured >= 0 else ""
    return f"{sign}{_number(measured)} {unit}"


def evaluate(samples: Samples, labels: Mapping[str, str], *, checks: bool) -> list[Outcome]:
    """Apply every row's target (or, with `checks`, its `--quick` check) that has data."""
    outcomes: list[Outcome] = []
    for row in ROWS:
        comparison = row.check if checks else row.target
        if comparison is None:
            continue
        measured = _measured(samples, row, comparison)
        if measured is None:
            continue
        outcomes.append(
            Outcome(
                row=row.key,
                label=row.label,
                requirement=comparison.describe(dict(labels)),
                measured=_format_measured(comparison, measured, row.unit),
                met=_met(comparison, measured),
            )
        )
    return outcomes


def _number(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def summary(samples: Samples, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per row: unit, median per contender, paired ratios and the target's outcome (the JSON `rows`)."""
    targets = {outcome.row: outcome for outcome in evaluate(samples, labels, checks=False)}
    rows: list[dict[str, Any]] = []
    for row in ROWS:
        medians = {name: _median(_values(samples, row, name)) for name in labels}
        if all(value is None for value in medians.values()):
            continue
        outcome = targets.get(row.key)
        rows.append(
            {
                "key": row.key,
                "label": row.label,
                "unit": row.unit,
                "median": medians,
                "ratio": {other: paired_ratio(samples, row, other) for other in RATIO_COLUMNS},
                "ratio_per_round": {
                    other: [round(ratio, 4) for ratio in _round_ratios(samples, row, other)] for other in RATIO_COLUMNS
                },
                "target": None if outcome is None else outcome.requirement,
                "target_measured": None if outcome is None else outcome.measured,
                "target_met": None if outcome is None else outcome.met,
            }
        )
    return rows


def markdown_table(rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    """The table: medians per contender, ours divided by each other contender, the target and whether it is met."""
    names = list(labels)
    header = ["metric", *(labels[name] for name in names), *(f"ours ÷ {name}" for name in RATIO_COLUMNS)]
    header += ["target", "met?"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [f"{row['label']} ({row['unit']})"]
        cells += ["–" if row["median"][name] is None else _number(row["median"][name]) for name in names]
        cells += ["–" if row["ratio"][other] is None else f"{row['ratio'][other]:.2f}" for other in RATIO_COLUMNS]
        if row["target"] is None:
            cells += ["", ""]
        else:
            cells += [f"{row['target']} (is {row['target_measured']})", "yes" if row["target_met"] else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
