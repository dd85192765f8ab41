"""Document reranking: `portkey.rerank.create(model=..., query=..., documents=[...])` (the spec's `POST /rerank`).

One interface to the reranking models of Cohere, Voyage, Jina, Pinecone, Bedrock and Azure AI. The official SDK has
no method for it (its docs call `portkey.post("/rerank", ...)`, which works here too). Every argument is checked
against the spec's `CreateRerankRequest` before anything is sent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from openai import NotGiven, not_given

from ..types.rerank_create_params import RerankDocumentParam
from ..types.rerank_response import RerankResponse
from ._base import Body, Headers, Query, TimeoutArg, request_options
from ._endpoint import (
    AsyncResource,
    ModeT,
    Raw,  # noqa: F401 - in the forward references of the class headers
    Streamed,  # noqa: F401 - in the forward references of the class headers
    SyncResource,
    endpoint,
)

__all__ = ["AsyncRerank", "Rerank"]

_PATH = "/rerank"


def _string_keys(name: str, value: Mapping[Any, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"`{name}` keys must be strings, not {type(key).__name__}")
        result[key] = item
    return result


def _check_string(name: str, value: object, *, non_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, not {type(value).__name__}")
    if non_empty and not value.strip():
        raise ValueError(f"`{name}` must be a non-empty string")
    return value


def _check_sequence(name: str, value: object, what: str) -> Sequence[object]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"`{name}` must be a list of {what}, not {type(value).__name__}")
    return value  # pyright: ignore[reportUnknownVariableType]


def _check_document(name: str, value: object) -> str | dict[str, Any]:
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"`{name}` must be a string or a mapping with a `text` string, not {type(value).__name__}")
    document = _string_keys(name, value)  # pyright: ignore[reportUnknownArgumentType]
    if "text" not in document:
        raise ValueError(f"`{name}` needs a `text` string")
    _check_string(f"{name}.text", document["text"])
    return document


def _check_documents(documents: object) -> list[str | dict[str, Any]]:
    items = _check_sequence("documents", documents, "strings or document mappings")
    if not items:
        raise ValueError("`documents` must not be empty")
    return [_check_document(f"documents[{index}]", item) for index, item in enumerate(items)]


def _check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be an integer of at least 1, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"`{name}` must be an integer of at least 1, got {value}")
    return value


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be a bool, not {type(value).__name__}")
    return value


def _check_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"`{name}` must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number, got {value}")
    return value


def _check_strings(name: str, value: object) -> list[str]:
    items = _check_sequence(name, value, "strings")
    return [_check_string(f"{name}[{index}]", item) for index, item in enumerate(items)]


def _check_mapping(name: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"`{name}` must be a mapping, not {type(value).__name__}")
    return _string_keys(name, value)  # pyright: ignore[reportUnknownArgumentType]


def rerank_body(
    *,
    model: object,
    query: object,
    documents: object,
    top_n: object = not_given,
    return_documents: object = not_given,
    max_tokens_per_doc: object = not_given,
    priority: object = not_given,
    rank_fields: object = not_given,
    truncation: object = not_given,
    parameters: object = not_given,
) -> dict[str, Any]:
    """The spec's `CreateRerankRequest`, validated; arguments left `not_given` are not sent.

    Raises:
        TypeError, ValueError: A bad argument, named in the message (`documents[2].text`, `top_n`, ...).
    """
    body: dict[str, Any] = {
        "model": _check_string("model", model, non_empty=True),
        "query": _check_string("query", query),
        "documents": _check_documents(documents),
    }
    optional = (
        ("top_n", top_n, _check_positive_int),
        ("return_documents", return_documents, _check_bool),
        ("max_tokens_per_doc", max_tokens_per_doc, _check_positive_int),
        ("priority", priority, _check_number),
        ("rank_fields", rank_fields, _check_strings),
        ("truncation", truncation, _check_bool),
        ("parameters", parameters, _check_mapping),
    )
    for name, value, check in optional:
        if not isinstance(value, NotGiven):
            body[name] = check(name, value)
    return body


class Rerank(SyncResource["Rerank[Raw]", "Rerank[Streamed]", ModeT]):
    """`portkey.rerank`: documents ordered by their relevance to a query."""

    @endpoint
    def create(
        self,
        *,
        model: str,
        query: str,
        documents: Sequence[str | RerankDocumentParam | Mapping[str, Any]],
        top_n: int | NotGiven = not_given,
        return_documents: bool | NotGiven = not_given,
        max_tokens_per_doc: int | NotGiven = not_given,
        priority: float | NotGiven = not_given,
        rank_fields: Sequence[str] | NotGiven = not_given,
        truncation: bool | NotGiven = not_given,
        parameters: Mapping[str, Any] | NotGiven = not_given,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> RerankResponse:
        """Rerank `documents` by their relevance to `query` (POST `/rerank`).

        Args:
            model: The reranking model, e.g. `rerank-v3.5` (Cohere), `rerank-2` (Voyage), a Bedrock model ARN.
            query: The search query to compare against the documents.
            documents: At least one document: a string, or a mapping with a `text` string and any other fields.
            top_n: How many top results to return (at least 1); all documents if not given.
            return_documents: Whether to return the document text in the results (Voyage, Jina, Pinecone).
            max_tokens_per_doc: Longer documents are truncated to this many tokens (Cohere).
            priority: Request priority hint (Cohere).
            rank_fields: The document fields to rank on, for documents with several fields (Pinecone).
            truncation: Whether to truncate documents longer than the model's context (Voyage).
            parameters: Additional provider-specific parameters (Pinecone).
            extra_headers: Extra request headers (they win over the client's).
            extra_query: Extra query parameters.
            extra_body: Extra JSON properties.
            timeout: Timeout for this call, in seconds or as a `Timeout`.

        Returns:
            The results, most relevant first; each has the `index` of its document in `documents`.

        Raises:
            TypeError, ValueError: A bad argument (named in the message), before anything is sent.
        """
        body = rerank_body(
            model=model,
            query=query,
            documents=documents,
            top_n=top_n,
            return_documents=return_documents,
            max_tokens_per_doc=max_tokens_per_doc,
            priority=priority,
            rank_fields=rank_fields,
            truncation=truncation,
            parameters=parameters,
        )
        return self._client.post(
            _PATH,
            body=body,
            cast_to=RerankResponse,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )


class AsyncRerank(AsyncResource["AsyncRerank[Raw]", "AsyncRerank[Streamed]", ModeT]):
    """`portkey.rerank` on `AsyncPortkey`: documents ordered by their relevance to a query."""

    @endpoint
    async def create(
        self,
        *,
        model: str,
        query: str,
        documents: Sequence[str | RerankDocumentParam | Mapping[str, Any]],
        top_n: int | NotGiven = not_given,
        return_documents: bool | NotGiven = not_given,
        max_tokens_per_doc: int | NotGiven = not_given,
        priority: float | NotGiven = not_given,
        rank_fields: Sequence[str] | NotGiven = not_given,
        truncation: bool | NotGiven = not_given,
        parameters: Mapping[str, Any] | NotGiven = not_given,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = not_given,
    ) -> RerankResponse:
        """Rerank `documents` by their relevance to `query` (POST `/rerank`); see `Portkey.rerank.create`."""
        body = rerank_body(
            model=model,
            query=query,
            documents=documents,
            top_n=top_n,
            return_documents=return_documents,
            max_tokens_per_doc=max_tokens_per_doc,
            priority=priority,
            rank_fields=rank_fields,
            truncation=truncation,
            parameters=parameters,
        )
        return await self._client.post(
            _PATH,
            body=body,
            cast_to=RerankResponse,
            options=request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
        )
