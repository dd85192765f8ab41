"""The official SDK's `portkey_ai.llms.llama_index.completions` module: `PortkeyLLM`."""

from portkey_ai.llamaindex.llms import PortkeyLLM as PortkeyLLM

__all__ = ["PortkeyLLM"]
