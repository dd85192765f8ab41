"""The base of every portkey-admin response model."""

from __future__ import annotations

from typing import Any

from openai import BaseModel

__all__ = ["AdminModel", "GenericResponse"]


class AdminModel(BaseModel):
    """A response of the Portkey control plane: an `openai.BaseModel` (pydantic; extra fields kept).

    Responses are parsed without validation, as openai parses its own, so a field the server adds or spells
    differently never breaks a call: unknown fields stay reachable through `model_extra` and `to_dict()`. The
    parsed object also has `get_headers()` (the `x-portkey-*` response headers), added by the core client.
    """


class GenericResponse(AdminModel):
    """The response of an operation whose body the spec leaves open (most updates and deletes return `{}`).

    The fields are the ones the official SDK's `GenericResponse` had; whatever else the server sends is kept too.
    """

    success: bool | None = None
    """Whether the operation succeeded, when the server says."""
    data: Any = None
    """The payload, when the server sends one."""
    warning: str | None = None
    """A warning, when the server sends one."""
