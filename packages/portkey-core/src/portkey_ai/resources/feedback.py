"""Feedback on traced requests: `portkey.feedback.create(...)`, `.bulk_create(...)`, `.update(...)`.

Values are checked before anything is sent: `value` an integer from -10 to 10, `weight` a number from 0 to 1,
`metadata` a mapping, as the OpenAPI spec requires. As in the official SDK, `create` may omit `trace_id` and `value`
and `update` may omit `value` (the spec requires them): what is omitted is not sent, and the server decides.

`bulk_create` differs from the official SDK on the wire: the spec's `POST /feedback` takes one feedback object (a
bare JSON array, which the official SDK sends, is rejected by spec validation), so each entry is sent as its own
request, in order, and the answers are merged into one `FeedbackResponse`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from openai import not_given

from ..types.feedback_create_params import FeedbackParam
from ..types.feedback_response import FeedbackResponse
from ._base import Body, Headers, Query, TimeoutArg, request_options
from ._endpoint import (
    AsyncResource,
    ModeT,
    Raw,  # noqa: F401 - in the forward references of the class headers
    Streamed,  # noqa: F401 - in the forward references of the class headers
    SyncResource,
    endpoint,
)

__all__ = ["AsyncFeedback", "Feedback"]

_PATH = "/feedback"
_FEEDBACK_KEYS = frozenset(FeedbackParam.__annotations__)


def _check_value(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be an integer from -10 to 10, not {type(value).__name__}")
    if not -10 <= value <= 10:
        raise ValueError(f"`{name}` must be an integer from -10 to 10, got {value}")
    return value


def _check_weight(name: str, weight: object) -> float:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise TypeError(f"`{name}` must be a number from 0 to 1, not {type(weight).__name__}")
    if math.isnan(weight) or not 0 <= weight <= 1:
        raise ValueError(f"`{name}` must be a number from 0 to 1, got {weight}")
    return weight


def _check_metadata(name: str, metadata: object) -> dict[str, Any]:
    if not isinstance(metadata, Mapping):
        raise TypeError(f"`{name}` must be a mapping, not {type(metadata).__name__}")
    return {str(key): value for key, value in metadata.items()}  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]


def _check_trace_id(name: str, trace_id: object) -> str:
    if not isinstance(trace_id, str):
        raise TypeError(f"`{name}` must be a string, not {type(trace_id).__name__}")
    if not trace_id.strip():
        raise ValueError(f"`{name}` must be a non-empty string")
    return trace_id


def _score(prefix: str, value: object, weight: object, metadata: object) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if value is not None:
        body["value"] = _check_value(f"{prefix}value", value)
    if weight is not None:
        body["weight"] = _check_weight(f"{prefix}weight", weight)
    if metadata is not None:
        body["metadata"] = _check_metadata(f"{prefix}metadata", metadata)
    return body


def feedback_body(
    *, trace_id: object, value: object, weight: object, metadata: object, prefix: str = ""
) -> dict[str, Any]:
    """The spec's `FeedbackRequest` for one feedback, validated (a `None` argument is not sent)."""
    body = {} if trace_id is None else {"trace_id": _check_trace_id(f"{prefix}trace_id", trace_id)}
    return {**body, **_score(prefix, value, weight, metadata)}


def update_body(*, value: object, weight: object, metadata: object) -> dict[str, Any]:
    """The spec's `FeedbackUpdateRequest`, validated (a `None` argument is not sent)."""
    return _score("", value, weight, metadata)


def bulk_bodies(feedbacks: Sequence[FeedbackParam]) -> list[dict[str, Any]]:
    """One validated `FeedbackRequest` per entry; errors name the entry (`feedbacks[2].value`)."""
    if isinstance(feedbacks, str | bytes) or not isinstance(feedbacks, Sequence):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"`feedbacks` must be a list of feedback mappings, not {type(feedbacks).__name__}")
    if not feedbacks:
        raise ValueError("`feedbacks` must not be empty")
    bodies: list[dict[str, Any]] = []
    for index, entry in enumerate(feedbacks):
        name = f"feedbacks[{index}]"
        if not isinstance(entry, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"`{name}` must be a mapping, not {type(entry).__name__}")
        unknown = sorted(set(entry) - _FEEDBACK_KEYS)
        if unknown:
            raise ValueError(f"`{name}` has unknown keys {unknown}; expected trace_id, value, weight, metadata")
        if "trace_id" not in entry or "value" not in entry:
            raise ValueError(f"`{name}` needs `trace_id` and `value`")
        bodies.append(
            feedback_body(
                trace_id=entry["trace_id"],
                value=entry["value"],
                weight=entry.get("weight"),
                metadata=entry.get("metadata"),
                prefix=f"{name}.",
            )
        )
    return bodies


def merge_responses(responses: Sequence[FeedbackResponse]) -> FeedbackResponse:
    """One response for a bulk call: the last answer (its status, message and `get_headers()`) with the feedback ids
    of all answers, in order."""
    return responses[-1].model_copy(
        update={"feedback_ids": [feedback_id for response in responses for feedback_id in response.feedback_ids]}
    )


