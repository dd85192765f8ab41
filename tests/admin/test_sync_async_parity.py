"""The sync and async halves of portkey-admin have the same public signatures: pages, waiters and resources.

`SyncPage`/`AsyncPage` share their page logic (`_BasePage`), the log-export waiters theirs (`_log_exports`'s `_Polls`,
`_Sink`, the argument checks); each half adds only its I/O. A parameter added, renamed or given another default on
one side only fails here. Annotations are compared with a leading `Async` or `Sync` removed from the names in them, a page class named
`Page` (`SyncPage`, `AsyncPage` and the `AsyncPaginator` an async paged list returns) and the `Awaitable[...]` that
an async overload returns unwrapped. Every overload is compared, in order, as well as the implementation.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import portkey_ai.admin.resources as resources
from portkey_ai.admin import AsyncPage, SyncPage
from portkey_ai.admin._base import SyncResource
from portkey_ai.admin._log_exports import AsyncLogExportsExtras, LogExportsExtras

_ASYNC = re.compile(r"(?<![A-Za-z0-9])(?:Async|Sync)(?=[A-Z])")
_PAGE = re.compile(r"(?<![A-Za-z0-9])(?:SyncPage|Paginator|Page)(?=\[)")
_AWAITABLE = re.compile(r"^Awaitable\[(.*)\]$")

RESOURCE_PAIRS = [
    (getattr(resources, name), getattr(resources, f"Async{name}"))
    for name in resources.__all__
    if not name.startswith("Async") and issubclass(getattr(resources, name), SyncResource)
]
PAIRS: list[tuple[type[Any], type[Any]]] = [
    (SyncPage, AsyncPage),
    (LogExportsExtras, AsyncLogExportsExtras),
    *RESOURCE_PAIRS,
]


def _normalised(annotation: object) -> str:
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return _PAGE.sub("Page", _ASYNC.sub("", text))


def shape(function: Callable[..., Any]) -> list[tuple[str, object, object, str]]:
    """Each parameter's name, kind, default and annotation (normalised), then the return annotation."""
    signature = inspect.signature(function)
    parameters = [
        (parameter.name, parameter.kind, parameter.default, _normalised(parameter.annotation))
        for parameter in signature.parameters.values()
    ]
    returned = _normalised(signature.return_annotation)
    return [*parameters, ("return", None, None, _AWAITABLE.sub(r"\1", returned))]


def public_methods(cls: type[Any]) -> dict[str, Callable[..., Any]]:
    """The public methods `cls` and its Portkey bases (portkey-admin's, core's endpoint mechanism) define (generated ones
    undecorated), by name."""
    found: dict[str, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("portkey_ai."):
            continue
        for name in vars(klass):
            member = inspect.getattr_static(cls, name)
            function = getattr(member, "__wrapped__", member)  # an `endpoint` wraps the generated function
            if inspect.isfunction(function) and (not name.startswith("_") or name == "__init__"):
                found[name] = function
    return found


def shapes(function: Callable[..., Any]) -> list[list[tuple[str, object, object, str]]]:
    """The shape of every overload of `function`, then of the function itself."""
    return [*map(shape, typing.get_overloads(function)), shape(function)]


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=[sync.__name__ for sync, _ in PAIRS])
def test_the_same_public_methods_with_the_same_signatures(sync: type[Any], async_: type[Any]) -> None:
    sync_methods, async_methods = public_methods(sync), public_methods(async_)

    assert sync_methods
    assert sorted(sync_methods) == sorted(async_methods)
    for name, method in sync_methods.items():
        assert shapes(method) == shapes(async_methods[name]), f"{sync.__name__}.{name}"


def test_pages_and_waiters_are_compared_with_their_overloads() -> None:
    assert {"get_next_page", "iter_pages", "__init__"} <= set(public_methods(SyncPage))
    waiters = public_methods(LogExportsExtras)
    assert {"wait", "download", "export_logs"} <= set(waiters)
    assert len(shapes(waiters["download"])) == 6
    assert _normalised(shape(public_methods(AsyncPage)["__init__"])[2][3]) == "ClientT"


def test_pages_iterate_alike() -> None:
    assert shape(SyncPage.__iter__)[-1] == shape(AsyncPage.__aiter__)[-1]


def test_a_difference_is_seen() -> None:
    def sync(a: int, b: str = "x") -> SyncPage[int, int]:
        raise NotImplementedError

    async def same(a: int, b: str = "x") -> AsyncPage[int, int]:
        raise NotImplementedError

    def paginated(a: int, b: str = "x") -> Awaitable[AsyncPage[int, int]]:
        raise NotImplementedError

    async def other_default(a: int, b: str = "y") -> AsyncPage[int, int]:
        raise NotImplementedError

    async def other_type(a: int, b: bytes = b"x") -> AsyncPage[int, int]:
        raise NotImplementedError

    assert shape(sync) == shape(same) == shape(paginated)
    assert shape(sync) != shape(other_default)
    assert shape(sync) != shape(other_type)
