"""How the core client reaches portkey-admin: entry points, lazy loading, the official SDK's attribute paths."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._extensions import PROVIDED_BY
from portkey_ai._http import httpx
from portkey_ai.admin import resources
from portkey_ai.admin._extension import admin as admin_factory
from tests.admin.conftest import Recorder
from tests.admin.support import generator, resolve

BASE_URL = "http://control-plane.test/v1"


def test_every_top_level_attribute_is_an_entry_point_the_core_knows() -> None:
    registered = {ep.name: ep.value for ep in entry_points(group="portkey_ai.resources")}
    expected = generator().expected_entry_points()

    assert {name: registered.get(name) for name in expected} == expected
    assert set(expected) <= set(PROVIDED_BY)
    assert all(PROVIDED_BY[name] == "portkey-admin" for name in expected)


CORE_FORWARDING = ("prompts", "logs")
"""Attributes the core defines itself; they forward what they lack to the portkey-admin resource."""


def _admin_part(client: Portkey | AsyncPortkey, name: str) -> object:
    if name in CORE_FORWARDING:
        return client._extension_resource(name)  # pyright: ignore[reportPrivateUsage]
    return getattr(client, name)


@pytest.mark.parametrize("name", sorted(generator().expected_entry_points()))
async def test_client_attribute_is_the_resource_of_its_flavour(name: str) -> None:
    class_name = generator().RESOURCES[name].class_name
    with Portkey(base_url=BASE_URL, api_key="pk-test") as client:
        resource = _admin_part(client, name)
        assert type(resource) is getattr(resources, class_name)
        assert _admin_part(client, name) is resource
    async with AsyncPortkey(base_url=BASE_URL, api_key="pk-test") as async_client:
        assert type(_admin_part(async_client, name)) is getattr(resources, f"Async{class_name}")


def test_official_sdk_attribute_paths() -> None:
    with Portkey(base_url=BASE_URL, api_key="pk-test") as client:
        assert isinstance(client.admin.users, resources.Users)
        assert isinstance(client.admin.users.invites, resources.Invites)
        assert isinstance(client.admin.workspaces.users, resources.WorkspaceUsers)
        assert isinstance(client.logs.exports, resources.LogExports)
        assert isinstance(client.prompts.versions, resources.PromptVersions)
        assert isinstance(client.prompts.partials.versions, resources.PromptPartialVersions)
        assert isinstance(client.integrations.workspaces, resources.IntegrationWorkspaces)
        assert isinstance(client.mcp_servers.user_access, resources.McpServerUserAccess)
        assert client.admin.users is client.admin.users


async def test_core_prompts_and_logs_forward_management_to_admin(is_async: bool) -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/prompts":
            return httpx.Response(200, json={"id": "p-1", "slug": "greet", "version_id": "v-1", "object": "prompt"})
        return httpx.Response(200, json={"_id": "log-1", "request": {"url": "https://x"}, "response": {"status": 200}})

    transport = httpx.MockTransport(handler)
    client: Portkey | AsyncPortkey
    if is_async:
        client = AsyncPortkey(
            base_url=BASE_URL,
            api_key="pk-test",
            http_client=httpx.AsyncClient(transport=transport, event_hooks={"request": [recorder.async_hook]}),
        )
    else:
        client = Portkey(
            base_url=BASE_URL,
            api_key="pk-test",
            http_client=httpx.Client(transport=transport, event_hooks={"request": [recorder.sync_hook]}),
        )
    try:
        created = await resolve(
            client.prompts.create(
                name="greet", collection_id="c-1", string="Hi {{name}}", parameters={}, virtual_key="vk-1"
            )
        )
        log = await resolve(client.logs.retrieve("log-1"))
    finally:
        if isinstance(client, AsyncPortkey):
            await client.close()
        else:
            client.close()

    assert created.slug == "greet"
    assert log.id == "log-1"
    assert [(r.method, r.url.path) for r in recorder.requests] == [("POST", "/v1/prompts"), ("GET", "/v1/logs/log-1")]
    assert callable(client.prompts.render)  # still the core's own method


def test_factory_picks_the_flavour_of_the_client() -> None:
    with Portkey(base_url=BASE_URL, api_key="pk-test") as client:
        assert isinstance(admin_factory(client), resources.Admin)


def test_a_copied_client_gets_its_own_resources() -> None:
    with Portkey(base_url=BASE_URL, api_key="pk-test") as client:
        copy = client.with_options(timeout=3)
        assert copy.admin is not client.admin
        assert copy.admin._client is copy


def test_core_only_use_does_not_import_portkey_admin() -> None:
    code = (
        "import sys\n"
        "from portkey_ai import Portkey\n"
        f"client = Portkey(base_url={BASE_URL!r}, api_key='pk-test')\n"
        "client.chat.completions, client.prompts.render, client.feedback\n"
        "assert not any(name.startswith('portkey_ai.admin') for name in sys.modules), sorted(sys.modules)\n"
        "client.configs\n"
        "assert 'portkey_ai.admin.resources.configs' in sys.modules\n"
        "assert 'portkey_ai.admin.resources.analytics' not in sys.modules\n"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)

    assert result.returncode == 0, result.stderr
