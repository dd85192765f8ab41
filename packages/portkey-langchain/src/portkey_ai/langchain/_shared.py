"""What `ChatPortkey` and `PortkeyLLM` share: Portkey options as model fields, metadata handling, trace headers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, cast
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from pydantic import Field

from portkey_ai.lib.sibling import SECRET_OPTIONS

from ._context import current_model_run
from .callbacks import PortkeyCallbackHandler


def option_fields(names: Iterable[str]) -> dict[str, Any]:
    """Pydantic field definitions (for `create_model`) of the Portkey options `names`; secrets stay out of reprs."""
    return {
        name: (Any, Field(default=None, repr=name not in SECRET_OPTIONS, description=f"Portkey option `{name}`."))
        for name in names
    }


def normalize_metadata(values: Any) -> Any:
    """Constructor keywords with the official SDK's `custom_metadata` moved to `metadata`, a JSON string parsed.

    The official SDK's LangChain models send `custom_metadata` as Portkey's `metadata` option (the
    `x-portkey-metadata` header); here `metadata` is that option and LangChain's run metadata at once.
    """
    if not isinstance(values, dict):
        return values
    data = dict(cast("dict[str, Any]", values))
    if "custom_metadata" in data:
        custom = data.pop("custom_metadata")
        if custom is not None and data.get("metadata") is not None:
            raise ValueError("pass Portkey metadata as `metadata` or as `custom_metadata`, not both")
        if custom is not None:
            data["metadata"] = custom
    metadata = data.get("metadata")
    if isinstance(metadata, str):
        try:
            data["metadata"] = json.loads(metadata)
        except ValueError as exc:
            raise ValueError("`metadata` must be a mapping of strings or a JSON object string") from exc
        if not isinstance(data["metadata"], dict):
            raise ValueError("`metadata` must be a mapping of strings or a JSON object string")
    return data


def portkey_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """LangChain run metadata as the Portkey `metadata` option: without LangChain's own `lc_versions` entry."""
    return {key: value for key, value in (metadata or {}).items() if key != "lc_versions"} or None


def with_trace_headers(run_manager: object, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` plus the trace headers of the model run, when a `PortkeyCallbackHandler` traces it.

    The run comes from the run manager, or (for `stream()`/`astream()`, which call `_stream` without one) from the
    model run the handler saw start in this context.
    """
    tracing: tuple[PortkeyCallbackHandler, UUID] | None = None
    if isinstance(run_manager, CallbackManagerForLLMRun | AsyncCallbackManagerForLLMRun):
        handler = next((h for h in run_manager.handlers if isinstance(h, PortkeyCallbackHandler)), None)
        tracing = (handler, run_manager.run_id) if handler is not None else None
    elif run_manager is None:
        tracing = current_model_run()
    if tracing is None:
        return kwargs
    headers = tracing[0].trace_headers(tracing[1], gateway_logged=True)
    if not headers:
        return kwargs
    user_headers = cast("Mapping[str, str]", kwargs.get("extra_headers") or {})
    return {**kwargs, "extra_headers": {**headers, **user_headers}}
