"""The official SDK's method signatures keep working: every method it has, with the argument names it takes.

The table is the official SDK's (portkey-ai 2.3, see ../shared/reference/portkey-ai-reference.md, section 1). Every
argument is accepted by keyword (the official SDK's methods are keyword-only), and `collections.create` also takes
its three arguments by position. Where an argument is not in the API spec, the method keeps accepting it (see the
generator's `Legacy` table and test_requests.py for what is sent).
"""

from __future__ import annotations

import inspect

import pytest

from portkey_ai import AsyncPortkey, Portkey
from tests.admin.support import method_of

GRAPHS = [
    "requests",
    "cost",
    "latency",
    "tokens",
    "users",
    "users_requests",
    "errors",
    "errors_rate",
    "errors_stacks",
    "errors_status_codes",
    "requests_rescued",
    "cache_hit_rate",
    "cache_latency",
    "feedbacks",
    "feedbacks_scores",
    "feedbacks_weighted",
    "feedbacks_ai_models",
]
GRAPH_ARGUMENTS = (
    "time_of_generation_min time_of_generation_max total_units_min total_units_max cost_min cost_max status_code "
    "virtual_keys configs workspace_slug api_key_ids ai_org_model prompt_slug metadata cache_status"
)
PROMPT_FIELDS = (
    "name collection_id string parameters virtual_key model functions tools tool_choice version_description "
    "template_metadata"
)

