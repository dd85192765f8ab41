"""Portkey tracing for LlamaIndex: one trace per query, chat, agent or workflow run, sent to Portkey's logs.

Two ways in (see the package README):

```python
import portkey_ai.llamaindex

portkey_ai.llamaindex.instrument()  # instrumentation API: every LlamaIndex call in the process
```

```python
from llama_index.core import Settings
from llama_index.core.callbacks import CallbackManager
from portkey_ai.llamaindex import LlamaIndexCallbackHandler

Settings.callback_manager = CallbackManager([LlamaIndexCallbackHandler()])  # legacy callbacks
```

`PortkeyLLM` (a LlamaIndex LLM on the Portkey client) is imported on first use; the official SDK's
`portkey_ai.llms.llama_index` path re-exports it.
"""

from typing import TYPE_CHECKING, Any

from ._callback import LlamaIndexCallbackHandler, PortkeyLlamaCallbackHandler
from ._instrumentation import (
    METADATA_TAG,
    TRACE_ID_TAG,
    PortkeyEventHandler,
    PortkeyInstrumentor,
    PortkeySpanHandler,
    flush,
    instrument,
    uninstrument,
)
from ._records import SpanFilter, SpanInfo
from ._version import __version__

if TYPE_CHECKING:
    from .llms import PortkeyLLM as PortkeyLLM

__all__ = [
    "METADATA_TAG",
    "TRACE_ID_TAG",
    "LlamaIndexCallbackHandler",
    "PortkeyEventHandler",
    "PortkeyInstrumentor",
    "PortkeyLLM",
    "PortkeyLlamaCallbackHandler",
    "PortkeySpanHandler",
    "SpanFilter",
    "SpanInfo",
    "__version__",
    "flush",
    "instrument",
    "uninstrument",
]


def __getattr__(name: str) -> Any:
    if name == "PortkeyLLM":
        from .llms import PortkeyLLM

        return PortkeyLLM
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
