"""Paged lists: iterating the first page yields every item of every page, sync and async.

A scripted transport plays a control plane that really pages (the Prism examples are static), so the requests the
client sends for the following pages, and when it stops, are checked exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai.admin import AsyncPage, AsyncPaginator, SyncPage
from portkey_ai.admin.types import McpServerCapabilityItem, User, UserList
from tests.admin.conftest import Recorder, json_response

MakeClient = Callable[[Callable[[httpx.Request], httpx.Response]], tuple[Portkey | AsyncPortkey, Recorder]]

USERS = [{"object": "user", "id": f"u{index}", "email": f"user{index}@example.com"} for index in range(5)]


def users_server(*, default_size: int = 2, total: int | None = len(USERS)) -> Callable[[httpx.Request], httpx.Response]:
    """`GET /admin/users`, paged by `currentPage` (from 0) and `pageSize`."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("currentPage", "0"))
        size = int(request.url.params.get("pageSize", str(default_size)))
        body: dict[str, Any] = {"object": "list", "data": USERS[page * size : (page + 1) * size]}
        if total is not None:
            body["total"] = total
        return json_response(body, headers={"x-portkey-trace-id": f"page-{page}"})

    return handler


async def collect(result: Any) -> list[Any]:
    """Every item a paged list call yields, iterating sync or async."""
    if isinstance(result, AsyncPaginator):
        return [item async for item in result]
    return list(result)


def pages_requested(recorder: Recorder, parameter: str = "currentPage") -> list[str | None]:
    return [request.url.params.get(parameter) for request in recorder.requests]


async def test_iterating_yields_every_item_of_every_page(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(users_server())

    items = await collect(client.admin.users.list(page_size=2, role="member", extra_query={"trace": "t1"}))

    assert [user.id for user in items] == ["u0", "u1", "u2", "u3", "u4"]
    assert all(isinstance(user, User) for user in items)
    assert pages_requested(recorder) == ["0", "1", "2"]
    assert all(request.url.params.get("pageSize") == "2" for request in recorder.requests)
    assert all(request.url.params.get("role") == "member" for request in recorder.requests)
    assert all(request.url.params.get("trace") == "t1" for request in recorder.requests)
    assert all(request.url.path == "/v1/admin/users" for request in recorder.requests)


async def test_without_a_page_size_the_first_page_length_is_the_step(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(users_server(default_size=2))

    items = await collect(client.admin.users.list())

    assert len(items) == 5
    assert pages_requested(recorder) == ["0", "1", "2"]


async def test_starting_later_continues_from_that_page(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(users_server())

    items = await collect(client.admin.users.list(current_page=1, page_size=2))

    assert [user.id for user in items] == ["u2", "u3", "u4"]
    assert pages_requested(recorder) == ["1", "2"]


async def test_an_empty_page_ends_the_iteration(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(users_server(total=50))

    items = await collect(client.admin.users.list(page_size=2))

    assert len(items) == 5
    assert pages_requested(recorder) == ["0", "1", "2", "3"]


async def test_no_total_and_no_has_more_means_one_page(scripted_client: MakeClient) -> None:
    client, recorder = scripted_client(users_server(total=None))

    items = await collect(client.admin.users.list(page_size=2))

    assert len(items) == 2
    assert len(recorder.requests) == 1


async def test_has_more_pages_from_page_one(scripted_client: MakeClient) -> None:
    capabilities = [{"id": f"c{index}", "name": f"tool{index}", "type": "tool"} for index in range(3)]

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        chunk = capabilities[(page - 1) * 2 : page * 2]
        return json_response({"data": chunk, "total": 999, "has_more": page * 2 < len(capabilities)})

    client, recorder = scripted_client(handler)

    items = await collect(client.mcp_servers.capabilities.list("srv-1", page_size=2))

    assert [item.id for item in items] == ["c0", "c1", "c2"]
    assert all(isinstance(item, McpServerCapabilityItem) for item in items)
    assert pages_requested(recorder, "page") == [None, "2"]
    assert recorder.requests[0].url.path == "/v1/mcp-servers/srv-1/capabilities"


async def test_items_under_records(scripted_client: MakeClient) -> None:
    records = [{"request_id": f"r{index}"} for index in range(3)]

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("current_page", "0"))
        return json_response({"object": "list", "total": 3, "records": records[page * 2 : (page + 1) * 2]})

    client, recorder = scripted_client(handler)
    result = client.audit_logs.list(
        start_time="2026-01-01T00:00:00Z", end_time="2026-01-02T00:00:00Z", organisation_id="org-1", page_size=2
    )

    items = await collect(result)

    assert [item.request_id for item in items] == ["r0", "r1", "r2"]
    assert pages_requested(recorder, "current_page") == [None, "1"]


async def test_one_page_at_a_time(scripted_client: MakeClient, is_async: bool) -> None:
    client, recorder = scripted_client(users_server())
    result = client.admin.users.list(page_size=2)

    if is_async:
        assert isinstance(result, AsyncPaginator)
        first: Any = await result
        assert isinstance(first, AsyncPage)
        second = await first.get_next_page()
        third = await second.get_next_page()
        pages = [page async for page in first.iter_pages()]
    else:
        assert isinstance(result, SyncPage)
        first = result
        second = first.get_next_page()
        third = second.get_next_page()
        pages = list(first.iter_pages())

    assert isinstance(first.response, UserList)
    assert [u.id for u in first.data] == ["u0", "u1"]
    assert first.total == 5
    assert (first.page_number, second.page_number, third.page_number) == (0, 1, 2)
    assert [u.id for u in third.data] == ["u4"]
    assert third.has_next_page() is False
    assert second.get_headers()["trace-id"] == "page-1"
    assert [page.page_number for page in pages] == [0, 1, 2]
    assert "page_number=2" in repr(third)
    with pytest.raises(RuntimeError, match="no next page"):
        await _next(third)
    assert len(recorder.requests) == 5  # 3 pages, then iter_pages re-requests pages 1 and 2


async def _next(page: Any) -> Any:
    if isinstance(page, AsyncPage):
        return await page.get_next_page()
    return page.get_next_page()
