#!/usr/bin/env python3
"""Generate the resources and types of portkey-admin from Portkey's OpenAPI spec.

    uv run python scripts/generate_admin.py            # (re)write the generated files
    uv run python scripts/generate_admin.py --check    # exit 1 if the committed files are stale

The spec is read from `$PORTKEY_OPENAPI_SPEC`, else from `spec/portkey-openapi/openapi.yaml` in the
repository, and merged with `spec/overlay.yaml` (the operations and parameters the official SDK sends that the
published spec lacks; see `merge_overlay`). The output is committed, readable code in `packages/portkey-admin/src/portkey_ai/admin/`:

- `resources/<attribute>.py`: one sync and one async class per resource, both rendered from the same template
  (`_method` below), so the twins cannot drift; every method is an `@endpoint` and every class generic in its
  response mode, which gives each resource `with_raw_response` / `with_streaming_response` (see `_base.py`);
- `types/models.py` (response models, `openai.BaseModel` subclasses) and `types/params.py` (request `TypedDict`s);
- `_extension.py`: the entry-point factories through which the core client finds the top-level attributes;
- `packages/portkey-admin/api.md`: an index of every method and the operation it calls;
- `cli/_operations.py`: the table from which the `portkey` command builds one sub-command per method
  (`render_cli_table`), so the command line and the library cannot drift.

Which operation becomes which method is decided by the tables below (`RESOURCES`, `OPERATIONS`), which follow the
official SDK's names where it has the method. Every control-plane operation of the spec must be in `OPERATIONS`:
the generator fails otherwise, and so does a test.
"""

from __future__ import annotations

import argparse
import json
import keyword
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "packages" / "portkey-admin"
OUTPUT_DIR = PACKAGE_DIR / "src" / "portkey_ai" / "admin"
GENERATED_DIRS = ("resources", "types")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

Schema = dict[str, Any]


def spec_path() -> Path:
    """Where the OpenAPI spec is read from."""
    configured = os.environ.get("PORTKEY_OPENAPI_SPEC")
    return Path(configured) if configured else ROOT / "spec" / "portkey-openapi" / "openapi.yaml"


OVERLAY_PATH = ROOT / "spec" / "overlay.yaml"
"""What the official SDK sends that the published spec lacks (see `merge_overlay`)."""


def load_spec(path: Path | None = None) -> Schema:
    """The parsed spec (without the overlay)."""
    return _load_yaml(path or spec_path())


def _load_yaml(path: Path) -> Schema:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        loaded: Schema = yaml.load(handle, Loader=loader)
    return loaded


def load_merged_spec(path: Path | None = None, overlay: Path = OVERLAY_PATH) -> Schema:
    """The spec at `path` (default: `spec_path()`) merged with the overlay: what the generator and Prism read."""
    return merge_overlay(load_spec(path), _load_yaml(overlay))


OVERLAY_PARAMETERS = "x-operation-parameters"
"""The overlay's list of `{parameters, operations, x-source}`: parameters added to operations of the spec."""


def merge_overlay(spec: Schema, overlay: Schema) -> Schema:
    """`spec` with the overlay's paths, components and extra operation parameters added (neither input is changed).

    - `paths`: a new path is added whole; for a path the spec has, each overlay operation is added to it with the
      overlay path's `servers` and `parameters` moved into the operation;
    - `components`: added section by section;
    - `x-operation-parameters`: each entry's `parameters` are appended to each of its `operations` (`"get /path"`).

    Raises:
        ValueError: an overlay operation, component or operation parameter clashes with one of the spec (the spec
            gained it: remove it from the overlay), or an entry of `x-operation-parameters` names an operation
            that does not exist.
    """
    unknown = set(overlay) - {"paths", "components", OVERLAY_PARAMETERS}
    if unknown:
        raise ValueError(f"overlay: unsupported top-level keys {sorted(unknown)}")
    merged = dict(spec)
    paths: dict[str, Schema] = dict(spec.get("paths") or {})
    overlay_paths: dict[str, Schema] = overlay.get("paths") or {}
    for path, item in overlay_paths.items():
        if path not in paths:
            paths[path] = item
            continue
        existing = dict(paths[path])
        shared: Schema = {key: item[key] for key in ("servers", "parameters") if key in item}
        operation: Schema
        for method, operation in item.items():
            if method in shared:
                continue
            if method not in HTTP_METHODS:
                raise ValueError(f"overlay: {path}: unsupported key {method!r}")
            if method in existing:
                raise ValueError(f"overlay: {method} {path} is already in the spec; remove it from the overlay")
            existing[method] = {
                **operation,
                "servers": operation.get("servers", shared.get("servers", existing.get("servers"))),
                "parameters": [*shared.get("parameters", []), *operation.get("parameters", [])],
            }
        paths[path] = existing
    components: dict[str, Schema] = dict(spec.get("components") or {})
    overlay_components: dict[str, Schema] = overlay.get("components") or {}
    for section, entries in overlay_components.items():
        current: Schema = dict(components.get(section) or {})
        clash = sorted(set(current) & set(entries))
        if clash:
            raise ValueError(f"overlay: components/{section} {clash} are already in the spec")
        components[section] = {**current, **entries}
    merged["paths"] = paths
    merged["components"] = components
    resolver = Spec(merged)
    entries_parameters: list[Schema] = overlay.get(OVERLAY_PARAMETERS) or []
    for entry in entries_parameters:
        added: set[tuple[str, str]] = {(p["in"], p["name"]) for p in map(resolver.resolve, entry["parameters"])}
        keys: list[str] = entry["operations"]
        for key in keys:
            method, _, path = key.partition(" ")
            if method not in paths.get(path, {}):
                raise ValueError(f"overlay: {OVERLAY_PARAMETERS}: no operation {key!r}")
            item = dict(paths[path])
            operation = dict(item[method])
            present = [*item.get("parameters", []), *operation.get("parameters", [])]
            taken = sorted(added & {(p["in"], p["name"]) for p in map(resolver.resolve, present)})
            if taken:
                raise ValueError(f"overlay: {key} already has the parameters {taken}")
            operation["parameters"] = [*operation.get("parameters", []), *entry["parameters"]]
            item[method] = operation
            paths[path] = item
    return merged


# --------------------------------------------------------------------------------------------------------------------
# Which operations are the control plane
# --------------------------------------------------------------------------------------------------------------------

CONTROL_PLANE_SERVER = "SELF_HOSTED_CONTROL_PLANE_URL"
"""The placeholder URL the spec lists among the servers of every control-plane operation."""

OPENAI_COMPATIBLE_PREFIXES = ("/vector_stores", "/models/")
"""Operations without `servers` under these paths are OpenAI-compatible (data plane); the others are control plane."""

EXTRA_CONTROL_PLANE = {
    ("get", "/logs/{logId}"): "reading a stored log is observability, not a gateway call",
    ("get", "/model-configs/pricing/{provider}/{model}"): "public pricing data of the control plane",
}
"""Operations the spec serves from another server that belong to the control plane all the same."""

CORE_OWNED = {
    ("post", "/feedback"): "portkey.feedback.create / bulk_create",
    ("put", "/feedback/{id}"): "portkey.feedback.update",
}
"""Control-plane operations that portkey-core implements (an application sends feedback on its own traces)."""


