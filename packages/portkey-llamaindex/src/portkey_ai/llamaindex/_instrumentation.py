"""Tracing through LlamaIndex's instrumentation module: a span handler and an event handler on the root dispatcher."""

from __future__ import annotations

import atexit
import inspect
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from llama_index.core.agent.workflow import AgentWorkflow, BaseWorkflowAgent
from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.base import BaseLLM
from llama_index.core.chat_engine.types import BaseChatEngine
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.instrumentation.events.agent import AgentToolCallEvent
from llama_index.core.instrumentation.events.chat_engine import StreamChatErrorEvent
from llama_index.core.instrumentation.events.embedding import (
    EmbeddingEndEvent,
    EmbeddingStartEvent,
    SparseEmbeddingEndEvent,
)
from llama_index.core.instrumentation.events.exception import ExceptionEvent
from llama_index.core.instrumentation.events.llm import (
    LLMChatEndEvent,
    LLMChatInProgressEvent,
    LLMChatStartEvent,
    LLMCompletionEndEvent,
    LLMCompletionInProgressEvent,
    LLMCompletionStartEvent,
)
from llama_index.core.instrumentation.events.query import QueryEndEvent, QueryStartEvent
from llama_index.core.instrumentation.events.rerank import ReRankEndEvent, ReRankStartEvent
from llama_index.core.instrumentation.events.retrieval import RetrievalEndEvent, RetrievalStartEvent
from llama_index.core.instrumentation.events.synthesis import SynthesizeEndEvent, SynthesizeStartEvent
from llama_index.core.instrumentation.span import BaseSpan
from llama_index.core.instrumentation.span_handlers import BaseSpanHandler
from llama_index.core.node_parser.interface import NodeParser
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.response_synthesizers.base import BaseSynthesizer
from llama_index.core.tools.types import BaseTool
from llama_index.core.workflow import Workflow
from llama_index_instrumentation import get_dispatcher
from pydantic import PrivateAttr
from typing_extensions import override

from portkey_ai.lib.sibling import LogShipper, Policy, SpanTree

from ._emit import SpanEmitter, apply_filter, check_settings
from ._payloads import add_embedding_batch, llm_provider, llm_url_base, model_info, nodes_json, output_json, query_text
from ._records import LlamaSpanRecord, LLMCall, SpanFilter, SpanInfo

__all__ = [
    "TRACE_ID_TAG",
    "METADATA_TAG",
    "PortkeyEventHandler",
    "PortkeyInstrumentor",
    "PortkeySpan",
    "PortkeySpanHandler",
    "flush",
    "instrument",
    "uninstrument",
]

TRACE_ID_TAG = "portkey_trace_id"
"""`instrument_tags({TRACE_ID_TAG: "..."})` sets the trace id of the traces started inside the block."""
METADATA_TAG = "portkey_metadata"
"""`instrument_tags({METADATA_TAG: {...}})` adds metadata to the logs of the spans started inside the block."""

_STEP_EVENT_TAG = "llamaindex.step.input_event"
_STEP_SUMMARY_TAG = "llamaindex.step.input_summary"
_START_EVENT_TAG = "llamaindex.start_event"

_MAX_FINISHED = 4_096
"""Finished spans remembered so that late children (streams consumed after their parent returned) find them."""
_MAX_PENDING_STREAMS = 1_000
"""Streaming LLM spans waiting for their end event; beyond it the oldest is shipped as it is."""
_MAX_TAGS = 20

_KINDS: tuple[tuple[type[Any], str], ...] = (
    (BaseLLM, "llm"),
    (BaseEmbedding, "embedding"),
    (BaseRetriever, "retriever"),
    (BaseQueryEngine, "query"),
    (BaseSynthesizer, "synthesizer"),
    (BaseNodePostprocessor, "reranker"),
    (BaseTool, "tool"),
    (BaseWorkflowAgent, "agent"),
    (AgentWorkflow, "agent"),
    (Workflow, "workflow"),
    (BaseChatEngine, "chat_engine"),
    (NodeParser, "node_parser"),
)
_ALWAYS_KINDS = frozenset({"tool", "agent", "workflow", "chat_engine"})
_LLM_ENDPOINTS = {"chat": "chat/completions", "completion": "completions"}


