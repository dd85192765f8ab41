"""Packaging invariants that hold in every install mode (editable workspace, wheels, core alone)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import portkey_ai

SIBLINGS = {"portkey-admin": "admin", "portkey-langchain": "langchain", "portkey-llamaindex": "llamaindex"}


def test_version_comes_from_the_distribution() -> None:
    assert portkey_ai.__version__ == importlib.metadata.version("portkey-core")


def test_siblings_ship_only_their_subpackage() -> None:
    for dist_name, sub in SIBLINGS.items():
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue
        shipped = [str(f) for f in dist.files or [] if str(f).startswith("portkey_ai")]
        assert "portkey_ai/__init__.py" not in shipped, dist_name
        assert all(f.startswith(f"portkey_ai/{sub}/") for f in shipped), (dist_name, shipped)


def test_sibling_distributions_are_importable_when_installed() -> None:
    for dist_name, sub in SIBLINGS.items():
        try:
            importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue
        module = __import__(f"portkey_ai.{sub}", fromlist=["__version__"])
        assert module.__version__ == importlib.metadata.version(dist_name)


def test_import_is_lazy() -> None:
    code = (
        "import sys, portkey_ai\n"
        "heavy = [m for m in ('openai', 'pydantic', 'httpx', 'httpx2', 'portkey_ai._client') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_openai_resources_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "from portkey_ai import Portkey\n"
        "client = Portkey(base_url='http://127.0.0.1:9/v1')\n"
        "before = 'openai.resources.chat' in sys.modules\n"
        "client.chat\n"
        "print(before, 'openai.resources.chat' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False True"
