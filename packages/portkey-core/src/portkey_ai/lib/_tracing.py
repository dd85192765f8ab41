"""What the tracing integrations (LangChain, LlamaIndex) share besides the span tree: provider slugs, token usage,
warn-once logging, and the step from a finished `SpanRecord` to a `span_log` payload.

Each integration reads its framework's objects itself; these functions take the plain values it found, so a provider
slug or a usage shape is recognised the same way whichever framework reported it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ._spans import SpanRecord
from ._warn_once import WarnOnce
from .log_shipper import span_log

__all__ = ["PROVIDER_SLUGS", "WarnOnce", "provider_slug", "record_log", "usage_from"]

PROVIDER_SLUGS: Mapping[str, str] = {
    # LangChain `ls_provider` values and LlamaIndex integration package names (`llama_index.llms.<name>`).
    "openai": "openai",
    "openai_like": "openai",
    "azure": "azure-openai",
    "azure_openai": "azure-openai",
    "anthropic": "anthropic",
    "amazon_bedrock": "bedrock",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "vertex": "vertex-ai",
    "vertexai": "vertex-ai",
    "google_vertexai": "vertex-ai",
    "gemini": "google",
    "google_genai": "google",
    "groq": "groq",
    "mistralai": "mistral-ai",
    "ollama": "ollama",
    "cohere": "cohere",
    "together": "together-ai",
    "fireworks": "fireworks-ai",
    "deepseek": "deepseek",
    "perplexity": "perplexity-ai",
    "huggingface": "huggingface",
    "huggingface_api": "huggingface",
    "nvidia": "nvidia",
    "cerebras": "cerebras",
    "openrouter": "openrouter",
    "xai": "x-ai",
    "portkey": "portkey",
}
"""A framework's name for a model provider -> Portkey's provider slug."""


def provider_slug(name: str) -> str:
    """Portkey's provider slug for a framework's provider name; an unknown name is returned unchanged."""
    return PROVIDER_SLUGS.get(name, name)


def _get(obj: object, key: str) -> Any:
    if isinstance(obj, Mapping):
        return cast("Mapping[str, Any]", obj).get(key)
    return getattr(obj, key, None)


_COUNT_KEYS = (
    ("prompt_tokens", "completion_tokens"),  # OpenAI
    ("input_tokens", "output_tokens"),  # Anthropic, LangChain's `usage_metadata`
    ("prompt_token_count", "candidates_token_count"),  # Gemini
)
_TOTAL_KEYS = ("total_tokens", "total_token_count")
_DETAILS = (
    # (usage key, its key) pairs that report one count, and where the OpenAI-shaped usage puts it.
    (
        (("prompt_tokens_details", "cached_tokens"), ("input_token_details", "cache_read")),
        "prompt_tokens_details",
        "cached_tokens",
    ),
    (
        (("completion_tokens_details", "reasoning_tokens"), ("output_token_details", "reasoning")),
        "completion_tokens_details",
        "reasoning_tokens",
    ),
)


def _counts(usage: object) -> tuple[Any, Any]:
    """The prompt and completion counts of the first shape `usage` reports either of."""
    for prompt_key, completion_key in _COUNT_KEYS:
        prompt, completion = _get(usage, prompt_key), _get(usage, completion_key)
        if prompt is not None or completion is not None:
            return prompt, completion
    return None, None


def usage_from(usage: object) -> dict[str, Any] | None:
    """Token usage (a mapping or an object) in OpenAI's shape, or None when it reports no token count.

    Recognises OpenAI's (`prompt_tokens`), Anthropic's and LangChain's (`input_tokens`) and Gemini's
    (`prompt_token_count`) counts; the total is the reported one, else the sum. Cached prompt tokens and reasoning
    tokens are kept (as `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens`) when
    reported. Counts are never estimated: a usage without an integer count gives None.
    """
    if usage is None:
        return None
    prompt, completion = _counts(usage)
    if not (isinstance(prompt, int) or isinstance(completion, int)):
        return None
    prompt_tokens = prompt if isinstance(prompt, int) else 0
    completion_tokens = completion if isinstance(completion, int) else 0
    total = next((value for key in _TOTAL_KEYS if isinstance(value := _get(usage, key), int)), None)
    result: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": total if total is not None else prompt_tokens + completion_tokens,
    }
    for sources, target, target_key in _DETAILS:
        for details_key, count_key in sources:
            details = _get(usage, details_key)
            count = _get(details, count_key) if details is not None else None
            if isinstance(count, int):
                result[target] = {target_key: count}
                break
    return result


def record_log(
    record: SpanRecord,
    *,
    request: Mapping[str, Any],
    response: Mapping[str, Any],
    metadata: Mapping[str, Any],
    source: str,
    parent_span_id: str | None,
    end_time: float,
) -> dict[str, Any]:
    """The `span_log` payload of a finished, emitted record (its trace id defaults to its span id; its end is never
    before its start)."""
    return span_log(
        trace_id=record.trace_id or record.span_id,
        span_id=record.span_id,
        parent_span_id=parent_span_id,
        span_name=record.name,
        request=request,
        response=response,
        start_time=record.start_time,
        end_time=max(end_time, record.start_time),
        metadata=metadata,
        source=source,
        span_type=record.kind,
        tags=record.tags,
    )
