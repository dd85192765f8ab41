"""Turn LlamaIndex objects (messages, responses, nodes, tool outputs) into the request/response bodies of a log.

Every function here takes whatever LlamaIndex hands over (often typed loosely), reads it with `getattr` so that an
unexpected shape degrades to a smaller body instead of an exception, and returns plain data. The shipper's
`to_jsonable` bounds and scrubs the result afterwards.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, cast

from portkey_ai.lib.sibling import error_response, provider_slug, safe_base_url, usage_from

from ._records import LlamaSpanRecord, LLMCall

__all__ = [
    "MAX_NODE_TEXT",
    "as_list",
    "build_bodies",
    "add_embedding_batch",
    "llm_provider",
    "llm_url_base",
    "model_info",
    "nodes_json",
    "output_json",
    "query_text",
]

MAX_NODE_TEXT = 2_000
"""Characters of a node's text kept in retrieval and rerank logs."""

MAX_EMBEDDING_ITEMS = 1_000
"""Most input texts (and vector descriptions) kept per embedding span."""

_MAX_NODES = 50

_MODEL_KEYS = ("model", "model_name", "deployment_name", "engine")
_LLM_PARAM_KEYS = ("temperature", "max_tokens", "top_p", "context_window", "num_output", "is_chat_model")


def as_list(value: object) -> list[Any] | None:
    """`value` if it is a list (typed for strict checkers), else None."""
    return value if isinstance(value, list) else None  # pyright: ignore[reportUnknownVariableType]


def query_text(query: Any) -> str:
    """The query string of a `str` or a `QueryBundle`."""
    if isinstance(query, str):
        return query
    text = getattr(query, "query_str", None)
    return text if isinstance(text, str) else str(query)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}...<{len(text) - limit} more chars>"


def _node_json(item: Any) -> dict[str, Any]:
    node = getattr(item, "node", item)
    result: dict[str, Any] = {"id": getattr(node, "node_id", None) or getattr(node, "id_", None)}
    score = getattr(item, "score", None)
    if isinstance(score, int | float):
        result["score"] = score
    get_content = getattr(node, "get_content", None)
    text = get_content() if callable(get_content) else getattr(node, "text", None)
    if isinstance(text, str):
        result["text"] = _truncate(text, MAX_NODE_TEXT)
    metadata = getattr(node, "metadata", None)
    if isinstance(metadata, Mapping) and metadata:
        result["metadata"] = metadata
    return result


def nodes_json(nodes: Any) -> list[dict[str, Any]]:
    """`NodeWithScore`s (or nodes) as `{id, score, text, metadata}`, at most 50, texts cut at `MAX_NODE_TEXT`."""
    items = as_list(nodes)
    if items is None:
        return []
    result: list[dict[str, Any]] = []
    for item in items:
        if len(result) >= _MAX_NODES:
            break
        result.append(_node_json(item))
    return result


def _tool_call_json(block: Any) -> dict[str, Any]:
    arguments = getattr(block, "tool_kwargs", {})
    return {
        "id": getattr(block, "tool_call_id", None),
        "type": "function",
        "function": {
            "name": getattr(block, "tool_name", None),
            "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments, default=str),
        },
    }


def _message_json(message: Any) -> dict[str, Any]:
    role = getattr(message, "role", "user")
    result: dict[str, Any] = {"role": getattr(role, "value", role)}
    blocks = as_list(getattr(message, "blocks", None))
    if blocks is None:
        result["content"] = getattr(message, "content", None)
        return result
    texts: list[str] = []
    parts: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    for block in blocks:
        block_type = getattr(block, "block_type", None)
        if block_type == "text":
            text = str(getattr(block, "text", ""))
            texts.append(text)
            parts.append({"type": "text", "text": text})
        elif block_type == "tool_call":
            tool_calls.append(_tool_call_json(block))
        elif block_type == "thinking":
            continue
        else:
            parts.append({"type": str(block_type)})
    result["content"] = "\n".join(texts) if len(parts) == len(texts) else parts
    if not texts and not parts:
        result["content"] = None
    kwargs = getattr(message, "additional_kwargs", None)
    if isinstance(kwargs, Mapping):
        kwargs_map = cast(Mapping[str, Any], kwargs)
        legacy_calls = kwargs_map.get("tool_calls")
        if not tool_calls and isinstance(legacy_calls, list) and legacy_calls:
            result["tool_calls"] = legacy_calls
        for key in ("tool_call_id", "name"):
            if kwargs_map.get(key) is not None:
                result[key] = kwargs_map[key]
    if tool_calls:
        result["tool_calls"] = tool_calls
    return result


