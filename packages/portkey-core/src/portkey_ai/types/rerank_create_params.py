"""A document object, as given to `portkey.rerank.create(documents=[...])`."""

from __future__ import annotations

from typing import Required

from typing_extensions import TypedDict

__all__ = ["RerankDocumentParam"]


class RerankDocumentParam(TypedDict, total=False):
    """A document to rerank, as an object: its `text`, and any other fields (metadata, or the fields that
    `rank_fields` names) as further keys. A plain string is a document too."""

    text: Required[str]
    """The text content of the document."""
