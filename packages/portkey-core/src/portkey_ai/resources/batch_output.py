"""`portkey.batches.output(batch_id)`: the spec's `GET /batches/{batch_id}/output` (`getBatchOutput`), which openai's
`Batches` lacks. Added to the client's `batches` resource by the drop-in adapter (`_dropin.ADDED_METHODS`)."""

from __future__ import annotations

from typing import Any

from openai import HttpxBinaryResponseContent, not_given

from ._base import Body, Headers, Query, TimeoutArg, path_segment, request_options

__all__ = ["async_output", "output"]

_ACCEPT = {"Accept": "application/octet-stream"}


def _path(batch_id: object) -> str:
    return f"/batches/{path_segment('batch_id', batch_id)}/output"


def output(
    self: Any,
    batch_id: str,
    *,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
    extra_body: Body | None = None,
    timeout: TimeoutArg = not_given,
) -> HttpxBinaryResponseContent:
    """The output of a finished batch (the JSONL results the provider produced), as a binary response: `.content`,
    `.text`, `.json()`, `.iter_bytes()`, `.write_to_file(path)`.

    Args:
        batch_id: The id of the batch.
        extra_headers: Headers to send with this request, besides the client's.
        extra_query: Query parameters to add.
        extra_body: JSON fields to add (a GET sends no body).
        timeout: This request's timeout, overriding the client's.
    """
    path = _path(batch_id)
    options = request_options(
        extra_headers={**_ACCEPT, **(extra_headers or {})},
        extra_query=extra_query,
        extra_body=extra_body,
        timeout=timeout,
    )
    result: HttpxBinaryResponseContent = self._get(path, options=options, cast_to=HttpxBinaryResponseContent)
    return result


async def async_output(
    self: Any,
    batch_id: str,
    *,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
    extra_body: Body | None = None,
    timeout: TimeoutArg = not_given,
) -> HttpxBinaryResponseContent:
    """The output of a finished batch, as a binary response (see `output`)."""
    path = _path(batch_id)
    options = request_options(
        extra_headers={**_ACCEPT, **(extra_headers or {})},
        extra_query=extra_query,
        extra_body=extra_body,
        timeout=timeout,
    )
    result: HttpxBinaryResponseContent = await self._get(path, options=options, cast_to=HttpxBinaryResponseContent)
    return result
