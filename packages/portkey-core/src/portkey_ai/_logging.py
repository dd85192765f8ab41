"""Logging: metadata-only records from `portkey_ai`, and redaction of what openai and the HTTP library log.

The client logs on the `portkey_ai` logger: method, path, status, attempt, delay and trace id, never bodies, query
strings or header values. openai 2.x logs request options (headers, bodies) and URLs at DEBUG, and the HTTP library
logs every URL with its query at INFO (httpcore every response header at DEBUG), so a `RedactingFilter` is attached
to those loggers: what the one secret rule of `_secrets.py` calls secret becomes `<redacted>` (values under secret
names, such as `set-cookie`, `Ocp-Apim-Subscription-Key` and the Portkey headers that may carry secrets or personal
data, and values shaped like `sk-...`, `Bearer ...`, a password in a URL), bodies and query parameters are dropped,
URLs lose their query string and tracebacks are reduced to the exception type. HTTP/2's header compression (hpack)
gets a `HeaderCodecFilter`: header values by the same rule, header blocks omitted. Logger levels
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
from ._secrets import REDACTED, is_secret_name, redact_text

__all__ = ["HeaderCodecFilter", "RedactingFilter", "install", "logger", "redact_headers"]

logger = logging.getLogger("portkey_ai")

OMITTED = "<omitted>"

_BODY_KEYS = frozenset({"json_data", "content", "files", "extra_json", "params", "data", "body"})
_URL = re.compile(r"\b(https?://[^\s?#\"']*)\?[^\s#\"']*")


def _header_text(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _header_pair(name: object, value: object) -> tuple[str, str]:
    """A header as text, its value `<redacted>` under a secret name and redacted by shape otherwise."""
    text = _header_text(name)
    return text, REDACTED if is_secret_name(text) else redact_text(_header_text(value))


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict with every secret value (by name or shape, see `_secrets`) replaced by `<redacted>`."""
    return dict(_header_pair(name, value) for name, value in headers)


def strip_query(text: str) -> str:
    """`text` with the query string and fragment of every URL in it removed (they can carry keys)."""
    return _URL.sub(r"\1", text) if "?" in text else text


def redact_message(text: str) -> str:
    """`text` without URL query strings and with every secret-shaped part redacted (`_secrets.redact_text`)."""
    return redact_text(strip_query(text))


def _redact(value: object) -> object:
    if isinstance(value, httpx.URL):
        return str(value.copy_with(query=None, fragment=None))
    if isinstance(value, httpx.Headers):
        return redact_headers(value.items())
    if isinstance(value, str):
        return redact_message(value)
    if isinstance(value, bytes):
        return redact_message(repr(value))
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
            elif is_secret_name(name):
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
            record.msg = redact_message(record.msg)
        if record.exc_info:
            error = record.exc_info[1]
            if error is not None:
                record.msg = f"{record.msg} ({type(error).__name__})"
            record.exc_info = None
            record.exc_text = None
        return True


def _redact_codec_args(args: tuple[object, ...]) -> tuple[object, ...]:
    """hpack's arguments (or a header tuple's items): a leading name and value as a header, by the rule of the
    name; header blocks (bytes) omitted; text redacted by shape."""
    if len(args) >= 2 and isinstance(args[0], bytes | str) and isinstance(args[1], bytes | str):
        return (*_header_pair(args[0], args[1]), *_redact_codec_args(args[2:]))
    return tuple(_redact_codec_arg(arg) for arg in args)


def _redact_codec_arg(arg: object) -> object:
    if isinstance(arg, tuple | list):
        return _redact_codec_args(tuple(cast(tuple[object, ...] | list[object], arg)))
    if isinstance(arg, bytes | bytearray | memoryview):
        return OMITTED
    if isinstance(arg, str):
        return redact_text(arg)
    return arg


class HeaderCodecFilter(logging.Filter):
    """For HTTP/2's header compression (hpack), which logs every header it encodes or decodes at DEBUG, as a name
    and a value in separate arguments (`"Adding %s=%s to the header table"`), as header tuples, and as whole header
    blocks: a value under a secret name becomes `<redacted>`, other values are redacted by shape, and header blocks
    (Huffman-coded bytes that no shape rule can read) are omitted."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        """Redact `record` in place; never drops it."""
        if isinstance(record.args, tuple):
            record.args = _redact_codec_args(record.args)
        return True


_FILTER = RedactingFilter()
_CODEC_FILTER = HeaderCodecFilter()
_CODEC_LOGGERS = ("hpack.hpack", "hpack.table")
"""HTTP/2's header compression (the `h2` stack of `httpx2[http2]`): h2 marks `authorization` and short cookies as
sensitive, which hpack's own log redacts, but not `x-portkey-api-key` or a provider's key header."""
_HTTPCORE_LOGGERS = ("connection", "http11", "http2", "proxy", "socks")
_LOGGERS = (
    "openai._base_client",
    "openai._response",
    "openai._legacy_response",
    "portkey_ai",
    "httpx",
    "httpx2",
    *(f"{library}.{part}" for library in ("httpcore", "httpcore2") for part in _HTTPCORE_LOGGERS),
)
"""Loggers that see requests. A filter runs only for records of its own logger, so the HTTP libraries' child
loggers are listed one by one (httpcore logs response headers, `set-cookie` included, at DEBUG)."""


def redacting_logger(name: str) -> logging.Logger:
    """`logging.getLogger(name)` with the redacting filter attached (idempotent).

    Every logger of this distribution and its siblings is made with it: a logger's filters never run for records of
    its child loggers, so the filter on `portkey_ai` alone would not cover `portkey_ai.langchain`.
    """
    return _filtered(name, _FILTER)


def _filtered(name: str, log_filter: logging.Filter) -> logging.Logger:
    target = logging.getLogger(name)
    if log_filter not in target.filters:
        target.addFilter(log_filter)
    return target


def install() -> None:
    """Attach the redacting filter to the loggers that can see requests, and apply `PORTKEY_LOG` (idempotent)."""
    for name in _LOGGERS:
        redacting_logger(name)
    for name in _CODEC_LOGGERS:
        _filtered(name, _CODEC_FILTER)
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("PORTKEY_LOG", "").strip().lower())
    if level is not None:
        logging.basicConfig(format="[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s")
        logger.setLevel(level)
        logging.getLogger("openai").setLevel(level)
