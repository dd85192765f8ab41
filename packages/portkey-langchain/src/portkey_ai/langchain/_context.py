"""The model run in progress in this context, for `ChatPortkey`/`PortkeyLLM` calls LangChain makes without a run
manager.

LangChain's `stream()`/`astream()` call a model's `_stream`/`_astream` without the run manager, in the context that
just ran `on_chat_model_start` (the handler runs inline); the models read `current_model_run()` to link such calls.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from .callbacks import PortkeyCallbackHandler

__all__ = ["current_model_run", "forget_model_run", "set_model_run"]

_active_model_run: ContextVar[tuple[PortkeyCallbackHandler, UUID] | None] = ContextVar(
    "portkey_active_model_run", default=None
)


def current_model_run() -> tuple[PortkeyCallbackHandler, UUID] | None:
    """The `(handler, run_id)` of the model run in progress in this context, if a Portkey handler saw it start."""
    return _active_model_run.get()


def set_model_run(handler: PortkeyCallbackHandler, run_id: UUID) -> None:
    """Record that `handler` saw model run `run_id` start in this context."""
    _active_model_run.set((handler, run_id))


def forget_model_run(handler: PortkeyCallbackHandler, run_id: UUID) -> None:
    """Forget model run `run_id` of `handler` once it ended (another run started since is kept)."""
    active = _active_model_run.get()
    if active is not None and active[0] is handler and active[1] == run_id:
        _active_model_run.set(None)
