"""Logging: metadata-only records from `portkey_ai`, and redaction of what openai and the HTTP library log.

The client logs on the `portkey_ai` logger: method, path, status, attempt, delay and trace id, never bodies, query
strings or header values. openai 2.x logs request options (headers, bodies) and URLs at DEBUG, and the HTTP library
logs every URL with its query at INFO, so a `RedactingFilter` is attached to those loggers: header values whose name
looks secret (key, secret, token, auth, password, signature, credential, cookie, session) and Portkey headers that
may carry secrets or personal data (config, metadata, credentials...) become `<redacted>`, bodies and query
parameters are dropped, URLs lose their query string and tracebacks are reduced to the exception type. Logger levels
are never changed, except by `PORTKEY_LOG=debug|info`, which sets the `portkey_ai` and `openai` loggers (never the
HTTP library's).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from typing_extensions import override

from ._http import httpx

__all__ = ["RedactingFilter", "install", "logger", "redact_headers"]

logger = logging.getLogger("portkey_ai")

REDACTED = "<redacted>"
OMITTED = "<omitted>"

_SECRET_NAME = re.compile(r"key|secret|token|auth|password|passwd|signature|credential|cookie|session", re.IGNORECASE)
_SAFE_PORTKEY_HEADERS = frozenset(
    f"x-portkey-{name}"
    for name in (
        "provider",
        "trace-id",
        "span-id",
        "parent-span-id",
        "span-name",
        "cache-namespace",
        "cache-force-refresh",
        "cache-status",
        "debug",
        "request-timeout",
        "retry-attempt-count",
        "last-used-option-index",
        "strict-open-ai-compliance",
        "forward-headers",
        "request-id",
        "gateway-exception",
    )
)
_BODY_KEYS = frozenset({"json_data", "content", "files", "extra_json", "params", "data", "body"})
_URL = re.compile(r"\b(https?://[^\s?#\"']*)\?[^\s#\"']*")


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    if lowered.startswith("x-portkey-"):
        return lowered not in _SAFE_PORTKEY_HEADERS
    return bool(_SECRET_NAME.search(lowered))


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict with every sensitive value replaced by `<redacted>`."""
    return {name: REDACTED if _secret_header(name) else value for name, value in headers}


def strip_query(text: str) -> str:
    """`text` with the query string and fragment of every URL in it removed (they can carry keys)."""
    return _URL.sub(r"\1", text) if "?" in text else text


def _redact(value: object) -> object:
    if isinstance(value, httpx.URL):
        return str(value.copy_with(query=None, fragment=None))
    if isinstance(value, httpx.Headers):
        return redact_headers(value.items())
    if isinstance(value, str):
        return strip_query(value)
    if isinstance(value, Mapping):
        mapping = cast(Mapping[object, object], value)
        redacted: dict[object, object] = {}
        for key, item in mapping.items():
            name = str(key)
            if name in _BODY_KEYS:
                redacted[key] = OMITTED
            elif name == "headers" and isinstance(item, Mapping):
                headers = cast(Mapping[object, object], item)
                redacted[key] = redact_headers((str(k), str(v)) for k, v in headers.items())
            elif _secret_header(name):
                redacted[key] = REDACTED
            else:
                redacted[key] = _redact(item)
        return redacted
    if isinstance(value, list | tuple):
        return [_redact(item) for item in cast(Iterable[object], value)]
    return value


class RedactingFilter(logging.Filter):
    """Rewrites a record so that it carries no secret header value, body, query string or traceback."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        """Redact `record` in place; never drops it."""
        args: Any = record.args
        if isinstance(args, Mapping):
            record.args = cast(Any, _redact(cast(Mapping[str, object], args)))
        elif args:
            record.args = tuple(_redact(arg) for arg in cast(tuple[object, ...], args))
        if isinstance(record.msg, str):
            record.msg = strip_query(record.msg)
        if record.exc_info:
            error = record.exc_info[1]
            if error is not None:
                record.msg = f"{record.msg} ({type(error).__name__})"
            record.exc_info = None
            record.exc_text = None
        return True


_FILTER = RedactingFilter()
_LOGGERS = ("openai._base_client", "openai._response", "openai._legacy_response", "portkey_ai", httpx.__name__)


def redacting_logger(name: str) -> logging.Logger:
    """`logging.getLogger(name)` with the redacting filter attached (idempotent).

    Every logger of this distribution and its siblings is made with it: a logger's filters never run for records of
    its child loggers, so the filter on `portkey_ai` alone would not cover `portkey_ai.langchain`.
    """
    target = logging.getLogger(name)
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)
    return target


def install() -> None:
    """Attach the redacting filter to the loggers that can see requests, and apply `PORTKEY_LOG` (idempotent)."""
    for name in _LOGGERS:
        redacting_logger(name)
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("PORTKEY_LOG", "").strip().lower())
    if level is not None:
        logging.basicConfig(format="[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s")
        logger.setLevel(level)
        logging.getLogger("openai").setLevel(level)