def _kind_of(instance: Any, tags: Mapping[str, Any]) -> str:
    if instance is None:
        return "step" if _STEP_EVENT_TAG in tags else "chain"
    for cls, kind in _KINDS:
        if isinstance(instance, cls):
            return kind
    return "chain"


def _default_policy(kind: str, is_root: bool) -> Policy:
    if kind == "node_parser":
        return Policy.NEVER
    if is_root:
        return Policy.PINNED
    if kind in _ALWAYS_KINDS:
        return Policy.ALWAYS
    if kind == "step":
        return Policy.WHEN_NEEDED
    return Policy.ON_EVENT


def _tag_strings(tags: Mapping[str, Any]) -> tuple[str, ...]:
    result: list[str] = []
    for key, value in tags.items():
        if key in (TRACE_ID_TAG, METADATA_TAG) or key.startswith("llamaindex."):
            continue
        if len(result) >= _MAX_TAGS:
            break
        result.append(f"{key}={value}" if isinstance(value, str | int | float | bool) else key)
    return tuple(result)


def _arguments(bound_args: inspect.BoundArguments) -> dict[str, Any]:
    """Call arguments by name, with `**kwargs` merged in and an empty `*args` left out."""
    parameters = bound_args.signature.parameters
    result: dict[str, Any] = {}
    for name, value in bound_args.arguments.items():
        parameter = parameters.get(name)
        kind = parameter.kind if parameter is not None else None
        if kind is inspect.Parameter.VAR_KEYWORD and isinstance(value, dict):
            result.update(cast(dict[str, Any], value))
        elif kind is not inspect.Parameter.VAR_POSITIONAL or value:
            result[name] = value
    return result


class PortkeySpan(BaseSpan):
    """The span kept in `open_spans`: LlamaIndex's span id plus the Portkey record."""

    record: LlamaSpanRecord


