"""What the methods send and return, exactly, and how they reject bad input before any request (sync and async).

A scripted transport stands in for the control plane; the contract tests cover the same methods against Prism.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

import portkey_ai
from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.admin import GenericResponse
from portkey_ai.admin.types import ModelPricingConfig, UsageLimits, User
from tests.admin.conftest import Recorder, json_response
from tests.admin.support import resolve

MakeClient = Callable[[Callable[[httpx.Request], httpx.Response]], tuple[Portkey | AsyncPortkey, Recorder]]


def answer(body: object = None, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    """A handler answering every request with `body` ({} by default)."""
    return lambda request: json_response({} if body is None else body, status, headers)


def sent_json(recorder: Recorder) -> Any:
    return json.loads(recorder.last.content)


async def test_only_given_arguments_are_sent(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer())

    await resolve(client.admin.workspaces.create(name="Research", description=None))  # type: ignore[arg-type]

    assert recorder.last.method == "POST"
    assert recorder.last.url.path == "/v1/admin/workspaces"
    assert sent_json(recorder) == {"name": "Research"}


async def test_none_is_sent_for_nullable_fields(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"id": "sr-1", "slug": "aws"}))

    await resolve(
        client.secret_references.create(
            name="aws",
            manager_type="aws_sm",
            auth_config={"aws_auth_type": "serviceRole", "aws_region": "us-east-1"},
            secret_path="prod/key",
            secret_key=None,
        )
    )

    body = sent_json(recorder)
    assert body["secret_key"] is None
    assert body["auth_config"] == {"aws_auth_type": "serviceRole", "aws_region": "us-east-1"}
    assert "tags" not in body


async def test_datetimes_and_models_become_json(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer())
    limits = UsageLimits.construct(credit_limit=10, periodic_reset="monthly")

    await resolve(
        client.api_keys.update(
            "0b6ae8ab-0000-4000-8000-000000000001",
            expires_at=datetime(2027, 1, 31, 12, 0, tzinfo=UTC),
            usage_limits=limits,  # type: ignore[arg-type]  # a response model is accepted where a dict is typed
        )
    )

    assert sent_json(recorder) == {
        "expires_at": "2027-01-31T12:00:00+00:00",
        "usage_limits": {"credit_limit": 10, "periodic_reset": "monthly"},
    }


async def test_query_lists_are_comma_joined_and_mappings_json_encoded(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(
        answer({"summary": {"total": 1}, "data_points": [], "object": "analytics-graph"})
    )

    await resolve(
        client.analytics.graphs.requests(
            datetime(2026, 1, 1, tzinfo=UTC),
            "2026-01-02T00:00:00Z",
            virtual_keys=["vk-a", "vk-b"],
            metadata={"env": "prod", "_user": "ada"},
            status_code="401,403",
            extra_query={"trace": "t1"},
        )
    )

    params = recorder.last.url.params
    assert recorder.last.url.path == "/v1/analytics/graphs/requests"
    assert params["time_of_generation_min"] == "2026-01-01T00:00:00+00:00"
    assert params["time_of_generation_max"] == "2026-01-02T00:00:00Z"
    assert params["virtual_keys"] == "vk-a,vk-b"
    assert json.loads(params["metadata"]) == {"env": "prod", "_user": "ada"}
    assert params["status_code"] == "401,403"
    assert params["trace"] == "t1"
    assert "workspace_slug" not in params


async def test_path_parameters_are_escaped(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"object": "user", "id": "u 1"}))

    user = await resolve(client.admin.users.retrieve("a/b c"))

    assert recorder.last.url.raw_path == b"/v1/admin/users/a%2Fb%20c"
    assert isinstance(user, User)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [("", ValueError, "`user_id` must be a non-empty string"), (42, TypeError, "`user_id` must be a string")],
)
async def test_bad_path_parameter_fails_before_any_request(
    scripted_client: MakeClient, value: object, error: type[Exception], message: str
) -> None:
    client, recorder = scripted_client(answer())

    with pytest.raises(error, match=message):
        await resolve(client.admin.users.retrieve(value))  # type: ignore[arg-type]

    assert recorder.requests == []


async def test_missing_required_argument_fails_before_any_request(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer())

    with pytest.raises(TypeError, match="access_token"):
        await resolve(client.mcp_servers.update_tokens("srv-1"))  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]

    assert recorder.requests == []


async def test_exactly_one_of_is_checked_before_any_request(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"id": "m-1"}))

    for extra in ({}, {"scim_group_id": "g-1", "scim_group_name": "Eng"}):
        with pytest.raises(TypeError, match=r"exactly one of `scim_group_id`, `scim_group_name`"):
            await resolve(client.admin.scim.workspaces.create(workspace_id="ws-1", role="member", **extra))  # type: ignore[arg-type]
    assert recorder.requests == []

    await resolve(client.admin.scim.workspaces.create(workspace_id="ws-1", role="member", scim_group_name="Eng"))
    assert sent_json(recorder) == {"workspace_id": "ws-1", "role": "member", "scim_group_name": "Eng"}


async def test_official_sdk_spellings_still_work(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"id": "l-1"}))

    with pytest.warns(DeprecationWarning, match="`organization_id` is deprecated; use `organisation_id`"):
        await resolve(client.labels.create(name="prod", organization_id="org-1"))
    assert sent_json(recorder) == {"name": "prod", "organisation_id": "org-1"}

    with pytest.raises(TypeError, match="pass `organisation_id` only"):
        await resolve(client.labels.create(name="prod", organization_id="org-1", organisation_id="org-2"))

    with pytest.warns(DeprecationWarning, match="`id` is deprecated; use `slug`"):
        await resolve(client.configs.delete(id="pc-old"))
    assert (recorder.last.method, recorder.last.url.path) == ("DELETE", "/v1/configs/pc-old")

    with pytest.raises(TypeError, match="missing required argument: `slug`"):
        await resolve(client.configs.delete())

    with pytest.warns(DeprecationWarning, match="`name` is ignored"):
        await resolve(client.admin.workspaces.delete("ws-1", name="Research"))
    assert (recorder.last.method, recorder.last.url.path, recorder.last.content) == (
        "DELETE",
        "/v1/admin/workspaces/ws-1",
        b"",
    )


async def test_official_sdk_arguments_outside_the_spec_are_sent(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"object": "list", "total": 0, "data": []}))

    await resolve(client.virtual_keys.list(workspace_id="ws-1"))  # type: ignore[arg-type]  # `resolve` cannot infer one page type from the sync | async union
    assert dict(recorder.last.url.params) == {"current_page": "0", "page_size": "50", "workspace_id": "ws-1"}

    await resolve(client.virtual_keys.update("vk-1", rate_limits=[{"type": "requests", "unit": "rpm", "value": 10}]))
    assert sent_json(recorder) == {"rate_limits": [{"type": "requests", "unit": "rpm", "value": 10}]}

    await resolve(client.configs.list(workspace_id="ws-1"))
    assert recorder.last.url.params["workspace_id"] == "ws-1"


async def test_positional_arguments_of_the_official_sdk(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"id": "c-1", "slug": "support"}))

    await resolve(client.collections.create("Support", "ws-1", "parent-1"))

    assert sent_json(recorder) == {"name": "Support", "workspace_id": "ws-1", "parent_collection_id": "parent-1"}


async def test_public_endpoint_at_the_api_root(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer({"currency": "USD", "pay_as_you_go": {"request_token": {"price": 1}}}))

    pricing = await resolve(client.model_configs.pricing.retrieve("openai", "gpt-4o"))

    assert str(recorder.last.url) == "http://control-plane.test/model-configs/pricing/openai/gpt-4o"
    assert isinstance(pricing, ModelPricingConfig)
    assert pricing.currency == "USD"


async def test_per_call_options_are_applied(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(answer())

    await resolve(
        client.admin.users.update(
            "u-1",
            role="member",
            extra_headers={"x-request-tag": "audit"},
            extra_body={"note": "rotated"},
            timeout=7,
        )
    )

    assert recorder.last.headers["x-request-tag"] == "audit"
    assert recorder.last.headers["x-portkey-api-key"] == "pk-test"
    assert sent_json(recorder) == {"role": "member", "note": "rotated"}


async def test_responses_keep_unknown_fields_and_headers(scripted_client: MakeClient) -> None:
    body = {"object": "user", "id": "u-1", "email": "ada@example.com", "mfa": True}
    client, _ = scripted_client(answer(body, headers={"x-portkey-trace-id": "tr-9"}))

    user = await resolve(client.admin.users.retrieve("u-1"))

    assert isinstance(user, User)
    assert user.email == "ada@example.com"
    assert user.to_dict()["mfa"] is True
    assert portkey_ai.get_headers(user) == {"trace-id": "tr-9"}


async def test_open_responses_parse_into_generic_response(scripted_client: MakeClient) -> None:
    client, _ = scripted_client(answer({"success": True, "data": {"id": "x"}}))

    result = await resolve(client.admin.users.delete("u-1"))

    assert isinstance(result, GenericResponse)
    assert result.success is True
    assert result.data == {"id": "x"}


async def test_empty_response_is_none(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(lambda request: httpx.Response(200))

    result = await resolve(client.guardrails.delete("g-1"))  # type: ignore[func-returns-value]

    assert result is None
    assert recorder.last.method == "DELETE"


async def test_errors_are_the_core_exception_classes(scripted_client: MakeClient) -> None:
    client, _ = scripted_client(answer({"error": {"message": "no such user"}}, status=404))

    with pytest.raises(portkey_ai.NotFoundError, match="no such user"):
        await resolve(client.admin.users.retrieve("u-404"))
