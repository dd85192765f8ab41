"""One custom log entry, as given to `portkey.logs.create(logs=[...])`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Required

from typing_extensions import TypedDict

__all__ = ["CustomLogParam"]


class CustomLogParam(TypedDict, total=False):
    """A request/response pair made outside the gateway, to be logged in Portkey.

    `request` needs `url` and `body` (and may have `method`, `headers`, `provider`); `response` needs `body` (and may
    have `status`, `headers`, `response_time`); `metadata` takes `trace_id`, `span_id`, `span_name` and any other
    key-value pair.
    """

    request: Required[Mapping[str, Any]]
    response: Required[Mapping[str, Any]]
    metadata: Mapping[str, Any]
