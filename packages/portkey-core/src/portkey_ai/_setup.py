"""Authentication and headers: what `Portkey.__init__` resolves before openai's constructor runs (API key, base URL,
every option checked and serialised to its header) and the check every outgoing header gets.

openai's `Omit`/`NotGiven` are its public names; nothing here uses openai's underscore API.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openai import NotGiven, Omit

from ._constants import LOCAL_GATEWAY_URL, PORTKEY_GATEWAY_URL
from ._exceptions import (
    MissingAPIKeyError,
)
from ._http import httpx
from ._limits import check_limit
from ._options import OPTION_SPECS, PortkeyOptions, build_headers, check_header_value, make_options
from ._policy import Settings, check_total_timeout, is_public_http
from ._secrets import SecretStr

__all__ = [
    "PLACEHOLDER_PROVIDER_KEY",
    "ClientSetup",
    "check_header",
    "check_max_retries",
    "make_settings",
    "merged_defaults",
    "prepare_client",
    "warn_unsupported",
]


@dataclass(frozen=True, slots=True)
class ClientSetup:
    """Everything `Portkey.__init__` resolved before handing over to openai's constructor."""

    options: PortkeyOptions
    base_url: str
    portkey_headers: dict[str, str]
    user_headers: dict[str, str]
    webhook_secret: str | None
    settings: Settings
    websocket_base_url: str | None = None


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _check_url(
    name: str, value: str | httpx.URL, allow_insecure_http: bool, schemes: tuple[str, str] = ("http", "https")
) -> str:
    text = str(value).strip()
    check_header_value(name, text)
    try:
        url = httpx.URL(text)
    except Exception:  # the HTTP library's InvalidURL quotes the URL, credentials included
        url = None
    if url is None or url.scheme not in schemes or not url.host:
        raise ValueError(f"`{name}` must be an absolute {schemes[0]}:// or {schemes[1]}:// URL")
    if url.userinfo:
        raise ValueError(f"`{name}` must not contain credentials (user:password@); pass them as options instead")
    if url.query or url.fragment:
        raise ValueError(f"`{name}` must not contain a query string or a fragment")
    if is_public_http(url):
        if not allow_insecure_http:
            raise ValueError(
                f"`{name}` uses plain {url.scheme}:// to a public host, which would send your keys unencrypted; use "
                f"{schemes[1]}://, or pass `allow_insecure_http=True` if the network is trusted"
            )
        warnings.warn(
            f"`{name}` uses plain {url.scheme}:// to the public host {url.host}: keys and prompts travel unencrypted",
            UserWarning,
            stacklevel=5,
        )
    return text


def _is_hosted(base_url: str) -> bool:
    return httpx.URL(base_url).host == httpx.URL(PORTKEY_GATEWAY_URL).host


