"""37 kinds of secrets planted in one payload or log record, and the ordinary fields that must survive beside them.

Each secret carries its own random material, so a test can name exactly which ones leaked.
"""

from __future__ import annotations

import base64
import secrets
import string
from typing import Any


def _hex(n: int = 24) -> str:
    return secrets.token_hex(n // 2)


def _upper(n: int) -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(n))


NAMES = (
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "Set-Cookie",
    "x-api-key",
    "api-key",
    "Ocp-Apim-Subscription-Key",
    "x-functions-key",
    "signature",
    "x-amz-security-token",
    "X-Goog-Api-Key",
    "client_secret",
    "password",
    "passwd",
    "refresh_token",
    "access_token",
    "private_key",
    "aws_secret_access_key",
    "aws_access_key_id",
    "credentials",
    "x-portkey-api-key",
    "x-portkey-virtual-key",
    "x-portkey-config",
    "apiKey",
    "sessionToken",
    "sig",
)
"""26 names whose value is a secret whatever it looks like."""


def planted() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """`(named, shaped, material)`: the 26 secrets under secret names (values without any secret shape), the 11
    secrets that are secret by their shape (under ordinary names), and for each of the 37 kinds the random text that
    must not appear anywhere in what is logged or sent."""
    named = {name: f"plain-{_hex()}" for name in NAMES}
    material = {f"name:{name}": value for name, value in named.items()}
    openai_key, anthropic_key, bearer, basic_pair = _hex(40), _hex(40), _hex(32), f"user:{_hex(16)}"
    url_password, db_password, query_key, akia = _hex(16), _hex(16), _hex(20), "AKIA" + _upper(16)
    jwt_body, github_token, pem_body = _hex(40), _hex(36), base64.b64encode(secrets.token_bytes(48)).decode()
    shaped = {
        "openai_key": f"sk-proj-{openai_key}",
        "anthropic_key": f"sk-ant-api03-{anthropic_key}",
        "bearer_value": f"Bearer {bearer}",
        "basic_value": "Basic " + base64.b64encode(basic_pair.encode()).decode(),
        "url_with_password": f"https://admin:{url_password}@gateway.example.com/v1",
        "database_url": f"postgres://app:{db_password}@db.internal:5432/app",
        "url_with_key": f"https://llm.example.com/v1/models?api_key={query_key}&model=gpt-4o-mini",
        "aws_key_id": akia,
        "jwt": f"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ7{jwt_body}In0.c2lnbmF0dXJl",
        "github_token": f"ghp_{github_token}",
        "pem": f"-----BEGIN PRIVATE KEY-----\n{pem_body}\n-----END PRIVATE KEY-----",
    }
    material.update(
        {
            "shape:openai_key": openai_key,
            "shape:anthropic_key": anthropic_key,
            "shape:bearer_value": bearer,
            "shape:basic_value": base64.b64encode(basic_pair.encode()).decode(),
            "shape:url_with_password": url_password,
            "shape:database_url": db_password,
            "shape:url_with_key": query_key,
            "shape:aws_key_id": akia,
            "shape:jwt": jwt_body,
            "shape:github_token": github_token,
            "shape:pem": pem_body[:40],
        }
    )
    return named, shaped, material


ORDINARY: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "max_tokens": 256,
    "total_tokens": 1024,
    "session_id": "session-42",
    "cache_key": "cache-7",
    "text": "Basic ideas first: the bearer of good news knows the password is never written down.",
    "provider": "openai",
}
"""Fields that must arrive unchanged next to the secrets."""


def leaked(text: str, material: dict[str, str]) -> list[str]:
    """The kinds of planted secrets whose material appears in `text`."""
    return sorted(kind for kind, value in material.items() if value in text)
