"""`with_raw_response` and `with_streaming_response` on every portkey-admin resource, sync and async.

Representative calls (list, retrieve, create, delete, an empty-bodied delete, nested resources, a paged list) run
against Prism serving the official spec: the raw response's `.parse()` must equal what the plain call returns, with
the same static type (the `assert_type` lines are checked by mypy and pyright strict). A scripted transport covers
what Prism cannot show (response headers, paging through a raw first page, errors), and every operation of the
spec is called once raw and once streamed. The last test walks every resource object a client reaches.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from functools import cached_property
from typing import Any, TypeAlias, assert_type

import openai
import pytest
from openai._legacy_response import LegacyAPIResponse

from portkey_ai import AsyncPortkey, Portkey, get_headers
from portkey_ai._http import httpx
from portkey_ai.admin import AsyncPage, AsyncPaginator, GenericResponse, SyncPage, _extension
from portkey_ai.admin._base import AsyncResource, Parsed, Raw, Streamed, SyncResource, endpoint
from portkey_ai.admin.resources import Admin, AsyncAdmin, AsyncConfigs, Configs, ConfigVersions
from portkey_ai.admin.types import (
    ConfigsCreateResponse,
    ConfigsListResponse,
    ConfigsRetrieveResponse,
    ConfigVersionsListResponse,
    Invite,
    InviteList,
    User,
    UserList,
)
from tests.admin.conftest import Recorder, json_response
from tests.admin.support import SAMPLE_UUID, arguments, generator, operations, spec_file
from tests.admin.test_pagination import USERS, pages_requested, users_server
from tests.servers.availability import unavailable

RAW_HEADER = "x-stainless-raw-response"
Handler = Callable[[httpx.Request], httpx.Response]
AnyResource: TypeAlias = SyncResource[Any, Any, Any] | AsyncResource[Any, Any, Any]


@pytest.fixture
def prism_portkey(prism: Any) -> Iterator[Portkey]:
    with Portkey(base_url=prism.base_url, api_key="pk-test") as client:
        yield client


@pytest.fixture
async def prism_async_portkey(prism: Any) -> AsyncIterator[AsyncPortkey]:
    async with AsyncPortkey(base_url=prism.base_url, api_key="pk-test") as client:
        yield client


def scripted(handler: Handler) -> tuple[Portkey, Recorder]:
    recorder = Recorder()

    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        recorder.requests.append(request)
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(record))
    return Portkey(
        base_url="http://control-plane.test/v1", api_key="pk-test", max_retries=0, http_client=http
    ), recorder


def async_scripted(handler: Handler) -> tuple[AsyncPortkey, Recorder]:
    recorder = Recorder()

    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        recorder.requests.append(request)
        return handler(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(record))
    client = AsyncPortkey(base_url="http://control-plane.test/v1", api_key="pk-test", max_retries=0, http_client=http)
    return client, recorder


def same_result(parsed: object, plain: object) -> None:
    """The raw call's `.parse()` is what the plain call returned (same class, same data)."""
    assert type(parsed) is type(plain)
    if isinstance(parsed, openai.BaseModel) and isinstance(plain, openai.BaseModel):
        assert parsed.to_dict() == plain.to_dict()
    else:
        assert parsed == plain


def is_json(headers: httpx.Headers) -> bool:
    return headers["content-type"].startswith("application/json")


# --------------------------------------------------------------------------------------------------------------------
# Prism, sync
# --------------------------------------------------------------------------------------------------------------------


