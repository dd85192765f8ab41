"""The one module that names the HTTP library.

openai 3.x runs on `httpx2`, openai 2.x on `httpx`; both have the same API. Everything else in the project imports
`httpx` from here, so it always gets the library the installed openai uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2 as httpx
else:
    import openai._base_client as _openai_base_client

    httpx = getattr(_openai_base_client, "httpx2", None) or _openai_base_client.httpx

__all__ = ["httpx"]
