"""The attributes portkey-admin adds to the clients are typed through them (mypy and pyright check this file: each
`assert_type` fails the lint when an attribute is `Any`), and are at run time what the types say."""

from __future__ import annotations

from typing import assert_type

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.admin import Parsed, Raw
from portkey_ai.admin.resources import (
    Admin,
    AsyncAdmin,
    AsyncConfigs,
    AsyncLogExports,
    AsyncPromptVersions,
    Configs,
    LogExports,
    PromptVersions,
)
from portkey_ai.admin.types import ConfigsListResponse
from portkey_ai.types.prompt_render import PromptRender

BASE_URL = "http://control-plane.test/v1"
CONFIGS = {"object": "list", "total": 1, "data": [{"id": "c-1", "name": "fallback", "slug": "pc-fallback"}]}
RENDER = {"success": True, "data": {"messages": [{"role": "user", "content": "Hi"}]}}


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=RENDER if request.url.path.endswith("/render") else CONFIGS)


def test_admin_attributes_are_typed_through_the_sync_client() -> None:
    with Portkey(
        base_url=BASE_URL, api_key="pk-test", http_client=httpx.Client(transport=httpx.MockTransport(_answer))
    ) as portkey:
        configs = assert_type(portkey.configs.list(), ConfigsListResponse)
        assert isinstance(configs, ConfigsListResponse)
        assert [config.id for config in configs.data or []] == ["c-1"]
        assert isinstance(assert_type(portkey.configs, Configs), Configs)
        assert isinstance(assert_type(portkey.prompts.versions, PromptVersions[Parsed]), PromptVersions)
        assert isinstance(assert_type(portkey.logs.exports, LogExports[Parsed]), LogExports)
        assert isinstance(assert_type(portkey.admin, Admin), Admin)
        assert isinstance(assert_type(portkey.configs.with_raw_response, Configs[Raw]), Configs)
        # core's own methods keep their types beside portkey-admin's
        assert isinstance(assert_type(portkey.prompts.render(prompt_id="p-1"), PromptRender), PromptRender)


async def test_admin_attributes_are_typed_through_the_async_client() -> None:
    transport = httpx.MockTransport(_answer)
    async with AsyncPortkey(
        base_url=BASE_URL, api_key="pk-test", http_client=httpx.AsyncClient(transport=transport)
    ) as portkey:
        configs = assert_type(await portkey.configs.list(), ConfigsListResponse)
        assert [config.id for config in configs.data or []] == ["c-1"]
        assert isinstance(assert_type(portkey.configs, AsyncConfigs), AsyncConfigs)
        assert isinstance(assert_type(portkey.prompts.versions, AsyncPromptVersions[Parsed]), AsyncPromptVersions)
        assert isinstance(assert_type(portkey.logs.exports, AsyncLogExports[Parsed]), AsyncLogExports)
        assert isinstance(assert_type(portkey.admin, AsyncAdmin), AsyncAdmin)
        assert isinstance(assert_type(await portkey.prompts.render(prompt_id="p-1"), PromptRender), PromptRender)
