"""docs/hooks.py: links between repository files become links between site pages, or to the repository."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY = "https://github.com/portkey-community/portkey-python"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _load()


@pytest.mark.parametrize(
    ("target", "source", "page", "expected"),
    [
        # README (the home page) to a guide, with its anchor
        ("docs/reliability.md#retries", "README.md", "index.md", "reliability.md#retries"),
        # README to a package README, which is a page in a subfolder
        ("packages/portkey-admin/README.md", "README.md", "index.md", "packages/portkey-admin.md"),
        # a package README's absolute repository link (as PyPI needs) to another page
        (
            f"{REPOSITORY}/blob/main/README.md#quick-start",
            "packages/portkey-core/README.md",
            "packages/portkey-core.md",
            "../index.md#quick-start",
        ),
        (
            f"{REPOSITORY}/blob/main/packages/portkey-admin/api.md",
            "packages/portkey-admin/README.md",
            "packages/portkey-admin.md",
            "portkey-admin-api.md",
        ),
        # a guide back to the README and to a source file (not a page: the repository)
        ("../README.md", "docs/audio.md", "audio.md", "index.md"),
        (
            "../packages/portkey-core/src/portkey_ai/_options.py",
            "docs/audio.md",
            "audio.md",
            f"{REPOSITORY}/blob/main/packages/portkey-core/src/portkey_ai/_options.py",
        ),
        ("../bench", "docs/performance.md", "performance.md", f"{REPOSITORY}/tree/main/bench"),
        # left alone: other sites, anchors, absolute paths, and missing files (the strict build reports those)
        ("https://portkey.ai", "README.md", "index.md", "https://portkey.ai"),
        ("#gateway-options", "README.md", "index.md", "#gateway-options"),
        ("/etc", "README.md", "index.md", "/etc"),
        ("docs/missing.md", "README.md", "index.md", "missing.md"),
        ("no/such/file.py", "README.md", "index.md", "no/such/file.py"),
    ],
)
def test_link_targets(target: str, source: str, page: str, expected: str) -> None:
    assert hooks._site_target(target, source, ROOT, page) == expected


def test_links_in_code_blocks_are_left_alone() -> None:
    text = "[guide](docs/audio.md)\n\n```python\nx = [1](docs/audio.md)\n```\n\n![chart](docs/images/benchmark.png)\n"

    class _File:
        src_uri = "index.md"

    class _Page:
        file = _File()

    class _Config:
        config_file_path = str(ROOT / "mkdocs.yml")

    rewritten = hooks.on_page_markdown(text, page=_Page(), config=_Config(), files=None)

    assert (
        rewritten == "[guide](audio.md)\n\n```python\nx = [1](docs/audio.md)\n```\n\n![chart](images/benchmark.png)\n"
    )


def test_every_page_source_exists() -> None:
    assert [source for source in hooks.PAGES if not (ROOT / source).is_file()] == []
