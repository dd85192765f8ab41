"""Paged lists send the official SDK's paging defaults when the caller gives none (sync and async).

The official SDK (2.3.4) declares `current_page=0` (and on some lists a page size) in its signatures, so a bare
`list()` asks for its first page explicitly; the generated methods do the same (the generator's `defaults` table).
GET /virtual-keys is the exception the other way: the spec requires its paging parameters, so the API's documented
defaults are sent where the official SDK sends none (tests/dropin KNOWN_DIFFERENCES says why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from tests.admin.conftest import Recorder, json_response
from tests.admin.support import generator, method_of, operations, resolve

pytestmark = pytest.mark.usefixtures("spec_available")

MakeClient = Callable[[Callable[[httpx.Request], httpx.Response]], tuple[Portkey | AsyncPortkey, Recorder]]

PAGING_DEFAULTS: dict[str, dict[str, str]] = {
    "admin.users.list": {"currentPage": "0"},
    "admin.users.invites.list": {"currentPage": "0"},
    "admin.workspaces.users.list": {"current_page": "0"},
    "api_keys.list": {"current_page": "0"},
    "guardrails.list": {"current_page": "0", "page_size": "100"},
    "integrations.list": {"current_page": "0", "page_size": "100"},
    "providers.list": {"current_page": "0", "page_size": "50"},
    "virtual_keys.list": {"current_page": "0", "page_size": "50"},
}
"""What a bare `list()` sends (wire names), as the official SDK's signatures default it (virtual keys: the spec)."""

PATH_ARGUMENTS: dict[str, tuple[str, ...]] = {"admin.workspaces.users.list": ("ws-1",)}


def test_the_generator_table_is_the_official_sdks() -> None:
    table = generator().OPERATIONS
    sent = {
        f"{op.resource}.{op.name}": {
            p.wire: table[op.key].defaults[p.name] for p in op.params if p.name in table[op.key].defaults
        }
        for op in operations()
        if table[op.key].defaults
    }
    assert sent == PAGING_DEFAULTS


@pytest.mark.parametrize("name", sorted(PAGING_DEFAULTS))
async def test_a_bare_list_sends_the_defaults_and_given_values_win(name: str, scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(lambda request: json_response({"object": "list", "total": 0, "data": []}))
    resource, _, method = name.rpartition(".")
    defaults = PAGING_DEFAULTS[name]
    wire_to_python = {"currentPage": "current_page", "pageSize": "page_size"}

    await resolve(method_of(client, resource, method)(*PATH_ARGUMENTS.get(name, ())))
    assert dict(recorder.last.url.params) == defaults

    given: dict[str, Any] = {wire_to_python.get(wire, wire): 7 for wire in defaults}
    await resolve(method_of(client, resource, method)(*PATH_ARGUMENTS.get(name, ()), **given))
    assert dict(recorder.last.url.params) == dict.fromkeys(defaults, "7")


async def test_workspaces_list_sends_no_paging_unless_given(scripted_client: MakeClient) -> None:
    """The official SDK's `currentPage=0` there is a name the spec's operation lacks (`current_page`): not sent."""
    client, recorder = scripted_client(lambda request: json_response({"object": "list", "total": 0, "data": []}))

    await resolve(client.admin.workspaces.list())  # type: ignore[arg-type]  # `resolve` cannot infer one page type from the sync | async union
    assert dict(recorder.last.url.params) == {}

    await resolve(client.admin.workspaces.list(current_page=2))  # type: ignore[arg-type]  # `resolve` cannot infer one page type from the sync | async union
    assert dict(recorder.last.url.params) == {"current_page": "2"}
