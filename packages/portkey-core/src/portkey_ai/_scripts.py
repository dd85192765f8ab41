"""The official SDK's `portkey_ai` console script: `portkey_ai --version` (its one feature) keeps working.

The command line for the control plane is portkey-admin's `portkey` (`pip install "portkey-admin[cli]"`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """`portkey_ai --version` / `-v` prints `portkey_ai <version>` (the version of portkey-core) and exits."""
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="portkey_ai", description="The Portkey Python SDK (the control-plane command line is `portkey`)."
    )
    parser.add_argument("--version", "-v", action="version", version=f"portkey_ai {__version__}")
    parser.parse_args(argv)