def test_list(prism_portkey: Portkey) -> None:
    configs = Configs(prism_portkey)
    assert_type(configs, Configs[Parsed])
    assert_type(configs.with_raw_response, Configs[Raw])
    assert_type(configs.with_streaming_response, Configs[Streamed])
    assert_type(configs.with_raw_response.versions, ConfigVersions[Raw])
    plain = configs.list()
    assert_type(plain, ConfigsListResponse)

    raw = configs.with_raw_response.list()
    assert_type(raw, LegacyAPIResponse[ConfigsListResponse])
    assert raw.status_code == 200
    assert is_json(raw.headers)
    assert raw.http_request.url.path == "/configs"
    parsed = raw.parse()
    assert_type(parsed, ConfigsListResponse)
    same_result(parsed, plain)

    with configs.with_streaming_response.list() as streamed:
        assert_type(streamed, openai.APIResponse[ConfigsListResponse])
        assert streamed.status_code == 200
        assert is_json(streamed.headers)
        streamed_parsed = streamed.parse()
        assert_type(streamed_parsed, ConfigsListResponse)
        same_result(streamed_parsed, plain)
    assert streamed.is_closed


def test_retrieve(prism_portkey: Portkey) -> None:
    configs = Configs(prism_portkey)
    plain = configs.retrieve("pc-fallback")

    raw = configs.with_raw_response.retrieve("pc-fallback")
    assert_type(raw, LegacyAPIResponse[ConfigsRetrieveResponse])
    assert raw.http_request.url.path == "/configs/pc-fallback"
    parsed = raw.parse()
    assert_type(parsed, ConfigsRetrieveResponse)
    same_result(parsed, plain)
    assert raw.parse() is parsed  # openai caches the parsed result

    with configs.with_streaming_response.retrieve(slug="pc-fallback") as streamed:
        body = b"".join(streamed.iter_bytes())
    assert body == raw.content


def test_create(prism_portkey: Portkey) -> None:
    configs = Configs(prism_portkey)
    plain = configs.create(name="fallback", config={"retry": {"attempts": 3}}, workspace_id=SAMPLE_UUID)

    raw = configs.with_raw_response.create(name="fallback", config={"retry": {"attempts": 3}}, workspace_id=SAMPLE_UUID)
    assert_type(raw, LegacyAPIResponse[ConfigsCreateResponse])
    assert raw.http_request.method == "POST"
    assert json.loads(raw.http_request.read()) == {
        "name": "fallback",
        "config": {"retry": {"attempts": 3}},
        "workspace_id": SAMPLE_UUID,
    }
    parsed = raw.parse()
    assert_type(parsed, ConfigsCreateResponse)
    same_result(parsed, plain)

    with configs.with_streaming_response.create(name="fallback", workspace_id=SAMPLE_UUID) as streamed:
        assert_type(streamed.parse(), ConfigsCreateResponse)
        same_result(streamed.parse(), plain)


def test_delete(prism_portkey: Portkey) -> None:
    configs = Configs(prism_portkey)
    plain = configs.delete("pc-fallback")

    raw = configs.with_raw_response.delete("pc-fallback")
    assert_type(raw, LegacyAPIResponse[GenericResponse])
    assert raw.http_request.method == "DELETE"
    parsed = raw.parse()
    assert_type(parsed, GenericResponse)
    same_result(parsed, plain)

    with configs.with_streaming_response.delete("pc-fallback") as streamed:
        assert_type(streamed.parse(), GenericResponse)


def test_delete_without_a_body(prism_portkey: Portkey) -> None:
    """`DELETE /admin/workspaces/{id}` answers 200 with no JSON: `.parse()` is `None`, the body is there to read."""
    workspaces = Admin(prism_portkey).workspaces

    raw = workspaces.with_raw_response.delete("ws-1")
    assert_type(raw, LegacyAPIResponse[None])
    assert raw.status_code == 200
    assert raw.parse() is None
    assert raw.content == b""
    assert raw.headers["content-length"] == "0"

    with workspaces.with_streaming_response.delete("ws-1") as streamed:
        assert streamed.parse() is None


