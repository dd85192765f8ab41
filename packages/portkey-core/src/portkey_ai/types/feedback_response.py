"""Response of `POST /feedback` and `PUT /feedback/{id}` (`portkey.feedback`)."""

from __future__ import annotations

from openai import BaseModel

__all__ = ["FeedbackResponse"]


class FeedbackResponse(BaseModel):
    """The outcome of saving feedback."""

    status: str | None = None
    """`success` or `failure`."""

    message: str | None = None
    feedback_ids: list[str] = []
    """The ids of the feedback created, in the order the feedback was given."""
