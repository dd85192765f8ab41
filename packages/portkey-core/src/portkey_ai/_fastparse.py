"""pydantic-core parsing of the response types of the hot endpoints.

openai builds response models with `construct_type`, Python code that walks the type hints of every field: about
160 µs for a chat completion and 135 µs per stream chunk. For the hot types (chat completions and their chunks,
completions, embeddings) pydantic-core validates the JSON bytes straight into the same openai classes in about 5 µs.

Validation is stricter than construction: whatever it rejects (a provider's `finish_reason` outside openai's
literals, a missing field, a string where a number belongs, a charset other than UTF-8) gives `None` here and the
caller falls back to openai's construction, so the result is then exactly what openai builds. An accepted body gives
an equal model (`==`, `to_dict()`, `to_json()`, `repr()`); the one visible difference is pydantic's own: the
`model_fields_set` of a validated model also names the undeclared (extra) keys it received.

A type's validator is used from its second response on: building one costs a few milliseconds, which a process
that parses a single response would never win back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pydantic
from pydantic_core import SchemaValidator

if TYPE_CHECKING:
    from ._http import httpx

__all__ = ["is_hot", "parse_json", "utf8_json"]

_USE_VALIDATOR_FROM: Final = 1
# Per hot type: the parses so far while below `_USE_VALIDATOR_FROM`, then the type's validator. Filled on first use,
# because importing openai's types is not free.
_table: dict[type[pydantic.BaseModel], int | SchemaValidator] = {}


def _hot_types() -> dict[type[pydantic.BaseModel], int | SchemaValidator]:
    if not _table:
        from openai.types import Completion, CreateEmbeddingResponse
        from openai.types.chat import ChatCompletion, ChatCompletionChunk

        _table.update(dict.fromkeys((ChatCompletion, ChatCompletionChunk, Completion, CreateEmbeddingResponse), 0))
    return _table


def is_hot(cast_to: object) -> bool:
    """Whether `cast_to` is one of the types parsed here."""
    return isinstance(cast_to, type) and cast_to in _hot_types()


def utf8_json(response: httpx.Response) -> bool:
    """Whether `response` declares a JSON body in UTF-8 (or no charset: JSON's default)."""
    media_type, _, parameters = response.headers.get("content-type", "").partition(";")
    if not media_type.strip().endswith("json"):
        return False
    charset = parameters.strip().lower()
    return not charset or charset.replace(" ", "") in ("charset=utf-8", 'charset="utf-8"')


def _validator(cast_to: type[pydantic.BaseModel]) -> SchemaValidator:
    # openai defers building a model's schema to its first validation; `model_rebuild` builds it now.
    validator = cast_to.__pydantic_validator__
    if not isinstance(validator, SchemaValidator):
        cast_to.model_rebuild(force=True)
        validator = cast_to.__pydantic_validator__
    assert isinstance(validator, SchemaValidator)
    return validator


def parse_json(cast_to: type[pydantic.BaseModel], data: bytes | str) -> pydantic.BaseModel | None:
    """`data` validated into the hot type `cast_to`; `None` when openai's construction must build it instead."""
    table = _hot_types()
    entry = table.get(cast_to)
    if entry is None:
        return None
    if isinstance(entry, int):
        if entry < _USE_VALIDATOR_FROM:
            table[cast_to] = entry + 1
            return None
        entry = table[cast_to] = _validator(cast_to)
    try:
        model: pydantic.BaseModel = entry.validate_json(data)
    except pydantic.ValidationError:
        return None
    return model
