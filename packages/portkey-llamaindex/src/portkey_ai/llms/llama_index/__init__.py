"""The official `portkey-ai` SDK's LlamaIndex import path, shipped by portkey-llamaindex.

`from portkey_ai.llms.llama_index import PortkeyLLM` (or `...llama_index.completions import PortkeyLLM`, the official
module) gives `portkey_ai.llamaindex.PortkeyLLM`, imported on first use.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portkey_ai.llamaindex.llms import PortkeyLLM as PortkeyLLM

__all__ = ["PortkeyLLM"]


def __getattr__(name: str) -> Any:
    if name == "PortkeyLLM":
        from portkey_ai.llamaindex.llms import PortkeyLLM

        return PortkeyLLM
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
