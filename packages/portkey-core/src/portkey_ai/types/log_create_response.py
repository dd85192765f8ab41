"""Response of `POST /logs` (`portkey.logs.create`)."""

from __future__ import annotations

from openai import BaseModel

from .._response_headers import get_headers

__all__ = ["LogCreateResponse"]


class LogCreateResponse(BaseModel):
    """The answer to inserting custom logs.

    The OpenAPI spec describes no response body; whatever JSON the server sends is kept (known keys as attributes,
    the rest as extra attributes), and an empty answer gives an empty object.
    """

    status: str | None = None
    message: str | None = None

    def get_headers(self) -> dict[str, str]:
        """The `x-portkey-*` headers of the response, prefix stripped (`{}` when the answer had no JSON body)."""
        return get_headers(self)
