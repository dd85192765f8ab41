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

Long-running jobs have waiters: `portkey.logs.exports.wait(export_id)` polls an export until it is finished
(`ExportFailedError` if it failed or was stopped, `WaitTimeoutError` past its `timeout`),
`portkey.logs.exports.download(export_id, to="logs.jsonl")` streams its file to disk, and
`portkey.logs.exports.export_logs(filters=..., to="logs.jsonl")` does create, start, wait and download in one call.
"""

from ._base import Parsed, Raw, Streamed
from ._log_exports import DEFAULT_CHUNK_SIZE, ExportField, ProgressCallback
from ._models import AdminModel, GenericResponse
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._version import __version__
from ._waiters import SYSTEM_CLOCK, Clock, ExportFailedError, SystemClock, WaitTimeoutError

__all__ = [
    "AdminModel",
    "AsyncPage",
    "AsyncPaginator",
    "Clock",
    "DEFAULT_CHUNK_SIZE",
    "ExportFailedError",
    "ExportField",
    "GenericResponse",
    "Parsed",
    "ProgressCallback",
    "Raw",
    "SYSTEM_CLOCK",
    "Streamed",
    "SyncPage",
    "SystemClock",
    "WaitTimeoutError",
    "__version__",
]
