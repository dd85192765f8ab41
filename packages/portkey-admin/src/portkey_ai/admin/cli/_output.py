"""What the `portkey` command prints: JSON (the default), JSON lines, or Rich tables and charts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from openai import BaseModel
from rich.console import Console
from rich.table import Table

__all__ = ["FORMATS", "bar_chart", "emit", "emit_items", "plain"]

FORMATS = ("json", "jsonl", "table")
"""The values of `--output`."""

_CELL_WIDTH = 60
_MAX_COLUMNS = 6
"""A table of items shows this many columns at most (JSON has every field)."""
_PREFERRED_COLUMNS = ("id", "slug", "name", "email", "role", "type", "status", "created_at")
"""The columns a table of items shows first."""


def plain(value: object) -> Any:
    """`value` as plain JSON data: models by their API field names, as the server sent them."""
    if isinstance(value, BaseModel):
        return value.to_dict(mode="json", warnings=False)  # print what the server sent, typed as the spec says or not
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in cast("Mapping[object, object]", value).items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in cast("Sequence[object]", value)]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _console() -> Console:
    return Console(file=sys.stdout, soft_wrap=False)


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 1] + "…"


def _columns(rows: Sequence[Mapping[str, object]]) -> list[str]:
    """The columns of a table of items: scalar fields only, the usual identifying ones first, at most six."""
    keys: list[str] = []
    for row in rows:
        keys += [key for key in row if key not in keys]
    scalar = [key for key in keys if all(not isinstance(row.get(key), dict | list) for row in rows)]
    preferred = [key for key in _PREFERRED_COLUMNS if key in scalar]
    return (preferred + [key for key in scalar if key not in preferred])[:_MAX_COLUMNS]


def _rows_table(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> Table:
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*[_cell(row.get(column)) for column in columns])
    return table


def _items_of(data: object) -> list[Any] | None:
    """The list a response carries (`data`, `items`...), if it is a list response."""
    if isinstance(data, list):
        return data  # pyright: ignore[reportUnknownVariableType]
    if isinstance(data, dict):
        for key in ("data", "items", "data_points", "versions"):
            found = data.get(key)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            if isinstance(found, list):
                return found  # pyright: ignore[reportUnknownVariableType]
    return None


def emit(value: object, fmt: str) -> None:
    """Print one response."""
    data = plain(value)
    out = sys.stdout
    if fmt == "json":
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    items = _items_of(data)
    if fmt == "jsonl":
        for item in items if items is not None else [data]:
            out.write(json.dumps(item, separators=(",", ":"), ensure_ascii=False) + "\n")
        return
    if items is not None and all(isinstance(item, dict) for item in items):
        _console().print(_rows_table(items, _columns(items)))
    elif isinstance(data, dict):
        rows: list[Mapping[str, object]] = [{"field": k, "value": v} for k, v in data.items()]  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
        _console().print(_rows_table(rows, ["field", "value"]))
    else:
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def emit_items(items: Iterable[object], fmt: str) -> int:
    """Print the items of a paged list as they arrive (JSON: one array); return how many."""
    out = sys.stdout
    count = 0
    if fmt == "jsonl":
        for item in items:
            out.write(json.dumps(plain(item), separators=(",", ":"), ensure_ascii=False) + "\n")
            count += 1
        return count
    rows = [plain(item) for item in items]
    if fmt == "json":
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        _console().print(_rows_table(rows, _columns(rows)))
    return len(rows)


def bar_chart(points: Sequence[tuple[str, float]], metric: str, width: int = 40) -> None:
    """A horizontal bar chart of `(label, value)` points in the terminal."""
    console = _console()
    top = max((value for _, value in points), default=0.0)
    table = Table(title=metric, show_header=False, box=None, pad_edge=False)
    table.add_column("at", no_wrap=True)
    table.add_column("bar", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    for label, value in points:
        cells = round(width * value / top) if top > 0 else 0
        table.add_row(label, "█" * cells or "·", f"{value:g}")
    console.print(table)
