"""The shapes of the generated command table (`_operations.py`): plain data, no CLI library imported."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CliOperation", "CliParam"]


@dataclass(frozen=True)
class CliParam:
    """One parameter of a generated command.

    `kind` says how the command line reads it: `str`, `int`, `float`, `bool`, `choice` (one of `choices`) or `json`
    (a JSON value, or `@file.json`). Path parameters are positional arguments, the others `--options`.
    """

    name: str
    wire: str
    location: str
    kind: str
    required: bool
    doc: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CliOperation:
    """One generated command: `portkey <words...>` calls the library method `client.<method...>(...)`."""

    words: tuple[str, ...]
    method: tuple[str, ...]
    summary: str
    description: str
    http: str
    paged: bool
    params: tuple[CliParam, ...]
