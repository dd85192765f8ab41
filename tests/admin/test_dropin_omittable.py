"""Arguments the official SDK lets you omit where the spec says required: the official call is accepted and sends
what was given (docs/admin-dropin.md lists every case, from the generator's `omittable` and `no_fields` tables).

Prism validates against the spec, which requires these arguments, so a scripted transport records the request; the
contract tests (test_contract.py) send the same methods with the arguments to Prism.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openai import NOT_GIVEN

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.admin._base import at_least_one_of
from tests.admin.conftest import Recorder, json_response
from tests.admin.support import REPO_ROOT, arguments, generator, method_of, operations, resolve

pytestmark = pytest.mark.usefixtures("spec_available")

MakeClient = Callable[[Callable[[httpx.Request], httpx.Response]], tuple[Portkey | AsyncPortkey, Recorder]]

DOC = REPO_ROOT / "docs" / "admin-dropin.md"

OMITTED = {
    "admin.users.invites.create": {"email", "role", "workspaces"},
    "api_keys.create": {"name", "scopes"},
    "collections.list": {"workspace_id"},
    "collections.update": {"name"},
    "integrations.create": {"name", "ai_provider_id"},
    "integrations.models.update": {"models"},
    "logs.exports.create": {"filters", "requested_data"},
    "logs.exports.update": {"filters"},
    "mcp_integrations.workspaces.update": {"workspaces"},
    "prompts.create": {"virtual_key"},
}
"""What the official SDK (2.3.4) lets you omit that the spec requires, measured from its signatures."""
NO_FIELDS = {"mcp_integrations.update", "mcp_servers.update"}
"""Updates the official SDK sends without any field where the spec's body wants at least one."""


def _cases() -> list[Any]:
    table = generator().OPERATIONS
    return [
        pytest.param(op, id=f"{op.resource}.{op.name}")
        for op in operations()
        if table[op.key].omittable or table[op.key].no_fields
    ]


def test_the_generator_table_is_the_official_sdks() -> None:
    table = generator().OPERATIONS
    by_key = {f"{op.resource}.{op.name}": table[op.key] for op in operations()}
    assert {name: set(entry.omittable) for name, entry in by_key.items() if entry.omittable} == OMITTED
    assert {name for name, entry in by_key.items() if entry.no_fields} == NO_FIELDS


@pytest.mark.parametrize("operation", _cases())
async def test_the_official_call_without_the_argument_sends_what_was_given(
    operation: Any, scripted_client: MakeClient
) -> None:
    client, recorder = scripted_client(lambda request: json_response({}))
    entry = generator().OPERATIONS[operation.key]
    given = {
        name: value
        for name, value in arguments(operation, minimal=True).items()
        if name not in entry.omittable and not (entry.no_fields and operation.by_name()[name].location == "body")
    }

    top, _, rest = operation.resource.partition(".")
    raw = getattr(client, top).with_raw_response  # the answer is not parsed: only the request matters here
    await resolve(method_of(raw, rest, operation.name)(**given) if rest else getattr(raw, operation.name)(**given))

    request = recorder.last
    assert request.method == operation.method.upper()
    omitted = {p.wire for p in operation.params if p.name in entry.omittable}
    query = {p.wire for p in operation.params if p.location == "query" and p.name in given}
    assert query <= set(request.url.params) and not omitted & set(request.url.params)
    if operation.has_body:
        body = {p.wire for p in operation.params if p.location == "body" and p.name in given}
        assert set(json.loads(request.content)) == body
        assert not omitted & body


async def test_collections_list_without_workspace_under_a_workspace_key(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(lambda request: json_response({"data": [], "total": 0}))

    await resolve(client.collections.with_raw_response.list())  # type: ignore[arg-type]  # `resolve` cannot infer one page type from the sync | async union

    assert recorder.last.url.path == "/v1/collections"
    assert "workspace_id" not in recorder.last.url.params


async def test_prompts_create_without_virtual_key(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(lambda request: json_response({"id": "p-1", "slug": "greeting"}))

    await resolve(
        client.prompts.with_raw_response.create(
            name="greeting", collection_id="c-1", string="Hello {{name}}", parameters={}, model="@openai/gpt-4o"
        )
    )

    assert json.loads(recorder.last.content) == {
        "name": "greeting",
        "collection_id": "c-1",
        "string": "Hello {{name}}",
        "parameters": {},
        "model": "@openai/gpt-4o",
    }


async def test_mcp_servers_update_without_fields_sends_an_empty_body(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(lambda request: json_response({}))

    await resolve(client.mcp_servers.update("srv-1"))

    assert recorder.last.method == "PUT"
    assert json.loads(recorder.last.content) == {}


async def test_a_missing_path_argument_is_still_an_error_before_any_request(scripted_client: MakeClient) -> None:
    """The official SDK would call `/configs/NOT_GIVEN`; the path is needed, so the argument is."""
    client, recorder = scripted_client(lambda request: json_response({}))

    with pytest.raises(TypeError, match="slug"):
        await resolve(client.configs.update(name="renamed"))  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]

    assert recorder.requests == []


def test_the_doc_lists_every_case() -> None:
    text = Path(DOC).read_text(encoding="utf-8")
    for method, names in OMITTED.items():
        for name in names:
            assert f"| `{method}` | `{name}` |" in text, (method, name)
    for method in NO_FIELDS:
        assert f"| `{method}` | every field |" in text, method


def test_other_non_empty_bodies_are_still_checked_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """`no_fields` is per operation: without it, a body with `minProperties` gets the `at_least_one_of` check."""
    gen = generator()
    spec = gen.Spec(gen.load_merged_spec())
    monkeypatch.setitem(gen.OPERATIONS, "put /mcp-servers/{mcpServerId}", gen.Op("mcp_servers", "update"))

    update = next(op for op in gen.build_operations(spec, gen.TypeRegistry(spec)) if op.key.startswith("put /mcp-se"))

    assert update.at_least_one_of == ("name", "description")
    assert '        at_least_one_of({"name": name, "description": description})' in gen._method(update, "sync")
    with pytest.raises(TypeError, match="pass at least one of `name`, `description`"):
        at_least_one_of({"name": NOT_GIVEN, "description": None})


@pytest.mark.parametrize(
    ("key", "entry", "message"),
    [
        ("put /configs/{slug}", {"omittable": {"slug": "path"}}, r"omittable \['slug'\] are not required"),
        ("get /collections", {"omittable": {"search": "optional already"}}, r"omittable \['search'\]"),
        ("put /configs/{slug}", {"no_fields": "why"}, "no minProperties"),
        ("get /collections", {"no_fields": "why"}, "has no body"),
    ],
)
def test_the_tables_must_match_the_spec(
    monkeypatch: pytest.MonkeyPatch, key: str, entry: dict[str, Any], message: str
) -> None:
    gen = generator()
    spec = gen.Spec(gen.load_merged_spec())
    current = gen.OPERATIONS[key]
    monkeypatch.setitem(gen.OPERATIONS, key, gen.Op(current.resource, current.name, **entry))

    with pytest.raises(SystemExit, match=message):
        gen.build_operations(spec, gen.TypeRegistry(spec))
