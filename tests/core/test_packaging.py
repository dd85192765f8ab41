"""Packaging invariants that hold in every install mode (editable workspace, wheels, core alone)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import portkey_ai

SIBLINGS = {"portkey-admin": "admin", "portkey-langchain": "langchain", "portkey-llamaindex": "llamaindex"}
# The official SDK's `portkey_ai.llms.*` paths: each sibling ships its folder under `portkey_ai/llms/`, a PEP 420
# namespace folder that no distribution owns (no `portkey_ai/llms/__init__.py` anywhere).
LEGACY_FOLDERS = {"portkey-langchain": "llms/langchain", "portkey-llamaindex": "llms/llama_index"}
LEGACY_IMPORTS = {
    "portkey-langchain": ("portkey_ai.llms.langchain", "PortkeyLLM", "portkey_ai.langchain"),
    "portkey-llamaindex": ("portkey_ai.llms.llama_index", "PortkeyLLM", "portkey_ai.llamaindex"),
}


def _installed(dist_name: str) -> bool:
    try:
        importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


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
        folders = [f"portkey_ai/{sub}/"] + (
            [f"portkey_ai/{LEGACY_FOLDERS[dist_name]}/"] if dist_name in LEGACY_FOLDERS else []
        )
        assert all(f.startswith(tuple(folders)) for f in shipped), (dist_name, shipped)
        for folder in folders if shipped else ():  # an editable install lists no package files
            assert f"{folder}__init__.py" in shipped and f"{folder}py.typed" in shipped, (dist_name, folder)


def test_no_distribution_owns_the_llms_namespace_folder() -> None:
    for dist_name in ("portkey-core", *SIBLINGS):
        if _installed(dist_name):
            shipped = {str(f) for f in importlib.metadata.distribution(dist_name).files or []}
            assert "portkey_ai/llms/__init__.py" not in shipped, dist_name


def test_core_ships_the_official_exceptions_module() -> None:
    import portkey_ai._exceptions
    import portkey_ai.api_resources.exceptions

    core_folder = Path(portkey_ai._exceptions.__file__).parent
    assert Path(portkey_ai.api_resources.exceptions.__file__) == core_folder / "api_resources" / "exceptions.py"


def test_the_official_import_paths_of_installed_siblings_work() -> None:
    checked = 0
    for dist_name, (legacy_path, name, modern_path) in LEGACY_IMPORTS.items():
        if not _installed(dist_name):
            with pytest.raises(ModuleNotFoundError):
                __import__(legacy_path)
            continue
        code = f"import {legacy_path} as legacy, {modern_path} as modern; print(legacy.{name} is modern.{name})"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == "True", dist_name
        checked += 1
    assert checked == sum(_installed(dist_name) for dist_name in LEGACY_IMPORTS)


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