def iter_operations(spec: Schema) -> Iterator[tuple[str, str, Schema, Schema]]:
    """Every operation of the spec: (method, path, operation, path item)."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method, path, item[method], item


def is_control_plane(method: str, path: str, operation: Schema, item: Schema) -> bool:
    """Whether an operation belongs to the control plane (see the module docstring of the coverage test)."""
    servers = operation.get("servers", item.get("servers"))
    if servers:
        return any(CONTROL_PLANE_SERVER in server["url"] for server in servers) or (method, path) in EXTRA_CONTROL_PLANE
    return not path.startswith(OPENAI_COMPATIBLE_PREFIXES)


def control_plane_operations(spec: Schema) -> list[tuple[str, str]]:
    """(method, path) of every control-plane operation, in spec order."""
    return [(m, p) for m, p, op, item in iter_operations(spec) if is_control_plane(m, p, op, item)]


# --------------------------------------------------------------------------------------------------------------------
# Names: resources and operations
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extras:
    """Hand-written methods of a resource: mixins that the generated classes inherit from.

    The module `portkey_ai.admin.<module>` defines `<ClassName>Extras` and `Async<ClassName>Extras`, each generic in
    the response mode; the generated class lists its mixin first, so a hand-written method wins. An operation named in
    `wraps` is generated under its name with a leading underscore (`_download`), for the hand-written method of that
    name to call (in every response mode: the private method is an `@endpoint` too).
    """

    module: str
    wraps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """One resource class (and its async twin).

    `extends`: the portkey-core module whose class of the same name (and its async twin) this one extends; core's
    instance forwards what it lacks to it (`portkey_ai.resources._base.ExtendedResource`).
    """

    class_name: str
    doc: str
    extras: Extras | None = None
    extends: str | None = None


RESOURCES: dict[str, Resource] = {
    "admin": Resource("Admin", "Portkey's admin API: users, invites, workspaces and their members, SCIM mappings."),
    "admin.users": Resource("Users", "The users of the organisation."),
    "admin.users.invites": Resource("Invites", "Invitations of users to the organisation."),
    "admin.workspaces": Resource("Workspaces", "The workspaces of the organisation."),
    "admin.workspaces.users": Resource("WorkspaceUsers", "The members of a workspace."),
    "admin.scim": Resource("Scim", "SCIM provisioning."),
    "admin.scim.workspaces": Resource("ScimWorkspaces", "Mappings of SCIM groups to workspaces."),
    "analytics": Resource("Analytics", "Analytics of the requests through the gateway: graphs, groups, summaries."),
    "analytics.graphs": Resource("AnalyticsGraphs", "Time series of one metric each, with a summary."),
    "analytics.groups": Resource("AnalyticsGroups", "Metrics grouped by user, model or metadata value."),
    "analytics.summary": Resource("AnalyticsSummary", "Summaries over a time range."),
    "api_keys": Resource("ApiKeys", "Portkey API keys (organisation and workspace, service and user keys)."),
    "audit_logs": Resource("AuditLogs", "The audit log of the organisation."),
    "collections": Resource("Collections", "Collections of prompts."),
    "configs": Resource("Configs", "Saved gateway configs."),
    "configs.versions": Resource("ConfigVersions", "The versions of a saved config."),
    "guardrails": Resource("Guardrails", "Guardrails: checks and the actions taken on their verdicts."),
    "integrations": Resource("Integrations", "Integrations: provider credentials shared with workspaces."),
    "integrations.models": Resource("IntegrationModels", "The models an integration allows."),
    "integrations.workspaces": Resource("IntegrationWorkspaces", "The workspaces an integration is shared with."),
    "labels": Resource("Labels", "Labels of prompt versions."),
    "logs": Resource(
        "Logs", "Stored request logs and log exports (`create` is portkey-core's).", extends="portkey_ai.resources.logs"
    ),
    "logs.exports": Resource("LogExports", "Exports of request logs.", Extras("_log_exports", wraps=("download",))),
    "mcp_integrations": Resource("McpIntegrations", "MCP integrations: connections to MCP servers."),
    "mcp_integrations.capabilities": Resource("McpIntegrationCapabilities", "The capabilities of an MCP integration."),
    "mcp_integrations.metadata": Resource("McpIntegrationMetadataResource", "The metadata of an MCP integration."),
    "mcp_integrations.workspaces": Resource(
        "McpIntegrationWorkspaces", "The workspaces an MCP integration is shared with."
    ),
    "mcp_servers": Resource("McpServers", "MCP servers provisioned in workspaces."),
    "mcp_servers.capabilities": Resource("McpServerCapabilities", "The capabilities of an MCP server."),
    "mcp_servers.connections": Resource("McpServerConnections", "The user connections of an MCP server."),
    "mcp_servers.metadata": Resource("McpServerMetadataResource", "The metadata an MCP server reports."),
    "mcp_servers.user_access": Resource("McpServerUserAccess", "Which users may use an MCP server."),
    "model_configs": Resource("ModelConfigs", "Model configurations published by Portkey."),
    "model_configs.pricing": Resource("ModelPricing", "The pricing of a provider's model."),
    "policies": Resource("Policies", "Usage-limit and rate-limit policies."),
    "policies.rate_limits": Resource("RateLimitsPolicies", "Rate-limit policies."),
    "policies.usage_limits": Resource("UsageLimitsPolicies", "Usage-limit policies."),
    "policies.usage_limits.entities": Resource(
        "UsageLimitsPolicyEntities", "The entities a usage-limit policy tracks."
    ),
    "prompts": Resource(
        "Prompts",
        "Prompt management (`render` and `completions` are portkey-core's).",
        extends="portkey_ai.resources.prompts",
    ),
    "prompts.partials": Resource("PromptPartials", "Prompt partials: reusable pieces of prompt templates."),
    "prompts.partials.versions": Resource("PromptPartialVersions", "The versions of a prompt partial."),
    "prompts.versions": Resource("PromptVersions", "The versions of a prompt."),
    "providers": Resource("Providers", "Providers (formerly virtual keys) of a workspace."),
    "secret_references": Resource("SecretReferences", "References to secrets kept in an external secret manager."),
    "virtual_keys": Resource("VirtualKeys", "Virtual keys (see also `providers`)."),
}


@dataclass(frozen=True)
class Legacy:
    """An argument of the official SDK that the spec does not have.

    kind: `alias` (deprecated spelling of the spec argument `target`), `query`/`body` (sent under the wire name
    `target`), or `ignored` (accepted, warns, not sent; `target` says why).
    """

    kind: str
    target: str
    annotation: str = "str"


@dataclass(frozen=True)
class Op:
    """How one operation becomes a method."""

    resource: str
    name: str
    rename: Mapping[str, str] = field(default_factory=dict[str, str])
    """Wire name -> Python argument name, where the default (snake_case of the wire name) is not wanted."""
    positional: tuple[str, ...] = ()
    """Arguments (Python names) that may be given by position after the path parameters (official SDK)."""
    defaults: Mapping[str, str] = field(default_factory=dict[str, str])
    """Python name -> default value (Python source) sent when the caller gives nothing.

    The official SDK's defaults (its paged lists send their first page, some a page size); on GET /virtual-keys,
    where the spec marks the paging parameters required and the official SDK sends none, the API's documented ones.
    """
    optional: frozenset[str] = frozenset()
    """Python names the spec marks required that the API documents as optional."""
    legacy: Mapping[str, Legacy] = field(default_factory=dict[str, Legacy])
    omittable: Mapping[str, str] = field(default_factory=dict[str, str])
    """Python name -> why: query or body arguments the spec marks required that the official SDK lets you omit.

    The method accepts the official call and sends what was given; the server decides (docs/admin-dropin.md lists
    every one). Path parameters are never omittable: without them there is no URL to call.
    """
    no_fields: str = ""
    aliases: tuple[str, ...] = ()
    """Other places (`resource.name`) where the official SDK has the same method; each gets it too."""
    """Why the official call without any body field is accepted where the spec's body has `minProperties` ("" if not)."""


_ANALYTICS_TIME = ("time_of_generation_min", "time_of_generation_max")
_WORKSPACE_SLUG_OPTIONAL = frozenset({"workspace_slug"})


def _graph(name: str) -> Op:
    return Op("analytics.graphs", name, positional=_ANALYTICS_TIME, optional=_WORKSPACE_SLUG_OPTIONAL)


def _group(name: str) -> Op:
    return Op("analytics.groups", name, positional=_ANALYTICS_TIME, optional=_WORKSPACE_SLUG_OPTIONAL)


_OFFICIAL = "optional in the official SDK: sent only when given, the server decides"
_NO_FIELDS = "the official SDK sends the update without any field (`{}`) and lets the server answer"

_PROMPT = {"promptId": "prompt_slug"}
_PARTIAL = {"promptPartialId": "partial_slug"}
_USAGE_POLICY = {"policyUsageLimitsId": "policy_id"}
_RATE_POLICY = {"rateLimitsPolicyId": "policy_id"}
_ORGANIZATION = {"organization_id": Legacy("alias", "organisation_id")}