def test_nested_resources(prism_portkey: Portkey) -> None:
    admin = Admin(prism_portkey)
    configs = Configs(prism_portkey)

    versions = configs.with_raw_response.versions.list("pc-fallback")
    assert_type(versions, LegacyAPIResponse[ConfigVersionsListResponse])
    assert versions.http_request.url.path == "/configs/pc-fallback/versions"
    same_result(versions.parse(), configs.versions.list("pc-fallback"))

    invite = admin.with_raw_response.users.invites.retrieve("inv-1")
    assert_type(invite, LegacyAPIResponse[Invite])
    assert invite.http_request.url.path == "/admin/users/invites/inv-1"
    assert_type(invite.parse(), Invite)
    same_result(invite.parse(), admin.users.invites.retrieve("inv-1"))

    with admin.users.with_streaming_response.invites.retrieve("inv-1") as streamed:
        assert_type(streamed, openai.APIResponse[Invite])
        same_result(streamed.parse(), admin.users.invites.retrieve("inv-1"))


def test_paged_list(prism_portkey: Portkey) -> None:
    users = Admin(prism_portkey).users
    plain = users.list(page_size=5)
    assert_type(plain, SyncPage[UserList, User])

    raw = users.with_raw_response.list(page_size=5)
    assert_type(raw, LegacyAPIResponse[SyncPage[UserList, User]])
    assert raw.http_request.url.params["pageSize"] == "5"
    page = raw.parse()
    assert_type(page, SyncPage[UserList, User])
    assert isinstance(page, SyncPage)
    assert isinstance(page.response, UserList)
    assert page.data and all(isinstance(user, User) for user in page.data)
    same_result(page.response, plain.response)

    with Admin(prism_portkey).with_streaming_response.users.invites.list() as streamed:
        invites = streamed.parse()
        assert_type(invites, SyncPage[InviteList, Invite])
        assert invites.data and all(isinstance(invite, Invite) for invite in invites.data)


# --------------------------------------------------------------------------------------------------------------------
# Prism, async
# --------------------------------------------------------------------------------------------------------------------


async def test_async_list(prism_async_portkey: AsyncPortkey) -> None:
    configs = AsyncConfigs(prism_async_portkey)
    assert_type(configs.with_raw_response, AsyncConfigs[Raw])
    plain = await configs.list()
    assert_type(plain, ConfigsListResponse)

    raw = await configs.with_raw_response.list()
    assert_type(raw, LegacyAPIResponse[ConfigsListResponse])
    assert raw.status_code == 200
    assert is_json(raw.headers)
    parsed = raw.parse()
    assert_type(parsed, ConfigsListResponse)
    same_result(parsed, plain)

    async with configs.with_streaming_response.list() as streamed:
        assert_type(streamed, openai.AsyncAPIResponse[ConfigsListResponse])
        assert streamed.status_code == 200
        streamed_parsed = await streamed.parse()
        assert_type(streamed_parsed, ConfigsListResponse)
        same_result(streamed_parsed, plain)
    assert streamed.is_closed


async def test_async_retrieve(prism_async_portkey: AsyncPortkey) -> None:
    configs = AsyncConfigs(prism_async_portkey)
    plain = await configs.retrieve("pc-fallback")

    raw = await configs.with_raw_response.retrieve("pc-fallback")
    assert_type(raw, LegacyAPIResponse[ConfigsRetrieveResponse])
    assert_type(raw.parse(), ConfigsRetrieveResponse)
    same_result(raw.parse(), plain)

    async with configs.with_streaming_response.retrieve("pc-fallback") as streamed:
        body = b"".join([chunk async for chunk in streamed.iter_bytes()])
    assert body == raw.content


async def test_async_create(prism_async_portkey: AsyncPortkey) -> None:
    configs = AsyncConfigs(prism_async_portkey)
    plain = await configs.create(name="fallback", config={"retry": {"attempts": 3}})

    raw = await configs.with_raw_response.create(name="fallback", config={"retry": {"attempts": 3}})
    assert_type(raw, LegacyAPIResponse[ConfigsCreateResponse])
    assert raw.http_request.method == "POST"
    assert_type(raw.parse(), ConfigsCreateResponse)
    same_result(raw.parse(), plain)

    async with configs.with_streaming_response.create(name="fallback") as streamed:
        assert_type(await streamed.parse(), ConfigsCreateResponse)