class PortkeySpanHandler(BaseSpanHandler[PortkeySpan]):
    """Turns LlamaIndex instrumentation spans into Portkey logs (one log per emitted span, shipped at its end).

    Which spans become logs: roots (except node parsers), tools, agents, workflows and chat engines, and spans that
    received an event that makes them meaningful (LLM chat/completion, embedding, retrieval, query, synthesis,
    rerank, agent tool call). Workflow steps are logged only when one of their descendants is. Nested calls on the
    same object (`MockLLM.chat` calling `MockLLM.complete`) become one log. Children of spans that are not logged are
    re-parented to their nearest logged ancestor.

    Most users call `portkey_ai.llamaindex.instrument()` instead of building this themselves.

    Args:
        api_key: Portkey API key (default `PORTKEY_API_KEY`).
        base_url: Portkey base URL (default `PORTKEY_BASE_URL`, `PORTKEY_PROXY`, then the hosted API).
        metadata: Metadata added to every log.
        trace_id: Trace id of every trace (default: a new UUID per root span; per block with
            `instrument_tags({"portkey_trace_id": ...})`).
        span_filter: Called with a `SpanInfo` when a span starts; True forces a log, False suppresses it, None
            keeps the default.
        shipper: A `portkey_ai.lib.LogShipper` to send through instead of creating one.
    """

    _emitter: SpanEmitter = PrivateAttr()
    _tree: SpanTree[str, LlamaSpanRecord] = PrivateAttr()
    _span_filter: SpanFilter | None = PrivateAttr(default=None)
    _pending: OrderedDict[str, PortkeySpan] = PrivateAttr(default_factory=lambda: OrderedDict[str, PortkeySpan]())

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
        trace_id: str | None = None,
        span_filter: SpanFilter | None = None,
        shipper: LogShipper | None = None,
    ) -> None:
        check_settings(
            api_key=api_key,
            base_url=base_url,
            metadata=metadata,
            trace_id=trace_id,
            span_filter=span_filter,
            shipper=shipper,
        )
        super().__init__(open_spans={}, completed_spans=[], dropped_spans=[], current_span_ids={})
        self._emitter = SpanEmitter(shipper=shipper, api_key=api_key, base_url=base_url, metadata=metadata)
        self._tree = SpanTree(max_finished=_MAX_FINISHED, default_trace_id=trace_id)
        self._span_filter = span_filter

    @classmethod
    @override
    def class_name(cls) -> str:
        """Class name."""
        return "PortkeySpanHandler"

    @property
    def emitter(self) -> SpanEmitter:
        """The emitter (and its shipper) this handler sends through."""
        return self._emitter

    # ----------------------------------------------------------------------------------------------------------------
    # span lifecycle (called by the dispatcher, which swallows exceptions; we still log them once)

    @override
    def new_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any | None = None,
        parent_span_id: str | None = None,
        tags: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PortkeySpan | None:
        """Create the record of a starting span."""
        try:
            return self._new_span(id_, bound_args, instance, parent_span_id, dict(tags or {}))
        except Exception as exc:
            self._emitter.warn_once(
                f"new_span:{type(exc).__name__}",
                "Portkey LlamaIndex tracing: could not record a span (%s); it is skipped",
                type(exc).__name__,
            )
            return None

    def _new_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any,
        parent_id: str | None,
        tags: dict[str, Any],
    ) -> PortkeySpan:
        parent = self._tree.get(parent_id, include_finished=True) if parent_id else None
        kind = _kind_of(instance, tags)
        name = id_.partition("-")[0]
        if kind == "tool":
            tool_name = getattr(getattr(instance, "metadata", None), "name", None)
            if isinstance(tool_name, str) and tool_name:
                name = tool_name
        is_root = parent_id is None
        if kind == "llm":
            parent = self._async_stream_owner(name, instance, parent) or parent
        policy = _default_policy(kind, is_root)
        verdict = apply_filter(self._span_filter, self._emitter, SpanInfo(name, kind, is_root, tags))
        if verdict is True:
            policy = Policy.PINNED
        elif verdict is False:
            policy = Policy.NEVER
        trace_hint = tags.get(TRACE_ID_TAG)
        record = LlamaSpanRecord(
            name=name,
            kind=kind,
            parent=parent,
            policy=policy,
            instance_key=id(instance) if instance is not None else None,
            trace_hint=trace_hint if isinstance(trace_hint, str) and trace_hint else None,
            tags=_tag_strings(tags),
        )
        extra = tags.get(METADATA_TAG)
        if isinstance(extra, Mapping):
            record.metadata.update(cast(Mapping[str, Any], extra))
        if kind in ("llm", "embedding"):
            record.provider = llm_provider(instance)
            record.url_base = llm_url_base(instance)
        if kind == "step":
            record.request_body = {"event": tags.get(_STEP_EVENT_TAG), "summary": tags.get(_STEP_SUMMARY_TAG)}
        elif _START_EVENT_TAG in tags:
            record.request_body = {"start_event": tags[_START_EVENT_TAG]}
        else:
            record.inputs = _arguments(bound_args)
        self._tree.start(id_, record)
        return PortkeySpan.model_construct(id_=id_, parent_id=parent_id, tags=tags, record=record)

    @override
    def prepare_to_exit_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any | None = None,
        result: Any | None = None,
        **kwargs: Any,
    ) -> PortkeySpan | None:
        """Finish a span that returned (a streaming LLM span waits for its end event instead)."""
        span = self.open_spans.get(id_)
        if span is None:
            return None
        try:
            record = span.record
            call = record.llm
            if (
                call is not None
                and call.response is None
                and (inspect.isgenerator(result) or inspect.isasyncgen(result))
                and self._tree.decide(record, final=True)
            ):
                call.streaming = True
                self._add_pending(id_, span)
                return None
            record.output = result
            if getattr(result, "is_error", False) is True and type(result).__name__ == "ToolOutput":
                exception = getattr(result, "exception", None)
                if isinstance(exception, BaseException):
                    record.error = exception
                else:
                    record.status = 500
            self._finish(id_, record)
        except Exception as exc:
            self._emitter.warn_once(
                f"exit:{type(exc).__name__}",
                "Portkey LlamaIndex tracing: could not finish a span (%s)",
                type(exc).__name__,
            )
        return span

    @override
    def prepare_to_drop_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any | None = None,
        err: BaseException | None = None,
        **kwargs: Any,
    ) -> PortkeySpan | None:
        """Finish a span that raised (or that `dispatcher.shutdown()` drops)."""
        span = self.open_spans.get(id_)
        if span is None:
            return None
        with self.lock:
            self._pending.pop(id_, None)
        self._emitter.guard("drop", lambda: self._finish(id_, span.record, err))
        return span

    @override
    def close(self) -> None:
        """Flush queued logs (called by `dispatcher.shutdown()` on llama-index-core versions that have it)."""
        self._emitter.flush()

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until the logs of every finished span were sent; True unless `timeout` passed first."""
        return self._emitter.flush(timeout)

    # ----------------------------------------------------------------------------------------------------------------
    # internals

    def _async_stream_owner(self, name: str, instance: Any, parent: LlamaSpanRecord | None) -> LlamaSpanRecord | None:
        """The pending `X.astream_chat` span whose generator is now calling `X.stream_chat` (CustomLLM's default
        async streaming delegates to the sync stream when first iterated), so the two nest into one log."""
        class_name, _, method = name.partition(".")
        if not method.startswith("stream_"):
            return None
        owner_name = f"{class_name}.a{method}"
        root = parent.root() if parent is not None else None
        with self.lock:
            candidates = [span.record for span in self._pending.values()]
        for record in reversed(candidates):
            call = record.llm
            if (
                record.name == owner_name
                and record.instance_key == id(instance)
                and call is not None
                and call.first_token_time is None
                and record.root() is root
            ):
                return record
        return None

    def open_record(self, span_id: str) -> LlamaSpanRecord | None:
        """The record of an open (or streaming) span, for the event handler."""
        span = self.open_spans.get(span_id)
        return span.record if span is not None else None

    def _add_pending(self, id_: str, span: PortkeySpan) -> None:
        evicted: list[tuple[str, PortkeySpan]] = []
        with self.lock:
            self._pending[id_] = span
            while len(self._pending) > _MAX_PENDING_STREAMS:
                old_id, old_span = self._pending.popitem(last=False)
                self.open_spans.pop(old_id, None)
                evicted.append((old_id, old_span))
        for old_id, old_span in evicted:
            old_span.record.metadata["stream_incomplete"] = "true"
            self._finish(old_id, old_span.record)

    def finish_pending_streams(self) -> None:
        """Ship every streaming LLM span still waiting for its end event, as it is (used at interpreter exit)."""
        with self.lock:
            pending = list(self._pending)
        for span_id in pending:
            self.finish_stream(span_id)

    def finish_stream(self, id_: str, error: BaseException | None = None) -> None:
        """End a streaming LLM span when its end (or exception) event arrives; no-op for other spans."""
        with self.lock:
            span = self._pending.pop(id_, None)
            if span is None:
                return
            self.open_spans.pop(id_, None)
        self._finish(id_, span.record, error)

    def _finish(self, id_: str, record: LlamaSpanRecord, error: BaseException | None = None) -> None:
        record.end_time = time.time()
        record.closed = True
        if error is not None:
            record.error = error
        call = record.llm
        if call is not None and call.first_token_time is not None:
            record.metadata["time_to_first_token_ms"] = str(
                max(0, round((call.first_token_time - record.start_time) * 1000))
            )
        emit = self._tree.decide(record, final=True)
        self._tree.finish(id_)
        if emit:
            self._emitter.emit(record, record.parent_span_id)
        else:
            record.release()

    # ----------------------------------------------------------------------------------------------------------------
    # events (called by PortkeyEventHandler)

    def on_event(self, event: BaseEvent) -> None:
        """Enrich the record of the event's span. O(1) for stream chunks."""
        span_id = event.span_id
        if not span_id:
            return
        record = self.open_record(span_id)
        if record is None:
            return
        if isinstance(event, LLMChatInProgressEvent | LLMCompletionInProgressEvent):
            call = record.llm
            if call is not None and call.first_token_time is None:
                call.first_token_time = time.time()
                call.streaming = True
            return
        if isinstance(event, LLMChatStartEvent):
            call = self._start_llm(
                record, "chat", getattr(event, "model_dict", None), getattr(event, "additional_kwargs", None)
            )
            call.messages = list(event.messages)
        elif isinstance(event, LLMCompletionStartEvent):
            call = self._start_llm(
                record, "completion", getattr(event, "model_dict", None), getattr(event, "additional_kwargs", None)
            )
            call.prompt = event.prompt
        elif isinstance(event, LLMChatEndEvent | LLMCompletionEndEvent):
            if record.llm is not None:
                record.llm.response = event.response
            self.finish_stream(span_id)
        elif isinstance(event, EmbeddingStartEvent):
            self._mark(record, "embedding")
            record.model = model_info(getattr(event, "model_dict", None)).get("model")
            record.url = f"{record.url_base}embeddings"
        elif isinstance(event, EmbeddingEndEvent | SparseEmbeddingEndEvent):
            add_embedding_batch(record, event.chunks, event.embeddings)
        elif isinstance(event, RetrievalStartEvent):
            self._mark(record, "retriever")
            record.request_body = {"query": query_text(event.str_or_query_bundle)}
        elif isinstance(event, RetrievalEndEvent):
            record.response_body = {"nodes": nodes_json(event.nodes)}
        elif isinstance(event, QueryStartEvent | SynthesizeStartEvent):
            self._mark(record, "query" if isinstance(event, QueryStartEvent) else "synthesizer")
            record.request_body = {"query": query_text(event.query)}
        elif isinstance(event, QueryEndEvent | SynthesizeEndEvent):
            output = output_json(event.response)
            record.response_body = cast(dict[str, Any], output) if isinstance(output, dict) else {"output": output}
        elif isinstance(event, ReRankStartEvent):
            self._mark(record, "reranker")
            record.model = event.model_name or None
            record.request_body = {
                "query": query_text(event.query) if event.query is not None else None,
                "top_n": event.top_n,
                "model": event.model_name,
                "documents": nodes_json(event.nodes),
            }
        elif isinstance(event, ReRankEndEvent):
            record.response_body = {"nodes": nodes_json(event.nodes)}
        elif isinstance(event, AgentToolCallEvent):
            self._mark(record, "tool")
            record.request_body = {"tool": event.tool.name, "arguments": event.arguments}
        elif isinstance(event, ExceptionEvent):
            record.error = event.exception
            self.finish_stream(span_id, event.exception)
        elif isinstance(event, StreamChatErrorEvent):
            record.error = event.exception
        elif event.class_name() in ("step.output", "workflow.output"):
            record.response_body = {"output": getattr(event, "output", None)}

    def _mark(self, record: LlamaSpanRecord, semantic: str) -> None:
        if record.semantic is None:
            record.semantic = semantic
            record.kind = semantic

    def _start_llm(self, record: LlamaSpanRecord, mode: str, model_dict: Any, kwargs: Any) -> LLMCall:
        self._mark(record, "llm")
        call = record.llm
        if call is None or call.mode != mode:
            call = record.llm = LLMCall(mode)
        call.model_info = model_info(model_dict)
        record.model = call.model_info.get("model")
        if isinstance(kwargs, Mapping):
            call.kwargs = dict(cast(Mapping[str, Any], kwargs))
        record.url = f"{record.url_base}{_LLM_ENDPOINTS[mode]}"
        return call