OPERATIONS: dict[str, Op] = {
    # admin
    "get /admin/users": Op("admin.users", "list", defaults={"current_page": "0"}),
    "get /admin/users/{userId}": Op("admin.users", "retrieve"),
    "put /admin/users/{userId}": Op("admin.users", "update"),
    "delete /admin/users/{userId}": Op("admin.users", "delete"),
    "post /admin/users/invites": Op(
        "admin.users.invites", "create", omittable=dict.fromkeys(("email", "role", "workspaces"), _OFFICIAL)
    ),
    "get /admin/users/invites": Op("admin.users.invites", "list", defaults={"current_page": "0"}),
    "get /admin/users/invites/{inviteId}": Op("admin.users.invites", "retrieve"),
    "delete /admin/users/invites/{inviteId}": Op("admin.users.invites", "delete"),
    "post /admin/users/invites/{inviteId}/resend": Op(
        "admin.users.invites",
        "resend",
        aliases=("admin.users.resend",),  # the official async SDK's place for it
    ),
    "post /admin/workspaces": Op("admin.workspaces", "create"),
    "get /admin/workspaces": Op("admin.workspaces", "list"),
    "get /admin/workspaces/{workspaceId}": Op("admin.workspaces", "retrieve"),
    "put /admin/workspaces/{workspaceId}": Op("admin.workspaces", "update"),
    "delete /admin/workspaces/{workspaceId}": Op(
        "admin.workspaces",
        "delete",
        legacy={"name": Legacy("ignored", "the API identifies the workspace by `workspace_id` alone")},
    ),
    "post /admin/workspaces/{workspaceId}/users": Op("admin.workspaces.users", "create"),
    "get /admin/workspaces/{workspaceId}/users": Op("admin.workspaces.users", "list", defaults={"current_page": "0"}),
    "get /admin/workspaces/{workspaceId}/users/{userId}": Op("admin.workspaces.users", "retrieve"),
    "put /admin/workspaces/{workspaceId}/users/{userId}": Op("admin.workspaces.users", "update"),
    "delete /admin/workspaces/{workspaceId}/users/{userId}": Op("admin.workspaces.users", "delete"),
    "get /scim/workspaces": Op("admin.scim.workspaces", "list"),
    "post /scim/workspaces": Op("admin.scim.workspaces", "create"),
    "delete /scim/workspaces/{scimWorkspaceGroupId}": Op(
        "admin.scim.workspaces", "delete", rename={"scimWorkspaceGroupId": "mapping_id"}
    ),
    # analytics
    "get /analytics/graphs/requests": _graph("requests"),
    "get /analytics/graphs/cost": _graph("cost"),
    "get /analytics/graphs/latency": _graph("latency"),
    "get /analytics/graphs/tokens": _graph("tokens"),
    "get /analytics/graphs/users": _graph("users"),
    "get /analytics/graphs/users/requests": _graph("users_requests"),
    "get /analytics/graphs/errors": _graph("errors"),
    "get /analytics/graphs/errors/rate": _graph("errors_rate"),
    "get /analytics/graphs/errors/stacks": _graph("errors_stacks"),
    "get /analytics/graphs/errors/status-codes": _graph("errors_status_codes"),
    "get /analytics/graphs/requests/rescued": _graph("requests_rescued"),
    "get /analytics/graphs/cache/hit-rate": _graph("cache_hit_rate"),
    "get /analytics/graphs/cache/latency": _graph("cache_latency"),
    "get /analytics/graphs/feedbacks": _graph("feedbacks"),
    "get /analytics/graphs/feedbacks/scores": _graph("feedbacks_scores"),
    "get /analytics/graphs/feedbacks/weighted": _graph("feedbacks_weighted"),
    "get /analytics/graphs/feedbacks/ai-models": _graph("feedbacks_ai_models"),
    "get /analytics/groups/users": _group("users"),
    "get /analytics/groups/ai-models": _group("ai_models"),
    "get /analytics/groups/metadata/{metadataKey}": _group("metadata"),
    "get /analytics/groups/workspaces": _group("workspaces"),  # overlay
    "get /analytics/groups/{group_by}": _group("group_by"),  # overlay
    "get /analytics/summary/cache": Op(
        "analytics.summary", "cache", positional=_ANALYTICS_TIME, optional=_WORKSPACE_SLUG_OPTIONAL
    ),
    # api keys
    "post /api-keys/{type}/{sub-type}": Op(
        "api_keys", "create", omittable=dict.fromkeys(("name", "scopes"), _OFFICIAL)
    ),
    "get /api-keys": Op("api_keys", "list", defaults={"current_page": "0"}),
    "get /api-keys/{id}": Op("api_keys", "retrieve"),
    "put /api-keys/{id}": Op("api_keys", "update"),
    "delete /api-keys/{id}": Op("api_keys", "delete"),
    "post /api-keys/{id}/rotate": Op("api_keys", "rotate"),
    # audit logs
    "get /audit-logs": Op("audit_logs", "list"),
    # collections
    "post /collections": Op("collections", "create", positional=("name", "workspace_id", "parent_collection_id")),
    "get /collections": Op(
        "collections",
        "list",
        omittable={
            "workspace_id": "with a workspace API key the workspace is the key's (optional in the official SDK)"
        },
    ),
    "get /collections/{collectionId}": Op("collections", "retrieve"),
    "put /collections/{collectionId}": Op("collections", "update", omittable={"name": _OFFICIAL}),
    "delete /collections/{collectionId}": Op("collections", "delete"),
    # configs
    "post /configs": Op("configs", "create"),
    "get /configs": Op("configs", "list", legacy={"workspace_id": Legacy("query", "workspace_id")}),
    "get /configs/{slug}": Op("configs", "retrieve"),
    "put /configs/{slug}": Op("configs", "update"),
    "delete /configs/{slug}": Op("configs", "delete", legacy={"id": Legacy("alias", "slug")}),
    "get /configs/{slug}/versions": Op("configs.versions", "list"),
    # guardrails
    "post /guardrails": Op("guardrails", "create"),
    "get /guardrails": Op("guardrails", "list", defaults={"current_page": "0", "page_size": "100"}),
    "get /guardrails/{guardrailId}": Op("guardrails", "retrieve"),
    "put /guardrails/{guardrailId}": Op("guardrails", "update"),
    "delete /guardrails/{guardrailId}": Op("guardrails", "delete"),
    # integrations
    "post /integrations": Op("integrations", "create", omittable=dict.fromkeys(("name", "ai_provider_id"), _OFFICIAL)),
    "get /integrations": Op("integrations", "list", defaults={"current_page": "0", "page_size": "100"}),
    "get /integrations/{slug}": Op("integrations", "retrieve"),
    "put /integrations/{slug}": Op("integrations", "update"),
    "delete /integrations/{slug}": Op("integrations", "delete"),
    "get /integrations/{slug}/models": Op("integrations.models", "list"),
    "put /integrations/{slug}/models": Op(
        "integrations.models",
        "update",
        omittable={"models": "`allow_all_models=True` alone needs no list (optional in the official SDK)"},
    ),
    "delete /integrations/{slug}/models": Op("integrations.models", "delete"),
    "get /integrations/{slug}/workspaces": Op("integrations.workspaces", "list"),
    "put /integrations/{slug}/workspaces": Op(
        "integrations.workspaces",
        "update",
        legacy={
            "override_existing_workspaces_access": Legacy(
                "alias", "override_existing_workspace_access", annotation="bool"
            )
        },
    ),
    # labels
    "post /labels": Op("labels", "create", legacy=_ORGANIZATION),
    "get /labels": Op("labels", "list", legacy=_ORGANIZATION),
    "get /labels/{labelId}": Op("labels", "retrieve"),
    "put /labels/{labelId}": Op("labels", "update"),
    "delete /labels/{labelId}": Op("labels", "delete"),
    # logs
    "get /logs/{logId}": Op("logs", "retrieve"),
    "post /logs/exports": Op(
        "logs.exports",
        "create",
        legacy={"description": Legacy("body", "description")},
        omittable=dict.fromkeys(("filters", "requested_data"), _OFFICIAL),
    ),
    "get /logs/exports": Op("logs.exports", "list"),
    "get /logs/exports/{exportId}": Op("logs.exports", "retrieve"),
    "put /logs/exports/{exportId}": Op(
        "logs.exports",
        "update",
        omittable={"filters": "an update may change `requested_data` alone (optional in the official SDK)"},
    ),
    "post /logs/exports/{exportId}/start": Op("logs.exports", "start"),
    "post /logs/exports/{exportId}/cancel": Op("logs.exports", "cancel"),
    "get /logs/exports/{exportId}/download": Op("logs.exports", "download"),
    # mcp integrations
    "post /mcp-integrations": Op("mcp_integrations", "create"),
    "get /mcp-integrations": Op("mcp_integrations", "list"),
    "get /mcp-integrations/{mcpIntegrationId}": Op("mcp_integrations", "retrieve"),
    "put /mcp-integrations/{mcpIntegrationId}": Op("mcp_integrations", "update", no_fields=_NO_FIELDS),
    "delete /mcp-integrations/{mcpIntegrationId}": Op("mcp_integrations", "delete"),
    "get /mcp-integrations/{mcpIntegrationId}/workspaces": Op("mcp_integrations.workspaces", "list"),
    "put /mcp-integrations/{mcpIntegrationId}/workspaces": Op(
        "mcp_integrations.workspaces",
        "update",
        omittable={"workspaces": "`global_workspace_access` alone needs no list (optional in the official SDK)"},
    ),
    "get /mcp-integrations/{mcpIntegrationId}/capabilities": Op("mcp_integrations.capabilities", "list"),
    "put /mcp-integrations/{mcpIntegrationId}/capabilities": Op("mcp_integrations.capabilities", "update"),
    "get /mcp-integrations/{mcpIntegrationId}/metadata": Op("mcp_integrations.metadata", "retrieve"),
    "post /mcp-integrations/{mcpIntegrationId}/sync": Op("mcp_integrations", "sync"),  # overlay
    "post /mcp-integrations/{mcpIntegrationId}/test": Op("mcp_integrations", "test"),  # overlay
    # mcp servers
    "post /mcp-servers": Op("mcp_servers", "create"),
    "get /mcp-servers": Op("mcp_servers", "list"),
    "get /mcp-servers/{mcpServerId}": Op("mcp_servers", "retrieve"),
    "put /mcp-servers/{mcpServerId}": Op("mcp_servers", "update", no_fields=_NO_FIELDS),
    "delete /mcp-servers/{mcpServerId}": Op("mcp_servers", "delete"),
    "post /mcp-servers/{mcpServerId}/test": Op("mcp_servers", "test"),
    "get /mcp-servers/{mcpServerId}/capabilities": Op("mcp_servers.capabilities", "list"),
    "put /mcp-servers/{mcpServerId}/capabilities": Op("mcp_servers.capabilities", "update"),
    "get /mcp-servers/{mcpServerId}/user-access": Op("mcp_servers.user_access", "list"),
    "put /mcp-servers/{mcpServerId}/user-access": Op("mcp_servers.user_access", "update"),
    "get /mcp-servers/{mcpServerId}/connections": Op("mcp_servers.connections", "list"),
    "delete /mcp-servers/{mcpServerId}/connections": Op("mcp_servers.connections", "delete"),
    "get /mcp-servers/{mcpServerId}/tokens": Op("mcp_servers", "get_tokens"),  # overlay
    "put /mcp-servers/{mcpServerId}/tokens": Op("mcp_servers", "update_tokens"),  # overlay
    "delete /mcp-servers/{mcpServerId}/tokens": Op("mcp_servers", "delete_tokens"),  # overlay
    "get /mcp-servers/{mcpServerId}/client-info": Op("mcp_servers", "get_client_info"),  # overlay
    "post /mcp-servers/{mcpServerId}/capabilities/sync": Op("mcp_servers.capabilities", "sync"),  # overlay
    "get /mcp-servers/{mcpServerId}/user-access/check": Op("mcp_servers.user_access", "check"),  # overlay
    "get /mcp-servers/{mcpServerId}/metadata": Op("mcp_servers.metadata", "retrieve"),  # overlay
    "post /mcp-servers/{mcpServerId}/metadata/sync": Op("mcp_servers.metadata", "sync"),  # overlay
    # model configs
    "get /model-configs/pricing/{provider}/{model}": Op("model_configs.pricing", "retrieve"),
    # policies
    "post /policies/usage-limits": Op("policies.usage_limits", "create"),
    "get /policies/usage-limits": Op("policies.usage_limits", "list"),
    "get /policies/usage-limits/{policyUsageLimitsId}": Op("policies.usage_limits", "retrieve", rename=_USAGE_POLICY),
    "put /policies/usage-limits/{policyUsageLimitsId}": Op("policies.usage_limits", "update", rename=_USAGE_POLICY),
    "delete /policies/usage-limits/{policyUsageLimitsId}": Op("policies.usage_limits", "delete", rename=_USAGE_POLICY),
    "get /policies/usage-limits/{policyUsageLimitsId}/entities": Op(
        "policies.usage_limits.entities", "list", rename=_USAGE_POLICY
    ),
    "put /policies/usage-limits/{policyUsageLimitsId}/entities/{entityId}/reset": Op(
        "policies.usage_limits.entities", "reset", rename=_USAGE_POLICY
    ),
    "post /policies/rate-limits": Op("policies.rate_limits", "create"),
    "get /policies/rate-limits": Op("policies.rate_limits", "list"),
    "get /policies/rate-limits/{rateLimitsPolicyId}": Op("policies.rate_limits", "retrieve", rename=_RATE_POLICY),
    "put /policies/rate-limits/{rateLimitsPolicyId}": Op("policies.rate_limits", "update", rename=_RATE_POLICY),
    "delete /policies/rate-limits/{rateLimitsPolicyId}": Op("policies.rate_limits", "delete", rename=_RATE_POLICY),
    # prompts
    "post /prompts": Op("prompts", "create", omittable={"virtual_key": _OFFICIAL}),
    "get /prompts": Op("prompts", "list"),
    "get /prompts/{promptId}": Op("prompts", "retrieve", rename=_PROMPT),
    "put /prompts/{promptId}": Op(
        "prompts",
        "update",
        rename=_PROMPT,
        legacy={"template_metadata": Legacy("body", "template_metadata", annotation="Mapping[str, object]")},
    ),
    "delete /prompts/{promptId}": Op("prompts", "delete", rename=_PROMPT),
    "put /prompts/{promptId}/makeDefault": Op("prompts", "publish", rename=_PROMPT),
    "get /prompts/{promptId}/versions": Op("prompts.versions", "list", rename=_PROMPT),
    "get /prompts/{promptId}/versions/{versionId}": Op("prompts.versions", "retrieve", rename=_PROMPT),
    "put /prompts/{promptId}/versions/{versionId}": Op("prompts.versions", "update", rename=_PROMPT),
    "post /prompts/partials": Op("prompts.partials", "create"),
    "get /prompts/partials": Op("prompts.partials", "list"),
    "get /prompts/partials/{promptPartialId}": Op("prompts.partials", "retrieve", rename=_PARTIAL),
    "put /prompts/partials/{promptPartialId}": Op("prompts.partials", "update", rename=_PARTIAL),
    "delete /prompts/partials/{promptPartialId}": Op("prompts.partials", "delete", rename=_PARTIAL),
    "put /prompts/partials/{promptPartialId}/makeDefault": Op("prompts.partials", "publish", rename=_PARTIAL),
    "get /prompts/partials/{promptPartialId}/versions": Op("prompts.partials.versions", "list", rename=_PARTIAL),
    # providers
    "post /providers": Op("providers", "create"),
    "get /providers": Op("providers", "list", defaults={"current_page": "0", "page_size": "50"}),
    "get /providers/{slug}": Op("providers", "retrieve"),
    "put /providers/{slug}": Op("providers", "update"),
    "delete /providers/{slug}": Op("providers", "delete"),
    # secret references
    "post /secret-references": Op("secret_references", "create"),
    "get /secret-references": Op("secret_references", "list"),
    "get /secret-references/{secretReferenceId}": Op("secret_references", "retrieve"),
    "put /secret-references/{secretReferenceId}": Op("secret_references", "update"),
    "delete /secret-references/{secretReferenceId}": Op("secret_references", "delete"),
    # virtual keys (the official SDK spells the Azure fields in camelCase, like the API)
    "post /virtual-keys": Op(
        "virtual_keys",
        "create",
        rename={
            "apiVersion": "apiVersion",
            "resourceName": "resourceName",
            "deploymentName": "deploymentName",
            "deploymentConfig": "deploymentConfig",
        },
    ),
    "get /virtual-keys": Op(
        "virtual_keys",
        "list",
        defaults={"current_page": "0", "page_size": "50"},
        legacy={"workspace_id": Legacy("query", "workspace_id")},
    ),
    "get /virtual-keys/{slug}": Op("virtual_keys", "retrieve"),
    "put /virtual-keys/{slug}": Op(
        "virtual_keys",
        "update",
        rename={"deploymentConfig": "deploymentConfig"},
        legacy={"rate_limits": Legacy("body", "rate_limits", annotation="List[RateLimitsParam]")},
    ),
    "delete /virtual-keys/{slug}": Op("virtual_keys", "delete"),
}

