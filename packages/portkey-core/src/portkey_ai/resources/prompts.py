"""Saved prompt templates: `portkey.prompts.render(...)` and `portkey.prompts.completions.create(...)`.

Request bodies follow the OpenAPI spec: `variables`, `stream` and the model settings ("hyperparameters") at the root
of the JSON body. The spec groups the settings under `hyperparameters` for documentation only and says to send them
at the root level, which is also what the official SDK does with its flat keywords (`temperature=`, `max_tokens=`,
`top_k=`, `top_p=`, `**kwargs`). A `hyperparameters={...}` mapping is accepted too and sent flat as well.

Management of templates (`create`, `list`, `retrieve`, `update`, `delete`, `publish`, `versions`, `partials`) is in
portkey-admin; `portkey.prompts` forwards those attributes to it when it is installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, overload

from openai import AsyncStream, Stream, not_given

from .._options import ConfigValue, build_headers, make_options
from ..types.prompt_completion import PromptCompletion
from ..types.prompt_completion_chunk import PromptCompletionChunk
from ..types.prompt_render import PromptRender
from ._base import Body, ExtendedResource, Headers, Query, TimeoutArg, path_segment, request_options
from ._endpoint import (
    AsyncResource,
    AsyncResponseContextManager,
    LegacyAPIResponse,
    ModeT,
    Parsed,
    Raw,
    ResponseContextManager,
    Streamed,
    SyncResource,
    endpoint,
)

if TYPE_CHECKING:
    from openai import APIResponse, AsyncAPIResponse

__all__ = [
    "AsyncPromptCompletions",
    "AsyncPrompts",
    "PromptCompletions",
    "Prompts",
]

_RESERVED_KEYS = ("variables", "stream", "hyperparameters")


def _check_number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"`{name}` must be a number, not {type(value).__name__}")


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be an integer, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0, got {value}")


def _variables(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"`variables` must be a mapping of variable name to value, not {type(variables).__name__}")
    checked: dict[str, Any] = {}
    for key, value in variables.items():
        if not isinstance(key, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"`variables` keys must be strings, not {type(key).__name__}")
        checked[key] = value
    return checked


def prompt_body(
    *,
    variables: Mapping[str, Any] | None,
    stream: bool | None,
    temperature: float | None,
    max_tokens: int | None,
    max_completion_tokens: int | None,
    top_k: int | None,
    top_p: float | None,
    hyperparameters: Mapping[str, Any] | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The JSON body of a render or completion request (`stream=None`: no `stream` key), validated.

    `variables` is always sent (the spec requires it; `{}` when not given). Model settings go at the root; `None`
    means "not given". A setting given twice (as a keyword and in `hyperparameters`) is an error.
    """
    body: dict[str, Any] = {"variables": _variables(variables)}
    if stream is not None:
        if not isinstance(stream, bool):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"`stream` must be a bool, not {type(stream).__name__}")
        body["stream"] = stream
    settings: dict[str, Any] = {}
    for name, value in (("temperature", temperature), ("top_p", top_p)):
        if value is not None:
            _check_number(name, value)
            settings[name] = value
    for name, value in (("max_tokens", max_tokens), ("max_completion_tokens", max_completion_tokens), ("top_k", top_k)):
        if value is not None:
            _check_count(name, value)
            settings[name] = value
    if hyperparameters is not None and not isinstance(hyperparameters, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"`hyperparameters` must be a mapping, not {type(hyperparameters).__name__}")
    for source, given in (("hyperparameters", hyperparameters or {}), ("keyword", extra)):
        for key, value in given.items():
            if key in _RESERVED_KEYS:
                raise ValueError(f"`{key}` cannot be set through `{source}`; pass it as its own argument")
            if key in settings:
                raise ValueError(f"the model setting `{key}` is given twice")
            if value is not None:
                settings[key] = value
    body.update(settings)
    return body


