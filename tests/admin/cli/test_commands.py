"""The generated commands of `portkey`: one per library method, their help, their output and paging."""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click
import pytest

from portkey_ai import Portkey
from portkey_ai.admin.cli._commands import GROUP_OF, cli
from portkey_ai.admin.cli._operations import GROUPS, OPERATIONS
from portkey_ai.admin.cli._output import plain
from tests.admin.cli.conftest import API_KEY, Invoke, invoke_cli
from tests.admin.support import operations as library_operations
from tests.servers.fault_server import FaultServer, Request, json_reply


def query(request: Request) -> str:
    """The query string of a request."""
    return urlsplit(request.target).query


WORKSPACE = "497f6eca-6276-4993-bfeb-53cbbbba6f08"

SAMPLES: dict[str, tuple[list[str], tuple[str, ...], dict[str, Any]]] = {
    # top-level resource: (command, library method, its arguments)
    "admin": (["admin", "users", "list"], ("admin", "users", "list"), {}),
    "analytics": (
        [
            "analytics",
            "graphs",
            "requests",
            "--time-of-generation-min",
            "2026-12-01T00:00:00Z",
            "--time-of-generation-max",
            "2026-12-02T00:00:00Z",
            "--workspace-slug",
            "ws",
        ],
        ("analytics", "graphs", "requests"),
        {
            "time_of_generation_min": "2026-12-01T00:00:00Z",
            "time_of_generation_max": "2026-12-02T00:00:00Z",
            "workspace_slug": "ws",
        },
    ),
    "api_keys": (["api-keys", "list"], ("api_keys", "list"), {}),
    "audit_logs": (
        [
            "audit-logs",
            "list",
            "--start-time",
            "2026-12-01T00:00:00Z",
            "--end-time",
            "2026-12-02T00:00:00Z",
            "--organisation-id",
            WORKSPACE,
        ],
        ("audit_logs", "list"),
        {"start_time": "2026-12-01T00:00:00Z", "end_time": "2026-12-02T00:00:00Z", "organisation_id": WORKSPACE},
    ),
    "collections": (
        ["--workspace", WORKSPACE, "collections", "list"],
        ("collections", "list"),
        {"workspace_id": WORKSPACE},
    ),
    "configs": (["configs", "retrieve", "pc-pplx-c-ca7a87"], ("configs", "retrieve"), {"slug": "pc-pplx-c-ca7a87"}),
    "guardrails": (["guardrails", "list"], ("guardrails", "list"), {}),
    "integrations": (["integrations", "list"], ("integrations", "list"), {}),
    "labels": (["labels", "list"], ("labels", "list"), {}),
    "logs": (["logs", "exports", "list"], ("logs", "exports", "list"), {}),
    "mcp_integrations": (["mcp-integrations", "list"], ("mcp_integrations", "list"), {}),
    "mcp_servers": (["mcp-servers", "list"], ("mcp_servers", "list"), {}),
    "model_configs": (
        ["model-configs", "pricing", "retrieve", "openai", "gpt-4o"],
        ("model_configs", "pricing", "retrieve"),
        {"provider": "openai", "model": "gpt-4o"},
    ),
    "policies": (["policies", "rate-limits", "list"], ("policies", "rate_limits", "list"), {}),
    "prompts": (["prompts", "list"], ("prompts", "list"), {}),
    "providers": (["providers", "list"], ("providers", "list"), {}),
    "secret_references": (["secret-references", "list"], ("secret_references", "list"), {}),
    "virtual_keys": (["virtual-keys", "list"], ("virtual_keys", "list"), {}),
}


def test_every_top_level_resource_has_a_sample() -> None:
    assert set(SAMPLES) == {words[0].replace("-", "_") for words in GROUPS if len(words) == 1}