RESERVED_ATTRIBUTES = frozenset({"with_raw_response", "with_streaming_response"})
"""Attributes of every resource (`_base.py`), which no method or sub-resource may be named."""

MODEL_RENAMES = {"Providers": "Provider", "VirtualKeys": "VirtualKey"}
"""Schemas named in the plural for one object; renamed so they do not read (or clash) like resource classes."""

SKIPPED_HEADER_PARAMETERS = frozenset({"x-portkey-api-key"})
"""Header parameters the client already sends on every request."""

PAGE_PARAMETERS = {"current_page": 0, "currentPage": 0, "page": 1}
"""Page-number query parameters and the number of their first page."""
SIZE_PARAMETERS = ("page_size", "pageSize")
ITEMS_FIELDS = ("data", "records")

_COMMA_SEPARATED = re.compile(r"comma[- ]separated", re.IGNORECASE)
_JSON_ENCODED = re.compile(r"stringifi?ed json|json-encoded", re.IGNORECASE)


# --------------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------------


def snake_case(name: str) -> str:
    """`promptPartialId` -> `prompt_partial_id`, `sub-type` -> `sub_type`."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return name.lower().strip("_")


def pascal_case(name: str) -> str:
    """`user_access` -> `UserAccess`, `ai-models` -> `AiModels`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9a-zA-Z]+", name) if part)


def is_identifier(name: str) -> bool:
    """Whether `name` can be a Python attribute or argument name."""
    return name.isidentifier() and not keyword.iskeyword(name)


def clean_text(text: str | None) -> str:
    """A description as plain docstring text: whitespace collapsed, quotes and backslashes made safe."""
    if not text:
        return ""
    text = " ".join(text.split())
    text = text.replace("\\", "\\\\").replace('"""', "'''")
    return f"{text}." if text.endswith('"') else text


def wrap(text: str, indent: str, width: int = 116) -> list[str]:
    """`text` wrapped into docstring lines at `indent`."""
    return textwrap.wrap(text, width=width - len(indent), break_long_words=False, break_on_hyphens=False) or [""]


def py_literal(value: object) -> str:
    """A Python literal for a JSON enum value."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


class Spec:
    """The spec with `$ref` resolution."""

    def __init__(self, raw: Schema) -> None:
        self.raw = raw
        self.schemas: dict[str, Schema] = raw["components"]["schemas"]

    def resolve(self, node: Schema) -> Schema:
        """`node` with `$ref`s followed."""
        seen = 0
        while "$ref" in node:
            target: Any = self.raw
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
            seen += 1
            if seen > 20:
                raise ValueError("reference cycle")
        return node

    @staticmethod
    def ref_name(node: Schema) -> str | None:
        """The component name a `$ref` points to (schemas only)."""
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return ref.rsplit("/", 1)[1]
        return None

    def properties(self, node: Schema) -> tuple[dict[str, Schema], set[str]]:
        """All properties of an object schema (following `allOf`), and the required ones."""
        node = self.resolve(node)
        props: dict[str, Schema] = {}
        required: set[str] = set()
        for part in node.get("allOf", []):
            part_props, part_required = self.properties(part)
            props.update(part_props)
            required |= part_required
        props.update(node.get("properties", {}))
        required |= set(node.get("required", []))
        return props, required & set(props)


def is_object_schema(node: Schema) -> bool:
    """Whether a (resolved) schema describes an object with declared properties."""
    return bool(node.get("properties")) or any("properties" in part or "$ref" in part for part in node.get("allOf", []))


def union_members(node: Schema) -> list[Schema] | None:
    """The alternatives of a `oneOf`/`anyOf` that are whole schemas (not bare `required` constraints)."""
    members: list[Schema] = node.get("oneOf") or node.get("anyOf") or []
    real = [member for member in members if set(member) - {"required", "description", "title"}]
    return real or None


# --------------------------------------------------------------------------------------------------------------------
# Types: response models and request TypedDicts
# --------------------------------------------------------------------------------------------------------------------

_BASEMODEL_ATTRIBUTES = frozenset(
    {"construct", "copy", "dict", "json", "schema", "schema_json", "validate", "fields", "to_dict", "to_json"}
)
_ANNOTATION_NAMES = frozenset(
    {"Any", "Dict", "List", "Literal", "Mapping", "Optional", "Union", "Required", "str", "int", "float", "bool"}
    | {"datetime", "AdminModel", "Field", "TypedDict"}
)


@dataclass
class ModelField:
    """A field of a generated class."""

    wire: str
    attribute: str
    annotation: str
    required: bool
    doc: str


@dataclass
class GeneratedClass:
    """A response model or a request TypedDict."""

    name: str
    doc: str
    fields: list[ModelField]
    depends: set[str]


class TypeRegistry:
    """Python types for schemas; collects the classes to generate (models for responses, TypedDicts for requests)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.models: dict[str, GeneratedClass] = {}
        self.params: dict[str, GeneratedClass] = {}
        self._model_sources: dict[str, int] = {}
        self._param_sources: dict[str, int] = {}

    # ---- responses -------------------------------------------------------------------------------------------------

    def model_type(self, node: Schema, context: str) -> tuple[str, set[str]]:
        """The annotation of a response value, and the generated class names it uses."""
        nullable = bool(node.get("nullable"))
        annotation, used = self._model_type(node, context)
        if nullable and not annotation.startswith("Optional["):
            annotation = f"Optional[{annotation}]"
        return annotation, used

    def _model_type(self, node: Schema, context: str) -> tuple[str, set[str]]:
        ref = Spec.ref_name(node)
        if ref is not None:
            target = self.spec.schemas[ref]
            if is_object_schema(target) and not union_members(target):
                name = MODEL_RENAMES.get(ref, ref)
                self._add_model(name, target, source=id(target))
                return name, {name}
            return self._model_type(target, MODEL_RENAMES.get(ref, ref))
        members = union_members(node)
        if members:
            parts = [self._model_type(member, f"{context}Variant{index}") for index, member in enumerate(members, 1)]
            return _union([p for p, _ in parts]), set[str]().union(*(u for _, u in parts))
        if is_object_schema(node):
            self._add_model(context, node, source=id(node))
            return context, {context}
        return self._scalar(node, lambda item: self.model_type(item, context), "Any")

    def _add_model(self, name: str, node: Schema, *, source: int) -> None:
        if name in self.models:
            if self._model_sources[name] != source:
                raise ValueError(f"two different schemas want the model name {name}")
            return
        self._model_sources[name] = source
        props, required = self.spec.properties(node)
        generated = GeneratedClass(name, clean_text(self.spec.resolve(node).get("description")), [], set())
        self.models[name] = generated
        for wire, prop in props.items():
            annotation, used = self.model_type(prop, name + pascal_case(wire))
            is_required = wire in required and not prop.get("nullable")
            if not is_required and not annotation.startswith("Optional["):
                annotation = f"Optional[{annotation}]"
            generated.fields.append(
                ModelField(
                    wire,
                    _attribute(wire, name, set(props)),
                    annotation,
                    is_required,
                    clean_text(prop.get("description")),
                )
            )
            generated.depends |= used

    # ---- requests --------------------------------------------------------------------------------------------------

    def param_type(self, node: Schema, context: str) -> tuple[str, set[str]]:
        """The annotation of a request value, and the generated TypedDict names it uses."""
        ref = Spec.ref_name(node)
        if ref is not None:
            target = self.spec.schemas[ref]
            if is_object_schema(target) and not union_members(target):
                name = MODEL_RENAMES.get(ref, ref) + "Param"
                self._add_param(name, target, source=id(target))
                return name, {name}
            return self.param_type(target, MODEL_RENAMES.get(ref, ref) + "Param")
        members = union_members(node)
        if members:
            parts = [self.param_type(member, f"{context}Variant{index}") for index, member in enumerate(members, 1)]
            return _union([p for p, _ in parts]), set[str]().union(*(u for _, u in parts))
        if is_object_schema(node):
            self._add_param(context, node, source=id(node))
            return context, {context}
        if node.get("format") == "date-time":
            return "Union[str, datetime]", set()
        return self._scalar(node, lambda item: self.param_type(item, context), "Any", mapping="Mapping")

    def _add_param(self, name: str, node: Schema, *, source: int) -> None:
        if name in self.params:
            if self._param_sources[name] != source:
                raise ValueError(f"two different schemas want the TypedDict name {name}")
            return
        self._param_sources[name] = source
        props, required = self.spec.properties(node)
        generated = GeneratedClass(name, clean_text(self.spec.resolve(node).get("description")), [], set())
        self.params[name] = generated
        for wire, prop in props.items():
            annotation, used = self.param_type(prop, name.removesuffix("Param") + pascal_case(wire) + "Param")
            if prop.get("nullable"):
                annotation = f"Optional[{annotation}]"
            generated.fields.append(
                ModelField(wire, wire, annotation, wire in required, clean_text(prop.get("description")))
            )
            generated.depends |= used

    # ---- shared ----------------------------------------------------------------------------------------------------

    def _scalar(
        self, node: Schema, item_type: Callable[[Schema], tuple[str, set[str]]], unknown: str, mapping: str = "Dict"
    ) -> tuple[str, set[str]]:
        node = self.spec.resolve(node)
        kind = node.get("type")
        if "enum" in node:
            values = [value for value in node["enum"] if value is not None]
            return "Literal[" + ", ".join(py_literal(v) for v in values) + "]", set()
        if kind == "array":
            inner, used = item_type(node.get("items") or {})
            return f"List[{inner}]", used
        if kind == "object" or "additionalProperties" in node:
            extra: object = node.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                inner, used = item_type(cast(Schema, extra))
                return f"{mapping}[str, {inner}]", used
            return f"{mapping}[str, {unknown}]", set()
        if kind == "string":
            return ("datetime" if node.get("format") == "date-time" else "str"), set()
        if kind == "integer":
            return "int", set()
        if kind == "number":
            return "float", set()
        if kind == "boolean":
            return "bool", set()
        return unknown, set()


def _union(parts: list[str]) -> str:
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else "Union[" + ", ".join(unique) + "]"


def _attribute(wire: str, owner: str, siblings: set[str]) -> str:
    """The Python attribute of a response field (aliased to `wire` when they differ).

    Leading underscores are dropped (pydantic would make `_id` a private attribute, not a field); names that are not
    identifiers, or that clash with `BaseModel` or with the names used in annotations, get a prefix or suffix.
    """
    name = wire if is_identifier(wire) else snake_case(wire)
    if not is_identifier(name):
        name = f"field_{name}"
    if name.startswith("_"):
        name = name.lstrip("_")
        if name in siblings:
            name = f"{name}_"
    if name in _BASEMODEL_ATTRIBUTES or name.startswith("model_") or name in _ANNOTATION_NAMES:
        name = f"{name}_"
    if name in _ANNOTATION_NAMES or not is_identifier(name):
        raise ValueError(f"{owner}.{wire} has no usable attribute name")
    return name