async def test_async_delete(prism_async_portkey: AsyncPortkey) -> None:
    configs = AsyncConfigs(prism_async_portkey)
    plain = await configs.delete("pc-fallback")

    raw = await configs.with_raw_response.delete("pc-fallback")
    assert_type(raw, LegacyAPIResponse[GenericResponse])
    same_result(raw.parse(), plain)

    workspaces = AsyncAdmin(prism_async_portkey).workspaces
    empty = await workspaces.with_raw_response.delete("ws-1")
    assert_type(empty, LegacyAPIResponse[None])
    assert empty.parse() is None
    async with workspaces.with_streaming_response.delete("ws-1") as streamed:
        await streamed.parse()  # `None`: the body is empty
        assert await streamed.read() == b""


async def test_async_nested_resources(prism_async_portkey: AsyncPortkey) -> None:
    admin = AsyncAdmin(prism_async_portkey)
    configs = AsyncConfigs(prism_async_portkey)

    versions = await configs.with_raw_response.versions.list("pc-fallback")
    assert_type(versions, LegacyAPIResponse[ConfigVersionsListResponse])
    same_result(versions.parse(), await configs.versions.list("pc-fallback"))

    invite = await admin.with_raw_response.users.invites.retrieve("inv-1")
    assert_type(invite.parse(), Invite)
    same_result(invite.parse(), await admin.users.invites.retrieve("inv-1"))

    async with admin.users.with_streaming_response.invites.retrieve("inv-1") as streamed:
        assert_type(streamed, openai.AsyncAPIResponse[Invite])
        same_result(await streamed.parse(), await admin.users.invites.retrieve("inv-1"))


async def test_async_paged_list(prism_async_portkey: AsyncPortkey) -> None:
    users = AsyncAdmin(prism_async_portkey).users
    assert_type(users.list(page_size=5), AsyncPaginator[UserList, User])
    plain = await users.list(page_size=5)
    assert_type(plain, AsyncPage[UserList, User])

    raw = await users.with_raw_response.list(page_size=5)
    assert_type(raw, LegacyAPIResponse[AsyncPage[UserList, User]])
    page = raw.parse()
    assert_type(page, AsyncPage[UserList, User])
    assert isinstance(page, AsyncPage)
    assert page.data and all(isinstance(user, User) for user in page.data)
    same_result(page.response, plain.response)

    async with AsyncAdmin(prism_async_portkey).with_streaming_response.users.invites.list() as streamed:
        invites = await streamed.parse()
        assert_type(invites, AsyncPage[InviteList, Invite])
        assert invites.data and all(isinstance(invite, Invite) for invite in invites.data)


# --------------------------------------------------------------------------------------------------------------------
# Scripted control plane: headers, paging from a raw first page, errors
# --------------------------------------------------------------------------------------------------------------------

TRACED: Handler = lambda request: json_response(  # noqa: E731
    {"success": True, "data": {"id": "cfg-1", "version_id": "v1"}},
    headers={"x-portkey-trace-id": "trace-1", "x-portkey-cache-status": "MISS"},
)


def test_headers_of_raw_and_streamed_responses() -> None:
    client, recorder = scripted(TRACED)
    configs = Configs(client)

    with client:
        raw = configs.with_raw_response.create(name="fallback", extra_headers={"x-custom": "1"})
        with configs.with_streaming_response.create(name="fallback") as streamed:
            assert streamed.headers["x-portkey-trace-id"] == "trace-1"
            streamed_headers = get_headers(streamed.parse())

    assert raw.headers["x-portkey-trace-id"] == "trace-1"
    assert raw.status_code == 200
    assert get_headers(raw.parse()) == {"trace-id": "trace-1", "cache-status": "MISS"}
    assert streamed_headers == {"trace-id": "trace-1", "cache-status": "MISS"}
    assert recorder.requests[0].headers["x-custom"] == "1"
    assert [request.headers[RAW_HEADER] for request in recorder.requests] == ["true", "stream"]


