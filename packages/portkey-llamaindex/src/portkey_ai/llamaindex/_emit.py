"""From finished span records to queued logs: settings checks, the shipper, and a never-raising `emit`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portkey_ai.lib.sibling import LogShipper, WarnOnce, record_log, redacting_logger

from ._payloads import build_bodies
from ._records import LlamaSpanRecord, SpanFilter

__all__ = ["SOURCE", "SpanEmitter", "apply_filter", "check_settings", "logger"]

SOURCE = "LlamaIndex"
"""`metadata._source` of every log, as the official SDK spells it."""

logger = redacting_logger("portkey_ai.llamaindex")


def check_settings(
    *,
    api_key: object,
    base_url: object,
    metadata: object,
    trace_id: object,
    span_filter: object = None,
    shipper: object = None,
) -> None:
    """Reject bad settings with an error naming the argument (never echoing its value, which may be a key).

    Raises:
        TypeError: an argument of the wrong type.
        ValueError: an empty trace id, a base URL that is not http(s), or `shipper` given with `api_key`/`base_url`.
    """
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string or None, not {type(api_key).__name__}")
    if base_url is not None:
        if not isinstance(base_url, str):
            raise TypeError(f"base_url must be a string or None, not {type(base_url).__name__}")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a mapping or None, not {type(metadata).__name__}")
    if trace_id is not None:
        if not isinstance(trace_id, str):
            raise TypeError(f"trace_id must be a string or None, not {type(trace_id).__name__}")
        if not trace_id.strip():
            raise ValueError("trace_id must not be empty")
    if span_filter is not None and not callable(span_filter):
        raise TypeError(f"span_filter must be callable or None, not {type(span_filter).__name__}")
    if shipper is not None:
        if not isinstance(shipper, LogShipper):
            raise TypeError(f"shipper must be a portkey_ai.lib.LogShipper or None, not {type(shipper).__name__}")
        if api_key is not None or base_url is not None:
            raise ValueError("pass either shipper or api_key/base_url, not both")


class SpanEmitter:
    """Builds logs from finished records and queues them on a `LogShipper`. `emit` never raises.

    Args:
        shipper: An existing shipper to use (not shut down by `shutdown`), or None to create one.
        api_key: Portkey API key for a new shipper (default `PORTKEY_API_KEY`).
        base_url: Portkey base URL for a new shipper.
        metadata: Metadata added to every log (values that are not strings are JSON-encoded).
    """

    def __init__(
        self,
        *,
        shipper: LogShipper | None,
        api_key: str | None,
        base_url: str | None,
        metadata: Mapping[str, Any] | None,
    ) -> None:
        self._owns_shipper = shipper is None
        self.shipper = shipper if shipper is not None else LogShipper(api_key=api_key, base_url=base_url)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.warn_once = WarnOnce(logger)

    def emit(self, record: LlamaSpanRecord, parent_span_id: str | None) -> None:
        """Queue the log of an emitted, finished record, then release the record's payload."""
        try:
            request, response = build_bodies(record)
            log = record_log(
                record,
                request=request,
                response=response,
                metadata={**self.metadata, **record.metadata},
                source=SOURCE,
                parent_span_id=parent_span_id,
                end_time=record.end_time if record.end_time is not None else record.start_time,
            )
            self.shipper.enqueue(log)
        except Exception as exc:
            self.warn_once(
                f"emit:{type(exc).__name__}",
                "Portkey LlamaIndex tracing: could not build a log for span %r (%s); it is skipped",
                record.name,
                type(exc).__name__,
            )
        finally:
            record.release()

    def guard(self, where: str, func: Callable[[], None]) -> None:
        """Run `func`; on any exception, warn once per place and carry on (tracing never breaks the app)."""
        try:
            func()
        except Exception as exc:
            self.warn_once(
                f"{where}:{type(exc).__name__}",
                "Portkey LlamaIndex tracing: internal error in %s (%s); tracing continues",
                where,
                type(exc).__name__,
            )

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until every queued log was sent (or dropped); True unless `timeout` passed first."""
        return self.shipper.flush(timeout)

    async def aflush(self, timeout: float | None = 5.0) -> bool:
        """`flush` for async code (waits in a worker thread)."""
        return await self.shipper.aflush(timeout)

    def shutdown(self, timeout: float | None = 5.0) -> None:
        """Flush, and stop the shipper if this emitter created it."""
        if self._owns_shipper:
            self.shipper.shutdown(timeout)
        else:
            self.shipper.flush(timeout)


def apply_filter(span_filter: SpanFilter | None, emitter: SpanEmitter, info: Any) -> bool | None:
    """Run a user's span filter; a filter that raises or returns a non-bool counts as "no opinion"."""
    if span_filter is None:
        return None
    try:
        verdict = span_filter(info)
    except Exception as exc:
        emitter.warn_once(
            f"span_filter:{type(exc).__name__}",
            "Portkey LlamaIndex tracing: span_filter raised %s; using the default policy",
            type(exc).__name__,
        )
        return None
    return verdict if isinstance(verdict, bool) else None
