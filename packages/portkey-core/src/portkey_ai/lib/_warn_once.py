"""`WarnOnce`: the one warn-once helper of core and the tracing integrations."""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable

__all__ = ["WarnOnce"]


class WarnOnce:
    """Log a warning the first time each key comes up, and at DEBUG afterwards.

    Tracing problems must be visible without flooding the application's logs: one warning per kind of failure, the
    repeats only for whoever turns DEBUG on. Thread-safe.
    """

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._seen: set[Hashable] = set()
        self._lock = threading.Lock()

    def __call__(self, key: Hashable, message: str, *args: object, exc_info: bool = False) -> None:
        with self._lock:
            first = key not in self._seen
            self._seen.add(key)
        self._logger.log(logging.WARNING if first else logging.DEBUG, message, *args, exc_info=exc_info)
