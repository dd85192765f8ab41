"""The official SDK's `portkey_ai.llms.langchain.completion` module: the completion model `PortkeyLLM`."""

from portkey_ai.langchain.llms import PortkeyLLM as PortkeyLLM

__all__ = ["PortkeyLLM"]
