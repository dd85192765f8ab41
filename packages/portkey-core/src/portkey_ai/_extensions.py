"""The extension point through which sibling distributions add client attributes.

A distribution registers entry points in the group `portkey_ai.resources`: the entry point's name is the client
attribute (`configs`, `admin`, ...) and its value a factory `factory(client) -> resource`. The core looks an attribute
up only on first access and never imports a sibling's modules itself. The small table below only serves the error
message when the distribution that provides an attribute is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from ._exceptions import MissingExtensionError

ENTRY_POINT_GROUP = "portkey_ai.resources"

_ADMIN = "portkey-admin"
PROVIDED_BY: dict[str, str] = dict.fromkeys(
    (
        "admin",
        "analytics",
        "api_keys",
        "audit_logs",
        "collections",
        "configs",
        "guardrails",
        "integrations",
        "labels",
        "logs",
        "mcp_integrations",
        "mcp_servers",
        "model_configs",
        "policies",
        "prompts",
        "providers",
        "secret_references",
        "virtual_keys",
    ),
    _ADMIN,
)
"""Attribute name -> distribution that provides it (for the install hint only)."""

ResourceFactory = Callable[[Any], Any]


@cache
def _factories() -> dict[str, ResourceFactory]:
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


def find_factory(name: str) -> ResourceFactory | None:
    """The registered factory for a client attribute, loading the entry points on first use."""
    return _factories().get(name)


def missing(owner: str, name: str, *, provider: str | None = None) -> MissingExtensionError:
    """The error for `owner.name` when the distribution providing `provider` (default: `name`) is not installed."""
    dist = PROVIDED_BY[provider or name]
    return MissingExtensionError(f"`{owner}.{name}` is provided by {dist}: pip install {dist}")
