"""The official SDK's `portkey_ai.llms.langchain.chat` module: `ChatPortkey` (needs the `openai` extra)."""

from portkey_ai.langchain.chat_models import ChatPortkey as ChatPortkey

__all__ = ["ChatPortkey"]
