"""Portkey-specific data-plane resources: prompts, feedback, logs, rerank and (deprecated) generations.

Each class is constructed as `X(client)` with a `Portkey` (sync classes) or `AsyncPortkey` (`Async*` classes). The
submodules are imported on first use, so importing this package costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .feedback import AsyncFeedback, Feedback
    from .generations import AsyncGenerations, Generations
    from .logs import AsyncLogs, Logs
    from .prompts import AsyncPromptCompletions, AsyncPrompts, PromptCompletions, Prompts
    from .rerank import AsyncRerank, Rerank

__all__ = [
    "AsyncFeedback",
    "AsyncGenerations",
    "AsyncLogs",
    "AsyncPromptCompletions",
    "AsyncPrompts",
    "AsyncRerank",
    "Feedback",
    "Generations",
    "Logs",
    "PromptCompletions",
    "Prompts",
    "Rerank",
]

_MODULES = {
    "AsyncFeedback": "feedback",
    "Feedback": "feedback",
    "AsyncGenerations": "generations",
    "Generations": "generations",
    "AsyncLogs": "logs",
    "Logs": "logs",
    "AsyncPromptCompletions": "prompts",
    "AsyncPrompts": "prompts",
    "PromptCompletions": "prompts",
    "Prompts": "prompts",
    "AsyncRerank": "rerank",
    "Rerank": "rerank",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
