"""portkey_ai.admin: Portkey's control plane (admin, configs, keys, logs, analytics, ...) for portkey-core clients.

Installing portkey-admin adds attributes to `Portkey` and `AsyncPortkey`, loaded on first use:

```python
from portkey_ai import Portkey

portkey = Portkey(api_key="pk-...")
for user in portkey.admin.users.list():
    print(user.email)
portkey.configs.create(name="fallback", config={"strategy": {"mode": "fallback"}, "targets": [...]})
```

Resource classes are in `portkey_ai.admin.resources`, request and response types in `portkey_ai.admin.types`.
"""

from ._models import AdminModel, GenericResponse
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._version import __version__

__all__ = ["AdminModel", "AsyncPage", "AsyncPaginator", "GenericResponse", "SyncPage", "__version__"]
