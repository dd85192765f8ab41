"""portkey_ai.admin: Portkey's control plane (admin, configs, keys, logs, analytics, ...) for portkey-core clients.

Installing portkey-admin adds attributes to `Portkey` and `AsyncPortkey`, loaded on first use:

```python
from portkey_ai import Portkey

portkey = Portkey(api_key="pk-...")
for user in portkey.admin.users.list():
    print(user.email)
portkey.configs.create(name="fallback", config={"strategy": {"mode": "fallback"}, "targets": [...]})
```

Every resource has `with_raw_response` and `with_streaming_response` (`portkey.configs.with_raw_response.list()`
gives openai's `LegacyAPIResponse`, whose `.parse()` is what `portkey.configs.list()` returns).

Resource classes are in `portkey_ai.admin.resources`, request and response types in `portkey_ai.admin.types`. A
resource class takes its response mode as type argument: `Configs` (= `Configs[Parsed]`), `Configs[Raw]` (the type
of `configs.with_raw_response`), `Configs[Streamed]` (of `configs.with_streaming_response`).
"""

from ._base import Parsed, Raw, Streamed
from ._models import AdminModel, GenericResponse
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._version import __version__

__all__ = [
    "AdminModel",
    "AsyncPage",
    "AsyncPaginator",
    "GenericResponse",
    "Parsed",
    "Raw",
    "Streamed",
    "SyncPage",
    "__version__",
]
