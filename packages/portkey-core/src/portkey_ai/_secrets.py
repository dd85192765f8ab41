"""The one rule for what is a secret: by name (header names, mapping keys, field and query-parameter names) and by
the shape of a value (`sk-...`, `Bearer ...`, `Basic ...`, a password in a URL, a JWT, a private key...).

Used wherever a value is masked: client, option and request-model reprs, the log filter (`_logging.py`), the error
spans and the logs shipped to Portkey (`lib/log_shipper.py`). Also home of `SecretStr`, the `str` whose `repr` hides
it, which the clients hand out for every secret they hold (`portkey.virtual_key`, `portkey.api_key`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from typing import cast

from typing_extensions import override

__all__ = [
    "REDACTED",
    "SecretStr",
    "is_secret_name",
    "is_secret_value",
    "mask_secrets",
    "protect",
    "protect_headers",
    "redact_text",
]

REDACTED = "<redacted>"
"""What a secret is replaced with."""

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")

_ANY_WORD = frozenset(
    {
        "secret",
        "secrets",
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "credential",
        "credentials",
        "cookie",
        "cookies",
        "authorization",
        "auth",
        "apikey",
        "signature",
        "jwt",
        "privatekey",
    }
)
"""Words that make any name secret (`client_secret`, `x-amz-signature`, `set-cookie`, `auth_header`...)."""

_LAST_WORD = frozenset({"token", "key", "sig", "sas"})
"""Words that make a name secret when they end it (`x-functions-key`, `refresh_token`; not `max_tokens`)."""

_ORDINARY_KEYS = frozenset(
    {
        "cache",
        "composite",
        "config",
        "context",
        "cursor",
        "dedup",
        "dict",
        "foreign",
        "group",
        "hash",
        "idempotency",
        "index",
        "input",
        "join",
        "lookup",
        "map",
        "memory",
        "message",
        "metadata",
        "object",
        "output",
        "partition",
        "primary",
        "prompt",
        "result",
        "routing",
        "row",
        "shard",
        "sort",
        "state",
        "storage",
        "tuple",
        "unique",
    }
)
"""Words before a final `key` that name a lookup key, not a credential (`cache_key`, `sort_key`, `tuple_key`)."""

_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("virtual", "key"),
        ("provider", "key"),
        ("subscription", "key"),
        ("key", "id"),
        ("service", "account"),
        ("session", "token"),
    }
)
"""Adjacent words that make a name secret wherever they appear (`aws_access_key_id`, `vertex_service_account_json`)."""

_EXACT = frozenset({"session"})

_SAFE_PORTKEY_HEADERS = frozenset(
    {
        "provider",
        "trace_id",
        "span_id",
        "parent_span_id",
        "span_name",
        "cache_namespace",
        "cache_force_refresh",
        "cache_status",
        "debug",
        "request_timeout",
        "retry_attempt_count",
        "last_used_option_index",
        "strict_open_ai_compliance",
        "forward_headers",
        "request_id",
        "gateway_exception",
        "audio_file_duration",
    }
)
"""`x-portkey-*` headers that carry neither a secret nor personal data; every other one counts as secret (the
API key, virtual key, config, metadata, provider credentials...)."""


def _words(name: str) -> list[str]:
    return [word for word in _SEPARATORS.split(_CAMEL_BOUNDARY.sub("_", name).lower()) if word]


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether `name` names a secret.

    Secret: authorization, cookie and signature names, `*secret*`, passwords, credentials, private keys, service
    accounts, JWTs, names ending in `token`, `key`, `sig` or `sas` (`x-functions-key`, `Ocp-Apim-Subscription-Key`,
    `refresh_token`; but not `max_tokens`, `cache_key_prefix`, nor lookup keys such as `cache_key` or `sort_key`), `*api*key*`, `*key_id*`, `session` and every
    `x-portkey-*` header except the few that carry neither secrets nor personal data (provider, trace and span ids,
    cache and debug flags...). camelCase, `-`, `.` and spaces count as `_`; case is ignored.
    """
    words = _words(name)
    if not words:
        return False
    if words[:2] == ["x", "portkey"]:
        return "_".join(words[2:]) not in _SAFE_PORTKEY_HEADERS
    if "".join(words) in _EXACT:
        return True
    if words[-1] in _LAST_WORD and not (words[-1] == "key" and len(words) > 1 and words[-2] in _ORDINARY_KEYS):
        return True
    if any(word in _ANY_WORD for word in words):
        return True
    return any(pair in _PAIRS for pair in zip(words, words[1:], strict=False))