# --------------------------------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class Param:
    """One argument of a generated method."""

    wire: str
    name: str
    location: str  # path, query, body
    annotation: str
    required: bool
    doc: str
    default: str = "NOT_GIVEN"
    nullable: bool = False
    json_query: bool = False
    legacy: Legacy | None = None
    schema: Schema = field(default_factory=dict[str, Any])
    """The parameter's schema in the spec (empty for arguments the spec does not have)."""


@dataclass
class Operation:
    """One generated method."""

    method: str
    path: str
    resource: str
    name: str
    summary: str
    description: str
    params: list[Param]
    positional: tuple[str, ...]
    has_body: bool
    return_annotation: str
    cast: str
    item_annotation: str | None
    page: tuple[str, str, int, str] | None
    root_server: bool
    exactly_one_of: tuple[str, ...]
    """Body arguments of which exactly one must be given (the body schema's `oneOf` of `required` lists)."""
    at_least_one_of: tuple[str, ...]
    """Body arguments of which at least one must be given (the body schema's `minProperties`)."""
    models: set[str]
    params_types: set[str]
    source: str | None = None
    """Where the official SDK sends an operation of the overlay (its `x-source`); None for the spec's own."""
    alias_of: str | None = None
    """For a method generated again under an alias (`Op.aliases`): the `resource.name` of the original."""

    @property
    def key(self) -> str:
        """`"get /admin/users"`."""
        return f"{self.method} {self.path}"

    def by_name(self) -> dict[str, Param]:
        """The arguments by Python name."""
        return {param.name: param for param in self.params}


def build_operations(spec: Spec, registry: TypeRegistry) -> list[Operation]:
    """Every mapped operation, with its Python signature and types; fails on unmapped control-plane operations."""
    selected = [
        (m, p, op, item)
        for m, p, op, item in iter_operations(spec.raw)
        if is_control_plane(m, p, op, item) and (m, p) not in CORE_OWNED
    ]
    keys = {f"{m} {p}" for m, p, _, _ in selected}
    missing = sorted(keys - set(OPERATIONS))
    unknown = sorted(set(OPERATIONS) - keys)
    if missing or unknown:
        raise SystemExit(f"OPERATIONS is out of date: unmapped {missing}, not in the spec {unknown}")
    clash = sorted(r for r in RESOURCES if r.rsplit(".", 1)[-1] in RESERVED_ATTRIBUTES)
    if clash:
        raise SystemExit(f"resources {clash} would hide an attribute every resource has: {sorted(RESERVED_ATTRIBUTES)}")
    names: dict[tuple[str, str], str] = {}
    operations: list[Operation] = []
    for method, path, operation, item in selected:
        key = f"{method} {path}"
        built = _build_operation(spec, registry, method, path, operation, item, OPERATIONS[key])
        copies = [built]
        for alias in OPERATIONS[key].aliases:
            resource, _, name = alias.rpartition(".")
            if resource not in RESOURCES:
                raise SystemExit(f"{key}: alias {alias} of an unknown resource")
            copies.append(replace(built, resource=resource, name=name, alias_of=f"{built.resource}.{built.name}"))
        for copy in copies:
            slot = (copy.resource, copy.name)
            if copy.name in RESERVED_ATTRIBUTES or copy.name.startswith("_"):
                raise SystemExit(f"{key}: method name {copy.name!r} is reserved")
            if slot in names:
                raise SystemExit(f"{key} and {names[slot]} both want {copy.resource}.{copy.name}")
            names[slot] = key
            operations.append(copy)
    return sorted(operations, key=lambda o: (o.resource, o.name))


def _build_operation(
    spec: Spec, registry: TypeRegistry, method: str, path: str, operation: Schema, item: Schema, op: Op
) -> Operation:
    if op.resource not in RESOURCES:
        raise SystemExit(f"{method} {path}: unknown resource {op.resource}")
    context = pascal_case(RESOURCES[op.resource].class_name) + pascal_case(op.name)
    params: list[Param] = []
    param_types: set[str] = set()
    raw_params = [spec.resolve(p) for p in item.get("parameters", []) + operation.get("parameters", [])]
    path_order = re.findall(r"{([^}]+)}", path)
    raw_params.sort(key=lambda p: (p["in"] != "path", path_order.index(p["name"]) if p["in"] == "path" else 0))
    for raw in raw_params:
        if raw["in"] == "header":
            if raw["name"] in SKIPPED_HEADER_PARAMETERS:
                continue
            raise SystemExit(f"{method} {path}: header parameter {raw['name']} is not supported")
        name = op.rename.get(raw["name"], snake_case(raw["name"]))
        schema = raw.get("schema", {})
        annotation, used = registry.param_type(schema, context + pascal_case(name) + "Param")
        param_types |= used
        description = raw.get("description") or schema.get("description") or ""
        json_query = False
        if raw["in"] == "query" and schema.get("type") == "string" and "enum" not in schema:
            if _COMMA_SEPARATED.search(description):
                annotation = "Union[str, List[str]]"
            elif _JSON_ENCODED.search(description):
                annotation = "Union[str, Mapping[str, str]]"
                json_query = True
        if name in PAGE_PARAMETERS or name in ("page_size",) or raw["name"] in SIZE_PARAMETERS:
            annotation = "int"
        required = bool(raw.get("required")) and name not in op.optional and name not in op.omittable
        default = op.defaults.get(name, "NOT_GIVEN")
        if name in op.defaults:
            required = False
        params.append(
            Param(
                raw["name"],
                name,
                raw["in"],
                annotation,
                required,
                clean_text(description),
                default,
                json_query=json_query,
                schema=schema,
            )
        )
    has_body = "requestBody" in operation
    one_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    if has_body:
        body_node = spec.resolve(spec.resolve(operation["requestBody"])["content"]["application/json"]["schema"])
        props, required_props = spec.properties(body_node)
        alternatives = [m["required"] for m in body_node.get("oneOf", []) if set(m) <= {"required", "description"}]
        one_of = tuple(op.rename.get(wire, snake_case(wire)) for group in alternatives for wire in group)
        if body_node.get("minProperties") and not op.no_fields:
            any_of = tuple(op.rename.get(wire, snake_case(wire)) for wire in props)
        for wire, prop in props.items():
            name = op.rename.get(wire, snake_case(wire))
            annotation, used = registry.param_type(prop, context + pascal_case(name) + "Param")
            param_types |= used
            nullable = bool(prop.get("nullable"))
            if nullable:
                annotation = f"Optional[{annotation}]"
            doc = clean_text(prop.get("description") or spec.resolve(prop).get("description"))
            required = wire in required_props and name not in op.optional and name not in op.omittable
            params.append(Param(wire, name, "body", annotation, required, doc, nullable=nullable, schema=prop))
    _check_omittable(op, raw_params, operation, spec, method, path)
    for legacy_name, legacy in op.legacy.items():
        params.append(_legacy_param(legacy_name, legacy, params, method, path))
    _check_names(params, method, path)
    return_annotation, cast, item_annotation, page, models = _response(
        spec, registry, method, path, operation, op, params
    )
    servers: list[Schema] = operation.get("servers", item.get("servers")) or []
    urls = [str(server["url"]).rstrip("/") for server in servers]
    root_server = bool(urls) and not any(url.endswith("/v1") for url in urls)
    return Operation(
        method=method,
        path=path,
        resource=op.resource,
        name=op.name,
        summary=clean_text(operation.get("summary")),
        description=clean_text((operation.get("description") or "").strip().split("\n\n")[0]),
        params=params,
        positional=op.positional,
        has_body=has_body,
        return_annotation=return_annotation,
        cast=cast,
        item_annotation=item_annotation,
        page=page,
        root_server=root_server,
        exactly_one_of=one_of,
        at_least_one_of=any_of,
        models=models,
        params_types=param_types,
        source=operation.get("x-source"),
    )


def _check_omittable(op: Op, raw_params: list[Schema], operation: Schema, spec: Spec, method: str, path: str) -> None:
    """Every omittable argument is a query or body argument that the spec marks required (the table stays true)."""
    required: set[str] = {
        op.rename.get(p["name"], snake_case(p["name"])) for p in raw_params if p.get("required") and p["in"] == "query"
    }
    if "requestBody" in operation:
        body = spec.resolve(spec.resolve(operation["requestBody"])["content"]["application/json"]["schema"])
        props, required_props = spec.properties(body)
        required |= {op.rename.get(wire, snake_case(wire)) for wire in props if wire in required_props}
        if op.no_fields and not body.get("minProperties"):
            raise SystemExit(f"{method} {path}: no_fields given, but the spec's body has no minProperties")
    elif op.no_fields:
        raise SystemExit(f"{method} {path}: no_fields given, but the operation has no body")
    stale = sorted(set(op.omittable) - required)
    if stale:
        raise SystemExit(f"{method} {path}: omittable {stale} are not required query or body arguments in the spec")


def _legacy_param(name: str, legacy: Legacy, params: list[Param], method: str, path: str) -> Param:
    if legacy.kind == "alias":
        target = next((p for p in params if p.name == legacy.target), None)
        if target is None:
            raise SystemExit(f"{method} {path}: legacy alias {name} -> unknown {legacy.target}")
        if target.location == "path":
            target.required = False
        return Param(
            target.wire,
            name,
            target.location,
            target.annotation,
            False,
            f"Deprecated spelling of `{target.name}`.",
            legacy=legacy,
        )
    if legacy.kind in ("query", "body"):
        doc = "Not in the API spec; sent for compatibility with the official SDK."
        return Param(legacy.target, name, legacy.kind, legacy.annotation, False, doc, legacy=legacy)
    if legacy.kind == "ignored":
        doc = f"Accepted for compatibility with the official SDK and ignored: {legacy.target}."
        return Param(name, name, "ignored", "Optional[str]", False, doc, legacy=legacy)
    raise SystemExit(f"{method} {path}: unknown legacy kind {legacy.kind}")


def _check_names(params: list[Param], method: str, path: str) -> None:
    seen: set[str] = set()
    for param in params:
        if not is_identifier(param.name) or param.name in seen:
            raise SystemExit(f"{method} {path}: bad or duplicate argument name {param.name!r}")
        if param.name in ("extra_headers", "extra_query", "extra_body", "timeout", "self"):
            raise SystemExit(f"{method} {path}: argument {param.name!r} clashes with a reserved one")
        seen.add(param.name)


def _response(
    spec: Spec, registry: TypeRegistry, method: str, path: str, operation: Schema, op: Op, params: list[Param]
) -> tuple[str, str, str | None, tuple[str, str, int, str] | None, set[str]]:
    response = spec.resolve(operation["responses"]["200"])
    contents: dict[str, Schema] = response.get("content") or {}
    content = contents.get("application/json")
    if content is None:
        return "None", "type(None)", None, None, set()
    schema: Schema = content.get("schema") or {}
    resolved = spec.resolve(schema)
    base = pascal_case(RESOURCES[op.resource].class_name) + pascal_case(op.name) + "Response"
    if not is_object_schema(resolved) and not union_members(resolved) and resolved.get("type") in ("object", None):
        return "GenericResponse", "GenericResponse", None, None, set()
    annotation, models = registry.model_type(schema, base)
    cast = f'cast("type[{annotation}]", {annotation})' if annotation.startswith("Union[") else annotation
    page = _page_style(spec, method, params, resolved)
    if page is None:
        return annotation, cast, None, None, models
    items_schema = spec.properties(resolved)[0][page[3]]
    item_annotation = registry.model_type(items_schema.get("items") or {}, annotation + pascal_case(page[3]))[0]
    if item_annotation.startswith("Optional["):
        item_annotation = item_annotation.removeprefix("Optional[").removesuffix("]")
    if annotation not in registry.models:
        raise SystemExit(f"{method} {path}: a paged response must be a model")
    return annotation, annotation, item_annotation, page, models


