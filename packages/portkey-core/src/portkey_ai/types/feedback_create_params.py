"""One feedback entry, as given to `portkey.feedback.bulk_create(feedbacks=[...])`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Required

from typing_extensions import TypedDict

__all__ = ["FeedbackParam"]


class FeedbackParam(TypedDict, total=False):
    """Feedback on the request traced as `trace_id` (the keywords of `feedback.create`)."""

    trace_id: Required[str]
    """The trace id of the request the feedback is about (response header `x-portkey-trace-id`)."""

    value: Required[int]
    """An integer from -10 to 10."""

    weight: float
    """From 0 to 1 (default 1.0)."""

    metadata: Mapping[str, Any]
    """Anything else to store with the feedback (`_user`, `_organisation`, ... are indexed)."""