def _tool_json(tool: Any) -> Any:
    metadata = getattr(tool, "metadata", None)
    to_openai_tool = getattr(metadata, "to_openai_tool", None)
    if callable(to_openai_tool):
        try:
            return to_openai_tool(skip_length_check=True)
        except Exception:
            return {"type": "function", "function": {"name": getattr(metadata, "name", None)}}
    return tool


def model_info(model_dict: Any) -> dict[str, Any]:
    """The non-secret parts of an LLM's or embedding model's `to_payload()`: model name, class and sampling params."""
    if not isinstance(model_dict, Mapping):
        return {}
    source = cast(Mapping[str, Any], model_dict)
    result: dict[str, Any] = {}
    for key in _MODEL_KEYS:
        value = source.get(key)
        if isinstance(value, str) and value:
            result["model"] = value
            break
    class_name = source.get("class_name")
    if isinstance(class_name, str):
        result["class_name"] = class_name
    for key in _LLM_PARAM_KEYS:
        value = source.get(key)
        if isinstance(value, int | float | bool):
            result[key] = value
    return result


def llm_provider(instance: Any) -> str | None:
    """Portkey's provider slug for an LLM or embedding class (from its `llama_index.<llms|embeddings>.<x>` module)."""
    module = type(instance).__module__
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "llama_index" and parts[1] in ("llms", "embeddings"):
        return provider_slug(parts[2])
    return None


def llm_url_base(instance: Any) -> str:
    """`<api_base>/` when the model exposes its base URL, else `""` (the log URL is then just the endpoint)."""
    for attribute in ("api_base", "base_url"):
        base = safe_base_url(getattr(instance, attribute, None))
        if base is not None:
            return f"{base}/"
    return ""


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return cast(Mapping[str, Any], obj).get(key)
    return getattr(obj, key, None)


def _usage(response: Any) -> dict[str, Any] | None:
    """Token usage as the provider reported it (never estimated), from the raw response or `additional_kwargs`."""
    raw = getattr(response, "raw", None)
    candidates = (_get(raw, "usage"), _get(raw, "usage_metadata")) if raw is not None else ()
    for usage in (*candidates, getattr(response, "additional_kwargs", None)):
        result = usage_from(usage)
        if result is not None:
            return result
    return None


def _response_model(response: Any, fallback: str | None) -> str | None:
    raw = getattr(response, "raw", None)
    model = _get(raw, "model") if raw is not None else None
    return model if isinstance(model, str) and model else fallback


def _finish_reason(response: Any) -> str | None:
    raw = getattr(response, "raw", None)
    if raw is None:
        return None
    choices = as_list(_get(raw, "choices"))
    if choices:
        reason = _get(choices[0], "finish_reason")
        return reason if isinstance(reason, str) else None
    reason = _get(raw, "stop_reason")
    return reason if isinstance(reason, str) else None