def _page_style(spec: Spec, method: str, params: list[Param], response: Schema) -> tuple[str, str, int, str] | None:
    if method != "get" or not is_object_schema(response):
        return None
    query = {p.wire: p for p in params if p.location == "query"}
    page_param = next((name for name in PAGE_PARAMETERS if name in query), None)
    size_param = next((name for name in SIZE_PARAMETERS if name in query), None)
    props = spec.properties(response)[0]
    items = next((name for name in ITEMS_FIELDS if spec.resolve(props.get(name, {})).get("type") == "array"), None)
    if page_param is None or size_param is None or items is None:
        return None
    return page_param, size_param, PAGE_PARAMETERS[page_param], items


# --------------------------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------------------------

HEADER = '"""{doc}\n\nGenerated by scripts/generate_admin.py from the Portkey OpenAPI spec; do not edit by hand."""\n'
_STRINGS = re.compile(r'"""[\s\S]*?"""|(?<![fA-Za-z])"(?:[^"\\\n]|\\.)*"')


def code_names(text: str) -> set[str]:
    """The identifiers used in generated code, ignoring docstrings and plain (non-f) strings."""
    return set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", _STRINGS.sub(" ", text)))


def typing_noqa(names: set[str]) -> list[str]:
    """The file-level `noqa` for the typing spellings a generated module uses.

    Generated code spells `List`, `Dict`, `Optional`, `Union`: fields and methods named `list`, `object`, `type` ...
    would otherwise shadow the builtins inside class bodies.
    """
    codes = {"UP006": {"List", "Dict"}, "UP035": {"List", "Dict"}, "UP007": {"Union"}, "UP045": {"Optional"}}
    wanted = sorted(code for code, spellings in codes.items() if names & spellings)
    return [f"# ruff: noqa: {', '.join(wanted)}", ""] if wanted else []


def render_models(registry: TypeRegistry) -> str:
    """`types/models.py`."""
    body = ["__all__ = [", *[f'    "{name}",' for name in sorted([*registry.models, "GenericResponse"])], "]"]
    for generated in _ordered(registry.models):
        body += ["", "", f"class {generated.name}(AdminModel):"]
        body += _class_doc(generated, "object of the Portkey API (the spec does not describe it)")
        for item in generated.fields:
            default = "" if item.required else " = None"
            if item.attribute != item.wire:
                alias = f'alias="{item.wire}"'
                default = f" = Field({alias})" if item.required else f" = Field(default=None, {alias})"
            body.append(f"    {item.attribute}: {item.annotation}{default}")
            if item.doc:
                body += _field_doc(item.doc)
    used = code_names("\n".join(body))
    lines = [
        HEADER.format(doc="Response models of the Portkey control plane (pydantic, extra fields kept)."),
        *typing_noqa(used),
        "from __future__ import annotations",
        "",
        *_import_line("datetime", ["datetime"] if "datetime" in used else []),
        *_import_line("typing", [n for n in ("Any", "Dict", "List", "Literal", "Optional", "Union") if n in used]),
        "",
        *_import_line("pydantic", ["Field"] if "Field" in used else []),
        "",
        *_import_line(".._models", ["AdminModel", "GenericResponse"]),
    ]
    return _finish([*lines, "", *body])


def render_params(registry: TypeRegistry) -> str:
    """`types/params.py`."""
    body = ["__all__ = [", *[f'    "{name}",' for name in sorted(registry.params)], "]"]
    for generated in _ordered(registry.params):
        body += ["", ""]
        if all(is_identifier(f.wire) for f in generated.fields):
            body.append(f"class {generated.name}(TypedDict, total=False):")
            body += _class_doc(generated, "request object (the spec does not describe it)")
            for item in generated.fields:
                annotation = f"Required[{item.annotation}]" if item.required else item.annotation
                body.append(f"    {item.wire}: {annotation}")
                if item.doc:
                    body += _field_doc(item.doc)
        else:
            body += [f"{generated.name} = TypedDict(", f'    "{generated.name}",', "    {"]
            for item in generated.fields:
                annotation = f"Required[{item.annotation}]" if item.required else item.annotation
                body.append(f'        "{item.wire}": {annotation},')
            body += ["    },", "    total=False,", ")"]
            body += [line[4:] for line in _class_doc(generated, "request object (the spec does not describe it)")]
    used = code_names("\n".join(body))
    lines = [
        HEADER.format(doc="Request parameter types (TypedDicts) of the Portkey control plane."),
        *typing_noqa(used),
        "from __future__ import annotations",
        "",
        *_import_line("collections.abc", ["Mapping"] if "Mapping" in used else []),
        *_import_line("datetime", ["datetime"] if "datetime" in used else []),
        *_import_line("typing", [n for n in ("Any", "List", "Literal", "Optional", "Union") if n in used]),
        "",
        *_import_line("typing_extensions", ["Required", "TypedDict"]),
    ]
    return _finish([*lines, "", *body])


def _ordered(classes: dict[str, GeneratedClass]) -> list[GeneratedClass]:
    ordered: list[GeneratedClass] = []
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        if state.get(name):
            return
        state[name] = 1
        for dependency in sorted(classes[name].depends):
            if dependency in classes:
                visit(dependency)
        ordered.append(classes[name])

    for name in sorted(classes):
        visit(name)
    return ordered


def _class_doc(generated: GeneratedClass, kind: str) -> list[str]:
    text = generated.doc or f"The `{generated.name}` {kind}."
    body = wrap(text, "    ")
    if len(body) == 1 and len(body[0]) < 100:
        return [f'    """{body[0]}"""', ""]
    return ['    """' + body[0], *[f"    {line}" for line in body[1:]], '    """', ""]


def _field_doc(text: str) -> list[str]:
    body = wrap(text, "    ")
    if len(body) == 1 and len(body[0]) < 100:
        return [f'    """{body[0]}"""']
    return ['    """' + body[0], *[f"    {line}" for line in body[1:]], '    """']


def _finish(lines: list[str]) -> str:
    text = "\n".join(lines).rstrip() + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)


def module_of(resource: str) -> str:
    """The module (under `resources`) of a resource: its top-level attribute."""
    return resource.split(".")[0]


def children_of(resource: str) -> list[str]:
    """The direct sub-resources of a resource."""
    depth = resource.count(".") + 1
    return sorted(r for r in RESOURCES if r.startswith(resource + ".") and r.count(".") == depth)


def render_resource_module(top: str, operations: list[Operation], registry: TypeRegistry) -> str:
    """`resources/<top>.py`: the sync and async classes of one top-level attribute and its sub-resources."""
    resources = [r for r in RESOURCES if module_of(r) == top]
    ops = [o for o in operations if module_of(o.resource) == top]
    body: list[str] = []
    classes = sorted(_class_name(r, v) for r in resources for v in ("sync", "async"))
    body += ["__all__ = [", *[f'    "{c}",' for c in classes], "]"]
    for op in ops:
        if op.page:
            body += ["", f"_{_page_constant(op)} = PageStyle{op.page!r}".replace("'", '"')]
    for variant in ("sync", "async"):
        for resource in resources:
            body += ["", ""] + _render_class(resource, variant, [o for o in ops if o.resource == resource])
    used = code_names("\n".join(body))
    doc = RESOURCES[top].doc
    lines = [HEADER.format(doc=f"`portkey.{top}`: {doc[0].lower() + doc[1:]}"), *typing_noqa(used)]
    lines += ["from __future__ import annotations", ""]
    stdlib = [
        ("collections.abc", ["Mapping"]),
        ("datetime", ["datetime"]),
        ("functools", ["cached_property"]),
        ("typing", ["TYPE_CHECKING", "Any", "Dict", "List", "Literal", "Optional", "Union", "cast"]),
    ]
    for module, names in stdlib:
        lines += _import_line(module, [n for n in names if n in used])
    lines += ["", *_import_line("openai", [n for n in ("NOT_GIVEN", "NotGiven") if n in used])]
    lines += [*_import_line("typing_extensions", ["override"] if "override" in used else []), ""]
    base = ["AsyncResource", "Body", "Headers", "ModeT", "Query", "Raw", "Streamed", "SyncResource"]
    base += [
        "TimeoutArg",
        "admin_options",
        "endpoint",
        "json_body",
        "at_least_one_of",
        "exactly_one_of",
        "legacy_alias",
        "path_segment",
        "required",
        "root_url",
        "warn_ignored",
    ]
    forward = {
        name: "# noqa: F401 - in the forward references of the class headers"
        for name in ("Raw", "Streamed")
        if name not in used
    }
    for resource in resources:
        core = RESOURCES[resource].extends
        if core:
            names = [_class_name(resource, variant) for variant in ("sync", "async")]
            lines += [*_import_line(core, [f"{name} as Core{name}" for name in names]), ""]
    lines += _import_line(".._base", [n for n in base if n in used or n in forward], comments=forward)
    for resource in resources:
        extras = RESOURCES[resource].extras
        if extras:
            mixins = [_class_name(resource, variant) + "Extras" for variant in ("sync", "async")]
            lines += _import_line(f"..{extras.module}", mixins)
    lines += _import_line(".._models", ["GenericResponse"] if "GenericResponse" in used else [])
    lines += _import_line(
        ".._pagination", [n for n in ("AsyncPaginator", "PageStyle", "SyncPage", "fetch_page") if n in used]
    )
    lines += _import_line("..types.models", sorted(n for n in used if n in registry.models))
    lines += _import_line("..types.params", sorted(n for n in used if n in registry.params))
    return _finish([*lines, "", *body])


def _import_line(
    module: str, names: list[str], *, reexport: bool = False, comments: Mapping[str, str] | None = None
) -> list[str]:
    """`from module import names` (`name as name` to re-export), sorted and wrapped the way ruff's isort wants it.

    `comments`: a trailing comment for some names (the import is then one name per line).
    """
    if not names:
        return []
    comments = comments or {}
    ordered = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n.lower()))
    aliases = [f"{n} as {n}" if reexport else n for n in ordered]
    line = f"from {module} import " + ", ".join(aliases)
    if len(line) <= 120 and not comments.keys() & set(names):
        return [line]
    items = [
        f"    {alias},{'  ' + comments[name] if name in comments else ''}"
        for name, alias in zip(ordered, aliases, strict=True)
    ]
    return [f"from {module} import (", *items, ")"]


def _alias_target(op: Operation, param: Param) -> Param:
    assert param.legacy is not None
    return op.by_name()[param.legacy.target]


def _page_constant(op: Operation) -> str:
    return snake_case(RESOURCES[op.resource].class_name + "_" + op.name).upper() + "_PAGES"


