"""`PortkeyCallbackHandler`: LangChain runs as Portkey trace trees.

Add one handler to a LangChain call (`config={"callbacks": [handler]}`) and every run of that call (chains, chat
models, LLMs, tools, retrievers, LangGraph nodes) becomes a span of one Portkey trace. Spans are sent in the
background through `portkey_ai.lib.LogShipper` as soon as each run ends; the handler never raises into the
application, never blocks the event loop and never copies credentials into a log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, cast
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult
from langchain_core.tracers.context import register_configure_hook
from typing_extensions import override

from portkey_ai.lib.sibling import (
    LogShipper,
    Policy,
    SpanTree,
    WarnOnce,
    error_response,
    record_log,
    redacting_logger,
    to_jsonable,
)

from ._context import forget_model_run, set_model_run
from ._payloads import (
    header_safe,
    is_graph_interrupt,
    llm_request,
    llm_response_body,
    run_name,
    string_metadata,
    trace_id_override,
)
from ._records import HIDDEN_TAG, MAX_RECORDED_ITEMS, RunRecord, SpanFilter, SpanKind

if TYPE_CHECKING:
    from langchain_core.agents import AgentAction, AgentFinish
    from langchain_core.documents import Document
    from langchain_core.outputs import ChatGenerationChunk, GenerationChunk

__all__ = [
    "LangchainCallbackHandler",
    "PortkeyCallbackHandler",
    "PortkeyLangchainCallbackHandler",
    "SpanFilter",
    "portkey_tracing",
]

logger = redacting_logger("portkey_ai.langchain")

_SOURCE = "Langchain"


class PortkeyCallbackHandler(BaseCallbackHandler):
    """Send LangChain runs to Portkey as trace trees.

    One top-level LangChain call (`invoke`, `stream`, `batch` item, graph run...) is one trace: its root run is the
    root span, every nested run a child span. A run whose parent this handler never saw (for example a model
    that got the handler as a local callback) starts its own trace. Runs LangGraph marks as hidden are left out and
    their children attached to the nearest shipped ancestor.

    The trace id defaults to the root run id; set `metadata={"portkey_trace_id": "..."}` in a call's config (or
    `trace_id=` here) to choose it. Config metadata is copied to every span (`portkey_user` becomes Portkey's
    `_user`, other `portkey_*` keys lose their prefix).

    Args:
        api_key: Portkey API key (default: env `PORTKEY_API_KEY`). Ignored when `shipper` is given.
        base_url: Portkey base URL (default: env `PORTKEY_BASE_URL`, then the hosted API). Ignored with `shipper`.
        metadata: Metadata added to every span. The mapping is copied, never modified.
        trace_id: Trace id for every root run that does not set one in its config metadata.
        tags: Tags added to every span.
        log_llm_spans: "auto" ships a span per model call unless the call went through `ChatPortkey` with this
            handler attached (the gateway's own log is then that span); "always" ships it anyway; "never" ships
            no model spans.
        skip_hidden: Leave runs tagged `langsmith:hidden` out of the trace.
        span_filter: `(kind, name, tags, metadata) -> bool`; returning False leaves a non-root run out.
        sample_rate: Fraction of traces shipped (decided per root).
        mask: Applied to every input and output before it is recorded (for redaction).
        shipper: A `LogShipper` to send through (to share one between handlers); by default the handler makes
            its own.
        max_open_spans: Bound on runs tracked at once; the oldest is forgotten beyond it.
    """

    run_inline: bool = True
    raise_error: bool = False

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
        trace_id: str | None = None,
        tags: Sequence[str] | None = None,
        log_llm_spans: Literal["auto", "always", "never"] = "auto",
        skip_hidden: bool = True,
        span_filter: SpanFilter | None = None,
        sample_rate: float = 1.0,
        mask: Callable[[Any], Any] | None = None,
        shipper: LogShipper | None = None,
        max_open_spans: int = 10_000,
    ) -> None:
        super().__init__()
        if log_llm_spans not in ("auto", "always", "never"):
            raise ValueError("`log_llm_spans` must be 'auto', 'always' or 'never'")
        if not isinstance(cast(object, trace_id), str | None):
            raise TypeError(f"`trace_id` must be a string, not {type(trace_id).__name__}")
        self._tree: SpanTree[UUID, RunRecord] = SpanTree(
            max_open=max_open_spans, sample_rate=sample_rate, default_trace_id=trace_id or None
        )
        self._shipper = shipper if shipper is not None else LogShipper(api_key=api_key, base_url=base_url)
        self._metadata = string_metadata(metadata or {})
        self._tags = tuple(tags or ())
        self._log_llm_spans = log_llm_spans
        self._skip_hidden = skip_hidden
        self._span_filter = span_filter
        self._mask = mask
        self._warn_once = WarnOnce(logger)

    @override
    def __repr__(self) -> str:
        return f"{type(self).__name__}(log_llm_spans={self._log_llm_spans!r}, skip_hidden={self._skip_hidden!r})"

    # ----------------------------------------------------------------------------------------------- public helpers

    @property
    def shipper(self) -> LogShipper:
        """The shipper this handler sends through."""
        return self._shipper

    @property
    def open_spans(self) -> int:
        """Number of runs started but not yet ended."""
        return self._tree.open_count()

    def get_trace_id(self, run_id: UUID | str) -> str | None:
        """Portkey trace id of a run this handler saw (open or recently ended), for feedback or links.

        Pass the run id you gave the call (`config={"run_id": run_id}`) or got from LangChain.
        Returns None for an unknown run.
        """
        try:
            key = run_id if isinstance(run_id, UUID) else UUID(str(run_id))
        except ValueError:
            return None
        record = self._tree.get(key, include_finished=True)
        return record.trace_id if record is not None else None

    def trace_headers(self, run_id: UUID, *, gateway_logged: bool = False) -> dict[str, str]:
        """Gateway headers that make a request made inside run `run_id` part of that run's trace.

        Returns `x-portkey-trace-id`, `x-portkey-span-id`, `x-portkey-span-name` and (unless the run is a root)
        `x-portkey-parent-span-id`; values that cannot travel in a header (a non-ASCII span name, say) are left
        out. Returns an empty dict for a run this handler is not tracking or whose trace id is not header-safe.

        Args:
            run_id: The run making the gateway request.
            gateway_logged: Declare that the gateway logs this request itself, so (with `log_llm_spans="auto"`)
                the handler does not ship a duplicate span for the run.
        """
        record = self._tree.get(run_id)
        if record is None or record.trace_id is None or not header_safe(record.trace_id):
            return {}
        candidates = {
            "x-portkey-trace-id": record.trace_id,
            "x-portkey-span-id": record.span_id,
            "x-portkey-parent-span-id": record.parent_span_id,
            "x-portkey-span-name": record.name,
        }
        headers = {name: value for name, value in candidates.items() if value is not None and header_safe(value)}
        if gateway_logged:
            record.data["gateway_logged"] = True
        return headers

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every ended span has been sent (or `timeout` seconds passed); True if all were sent."""
        return self._shipper.flush(timeout)

    async def aflush(self, timeout: float = 5.0) -> bool:
        """Async `flush`: waits without blocking the event loop."""
        return await self._shipper.aflush(timeout)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Flush and stop the shipper; spans ended afterwards are dropped."""
        self._shipper.shutdown(timeout)

    # --------------------------------------------------------------------------------------------------- start events

    @override
    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Open a model span with the messages as OpenAI-style `role`/`content` dicts."""
        try:
            prompt = messages[0] if messages else []
            self._start_llm(serialized, run_id, parent_run_id, tags, metadata, kwargs, messages=prompt)
        except Exception:
            self._warn("on_chat_model_start")

    @override
    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Open a span for a completion (non-chat) model call."""
        try:
            self._start_llm(serialized, run_id, parent_run_id, tags, metadata, kwargs, prompts=prompts)
        except Exception:
            self._warn("on_llm_start")

    @override
    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Open a chain span (also prompt templates, output parsers, LangGraph graphs and nodes)."""
        try:
            run_type = kwargs.get("run_type")
            kind: SpanKind = run_type if run_type in ("prompt", "parser") else "chain"
            record = self._start(kind, serialized, run_id, parent_run_id, tags, metadata, kwargs)
            if record.emit:
                record.data["body"] = {"input": self._jsonable(inputs)}
        except Exception:
            self._warn("on_chain_start")

    @override
    def on_tool_start(
        self,
        serialized: dict[str, Any] | None,
        input_str: str,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Open a tool span."""
        try:
            record = self._start("tool", serialized, run_id, parent_run_id, tags, metadata, kwargs)
            if record.emit:
                record.data["body"] = {"input": self._jsonable(inputs if inputs is not None else input_str)}
        except Exception:
            self._warn("on_tool_start")

    @override
    def on_retriever_start(
        self,
        serialized: dict[str, Any] | None,
        query: str,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Open a retriever span."""
        try:
            record = self._start("retriever", serialized, run_id, parent_run_id, tags, metadata, kwargs)
            if record.emit:
                record.data["body"] = {"query": self._jsonable(query)}
        except Exception:
            self._warn("on_retriever_start")

    # ------------------------------------------------------------------------------------------------ progress events

    @override
    def on_llm_new_token(
        self,
        token: str | list[str | dict[str, Any]],
        *,
        chunk: GenerationChunk | ChatGenerationChunk | None = None,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the time of the first streamed token (constant time per chunk)."""
        try:
            record = self._tree.get(run_id)
            if record is not None and "first_token" not in record.data:
                record.data["first_token"] = time.perf_counter()
        except Exception:
            self._warn("on_llm_new_token")

    @override
    def on_agent_action(
        self,
        action: AgentAction,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Record a legacy agent's tool choice on its chain span."""
        try:
            self._append(
                run_id, "agent_actions", {"tool": action.tool, "tool_input": action.tool_input, "log": action.log}
            )
        except Exception:
            self._warn("on_agent_action")

    @override
    def on_agent_finish(
        self,
        finish: AgentFinish,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Record a legacy agent's final answer on its chain span."""
        try:
            record = self._tree.get(run_id)
            if record is not None and record.emit:
                record.data["agent_finish"] = self._jsonable({"return_values": finish.return_values, "log": finish.log})
        except Exception:
            self._warn("on_agent_finish")

    @override
    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Record a custom event (`dispatch_custom_event`) on the span of the run that dispatched it."""
        try:
            self._append(run_id, "events", {"name": name, "data": data})
        except Exception:
            self._warn("on_custom_event")

    # ----------------------------------------------------------------------------------------------------- end events

    @override
    def on_llm_end(
        self,
        response: LLMResult,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the model span with choices, usage, model and time to first token."""
        try:
            forget_model_run(self, run_id)
            with self._ending(run_id) as record:
                if record is None or not self._ships_llm(record, failed_before_gateway=False):
                    return
                body = llm_response_body(record, response, self._masked)
                self._ship(record, 200, body, streaming="first_token" in record.data)
        except Exception:
            self._warn("on_llm_end")

    @override
    def on_llm_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the model span as an error (unless the gateway answered, and so logged it, for a linked call)."""
        try:
            forget_model_run(self, run_id)
            with self._ending(run_id) as record:
                if record is None:
                    return
                status, body = error_response(error)
                if self._ships_llm(record, failed_before_gateway=not hasattr(error, "status_code")):
                    self._ship(record, status, body, streaming="first_token" in record.data)
        except Exception:
            self._warn("on_llm_error")

    @override
    def on_chain_end(
        self,
        outputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the chain span with its output."""
        self._end_ok(run_id, "output", outputs, "on_chain_end")

    @override
    def on_chain_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the chain span as an error (a LangGraph interrupt is recorded as `interrupted`, not an error)."""
        self._end_error(run_id, error, "on_chain_error")

    @override
    def on_tool_end(
        self,
        output: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the tool span with its output."""
        self._end_ok(run_id, "output", output, "on_tool_end")

    @override
    def on_tool_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the tool span as an error; the exception itself goes on to the caller untouched."""
        self._end_error(run_id, error, "on_tool_error")

    @override
    def on_retriever_end(
        self,
        documents: Sequence[Document],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the retriever span with the documents found."""
        self._end_ok(run_id, "documents", documents, "on_retriever_end")

    @override
    def on_retriever_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Ship the retriever span as an error."""
        self._end_error(run_id, error, "on_retriever_error")

    # ------------------------------------------------------------------------------------------------------ internals

    def _start(
        self,
        kind: SpanKind,
        serialized: Mapping[str, Any] | None,
        run_id: UUID,
        parent_run_id: UUID | None,
        tags: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
    ) -> RunRecord:
        run_tags = tuple(tags or ())
        run_metadata = metadata or {}
        name = run_name(serialized, kwargs, kind)
        emit = not (self._skip_hidden and HIDDEN_TAG in run_tags)
        if emit and self._span_filter is not None:
            try:
                emit = bool(self._span_filter(kind, name, run_tags, run_metadata))
            except Exception:
                self._warn("span_filter")
        parent = self._tree.get(parent_run_id, include_finished=True) if parent_run_id is not None else None
        # A run whose parent is unknown starts a trace, and a trace always ships its root.
        policy = Policy.PINNED if parent is None else Policy.ALWAYS if emit else Policy.NEVER
        record = RunRecord(
            span_id=str(run_id),
            name=name,
            kind=kind,
            parent=parent,
            policy=policy,
            trace_hint=trace_id_override(run_metadata),
            tags=self._tags + run_tags,
            metadata={**self._metadata, **string_metadata(run_metadata)},
        )
        self._tree.start(run_id, record)
        self._tree.decide(record, final=True)
        return record

    def _start_llm(
        self,
        serialized: Mapping[str, Any] | None,
        run_id: UUID,
        parent_run_id: UUID | None,
        tags: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
        *,
        messages: Sequence[BaseMessage] | None = None,
        prompts: Sequence[str] | None = None,
    ) -> None:
        record = self._start("llm", serialized, run_id, parent_run_id, tags, metadata, kwargs)
        set_model_run(self, run_id)
        if not record.emit or self._log_llm_spans == "never":
            return
        call = llm_request(serialized, metadata or {}, kwargs, self._masked, messages=messages, prompts=prompts)
        if call.gateway_routed:
            record.metadata["gateway_routed"] = "true"  # the gateway logs this call too
        record.data["request"] = call.request
        record.data["model"] = call.model
        record.data["chat"] = messages is not None

    def _ships_llm(self, record: RunRecord, *, failed_before_gateway: bool) -> bool:
        if not record.emit or self._log_llm_spans == "never":
            return False
        if self._log_llm_spans == "auto" and record.data.get("gateway_logged"):
            return failed_before_gateway
        return True

    def _end_ok(self, run_id: UUID, key: str, value: Any, event: str) -> None:
        try:
            with self._ending(run_id) as record:
                if record is None or not record.emit:
                    return
                body: dict[str, Any] = {key: self._masked(value)}
                for extra in ("agent_actions", "agent_finish", "events"):
                    if extra in record.data:
                        body[extra] = record.data[extra]
                self._ship(record, 200, body)
        except Exception:
            self._warn(event)

    def _end_error(self, run_id: UUID, error: BaseException, event: str) -> None:
        try:
            with self._ending(run_id) as record:
                if record is None or not record.emit:
                    return
                status, body = error_response(error)
                if is_graph_interrupt(error):
                    status = 200
                    record.metadata["interrupted"] = "true"
                self._ship(record, status, body)
        except Exception:
            self._warn(event)

    @contextmanager
    def _ending(self, run_id: UUID) -> Generator[RunRecord | None]:
        """End the span of `run_id` and yield it (None if unknown); its recorded data is dropped afterwards."""
        record = self._tree.finish(run_id)
        try:
            yield record
        finally:
            if record is not None:
                record.data.clear()

    def _append(self, run_id: UUID, key: str, item: Mapping[str, Any]) -> None:
        record = self._tree.get(run_id)
        if record is None or not record.emit:
            return
        items = cast("list[Any]", record.data.setdefault(key, []))
        if len(items) < MAX_RECORDED_ITEMS:
            items.append(self._jsonable(item))

    def _ship(
        self, record: RunRecord, status: int, response_body: Mapping[str, Any], *, streaming: bool = False
    ) -> None:
        request: Mapping[str, Any] = record.data.get("request") or {
            "url": f"langchain://{record.kind}/{record.name}",
            "method": "POST",
            "headers": {},
            "body": record.data.get("body", {}),
        }
        response: dict[str, Any] = {"status": status, "headers": {}, "body": response_body}
        if record.kind == "llm":
            response["streamingMode"] = streaming
        metadata = dict(record.metadata)
        first_token = record.data.get("first_token")
        if isinstance(first_token, float):
            metadata["time_to_first_token_ms"] = str(max(0, round((first_token - record.start_perf) * 1000)))
        self._shipper.enqueue(
            record_log(
                record,
                request=request,
                response=response,
                metadata=metadata,
                source=_SOURCE,
                parent_span_id=record.parent_span_id,
                end_time=time.time(),
            )
        )

    def _masked(self, value: Any) -> Any:
        if self._mask is None:
            return value
        try:
            return self._mask(value)
        except Exception:
            self._warn("mask")
            return "<mask failed>"

    def _jsonable(self, value: Any) -> Any:
        """A masked, bounded snapshot of `value` (taken when recorded, so later mutations do not leak in)."""
        return to_jsonable(self._masked(value))

    def _warn(self, event: str) -> None:
        self._warn_once(
            event,
            "Portkey tracing: %s failed; the span is skipped and the application is not affected "
            "(further failures of this callback are logged at DEBUG)",
            event,
            exc_info=True,
        )


PortkeyLangchainCallbackHandler = PortkeyCallbackHandler
"""Alias of `PortkeyCallbackHandler`."""


class LangchainCallbackHandler(PortkeyCallbackHandler):
    """Drop-in for the official SDK's `portkey_ai.langchain.LangchainCallbackHandler`.

    Same constructor, `(api_key, metadata=None, base_url=None)`, same fail-fast check on the key; traces are
    built and sent like `PortkeyCallbackHandler`'s (correct trees, background sending, no secrets in logs).
    The caller's `metadata` dict is not modified.

    Args:
        api_key: Portkey API key (required).
        metadata: Metadata added to every span; `traceId` in it sets the trace id of every trace.
        base_url: Portkey base URL.

    Raises:
        ValueError: If `api_key` is empty.
    """

    def __init__(self, api_key: str, metadata: Mapping[str, Any] | None = None, base_url: str | None = None) -> None:
        if not api_key:
            raise ValueError("`api_key` is required: pass your Portkey API key")
        meta = dict(metadata or {})
        trace_id = meta.pop("traceId", None)
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            metadata=meta,
            trace_id=str(trace_id) if trace_id is not None else None,
        )


_tracing_handler: ContextVar[PortkeyCallbackHandler | None] = ContextVar("portkey_tracing_handler", default=None)
register_configure_hook(_tracing_handler, inheritable=True)


@contextmanager
def portkey_tracing(handler: PortkeyCallbackHandler | None = None) -> Generator[PortkeyCallbackHandler]:
    """Trace every LangChain call made inside the `with` block, without passing callbacks around.

    Args:
        handler: The handler to use; by default a new `PortkeyCallbackHandler()` (key and URL from the environment).

    Example:
        ```python
        with portkey_tracing() as handler:
            chain.invoke({"question": "..."})
        handler.flush()
        ```
    """
    active = handler if handler is not None else PortkeyCallbackHandler()
    token = _tracing_handler.set(active)
    try:
        yield active
    finally:
        _tracing_handler.reset(token)
