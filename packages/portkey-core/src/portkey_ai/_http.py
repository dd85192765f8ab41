"""The one module that names the HTTP library.

openai 3.x runs on `httpx2` (over `httpcore2`), openai 2.x on `httpx` (over `httpcore`); both have the same API.
Everything else in the project imports `httpx` (and, for the transport-level deadline, `httpcore`) from here, so it
always gets the library the installed openai uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpcore2 as httpcore
    import httpx2 as httpx
else:
    from importlib import import_module

    import openai._base_client as _openai_base_client

    httpx = getattr(_openai_base_client, "httpx2", None) or _openai_base_client.httpx
    httpcore = import_module("httpcore2" if httpx.__name__ == "httpx2" else "httpcore")

__all__ = ["httpcore", "httpx"]
