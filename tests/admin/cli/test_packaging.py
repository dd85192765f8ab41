"""How the command is shipped: behind the `cli` extra, imported lazily, its table generated with the library."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.admin.support import generator, spec_file

ROOT = Path(__file__).resolve().parents[3]
CLI_LIBRARIES = ("click", "rich")


def _imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return set(completed.stdout.split())


def test_the_library_does_not_import_the_cli_libraries() -> None:
    code = "import portkey_ai.admin\nfrom portkey_ai import Portkey\nPortkey(api_key='pk-x').configs"
    imported = _imported_after(code)
    assert not imported & set(CLI_LIBRARIES), imported & set(CLI_LIBRARIES)


def test_importing_the_cli_package_imports_no_cli_library() -> None:
    imported = _imported_after("import portkey_ai.admin.cli")
    assert not imported & set(CLI_LIBRARIES)


def test_the_library_depends_on_no_cli_library_and_the_extra_on_both() -> None:
    with (ROOT / "packages" / "portkey-admin" / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    names = [dependency.split(">")[0].split("[")[0].strip() for dependency in project["dependencies"]]
    assert not set(names) & set(CLI_LIBRARIES)
    extra = [dependency.split(">")[0] for dependency in project["optional-dependencies"]["cli"]]
    assert extra == ["click", "rich"]
    assert project["scripts"] == {"portkey": "portkey_ai.admin.cli:main"}


def test_without_the_extra_the_command_says_how_to_install_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['click'] = None\n"  # what `import click` finds when the extra is not installed
        "from portkey_ai.admin.cli import main\n"
        "sys.exit(main(['--version']))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert completed.returncode == 1
    assert completed.stderr == (
        'portkey: the command line needs its extra: pip install "portkey-admin[cli]" (missing: click)\n'
    )


def test_the_command_table_is_generated_and_checked_with_the_library(spec_available: None) -> None:
    if importlib.util.find_spec("ruff") is None or importlib.util.find_spec("yaml") is None:
        pytest.skip("the generator needs ruff and PyYAML (the dev and lint dependency groups)")
    gen = generator()
    table = gen.OUTPUT_DIR / "cli" / "_operations.py"
    files = gen.render_all(spec_file())
    assert files[table] == table.read_text(encoding="utf-8")
    stale = {table: files[table].replace("List all configs", "List every config")}
    problems = [problem for problem in gen.stale_files(stale) if "/cli/" in problem]
    assert problems == ["packages/portkey-admin/src/portkey_ai/admin/cli/_operations.py: differs"]