class PortkeyEventHandler(BaseEventHandler):
    """Feeds LlamaIndex instrumentation events (messages, usage, nodes, first token...) into a `PortkeySpanHandler`.

    `handle` never blocks: LlamaIndex runs it on the event loop for async code.

    Args:
        span_handler: The span handler whose spans the events enrich.
    """

    _spans: PortkeySpanHandler = PrivateAttr()

    def __init__(self, span_handler: PortkeySpanHandler) -> None:
        if not isinstance(span_handler, PortkeySpanHandler):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"span_handler must be a PortkeySpanHandler, not {type(span_handler).__name__}")
        super().__init__()
        self._spans = span_handler

    @classmethod
    @override
    def class_name(cls) -> str:
        """Class name."""
        return "PortkeyEventHandler"

    @property
    def span_handler(self) -> PortkeySpanHandler:
        """The span handler this event handler feeds."""
        return self._spans

    @override
    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        """Record what the event says about its span. Never raises."""
        try:
            self._spans.on_event(event)
        except Exception as exc:
            self._spans.emitter.warn_once(
                f"event:{type(exc).__name__}",
                "Portkey LlamaIndex tracing: could not record a %s (%s)",
                type(event).__name__,
                type(exc).__name__,
            )


class PortkeyInstrumentor:
    """Sends a trace per LlamaIndex call (query, chat, agent run, workflow...) to Portkey.

    A process-wide singleton: `PortkeyInstrumentor()` always returns the same object. `instrument()` registers one
    span handler and one event handler on LlamaIndex's root dispatcher; calling it again while instrumented does
    nothing. `uninstrument()` removes them and sends what is queued.

    Example:
        >>> from portkey_ai.llamaindex import PortkeyInstrumentor
        >>> PortkeyInstrumentor().instrument(api_key="pk-...")  # doctest: +SKIP
    """

    _instance: ClassVar[PortkeyInstrumentor | None] = None
    _class_lock: ClassVar[threading.Lock] = threading.Lock()

    _lock: threading.Lock
    _span_handler: PortkeySpanHandler | None
    _event_handler: PortkeyEventHandler | None
    _atexit_registered: bool

    def __new__(cls) -> PortkeyInstrumentor:
        with cls._class_lock:
            if cls._instance is None:
                instance = super().__new__(cls)
                instance._lock = threading.Lock()
                instance._span_handler = None
                instance._event_handler = None
                instance._atexit_registered = False
                cls._instance = instance
            return cls._instance

    @property
    def is_instrumented(self) -> bool:
        """Whether the handlers are registered."""
        return self._span_handler is not None

    @property
    def span_handler(self) -> PortkeySpanHandler | None:
        """The registered span handler (None when not instrumented)."""
        return self._span_handler

    @property
    def event_handler(self) -> PortkeyEventHandler | None:
        """The registered event handler (None when not instrumented)."""
        return self._event_handler

    def instrument(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
        trace_id: str | None = None,
        span_filter: SpanFilter | None = None,
        shipper: LogShipper | None = None,
    ) -> PortkeyInstrumentor:
        """Start tracing every LlamaIndex call in this process.

        Idempotent: while instrumented, another call does nothing (its arguments are ignored; call `uninstrument()`
        first to change the settings).

        With `PORTKEY_TRACING_ENABLED=false` nothing is registered (and no API key is needed).

        Args:
            api_key: Portkey API key (default `PORTKEY_API_KEY`).
            base_url: Portkey base URL (default `PORTKEY_BASE_URL`, `PORTKEY_PROXY`, then the hosted API).
            metadata: Metadata added to every log (e.g. `{"_user": "u-1", "env": "prod"}`).
            trace_id: One trace id for every trace (default: a new one per top-level call; per block with
                `instrument_tags({"portkey_trace_id": ...})`).
            span_filter: Called with a `SpanInfo` when a span starts; True forces a log, False suppresses it,
                None keeps the default policy.
            shipper: A `portkey_ai.lib.LogShipper` to send through instead of creating one.

        Returns:
            The instrumentor.

        Raises:
            TypeError: an argument of the wrong type.
            ValueError: no API key (argument or `PORTKEY_API_KEY`), or another bad setting.
        """
        with self._lock:
            if self._span_handler is not None:
                return self
            span_handler = PortkeySpanHandler(
                api_key,
                base_url,
                metadata=metadata,
                trace_id=trace_id,
                span_filter=span_filter,
                shipper=shipper,
            )
            if not span_handler.emitter.shipper.enabled:
                return self
            event_handler = PortkeyEventHandler(span_handler)
            dispatcher = _root_dispatcher()
            dispatcher.add_span_handler(span_handler)
            dispatcher.add_event_handler(event_handler)
            self._span_handler = span_handler
            self._event_handler = event_handler
            if not self._atexit_registered:
                atexit.register(_finish_at_exit)
                self._atexit_registered = True
        return self

    def uninstrument(self, timeout: float | None = 5.0) -> None:
        """Stop tracing: remove the handlers, send what is queued (waiting at most `timeout` seconds). Idempotent."""
        with self._lock:
            span_handler, event_handler = self._span_handler, self._event_handler
            self._span_handler = self._event_handler = None
        if span_handler is None:
            return
        dispatcher = _root_dispatcher()
        dispatcher.span_handlers = [h for h in dispatcher.span_handlers if h is not span_handler]
        dispatcher.event_handlers = [h for h in dispatcher.event_handlers if h is not event_handler]
        span_handler.emitter.shutdown(timeout)

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until the logs of every finished span were sent; True unless `timeout` passed first."""
        span_handler = self._span_handler
        return span_handler.flush(timeout) if span_handler is not None else True

    async def aflush(self, timeout: float | None = 5.0) -> bool:
        """`flush` for async code: waits in a worker thread, so the event loop keeps running."""
        span_handler = self._span_handler
        return await span_handler.emitter.aflush(timeout) if span_handler is not None else True


def _root_dispatcher() -> Any:
    """LlamaIndex's root dispatcher (typed `Any`: its handler lists are generic over unknown span types)."""
    return get_dispatcher()


