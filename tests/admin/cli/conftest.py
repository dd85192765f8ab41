"""Fixtures of the `portkey` command's tests: run it in-process with Click's `CliRunner`, against Prism or a scripted
server on 127.0.0.1.

The command is sync only (a shell command has no event loop to share), so these tests have no async twin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

from portkey_ai.admin.cli._commands import cli
from tests.servers.fault_server import FaultServer

API_KEY = "pk-cli-secret-0123456789"
"""The API key every test passes: it must never appear in any output."""

Invoke = Callable[..., Result]


def invoke_cli(args: list[str], *, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run `portkey ARGS` in-process; `PORTKEY_*` variables of the test process are cleared unless given."""
    environment = {"PORTKEY_API_KEY": None, "PORTKEY_BASE_URL": None, "PORTKEY_WORKSPACE": None, **(env or {})}
    result = CliRunner().invoke(cli, args, env=environment, input=input, prog_name="portkey")
    assert API_KEY not in result.output and API_KEY not in result.stderr, "the API key was printed"
    return result


@pytest.fixture
def on_prism(prism: Any) -> Invoke:
    """`on_prism(*args)`: run `portkey --base-url <prism> --api-key ... ARGS`."""

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return invoke_cli(["--base-url", prism.base_url, "--api-key", API_KEY, *args], env=env, input=input)

    return run


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A scripted server on 127.0.0.1 (`server.set_script(...)`)."""
    with FaultServer() as scripted:
        yield scripted


@pytest.fixture
def on_server(server: FaultServer) -> Invoke:
    """`on_server(*args)`: run `portkey --base-url <server>/v1 --api-key ... --max-retries 0 ARGS`."""

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        base = ["--base-url", server.base_url, "--api-key", API_KEY, "--max-retries", "0"]
        return invoke_cli([*base, *args], env=env, input=input)

    return run
