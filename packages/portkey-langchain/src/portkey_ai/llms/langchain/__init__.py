"""The official `portkey-ai` SDK's LangChain import path, shipped by portkey-langchain.

`from portkey_ai.llms.langchain import ChatPortkey, PortkeyLLM` gives `portkey_ai.langchain.ChatPortkey` (which needs
the `openai` extra: `pip install "portkey-langchain[openai]"`) and `portkey_ai.langchain.PortkeyLLM`, each imported on
first use.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portkey_ai.langchain.chat_models import ChatPortkey as ChatPortkey
    from portkey_ai.langchain.llms import PortkeyLLM as PortkeyLLM

__all__ = ["ChatPortkey", "PortkeyLLM"]

_LAZY = {"ChatPortkey": "portkey_ai.langchain.chat_models", "PortkeyLLM": "portkey_ai.langchain.llms"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