@pytest.mark.parametrize("resource", sorted(SAMPLES))
def test_a_sample_command_of_every_resource_prints_what_the_library_returns(
    resource: str, on_prism: Invoke, prism: Any
) -> None:
    command, method, arguments = SAMPLES[resource]
    op = next(o for o in OPERATIONS if o.method == method)
    # Prism answers every page with the same example: a paged list is read up to --limit
    result = on_prism(*command, *(["--limit", "3"] if op.paged else []))
    assert result.exit_code == 0, result.stderr

    with Portkey(base_url=prism.base_url, api_key=API_KEY) as client:
        target: Any = client
        for attribute in method:
            target = getattr(target, attribute)
        expected = target(**arguments)
        wanted = [plain(item) for item in itertools.islice(expected, 3)] if op.paged else plain(expected)
    assert json.loads(result.stdout) == wanted


def test_every_library_method_has_a_command_that_calls_it() -> None:
    methods = {(*o.resource.split("."), o.name) for o in library_operations() if not o.alias_of}
    assert {op.method for op in OPERATIONS} == methods
    client = Portkey(base_url="http://127.0.0.1:9", api_key=API_KEY)
    for op in OPERATIONS:
        if op.words == ("api-keys", "rotate"):
            continue  # the hand-made command (tests/admin/cli/test_workflows.py)
        target: Any = client
        for attribute in op.method:
            target = getattr(target, attribute)
        assert callable(target), op.method
        group = GROUP_OF[op.words[:-1]]
        command = group.commands[op.words[-1]]
        names = {param.name for param in command.params}
        assert {p.name for p in op.params} <= names, op.words
    client.close()


