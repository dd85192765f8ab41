"""Response of `POST /rerank` (`portkey.rerank.create`)."""

from __future__ import annotations

from typing import Literal

from openai import BaseModel

from .._response_headers import get_headers

__all__ = ["RerankResponse", "RerankResult", "RerankResultDocument", "RerankUsage"]


class RerankResultDocument(BaseModel):
    """The original document, present when `return_documents=True` (its other fields are kept as attributes)."""

    text: str | None = None
    """The text content of the document."""


class RerankResult(BaseModel):
    """A single reranked document."""

    index: int
    """The index of the document in the `documents` given."""

    relevance_score: float
    """Its relevance to the query: higher is more relevant (ranges vary by provider, typically 0 to 1)."""

    document: RerankResultDocument | None = None
    """The original document; only present if `return_documents` is true."""


class RerankUsage(BaseModel):
    """Usage information for the rerank request."""

    search_units: int | None = None
    """The number of search units consumed (billing varies by provider)."""


class RerankResponse(BaseModel):
    """The reranked documents, most relevant first."""

    object: Literal["list"]
    """Always `list`."""

    results: list[RerankResult]
    """The reranked results, sorted by relevance score in descending order."""

    model: str
    """The model used for reranking."""

    id: str | None = None
    """A unique identifier for the rerank request."""

    usage: RerankUsage | None = None
    """Usage information for the request."""

    provider: str | None = None
    """The provider that processed the request."""

    def get_headers(self) -> dict[str, str]:
        """The `x-portkey-*` headers of the response, prefix stripped."""
        return get_headers(self)