def _class_name(resource: str, variant: str) -> str:
    name = RESOURCES[resource].class_name
    return name if variant == "sync" else "Async" + name


def _render_class(resource: str, variant: str, ops: list[Operation]) -> list[str]:
    """One resource class. It is generic in its response mode (`ModeT`, see `_base.py`): its header names its raw and
    streamed variants, which types `with_raw_response` / `with_streaming_response`, and sub-resources share its mode."""
    info = RESOURCES[resource]
    name = _class_name(resource, variant)
    base = "SyncResource" if variant == "sync" else "AsyncResource"
    mixin = f"{name}Extras[ModeT], " if info.extras else ""
    access = "portkey" if variant == "sync" else "async_portkey"
    if info.extends:
        # core's class names its own twins; the overrides below type this class's (the same at run time)
        lines = [f"class {name}({mixin}Core{name}[ModeT]):", f'    """{info.doc} (`{access}.{resource}`)"""']
        lines += ["", "    if TYPE_CHECKING:"]
        for twin, mode in (("with_raw_response", "Raw"), ("with_streaming_response", "Streamed")):
            lines += [
                "",
                "        @cached_property",
                "        @override",
                f"        def {twin}(self) -> {name}[{mode}]: ...",
            ]
    else:
        lines = [f'class {name}({mixin}{base}["{name}[Raw]", "{name}[Streamed]", ModeT]):']
        lines += [f'    """{info.doc} (`{access}.{resource}`)"""']
    for child in children_of(resource):
        attribute = child.rsplit(".", 1)[1]
        child_class = _class_name(child, variant)
        lines += [
            "",
            "    @cached_property",
            f"    def {attribute}(self) -> {child_class}[ModeT]:",
            f'        """{RESOURCES[child].doc}"""',
            f"        return {child_class}(self._client, _mode=self._mode)",
        ]
    wrapped = info.extras.wraps if info.extras else ()
    for op in sorted(ops, key=lambda o: o.name):
        lines += [""] + _method(replace(op, name="_" + op.name) if op.name in wrapped else op, variant)
    return lines


def _method(op: Operation, variant: str) -> list[str]:
    """One method, sync or async, from the same template."""
    is_async = variant == "async"
    path_params = [p for p in op.params if p.location == "path" and not p.legacy]
    positional = [op.by_name()[name] for name in op.positional]
    keyword_params = [p for p in op.params if p not in path_params and p not in positional]
    signature = ["        self,"]
    for param in path_params + positional:
        signature.append(f"        {param.name}: {_arg_annotation(param)}{_arg_default(param)},")
    signature.append("        *,")
    for param in sorted(keyword_params, key=lambda p: not p.required):
        signature.append(f"        {param.name}: {_arg_annotation(param)}{_arg_default(param)},")
    signature += [
        "        extra_headers: Optional[Headers] = None,",
        "        extra_query: Optional[Query] = None,",
        "        extra_body: Optional[Body] = None,",
        "        timeout: TimeoutArg = NOT_GIVEN,",
    ]
    if op.page:
        page_cls = "AsyncPaginator" if is_async else "SyncPage"
        returns = f"{page_cls}[{op.return_annotation}, {op.item_annotation}]"
    else:
        returns = op.return_annotation
    define = "async def" if is_async and not op.page else "def"
    lines = ["    @endpoint", f"    {define} {op.name}(", *signature, f"    ) -> {returns}:"]
    lines += _method_doc(op, path_params + positional + sorted(keyword_params, key=lambda p: not p.required), is_async)
    lines += _method_body(op, is_async)
    return lines


def _arg_annotation(param: Param) -> str:
    annotation = param.annotation
    if param.location == "ignored":
        return "Optional[str]"
    if param.required or param.default != "NOT_GIVEN":
        return annotation
    if _outer_union(annotation):
        return f"{annotation[:-1]}, NotGiven]"
    return f"Union[{annotation}, NotGiven]"


def _outer_union(annotation: str) -> bool:
    """Whether the annotation is `Union[...]` as a whole (not just starting with one)."""
    if not annotation.startswith("Union["):
        return False
    depth = 0
    for index, char in enumerate(annotation[len("Union") :], len("Union")):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return index == len(annotation) - 1
    return False


def _arg_default(param: Param) -> str:
    if param.location == "ignored":
        return " = None"
    if param.required:
        return ""
    return f" = {param.default}"


def _method_doc(op: Operation, params: list[Param], is_async: bool) -> list[str]:
    indent = "        "
    summary = op.summary or f"{op.name.capitalize()}."
    if not summary.endswith("."):
        summary += "."
    lines = [f'{indent}"""{summary}', ""]
    if op.description and op.description.rstrip(".") != op.summary.rstrip("."):
        lines += [indent + line for line in wrap(op.description, indent)] + [""]
    lines.append(f"{indent}`{op.method.upper()} {op.path}`")
    if op.alias_of:
        note = f"The same as `{op.alias_of}`; the official SDK also has it under this name."
        lines += ["", *[indent + line for line in wrap(note, indent)]]
    if op.source:
        note = f"Not in the published spec: from spec/overlay.yaml, as the official SDK sends it ({op.source})."
        lines += ["", *[indent + line for line in wrap(note, indent)]]
    if op.page:
        what = (
            "`await` it for the first page, or `async for` over every item"
            if is_async
            else "iterate it for every item of every page"
        )
        lines += ["", indent + f"Returns the first page; {what}."]
    lines += ["", f"{indent}Args:"]
    for param in params:
        where = {"path": "path parameter", "query": "query parameter"}.get(param.location, "field")
        text = param.doc or f"The `{param.wire}` {where}."
        wrapped = wrap(f"{param.name}: {text}", indent + "    ", width=116)
        lines.append(indent + "    " + wrapped[0])
        lines += [indent + "        " + line for line in wrap(" ".join(wrapped[1:]), indent + "        ") if line]
    lines += [
        f"{indent}    extra_headers: Headers to send with this request, besides the client's.",
        f"{indent}    extra_query: Query parameters to add to this request.",
        f"{indent}    extra_body: JSON fields to add to this request's body.",
        f"{indent}    timeout: Timeout of this request, overriding the client's.",
        f'{indent}"""',
    ]
    return lines


def _method_body(op: Operation, is_async: bool) -> list[str]:
    indent = "        "
    lines: list[str] = []
    for param in op.params:
        if param.legacy is None:
            continue
        if param.legacy.kind == "ignored":
            lines.append(f'{indent}warn_ignored("{param.name}", {param.name}, "{param.legacy.target}")')
        elif param.legacy.kind == "alias":
            target = _alias_target(op, param)
            lines.append(
                f'{indent}{target.name} = legacy_alias("{param.name}", {param.name}, "{target.name}", {target.name})'
            )
    for helper, names in (("exactly_one_of", op.exactly_one_of), ("at_least_one_of", op.at_least_one_of)):
        if names:
            values = ", ".join(f'"{name}": {name}' for name in names)
            lines.append(f"{indent}{helper}({{{values}}})")
    path = op.path
    for param in op.params:
        if param.location == "path" and param.legacy is None:
            value = param.name
            if not param.required and any(
                p.legacy and p.legacy.kind == "alias" and p.legacy.target == param.name for p in op.params
            ):
                value = f"required('{param.name}', {param.name})"
            path = path.replace("{" + param.wire + "}", "{path_segment(" + f"'{param.name}', {value}" + ")}")
    url = f'f"{path}"' if "{" in path else f'"{path}"'
    if op.root_server:
        url = f"root_url(self._client.base_url, {url})"
    query = [p for p in op.params if p.location == "query" and not (p.legacy and p.legacy.kind == "alias")]
    body = [p for p in op.params if p.location == "body" and not (p.legacy and p.legacy.kind == "alias")]
    options = [f"{indent}    query={{" + ", ".join(f'"{p.wire}": {p.name}' for p in query) + "}," if query else None]
    json_query = sorted(p.wire for p in query if p.json_query)
    if json_query:
        options.append(f"{indent}    json_query=frozenset({{" + ", ".join(f'"{w}"' for w in json_query) + "}),")
    options_lines = [
        f"{indent}options = admin_options(",
        *[line for line in options if line],
        f"{indent}    extra_headers=extra_headers,",
        f"{indent}    extra_query=extra_query,",
        f"{indent}    extra_body=extra_body,",
        f"{indent}    timeout=timeout,",
        f"{indent})",
    ]
    lines += options_lines
    if op.page:
        constant = "_" + _page_constant(op)
        if is_async:
            lines.append(
                f"{indent}return AsyncPaginator(self._client, {url}, model={op.return_annotation}, style={constant}, options=options)"
            )
        else:
            lines.append(
                f"{indent}return fetch_page(self._client, {url}, model={op.return_annotation}, style={constant}, options=options)"
            )
        return lines
    call = f"{'await ' if is_async else ''}self._client.{op.method}("
    args = [f"{indent}    {url},"]
    if op.has_body or body:
        nullable = sorted(p.wire for p in body if p.nullable)
        values = "{" + ", ".join(f'"{p.wire}": {p.name}' for p in body) + "}"
        extra = ", nullable=frozenset({" + ", ".join(f'"{w}"' for w in nullable) + "})" if nullable else ""
        args.append(f"{indent}    body=json_body({values}{extra}),")
    args += [f"{indent}    cast_to={op.cast},", f"{indent}    options=options,"]
    lines += [f"{indent}return {call}", *args, f"{indent})"]
    return lines


def render_resources_init() -> str:
    """`resources/__init__.py`: every resource class, each module imported on first use of one of its classes."""
    tops = sorted({module_of(r) for r in RESOURCES})
    classes = {
        top: sorted(_class_name(r, v) for r in RESOURCES if module_of(r) == top for v in ("sync", "async"))
        for top in tops
    }
    lines = [
        HEADER.format(
            doc="The resource classes of portkey-admin, sync and async.\n\n"
            "A module is imported when one of its classes is first used, so `portkey.configs` loads only `configs`."
        ),
        "from __future__ import annotations",
        "",
        "from importlib import import_module",
        "from typing import TYPE_CHECKING, Any",
        "",
        "if TYPE_CHECKING:",
    ]
    for top in tops:
        lines += ["    " + line for line in _import_line(f".{top}", classes[top], reexport=True)]
    exported = sorted(name for names in classes.values() for name in names)
    lines += ["", "__all__ = [", *[f'    "{n}",' for n in exported], "]", "", "_MODULES: dict[str, str] = {"]
    lines += [f'    "{name}": "{top}",' for top in tops for name in classes[top]]
    lines += [
        "}",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _MODULES.get(name)",
        "    if module is None:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        '    return getattr(import_module(f".{module}", __name__), name)',
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return sorted(__all__)",
    ]
    return _finish(lines)


def render_types_init(registry: TypeRegistry) -> str:
    """`types/__init__.py`."""
    models = sorted([*registry.models, "GenericResponse"])
    params = sorted(registry.params)
    lines = [
        HEADER.format(doc="The request and response types of portkey-admin."),
        "from __future__ import annotations",
        "",
        *_import_line(".models", models, reexport=True),
        *_import_line(".params", params, reexport=True),
        "",
        "__all__ = [",
        *[f'    "{n}",' for n in sorted(models + params)],
        "]",
    ]
    return _finish(lines)


