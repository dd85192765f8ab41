"""Portkey for LangChain: trace trees from any LangChain app, and a chat model that calls through Portkey.

```python
from portkey_ai.langchain import PortkeyCallbackHandler

handler = PortkeyCallbackHandler()          # PORTKEY_API_KEY from the environment
chain.invoke({"question": "..."}, config={"callbacks": [handler]})
```

`ChatPortkey` needs the `openai` extra (`pip install "portkey-langchain[openai]"`); it and the completion model
`PortkeyLLM` are imported on first use. The official SDK's `portkey_ai.llms.langchain` path re-exports both.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .callbacks import (
    LangchainCallbackHandler,
    PortkeyCallbackHandler,
    PortkeyLangchainCallbackHandler,
    SpanFilter,
    portkey_tracing,
)

if TYPE_CHECKING:
    from .chat_models import ChatPortkey as ChatPortkey, ChatPortkeyParams as ChatPortkeyParams
    from .llms import PortkeyLLM as PortkeyLLM, PortkeyLLMParams as PortkeyLLMParams

__all__ = [
    "ChatPortkey",
    "ChatPortkeyParams",
    "LangchainCallbackHandler",
    "PortkeyCallbackHandler",
    "PortkeyLLM",
    "PortkeyLLMParams",
    "PortkeyLangchainCallbackHandler",
    "SpanFilter",
    "__version__",
    "portkey_tracing",
]

_LAZY = {
    "ChatPortkey": "chat_models",
    "ChatPortkeyParams": "chat_models",
    "PortkeyLLM": "llms",
    "PortkeyLLMParams": "llms",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        return getattr(import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