def _llm_request(call: LLMCall, model: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if model:
        body["model"] = model
    if call.mode == "chat":
        body["messages"] = [_message_json(message) for message in call.messages]
    else:
        body["prompt"] = call.prompt
    for key, value in call.model_info.items():
        if key in ("temperature", "max_tokens", "top_p"):
            body[key] = value
    for key, value in call.kwargs.items():
        tools = as_list(value) if key == "tools" else None
        if tools is not None:
            body["tools"] = [_tool_json(tool) for tool in tools]
        else:
            body[key] = value
    if call.streaming:
        body["stream"] = True
    return body


def _llm_response(call: LLMCall, record: LlamaSpanRecord, model: str | None) -> dict[str, Any]:
    response = call.response
    body: dict[str, Any] = {"id": record.span_id, "model": model, "created": int(record.end_time or time.time())}
    if call.mode == "chat":
        body["object"] = "chat.completion"
        message = getattr(response, "message", None)
        choice: dict[str, Any] = {"index": 0, "finish_reason": _finish_reason(response)}
        choice["message"] = _message_json(message) if message is not None else {"role": "assistant", "content": None}
        body["choices"] = [choice]
    else:
        body["object"] = "text_completion"
        text = getattr(response, "text", None)
        body["choices"] = [{"index": 0, "text": text, "finish_reason": _finish_reason(response)}]
    usage = _usage(response)
    if usage is not None:
        body["usage"] = usage
    return body


def add_embedding_batch(record: LlamaSpanRecord, chunks: Any, embeddings: Any) -> None:
    """Record one embedded batch on `record`: the input texts, and the count and size of the vectors (never the
    vectors themselves). A span that embeds several batches (`get_text_embedding_batch`) accumulates them, keeping at
    most `MAX_EMBEDDING_ITEMS` texts."""
    texts = as_list(chunks) or []
    vectors = as_list(embeddings) or []
    first: object = vectors[0] if vectors else None
    dimensions = len(first) if isinstance(first, list | dict) else None  # pyright: ignore[reportUnknownArgumentType]
    inputs = as_list(record.request_body.get("input"))
    if inputs is None:
        inputs = []
        record.request_body = {"model": record.model, "input": inputs} if record.model else {"input": inputs}
    previous = record.response_body
    data = as_list(previous.get("data")) if previous is not None else None
    if data is None:
        data = []
        record.response_body = {"object": "list", "model": record.model, "data": data}
    inputs.extend(texts[: max(0, MAX_EMBEDDING_ITEMS - len(inputs))])
    start = len(data)
    data.extend(
        {"object": "embedding", "index": start + offset, "dimensions": dimensions}
        for offset in range(min(len(vectors), max(0, MAX_EMBEDDING_ITEMS - start)))
    )


def output_json(result: Any) -> Any:
    """A compact view of a span's result: response texts, tool outputs, nodes; anything else as is."""
    if result is None or isinstance(result, str | int | float | bool):
        return result
    type_name = type(result).__name__
    if type_name == "ToolOutput":
        return {"content": getattr(result, "content", None), "is_error": bool(getattr(result, "is_error", False))}
    if type_name in ("ChatResponse", "CompletionResponse"):
        message = getattr(result, "message", None)
        return _message_json(message) if message is not None else {"text": getattr(result, "text", None)}
    if hasattr(result, "response") and hasattr(result, "source_nodes"):
        text = getattr(result, "response", None)
        out: dict[str, Any] = {"response": text if isinstance(text, str | type(None)) else str(text)}
        sources = getattr(result, "source_nodes", None)
        if isinstance(sources, list) and sources:
            out["source_nodes"] = nodes_json(sources)
        return out
    items = as_list(result)
    if items and type(items[0]).__name__ == "NodeWithScore":
        return nodes_json(items)
    return result


def build_bodies(record: LlamaSpanRecord) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `request` and `response` parts of `span_log` for a finished record."""
    call = record.llm
    model = record.model
    request: dict[str, Any] = {"url": record.url} if record.url else {}
    if record.provider:
        request["provider"] = record.provider
    response: dict[str, Any] = {}
    if call is not None:
        model = _response_model(call.response, model)
        request["body"] = _llm_request(call, model)
        response["body"] = _llm_response(call, record, model)
        response["streamingMode"] = call.streaming
    else:
        request_body = dict(record.request_body)
        if not request_body and record.inputs is not None:
            request_body["input"] = record.inputs
        request["body"] = request_body
        if record.response_body is not None:
            response["body"] = record.response_body
        elif record.output is not None:
            response["body"] = {"output": output_json(record.output)}
    if record.error is not None:
        response["status"], response["body"] = error_response(record.error)
    elif record.status is not None:
        response["status"] = record.status
    return request, response
