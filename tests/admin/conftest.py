"""Fixtures of the portkey-admin tests: clients that record their requests, on Prism or on a scripted transport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx
from tests.admin.support import spec_file
from tests.servers.availability import unavailable


@dataclass
class Recorder:
    """The requests a client sent, in order."""

    requests: list[httpx.Request] = field(default_factory=lambda: [])

    def sync_hook(self, request: httpx.Request) -> None:
        """An httpx request hook (sync clients)."""
        request.read()
        self.requests.append(request)

    async def async_hook(self, request: httpx.Request) -> None:
        """An httpx request hook (async clients)."""
        await request.aread()
        self.requests.append(request)

    @property
    def last(self) -> httpx.Request:
        """The last request sent."""
        assert self.requests, "no request was sent"
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        """The JSON body of a request."""
        return json.loads(self.requests[index].content)


@dataclass
class Scripted:
    """A transport that answers with `handler(request)` and records every request."""

    handler: Callable[[httpx.Request], httpx.Response]
    recorder: Recorder = field(default_factory=Recorder)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.recorder.requests.append(request)
        return self.handler(request)


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON response."""
    return httpx.Response(status, json=body, headers=headers)


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    """Run the test once with `Portkey`, once with `AsyncPortkey`."""
    value: bool = request.param
    return value


@pytest.fixture
def spec_available() -> None:
    """Skip (fail under CI=true) when the OpenAPI spec is missing."""
    if spec_file() is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")


@pytest.fixture
async def prism_client(is_async: bool, prism: Any) -> AsyncIterator[tuple[Portkey | AsyncPortkey, Recorder]]:
    """A client on Prism (sync or async per `is_async`) and the recorder of its requests."""
    recorder = Recorder()
    if is_async:
        async_http = httpx.AsyncClient(event_hooks={"request": [recorder.async_hook]})
        async with AsyncPortkey(base_url=prism.base_url, api_key="pk-test", http_client=async_http) as client:
            yield client, recorder
    else:
        sync_http = httpx.Client(event_hooks={"request": [recorder.sync_hook]})
        with Portkey(base_url=prism.base_url, api_key="pk-test", http_client=sync_http) as sync_client:
            yield sync_client, recorder


@pytest.fixture
async def scripted_client(is_async: bool) -> AsyncIterator[Callable[[Callable[[httpx.Request], httpx.Response]], Any]]:
    """A factory: `make(handler)` gives `(client, recorder)` for a client whose transport is `handler`."""
    made: list[Portkey | AsyncPortkey] = []

    def make(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[Portkey | AsyncPortkey, Recorder]:
        scripted = Scripted(handler)
        transport = httpx.MockTransport(scripted)
        client: Portkey | AsyncPortkey
        if is_async:
            client = AsyncPortkey(
                base_url="http://control-plane.test/v1",
                api_key="pk-test",
                max_retries=0,
                http_client=httpx.AsyncClient(transport=transport),
            )
        else:
            client = Portkey(
                base_url="http://control-plane.test/v1",
                api_key="pk-test",
                max_retries=0,
                http_client=httpx.Client(transport=transport),
            )
        made.append(client)
        return client, scripted.recorder

    yield make
    for client in made:
        if isinstance(client, AsyncPortkey):
            await client.close()
        else:
            client.close()
