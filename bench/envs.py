"""The contenders and their virtual environments (created with uv under `bench/.venvs/`, cached by content).

Each environment's folder name carries a hash of everything that decides its contents: the Python interpreter, the
requirement list and, for our client, every file of `packages/portkey-core`. An environment whose hash still matches
is reused as it is; a stale one is deleted and rebuilt. Our client is installed from the workspace's source tree,
non-editable, with openai, httpx2 and pydantic pinned to the versions in `uv.lock`, so it and the plain openai
contender run the same openai.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "CONTENDERS",
    "OFFICIAL_VERSION",
    "REPO_ROOT",
    "VENVS_DIR",
    "Contender",
    "Environment",
    "prepare",
    "shown",
]

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
VENVS_DIR: Final = REPO_ROOT / "bench" / ".venvs"
CORE_DIR: Final = REPO_ROOT / "packages" / "portkey-core"
OFFICIAL_VERSION: Final = "2.3.4"
"""The official `portkey-ai` release measured against (the newest on PyPI when the suite was written)."""

_READY: Final = "bench-ready.json"


def shown(path: Path) -> str:
    """`path` as printed: relative to the repository when inside it, so no output names the machine's folders."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(path)


_PINNED_FROM_LOCK: Final = ("openai", "httpx2", "pydantic")


@dataclass(frozen=True)
class Contender:
    """One client under test.

    Attributes:
        name: Short key used in specs and JSON (`ours`, `official`, `openai`, `httpx2`).
        label: Column heading in the table.
        requirements: What `uv pip install` gets (a path for our client).
        import_statement: The statement the cold-import metric runs.
    """

    name: str
    label: str
    requirements: tuple[str, ...]
    import_statement: str


@dataclass(frozen=True)
class Environment:
    """A ready virtual environment of one contender."""

    contender: Contender
    path: Path
    created: bool

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.path / "bin" / "python"


def _locked_versions(names: Iterable[str]) -> dict[str, str]:
    with (REPO_ROOT / "uv.lock").open("rb") as lock:
        packages = tomllib.load(lock)["package"]
    wanted = set(names)
    versions = {package["name"]: package["version"] for package in packages if package["name"] in wanted}
    missing = wanted - versions.keys()
    if missing:
        raise SystemExit(f"bench: uv.lock has no version for {', '.join(sorted(missing))}")
    return versions


def _contenders() -> tuple[Contender, ...]:
    pins = {name: f"{name}=={version}" for name, version in _locked_versions(_PINNED_FROM_LOCK).items()}
    return (
        Contender(
            "ours",
            "portkey-core (this repo)",
            (str(CORE_DIR), pins["openai"], pins["httpx2"], pins["pydantic"]),
            "import portkey_ai",
        ),
        Contender(
            "official",
            f"official portkey-ai {OFFICIAL_VERSION}",
            (f"portkey-ai=={OFFICIAL_VERSION}", pins["pydantic"]),
            "import portkey_ai",
        ),
        Contender("openai", "openai + headers", (pins["openai"], pins["httpx2"], pins["pydantic"]), "import openai"),
        Contender("httpx2", "raw httpx2 (floor)", (pins["httpx2"],), "import httpx2"),
    )


CONTENDERS: Final = _contenders()


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key(contender: Contender) -> str:
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{os.path.realpath(sys.executable)}\0".encode())
    for requirement in contender.requirements:
        if requirement == str(CORE_DIR):
            digest.update(b"core\0" + _tree_digest(CORE_DIR).encode())
        else:
            digest.update(requirement.encode() + b"\0")
    return digest.hexdigest()[:16]


def _uv(*args: str) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    for name in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"):
        env.pop(name, None)
    uv = os.environ.get("UV") or shutil.which("uv") or "uv"  # `uv run` exports its own path as UV
    result = subprocess.run([uv, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench: `uv {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")


def _build(contender: Contender) -> Environment:
    key = _key(contender)
    path = VENVS_DIR / f"{contender.name}-{key}"
    for stale in VENVS_DIR.glob(f"{contender.name}-*"):
        if stale != path:
            shutil.rmtree(stale)
    if (path / _READY).is_file():
        return Environment(contender, path, created=False)
    if path.exists():
        shutil.rmtree(path)
    _uv("venv", "--quiet", "--python", sys.executable, str(path))
    refresh = ["--refresh-package", "portkey-core"] if str(CORE_DIR) in contender.requirements else []
    python = str(path / "bin" / "python")
    _uv("pip", "install", "--quiet", "--compile-bytecode", "--python", python, *refresh, *contender.requirements)
    (path / _READY).write_text(json.dumps({"requirements": contender.requirements}, indent=2) + "\n")
    return Environment(contender, path, created=True)


def prepare(contenders: Iterable[Contender] = CONTENDERS) -> dict[str, Environment]:
    """Create (or reuse) every contender's environment, in parallel; returns them by contender name."""
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    chosen = list(contenders)
    with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
        environments = list(pool.map(_build, chosen))
    return {environment.contender.name: environment for environment in environments}
