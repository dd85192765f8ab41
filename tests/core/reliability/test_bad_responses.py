"""Bad responses (B1-B6): undecodable or wrong bodies, HTML error pages, gateway errors, huge bodies; sync and async."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest

from portkey_ai import APIResponseValidationError, APIStatusError, BadRequestError, InternalServerError
from tests.core.reliability.conftest import FAST, ClientFactory, chat, in_flight, pooled
from tests.servers.fault_server import FaultServer, Reply, chat_completion, json_reply

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]
JSON = (("content-type", "application/json"),)


@pytest.mark.parametrize(
    "body", [b'{"id":', b"[]", b"null", b'"text"', b"\xff\xfe"], ids=["cut", "list", "null", "str", "utf8"]
)
async def test_b1_undecodable_or_non_object_json(
    is_async: bool, serve: Serve, make_client: ClientFactory, body: bytes
) -> None:
    server = serve([Reply(200, JSON, body)])
    with pytest.raises(APIResponseValidationError) as info:
        await chat(make_client(server))
    error = info.value
    assert error.status_code == 200
    assert isinstance(error.body, str) and len(error.body) <= 1024
    assert server.request_count == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(
            200,
            (("content-type", "text/html"),),
            b"<html><body>Please log in to the Wi-Fi" + b" " * 5000 + b"</body></html>",
        ),
        json_reply({"html-message": "Network connection lost."}),
    ],
    ids=["captive-portal", "html-message"],
)
async def test_b2_a_200_that_is_not_the_model(
    is_async: bool, serve: Serve, make_client: ClientFactory, reply: Reply
) -> None:
    server = serve([reply])
    with pytest.raises(APIResponseValidationError) as info:
        await chat(make_client(server))
    assert info.value.status_code == 200
    assert len(str(info.value)) <= 1200


async def test_b3_missing_content_type(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    good = json_reply(chat_completion())
    server = serve([Reply(200, (), good.body), Reply(200, (), b"not json at all")])
    client = make_client(server)
    assert (await chat(client)).id == "chatcmpl-1"
    with pytest.raises(APIResponseValidationError):
        await chat(client)


async def test_b4_html_error_page_is_retried_and_summarised(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    page = (
        b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>" + b"<p>cloudflare</p>" * 1200
    )
    assert len(page) > 20_000
    server = serve([Reply(502, (("content-type", "text/html; charset=utf-8"), *FAST), page)])
    with pytest.raises(APIStatusError) as info:
        await chat(make_client(server))
    error = info.value
    assert server.request_count == 3
    assert error.status_code == 502
    assert len(str(error)) <= 1200
    assert "text/html" in str(error) and "502 Bad Gateway" in str(error)
    assert "<" not in str(error)


async def test_b5_gateway_error_message_and_no_retry(is_async: bool, serve: Serve, make_client: ClientFactory) -> None:
    server = serve(
        [
            json_reply(
                {"status": "failure", "message": "Invalid config"}, 400, (("x-portkey-gateway-exception", "true"),)
            )
        ]
    )
    with pytest.raises(BadRequestError) as info:
        await chat(make_client(server))
    assert str(info.value) == "Error code: 400 - Invalid config"
    assert info.value.body == {"status": "failure", "message": "Invalid config"}
    assert server.request_count == 1


async def test_b5_gateway_exception_on_a_5xx_is_not_retried(
    is_async: bool, serve: Serve, make_client: ClientFactory
) -> None:
    server = serve(
        [json_reply({"status": "failure", "message": "boom"}, 500, (("x-portkey-gateway-exception", "true"), *FAST))]
    )
    with pytest.raises(InternalServerError):
        await chat(make_client(server))
    assert server.request_count == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_b6_huge_error_body_is_read_only_in_part(
    is_async: bool, serve: Serve, make_client: ClientFactory, chunked: bool
) -> None:
    block = b"E" * 65536
    server = serve([Reply(500, (("content-type", "text/plain"),), block, repeat=800, chunked=chunked)])
    client = make_client(server, max_retries=0)
    tracemalloc.start()
    try:
        with pytest.raises(InternalServerError) as info:
            await chat(client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024
    assert isinstance(info.value.body, str) and len(info.value.body) <= 1024 * 1024
    assert len(str(info.value)) <= 1200
    server.wait_disconnects(1)
    assert pooled(client) == 0
    assert in_flight(client) == 0