def _finish_at_exit() -> None:
    """At exit, ship streaming LLM spans whose stream was never finished (runs before the shipper's exit flush)."""
    span_handler = PortkeyInstrumentor().span_handler
    if span_handler is not None:
        span_handler.emitter.guard("exit", span_handler.finish_pending_streams)


def instrument(
    api_key: str | None = None,
    base_url: str | None = None,
    *,
    metadata: Mapping[str, Any] | None = None,
    trace_id: str | None = None,
    span_filter: SpanFilter | None = None,
    shipper: LogShipper | None = None,
) -> PortkeyInstrumentor:
    """Start tracing LlamaIndex to Portkey: `PortkeyInstrumentor().instrument(...)`. Idempotent.

    See `PortkeyInstrumentor.instrument` for the arguments.
    """
    return PortkeyInstrumentor().instrument(
        api_key, base_url, metadata=metadata, trace_id=trace_id, span_filter=span_filter, shipper=shipper
    )


def uninstrument(timeout: float | None = 5.0) -> None:
    """Stop tracing LlamaIndex: `PortkeyInstrumentor().uninstrument()`. Idempotent."""
    PortkeyInstrumentor().uninstrument(timeout)


def flush(timeout: float | None = 5.0) -> bool:
    """Wait until the instrumentor's queued logs were sent; True unless `timeout` passed first."""
    return PortkeyInstrumentor().flush(timeout)
