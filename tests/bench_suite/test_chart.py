"""The benchmark's chart (bench/chart.py) and the paths the benchmark prints."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest
from matplotlib import image

from bench import chart, envs

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _row(key: str, label: str, ratios: dict[str, float | None]) -> dict[str, Any]:
    return {"key": key, "label": label, "unit": "ms", "median": {}, "ratio": ratios}


def _document(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "mode": "quick",
        "gateway": False,
        "date": "2026-12-04T10:00:00+0000",
        "machine": {"cpus": 2, "python": "3.11.7"},
        "rows": rows,
    }


SYNTHETIC = _document(
    [
        _row("import_cpu", "cold import, whole process (CPU)", {"official": 0.02, "openai": 0.04, "httpx2": 0.23}),
        _row("import_wall", "cold import, whole process (wall)", {"official": 0.02, "openai": 0.04, "httpx2": 0.24}),
        _row("throughput_rps", "async throughput", {"official": None, "openai": 1.07, "httpx2": 0.68}),
        _row("rss_growth", "RSS growth", {"official": None, "openai": None, "httpx2": None}),
    ]
)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chart_is_a_valid_png(tmp_path: Path) -> None:
    written = chart.write_chart(SYNTHETIC, tmp_path / "out" / "chart.png")

    assert written == tmp_path / "out" / "chart.png"
    width, height = _png_size(written)
    pixels = image.imread(written)  # decodes the whole image: a truncated or corrupt PNG fails here
    assert pixels.shape[:2] == (height, width)
    assert width > height > 0
    assert pixels.std() > 0  # something was drawn


def test_chart_height_follows_the_rows_with_ratios(tmp_path: Path) -> None:
    one = chart.write_chart(_document(SYNTHETIC["rows"][:1]), tmp_path / "one.png")
    two = chart.write_chart(SYNTHETIC, tmp_path / "two.png")  # the wall row and the row without ratios are left out

    assert _png_size(two)[1] > _png_size(one)[1]
    assert chart._bars(SYNTHETIC["rows"]) == [
        ("cold import, whole process (CPU)\n(lower is better)", {"official": 0.02, "openai": 0.04, "httpx2": 0.23}),
        ("async throughput\n(higher is better)", {"openai": 1.07, "httpx2": 0.68}),
    ]


def test_throughput_is_the_row_where_higher_is_better() -> None:
    assert sorted(chart.HIGHER_IS_BETTER) == ["throughput_rps"]


def test_a_document_without_ratios_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no row with a same-run ratio"):
        chart.write_chart(_document(SYNTHETIC["rows"][3:]), tmp_path / "chart.png")
    assert not (tmp_path / "chart.png").exists()


def test_command_line_redraws_a_results_file(tmp_path: Path) -> None:
    results = tmp_path / "latest.json"
    results.write_text(json.dumps(SYNTHETIC))

    assert chart.main([str(results), str(tmp_path / "latest.png")]) == 0
    _png_size(tmp_path / "latest.png")


def test_printed_paths_are_relative_to_the_repository(tmp_path: Path) -> None:
    assert envs.shown(envs.REPO_ROOT / "bench" / "results" / "latest.json") == "bench/results/latest.json"
    assert envs.shown(tmp_path / "elsewhere.json") == str(tmp_path / "elsewhere.json")
