"""The one rule for which names (header names, mapping keys, field names) hold secrets.

Used wherever a value is masked: client and option reprs, request-model reprs, and the logs sent to Portkey.
"""

from __future__ import annotations

import re

__all__ = ["is_secret_name"]

_EXACT = frozenset(
    {
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "token",
        "password",
        "passwd",
        "credentials",
        "key",
    }
)
_PARTS = (
    "api_key",
    "apikey",
    "virtual_key",
    "provider_key",
    "access_key",
    "secret",
    "password",
    "private_key",
    "service_account",
    "credential",
    "auth_",
)
_SUFFIXES = ("_token", "_key_id", "_auth")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_secret_name(name: str) -> bool:
    """Whether `name` names a secret: authorization and cookie headers, `x-portkey-*` headers, `*api*key*`,
    virtual, provider and access keys, `*secret*`, passwords, credentials, private keys, service
    accounts and `token` / `*_token` (but not counters such as `max_tokens`). camelCase and `-` count as `_`."""
    normalised = _CAMEL_BOUNDARY.sub("_", name).replace("-", "_").lower()
    return (
        normalised in _EXACT
        or normalised.startswith("x_portkey_")
        or normalised.endswith(_SUFFIXES)
        or any(part in normalised for part in _PARTS)
    )