OFFICIAL: dict[str, str] = {
    "admin.users.retrieve": "user_id",
    "admin.users.list": "page_size current_page email role",
    "admin.users.update": "user_id role",
    "admin.users.delete": "user_id",
    "admin.users.invites.create": "email role workspaces workspace_api_key_details",
    "admin.users.invites.retrieve": "invite_id",
    "admin.users.invites.list": "page_size current_page email role status",
    "admin.users.invites.delete": "invite_id",
    "admin.users.invites.resend": "invite_id",
    "admin.users.resend": "invite_id",  # the official async client's place for it
    "admin.workspaces.create": "name description defaults users",
    "admin.workspaces.retrieve": "workspace_id",
    "admin.workspaces.list": "name page_size current_page exact_name",
    "admin.workspaces.update": "workspace_id name description defaults",
    "admin.workspaces.delete": "workspace_id name",
    "admin.workspaces.users.create": "workspace_id users",
    "admin.workspaces.users.retrieve": "workspace_id user_id",
    "admin.workspaces.users.list": "workspace_id page_size current_page email role",
    "admin.workspaces.users.update": "workspace_id user_id role",
    "admin.workspaces.users.delete": "workspace_id user_id",
    "configs.create": "name config is_default workspace_id",
    "configs.retrieve": "slug",
    "configs.list": "workspace_id",
    "configs.update": "slug name config status",
    "configs.delete": "id slug",
    "api_keys.create": (
        "type sub_type name description workspace_id user_id rate_limits usage_limits scopes defaults expires_at"
    ),
    "api_keys.retrieve": "id",
    "api_keys.list": "page_size current_page workspace_id",
    "api_keys.update": "id name description rate_limits usage_limits scopes defaults expires_at",
    "api_keys.delete": "id",
    "virtual_keys.create": ("name provider key note apiVersion resourceName deploymentName workspace_id usage_limits"),
    "virtual_keys.list": "workspace_id",
    "virtual_keys.retrieve": "slug",
    "virtual_keys.update": "slug name key note usage_limits rate_limits",
    "virtual_keys.delete": "slug",
    "logs.exports.create": "filters workspace_id description requested_data",
    "logs.exports.retrieve": "export_id",
    "logs.exports.list": "workspace_id",
    "logs.exports.update": "export_id workspace_id filters requested_data",
    "logs.exports.start": "export_id",
    "logs.exports.cancel": "export_id",
    "logs.exports.download": "export_id",
    "labels.create": "name organization_id workspace_id description color_code",
    "labels.list": "organization_id workspace_id current_page page_size",
    "labels.retrieve": "label_id",
    "labels.update": "label_id name description color_code",
    "labels.delete": "label_id",
    "collections.create": "name workspace_id parent_collection_id",
    "collections.list": "workspace_id current_page page_size search",
    "collections.retrieve": "collection_id",
    "collections.update": "collection_id name",
    "collections.delete": "collection_id",
    "integrations.create": "name description key ai_provider_id workspace_id slug configurations",
    "integrations.list": "current_page page_size workspace_id type",
    "integrations.retrieve": "slug",
    "integrations.update": "slug name description key configurations",
    "integrations.delete": "slug",
    "integrations.workspaces.list": "slug",
    "integrations.workspaces.update": ("slug global_workspace_access override_existing_workspaces_access workspaces"),
    "integrations.models.list": "slug",
    "integrations.models.update": "slug allow_all_models models",
    "integrations.models.delete": "slug slugs",
    "providers.create": "name integration_id workspace_id slug note usage_limits rate_limits expires_at",
    "providers.list": "current_page page_size workspace_id",
    "providers.retrieve": "slug workspace_id",
    "providers.update": "slug workspace_id name note usage_limits rate_limits expires_at reset_usage",
    "providers.delete": "slug workspace_id",
    "guardrails.create": "name checks actions workspace_id organisation_id",
    "guardrails.list": "workspace_id organisation_id page_size current_page",
    "guardrails.retrieve": "guardrail_id",
    "guardrails.update": "guardrail_id name checks actions",
    "guardrails.delete": "guardrail_id",
    **{f"analytics.graphs.{name}": GRAPH_ARGUMENTS for name in GRAPHS},
    "analytics.groups.users": "time_of_generation_min time_of_generation_max",
    "analytics.groups.ai_models": "time_of_generation_min time_of_generation_max",
    "analytics.groups.metadata": "metadata_key time_of_generation_min time_of_generation_max",
    "analytics.summary.cache": "time_of_generation_min time_of_generation_max workspace_slug",
    "analytics.groups.workspaces": "time_of_generation_min time_of_generation_max",
    "analytics.groups.group_by": "group_by time_of_generation_min time_of_generation_max columns include_total",
    "mcp_integrations.sync": "mcp_integration_id server_info capabilities",
    "mcp_integrations.test": "mcp_integration_id",
    "mcp_servers.get_tokens": "mcp_server_id",
    "mcp_servers.update_tokens": "mcp_server_id access_token refresh_token",
    "mcp_servers.delete_tokens": "mcp_server_id",
    "mcp_servers.get_client_info": "mcp_server_id",
    "mcp_servers.capabilities.sync": "mcp_server_id capabilities",
    "mcp_servers.user_access.check": "mcp_server_id",
    "mcp_servers.metadata.retrieve": "mcp_server_id",
    "mcp_servers.metadata.sync": (
        "mcp_server_id server_name server_version protocol_version title description website_url icons "
        "capability_flags instructions"
    ),
    "mcp_servers.create": "name mcp_integration_id description workspace_id slug",
    "mcp_servers.list": "workspace_id current_page page_size id search",
    "mcp_servers.retrieve": "mcp_server_id",
    "mcp_servers.update": "mcp_server_id name description",
    "mcp_servers.delete": "mcp_server_id",
    "mcp_servers.test": "mcp_server_id",
    "mcp_servers.capabilities.list": "mcp_server_id",
    "mcp_servers.capabilities.update": "mcp_server_id capabilities",
    "mcp_servers.user_access.list": "mcp_server_id",
    "mcp_servers.user_access.update": "mcp_server_id user_access default_user_access",
    "mcp_integrations.create": ("name url auth_type transport description workspace_id organisation_id configurations"),
    "mcp_integrations.list": "organisation_id type workspace_id current_page page_size search",
    "mcp_integrations.retrieve": "mcp_integration_id",
    "mcp_integrations.update": "mcp_integration_id name description configurations url auth_type transport",
    "mcp_integrations.delete": "mcp_integration_id",
    "mcp_integrations.workspaces.list": "mcp_integration_id",
    "mcp_integrations.workspaces.update": "mcp_integration_id workspaces global_workspace_access",
    "mcp_integrations.capabilities.list": "mcp_integration_id",
    "mcp_integrations.capabilities.update": "mcp_integration_id capabilities",
    "mcp_integrations.metadata.retrieve": "mcp_integration_id",
    "prompts.create": PROMPT_FIELDS,
    "prompts.list": "collection_id workspace_id current_page page_size search",
    "prompts.retrieve": "prompt_slug",
    "prompts.update": "prompt_slug " + PROMPT_FIELDS,
    "prompts.delete": "prompt_slug",
    "prompts.publish": "prompt_slug version",
    "prompts.versions.list": "prompt_slug",
    "prompts.versions.retrieve": "prompt_slug version_id",
    "prompts.versions.update": "prompt_slug version_id label_id",
    "prompts.partials.create": "name string workspace_id version_description",
    "prompts.partials.list": "collection_id",
    "prompts.partials.retrieve": "partial_slug",
    "prompts.partials.update": "partial_slug name string description status",
    "prompts.partials.delete": "partial_slug",
    "prompts.partials.publish": "partial_slug version",
    "prompts.partials.versions.list": "partial_slug",
}


def _method(client: Portkey | AsyncPortkey, dotted: str) -> inspect.Signature:
    resource, name = dotted.rsplit(".", 1)
    return inspect.signature(method_of(client, resource, name))


@pytest.mark.parametrize(("dotted", "arguments"), sorted(OFFICIAL.items()), ids=sorted(OFFICIAL))
async def test_official_arguments_are_accepted_by_keyword(dotted: str, arguments: str) -> None:
    with Portkey(base_url="http://control-plane.test/v1", api_key="pk-test") as client:
        _method(client, dotted).bind_partial(**dict.fromkeys(arguments.split(), "value"))
    async with AsyncPortkey(base_url="http://control-plane.test/v1", api_key="pk-test") as async_client:
        _method(async_client, dotted).bind_partial(**dict.fromkeys(arguments.split(), "value"))


def test_collections_create_takes_its_arguments_by_position() -> None:
    with Portkey(base_url="http://control-plane.test/v1", api_key="pk-test") as client:
        bound = _method(client, "collections.create").bind("Support", "ws-1", "parent-1")

    assert dict(bound.arguments) == {"name": "Support", "workspace_id": "ws-1", "parent_collection_id": "parent-1"}
