"""`portkey.generations.create(...)`: the deprecated way of running a saved prompt.

Its endpoint (`/prompts/{id}/generate`) no longer exists (the official SDK's method always raised `TypeError`).
Here it warns with a `DeprecationWarning` and runs the prompt through its successor,
`prompts.completions.create`, which answers with the same kind of result.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from openai import not_given

from .._options import ConfigValue
from ..types.prompt_completion import PromptCompletion
from ._base import Body, Headers, Query, TimeoutArg
from ._endpoint import (
    AsyncResource,
    ModeT,
    Raw,  # noqa: F401 - in the forward references of the class headers
    Streamed,  # noqa: F401 - in the forward references of the class headers
    SyncResource,
    endpoint,
)
from .prompts import AsyncPromptCompletions, PromptCompletions

__all__ = ["AsyncGenerations", "Generations"]

DEPRECATION_MESSAGE = (
    "`generations.create` is deprecated: use `prompts.completions.create(prompt_id=..., variables=...)`, "
    "which this call now uses"
)


class Generations(SyncResource["Generations[Raw]", "Generations[Streamed]", ModeT]):
    """`portkey.generations` (deprecated; use `portkey.prompts.completions`)."""

    @endpoint
    def create(
        self,
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> PromptCompletion:
        """Deprecated: run a saved prompt. Warns, then does `prompts.completions.create(...)` with these arguments."""
        warnings.warn(DEPRECATION_MESSAGE, DeprecationWarning, stacklevel=2)
        return PromptCompletions(self._client).create(
            prompt_id=prompt_id,
            variables=variables,
            config=config,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )


class AsyncGenerations(AsyncResource["AsyncGenerations[Raw]", "AsyncGenerations[Streamed]", ModeT]):
    """`portkey.generations` on `AsyncPortkey` (deprecated; use `portkey.prompts.completions`)."""

    @endpoint
    async def create(
        self,
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> PromptCompletion:
        """Deprecated: run a saved prompt. Warns, then does `prompts.completions.create(...)` with these arguments."""
        warnings.warn(DEPRECATION_MESSAGE, DeprecationWarning, stacklevel=2)
        return await AsyncPromptCompletions(self._client).create(
            prompt_id=prompt_id,
            variables=variables,
            config=config,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
