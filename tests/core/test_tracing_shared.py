"""What the tracing integrations share from core: provider slugs, usage shapes, warn-once logging, record to log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from openai.types import CompletionUsage
from openai.types.completion_usage import CompletionTokensDetails, PromptTokensDetails

from portkey_ai.lib.sibling import Policy, SpanRecord, WarnOnce, provider_slug, record_log, usage_from


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        # LangChain `ls_provider` values
        ("azure", "azure-openai"),
        ("google_vertexai", "vertex-ai"),
        ("amazon_bedrock", "bedrock"),
        ("xai", "x-ai"),
        # LlamaIndex package names
        ("openai_like", "openai"),
        ("vertex", "vertex-ai"),
        ("gemini", "google"),
        ("huggingface_api", "huggingface"),
        # both
        ("azure_openai", "azure-openai"),
        ("mistralai", "mistral-ai"),
        ("together", "together-ai"),
        ("fireworks", "fireworks-ai"),
        ("perplexity", "perplexity-ai"),
        ("bedrock_converse", "bedrock"),
        # unknown names pass through
        ("brand_new", "brand_new"),
    ],
)
def test_one_provider_slug_table_for_every_framework(name: str, slug: str) -> None:
    assert provider_slug(name) == slug


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (
            {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
            {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
        ),
        ({"input_tokens": 4, "output_tokens": 6}, {"prompt_tokens": 4, "completion_tokens": 6, "total_tokens": 10}),
        (
            {"prompt_token_count": 3, "candidates_token_count": 1, "total_token_count": 5},
            {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 5},
        ),
        ({"completion_tokens": 2}, {"prompt_tokens": 0, "completion_tokens": 2, "total_tokens": 2}),
        (
            {
                "input_tokens": 10,
                "output_tokens": 5,
                "total_tokens": 15,
                "input_token_details": {"cache_read": 4},
                "output_token_details": {"reasoning": 3},
            },
            {
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "total_tokens": 15,
                "prompt_tokens_details": {"cached_tokens": 4},
                "completion_tokens_details": {"reasoning_tokens": 3},
            },
        ),
        (
            CompletionUsage(
                prompt_tokens=8,
                completion_tokens=2,
                total_tokens=10,
                prompt_tokens_details=PromptTokensDetails(cached_tokens=6),
                completion_tokens_details=CompletionTokensDetails(reasoning_tokens=1),
            ),
            {
                "prompt_tokens": 8,
                "completion_tokens": 2,
                "total_tokens": 10,
                "prompt_tokens_details": {"cached_tokens": 6},
                "completion_tokens_details": {"reasoning_tokens": 1},
            },
        ),
        ({"prompt_tokens": "9", "completion_tokens": None}, None),
        ({"model": "gpt-4o"}, None),
        (None, None),
    ],
)
def test_usage_is_read_in_every_provider_shape_and_never_estimated(usage: Any, expected: Any) -> None:
    assert usage_from(usage) == expected


def test_warn_once_warns_the_first_time_and_logs_repeats_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("portkey_ai.tests.warn_once")
    warn = WarnOnce(logger)

    with caplog.at_level(logging.DEBUG, logger=logger.name):
        warn("a", "first %s", "a")
        warn("a", "again %s", "a")
        warn("b", "first %s", "b")

    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == logger.name] == [
        (logging.WARNING, "first a"),
        (logging.DEBUG, "again a"),
        (logging.WARNING, "first b"),
    ]


def test_a_record_becomes_a_span_log() -> None:
    record = SpanRecord(name="step", kind="tool", parent=None, policy=Policy.PINNED, tags=("t",), start_time=100.0)

    log = record_log(
        record,
        request={"body": {"input": 1}},
        response={"body": {"output": 2}},
        metadata={"_user": "u-1"},
        source="Langchain",
        parent_span_id="parent-1",
        end_time=99.0,
    )

    assert log["trace_id"] == record.span_id  # no trace id decided: the span's own
    assert log["span_id"] == record.span_id
    assert log["parent_span_id"] == "parent-1"
    assert log["span_name"] == "step"
    assert log["response"]["response_time"] == 0  # the end is never before the start
    assert log["metadata"]["_user"] == "u-1"
    assert log["metadata"]["_source"] == "Langchain"
    assert log["metadata"]["source_metadata"] == '{"type": "tool", "tags": ["t"]}'
    assert log["request"]["body"] == {"input": 1}
    assert log["response"]["body"] == {"output": 2}
