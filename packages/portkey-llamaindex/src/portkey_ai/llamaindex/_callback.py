"""The legacy callback API: `LlamaIndexCallbackHandler` for `CallbackManager([...])`, compatible with the official SDK."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, cast

from llama_index.core.callbacks.base_handler import BaseCallbackHandler
from llama_index.core.callbacks.schema import CBEventType, EventPayload
from llama_index_instrumentation.dispatcher import active_instrument_tags
from typing_extensions import override

from portkey_ai.lib.sibling import LogShipper, Policy, SpanTree

from ._emit import SpanEmitter, check_settings
from ._instrumentation import TRACE_ID_TAG, PortkeyInstrumentor
from ._payloads import add_embedding_batch, as_list, model_info, nodes_json, output_json, query_text
from ._records import LlamaSpanRecord, LLMCall

__all__ = ["LlamaIndexCallbackHandler", "PortkeyLlamaCallbackHandler"]

_MAX_OPEN_EVENTS = 10_000

_KINDS: dict[CBEventType, str] = {
    CBEventType.LLM: "llm",
    CBEventType.EMBEDDING: "embedding",
    CBEventType.RETRIEVE: "retriever",
    CBEventType.QUERY: "query",
    CBEventType.SYNTHESIZE: "synthesizer",
    CBEventType.RERANKING: "reranker",
    CBEventType.FUNCTION_CALL: "tool",
    CBEventType.AGENT_STEP: "agent",
    CBEventType.SUB_QUESTION: "chain",
}
"""Events that become logs; the others (chunking, node parsing, templating, tree) are folded into their parent."""


class _Trace:
    """One outermost `start_trace`/`end_trace` pair: its trace id and the top-level spans held until it ends."""

    __slots__ = ("end_time", "ended", "error", "finalized", "held", "name", "open", "start_time", "trace_id")

    def __init__(self, name: str, trace_id: str) -> None:
        self.name = name
        self.trace_id = trace_id
        self.start_time = time.time()
        self.end_time: float | None = None
        self.ended = False
        self.finalized = False
        self.open = 0
        self.held: list[LlamaSpanRecord] = []
        self.error: BaseException | None = None


def _tagged_trace_id() -> str | None:
    """The trace id set with `instrument_tags({"portkey_trace_id": ...})`, if any."""
    tagged = active_instrument_tags.get().get(TRACE_ID_TAG)
    return tagged if isinstance(tagged, str) and tagged else None


def _payload_get(payload: Mapping[Any, Any] | None, key: EventPayload) -> Any:
    return payload.get(key) if payload is not None else None


class LlamaIndexCallbackHandler(BaseCallbackHandler):
    """Sends LlamaIndex's legacy callback events to Portkey as traces (a drop-in for the official SDK's handler).

    ```python
    from llama_index.core import Settings
    from llama_index.core.callbacks import CallbackManager
    from portkey_ai.llamaindex import LlamaIndexCallbackHandler

    Settings.callback_manager = CallbackManager([LlamaIndexCallbackHandler(api_key="pk-...")])
    ```

    Every outermost trace (`query`, `chat`, `index_construction`, ...) gets its own trace id. LLM, embedding,
    retrieval, query, synthesis, rerank, function-call, agent-step and sub-question events become spans; chunking,
    node parsing and templating are folded into their parent. A trace with several top-level events gets one root
    span named after the trace. Spans are queued as they end and sent in the background.

    With `PORTKEY_TRACING_ENABLED=false` the handler does nothing (and needs no API key).

    Legacy callbacks do not see workflow agents (`FunctionAgent`, `AgentWorkflow`); prefer
    `portkey_ai.llamaindex.instrument()`. When the instrumentor is active this handler does nothing (and says so
    once), so nothing is logged twice.

    Args:
        api_key: Portkey API key (default `PORTKEY_API_KEY`).
        metadata: Metadata added to every log (e.g. `{"_user": "u-1"}`).
        base_url: Portkey base URL (default `PORTKEY_BASE_URL`, `PORTKEY_PROXY`, then the hosted API).
        trace_id: One trace id for every trace (default: a new one per outermost trace).
        shipper: A `portkey_ai.lib.LogShipper` to send through instead of creating one.

    Raises:
        TypeError: an argument of the wrong type.
        ValueError: no API key (argument or `PORTKEY_API_KEY`), or another bad setting.
    """

    def __init__(
        self,
        api_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        base_url: str | None = None,
        *,
        trace_id: str | None = None,
        shipper: LogShipper | None = None,
    ) -> None:
        check_settings(api_key=api_key, base_url=base_url, metadata=metadata, trace_id=trace_id, shipper=shipper)
        super().__init__(event_starts_to_ignore=[], event_ends_to_ignore=[])
        self._emitter = SpanEmitter(shipper=shipper, api_key=api_key, base_url=base_url, metadata=metadata)
        self._tree: SpanTree[str, LlamaSpanRecord] = SpanTree(
            max_open=_MAX_OPEN_EVENTS, max_finished=0, default_trace_id=trace_id, on_evict=self._forget_event
        )
        self._lock = threading.Lock()
        self._root_traces: dict[str, _Trace] = {}
        self._trace: ContextVar[_Trace | None] = ContextVar(f"portkey_llamaindex_trace_{id(self)}", default=None)
        self._open_llm: ContextVar[LlamaSpanRecord | None] = ContextVar(
            f"portkey_llamaindex_llm_{id(self)}", default=None
        )

    @property
    def open_event_count(self) -> int:
        """Events started and not yet ended (0 once every trace has finished)."""
        return self._tree.open_count()

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until the logs of every finished span were sent; True unless `timeout` passed first."""
        return self._emitter.flush(timeout)

    async def aflush(self, timeout: float | None = 5.0) -> bool:
        """`flush` for async code: waits in a worker thread, so the event loop keeps running."""
        return await self._emitter.aflush(timeout)

    def shutdown(self, timeout: float | None = 5.0) -> None:
        """Send what is queued and stop this handler's shipper (if it created it)."""
        self._emitter.shutdown(timeout)

    # ----------------------------------------------------------------------------------------------------------------
    # BaseCallbackHandler (the CallbackManager does not catch exceptions: every method is guarded)

    @override
    def start_trace(self, trace_id: str | None = None) -> None:
        """Begin an outermost trace (the CallbackManager calls this only for the outermost one)."""
        if self._quiet():
            return
        self._emitter.guard("start_trace", lambda: self._start_trace(trace_id))

    @override
    def end_trace(self, trace_id: str | None = None, trace_map: dict[str, list[str]] | None = None) -> None:
        """End the outermost trace; its spans are queued once its last top-level event has ended."""
        if self._quiet():
            return
        self._emitter.guard("end_trace", self._end_trace)

    @override
    def on_event_start(
        self,
        event_type: CBEventType,
        payload: dict[str, Any] | None = None,
        event_id: str = "",
        parent_id: str = "",
        **kwargs: Any,
    ) -> str:
        """Open a span for the event. Returns `event_id`."""
        if not self._quiet():
            self._emitter.guard("on_event_start", lambda: self._event_start(event_type, payload, event_id, parent_id))
        return event_id

    @override
    def on_event_end(
        self,
        event_type: CBEventType,
        payload: dict[str, Any] | None = None,
        event_id: str = "",
        **kwargs: Any,
    ) -> None:
        """Close the event's span and queue its log."""
        if self._quiet():
            return
        self._emitter.guard("on_event_end", lambda: self._event_end(event_type, payload, event_id))

    # ----------------------------------------------------------------------------------------------------------------
    # internals

    def _quiet(self) -> bool:
        if not self._emitter.shipper.enabled:
            return True
        if PortkeyInstrumentor().is_instrumented:
            self._emitter.warn_once(
                "quiet",
                "Portkey LlamaIndex tracing: the instrumentor is active, so LlamaIndexCallbackHandler stays quiet "
                "to avoid logging every span twice; remove the callback handler or call uninstrument()",
            )
            return True
        return False

    def _start_trace(self, name: str | None) -> None:
        trace_id = _tagged_trace_id() or self._tree.default_trace_id or str(uuid.uuid4())
        self._trace.set(_Trace(name or "llama-index", trace_id))

    def _end_trace(self) -> None:
        trace = self._trace.get()
        if trace is None:
            return
        self._trace.set(None)
        with self._lock:
            trace.ended = True
            trace.end_time = time.time()
            ready = self._ready_locked(trace)
        if ready:
            self._finalize(trace)

    def _forget_event(self, event_id: str) -> None:
        """An event evicted from the tree (its end never came): stop waiting for it in its trace."""
        with self._lock:
            trace = self._root_traces.pop(event_id, None)
            if trace is None:
                return
            trace.open -= 1
            ready = self._ready_locked(trace)
        if ready:
            self._finalize(trace)

    def _ready_locked(self, trace: _Trace) -> bool:
        if trace.ended and trace.open == 0 and not trace.finalized:
            trace.finalized = True
            return True
        return False

    def _event_start(
        self, event_type: CBEventType, payload: dict[str, Any] | None, event_id: str, parent_id: str
    ) -> None:
        if event_type is CBEventType.EXCEPTION:
            self._exception(_payload_get(payload, EventPayload.EXCEPTION), parent_id)
            return
        trace = self._trace.get()
        parent = self._tree.get(parent_id) if parent_id else None
        kind = _KINDS.get(event_type)
        serialized = _payload_get(payload, EventPayload.SERIALIZED)
        info = model_info(serialized)
        instance_key: str | None = None
        if event_type is CBEventType.LLM:
            instance_key = str(info.get("class_name", "llm"))
            outer = self._open_llm.get()
            if outer is not None and not outer.closed and outer.instance_key == instance_key:
                parent = outer
        if kind is None:
            policy = Policy.NEVER
        else:
            policy = Policy.ALWAYS if parent is not None or trace is not None else Policy.PINNED
        class_name = info.get("class_name")
        record = LlamaSpanRecord(
            name=class_name if isinstance(class_name, str) and class_name else event_type.value,
            kind=kind or event_type.value,
            parent=parent,
            policy=policy,
            instance_key=instance_key,
            trace_hint=trace.trace_id if trace is not None else _tagged_trace_id(),
            semantic=kind,
        )
        emitted = self._tree.decide(record, final=True)
        if emitted and payload is not None:
            self._fill_start(record, event_type, payload, info)
        if emitted and record.emitted_parent is None and trace is not None:
            with self._lock:
                self._root_traces[event_id] = trace
                trace.open += 1
        self._tree.start(event_id, record)
        if event_type is CBEventType.LLM and emitted:
            self._open_llm.set(record)

    def _event_end(self, event_type: CBEventType, payload: dict[str, Any] | None, event_id: str) -> None:
        record = self._tree.finish(event_id)
        if record is None:
            return
        with self._lock:
            trace = self._root_traces.pop(event_id, None)
        record.end_time = time.time()
        record.closed = True
        exception = _payload_get(payload, EventPayload.EXCEPTION)
        if not isinstance(exception, BaseException) and payload is None:
            # An event ended without a payload while a child failed: the exception is passing through it.
            exception = record.child_error
        if isinstance(exception, BaseException) and record.parent is not None and not record.parent.closed:
            record.parent.child_error = exception
        if not record.emit:
            record.release()
            return
        if isinstance(exception, BaseException):
            record.error = exception
        else:
            self._fill_end(record, event_type, payload)
        if trace is None:
            self._emitter.emit(record, record.parent_span_id)
            return
        with self._lock:
            trace.held.append(record)
            trace.open -= 1
            ready = self._ready_locked(trace)
        if ready:
            self._finalize(trace)

    def _exception(self, exception: Any, parent_id: str) -> None:
        if not isinstance(exception, BaseException):
            return
        parent = self._tree.get(parent_id) if parent_id else None
        if parent is not None:
            if parent.error is None:
                parent.error = exception
            return
        trace = self._trace.get()
        if trace is not None and trace.error is None:
            trace.error = exception

    def _finalize(self, trace: _Trace) -> None:
        """Queue the held top-level spans of a finished trace (under one synthetic root if there are several)."""
        held = sorted(trace.held, key=lambda record: record.start_time)
        trace.held = []
        if not held:
            return
        if len(held) == 1:
            if trace.error is not None and held[0].error is None:
                held[0].error = trace.error
            self._emitter.emit(held[0], None)
            return
        root = LlamaSpanRecord(name=trace.name, kind="chain", parent=None, policy=Policy.PINNED)
        root.trace_id = trace.trace_id
        root.start_time = min(trace.start_time, held[0].start_time)
        root.end_time = max([trace.end_time or root.start_time, *(record.end_time or 0.0 for record in held)])
        root.error = trace.error
        root.response_body = {"spans": len(held)}
        self._emitter.emit(root, None)
        for record in held:
            self._emitter.emit(record, root.span_id)

    def _fill_start(
        self, record: LlamaSpanRecord, event_type: CBEventType, payload: dict[str, Any], info: dict[str, Any]
    ) -> None:
        record.model = info.get("model")
        if event_type is CBEventType.LLM:
            messages = payload.get(EventPayload.MESSAGES)
            call = LLMCall("chat" if messages is not None else "completion")
            call.model_info = info
            call.messages = list(as_list(messages) or [])
            prompt = payload.get(EventPayload.PROMPT)
            call.prompt = prompt if isinstance(prompt, str) else None
            kwargs = payload.get(EventPayload.ADDITIONAL_KWARGS)
            if isinstance(kwargs, Mapping):
                call.kwargs = dict(cast(Mapping[str, Any], kwargs))
            record.llm = call
            record.url = "chat/completions" if call.mode == "chat" else "completions"
        elif event_type is CBEventType.EMBEDDING:
            record.url = "embeddings"
        elif event_type in (CBEventType.RETRIEVE, CBEventType.QUERY, CBEventType.SYNTHESIZE):
            record.request_body = {"query": query_text(payload.get(EventPayload.QUERY_STR))}
        elif event_type is CBEventType.RERANKING:
            model = payload.get(EventPayload.MODEL_NAME)
            record.model = model if isinstance(model, str) and model else None
            record.request_body = {
                "query": payload.get(EventPayload.QUERY_STR),
                "top_n": payload.get(EventPayload.TOP_K),
                "model": record.model,
                "documents": nodes_json(payload.get(EventPayload.NODES)),
            }
        elif event_type is CBEventType.FUNCTION_CALL:
            tool = payload.get(EventPayload.TOOL)
            tool_name = getattr(tool, "name", None)
            if isinstance(tool_name, str) and tool_name:
                record.name = tool_name
            record.request_body = {"tool": tool_name, "arguments": payload.get(EventPayload.FUNCTION_CALL)}
        else:
            record.request_body = {str(getattr(key, "value", key)): value for key, value in payload.items()}

    def _fill_end(self, record: LlamaSpanRecord, event_type: CBEventType, payload: dict[str, Any] | None) -> None:
        if payload is None:
            return
        if event_type is CBEventType.LLM and record.llm is not None:
            response = payload.get(EventPayload.RESPONSE)
            record.llm.response = response if response is not None else payload.get(EventPayload.COMPLETION)
        elif event_type is CBEventType.EMBEDDING:
            add_embedding_batch(record, payload.get(EventPayload.CHUNKS), payload.get(EventPayload.EMBEDDINGS))
        elif event_type in (CBEventType.RETRIEVE, CBEventType.RERANKING):
            record.response_body = {"nodes": nodes_json(payload.get(EventPayload.NODES))}
        elif event_type is CBEventType.FUNCTION_CALL:
            record.response_body = {"output": output_json(payload.get(EventPayload.FUNCTION_OUTPUT))}
        else:
            response = payload.get(EventPayload.RESPONSE)
            if response is None:
                response = {str(getattr(key, "value", key)): value for key, value in payload.items()}
            output = output_json(response)
            record.response_body = cast(dict[str, Any], output) if isinstance(output, dict) else {"output": output}


PortkeyLlamaCallbackHandler = LlamaIndexCallbackHandler
"""Alias of `LlamaIndexCallbackHandler`."""
