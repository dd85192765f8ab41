"""Skip, or fail under CI, when a local test server cannot run."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["unavailable"]


def unavailable(reason: str) -> NoReturn:
    """Skip the current test because a local server's prerequisite is missing; fail instead when ``CI=true``.

    Args:
        reason: What is missing and how to get it.
    """
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing test server is a failure)", pytrace=False)
    pytest.skip(reason)
