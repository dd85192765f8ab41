"""mkdocs hooks: repository files outside docs/ become pages, and links between repository files keep working.

The README, the package READMEs, the changelogs, ARCHITECTURE.md and bench/README.md are written to be read on the
repository (and on PyPI), with links relative to themselves or absolute to the repository. On the site, a link to a
file that is a page becomes a link to that page; a link to any other repository file becomes an absolute link to
the repository; a link to a file that does not exist is left as it is, so the strict build reports it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

REPOSITORY_URL: Final = "https://github.com/portkey-community/portkey-python"
_BLOB_PREFIXES: Final = (f"{REPOSITORY_URL}/blob/main/", f"{REPOSITORY_URL}/tree/main/")
_PACKAGES: Final = ("portkey-core", "portkey-admin", "portkey-langchain", "portkey-llamaindex")

PAGES: Final[dict[str, str]] = {
    "README.md": "index.md",
    "ARCHITECTURE.md": "architecture.md",
    "bench/README.md": "bench.md",
    "packages/portkey-admin/api.md": "packages/portkey-admin-api.md",
    **{f"packages/{name}/README.md": f"packages/{name}.md" for name in _PACKAGES},
    **{f"packages/{name}/CHANGELOG.md": f"changelog/{name}.md" for name in _PACKAGES},
}
"""Repository file -> site page, for the pages that do not live in docs/."""

_SOURCES: Final = {page: source for source, page in PAGES.items()}
_FENCE: Final = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_LINK: Final = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)(\))")
_REFERENCE_LINK: Final = re.compile(r"^(\s*\[[^\]]+\]:\s*)(\S+)", re.MULTILINE)


def _repository_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add the repository files of `PAGES` as generated pages."""
    from mkdocs.structure.files import File

    root = _repository_root(config)
    for source, page in PAGES.items():
        files.append(File.generated(config, page, content=(root / source).read_text(encoding="utf-8")))
    return files


def _source_of(page: Page) -> str:
    uri = page.file.src_uri
    return _SOURCES.get(uri, f"docs/{uri}")


def _site_target(target: str, source: str, root: Path, page_uri: str) -> str:
    if (
        target.startswith(("#", "/"))
        or re.match(r"^[a-z][a-z0-9+.-]*:", target)
        and not target.startswith(_BLOB_PREFIXES)
    ):
        return target
    path, hash_mark, fragment = target.partition("#")
    for prefix in _BLOB_PREFIXES:
        if path.startswith(prefix):
            repository_path = path.removeprefix(prefix).rstrip("/")
            break
    else:
        repository_path = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if repository_path in PAGES:
        site_path = PAGES[repository_path]
    elif repository_path.startswith("docs/"):
        site_path = repository_path.removeprefix("docs/")
    elif (root / repository_path).exists() and not repository_path.startswith("../"):
        kind = "tree" if (root / repository_path).is_dir() else "blob"
        return f"{REPOSITORY_URL}/{kind}/main/{repository_path}{hash_mark}{fragment}"
    else:
        return target
    relative = posixpath.relpath(site_path, posixpath.dirname(page_uri) or ".")
    return f"{relative}{hash_mark}{fragment}"


def _rewrite(text: str, source: str, root: Path, page_uri: str) -> str:
    def inline(match: re.Match[str]) -> str:
        return match[1] + _site_target(match[2], source, root, page_uri) + match[3]

    def reference(match: re.Match[str]) -> str:
        return match[1] + _site_target(match[2], source, root, page_uri)

    return _REFERENCE_LINK.sub(reference, _INLINE_LINK.sub(inline, text))


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:  # noqa: ARG001
    """Rewrite the links of a page (outside fenced code blocks) to site pages or repository URLs."""
    root = _repository_root(config)
    source = _source_of(page)
    pieces: list[str] = []
    position = 0
    for fence in _FENCE.finditer(markdown):
        pieces.append(_rewrite(markdown[position : fence.start()], source, root, page.file.src_uri))
        pieces.append(fence[0])
        position = fence.end()
    pieces.append(_rewrite(markdown[position:], source, root, page.file.src_uri))
    return "".join(pieces)
