"""Start and stop the Node.js test servers: the OSS Portkey gateway and Prism serving the official spec.

Both are installed from the committed lock files in ``tests/servers/gateway`` and ``tests/servers/prism`` by
``scripts/install-test-servers``. They listen on 127.0.0.1 on a free port. When Node.js, a package or the spec is
missing, the start functions raise :class:`ServerUnavailable` (the fixtures turn it into a skip, or a failure in CI).
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Final

__all__ = [
    "GATEWAY_DIR",
    "PRISM_DIR",
    "REPO_ROOT",
    "NodeServer",
    "ServerUnavailable",
    "patched_prism_spec",
    "prism_spec",
    "spec_source",
    "start_gateway",
    "start_prism",
]

SERVERS_DIR: Final = Path(__file__).resolve().parent
REPO_ROOT: Final = SERVERS_DIR.parents[1]
GATEWAY_DIR: Final = SERVERS_DIR / "gateway"
PRISM_DIR: Final = SERVERS_DIR / "prism"
OVERLAY: Final = REPO_ROOT / "spec" / "overlay.yaml"
GENERATOR: Final = REPO_ROOT / "scripts" / "generate_admin.py"
INSTALL_HINT: Final = "run scripts/install-test-servers"

_GATEWAY_PACKAGE: Final = "@portkey-ai/gateway"
_PRISM_PACKAGE: Final = "@stoplight/prism-cli"
# Variables that change what the gateway trusts, caches or serves; the tests need its defaults.
_GATEWAY_ENV_EXCLUDED: Final = frozenset(
    {"TRUSTED_CUSTOM_HOSTS", "REDIS_CONNECTION_STRING", "ALBUS_BASEPATH", "NODE_ENV", "ENVIRONMENT", "NODE_OPTIONS"}
)
_START_ATTEMPTS: Final = 3
_POLL_INTERVAL: Final = 0.05


class ServerUnavailable(Exception):
    """A prerequisite of a test server (Node.js, an npm package, the spec) is missing."""


@dataclass
class NodeServer:
    """A running Node.js server process.

    Attributes:
        name: ``"gateway"`` or ``"prism"``.
        url: ``http://127.0.0.1:<port>``.
        base_url: The URL clients use: ``url + "/v1"`` for the gateway, ``url`` for Prism (it serves paths without
            ``/v1``).
        port: The TCP port.
        log_path: The file that receives the process's stdout and stderr.
    """

    name: str
    url: str
    base_url: str
    port: int
    log_path: Path
    _process: subprocess.Popen[bytes]
    _log: IO[bytes]

    def log_tail(self, max_chars: int = 4000) -> str:
        """The end of the server's output, for error messages."""
        return _tail(self.log_path, max_chars)

    def close(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 s) and close its log (idempotent)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()


def _tail(path: Path, max_chars: int) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return text[-max_chars:]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ServerUnavailable("Node.js is not installed (no `node` on PATH); the gateway and Prism tests need it")
    return node