def feedback_path(feedback_id: object) -> str:
    """Path of one feedback; the spec requires a UUID (`feedback_ids` of a create answer)."""
    if not isinstance(feedback_id, str):
        raise TypeError(f"`feedback_id` must be a string, not {type(feedback_id).__name__}")
    try:
        parsed = uuid.UUID(feedback_id)
    except ValueError:
        raise ValueError("`feedback_id` must be a UUID (one of the `feedback_ids` that `create` returns)") from None
    return f"{_PATH}/{parsed}"


class Feedback(SyncResource["Feedback[Raw]", "Feedback[Streamed]", ModeT]):
    """`portkey.feedback`: scores on traced requests."""

    @endpoint
    def create(
        self,
        *,
        trace_id: str | None = None,
        value: int | None = None,
        weight: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> FeedbackResponse:
        """Add feedback to the request traced as `trace_id` (POST `/feedback`).

        Args:
            trace_id: The request's trace id (response header `x-portkey-trace-id`, or the `trace_id` you set).
                The spec requires it; omitted, as the official SDK allows, it is not sent and the server decides.
            value: The score, an integer from -10 to 10 (required by the spec; omitted, it is not sent).
            weight: From 0 to 1 (the server's default is 1.0).
            metadata: Anything else to store with it (`_user`, `_organisation`, ... are indexed).
            extra_headers: Extra request headers (they win over the client's).
            extra_query: Extra query parameters.
            extra_body: Extra JSON properties.
            timeout: Timeout for this call, in seconds or as a `Timeout`.

        Raises:
            TypeError, ValueError: A bad argument (named in the message), before anything is sent.
        """
        body = feedback_body(trace_id=trace_id, value=value, weight=weight, metadata=metadata)
        return self._client.post(
            _PATH,
            body=body,
            cast_to=FeedbackResponse,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )

    def bulk_create(
        self,
        *,
        feedbacks: Sequence[FeedbackParam],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> FeedbackResponse:
        """Add several feedbacks: every entry is checked first, then each is sent (POST `/feedback`) in order.

        Not atomic: if a request fails, the entries before it are saved and the error is raised.
        It makes several requests, so it has no one raw response: on `with_raw_response` /
        `with_streaming_response` it returns the merged answer too.

        Args:
            feedbacks: Mappings with the keywords of `create` (`trace_id`, `value`, `weight`, `metadata`).
            extra_headers: Extra request headers, on every request.
            extra_query: Extra query parameters, on every request.
            extra_body: Extra JSON properties, in every request.
            timeout: Timeout of each request.

        Returns:
            The merged answer: every `feedback_ids` entry in the order of `feedbacks`.
        """
        options = request_options(
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
        )
        return merge_responses(
            [
                self._client.post(_PATH, body=body, cast_to=FeedbackResponse, options=options)
                for body in bulk_bodies(feedbacks)
            ]
        )

    @endpoint
    def update(
        self,
        *,
        feedback_id: str,
        value: int | None = None,
        weight: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> FeedbackResponse:
        """Change a feedback (PUT `/feedback/{feedback_id}`).

        Args:
            feedback_id: The feedback's id, a UUID from `create`'s `feedback_ids`.
            value: The new score, an integer from -10 to 10 (required by the spec; omitted, as the official SDK
                allows, it is not sent and the server decides).
            weight: From 0 to 1.
            metadata: Replaces the stored metadata.
            extra_headers: Extra request headers (they win over the client's).
            extra_query: Extra query parameters.
            extra_body: Extra JSON properties.
            timeout: Timeout for this call, in seconds or as a `Timeout`.
        """
        path = feedback_path(feedback_id)
        body = update_body(value=value, weight=weight, metadata=metadata)
        return self._client.put(
            path,
            body=body,
            cast_to=FeedbackResponse,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )


class AsyncFeedback(AsyncResource["AsyncFeedback[Raw]", "AsyncFeedback[Streamed]", ModeT]):
    """`portkey.feedback` on `AsyncPortkey`: scores on traced requests."""

    @endpoint
    async def create(
        self,
        *,
        trace_id: str | None = None,
        value: int | None = None,
        weight: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> FeedbackResponse:
        """Add feedback to the request traced as `trace_id` (POST `/feedback`); see `Portkey.feedback.create`."""
        body = feedback_body(trace_id=trace_id, value=value, weight=weight, metadata=metadata)
        return await self._client.post(
            _PATH,
            body=body,
            cast_to=FeedbackResponse,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )

    async def bulk_create(
        self,
        *,
        feedbacks: Sequence[FeedbackParam],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> FeedbackResponse:
        """Add several feedbacks, one request each, in order; see `Portkey.feedback.bulk_create`."""
        options = request_options(
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
        )
        return merge_responses(
            [
                await self._client.post(_PATH, body=body, cast_to=FeedbackResponse, options=options)
                for body in bulk_bodies(feedbacks)
            ]
        )

    @endpoint
    async def update(
        self,
        *,
        feedback_id: str,
        value: int | None = None,
        weight: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> FeedbackResponse:
        """Change a feedback (PUT `/feedback/{feedback_id}`); see `Portkey.feedback.update`."""
        path = feedback_path(feedback_id)
        body = update_body(value=value, weight=weight, metadata=metadata)
        return await self._client.put(
            path,
            body=body,
            cast_to=FeedbackResponse,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )
