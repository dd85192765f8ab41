"""The hand-made commands: `portkey logs export` end to end (the waiters' export lifecycle on one scripted server,
the signed URL's file on another), `portkey api-keys rotate`, `portkey analytics <graph>`."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.admin.cli.conftest import Invoke
from tests.admin.test_log_export_waiters import SIGNATURE, ExportAPI
from tests.servers.fault_server import FaultServer, Reply, json_reply

LINE = b'{"id": "log-1", "cost": 0.25}\n'


@pytest.fixture
def storage() -> Iterator[FaultServer]:
    """The storage host behind the signed URL."""
    with FaultServer() as host:
        yield host


def signed_url(storage: FaultServer) -> str:
    return f"{storage.url}/exports/exp-1.jsonl?{SIGNATURE}"


EXPORT = ["logs", "export", "--from", "2026-12-01", "--to", "2026-12-02T12:00:00Z", "--fields", "id,cost"]


def test_export_creates_starts_waits_and_streams_to_the_file(
    on_server: Invoke, server: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=LINE, repeat=1000)])
    server.set_script(ExportAPI(["in_progress", "in_progress", "success"], signed_url(storage)))
    target = tmp_path / "logs.jsonl"

    result = on_server(
        "--workspace", "ws-1", *EXPORT, "-o", str(target), "--poll-interval", "0.01", "--progress", "plain"
    )

    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == LINE * 1000
    assert [f"{r.method} {r.path}" for r in server.requests] == [
        "POST /v1/logs/exports",
        "POST /v1/logs/exports/exp-1/start",
        "GET /v1/logs/exports/exp-1",
        "GET /v1/logs/exports/exp-1",
        "GET /v1/logs/exports/exp-1",
        "GET /v1/logs/exports/exp-1/download",
    ]
    assert server.requests[0].json() == {
        "filters": {"time_of_generation_min": "2026-12-01T00:00:00Z", "time_of_generation_max": "2026-12-02T12:00:00Z"},
        "requested_data": ["id", "cost"],
        "workspace_id": "ws-1",
    }
    size = len(LINE) * 1000
    progress = result.stderr.splitlines()
    assert progress[:4] == [
        "export exp-1: created (3 logs)",
        "export exp-1: started",
        "export exp-1: in_progress",
        "export exp-1: success",
    ]
    assert progress[4] == f"downloaded 0 of {size} bytes"
    assert progress[-2] == f"downloaded {size} of {size} bytes"
    assert progress[-1] == f"wrote {size} bytes to {target}"
    summary = json.loads(result.stdout)
    assert summary["file"] == str(target) and summary["bytes"] == size
    assert summary["export"]["status"] == "success"
    assert SIGNATURE not in result.stdout + result.stderr


def test_export_shows_a_progress_bar(
    on_server: Invoke, server: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=LINE, repeat=10)])
    server.set_script(ExportAPI(["success"], signed_url(storage)))

    result = on_server(*EXPORT, "-o", str(tmp_path / "logs.jsonl"), "--progress", "bar", env={"COLUMNS": "400"})

    assert result.exit_code == 0, result.stderr
    assert "\x1b[?25l" in result.stderr  # drawn for a terminal (cursor hidden while the bar runs)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)
    size = len(LINE) * 10
    assert text.startswith("\rcreating the export ━")
    assert f"\rwrote {size} bytes to {tmp_path / 'logs.jsonl'} ━━━━" in text
    assert f" {size}/{size} bytes" in text
    assert (tmp_path / "logs.jsonl").stat().st_size == len(LINE) * 10


def test_export_without_progress_prints_only_the_summary(
    on_server: Invoke, server: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=LINE)])
    server.set_script(ExportAPI(["success"], signed_url(storage)))
    result = on_server(*EXPORT, "-o", str(tmp_path / "logs.jsonl"), "--progress", "none")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["bytes"] == len(LINE)


@pytest.mark.parametrize("status", ["failed", "stopped"])
def test_a_failed_export_exits_7(
    status: str, on_server: Invoke, server: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    server.set_script(ExportAPI([status], signed_url(storage)))
    result = on_server(*EXPORT, "-o", str(tmp_path / "logs.jsonl"), "--progress", "none")
    assert result.exit_code == 7
    assert result.stderr == f"portkey: export exp-1 ended with status {status!r}\n"
    assert storage.request_count == 0
    assert list(tmp_path.iterdir()) == []


def test_an_export_that_does_not_finish_in_time_exits_7(
    on_server: Invoke, server: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    server.set_script(ExportAPI(["in_progress"], signed_url(storage)))
    result = on_server(*EXPORT, "-o", str(tmp_path / "logs.jsonl"), "--wait-timeout", "0", "--progress", "none")
    assert result.exit_code == 7
    target = tmp_path / "logs.jsonl"
    assert result.stderr == (
        "portkey: export exp-1 did not finish within 0 s (status 'in_progress'); it goes on: "
        f"`portkey logs export --resume exp-1 -o {target}`\n"
    )


def test_resume_waits_for_and_downloads_an_existing_export(
    on_server: Invoke, server: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=LINE)])
    server.set_script(ExportAPI(["success"], signed_url(storage)))
    target = tmp_path / "logs.jsonl"
    result = on_server("logs", "export", "--resume", "exp-1", "-o", str(target), "--progress", "plain")
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == LINE
    assert [f"{r.method} {r.path}" for r in server.requests] == [
        "GET /v1/logs/exports/exp-1",
        "GET /v1/logs/exports/exp-1/download",
    ]
    assert result.stderr.splitlines()[0] == "export exp-1: success"


def test_resume_takes_no_export_definition(on_server: Invoke, server: FaultServer, tmp_path: Path) -> None:
    out = str(tmp_path / "logs.jsonl")
    result = on_server("logs", "export", "--resume", "exp-1", "--from", "2026-12-01", "--fields", "id", "-o", out)
    assert result.exit_code == 2
    assert "--resume downloads an existing export: --from, --fields cannot be used with it" in result.stderr
    missing = on_server("logs", "export", "--from", "2026-12-01", "-o", out)
    assert missing.exit_code == 2
    assert "missing --from and --to (or --resume EXPORT_ID)" in missing.stderr
    assert server.request_count == 0


def test_export_rejects_bad_arguments_before_any_request(
    on_server: Invoke, server: FaultServer, tmp_path: Path
) -> None:
    out = str(tmp_path / "logs.jsonl")
    bad_fields = on_server("logs", "export", "--from", "a", "--to", "b", "--fields", "id,nope", "-o", out)
    assert bad_fields.exit_code == 2
    assert "unknown field(s) nope" in bad_fields.stderr
    bad_filters = on_server("logs", "export", "--from", "a", "--to", "b", "--filters", "[]", "-o", out)
    assert bad_filters.exit_code == 2
    assert "--filters" in bad_filters.stderr
    assert on_server("logs", "export", "--from", "a", "-o", out).exit_code == 2
    assert server.request_count == 0


# -- api-keys rotate -------------------------------------------------------------------------------------------------

ROTATED = {"id": "key-1", "key": "pk-new-rotated-value", "key_transition_expires_at": "2026-12-05T10:00:00Z"}


def test_rotate_with_yes_prints_the_new_key(on_server: Invoke, server: FaultServer) -> None:
    server.set_script([json_reply(ROTATED)])
    result = on_server("api-keys", "rotate", "key-1", "--yes", "--transition", "24h")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == ROTATED
    assert server.requests[0].path == "/v1/api-keys/key-1/rotate"
    assert server.requests[0].json() == {"key_transition_period_ms": 86_400_000}


@pytest.mark.parametrize(("given", "ms"), [("90s", 90_000), ("30m", 1_800_000), ("2d", 172_800_000), ("1500", 1500)])
def test_rotate_transition_durations(given: str, ms: int, on_server: Invoke, server: FaultServer) -> None:
    server.set_script([json_reply(ROTATED)])
    assert on_server("api-keys", "rotate", "key-1", "-y", "--transition", given).exit_code == 0
    assert server.requests[0].json() == {"key_transition_period_ms": ms}


def test_rotate_save_writes_the_key_to_a_private_file(on_server: Invoke, server: FaultServer, tmp_path: Path) -> None:
    server.set_script([json_reply(ROTATED)])
    path = tmp_path / "new-key"
    result = on_server("api-keys", "rotate", "key-1", "-y", "--save", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_text() == "pk-new-rotated-value\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "pk-new-rotated-value" not in result.stdout
    assert json.loads(result.stdout)["key"] == f"(saved to {path})"
    assert server.requests[0].json() == {}


def test_rotate_asks_for_confirmation(on_server: Invoke, server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.set_script([json_reply(ROTATED)])
    no_tty = on_server("api-keys", "rotate", "key-1")
    assert no_tty.exit_code == 2
    assert "pass --yes" in no_tty.stderr
    monkeypatch.setattr("portkey_ai.admin.cli._workflows._interactive", lambda: True)
    declined = on_server("api-keys", "rotate", "key-1", input="n\n")
    assert declined.exit_code == 1
    assert server.request_count == 0
    accepted = on_server("api-keys", "rotate", "key-1", input="y\n")
    assert accepted.exit_code == 0
    assert "Rotate API key key-1?" in accepted.stderr
    assert server.request_count == 1


def test_rotate_rejects_a_bad_duration(on_server: Invoke, server: FaultServer) -> None:
    result = on_server("api-keys", "rotate", "key-1", "-y", "--transition", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a duration" in result.stderr
    assert server.request_count == 0


# -- analytics <graph> -----------------------------------------------------------------------------------------------


def _graph(request: Any) -> Any:
    points = [
        {"timestamp": "2026-12-01T00:00:00Z", "total": 4, "avg": 1},
        {"timestamp": "2026-12-01T01:00:00Z", "total": 10, "avg": 2},
    ]
    return json_reply({"summary": {"total": 14, "avg": 1.5}, "data_points": points, "object": "analytics-graph"})


def test_analytics_graph_is_a_table(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_graph)
    result = on_server("--workspace", "ws-1", "analytics", "cost", "--from", "2026-12-01", "--to", "2026-12-02")
    assert result.exit_code == 0, result.stderr
    assert server.requests[0].path == "/v1/analytics/graphs/cost"
    assert "time_of_generation_min=2026-12-01T00%3A00%3A00Z" in server.requests[0].target
    assert "workspace_slug=ws-1" in server.requests[0].target
    rows = [line for line in result.stdout.splitlines() if "2026-12-01" in line]
    assert len(rows) == 2 and "2026-12-01 01:00" in rows[1] and "10" in rows[1]
    assert "14" in result.stdout  # the summary


def test_analytics_chart_draws_bars(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_graph)
    result = on_server(
        "analytics", "cost", "--from", "2026-12-01", "--to", "2026-12-02", "--chart", "--metric", "total"
    )
    assert result.exit_code == 0, result.stderr
    bars = [line for line in result.stdout.splitlines() if "█" in line]
    assert len(bars) == 2
    assert bars[0].count("█") == 16 and bars[1].count("█") == 40
    assert "cost: total" in result.stdout


def test_analytics_chart_rejects_an_unknown_metric(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_graph)
    result = on_server("analytics", "cost", "--from", "x", "--to", "y", "--chart", "--metric", "nope")
    assert result.exit_code == 2
    assert "'nope' is not one of total, avg" in result.stderr


def test_analytics_graph_as_json(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_graph)
    result = on_server("analytics", "cost", "--from", "x", "--to", "y", "--output", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"] == {"total": 14, "avg": 1.5}


def test_analytics_on_prism(on_prism: Invoke) -> None:
    result = on_prism("analytics", "requests", "--from", "2026-12-01", "--to", "2026-12-02", "--workspace-slug", "ws")
    assert result.exit_code == 0, result.stderr
    assert "timestamp" in result.stdout
