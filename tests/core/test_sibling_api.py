"""The sibling packages reach core's internals only through `portkey_ai.lib.sibling`.

Every `portkey_ai` import in a sibling's sources (module level or not, relative or absolute, `importlib` strings
included) must name one of the sibling's own modules, or a public core module (no `_`-prefixed part) and public names,
or `portkey_ai.lib.sibling`. The sources are read, not imported, so this runs without the frameworks installed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SIBLINGS = ("portkey-admin", "portkey-langchain", "portkey-llamaindex")
"""Packages held to the rule: every sibling."""

SIBLING_API = "portkey_ai.lib.sibling"
_MODULE_STRING = re.compile(r"portkey_ai(\.\w+)+")


def _own_module(src: Path, module: str) -> bool:
    """Whether `module` (dotted) is a module or package of this distribution's `src` tree."""
    path = src.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _package_of(src: Path, file: Path) -> list[str]:
    return list(file.relative_to(src).parent.parts)


def _private_name(name: str) -> bool:
    """`_x` is private; a dunder (`__version__`) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private(module: str) -> bool:
    return any(_private_name(part) for part in module.split("."))


def _violations_in(src: Path, file: Path, source: str) -> list[str]:
    """The private core imports of one source file, as `file:line: what`."""
    found: list[str] = []
    package = _package_of(src, file)
    where = file.relative_to(src)

    def check(line: int, module: str, names: list[str]) -> None:
        if not (module == "portkey_ai" or module.startswith("portkey_ai.")) or _own_module(src, module):
            return
        if module == SIBLING_API:
            bad = [name for name in names if _private_name(name)]
        elif _private(module):
            bad = [module]
        else:
            bad = [
                f"{module}.{name}" for name in names if _private_name(name) and not _own_module(src, f"{module}.{name}")
            ]
        found.extend(f"{where}:{line}: {item}" for item in bad)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(node.lineno, alias.name, [])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            check(node.lineno, module, [alias.name for alias in node.names])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_STRING.fullmatch(node.value):
            check(node.lineno, node.value, [])
    return found


def private_core_imports(distribution: str) -> list[str]:
    """Every import of a private core module or name in the sources of `packages/<distribution>`."""
    src = ROOT / "packages" / distribution / "src"
    return [
        violation
        for file in sorted(src.rglob("*.py"))
        for violation in _violations_in(src, file, file.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize("distribution", SIBLINGS)
def test_siblings_use_only_the_declared_core_api(distribution: str) -> None:
    assert private_core_imports(distribution) == []


@pytest.mark.parametrize(
    "source",
    [
        "from portkey_ai._options import SECRET_OPTIONS\n",
        "from portkey_ai.lib._spans import SpanTree\n",
        "import portkey_ai._http\n",
        "from portkey_ai import _client\n",
        "from portkey_ai.lib.sibling import _tracing\n",
        "def late():\n    from portkey_ai.resources._base import x\n",
        "from ..lib import _spans\n",
        "import importlib\nimportlib.import_module('portkey_ai._logging')\n",
    ],
)
def test_the_check_catches_every_form_of_private_import(source: str) -> None:
    src = ROOT / "packages" / "portkey-langchain" / "src"
    file = src / "portkey_ai" / "langchain" / "callbacks.py"

    assert len(_violations_in(src, file, source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "from portkey_ai import Portkey, PortkeyOptionsDict\n",
        "from portkey_ai.lib import LogShipper\n",
        "from portkey_ai.lib.sibling import SpanTree, provider_slug\n",
        "from portkey_ai.langchain._payloads import openai_messages\n",
        "from ._records import RunRecord\n",
        "from . import _payloads\n",
    ],
)
def test_the_check_allows_the_public_api_the_declared_module_and_own_modules(source: str) -> None:
    src = ROOT / "packages" / "portkey-langchain" / "src"
    file = src / "portkey_ai" / "langchain" / "callbacks.py"

    assert _violations_in(src, file, source) == []
