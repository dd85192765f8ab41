"""The shared filters of generated methods: `**filters: Unpack[AnalyticsFilters]` back into a query.

Where many operations share the same query parameters (the analytics filters), the generator declares them once, as
a TypedDict in `types/params.py`, and each of those methods takes `**filters` typed by it (the generator's `FILTERS`).
Hand-written (not generated).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import cache

from ._base import Query

__all__ = ["split_filters"]


@cache
def _names(declared: type) -> tuple[str, ...]:
    return tuple(inspect.get_annotations(declared))


def split_filters(
    filters: Mapping[str, object], declared: type, extra_query: Query | None
) -> tuple[dict[str, object], Query | None]:
    """The query values of the filters `declared` (a TypedDict) names, in its order, and `extra_query` with the
    method's other keywords added under it (explicit values win).

    A method with `**filters` also receives the keywords it does not declare; they take the path that core's drop-in
    adapter gives them on every other method (`extra_query`, so a list is not comma-joined as a filter's is).
    """
    names = _names(declared)
    given = {name: filters[name] for name in names if name in filters}
    undeclared = {name: value for name, value in filters.items() if name not in names}
    if undeclared:
        extra_query = {**undeclared, **(extra_query or {})}
    return given, extra_query
