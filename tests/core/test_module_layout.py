"""The layout rules of portkey-core's modules: no import circle (type-only and function-level imports included), and
openai's private modules banned by ruff everywhere but in the seam modules named in `pyproject.toml`."""

from __future__ import annotations

import ast
import pkgutil
import tomllib
from pathlib import Path

import openai

import portkey_ai

CORE = Path(portkey_ai.__file__).parent
ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(CORE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Every core module and the core modules it imports anywhere in its source (the package root excluded)."""
    files = {_module_name(path): path for path in CORE.rglob("*.py") if "admin" not in path.parts}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    edges.add(full if full in files else target)
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
        graph[name] = {edge for edge in edges if edge in files and edge not in (name, "portkey_ai")}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in sorted(graph[node]):
            if edge not in index:
                visit(edge)
                low[node] = min(low[node], low[edge])
            elif edge in stack:
                low[node] = min(low[node], index[edge])
        if low[node] == index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_of_every_kind() -> None:
    graph = _import_graph()
    assert "portkey_ai._secrets" in graph["portkey_ai._options"]  # top-level relative import
    assert "portkey_ai.types.gateway_config" in graph["portkey_ai._options"]  # function-level import
    assert "portkey_ai.resources.prompts" in graph["portkey_ai._client"]  # TYPE_CHECKING import


def test_circles_are_found() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_options_and_types_import_no_circle() -> None:
    """`_options -> types.gateway_config -> types._base` never leads back: secret masking lives in `_secrets`."""
    circles = [circle for circle in _circles(_import_graph()) if "portkey_ai._options" in circle]
    assert circles == []


def test_core_has_no_import_circle() -> None:
    """None at all: in particular the resources never import the client module that imports them (they type their
    client as openai's `SyncAPIClient` / `AsyncAPIClient`), and the keyword routing `_endpoint` needs lives in
    `_keywords`, below `_dropin`, which adapts the resources."""
    graph = _import_graph()
    assert "portkey_ai.resources.feedback" in graph["portkey_ai._client"]
    assert "portkey_ai.resources._endpoint" in graph["portkey_ai._dropin"]
    assert _circles(graph) == []


def _ruff_lint() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["ruff"]["lint"]  # type: ignore[no-any-return]


def test_every_private_module_of_openai_is_banned() -> None:
    banned = set(_ruff_lint()["flake8-tidy-imports"]["banned-api"])  # type: ignore[index]
    private = {f"openai.{module.name}" for module in pkgutil.iter_modules(openai.__path__) if module.name[:1] == "_"}
    assert "openai._base_client" in private
    assert private - banned == set()


def test_the_seam_modules_allowed_to_use_it_exist() -> None:
    ignores: dict[str, list[str]] = _ruff_lint()["per-file-ignores"]  # type: ignore[assignment]
    seams = [path for path, rules in ignores.items() if "TID251" in rules]
    assert "packages/portkey-core/src/portkey_ai/_hooks.py" in seams
    assert [path for path in seams if not (ROOT / path).is_file()] == []
