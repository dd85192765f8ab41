"""The base of the hand-written request-side models: secrets stay out of reprs and validation errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict
from typing_extensions import override

from .._secrets import is_secret_name, mask_secrets

__all__ = ["InputModel", "looks_secret"]


def looks_secret(name: str) -> bool:
    """Whether a field name suggests a secret (the shared rule of `portkey_ai._secrets`)."""
    return is_secret_name(name)


class InputModel(BaseModel):
    """A pydantic model for user input: `repr` shows only the fields that are set, with secret-looking fields
    redacted, and validation errors never echo the input (`hide_input_in_errors`)."""

    model_config = ConfigDict(hide_input_in_errors=True)

    @override
    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if value is not None:
                yield name, ("<redacted>" if name is not None and looks_secret(name) else mask_secrets(value))