async def test_async_headers_of_raw_and_streamed_responses() -> None:
    client, recorder = async_scripted(TRACED)
    configs = AsyncConfigs(client)

    async with client:
        raw = await configs.with_raw_response.create(name="fallback", extra_headers={"x-custom": "1"})
        async with configs.with_streaming_response.create(name="fallback") as streamed:
            assert streamed.headers["x-portkey-trace-id"] == "trace-1"
            streamed_headers = get_headers(await streamed.parse())

    assert raw.headers["x-portkey-trace-id"] == "trace-1"
    assert get_headers(raw.parse()) == {"trace-id": "trace-1", "cache-status": "MISS"}
    assert streamed_headers == {"trace-id": "trace-1", "cache-status": "MISS"}
    assert recorder.requests[0].headers["x-custom"] == "1"
    assert [request.headers[RAW_HEADER] for request in recorder.requests] == ["true", "stream"]


def test_a_raw_first_page_pages_on_with_plain_requests() -> None:
    client, recorder = scripted(users_server())

    with client:
        raw = Admin(client).users.with_raw_response.list(page_size=2, role="member")
        page = raw.parse()
        assert raw.headers["x-portkey-trace-id"] == "page-0"
        items = list(page)
        with Admin(client).users.with_streaming_response.list(page_size=2) as streamed:
            streamed_items = list(streamed.parse())

    assert [user.id for user in items] == [user["id"] for user in USERS]
    assert [user.id for user in streamed_items] == [user["id"] for user in USERS]
    assert pages_requested(recorder) == ["0", "1", "2", "0", "1", "2"]
    assert [request.headers.get(RAW_HEADER) for request in recorder.requests] == [
        *["true", None, None],
        *["stream", None, None],
    ]
    assert all(request.url.params["role"] == "member" for request in recorder.requests[:3])


async def test_async_a_raw_first_page_pages_on_with_plain_requests() -> None:
    client, recorder = async_scripted(users_server())

    async with client:
        raw = await AsyncAdmin(client).users.with_raw_response.list(page_size=2, role="member")
        page = raw.parse()
        items = [user async for user in page]
        async with AsyncAdmin(client).users.with_streaming_response.list(page_size=2) as streamed:
            streamed_items = [user async for user in await streamed.parse()]

    assert [user.id for user in items] == [user["id"] for user in USERS]
    assert [user.id for user in streamed_items] == [user["id"] for user in USERS]
    assert pages_requested(recorder) == ["0", "1", "2", "0", "1", "2"]
    assert [request.headers.get(RAW_HEADER) for request in recorder.requests] == [
        *["true", None, None],
        *["stream", None, None],
    ]


NOT_FOUND: Handler = lambda request: json_response({"error": {"message": "no such config"}}, status=404)  # noqa: E731


def test_an_error_status_still_raises() -> None:
    client, _ = scripted(NOT_FOUND)
    configs = Configs(client)

    with client:
        with pytest.raises(openai.NotFoundError, match="no such config"):
            configs.with_raw_response.retrieve("missing")
        with pytest.raises(openai.NotFoundError), configs.with_streaming_response.retrieve("missing"):
            pytest.fail("the context manager must not be entered")


async def test_async_an_error_status_still_raises() -> None:
    client, _ = async_scripted(NOT_FOUND)
    configs = AsyncConfigs(client)

    async with client:
        with pytest.raises(openai.NotFoundError, match="no such config"):
            await configs.with_raw_response.retrieve("missing")
        with pytest.raises(openai.NotFoundError):
            async with configs.with_streaming_response.retrieve("missing"):
                pytest.fail("the context manager must not be entered")


def test_bad_input_fails_before_any_request() -> None:
    client, recorder = scripted(TRACED)

    with client, pytest.raises(ValueError, match="`slug`"):
        Configs(client).with_raw_response.retrieve("")

    assert recorder.requests == []


