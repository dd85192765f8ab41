"""Errors of `portkey`: one line naming what was wrong, an exit code per class, no traceback unless `--debug`, and
never a secret (the API key, a secret-shaped value the server echoes), not even with `--debug`."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from portkey_ai.admin.cli._app import EXIT_CODES
from tests.admin.cli.conftest import API_KEY, Invoke, invoke_cli
from tests.servers.fault_server import FaultServer, Reply, Reset, json_reply

LEAKED = "sk-live-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
"""A secret-shaped value a server puts in its error message."""


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (400, "request", 1),
        (409, "request", 1),
        (401, "authentication", 3),
        (403, "authentication", 3),
        (404, "not found", 4),
        (500, "server", 5),
        (503, "server", 5),
    ],
)
def test_every_http_error_class_has_its_exit_code(
    status: int, kind: str, code: int, on_server: Invoke, server: FaultServer
) -> None:
    server.set_script([json_reply({"error": {"message": f"nope {LEAKED}"}}, status=status)])
    result = on_server("configs", "retrieve", "my-config")
    assert result.exit_code == code == EXIT_CODES[kind]
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line == f"portkey: {kind} error: GET /v1/configs/my-config answered {status}: nope <redacted>"
    assert "Traceback" not in result.stderr


def test_a_usage_error_exits_2_before_any_request(on_server: Invoke, server: FaultServer) -> None:
    for args in (
        ["configs", "create", "--json", "{not json"],
        ["configs", "create", "--json", "[1, 2]"],
        ["configs", "create", "--json", "@/nonexistent/body.json"],
        ["audit-logs", "list"],
        ["admin", "users", "list", "--role", "superuser"],
        ["nope"],
    ):
        result = on_server(*args)
        assert result.exit_code == EXIT_CODES["usage"] == 2, args
        assert "Traceback" not in result.stderr
    assert server.request_count == 0


def test_a_usage_error_names_the_argument(on_server: Invoke) -> None:
    assert "--json" in on_server("configs", "create", "--json", "{not json").stderr
    assert "not valid JSON" in on_server("configs", "create", "--json", "{not json").stderr
    missing = on_server("audit-logs", "list").stderr
    assert "missing --start-time, --end-time, --organisation-id" in missing


def test_a_network_error_exits_6() -> None:
    with FaultServer([Reset()]) as server:
        result = invoke_cli(
            ["--base-url", server.base_url, "--api-key", API_KEY, "--max-retries", "0", "configs", "list"]
        )
    assert result.exit_code == EXIT_CODES["network"] == 6
    assert one_line(result.stderr).startswith(f"portkey: network error: cannot reach {server.url}")


def test_a_timeout_is_a_network_error() -> None:
    with FaultServer([Reply(body=b"{}", delay=2.0)]) as server:
        result = invoke_cli(
            [
                "--base-url",
                server.base_url,
                "--api-key",
                API_KEY,
                "--max-retries",
                "0",
                "--timeout",
                "0.2",
                "configs",
                "list",
            ]
        )
    assert result.exit_code == 6
    assert one_line(result.stderr) == f"portkey: network error: GET {server.base_url}/configs timed out"


def test_no_api_key_for_the_hosted_api_is_an_authentication_error() -> None:
    result = invoke_cli(["configs", "list"])
    assert result.exit_code == EXIT_CODES["authentication"] == 3
    assert one_line(result.stderr) == "portkey: no API key: pass --api-key or set PORTKEY_API_KEY"


def test_the_api_key_and_base_url_come_from_the_environment(server: FaultServer) -> None:
    server.set_script([json_reply({"data": [], "success": True})])
    result = invoke_cli(["configs", "list"], env={"PORTKEY_API_KEY": API_KEY, "PORTKEY_BASE_URL": server.base_url})
    assert result.exit_code == 0, result.stderr
    assert server.requests[0].headers["x-portkey-api-key"] == API_KEY


def test_debug_prints_the_traceback_with_secrets_masked(on_server: Invoke, server: FaultServer) -> None:
    server.set_script([json_reply({"error": {"message": f"bad key {API_KEY} {LEAKED}"}}, status=401)])
    result = on_server("--debug", "configs", "list", env={"PORTKEY_API_KEY": API_KEY})
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "openai.AuthenticationError" in result.stderr
    assert API_KEY not in result.stderr and LEAKED not in result.stderr
    assert (
        result.stderr.splitlines()[-1]
        == "portkey: authentication error: GET /v1/configs answered 401: bad key <redacted> <redacted>"
    )


def test_the_console_script_runs_in_a_subprocess(server: FaultServer) -> None:
    server.set_script([json_reply({"error": {"message": "no such config"}}, status=404)])
    completed = subprocess.run(
        [sys.executable, "-m", "portkey_ai.admin.cli", "--base-url", server.base_url, "configs", "retrieve", "x"],
        capture_output=True,
        text=True,
        env={"PORTKEY_API_KEY": API_KEY, "PATH": ""},
        check=False,
        timeout=60,
    )
    assert completed.returncode == 4
    assert completed.stderr == "portkey: not found error: GET /v1/configs/x answered 404: no such config\n"
    assert completed.stdout == ""


def test_help_and_usage_exit_codes_through_main(capsys: Any) -> None:
    from portkey_ai.admin.cli import main

    assert main(["--help"]) == 0
    assert "Usage: portkey" in capsys.readouterr().out
    assert main(["configs", "retrieve", "a", "b"]) == 2
    assert "unexpected extra argument" in capsys.readouterr().err.lower()


def test_no_api_key_for_an_explicit_hosted_url_is_an_authentication_error() -> None:
    result = invoke_cli(["--base-url", "https://api.portkey.ai/v1", "configs", "list"])
    assert result.exit_code == 3
    assert one_line(result.stderr) == "portkey: no API key: pass --api-key or set PORTKEY_API_KEY"


def test_the_checks_a_request_failed_are_listed(on_prism: Invoke) -> None:
    rotate = on_prism("api-keys", "rotate", "4e54a1a4-109c-43ee-b0f7-11e7d60b0066", "-y", "--transition", "10m")
    assert rotate.exit_code == 1
    line = one_line(rotate.stderr)
    assert line.startswith(
        "portkey: request error: POST /api-keys/4e54a1a4-109c-43ee-b0f7-11e7d60b0066/rotate answered 422: "
    )
    assert line.endswith("; Request body property key_transition_period_ms must be >= 1800000")


def test_prism_without_an_api_key_is_an_authentication_error(prism: Any) -> None:
    result = invoke_cli(["configs", "list"], env={"PORTKEY_BASE_URL": prism.base_url})
    assert result.exit_code == 3
    assert one_line(result.stderr).startswith("portkey: authentication error: GET /configs answered 401: ")


def test_an_argument_the_library_rejects_is_a_usage_error(on_server: Invoke, server: FaultServer) -> None:
    result = on_server("configs", "retrieve", "")
    assert result.exit_code == 2
    assert one_line(result.stderr) == "portkey: invalid argument: `slug` must be a non-empty string"
    assert server.request_count == 0


def test_an_unwritable_export_file_is_a_usage_error(on_server: Invoke, server: FaultServer, tmp_path: Any) -> None:
    from tests.admin.test_log_export_waiters import SIGNATURE, ExportAPI

    with FaultServer([Reply(body=b"{}\n")]) as storage:
        server.set_script(ExportAPI(["success"], f"{storage.url}/e.jsonl?{SIGNATURE}"))
        target = tmp_path / "missing-dir" / "logs.jsonl"
        result = on_server("logs", "export", "--from", "a", "--to", "b", "-o", str(target), "--progress", "none")
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith("portkey: ")
    assert str(target.parent) in result.stderr
    assert not target.parent.exists()


def test_an_unexpected_error_is_one_line_and_exit_1(on_server: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"boom with {LEAKED}")

    monkeypatch.setattr("portkey_ai.admin.cli._app.library_method", lambda client, path: broken)
    result = on_server("configs", "list")
    assert result.exit_code == EXIT_CODES["unexpected"] == 1
    assert one_line(result.stderr) == (
        "portkey: unexpected RuntimeError: boom with <redacted> (--debug shows the traceback)"
    )
    debug = on_server("--debug", "configs", "list")
    assert "Traceback (most recent call last)" in debug.stderr and LEAKED not in debug.stderr
