"""Running the measurements: the bench server (and optionally the gateway) and one child process per sample.

Rounds are interleaved: each round runs every contender once, in an order rotated by one per round, so that drift
of a shared, loaded machine falls on all contenders alike. The parent reads each child's wall time and CPU time
(user + system, from `wait4`), and the child reports what it measured inside itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from . import server
from .envs import REPO_ROOT, Environment
from .metrics import Measurement, Mode

__all__ = [
    "CHILD",
    "EXPECTED",
    "Endpoint",
    "ProcessResult",
    "bench_endpoint",
    "child_env",
    "run_child",
    "run_process",
    "sample",
]

CHILD: Final = Path(__file__).resolve().parent / "child.py"
EXPECTED: Final = {
    "answer": server.ANSWER,
    "stream_text": server.STREAM_TEXT,
    "stream_chunks": server.STREAM_CHUNKS,
    "tool_name": server.TOOL_NAME,
    "tool_arguments": server.TOOL_ARGUMENTS,
    "usage_stream_text": server.USAGE_STREAM_TEXT,
    "usage_stream_chunks": server.USAGE_STREAM_CHUNKS,
    "usage_total_tokens": server.USAGE_TOTAL_TOKENS,
}
"""What the bench server answers, which every child checks (spec keys of `bench/child.py`)."""
_CHILD_TIMEOUT: Final = 600.0
_SERVER_START_TIMEOUT: Final = 60.0
_STRIPPED_ENV_PREFIXES: Final = ("PORTKEY_", "OPENAI_")
_STRIPPED_ENV: Final = frozenset(
    {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONPROFILEIMPORTTIME"}
)


@dataclass(frozen=True)
class ProcessResult:
    """A finished child: its wall time, CPU time (user + system) and output."""

    wall: float
    cpu: float
    stdout: str


@dataclass(frozen=True)
class Endpoint:
    """Where the contenders send their requests.

    Attributes:
        base_url: The clients' base URL (the bench server's `/v1`, or the gateway's).
        custom_host: In gateway mode, the bench server's URL, sent as the Portkey custom host.
    """

    base_url: str
    custom_host: str | None


def child_env() -> dict[str, str]:
    """The environment of every child: ours, without Portkey/OpenAI settings or anything that changes imports."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in _STRIPPED_ENV and not name.startswith(_STRIPPED_ENV_PREFIXES)
    }


def run_process(argv: Sequence[str], *, env: Mapping[str, str], timeout: float = _CHILD_TIMEOUT) -> ProcessResult:
    """Run `argv` to completion; raise `SystemExit` with its output if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=dict(env), cwd="/")
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = _read(out), _read(err)
    if process.returncode != 0:
        command = " ".join(argv[:3]) + (" ..." if len(argv) > 3 else "")
        raise SystemExit(
            f"bench: `{command}` exited with status {process.returncode}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        )
    return ProcessResult(wall=wall, cpu=usage.ru_utime + usage.ru_stime, stdout=stdout)


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode(errors="replace")


def run_child(environment: Environment, spec: Mapping[str, Any]) -> tuple[ProcessResult, dict[str, Any]]:
    """Run `bench/child.py` with `spec` in the contender's environment; returns the process and its JSON result.

    Children run isolated (`python -I`): no `PYTHON*` variables, no user site-packages, and not the script's own
    folder on `sys.path`, so nothing of `bench/` can shadow a module of the contender.
    """
    argv = [str(environment.python), "-I", str(CHILD), json.dumps({"contender": environment.contender.name, **spec})]
    result = run_process(argv, env=child_env())
    lines = result.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"bench: the {environment.contender.name} child printed nothing for {spec.get('metric')}")
    parsed: dict[str, Any] = json.loads(lines[-1])
    return result, parsed


def sample(measurement: Measurement, environment: Environment, endpoint: Endpoint, mode: Mode) -> dict[str, float]:
    """One sample of `measurement` for one contender: the child's numbers plus the process's `wall` and `cpu`."""
    if measurement.key == "import":
        argv = [str(environment.python), "-I", "-c", environment.contender.import_statement]
        result = run_process(argv, env=child_env())
        return {"wall": result.wall, "cpu": result.cpu}
    spec: dict[str, Any] = {
        "metric": measurement.key,
        "base_url": endpoint.base_url,
        "custom_host": endpoint.custom_host,
        **EXPECTED,
        **measurement.sizes[mode],
    }
    result, values = run_child(environment, spec)
    return {**values, "wall": result.wall, "cpu": result.cpu}


def _wait_for_line(stream: IO[str], timeout: float, what: str) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or not lines[0]:
        raise SystemExit(f"bench: {what} did not start within {timeout:.0f}s")
    return lines[0]


@contextlib.contextmanager
def _bench_server(required_header: str) -> Generator[str]:
    argv = [sys.executable, "-m", "bench.server", "--port", "0", "--require-header", required_header]
    process = subprocess.Popen(argv, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = _wait_for_line(process.stdout, _SERVER_START_TIMEOUT, "the bench server")
        port = int(line.split()[1])
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def bench_endpoint(*, gateway: bool, log: Callable[[str], None]) -> Generator[Endpoint]:
    """Start the bench server (and the local gateway in front of it when `gateway`); stop them afterwards."""
    if not gateway:
        with _bench_server("x-portkey-provider") as url:
            log(f"bench server on {url}")
            yield Endpoint(base_url=f"{url}/v1", custom_host=None)
        return
    sys.path.insert(0, str(REPO_ROOT))
    from tests.servers.node_servers import ServerUnavailable, start_gateway

    # The gateway does not forward x-portkey-* headers upstream; it does forward the provider's Authorization.
    with _bench_server("authorization") as url, tempfile.TemporaryDirectory(prefix="bench-gateway-") as logs:
        try:
            node = start_gateway(Path(logs))
        except ServerUnavailable as exc:
            raise SystemExit(f"bench: --gateway needs the local gateway: {exc}") from exc
        try:
            log(f"bench server on {url}, gateway on {node.url}")
            yield Endpoint(base_url=node.base_url, custom_host=f"{url}/v1")
        finally:
            node.close()