def check_max_retries(value: object) -> int:
    """`value` as a retry count, or `TypeError`/`ValueError` naming `max_retries` (also on openai 2.x)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("`max_retries` must be an int (0 disables retries), not " + type(value).__name__)
    if value < 0:
        raise ValueError("`max_retries` must be >= 0")
    return value


def prepare_client(
    *,
    base_url: str | httpx.URL | None,
    default_headers: Mapping[str, str] | None,
    webhook_secret: str | None,
    settings: Settings,
    options: Mapping[str, object],
    websocket_base_url: str | httpx.URL | None = None,
) -> ClientSetup:
    """Resolve the API key and base URL and validate every option, before any I/O.

    Base URL: the argument, then `PORTKEY_BASE_URL`, then `PORTKEY_PROXY`, then the hosted gateway when an API key
    is known, else a local gateway (`http://localhost:8787/v1`). The API key: the argument, then `PORTKEY_API_KEY`.
    Nothing is read from `OPENAI_*` variables. `base_url` and `custom_host` must be http(s) URLs without credentials,
    query or fragment, and plain http only to a local or private host unless `allow_insecure_http`;
    `websocket_base_url` the same with ws(s). Header values may be `str` or `bytes` (both checked the same way).
    """
    values = dict(options)
    if values.get("api_key") is None:
        values["api_key"] = _env("PORTKEY_API_KEY")
    api_key = values["api_key"]
    if isinstance(api_key, str) and not api_key.strip():
        values["api_key"] = None
    url = base_url or _env("PORTKEY_BASE_URL") or _env("PORTKEY_PROXY")
    if url is None:
        url = PORTKEY_GATEWAY_URL if values["api_key"] else LOCAL_GATEWAY_URL
    checked_url = _check_url("base_url", url, settings.allow_insecure_http)
    custom_host = values.get("custom_host")
    if isinstance(custom_host, str):
        _check_url("custom_host", custom_host, settings.allow_insecure_http)
    websocket_url = (
        None
        if websocket_base_url is None
        else _check_url("websocket_base_url", websocket_base_url, settings.allow_insecure_http, ("ws", "wss"))
    )
    if _is_hosted(checked_url) and not values["api_key"]:
        raise MissingAPIKeyError(
            "The hosted Portkey gateway needs a Portkey API key: pass `api_key=` or set PORTKEY_API_KEY. "
            "For a self-hosted gateway, pass its `base_url` (or set PORTKEY_BASE_URL)."
        )
    portkey_options = make_options(values)
    portkey_headers = build_headers(portkey_options)
    for name, value in portkey_headers.items():
        check_header(_HEADER_OPTIONS.get(name, name), name, value)
    user_headers = dict(default_headers or {})
    for name, value in user_headers.items():
        check_header(f"default_headers[{name!r}]", name, value)
    return ClientSetup(
        options=portkey_options,
        base_url=checked_url,
        portkey_headers=portkey_headers,
        user_headers=user_headers,
        webhook_secret=SecretStr(webhook_secret) if isinstance(webhook_secret, str) else webhook_secret,
        settings=settings,
        websocket_base_url=websocket_url,
    )


_HEADER_OPTIONS = {spec.header: name for name, spec in OPTION_SPECS.items()}
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def check_header(label: str, name: str, value: object) -> None:
    """`ValueError` naming `label` (never echoing the value) unless `name: value` can be sent as an HTTP header.

    A `bytes` value gets the same checks as a `str` (ASCII, no control character, no surrounding space); any other
    type is a `TypeError`.
    """
    if not name or not _TOKEN_CHARS.issuperset(name):
        raise ValueError(f"`{label}` has a header name that is not a valid HTTP token")
    if isinstance(value, Omit | NotGiven):  # openai's way of removing a default header
        return
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        raise TypeError(f"`{label}` must be a str or bytes header value, not {type(value).__name__}")
    check_header_value(label, value)
    if value[:1] == " " or value[-1:] == " ":
        raise ValueError(f"`{label}` starts or ends with a space, which HTTP header values cannot carry")


PLACEHOLDER_PROVIDER_KEY = "portkey"
"""Given to openai's constructor so it never reads OPENAI_API_KEY; never sent, since auth is overridden."""


def warn_unsupported(instrumentation: bool | None) -> None:
    if instrumentation:
        warnings.warn(
            "`instrumentation=True` is not supported by portkey-core; trace LangChain or LlamaIndex apps with "
            "portkey-langchain or portkey-llamaindex instead",
            UserWarning,
            stacklevel=4,
        )


def make_settings(
    total_timeout: object,
    require_stream_terminator: object,
    allow_insecure_http: object,
    max_response_bytes: object,
    max_event_bytes: object,
) -> Settings:
    if not isinstance(require_stream_terminator, bool):
        raise TypeError("`require_stream_terminator` must be a bool")
    if not isinstance(allow_insecure_http, bool):
        raise TypeError("`allow_insecure_http` must be a bool")
    return Settings(
        check_total_timeout(total_timeout),
        require_stream_terminator,
        allow_insecure_http,
        check_limit("max_response_bytes", max_response_bytes),
        check_limit("max_event_bytes", max_event_bytes),
    )


def merged_defaults(
    current: Mapping[str, Any], add: Mapping[str, Any] | None, replace: Mapping[str, Any] | None, what: str
) -> dict[str, Any]:
    if add is not None and replace is not None:
        raise ValueError(f"`default_{what}` and `set_default_{what}` are mutually exclusive")
    if replace is not None:
        return dict(replace)
    return {**current, **(add or {})}
