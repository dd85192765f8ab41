"""What waiting for a long-running job shares: the clock the polls sleep on and the errors a wait raises.

Hand-written (not generated). The waiters themselves are methods of the resources (`portkey.logs.exports.wait`).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Literal, Protocol

import anyio

if TYPE_CHECKING:
    from .types.models import ExportItem

__all__ = ["SYSTEM_CLOCK", "Clock", "ExportFailedError", "SystemClock", "WaitTimeoutError", "check_wait_arguments"]


class Clock(Protocol):
    """The time source of a waiter: the resource's `clock` attribute (`SYSTEM_CLOCK` unless replaced, e.g. by tests)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for `seconds` (sync clients)."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Wait `seconds` without blocking the event loop (async clients)."""
        ...


class SystemClock:
    """The real clock: `time.monotonic`, `time.sleep` and `anyio.sleep` (asyncio or trio, like openai)."""

    def monotonic(self) -> float:
        """`time.monotonic()`."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """`time.sleep(seconds)`."""
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """`await anyio.sleep(seconds)`."""
        await anyio.sleep(seconds)


SYSTEM_CLOCK: Clock = SystemClock()


class WaitTimeoutError(TimeoutError):
    """A waiter gave up: the job had not finished when its `timeout` ran out (the job itself goes on).

    Attributes:
        job_id: The job waited for (an export's id).
        timeout: The timeout, in seconds.
        last: The job as last retrieved (an `ExportItem`).
    """

    def __init__(self, job_id: str, timeout: float, last: ExportItem) -> None:
        super().__init__(f"export {job_id!r} did not finish within {timeout:g} s (last status: {last.status!r})")
        self.job_id = job_id
        self.timeout = timeout
        self.last = last


class ExportFailedError(Exception):
    """A log export ended without a file: its status is `failed` or `stopped` (cancelled).

    Not an `APIError`: every request succeeded, the job did not.

    Attributes:
        export: The export as last retrieved.
        status: `"failed"` or `"stopped"`.
    """

    def __init__(self, export: ExportItem, status: Literal["failed", "stopped"]) -> None:
        super().__init__(f"export {export.id!r} ended with status {status!r}")
        self.export = export
        self.status: Literal["failed", "stopped"] = status


def check_wait_arguments(timeout: float, poll_interval: float) -> None:
    """A `ValueError` naming the argument unless `timeout` is >= 0 and `poll_interval` > 0 (both finite)."""
    if not math.isfinite(timeout) or timeout < 0:
        raise ValueError(f"`timeout` must be a finite number of seconds >= 0, got {timeout!r}")
    if not math.isfinite(poll_interval) or poll_interval <= 0:
        raise ValueError(f"`poll_interval` must be a finite number of seconds > 0, got {poll_interval!r}")