@pytest.mark.parametrize("words", [(), *sorted(GROUPS)], ids=lambda w: " ".join(w) or "portkey")
def test_every_group_has_help(words: tuple[str, ...]) -> None:
    result = invoke_cli([*words, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: portkey {' '.join(words)}".rstrip() + " [OPTIONS] COMMAND")
    if words:
        assert GROUPS[words].split(":")[0] in " ".join(result.stdout.split())
    for name in GROUP_OF[words].commands:
        assert name in result.stdout


def test_a_command_help_comes_from_the_operation() -> None:
    result = invoke_cli(["admin", "workspaces", "users", "retrieve", "--help"])
    assert result.exit_code == 0
    text = result.stdout
    assert "Usage: portkey admin workspaces users retrieve [OPTIONS] WORKSPACE_ID USER_ID" in text
    assert "Get member." in text
    assert "GET /admin/workspaces/{workspaceId}/users/{userId}" in text
    assert "--output [json|jsonl|table]" in text
    create = invoke_cli(["configs", "create", "--help"]).stdout
    assert "--name TEXT" in create and "--json JSON" in create


def test_the_root_help_lists_the_options_and_exit_codes() -> None:
    text = " ".join(invoke_cli(["--help"]).stdout.split())
    for option in ("--api-key", "--base-url", "--workspace", "--version", "--debug", "--max-retries"):
        assert option in text
    assert "3 authentication, 4 not found, 5 server error, 6 network" in text


def test_version_keeps_the_official_scripts_output() -> None:
    from portkey_ai._version import __version__ as core
    from portkey_ai.admin import __version__ as admin

    for flag in ("--version", "-v"):
        result = invoke_cli([flag])
        assert result.exit_code == 0
        assert result.stdout == f"portkey_ai {core} (portkey-admin {admin})\n"


# -- output ----------------------------------------------------------------------------------------------------------


def test_jsonl_prints_one_item_a_line(on_prism: Invoke) -> None:
    result = on_prism("configs", "list", "--output", "jsonl")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["slug"] for line in lines] == ["pc-pplx-c-ca7a87"]


def test_table_prints_the_items_as_rows(on_prism: Invoke) -> None:
    result = on_prism("configs", "list", "--output", "table", env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "┃ id" in result.stdout and "Pplx Cache Test" in result.stdout


def test_table_of_a_single_object_is_field_and_value(on_prism: Invoke) -> None:
    result = on_prism("model-configs", "pricing", "retrieve", "openai", "gpt-4o", "--output", "table")
    assert result.exit_code == 0
    assert "field" in result.stdout and "pay_as_you_go" in result.stdout


# -- bodies ----------------------------------------------------------------------------------------------------------


def _echo(request: Request) -> Any:
    return json_reply({"success": True, "data": {"id": "cfg-1"}})


def test_json_body_inline_and_options_are_merged(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_echo)
    body = {"name": "from-json", "config": {"retry": {"attempts": 2}}, "custom_field": 1}
    result = on_server("configs", "create", "--name", "from-option", "--json", json.dumps(body))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"success": True, "data": {"id": "cfg-1"}}
    assert server.requests[-1].json() == {
        "name": "from-option",
        "config": {"retry": {"attempts": 2}},
        "custom_field": 1,
    }


def test_json_body_from_a_file(on_server: Invoke, server: FaultServer, tmp_path: Any) -> None:
    server.set_script(_echo)
    path = tmp_path / "body.json"
    path.write_text('{"name": "from-file", "config": {}}', encoding="utf-8")
    result = on_server("configs", "create", "--json", f"@{path}")
    assert result.exit_code == 0, result.stderr
    assert server.requests[-1].json() == {"name": "from-file", "config": {}}


def test_a_json_option_takes_a_json_value(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_echo)
    result = on_server("configs", "create", "--name", "n", "--config", '{"cache": {"mode": "simple"}}')
    assert result.exit_code == 0, result.stderr
    assert server.requests[-1].json() == {"name": "n", "config": {"cache": {"mode": "simple"}}}


def test_workspace_fills_workspace_parameters(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(lambda request: json_reply({"data": [], "total": 0, "object": "list"}))
    result = on_server("--workspace", "ws-9", "collections", "list")
    assert result.exit_code == 0, result.stderr
    assert parse_qs(query(server.requests[-1]))["workspace_id"] == ["ws-9"]
    given = on_server("--workspace", "ws-9", "collections", "list", "--workspace-id", "ws-1")
    assert given.exit_code == 0
    assert parse_qs(query(server.requests[-1]))["workspace_id"] == ["ws-1"]


# -- paging ----------------------------------------------------------------------------------------------------------


def _users(total: int) -> Any:
    def handler(request: Request) -> Any:
        params = parse_qs(query(request))
        page = int(params.get("currentPage", ["0"])[0])
        size = int(params["pageSize"][0])
        ids = range(page * size, min((page + 1) * size, total))
        users = [{"object": "user", "id": f"user-{i}", "email": f"u{i}@example.com"} for i in ids]
        return json_reply({"object": "list", "total": total, "data": users})

    return handler


def test_lists_follow_every_page(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_users(5))
    result = on_server("admin", "users", "list", "--page-size", "2", "--output", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [f"user-{i}" for i in range(5)]
    assert [parse_qs(query(r)).get("currentPage") for r in server.requests] == [["0"], ["1"], ["2"]]


def test_limit_stops_early(on_server: Invoke, server: FaultServer) -> None:
    server.set_script(_users(100))
    result = on_server("admin", "users", "list", "--page-size", "2", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)] == ["user-0", "user-1", "user-2"]
    assert len(server.requests) == 2


def test_limit_must_be_positive() -> None:
    result = invoke_cli(["admin", "users", "list", "--limit", "0"])
    assert result.exit_code == 2
    assert "--limit" in result.stderr


def test_the_command_tree_is_a_click_group() -> None:
    assert isinstance(cli, click.Group)
    assert sorted(cli.commands) == sorted({words[0] for words in GROUPS})


def test_a_table_of_items_shows_the_identifying_scalar_columns(on_prism: Invoke) -> None:
    result = on_prism("api-keys", "list", "--limit", "1", "--output", "table", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if line.startswith("┃"))
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == [
        "id",
        "name",
        "type",
        "status",
        "created_at",
        "key",
    ]
