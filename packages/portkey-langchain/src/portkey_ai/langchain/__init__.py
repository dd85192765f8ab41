"""Portkey for LangChain: trace trees from any LangChain app, and a chat model that calls through Portkey.

```python
from portkey_ai.langchain import PortkeyCallbackHandler

handler = PortkeyCallbackHandler()          # PORTKEY_API_KEY from the environment
chain.invoke({"question": "..."}, config={"callbacks": [handler]})
```

`ChatPortkey` needs the `openai` extra (`pip install "portkey-langchain[openai]"`) and is imported on first use.
"""

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

__all__ = [
    "ChatPortkey",
    "ChatPortkeyParams",
    "LangchainCallbackHandler",
    "PortkeyCallbackHandler",
    "PortkeyLangchainCallbackHandler",
    "SpanFilter",
    "__version__",
    "portkey_tracing",
]

_LAZY = frozenset({"ChatPortkey", "ChatPortkeyParams"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import chat_models

        return getattr(chat_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
