"""Turn what LangChain hands a callback (serialized models, invocation params, messages, `LLMResult`s, run metadata)
into the names, metadata and request/response bodies of a log.

Pure functions: they read loosely typed LangChain data defensively and return plain data. Masking is the caller's
(`mask` arguments), so a failing user mask is reported by the handler.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast
from urllib.parse import urlsplit

from langchain_core.messages import BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, LLMResult

from portkey_ai.lib.sibling import (
    MAX_METADATA_VALUE_LENGTH,
    PORTKEY_GATEWAY_URL,
    check_header_value,
    provider_slug,
    safe_base_url,
    to_jsonable,
    usage_from,
)

from ._records import RunRecord

__all__ = [
    "LLMRequest",
    "first_str",
    "header_safe",
    "is_graph_interrupt",
    "llm_request",
    "llm_response_body",
    "mapping",
    "openai_messages",
    "run_name",
    "string_metadata",
    "trace_id_override",
]

Mask = Callable[[Any], Any]

# Run metadata LangChain and LangGraph add for their own bookkeeping; not worth a Portkey metadata slot.
_INTERNAL_METADATA_PREFIXES = ("ls_", "lc_", "__", "checkpoint_", "langgraph_")
_KEPT_INTERNAL_METADATA = frozenset({"langgraph_node", "langgraph_step"})
_TRACE_ID_KEYS = ("portkey_trace_id", "traceId")
_BASE_URL_KEYS = ("openai_api_base", "base_url", "api_base", "azure_endpoint")
_PORTKEY_HOST = urlsplit(PORTKEY_GATEWAY_URL).hostname


def mapping(value: object) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else {}


def first_str(*values: object) -> str | None:
    """The first non-empty string of `values`."""
    for value in values:
        if isinstance(value, str) and value:
            return value
    return None


def run_name(serialized: Mapping[str, Any] | None, kwargs: Mapping[str, Any], kind: str) -> str:
    """The run's name: the `name` LangChain passed, the serialized name or class path, else the kind."""
    name = first_str(kwargs.get("name"), (serialized or {}).get("name"))
    if name is not None:
        return name
    ids = (serialized or {}).get("id")
    if isinstance(ids, list) and ids:
        last = cast("list[object]", ids)[-1]
        if isinstance(last, str) and last:
            return last
    return kind