def _installed_entry(folder: Path, package: str, entry: str) -> Path:
    """The entry script of ``package`` installed in ``folder``, checked against the version ``package.json`` pins."""
    wanted = json.loads((folder / "package.json").read_text())["dependencies"][package]
    manifest = folder / "node_modules" / package / "package.json"
    if not manifest.is_file():
        raise ServerUnavailable(f"{package} is not installed in {folder}: {INSTALL_HINT}")
    installed = json.loads(manifest.read_text())["version"]
    if installed != wanted:
        raise ServerUnavailable(f"{package} {installed} is installed in {folder}, {wanted} is pinned: {INSTALL_HINT}")
    return folder / "node_modules" / package / entry


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    """Whether an HTTP server answers ``GET /`` on 127.0.0.1:``port`` (any status)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def _spawn(
    name: str,
    argv_for_port: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    base_path: str,
    timeout: float,
) -> NodeServer:
    """Start ``argv_for_port`` (``{port}`` is replaced) and wait until it answers HTTP; retry if the port was taken."""
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        argv = [part.replace("{port}", str(port)) for part in argv_for_port]
        log = log_path.open("wb")
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        server = NodeServer(name, url, url + base_path, port, log_path, process, log)
        deadline = time.monotonic() + timeout
        while process.poll() is None and not _answers(port):
            if time.monotonic() > deadline:
                server.close()
                raise RuntimeError(f"{name} did not answer on {url} within {timeout:.0f}s:\n{server.log_tail()}")
            # Waiting on the child paces the polling and notices at once if it exits.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=_POLL_INTERVAL)
        if process.poll() is None:
            return server
        server.close()
        if "EADDRINUSE" not in server.log_tail():
            raise RuntimeError(f"{name} exited with status {process.returncode}:\n{server.log_tail()}")
    raise RuntimeError(f"{name} could not bind a free port in {_START_ATTEMPTS} attempts")


def start_gateway(log_dir: Path, *, timeout: float = 30.0) -> NodeServer:
    """Start ``@portkey-ai/gateway`` headless on a free loopback port.

    Raises:
        ServerUnavailable: If Node.js or the package is missing.
        RuntimeError: If the process fails to start.
    """
    node = _node()
    entry = _installed_entry(GATEWAY_DIR, _GATEWAY_PACKAGE, "build/start-server.js")
    env = {k: v for k, v in os.environ.items() if k not in _GATEWAY_ENV_EXCLUDED}
    argv = [node, "--import", str(GATEWAY_DIR / "bind-loopback.mjs"), str(entry), "--port={port}", "--headless"]
    return _spawn(
        "gateway", argv, cwd=GATEWAY_DIR, env=env, log_path=log_dir / "gateway.log", base_path="/v1", timeout=timeout
    )


def spec_source() -> Path:
    """The official OpenAPI spec: env ``PORTKEY_OPENAPI_SPEC``, else ``<repo>/spec/portkey-openapi/openapi.yaml``.

    Raises:
        ServerUnavailable: If the file does not exist.
    """
    configured = os.environ.get("PORTKEY_OPENAPI_SPEC")
    path = Path(configured) if configured else REPO_ROOT / "spec" / "portkey-openapi" / "openapi.yaml"
    if not path.is_file():
        origin = "PORTKEY_OPENAPI_SPEC" if configured else "the default location"
        raise ServerUnavailable(
            f"the Portkey OpenAPI spec is missing at {path} ({origin}); set PORTKEY_OPENAPI_SPEC to the official "
            "openapi.yaml"
        )
    return path


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def patched_prism_spec(source: Path, dest_dir: Path) -> Path:
    """Write a copy of the spec that Prism 5.16 can serve; return its path (``source`` is only read).

    The one change: the header parameter ``x-portkey-metadata`` is declared ``type: object``, which makes Prism crash
    on every data-plane request without that header; the copy declares it ``type: string``.

    Raises:
        ValueError: If the spec declares no ``x-portkey-metadata`` header parameter.
    """
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    found = False
    for index, line in enumerate(lines):
        if line.strip() != "name: x-portkey-metadata":
            continue
        found = True
        for offset in range(index + 1, len(lines)):
            following = lines[offset]
            if following.strip() and _indent(following) < _indent(line):
                break
            if following.strip() == "type: object":
                lines[offset] = following.replace("type: object", "type: string")
                break
    if not found:
        raise ValueError(f"{source} declares no x-portkey-metadata parameter; the Prism fix no longer applies")
    patched = dest_dir / "openapi.yaml"
    patched.write_text("".join(lines), encoding="utf-8")
    return patched


def prism_spec(source: Path, dest_dir: Path, *, overlay: Path = OVERLAY) -> Path:
    """Write what Prism serves: the spec patched by :func:`patched_prism_spec`, merged with ``overlay`` (the
    operations the official SDK sends that the spec lacks) by the admin generator's ``merge_overlay``; return its path.

    The merged document is written as JSON (``openapi.json`` beside the patched copy).
    """
    patched = patched_prism_spec(source, dest_dir)
    generator = _admin_generator()
    merged = generator.load_merged_spec(patched, overlay)
    destination = dest_dir / "openapi.json"
    destination.write_text(json.dumps(merged, default=_json_default), encoding="utf-8")
    return destination


def _admin_generator() -> Any:
    """``scripts/generate_admin.py`` as the module ``generate_admin`` (it holds the one spec + overlay merge)."""
    loaded = sys.modules.get("generate_admin")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("generate_admin", GENERATOR)
    if spec is None or spec.loader is None:
        raise ServerUnavailable(f"cannot load {GENERATOR}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_admin"] = module
    spec.loader.exec_module(module)
    return module


def _json_default(value: object) -> str:
    """Dates the YAML loader parsed (unquoted examples) back to their ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def start_prism(spec: Path, log_dir: Path, *, timeout: float = 90.0) -> NodeServer:
    """Start ``prism mock`` on a free loopback port, serving ``spec`` (already patched).

    Raises:
        ServerUnavailable: If Node.js or the package is missing.
        RuntimeError: If the process fails to start.
    """
    node = _node()
    entry = _installed_entry(PRISM_DIR, _PRISM_PACKAGE, "dist/index.js")
    env = {**os.environ, "SCARF_ANALYTICS": "false"}
    argv = [node, str(entry), "mock", "-h", "127.0.0.1", "-p", "{port}", str(spec)]
    return _spawn("prism", argv, cwd=PRISM_DIR, env=env, log_path=log_dir / "prism.log", base_path="", timeout=timeout)