def top_level_attributes() -> list[str]:
    """The client attributes portkey-admin provides (its entry points)."""
    return sorted(r for r in RESOURCES if "." not in r)


def render_extension() -> str:
    """`_extension.py`: one factory per top-level attribute, and the classes that type them on the clients."""
    lines = [
        HEADER.format(
            doc="Entry-point factories: how `portkey.<attribute>` finds its portkey-admin resource.\n\n"
            "Each is registered in the `portkey_ai.resources` entry-point group of portkey-admin's pyproject.toml "
            "under the\nattribute's name; the core client calls it once per client, on first access."
        ),
        "from __future__ import annotations",
        "",
        "from typing import TYPE_CHECKING, overload",
        "",
        "from openai import AsyncOpenAI",
        "",
        "if TYPE_CHECKING:",
        "    from portkey_ai import AsyncPortkey, Portkey",
        "",
    ]
    tops = top_level_attributes()
    for top in tops:
        cls = RESOURCES[top].class_name
        lines += ["    " + line for line in _import_line(f".resources.{top}", [cls, f"Async{cls}"])]
    lines += ["", "__all__ = [", '    "AsyncPortkeyAttributes",', '    "PortkeyAttributes",']
    lines += [*[f'    "{t}",' for t in tops], "]"]
    for top in tops:
        cls = RESOURCES[top].class_name
        lines += [
            "",
            "",
            "@overload",
            f"def {top}(client: Portkey) -> {cls}: ...",
            "@overload",
            f"def {top}(client: AsyncPortkey) -> Async{cls}: ...",
            f"def {top}(client: Portkey | AsyncPortkey) -> {cls} | Async{cls}:",
            f'    """`client.{top}`: {RESOURCES[top].doc}"""',
            *["    " + line for line in _import_line(f".resources.{top}", [cls, f"Async{cls}"])],
            "",
            "    if isinstance(client, AsyncOpenAI):",
            f"        return Async{cls}(client)",
            f"    return {cls}(client)",
        ]
    typed = [top for top in tops if top != "admin" and not RESOURCES[top].extends]
    for variant, client in (("sync", "Portkey"), ("async", "AsyncPortkey")):
        lines += [
            "",
            "",
            f"class {client}Attributes:",
            f'    """The attributes portkey-admin adds to `{client}`, for type checkers: `{client}` lists this class among',
            "    its bases under `TYPE_CHECKING` (at run time the client finds them through the factories above; `admin`,",
            '    `prompts` and `logs` are typed by the client itself)."""',
            "",
            *[f"    {top}: {_class_name(top, variant)}" for top in typed],
        ]
    return _finish(lines)


def render_api_index(operations: list[Operation]) -> str:
    """`api.md`: every method, the HTTP operation it calls and what it returns."""
    lines = [
        "# portkey-admin API index",
        "",
        "Generated by `scripts/generate_admin.py` from the Portkey OpenAPI spec. Every method exists on the sync client",
        "(`Portkey`) and, with the same arguments, on the async one (`AsyncPortkey`, awaited; paged lists are",
        "`async for`-able). Types are in `portkey_ai.admin.types`.",
        "",
        "Every resource also has `with_raw_response` and `with_streaming_response`, with the same methods and",
        "sub-resources: `portkey.configs.with_raw_response.list()` returns openai's `LegacyAPIResponse` of what",
        "`portkey.configs.list()` returns (`.parse()`, `.headers`, `.status_code`, `.text`), and",
        "`with portkey.configs.with_streaming_response.list() as response:` an `APIResponse` whose body is read on",
        "demand. For a paged list, `.parse()` gives the page.",
        "",
        f"{len(operations)} operations.",
    ]
    for top in top_level_attributes():
        lines += ["", f"## `portkey.{top}`", "", "| method | HTTP | returns |", "| --- | --- | --- |"]
        for op in [o for o in operations if module_of(o.resource) == top]:
            returns = (
                f"`SyncPage[{op.return_annotation}, {op.item_annotation}]`" if op.page else f"`{op.return_annotation}`"
            )
            args = ", ".join([p.name for p in op.params if p.location == "path" and not p.legacy] + list(op.positional))
            lines.append(
                f"| `{op.resource}.{op.name}({args}{', ...' if args else '...'})` | `{op.method.upper()} {op.path}` | {returns} |"
            )
    return "\n".join(lines) + "\n"


CLI_RESERVED_OPTIONS = frozenset({"json", "output", "limit", "help"})
"""Options every generated command has; no parameter may take their name."""


def cli_name(name: str) -> str:
    """A Python name as a command or option name (`api_keys` -> `api-keys`)."""
    return name.replace("_", "-")


def _cli_kind(param: Param, spec: Spec) -> tuple[str, tuple[str, ...]]:
    """How the command line reads a parameter: `str`, `int`, `float`, `bool`, `choice` (with its values) or `json`."""
    schema = spec.resolve(param.schema) if param.schema else {}
    enum = tuple(str(value) for value in schema.get("enum") or () if value is not None)
    kind = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}.get(schema.get("type") or "")
    if enum and kind == "str":
        return "choice", enum
    if kind is None:
        return ("json", ()) if param.location == "body" else ("str", ())
    return kind, ()


def render_cli_table(operations: list[Operation], spec: Spec) -> str:
    """`cli/_operations.py`: every method (aliases and official-SDK-only arguments left out) as a `portkey`
    sub-command: its words, the method it calls, its help and its parameters."""
    lines = [
        HEADER.format(doc="The sub-commands of `portkey`, one per method of portkey-admin."),
        "from __future__ import annotations",
        "",
        "from ._spec import CliOperation, CliParam",
        "",
        '__all__ = ["GROUPS", "OPERATIONS"]',
        "",
        "GROUPS: dict[tuple[str, ...], str] = {",
    ]
    for resource, info in RESOURCES.items():
        words = tuple(cli_name(part) for part in resource.split("."))
        lines.append(f"    {words!r}: {info.doc!r},")
    lines += ["}", '"""Help of each command group, by its words."""', "", "OPERATIONS: tuple[CliOperation, ...] = ("]
    for op in operations:
        if op.alias_of:
            continue
        words = tuple(cli_name(part) for part in op.resource.split(".")) + (cli_name(op.name),)
        params: list[str] = []
        for param in op.params:
            if param.legacy is not None:
                continue
            if param.location != "path" and param.name in CLI_RESERVED_OPTIONS:
                raise SystemExit(f"{op.key}: parameter {param.name!r} clashes with an option of every command")
            kind, choices = _cli_kind(param, spec)
            params.append(
                f"CliParam({param.name!r}, {param.wire!r}, {param.location!r}, {kind!r}, {param.required!r}, "
                f"{param.doc!r}, {choices!r}),"
            )
        lines += [
            "    CliOperation(",
            f"        words={words!r},",
            f"        method={(*op.resource.split('.'), op.name)!r},",
            f"        summary={(op.summary or op.name.capitalize()).rstrip('.')!r},",
            f"        description={op.description!r},",
            f"        http={op.method.upper() + ' ' + op.path!r},",
            f"        paged={op.page is not None!r},",
            "        params=(",
            *[f"            {line}" for line in params],
            "        ),",
            "    ),",
        ]
    lines += [")"]
    return _finish(lines)


def ruff_format(path: Path, text: str) -> str:
    """`text` as `ruff format` (with the repository's settings) formats the file at `path`."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"ruff format failed on generated {path.relative_to(ROOT)}:\n{result.stderr}")
    return result.stdout


def render_all(spec_file: Path | None = None) -> dict[Path, str]:
    """Every generated file, by path (Python files formatted with ruff)."""
    spec = Spec(load_merged_spec(spec_file))
    registry = TypeRegistry(spec)
    operations = build_operations(spec, registry)
    _check_class_names(registry)
    files: dict[Path, str] = {}
    for top in top_level_attributes():
        files[OUTPUT_DIR / "resources" / f"{top}.py"] = render_resource_module(top, operations, registry)
    files[OUTPUT_DIR / "resources" / "__init__.py"] = render_resources_init()
    files[OUTPUT_DIR / "types" / "models.py"] = render_models(registry)
    files[OUTPUT_DIR / "types" / "params.py"] = render_params(registry)
    files[OUTPUT_DIR / "types" / "__init__.py"] = render_types_init(registry)
    files[OUTPUT_DIR / "_extension.py"] = render_extension()
    files[OUTPUT_DIR / "cli" / "_operations.py"] = render_cli_table(operations, spec)
    files = {path: ruff_format(path, text) if path.suffix == ".py" else text for path, text in files.items()}
    files[PACKAGE_DIR / "api.md"] = render_api_index(operations)
    return files


def _check_class_names(registry: TypeRegistry) -> None:
    resources = {r.class_name for r in RESOURCES.values()} | {"Async" + r.class_name for r in RESOURCES.values()}
    clash = resources & (set(registry.models) | set(registry.params))
    if clash:
        raise SystemExit(f"model names clash with resource classes: {sorted(clash)}; extend MODEL_RENAMES")


def expected_entry_points() -> dict[str, str]:
    """The `portkey_ai.resources` entry points portkey-admin's pyproject.toml must declare."""
    return {top: f"portkey_ai.admin._extension:{top}" for top in top_level_attributes()}


def declared_entry_points() -> dict[str, str]:
    """The entry points portkey-admin's pyproject.toml declares."""
    with (PACKAGE_DIR / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    declared: dict[str, str] = project.get("entry-points", {}).get("portkey_ai.resources", {})
    return declared


def stale_files(files: Mapping[Path, str]) -> list[str]:
    """What differs between the committed output and `files` (relative paths, with a reason)."""
    problems: list[str] = []
    for path, text in files.items():
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(ROOT)}: differs")
    for folder in GENERATED_DIRS:
        for path in sorted((OUTPUT_DIR / folder).glob("*.py")):
            if path not in files:
                problems.append(f"{path.relative_to(ROOT)}: not generated any more")
    if declared_entry_points() != expected_entry_points():
        problems.append(f"packages/portkey-admin/pyproject.toml: entry points should be {expected_entry_points()}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command line: write the files, or with `--check` report stale ones."""
    parser = argparse.ArgumentParser(description="Generate portkey-admin from the Portkey OpenAPI spec.")
    parser.add_argument("--check", action="store_true", help="fail if the committed files are not up to date")
    parser.add_argument("--spec", type=Path, default=None, help="the OpenAPI spec (default: $PORTKEY_OPENAPI_SPEC)")
    args = parser.parse_args(argv)
    files = render_all(args.spec)
    if args.check:
        problems = stale_files(files)
        for problem in problems:
            sys.stderr.write(f"stale: {problem}\n")
        if problems:
            sys.stderr.write("run `uv run python scripts/generate_admin.py` and commit the result\n")
        return 1 if problems else 0
    for folder in GENERATED_DIRS:
        for path in (OUTPUT_DIR / folder).glob("*.py"):
            if path not in files:
                path.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    if declared_entry_points() != expected_entry_points():
        sys.stderr.write(
            f"update the entry points in packages/portkey-admin/pyproject.toml: {expected_entry_points()}\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