def trace_id_override(metadata: Mapping[str, Any]) -> str | None:
    """The trace id a call chose in its config metadata (`portkey_trace_id`, or the official SDK's `traceId`)."""
    for key in _TRACE_ID_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _metadata_value(value: object) -> str:
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(to_jsonable(value), separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text[:MAX_METADATA_VALUE_LENGTH]


def string_metadata(metadata: Mapping[str, Any]) -> dict[str, str]:
    """Run metadata as Portkey metadata: strings only, internal keys dropped, `portkey_*` prefixes removed."""
    result: dict[str, str] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or value is None or key in _TRACE_ID_KEYS:  # pyright: ignore[reportUnnecessaryIsInstance]
            continue
        if key.startswith(_INTERNAL_METADATA_PREFIXES) and key not in _KEPT_INTERNAL_METADATA:
            continue
        if key == "portkey_user":
            key = "_user"
        elif key.startswith("portkey_"):
            key = key.removeprefix("portkey_")
        result[key] = _metadata_value(value)
    return result


def _model_base_url(serialized_kwargs: Mapping[str, Any]) -> str | None:
    """Scheme, host and path of the model's base URL, without credentials, query or fragment."""
    for key in _BASE_URL_KEYS:
        base_url = safe_base_url(serialized_kwargs.get(key))
        if base_url is not None:
            return base_url
    return None


def openai_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain messages as OpenAI-style `role`/`content` dicts (a message LangChain cannot convert keeps its text)."""
    converted: list[dict[str, Any]] = []
    for message in messages:
        try:
            converted.append(convert_to_openai_messages(message))
        except Exception:
            converted.append({"role": message.type, "content": message.text})
    return converted


class LLMRequest:
    """The request part of a model run's log, read from its start event.

    Attributes:
        request: The log's `request` (URL, provider slug, body).
        model: The model name, if LangChain reported one.
        gateway_routed: Whether the model's base URL is Portkey's hosted gateway (which logs the call too).
    """

    __slots__ = ("gateway_routed", "model", "request")

    def __init__(self, request: dict[str, Any], model: str | None, gateway_routed: bool) -> None:
        self.request = request
        self.model = model
        self.gateway_routed = gateway_routed


def llm_request(
    serialized: Mapping[str, Any] | None,
    metadata: Mapping[str, Any],
    kwargs: Mapping[str, Any],
    mask: Mask,
    *,
    messages: Sequence[BaseMessage] | None,
    prompts: Sequence[str] | None,
) -> LLMRequest:
    """The request of a chat model (`messages`) or completion model (`prompts`) run."""
    params = mapping(kwargs.get("invocation_params"))
    serialized_kwargs = mapping((serialized or {}).get("kwargs"))
    body: dict[str, Any] = {
        key: value
        for key, value in params.items()
        if value is not None and not key.startswith("_") and key not in ("model_name", "model", "messages", "prompt")
    }
    model = first_str(
        params.get("model"),
        params.get("model_name"),
        metadata.get("ls_model_name"),
        serialized_kwargs.get("model"),
        serialized_kwargs.get("model_name"),
    )
    if model is not None:
        body = {"model": model, **body}
    if messages is not None:
        body["messages"] = mask(openai_messages(messages))
        endpoint = "chat/completions"
    else:
        prompt_list = list(prompts or ())
        body["prompt"] = mask(prompt_list[0] if len(prompt_list) == 1 else prompt_list)
        endpoint = "completions"
    base_url = _model_base_url(serialized_kwargs)
    provider = metadata.get("ls_provider")
    request = {
        "url": f"{base_url}/{endpoint}" if base_url else endpoint,
        "method": "POST",
        "provider": provider_slug(provider) if isinstance(provider, str) else None,
        "headers": {},
        "body": body,
    }
    gateway_routed = base_url is not None and urlsplit(base_url).hostname == _PORTKEY_HOST
    return LLMRequest(request, model, gateway_routed)


def _usage_from_message(message: BaseMessage) -> dict[str, Any] | None:
    return usage_from(mapping(getattr(message, "usage_metadata", None)) or None)


def llm_response_body(record: RunRecord, response: LLMResult, mask: Mask) -> dict[str, Any]:
    """The response body of a finished model run: choices, usage and model, in OpenAI's shape."""
    generations = response.generations[0] if response.generations else []
    llm_output = response.llm_output or {}
    chat = bool(record.data.get("chat"))
    choices: list[dict[str, Any]] = []
    usage: dict[str, Any] | None = None
    model = first_str(llm_output.get("model_name"), llm_output.get("model"))
    for index, generation in enumerate(generations):
        info = generation.generation_info or {}
        finish_reason = info.get("finish_reason")
        if isinstance(generation, ChatGeneration):
            message = generation.message
            response_metadata = message.response_metadata
            finish_reason = finish_reason or response_metadata.get("finish_reason")
            model = model or first_str(response_metadata.get("model_name"), response_metadata.get("model"))
            choice_message = openai_messages([message])[0]
            if usage is None:
                usage = _usage_from_message(message)
            if finish_reason is None:
                finish_reason = "tool_calls" if choice_message.get("tool_calls") else "stop"
            choices.append({"index": index, "finish_reason": finish_reason, "message": mask(choice_message)})
        else:
            choices.append({"index": index, "finish_reason": finish_reason or "stop", "text": mask(generation.text)})
    if usage is None:
        usage = usage_from(mapping(llm_output.get("token_usage") or llm_output.get("usage")) or None)
    body: dict[str, Any] = {
        "id": record.span_id,
        "object": "chat.completion" if chat else "text_completion",
        "created": int(time.time()),
        "model": model or record.data.get("model") or "",
        "choices": choices,
    }
    if usage is not None:
        body["usage"] = usage
    return body


def header_safe(value: str) -> bool:
    """Whether `value` can travel in an HTTP header."""
    try:
        check_header_value("header", value)
    except ValueError:
        return False
    return True


def is_graph_interrupt(error: BaseException) -> bool:
    """Whether `error` is LangGraph's interrupt (a pause for human input, not a failure)."""
    return any(cls.__name__ == "GraphBubbleUp" for cls in type(error).__mro__)