# -- value shapes -------------------------------------------------------------------------------------------------

_TOKEN68 = r"[A-Za-z0-9\-._~+/]+=*"
_rx: Callable[[str], re.Pattern[str]] = cache(re.compile)
"""A pattern compiled on its first use: importing and constructing a client compiles only the patterns the option
values need (`re.compile` of all of them is about 2 ms, most of this module's import)."""

_SHAPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("PRIVATE KEY-----",), r"-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|\Z)"),
    (("sk-", "rk-", "pk-"), r"\b(?:sk|rk|pk)-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_\-]{16,}"),
    (("_live_", "_test_"), r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    (("AKIA", "ASIA"), r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    (("AIza",), r"\bAIza[0-9A-Za-z_\-]{30,}"),
    (
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    (("xox",), r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
    (("hf_", "gsk_", "r8_"), r"\b(?:hf|gsk|r8)_[A-Za-z0-9]{20,}"),
    (("eyJ",), r"\beyJ[A-Za-z0-9_\-]{6,}\.eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]*"),
)
"""Values that are secrets wherever they appear: private key blocks, provider keys (OpenAI, Anthropic, Stripe, AWS
access key ids, Google, GitHub, Slack, Hugging Face, Groq, Replicate) and JWTs. Each pattern runs only on text that
contains one of its literal markers (a substring test is about 100 x cheaper than the scan)."""

_SCHEME_VALUE = rf"(?i)^(\s*)(Bearer|Basic|Digest|Token|Bot|ApiKey|SharedKey|Negotiate|NTLM)\s+{_TOKEN68}\s*$"
_SCHEME_IN_TEXT = r"(?i)\b(Bearer|Basic|Digest)\s+([A-Za-z0-9\-._~+/]{8,}=*)"
_CREDENTIAL_MARK = r"[0-9+/=\-_.~]"
"""`Bearer <token>` as a whole value; inside text, only a token with a digit or symbol, or of 16 characters or more
in mixed case (not "Basic ideas" or "Basic authentication")."""

_USERINFO = r"\b([a-zA-Z][a-zA-Z0-9+.\-]*://)[^/\s@?#]+@"
_EQUALS = r"[ \t]*=[ \t]*"
_NAME_BEFORE = r"(?<![\w\-])[A-Za-z_][\w\-.]{0,99}\Z"
_VALUE_AFTER = r"""[^&#\s"',;]+"""
_JSON_MEMBER = r"""(["'])([^"'\\]{1,100})\1(\s*:\s*)(["'])((?:(?!\4)[^\\]|\\.){0,4096})\4"""
_HEADER_LINE = r"(?m)^([ \t]*)([A-Za-z][\w\-]*)([ \t]*:[ \t]*)(\S.*)$"
_PAIR = r"""\((b?)(["'])([^"'\\]{1,100})\2(,\s*)(b?)(["'])((?:(?!\6)[^\\]|\\.){0,4096})\6\)"""
"""`(b'name', b'value')`, as the HTTP libraries log header lists."""


def _scheme_in_text(match: re.Match[str]) -> str:
    scheme, token = match.groups()
    mixed_case = len(token) >= 16 and token.lower() != token and token.upper() != token
    return f"{scheme} {REDACTED}" if mixed_case or _rx(_CREDENTIAL_MARK).search(token) else match[0]


def _redact_assignments(text: str) -> str:
    """The value of every secret-named `name=value` redacted (found from each `=`, so plain text costs nothing)."""
    parts: list[str] = []
    done = 0
    for equals in _rx(_EQUALS).finditer(text):
        if equals.start() < done:
            continue
        name = _rx(_NAME_BEFORE).search(text, max(done, equals.start() - 100), equals.start())
        value = _rx(_VALUE_AFTER).match(text, equals.end())
        if name is None or value is None or not is_secret_name(name[0]) or value[0] == REDACTED:
            continue
        parts += [text[done : equals.end()], REDACTED]
        done = value.end()
    return "".join(parts) + text[done:] if parts else text


def _json_member(match: re.Match[str]) -> str:
    quote, name, colon, value_quote, _value = match.groups()
    if not is_secret_name(name):
        return match[0]
    return f"{quote}{name}{quote}{colon}{value_quote}{REDACTED}{value_quote}"


def _header_line(match: re.Match[str]) -> str:
    indent, name, colon, _value = match.groups()
    return f"{indent}{name}{colon}{REDACTED}" if is_secret_name(name) else match[0]


def _pair(match: re.Match[str]) -> str:
    prefix, quote, name, comma, value_prefix, value_quote, _value = match.groups()
    if not is_secret_name(name):
        return match[0]
    return f"({prefix}{quote}{name}{quote}{comma}{value_prefix}{value_quote}{REDACTED}{value_quote})"


def redact_text(text: str) -> str:
    """`text` with every secret-shaped part replaced by `<redacted>`; ordinary text is returned unchanged.

    Replaced: a whole value `Bearer|Basic|Digest|Token|... <token>` (the scheme is kept), such a credential inside
    text, provider keys and JWTs anywhere (see `_SHAPES`), private key blocks, the user and password of a URL
    (`https://<redacted>@host`), and the value of every secret-named `name=value` (query parameters included),
    `"name": "value"`, `name: value` header line and `(b'name', b'value')` pair.
    """
    scheme = _rx(_SCHEME_VALUE).match(text)
    if scheme is not None:
        return f"{scheme[1]}{scheme[2]} {REDACTED}"
    for markers, pattern in _SHAPES:
        if any(marker in text for marker in markers):
            text = _rx(pattern).sub(REDACTED, text)
    lowered = text.lower()
    if "bearer" in lowered or "basic" in lowered or "digest" in lowered:
        text = _rx(_SCHEME_IN_TEXT).sub(_scheme_in_text, text)
    if "://" in text:
        text = _rx(_USERINFO).sub(rf"\1{REDACTED}@", text)
    if "=" in text:
        text = _redact_assignments(text)
    if ":" in text:
        text = _rx(_JSON_MEMBER).sub(_json_member, text)
        text = _rx(_HEADER_LINE).sub(_header_line, text)
    if "(" in text:
        text = _rx(_PAIR).sub(_pair, text)
    return text


def is_secret_value(text: str) -> bool:
    """Whether some part of `text` has the shape of a secret (see `redact_text`)."""
    return redact_text(text) != text


# -- values that hide themselves ----------------------------------------------------------------------------------


class SecretStr(str):
    """A `str` whose `repr` is `'<redacted>'`: usable wherever its value is needed (`str()`, f-strings, `==`,
    headers, JSON), but never printed by `repr()` or by the `repr` of a container holding it."""

    __slots__ = ()

    @override
    def __repr__(self) -> str:
        return repr(REDACTED)


def protect_headers(headers: Mapping[str, object]) -> dict[str, object]:
    """`headers` with every secret value (by name or by shape) a `SecretStr`; a `bytes` value (already checked to
    be ASCII) becomes text first. Other values (openai's `Omit()`) are kept."""
    protected: dict[str, object] = {}
    for name, value in headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if isinstance(text, str) and (is_secret_name(name) or is_secret_value(text)):
            protected[name] = SecretStr(text)
        else:
            protected[name] = value
    return protected


def protect(value: object, *, secret: bool = False) -> object:
    """A copy of `value` where every string that is a secret is a `SecretStr`.

    With `secret=True` every string inside is one (a provider key, a service-account JSON); otherwise the strings
    under secret names (`is_secret_name`) and the strings shaped like secrets (`redact_text`). Mappings become dicts,
    lists stay lists and tuples tuples; other values are returned as they are.
    """
    if isinstance(value, SecretStr):
        return value
    if isinstance(value, str):
        return SecretStr(value) if secret or is_secret_value(value) else value
    if isinstance(value, Mapping):
        mapping = cast(Mapping[object, object], value)
        return {
            key: protect(item, secret=secret or (isinstance(key, str) and is_secret_name(key)))
            for key, item in mapping.items()
        }
    if isinstance(value, list | tuple):
        items = [protect(item, secret=secret) for item in cast(Sequence[object], value)]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def mask_secrets(value: object) -> object:
    """Copy of `value` with every value under a secret-looking key replaced (for reprs and logs)."""
    if isinstance(value, Mapping):
        mapping = cast(Mapping[object, object], value)
        return {
            k: REDACTED if isinstance(k, str) and is_secret_name(k) else mask_secrets(v) for k, v in mapping.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(v) for v in cast(Sequence[object], value)]
    return value
