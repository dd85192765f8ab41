"""The official SDK's catch-all keywords on every generated method (sync and async, parsed, raw and streamed): a
keyword the method does not declare goes to the JSON body of a POST/PUT or the query of a GET/DELETE, under the
explicit `extra_body` / `extra_query` (explicit wins). The mechanism is core's (`portkey_ai._keywords`); `endpoint`
applies it to every mode.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.admin import AsyncPage, SyncPage
from tests.admin.conftest import Recorder, json_response
from tests.admin.support import resolve

MakeClient = Callable[[Callable[[httpx.Request], httpx.Response]], tuple[Portkey | AsyncPortkey, Recorder]]

PAGE = {"object": "list", "total": 1, "data": [{"id": "pc-1", "slug": "pc-1", "name": "Prod"}]}
CONFIG = {"id": "pc-1", "slug": "pc-1", "version_id": "v-1", "success": True}


def _answer(request: httpx.Request) -> httpx.Response:
    return json_response(PAGE if request.method == "GET" else CONFIG)


async def _call(client: Portkey | AsyncPortkey, mode: str, method: str, *args: Any, **kwargs: Any) -> object:
    """`client.configs.<method>(...)` on the resource in `mode` (parsed, raw or streamed), returning the result."""
    resource: Any = client.configs
    if mode == "raw":
        resource = resource.with_raw_response
    elif mode == "streamed":
        resource = resource.with_streaming_response
    result = getattr(resource, method)(*args, **kwargs)
    if mode != "streamed":
        return await resolve(result)
    if isinstance(result, AbstractAsyncContextManager):
        async with result as response:
            return await response.parse()
    assert isinstance(result, AbstractContextManager)
    with result as response:
        return response.parse()


@pytest.mark.parametrize("mode", ["parsed", "raw", "streamed"])
async def test_get_sends_undeclared_keywords_in_the_query(scripted_client: MakeClient, mode: str) -> None:
    client, recorder = scripted_client(_answer)

    await _call(client, mode, "list", workspace_id="ws-1", team="search", page_size=5)

    request = recorder.last
    assert (request.method, request.url.path) == ("GET", "/v1/configs")
    assert dict(request.url.params) == {"workspace_id": "ws-1", "team": "search", "page_size": "5"}
    assert request.content == b""


@pytest.mark.parametrize("mode", ["parsed", "raw", "streamed"])
async def test_post_sends_undeclared_keywords_in_the_body(scripted_client: MakeClient, mode: str) -> None:
    client, recorder = scripted_client(_answer)

    await _call(client, mode, "create", name="Prod", config={"retry": {"attempts": 2}}, team="search", tags=["a"])

    request = recorder.last
    assert (request.method, request.url.path) == ("POST", "/v1/configs")
    assert json.loads(request.content) == {
        "name": "Prod",
        "config": {"retry": {"attempts": 2}},
        "team": "search",
        "tags": ["a"],
    }
    assert "team" not in request.url.params


async def test_put_and_delete_route_by_their_http_method(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(_answer)

    await _call(client, "parsed", "update", "pc-1", name="Prod 2", team="search")
    assert recorder.last.method == "PUT"
    assert json.loads(recorder.last.content) == {"name": "Prod 2", "team": "search"}

    await _call(client, "raw", "delete", "pc-1", hard="true")
    assert (recorder.last.method, recorder.last.url.path) == ("DELETE", "/v1/configs/pc-1")
    assert dict(recorder.last.url.params) == {"hard": "true"}


@pytest.mark.parametrize("mode", ["parsed", "raw"])
async def test_explicit_extra_body_and_extra_query_win(scripted_client: MakeClient, mode: str) -> None:
    client, recorder = scripted_client(_answer)

    await _call(client, mode, "create", name="Prod", config={}, team="kw", owner="kw", extra_body={"team": "explicit"})
    assert json.loads(recorder.last.content) == {"name": "Prod", "config": {}, "team": "explicit", "owner": "kw"}

    await _call(client, mode, "list", team="kw", owner="kw", extra_query={"team": "explicit"})
    assert dict(recorder.last.url.params) == {"team": "explicit", "owner": "kw"}


async def test_next_pages_keep_the_undeclared_query(scripted_client: MakeClient, is_async: bool) -> None:
    pages = [
        {"object": "list", "total": 2, "data": [{"id": "u-1"}]},
        {"object": "list", "total": 2, "data": [{"id": "u-2"}]},
    ]
    client, recorder = scripted_client(lambda request: json_response(pages[len(recorder.requests) - 1]))

    page = await resolve(client.admin.users.list(page_size=1, team="search"))  # type: ignore[call-arg, arg-type]
    if is_async:
        assert isinstance(page, AsyncPage)
        ids = [user.id async for user in page]
    else:
        assert isinstance(page, SyncPage)
        ids = [user.id for user in page]

    assert ids == ["u-1", "u-2"]
    assert [request.url.params.get("team") for request in recorder.requests] == ["search", "search"]


async def test_the_declared_signature_is_kept(scripted_client: MakeClient) -> None:
    client, _ = scripted_client(_answer)

    for method in (client.configs.list, client.configs.with_raw_response.list):
        parameters = inspect.signature(method).parameters
        assert "workspace_id" in parameters and "extra_query" in parameters
        assert not any(p.kind is p.VAR_KEYWORD for p in parameters.values())
