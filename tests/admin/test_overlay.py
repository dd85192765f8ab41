"""spec/overlay.yaml: what the official SDK sends that the published spec lacks, merged into the spec.

`merge_overlay` (scripts/generate_admin.py) is the one merge: the generator reads its result and Prism serves it
(tests/servers/node_servers.py `prism_spec`), so the contract tests (test_contract.py) call the overlay's operations
against Prism like the spec's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.admin.support import generator, operations, raw_spec
from tests.servers.node_servers import OVERLAY, prism_spec, spec_source

pytestmark = pytest.mark.usefixtures("spec_available")

OFFICIAL_ONLY = {
    "analytics.groups.workspaces": "get /analytics/groups/workspaces",
    "analytics.groups.group_by": "get /analytics/groups/{group_by}",
    "mcp_integrations.sync": "post /mcp-integrations/{mcpIntegrationId}/sync",
    "mcp_integrations.test": "post /mcp-integrations/{mcpIntegrationId}/test",
    "mcp_servers.get_tokens": "get /mcp-servers/{mcpServerId}/tokens",
    "mcp_servers.update_tokens": "put /mcp-servers/{mcpServerId}/tokens",
    "mcp_servers.delete_tokens": "delete /mcp-servers/{mcpServerId}/tokens",
    "mcp_servers.get_client_info": "get /mcp-servers/{mcpServerId}/client-info",
    "mcp_servers.capabilities.sync": "post /mcp-servers/{mcpServerId}/capabilities/sync",
    "mcp_servers.user_access.check": "get /mcp-servers/{mcpServerId}/user-access/check",
    "mcp_servers.metadata.retrieve": "get /mcp-servers/{mcpServerId}/metadata",
    "mcp_servers.metadata.sync": "post /mcp-servers/{mcpServerId}/metadata/sync",
}
"""The official SDK's methods whose endpoints the published spec lacks, and the operation the overlay gives each."""

SERVERS = [{"url": "SELF_HOSTED_CONTROL_PLANE_URL"}]


def _spec() -> dict[str, Any]:
    return {
        "paths": {
            "/things": {
                "servers": SERVERS,
                "get": {"parameters": [{"name": "page", "in": "query"}], "responses": {}},
            }
        },
        "components": {"schemas": {"Thing": {"type": "object"}}, "parameters": {}},
    }


def test_overlay_paths_and_components_are_added() -> None:
    spec = _spec()
    overlay: dict[str, Any] = {
        "paths": {
            "/things/{id}/sync": {"servers": SERVERS, "post": {"x-source": "things.py Things.sync", "responses": {}}},
            "/things": {
                "parameters": [{"name": "workspace", "in": "query"}],
                "post": {"x-source": "things.py Things.create", "responses": {}},
            },
        },
        "components": {"schemas": {"SyncResult": {"type": "object"}}},
    }

    merged = generator().merge_overlay(spec, overlay)

    assert merged["paths"]["/things/{id}/sync"] == overlay["paths"]["/things/{id}/sync"]
    added = merged["paths"]["/things"]["post"]
    assert added["x-source"] == "things.py Things.create"
    assert added["servers"] == SERVERS, "an operation added to a spec path keeps the path's servers"
    assert added["parameters"] == [{"name": "workspace", "in": "query"}]
    assert merged["paths"]["/things"]["get"] == _spec()["paths"]["/things"]["get"]
    assert set(merged["components"]["schemas"]) == {"Thing", "SyncResult"}
    assert spec == _spec(), "the spec is not changed"


def test_overlay_parameters_are_added_to_spec_operations() -> None:
    overlay = {
        "x-operation-parameters": [
            {"parameters": [{"$ref": "#/components/parameters/Status"}], "operations": ["get /things"]}
        ],
        "components": {"parameters": {"Status": {"name": "status", "in": "query", "schema": {"type": "string"}}}},
    }

    merged = generator().merge_overlay(_spec(), overlay)

    assert merged["paths"]["/things"]["get"]["parameters"] == [
        {"name": "page", "in": "query"},
        {"$ref": "#/components/parameters/Status"},
    ]
    assert "x-operation-parameters" not in merged


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        ({"paths": {"/things": {"get": {"responses": {}}}}}, "get /things is already in the spec"),
        ({"components": {"schemas": {"Thing": {}}}}, r"components/schemas \['Thing'\]"),
        (
            {
                "x-operation-parameters": [
                    {"parameters": [{"name": "page", "in": "query"}], "operations": ["get /things"]}
                ]
            },
            "already has the parameters",
        ),
        (
            {"x-operation-parameters": [{"parameters": [{"name": "x", "in": "query"}], "operations": ["put /things"]}]},
            "no operation 'put /things'",
        ),
        ({"webhooks": {}}, "unsupported top-level keys"),
    ],
    ids=["operation", "component", "parameter", "unknown-operation", "unknown-key"],
)
def test_a_clash_with_the_spec_is_an_error(overlay: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generator().merge_overlay(_spec(), overlay)


def test_every_official_only_method_is_an_overlay_operation_citing_its_source() -> None:
    overlay = yaml.safe_load(OVERLAY.read_text(encoding="utf-8"))
    base = generator().load_spec(spec_source())
    generated = {f"{op.resource}.{op.name}": op for op in operations()}
    for dotted, key in OFFICIAL_ONLY.items():
        method, path = key.split(" ")
        assert method not in base["paths"].get(path, {}), f"{key} is in the published spec now"
        source = overlay["paths"][path][method]["x-source"]
        resource, _, name = dotted.rpartition(".")
        assert re.fullmatch(rf"{resource.split('.')[0]}\.py \w+\.{name}", source), (dotted, source)
        assert generated[dotted].key == key
        assert generated[dotted].source == source
    overlay_keys = {
        f"{m} {p}" for p, item in overlay["paths"].items() for m in item if m in ("get", "post", "put", "delete")
    }
    assert overlay_keys == set(OFFICIAL_ONLY.values())


def test_every_graph_and_group_takes_the_cache_status_filter() -> None:
    analytics = [op for op in operations() if op.resource in ("analytics.graphs", "analytics.groups")]

    assert len(analytics) == 17 + 5
    for op in analytics:
        assert "cache_status" in op.by_name(), op.key


def test_batches_and_rerank_are_not_generated_into_admin() -> None:
    """`batches.output` (getBatchOutput) and `rerank.create` are data-plane operations: portkey-core's."""
    paths = raw_spec()["paths"]
    assert "get" in paths["/batches/{batch_id}/output"] and "post" in paths["/rerank"]
    keys = {op.key for op in operations()}
    assert not {k for k in keys if k.startswith(("get /batches", "post /batches", "post /rerank"))}


def test_prism_serves_the_merged_spec(tmp_path: Path) -> None:
    served = json.loads(prism_spec(spec_source(), tmp_path).read_text(encoding="utf-8"))

    assert served["paths"]["/mcp-servers/{mcpServerId}/tokens"]["put"]["x-source"] == (
        "mcp_servers.py McpServers.update_tokens"
    )
    parameters = served["paths"]["/analytics/graphs/cost"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/CacheStatus"} in parameters
    assert served["components"]["parameters"]["PortkeyMetadata"]["schema"]["type"] == "string", "Prism's patch"
