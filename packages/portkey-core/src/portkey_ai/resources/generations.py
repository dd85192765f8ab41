"""`portkey.generations.create(...)`: the deprecated way of running a saved prompt.

Its endpoint (`/prompts/{id}/generate`) no longer exists (the official SDK's method always raised `TypeError`).
Here it warns with a `DeprecationWarning` and runs the prompt through its successor,
`prompts.completions.create`, which answers with the same kind of result.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from openai import not_given

from .._options import ConfigValue
from ..types.prompt_completion import PromptCompletion
from ._base import (
    AsyncResource,
    Body,
    Headers,
    Query,
    SyncResource,
    TimeoutArg,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

__all__ = ["AsyncGenerations", "Generations"]

DEPRECATION_MESSAGE = (
    "`generations.create` is deprecated: use `prompts.completions.create(prompt_id=..., variables=...)`, "
    "which this call now uses"
)


class Generations(SyncResource):
    """`portkey.generations` (deprecated; use `portkey.prompts.completions`)."""

    @cached_property
    def with_raw_response(self) -> GenerationsWithRawResponse:
        """Prefix for calls that return the raw HTTP response (`.parse()` gives the usual result)."""
        return GenerationsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> GenerationsWithStreamingResponse:
        """Like `with_raw_response`, but the body is not read until you ask for it."""
        return GenerationsWithStreamingResponse(self)

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
        return self._client.prompts.completions.create(
            prompt_id=prompt_id,
            variables=variables,
            config=config,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )


class AsyncGenerations(AsyncResource):
    """`portkey.generations` on `AsyncPortkey` (deprecated; use `portkey.prompts.completions`)."""

    @cached_property
    def with_raw_response(self) -> AsyncGenerationsWithRawResponse:
        """Prefix for calls that return the raw HTTP response (`.parse()` gives the usual result)."""
        return AsyncGenerationsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncGenerationsWithStreamingResponse:
        """Like `with_raw_response`, but the body is not read until you ask for it."""
        return AsyncGenerationsWithStreamingResponse(self)

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
        return await self._client.prompts.completions.create(
            prompt_id=prompt_id,
            variables=variables,
            config=config,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )


class GenerationsWithRawResponse:
    """`generations.with_raw_response`."""

    def __init__(self, generations: Generations) -> None:
        self.create = to_raw_response_wrapper(generations.create)


class AsyncGenerationsWithRawResponse:
    """`generations.with_raw_response` on `AsyncPortkey`."""

    def __init__(self, generations: AsyncGenerations) -> None:
        self.create = async_to_raw_response_wrapper(generations.create)


class GenerationsWithStreamingResponse:
    """`generations.with_streaming_response`."""

    def __init__(self, generations: Generations) -> None:
        self.create = to_streamed_response_wrapper(generations.create)


class AsyncGenerationsWithStreamingResponse:
    """`generations.with_streaming_response` on `AsyncPortkey`."""

    def __init__(self, generations: AsyncGenerations) -> None:
        self.create = async_to_streamed_response_wrapper(generations.create)
