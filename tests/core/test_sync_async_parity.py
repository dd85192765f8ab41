"""The sync and async halves of the public API have the same signatures.

`Portkey`/`AsyncPortkey`, their mixins and the Portkey-only resources are written twice (the async half awaits);
a parameter added, renamed or given another default on one side only fails here. Annotations are compared with
`Async` (and a leading `Sync`) removed from the names in them (`AsyncStream[X]` and `Stream[X]`, `httpx.AsyncClient`
and `httpx.Client`, `_AsyncStreamT` and `_StreamT`, `SyncAPIClient` and `AsyncAPIClient`). An `@endpoint` is compared
by the method it decorates.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._hooks import AsyncPortkeyMixin, SyncPortkeyMixin
from portkey_ai.resources._endpoint import endpoint
from portkey_ai.resources.feedback import AsyncFeedback, Feedback
from portkey_ai.resources.generations import AsyncGenerations, Generations
from portkey_ai.resources.logs import AsyncLogs, Logs
from portkey_ai.resources.prompts import AsyncPrompts, Prompts
from portkey_ai.resources.rerank import AsyncRerank, Rerank

_ASYNC = re.compile(r"(?<![A-Za-z0-9])(?:Async|Sync)(?=[A-Z])")

PAIRS: list[tuple[type[Any], type[Any]]] = [
    (Portkey, AsyncPortkey),
    (SyncPortkeyMixin, AsyncPortkeyMixin),
    (Prompts, AsyncPrompts),
    (Feedback, AsyncFeedback),
    (Logs, AsyncLogs),
    (Rerank, AsyncRerank),
    (Generations, AsyncGenerations),
]


def _normalised(annotation: object) -> str:
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return _ASYNC.sub("", text)


def shape(function: Callable[..., Any]) -> list[tuple[str, object, object, str]]:
    """Each parameter's name, kind, default and annotation (`Async` names made sync), then the return annotation."""
    signature = inspect.signature(function)
    parameters = [
        (parameter.name, parameter.kind, parameter.default, _normalised(parameter.annotation))
        for parameter in signature.parameters.values()
    ]
    return [*parameters, ("return", None, None, _normalised(signature.return_annotation))]


def own_methods(cls: type[Any]) -> dict[str, Callable[..., Any]]:
    """The methods `cls` and its Portkey bases define (openai's own are compared by openai), by name."""
    found: dict[str, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("portkey_ai"):
            continue
        for name, member in vars(klass).items():
            value = member.__wrapped__ if isinstance(member, endpoint) else member
            if inspect.isfunction(value) and (not name.startswith("_") or name == "__init__" or name in _HOOKS):
                found[name] = value
    return found


_HOOKS = frozenset({"_send_request", "_process_response", "_prepare_request"})
"""openai hooks the mixins override in a sync and an async version."""


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=[sync.__name__ for sync, _ in PAIRS])
def test_the_same_methods_with_the_same_signatures(sync: type[Any], async_: type[Any]) -> None:
    sync_methods, async_methods = own_methods(sync), own_methods(async_)
    assert sorted(sync_methods) == sorted(async_methods)
    for name, method in sync_methods.items():
        assert shape(method) == shape(async_methods[name]), f"{sync.__name__}.{name}"


def test_the_client_constructors_and_copy_are_compared() -> None:
    methods = own_methods(Portkey)
    assert {"__init__", "copy"} <= set(methods)
    assert ("http_client", inspect.Parameter.KEYWORD_ONLY, None, "httpx.Client | None") in shape(methods["__init__"])


def test_a_difference_is_seen() -> None:
    def sync(a: int, b: str = "x") -> Portkey:
        raise NotImplementedError

    async def same(a: int, b: str = "x") -> AsyncPortkey:
        raise NotImplementedError

    async def other_default(a: int, b: str = "y") -> AsyncPortkey:
        raise NotImplementedError

    async def other_type(a: int, b: bytes = "x") -> AsyncPortkey:  # type: ignore[assignment]
        raise NotImplementedError

    assert shape(sync) == shape(same)
    assert shape(sync) != shape(other_default)
    assert shape(sync) != shape(other_type)