def config_headers(config: ConfigValue | None, extra_headers: Headers | None) -> Headers | None:
    """`extra_headers` plus the `x-portkey-config` header of a per-call `config` (explicit extra headers win)."""
    if config is None:
        return extra_headers
    return {**build_headers(make_options({"config": config})), **(extra_headers or {})}


def render_stream_check(stream: bool) -> None:
    """Rendering never streams; refuse `stream=True` instead of silently ignoring it (as the official SDK does)."""
    if stream:
        raise ValueError("`stream=True` is not supported by `prompts.render`: a render returns the filled-in template")


def completions_path(prompt_id: str) -> str:
    """Path of the completions endpoint of one prompt."""
    return f"/prompts/{path_segment('prompt_id', prompt_id)}/completions"


def render_path(prompt_id: str) -> str:
    """Path of the render endpoint of one prompt."""
    return f"/prompts/{path_segment('prompt_id', prompt_id)}/render"


class PromptCompletions(SyncResource["PromptCompletions[Raw]", "PromptCompletions[Streamed]", ModeT]):
    """`portkey.prompts.completions`: run a saved prompt template."""

    @overload
    def create(
        self: PromptCompletions[Parsed],
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: Literal[False] = False,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptCompletion: ...

    @overload
    def create(
        self: PromptCompletions[Parsed],
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: Literal[True],
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> Stream[PromptCompletionChunk]: ...

    @overload
    def create(
        self: PromptCompletions[Parsed],
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: bool,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptCompletion | Stream[PromptCompletionChunk]: ...

    @overload
    def create(
        self: PromptCompletions[Raw], *, prompt_id: str, stream: Literal[False] = False, **kwargs: Any
    ) -> LegacyAPIResponse[PromptCompletion]: ...

    @overload
    def create(  # pyright: ignore[reportOverlappingOverload]  # the wrapper types are invariant
        self: PromptCompletions[Raw], *, prompt_id: str, stream: Literal[True], **kwargs: Any
    ) -> LegacyAPIResponse[Stream[PromptCompletionChunk]]: ...

    @overload
    def create(
        self: PromptCompletions[Raw], *, prompt_id: str, stream: bool, **kwargs: Any
    ) -> LegacyAPIResponse[PromptCompletion | Stream[PromptCompletionChunk]]: ...

    @overload
    def create(
        self: PromptCompletions[Streamed], *, prompt_id: str, stream: Literal[False] = False, **kwargs: Any
    ) -> ResponseContextManager[APIResponse[PromptCompletion]]: ...

    @overload
    def create(  # pyright: ignore[reportOverlappingOverload]  # the wrapper types are invariant
        self: PromptCompletions[Streamed], *, prompt_id: str, stream: Literal[True], **kwargs: Any
    ) -> ResponseContextManager[APIResponse[Stream[PromptCompletionChunk]]]: ...

    @overload
    def create(
        self: PromptCompletions[Streamed], *, prompt_id: str, stream: bool, **kwargs: Any
    ) -> ResponseContextManager[APIResponse[PromptCompletion | Stream[PromptCompletionChunk]]]: ...

    @endpoint  # type: ignore[misc, operator]  # mypy wants a callable implementation; the overloads type the calls
    def create(
        self,
        /,
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: bool = False,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptCompletion | Stream[PromptCompletionChunk]:
        """Run the saved prompt `prompt_id` with `variables` filled in (POST `/prompts/{prompt_id}/completions`).

        Args:
            prompt_id: The prompt's id (or `slug@version` / `slug@label`).
            variables: Values for the template's `{{variables}}`.
            config: A gateway config (id or mapping) for this call only, sent as `x-portkey-config`.
            stream: `True` to get a `Stream` of `PromptCompletionChunk` (server-sent events).
            temperature: Overrides the template's setting (likewise `max_tokens`, `max_completion_tokens`,
                `top_k`, `top_p`).
            hyperparameters: More model settings to override, as a mapping; sent at the root of the body, like
                `**kwargs`.
            extra_headers: Extra request headers (they win over the client's).
            extra_query: Extra query parameters.
            extra_body: Extra JSON properties.
            timeout: Timeout for this call, in seconds or as a `Timeout`.
            **kwargs: Any other model setting (`presence_penalty=`, `stop=`, `tools=`, ...).

        Returns:
            A `PromptCompletion` (`.choices[0].message.content`), or a `Stream[PromptCompletionChunk]` when
            `stream=True`.
        """
        body = prompt_body(
            variables=variables,
            stream=stream,
            temperature=temperature,
            max_tokens=max_tokens,
            max_completion_tokens=max_completion_tokens,
            top_k=top_k,
            top_p=top_p,
            hyperparameters=hyperparameters,
            extra=kwargs,
        )
        return self._client.post(
            completions_path(prompt_id),
            body=body,
            cast_to=PromptCompletion,
            options=request_options(
                extra_headers=config_headers(config, extra_headers),
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
            stream=stream,
            stream_cls=Stream[PromptCompletionChunk],
        )


class AsyncPromptCompletions(AsyncResource["AsyncPromptCompletions[Raw]", "AsyncPromptCompletions[Streamed]", ModeT]):
    """`portkey.prompts.completions` on `AsyncPortkey`: run a saved prompt template."""

    @overload
    async def create(
        self: AsyncPromptCompletions[Parsed],
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: Literal[False] = False,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptCompletion: ...

    @overload
    async def create(
        self: AsyncPromptCompletions[Parsed],
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: Literal[True],
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> AsyncStream[PromptCompletionChunk]: ...

    @overload
    async def create(
        self: AsyncPromptCompletions[Parsed],
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: bool,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptCompletion | AsyncStream[PromptCompletionChunk]: ...

    @overload
    async def create(
        self: AsyncPromptCompletions[Raw], *, prompt_id: str, stream: Literal[False] = False, **kwargs: Any
    ) -> LegacyAPIResponse[PromptCompletion]: ...

    @overload
    async def create(
        self: AsyncPromptCompletions[Raw], *, prompt_id: str, stream: Literal[True], **kwargs: Any
    ) -> LegacyAPIResponse[AsyncStream[PromptCompletionChunk]]: ...

    @overload
    async def create(
        self: AsyncPromptCompletions[Raw], *, prompt_id: str, stream: bool, **kwargs: Any
    ) -> LegacyAPIResponse[PromptCompletion | AsyncStream[PromptCompletionChunk]]: ...

    @overload
    def create(
        self: AsyncPromptCompletions[Streamed], *, prompt_id: str, stream: Literal[False] = False, **kwargs: Any
    ) -> AsyncResponseContextManager[AsyncAPIResponse[PromptCompletion]]: ...

    @overload
    def create(  # pyright: ignore[reportOverlappingOverload]  # the wrapper types are invariant
        self: AsyncPromptCompletions[Streamed], *, prompt_id: str, stream: Literal[True], **kwargs: Any
    ) -> AsyncResponseContextManager[AsyncAPIResponse[AsyncStream[PromptCompletionChunk]]]: ...

    @overload
    def create(
        self: AsyncPromptCompletions[Streamed], *, prompt_id: str, stream: bool, **kwargs: Any
    ) -> AsyncResponseContextManager[AsyncAPIResponse[PromptCompletion | AsyncStream[PromptCompletionChunk]]]: ...

    @endpoint  # type: ignore[misc, operator]  # mypy wants a callable implementation; the overloads type the calls
    async def create(
        self,
        /,
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        config: ConfigValue | None = None,
        stream: bool = False,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptCompletion | AsyncStream[PromptCompletionChunk]:
        """Run the saved prompt `prompt_id` with `variables` filled in (POST `/prompts/{prompt_id}/completions`).

        Takes the same arguments as `Portkey.prompts.completions.create`; with `stream=True` it returns an
        `AsyncStream[PromptCompletionChunk]` (iterate with `async for`).
        """
        body = prompt_body(
            variables=variables,
            stream=stream,
            temperature=temperature,
            max_tokens=max_tokens,
            max_completion_tokens=max_completion_tokens,
            top_k=top_k,
            top_p=top_p,
            hyperparameters=hyperparameters,
            extra=kwargs,
        )
        return await self._client.post(
            completions_path(prompt_id),
            body=body,
            cast_to=PromptCompletion,
            options=request_options(
                extra_headers=config_headers(config, extra_headers),
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
            stream=stream,
            stream_cls=AsyncStream[PromptCompletionChunk],
        )


class Prompts(ExtendedResource, SyncResource["Prompts[Raw]", "Prompts[Streamed]", ModeT]):
    """`portkey.prompts`: render and run saved prompt templates.

    Attributes this class does not define (`create`, `list`, `retrieve`, `update`, `delete`, `publish`, `versions`,
    `partials`, ...) come from portkey-admin when it is installed; otherwise using them raises an error that says
    `pip install portkey-admin`.
    """

    _extension = "prompts"

    @cached_property
    def completions(self) -> PromptCompletions[ModeT]:
        """Run a saved prompt: `completions.create(prompt_id=..., variables=...)`."""
        return PromptCompletions(self._client, _mode=self._mode)

    @endpoint
    def render(
        self,
        /,
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        stream: bool = False,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptRender:
        """Fill the saved prompt `prompt_id` in with `variables`, without calling a model (POST `.../render`).

        Args:
            prompt_id: The prompt's id (or `slug@version` / `slug@label`).
            variables: Values for the template's `{{variables}}`.
            stream: Accepted for compatibility with the official SDK; only `False` is valid.
            temperature: Overrides the template's setting in the result (likewise `max_tokens`,
                `max_completion_tokens`, `top_k`, `top_p`, `hyperparameters` and `**kwargs`).
            hyperparameters: More model settings, as a mapping; sent at the root of the body.
            extra_headers: Extra request headers (they win over the client's).
            extra_query: Extra query parameters.
            extra_body: Extra JSON properties.
            timeout: Timeout for this call, in seconds or as a `Timeout`.
            **kwargs: Any other model setting.

        Returns:
            A `PromptRender` whose `data` is the request body the template renders to (`data.messages`, ...).
        """
        render_stream_check(stream)
        body = prompt_body(
            variables=variables,
            stream=None,
            temperature=temperature,
            max_tokens=max_tokens,
            max_completion_tokens=max_completion_tokens,
            top_k=top_k,
            top_p=top_p,
            hyperparameters=hyperparameters,
            extra=kwargs,
        )
        return self._client.post(
            render_path(prompt_id),
            body=body,
            cast_to=PromptRender,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )


class AsyncPrompts(ExtendedResource, AsyncResource["AsyncPrompts[Raw]", "AsyncPrompts[Streamed]", ModeT]):
    """`portkey.prompts` on `AsyncPortkey`: render and run saved prompt templates.

    Attributes this class does not define come from portkey-admin when it is installed (see `Prompts`).
    """

    _extension = "prompts"

    @cached_property
    def completions(self) -> AsyncPromptCompletions[ModeT]:
        """Run a saved prompt: `await completions.create(prompt_id=..., variables=...)`."""
        return AsyncPromptCompletions(self._client, _mode=self._mode)

    @endpoint
    async def render(
        self,
        /,
        *,
        prompt_id: str,
        variables: Mapping[str, Any] | None = None,
        stream: bool = False,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
        **kwargs: Any,
    ) -> PromptRender:
        """Fill the saved prompt `prompt_id` in with `variables`, without calling a model (POST `.../render`).

        Takes the same arguments as `Portkey.prompts.render`.
        """
        render_stream_check(stream)
        body = prompt_body(
            variables=variables,
            stream=None,
            temperature=temperature,
            max_tokens=max_tokens,
            max_completion_tokens=max_completion_tokens,
            top_k=top_k,
            top_p=top_p,
            hyperparameters=hyperparameters,
            extra=kwargs,
        )
        return await self._client.post(
            render_path(prompt_id),
            body=body,
            cast_to=PromptRender,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )
