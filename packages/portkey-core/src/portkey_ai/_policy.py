"""The client's retry, timeout, redirect and error-message policy, as plain functions (no openai internals).

`_hooks.py` plugs these into openai's request loop; keeping the decisions here makes them testable in isolation and
identical for the sync and async clients.

Retries (at most `max_retries`, default 2): connection errors, connect/read/write timeouts, 409, 429 and 5xx.
Never retried: a pool timeout (local saturation), a TLS failure, 408 from the gateway's `request_timeout`, gateway
errors (`x-portkey-gateway-exception: true`), responses where the gateway already retried
(`x-portkey-retry-attempt-count` > 0), `x-should-retry: false`, a `Retry-After` above 60 s, anything that would
sleep past the total deadline, and a stream once it has started. `x-should-retry: true` makes any status retryable
(within the `Retry-After` cap). The delay is `Retry-After` (`retry-after-ms`, then seconds, then an HTTP date) when
it is finite and in (0, 60] s, else exponential backoff `min(0.5 * 2**n, 8) * (1 - 0.25 * U)` s, as in openai.
"""

from __future__ import annotations

import contextvars
import email.utils
import ipaddress
import math
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ._http import httpx
from ._limits import MAX_EVENT_BYTES, MAX_RESPONSE_BYTES

__all__ = [
    "CALL",
    "ERROR_BODY_LIMIT",
    "MAX_RETRY_AFTER",
    "Call",
    "Settings",
    "backoff_delay",
    "body_snippet",
    "check_total_timeout",
    "error_message",
    "is_public_http",
    "origin",
    "parse_retry_after",
    "retry_delay",
    "should_retry_response",
]

MAX_RETRY_AFTER = 60.0
"""`Retry-After` values above this many seconds are not waited for: the error is raised at once with `.retry_after`."""

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0

ERROR_BODY_LIMIT = 1 << 20
"""At most this many bytes of an error (non-2xx) response body are kept, counted after decompression; the connection
is dropped after that."""

SNIPPET_LIMIT = 1024
"""At most this many characters of a body appear in an error's message or validation-error body."""

TRACE_ID_HEADER = "x-portkey-trace-id"


@dataclass(frozen=True, slots=True)
class Settings:
    """The reliability settings of one client (see the `Portkey` docstring)."""

    total_timeout: float | None = None
    require_stream_terminator: bool = True
    allow_insecure_http: bool = False
    max_response_bytes: int | None = MAX_RESPONSE_BYTES
    max_event_bytes: int | None = MAX_EVENT_BYTES


@dataclass(slots=True)
class Call:
    """The state of one logical call (all its attempts), from `request()` until it returns or raises.

    Attributes:
        deadline: `time.monotonic()` value after which nothing more is attempted, or `None`.
        trace_id: The `x-portkey-trace-id` of the call: the caller's, or one made on first need and then sent on
            every attempt.
        retries_taken: Retries taken before the current attempt.
        max_retries: Retries allowed for this call.
        delay: The delay chosen for the next retry (decided together with whether to retry).
    """

    deadline: float | None
    trace_id: str | None = None
    retries_taken: int = 0
    max_retries: int = 0
    delay: float | None = None

    @classmethod
    def start(cls, total_timeout: float | None) -> Call:
        """A call starting now."""
        return cls(None if total_timeout is None else time.monotonic() + total_timeout)

    def own_trace_id(self) -> str:
        """The trace id this call sends when the caller set none, the same for every attempt."""
        if self.trace_id is None:
            self.trace_id = uuid.uuid4().hex
        return self.trace_id

    def remaining(self) -> float | None:
        """Seconds left before the deadline (may be negative), or `None` without a deadline."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def plan_retry(self, headers: Mapping[str, str] | None) -> bool:
        """Decide the delay before the next attempt; `False` when no retry is left or the deadline forbids it."""
        if self.retries_taken >= self.max_retries:
            return False
        delay = retry_delay(self.retries_taken, headers)
        remaining = self.remaining()
        if remaining is not None and delay >= remaining:
            return False
        self.delay = delay
        return True


CALL: contextvars.ContextVar[Call | None] = contextvars.ContextVar("portkey_ai_call", default=None)
"""The call in progress in this thread or task."""


def check_total_timeout(value: object) -> float | None:
    """`value` as a total timeout in seconds, or `ValueError`/`TypeError` naming `total_timeout`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"`total_timeout` must be a number of seconds or None, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError("`total_timeout` must be a positive, finite number of seconds")
    return float(value)


def parse_retry_after(headers: Mapping[str, str] | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asks to wait: `retry-after-ms`, then `retry-after` as seconds, then as an HTTP date.

    Returns a finite number of seconds (possibly zero or negative), or `None` when no header is usable. Never
    raises: a malformed, infinite, NaN, overflowing or out-of-range value counts as absent.
    """
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds):
            return seconds
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return float(email.utils.mktime_tz(parsed) - now())
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def backoff_delay(retries_taken: int, uniform: Callable[[], float] = random.random) -> float:
    """openai's exponential backoff: `min(0.5 * 2**n, 8)` seconds, shortened by up to 25 % at random."""
    base = min(INITIAL_RETRY_DELAY * 2.0 ** min(retries_taken, 1000), MAX_RETRY_DELAY)
    return base * (1 - 0.25 * uniform())


def retry_delay(retries_taken: int, headers: Mapping[str, str] | None) -> float:
    """The delay before the next attempt: `Retry-After` when finite and in (0, 60] s, else backoff."""
    retry_after = parse_retry_after(headers)
    if retry_after is not None and 0 < retry_after <= MAX_RETRY_AFTER:
        return retry_after
    return backoff_delay(retries_taken)


def should_retry_response(status: int, headers: Mapping[str, str]) -> bool:
    """Whether a non-2xx response may be retried (before the deadline and retry budget are considered)."""
    retry_after = parse_retry_after(headers)
    if retry_after is not None and retry_after > MAX_RETRY_AFTER:
        return False
    should = headers.get("x-should-retry")
    if should == "true":
        return True
    if should == "false" or status == 408 or headers.get("x-portkey-gateway-exception") == "true":
        return False
    attempts = headers.get("x-portkey-retry-attempt-count", "").strip()
    if attempts and attempts != "0":
        return False
    return status in (409, 429) or status >= 500


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """`(scheme, host, port)` with the scheme's default port filled in."""
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def body_snippet(text: str, limit: int = SNIPPET_LIMIT) -> str:
    """`text` with tags removed and whitespace collapsed, cut to `limit` characters."""
    if "<" in text:
        text = _TAG.sub(" ", text[: limit * 16])
    text = _SPACE.sub(" ", text[: limit * 4]).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _message_of(body: object) -> str | None:
    if not isinstance(body, Mapping):
        return None
    mapping: Mapping[str, object] = body  # pyright: ignore[reportUnknownVariableType]
    error = mapping.get("error", mapping)
    if isinstance(error, Mapping):
        message = error.get("message")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(message, str) and message:
            return message
    if isinstance(error, str) and error:
        return error
    message = mapping.get("message")
    return message if isinstance(message, str) and message else None


def error_message(status: int, content_type: str, size: int, body: object, text: str) -> str:
    """A short, secret-free message for an error response: the status, then the server's message.

    A JSON body gives its `error.message` (OpenAI shape) or `message` (gateway shape); any other body gives its
    content type, size and a tag-stripped snippet, so a 20 KB HTML error page never becomes the message.
    """
    message = f"Error code: {status}"
    server_message = _message_of(body)
    if server_message is not None:
        return f"{message} - {body_snippet(server_message, 512)}"
    if not text:
        return message
    kind = content_type.split(";", 1)[0].strip() or "no content type"
    return f"{message} ({kind}, {_size(size)}) - {body_snippet(text, 512)}"


def _size(size: int) -> str:
    return f"{size} bytes" if size < 1024 else f"{size / 1024:.0f} KB"


_LOCAL_SUFFIXES = (
    ".localhost",
    ".local",
    ".internal",
    ".test",
    ".example",
    ".invalid",
    ".lan",
    ".home.arpa",
    ".svc",
    ".cluster.local",
)


_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def _ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    return int(part, 8) if part[:1] == "0" else int(part)


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """`host` as an IPv4 address in any spelling a resolver accepts, or `None` when it is not one.

    Besides `8.8.8.8`: a single integer (`134744072`), hexadecimal and octal parts (`0x08080808`, `010.010.010.010`)
    and short forms whose last part fills the remaining bytes (`8.8.2056`, `8.526344`), as in the WHATWG URL
    standard and `inet_aton`.
    """
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
        return None
    numbers = [_ipv4_number(part) for part in parts]
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def is_public_http(url: httpx.URL) -> bool:
    """Whether `url` is plain `http://` (or `ws://`) to a host that looks reachable over the internet.

    Loopback, private and link-local addresses, single-label names (`gateway`, a Kubernetes service) and reserved or
    local domains (`.localhost`, `.local`, `.internal`, `.test`, `.svc`...) are not public. An IPv4 address counts in
    every spelling (`134744072`, `0x08080808`, `8.8.2056`: all 8.8.8.8), and an IPv4-mapped IPv6 address as the IPv4
    address it maps.
    """
    if url.scheme not in ("http", "ws"):
        return False
    host = url.host.lower().rstrip(".")
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = parse_ipv4(host)
    if address is None:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return "." in host and host != "localhost" and not host.endswith(_LOCAL_SUFFIXES)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global