# --------------------------------------------------------------------------------------------------------------------
# Every operation, raw and streamed; every resource object
# --------------------------------------------------------------------------------------------------------------------

OPERATIONS = [pytest.param(op, id=op.key) for op in (operations() if spec_file() else [])] or [
    pytest.param(None, id="spec-missing")
]


def _path_pattern(path: str) -> re.Pattern[str]:
    segments = ("[^/]+" if segment.startswith("{") else re.escape(segment) for segment in path.split("/"))
    return re.compile("^(/v1)?" + "/".join(segments) + "$")


def admin_resource(client: Portkey | AsyncPortkey, dotted: str) -> Any:
    """The portkey-admin object at `dotted` (`admin.with_raw_response.users`), from the entry-point factory.

    The factories, not the client attributes: `client.prompts` and `client.logs` are portkey-core's resources, which
    lend portkey-admin's attributes but have their own `with_raw_response` (see the report of this change).
    """
    top, *rest = dotted.split(".")
    target: Any = getattr(_extension, top)(client)
    for part in rest:
        target = getattr(target, part)
    return target


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_every_operation_raw_and_streamed(operation: Any, is_async: bool) -> None:
    """Raw through the top-level resource (`admin.with_raw_response.users.list`), streamed through the leaf."""
    if operation is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")
    answer: Handler = lambda request: json_response({"object": "anything"}, headers={"x-portkey-trace-id": "t"})  # noqa: E731
    top, _, rest = operation.resource.partition(".")
    raw_path = ".".join(part for part in (top, "with_raw_response", rest) if part)
    streamed_path = f"{operation.resource}.with_streaming_response"
    args = arguments(operation, minimal=True)

    if is_async:
        async_client, recorder = async_scripted(answer)
        async with async_client:
            raw = await getattr(admin_resource(async_client, raw_path), operation.name)(**args)
            async with getattr(admin_resource(async_client, streamed_path), operation.name)(**args) as streamed:
                assert isinstance(streamed, openai.AsyncAPIResponse)
                assert await streamed.json() == {"object": "anything"}
    else:
        client, recorder = scripted(answer)
        with client:
            raw = getattr(admin_resource(client, raw_path), operation.name)(**args)
            with getattr(admin_resource(client, streamed_path), operation.name)(**args) as streamed:
                assert isinstance(streamed, openai.APIResponse)
                assert streamed.json() == {"object": "anything"}

    assert isinstance(raw, LegacyAPIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-portkey-trace-id"] == "t"
    assert streamed.headers["x-portkey-trace-id"] == "t"
    assert streamed.is_closed
    assert len(recorder.requests) == 2
    for request, marker in zip(recorder.requests, ("true", "stream"), strict=True):
        assert request.method == operation.method.upper()
        assert _path_pattern(operation.path).match(request.url.path), (request.url.path, operation.path)
        assert request.headers[RAW_HEADER] == marker


def _endpoints(resource: AnyResource) -> list[str]:
    return sorted(name for name, member in vars(type(resource)).items() if isinstance(member, endpoint))


def _sub_resources(resource: AnyResource) -> list[str]:
    return sorted(name for name, member in vars(type(resource)).items() if isinstance(member, cached_property))


def _every_resource(client: Portkey | AsyncPortkey) -> Iterator[tuple[str, AnyResource]]:
    """Every resource object a client reaches: each top-level attribute of portkey-admin and its sub-resources."""
    tops = generator().top_level_attributes()
    pending: list[tuple[str, AnyResource]] = [(top, admin_resource(client, top)) for top in tops]
    while pending:
        dotted, resource = pending.pop()
        yield dotted, resource
        pending += [(f"{dotted}.{name}", getattr(resource, name)) for name in _sub_resources(resource)]


def _mode(resource: AnyResource) -> type:
    return type(resource._mode)


def _bound(method: Any) -> Any:
    """The bound method under a method's wrappers."""
    bound = inspect.unwrap(method, stop=inspect.ismethod)
    assert inspect.ismethod(bound), method
    return bound


def _check_twins(client: Portkey | AsyncPortkey, base: type) -> list[str]:
    """Check every resource object of `client` and its two twins; the dotted names of the resources seen."""
    seen: list[str] = []
    for dotted, resource in _every_resource(client):
        seen.append(dotted)
        assert isinstance(resource, base), dotted
        assert _mode(resource) is Parsed, dotted
        methods = _endpoints(resource)
        subs = _sub_resources(resource)
        assert methods or subs, f"{dotted} has neither methods nor sub-resources"
        for twin, mode in ((resource.with_raw_response, Raw), (resource.with_streaming_response, Streamed)):
            assert type(twin) is type(resource), dotted
            assert _mode(twin) is mode, dotted
            assert twin._client is client, dotted
            assert _endpoints(twin) == methods, dotted
            assert [_mode(getattr(twin, name)) for name in subs] == [mode] * len(subs), dotted
            for name in methods:
                plain, wrapped = getattr(resource, name), getattr(twin, name)
                # each is the bound method under the catch-all keyword wrapper (and the response wrapper)
                bound_plain, bound_twin = _bound(plain), _bound(wrapped)
                assert bound_plain.__self__ is resource, (dotted, name)
                assert bound_twin.__func__ is bound_plain.__func__, (dotted, name)
                assert bound_twin.__self__ is twin, (dotted, name)
                assert inspect.signature(wrapped) == inspect.signature(plain), (dotted, name)
                assert wrapped.__doc__ == plain.__doc__, (dotted, name)
        assert resource.with_raw_response is resource.with_raw_response, dotted
    return seen


def test_every_resource_object_has_raw_and_streamed_twins_with_the_same_methods() -> None:
    with Portkey(base_url="http://control-plane.test/v1", api_key="pk-test") as client:
        seen = _check_twins(client, SyncResource)

    assert sorted(seen) == sorted(generator().RESOURCES)


async def test_async_every_resource_object_has_raw_and_streamed_twins_with_the_same_methods() -> None:
    async with AsyncPortkey(base_url="http://control-plane.test/v1", api_key="pk-test") as client:
        seen = _check_twins(client, AsyncResource)

    assert sorted(seen) == sorted(generator().RESOURCES)


def test_core_prompts_and_logs_wrappers_fall_through_to_admin(prism_portkey: Portkey) -> None:
    # `portkey.prompts` and `portkey.logs` are core's; their admin methods' raw twins come from portkey-admin.
    plain = prism_portkey.prompts.list()
    raw = prism_portkey.prompts.with_raw_response.list()
    assert isinstance(raw, LegacyAPIResponse)
    assert raw.http_request.url.path == "/prompts"
    assert [p.to_dict() for p in raw.parse().data] == [p.to_dict() for p in plain.data]
    with prism_portkey.prompts.with_streaming_response.list() as streamed:
        assert [p.to_dict() for p in streamed.parse().data] == [p.to_dict() for p in plain.data]
    exported = prism_portkey.logs.with_raw_response.exports.list(workspace_id=SAMPLE_UUID)
    assert exported.http_request.url.path == "/logs/exports"
    with pytest.raises(AttributeError):
        _ = prism_portkey.logs.with_raw_response.not_an_admin_method


async def test_async_core_wrappers_fall_through_to_admin(prism_async_portkey: AsyncPortkey) -> None:
    plain = await prism_async_portkey.prompts.list()
    raw = await prism_async_portkey.prompts.with_raw_response.list()
    assert raw.http_request.url.path == "/prompts"
    assert [p.to_dict() for p in raw.parse().data] == [p.to_dict() for p in plain.data]
    async with prism_async_portkey.logs.with_streaming_response.exports.list(workspace_id=SAMPLE_UUID) as streamed:
        assert streamed.http_request.url.path == "/logs/exports"
