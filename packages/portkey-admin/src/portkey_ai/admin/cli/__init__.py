"""The `portkey` command: every control-plane operation of portkey-admin from the shell.

It needs the `cli` extra (`pip install "portkey-admin[cli]"`: Click and Rich). Nothing here imports them at import
time, and `import portkey_ai.admin` never imports this package: the library gains no dependency.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

_MISSING_EXTRA = 'portkey: the command line needs its extra: pip install "portkey-admin[cli]" (missing: {name})\n'


def main(argv: list[str] | None = None) -> int:
    """The console script `portkey`: runs the command line and returns its exit code."""
    try:
        import click  # noqa: F401  # pyright: ignore[reportUnusedImport]
        import rich  # noqa: F401  # pyright: ignore[reportUnusedImport]
    except ImportError as exc:
        sys.stderr.write(_MISSING_EXTRA.format(name=exc.name))
        return 1
    from ._commands import run

    return run(argv)
