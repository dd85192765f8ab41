"""The analytics filters, declared once (the generator's `FILTERS`, the TypedDict `AnalyticsFilters`): which methods
take them as `**filters`, that no argument was lost on the way, what reaches the query (sync and async), and that
undeclared keywords keep the path they take on every other method.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.admin.types import AnalyticsFilters
from tests.admin.conftest import Recorder, json_response
from tests.admin.support import arguments, method_of, operations, resolve

MakeClient = Callable[[Callable[[httpx.Request], httpx.Response]], tuple[Portkey | AsyncPortkey, Recorder]]

pytestmark = pytest.mark.usefixtures("spec_available")

GRAPHS = [
    "cache_hit_rate",
    "cache_latency",
    "cost",
    "errors",
    "errors_rate",
    "errors_stacks",
    "errors_status_codes",
    "feedbacks",
    "feedbacks_ai_models",
    "feedbacks_scores",
    "feedbacks_weighted",
    "latency",
    "requests",
    "requests_rescued",
    "tokens",
    "users",
    "users_requests",
]
FILTERED = {f"analytics.graphs.{name}" for name in GRAPHS} | {
    "analytics.groups.users",
    "analytics.groups.ai_models",
    "analytics.groups.metadata",
}
FIELDS = list(inspect.get_annotations(AnalyticsFilters))


def _analytics() -> list[Any]:
    return [op for op in operations() if op.resource.startswith("analytics.")]


def test_the_graphs_and_three_groups_take_the_shared_filters() -> None:
    assert {f"{op.resource}.{op.name}" for op in _analytics() if op.filters is not None} == FILTERED
    assert len(FIELDS) == 20
    assert {"cost_min", "virtual_keys", "metadata", "cache_status"} <= set(FIELDS)
    assert not {"time_of_generation_min", "time_of_generation_max", "workspace_slug"} & set(FIELDS)


@pytest.mark.parametrize("client_class", [Portkey, AsyncPortkey])
def test_every_argument_of_the_spec_is_still_accepted(client_class: type[Portkey] | type[AsyncPortkey]) -> None:
    """Declared arguments plus the TypedDict's fields are exactly the operation's arguments; the others keep theirs."""
    client = client_class(base_url="http://control-plane.test/v1", api_key="pk-test")
    for op in _analytics():
        parameters = inspect.signature(method_of(client, op.resource, op.name)).parameters
        declared = {name for name, p in parameters.items() if p.kind is not p.VAR_KEYWORD} - {
            "extra_headers",
            "extra_query",
            "extra_body",
            "timeout",
        }
        variadic = [p for p in parameters.values() if p.kind is p.VAR_KEYWORD]
        expected = {p.name for p in op.params}
        if op.filters is None:
            assert variadic == [] and declared == expected, op.key
            continue
        assert [(p.name, p.annotation) for p in variadic] == [("filters", "Unpack[AnalyticsFilters]")], op.key
        assert declared.isdisjoint(FIELDS) and declared | set(FIELDS) == expected, op.key


@pytest.mark.parametrize("dotted", ["analytics.graphs.cost", "analytics.groups.metadata"])
async def test_every_filter_reaches_the_query(scripted_client: MakeClient, dotted: str) -> None:
    client, recorder = scripted_client(lambda request: json_response({"object": "analytics-graph", "data": []}))
    (op,) = [op for op in operations() if f"{op.resource}.{op.name}" == dotted]
    given = arguments(op)
    page_parameters = {"current_page", "page_size"}

    await resolve(method_of(client, op.resource, op.name)(**given))

    sent = dict(recorder.last.url.params)
    assert set(FIELDS) <= set(given) and set(sent) == {p.wire for p in op.params if p.location == "query"}
    assert sent["virtual_keys"] == "first,second"
    assert sent["metadata"] == '{"env":"staging"}'
    assert sent["cost_min"] == str(given["cost_min"])
    assert page_parameters <= set(sent) or op.page is None


async def test_undeclared_keywords_take_the_path_of_every_other_method(scripted_client: MakeClient) -> None:
    """A keyword outside the filters goes to `extra_query` (a list in openai's format, not comma-joined), under an explicit
    `extra_query`, as on `configs.list`, which takes no `**filters`."""
    client, recorder = scripted_client(lambda request: json_response({"object": "list", "data": []}))

    await resolve(
        client.configs.list(team=["a", "b"], owner="kw", extra_query={"owner": "explicit"})  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    )
    plain = recorder.last.url.params
    await resolve(
        client.analytics.graphs.cost(
            "2026-01-01",
            "2026-01-02",
            team=["a", "b"],  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
            owner="kw",  # pyright: ignore[reportCallIssue]
            configs=["pc-1", "pc-2"],
            extra_query={"owner": "explicit"},
        )
    )
    filtered = recorder.last.url.params

    assert filtered.get_list("team[]") == plain.get_list("team[]") == ["a", "b"]  # openai's list format
    assert "team" not in filtered
    assert filtered["owner"] == plain["owner"] == "explicit"
    assert filtered["configs"] == "pc-1,pc-2"
