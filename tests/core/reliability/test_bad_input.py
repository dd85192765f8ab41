"""Bad input (I1-I7): every bad value fails before any I/O, naming the argument and never echoing it; sync and async."""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from typing import Any

import h11
import pytest

from portkey_ai import APIError, AsyncPortkey, Portkey
from portkey_ai._http import httpx
from portkey_ai._options import OPTION_SPECS
from tests.core.mock_transport import Script, chat, json_response
from tests.core.reliability.conftest import CANARY, ClientFactory
from tests.servers.fault_server import FaultServer, json_reply

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])

Serve = Callable[..., FaultServer]


def _client(is_async: bool, script: Script, **kwargs: Any) -> Portkey | AsyncPortkey:
    transport = httpx.MockTransport(script)
    kwargs.setdefault("base_url", "https://gateway.test/v1")
    if is_async:
        return AsyncPortkey(http_client=httpx.AsyncClient(transport=transport), **kwargs)
    return Portkey(http_client=httpx.Client(transport=transport), **kwargs)


@pytest.mark.parametrize(
    "value",
    [CANARY + "\r\nX-Evil: 1", CANARY + "\x00", CANARY + "\x1b[31m", CANARY + "\x7f", CANARY + "\x0bx"],
    ids=["crlf", "nul", "escape", "del", "vtab"],
)
async def test_i1_control_characters_fail_before_any_request(is_async: bool, value: str) -> None:
    script = Script()
    for option in ({"metadata": {"user": value}}, {"trace_id": value}, {"virtual_key": value}, {"provider": value}):
        with pytest.raises(ValueError) as info:
            _client(is_async, script, **option)
        message = str(info.value)
        assert next(iter(option)) in message
        assert CANARY not in message
    client = _client(is_async, script)
    for name in ("x-portkey-metadata", "x-portkey-trace-id", "x-portkey-virtual-key", "x-custom"):
        with pytest.raises(ValueError) as info:
            await chat(client, extra_headers={name: value})
        assert name in str(info.value) and CANARY not in str(info.value)
    with pytest.raises(ValueError):
        client.with_options(metadata={"user": value})
    assert script.requests == []


async def test_i1_surrounding_spaces_in_per_request_headers_fail(is_async: bool) -> None:
    script = Script()
    client = _client(is_async, script)
    for value in (" " + CANARY, CANARY + " "):
        with pytest.raises(ValueError, match="space") as info:
            await chat(client, extra_headers={"x-portkey-trace-id": value})
        assert CANARY not in str(info.value)
    for name in ("x bad", "x:bad", "", "x-é"):
        with pytest.raises(ValueError, match="header name"):
            await chat(client, extra_headers={name: "v"})
    with pytest.raises(ValueError, match="header name"):
        _client(is_async, script, default_headers={"bad name": "v"})
    assert script.requests == []


async def test_i2_api_key_whitespace(is_async: bool) -> None:
    script = Script()
    await chat(_client(is_async, script, api_key=f"  {CANARY}\n"))
    assert script.last.headers["x-portkey-api-key"] == CANARY
    await chat(_client(is_async, script, Authorization=f"{CANARY} \n"))
    assert script.last.headers["authorization"] == f"Bearer {CANARY}"
    for bad in (f"{CANARY}\r\nX-Evil: 1", f"pk-\n{CANARY}"):
        with pytest.raises(ValueError, match="api_key") as info:
            _client(is_async, script, api_key=bad)
        assert CANARY not in str(info.value)
    assert len(script.requests) == 2


async def test_i3_non_ascii_wrong_types_and_long_metadata(is_async: bool) -> None:
    script = Script()
    with pytest.raises(ValueError, match="trace_id.*ASCII"):
        _client(is_async, script, trace_id="trace-ünïcode")
    with pytest.raises(TypeError, match=r"metadata\['n'\]"):
        _client(is_async, script, metadata={"n": 5})
    with pytest.raises(ValueError, match=r"metadata\['long'\].*128"):
        _client(is_async, script, metadata={"long": "x" * 129})
    client = _client(is_async, script)
    with pytest.raises(ValueError, match="ASCII"):
        await chat(client, extra_headers={"x-portkey-trace-id": "ünïcode"})
    assert script.requests == []
    await chat(_client(is_async, script, metadata={"city": "Zürich 東京"}))
    assert script.last.headers["x-portkey-metadata"] == '{"city":"Z\\u00fcrich \\u6771\\u4eac"}'


async def test_i4_oversized_inline_config(is_async: bool) -> None:
    script = Script()
    config = {
        "strategy": {"mode": "fallback"},
        "targets": [{"provider": "openai", "override_params": {"x": "y" * 17000}}],
    }
    with pytest.raises(ValueError, match="pass its id instead") as info:
        _client(is_async, script, config=config)
    assert "KiB" in str(info.value)
    assert script.requests == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../x", "/v1/models/..%2Fx"),
        ("a/b", "/v1/models/a%2Fb"),
        ("x?admin=true", "/v1/models/x%3Fadmin=true"),
        ("x#f", "/v1/models/x%23f"),
        ("%2e%2e", "/v1/models/%252e%252e"),
    ],
)
async def test_i5_path_parameters_are_encoded(
    is_async: bool, serve: Serve, make_client: ClientFactory, value: str, expected: str
) -> None:
    server = serve([json_reply({"id": value, "object": "model", "created": 1, "owned_by": "x"})])
    client = make_client(server)
    result: Any = client.models.retrieve(value)
    if is_async:
        result = await result
    assert result.id == value
    assert server.requests[0].target == expected


@pytest.mark.parametrize("value", ["..", ".", "%2e%2e", "%2E."])
async def test_i5_dot_segments_are_rejected(
    is_async: bool, serve: Serve, make_client: ClientFactory, value: str
) -> None:
    server = serve()
    client = make_client(server)
    calls: list[Callable[[], Any]] = [
        lambda: client.models.retrieve(value),
        lambda: client.prompts.render(prompt_id=value, variables={}),
    ]
    for call in calls:
        try:
            result: Any = call()
            if is_async:
                await result
        except ValueError:
            continue
        except APIError:
            pass  # the request was sent; what matters is its path
        target = server.requests[-1].target
        assert "/../" not in target and not target.endswith(("/..", "/.")), target
    assert all("%2e%2e" not in r.target.lower() or "%252e" in r.target.lower() for r in server.requests)


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ftp://gateway.test/v1", "http:// or https://"),
        (f"https://user:{CANARY}@gateway.test/v1", "credentials"),
        ("https://gateway.test/v1\r\nX-Evil: 1", "control character"),
        ("https://gateway.test/v1?key=1", "query string"),
        ("http://api.example.com/v1", "allow_insecure_http"),
        ("http://8.8.8.8/v1", "allow_insecure_http"),
    ],
)
async def test_i6_unsafe_urls_are_refused(is_async: bool, url: str, fragment: str) -> None:
    for option in ("base_url", "custom_host"):
        kwargs: dict[str, Any] = {option: url}
        with pytest.raises(ValueError, match=fragment) as info:
            _client(is_async, Script(), **kwargs)
        assert option in str(info.value)
        assert CANARY not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8787/v1",
        "http://127.0.0.1:8787/v1",
        "http://[::1]:8787/v1",
        "http://10.0.0.7/v1",
        "http://192.168.1.2/v1",
        "http://portkey-gateway:8787/v1",
        "http://gateway.internal/v1",
        "http://gateway.svc.cluster.local/v1",
        "https://api.example.com/v1",
    ],
)
async def test_i6_local_and_private_http_is_accepted(is_async: bool, url: str) -> None:
    assert str(_client(is_async, Script(), base_url=url).base_url).startswith(url)


async def test_i6_insecure_http_needs_the_opt_in(is_async: bool) -> None:
    with pytest.warns(UserWarning, match="unencrypted") as caught:
        client = _client(
            is_async, Script(), base_url="http://api.example.com/v1", allow_insecure_http=True, api_key=CANARY
        )
    assert str(client.base_url) == "http://api.example.com/v1/"
    assert all(CANARY not in str(w.message) for w in caught)


_ALPHABET = string.printable + "\x00\x01\x1b\x7f\x85\xa0é日🙂\u2028 "


def _texts(seed: str, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["", " ", " x", "x ", "\r\n", "a\tb", "é", "\x00", "x" * 200]
    for _ in range(count):
        texts.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(1, 40))))
    return texts


def _h11_accepts(name: str, value: str) -> bool:
    try:
        h11.Request(method="GET", target="/", headers=[("host", "x"), (name, value)])
    except h11.LocalProtocolError:
        return False
    return True


STRING_OPTIONS = [name for name, spec in OPTION_SPECS.items() if spec.kind in ("str", "bearer")]


async def test_i7_any_text_in_any_header_option(is_async: bool) -> None:
    script = Script([json_response()])
    for option in STRING_OPTIONS:
        spec = OPTION_SPECS[option]
        for text in _texts(option, 30):
            kwargs: dict[str, Any] = {option: text}
            try:
                client = _client(is_async, script, **kwargs)
                await chat(client)
            except (ValueError, TypeError):
                continue
            sent = script.last.headers.get(spec.header)
            expected = text.strip()
            if spec.kind == "bearer":
                expected = expected if expected[:7].lower() == "bearer " else f"Bearer {expected}"
            if sent is None:
                assert expected in ("", "Bearer "), (option, text)  # an empty value sends no header
                continue
            assert sent == expected, (option, text)
            assert _h11_accepts(spec.header, sent), (option, text)


async def test_i7_any_text_in_any_per_request_header(is_async: bool) -> None:
    script = Script([json_response()])
    client = _client(is_async, script)
    for text in _texts("per-request", 300):
        for name in ("x-portkey-trace-id", "x-custom-header", text[:20]):
            try:
                await chat(client, extra_headers={name: text})
            except ValueError:
                continue
            assert script.last.headers.get(name) == text, (name, text)
            assert _h11_accepts(name, text), (name, text)


def _sent_or_refused(error: Exception | None, option: str, text: str) -> bool:
    """True when the call was refused: the error names `option` and never echoes `text`."""
    if error is None:
        return False
    assert isinstance(error, ValueError | TypeError), (option, text, error)
    assert option in str(error), (option, str(error))
    assert len(text.strip()) < 4 or text.strip() not in str(error), (option, text, str(error))
    return True


async def _attempt(is_async: bool, script: Script, **kwargs: Any) -> Exception | None:
    """One chat call with a new client; the error if refused, else `None` once every sent header passed h11."""
    try:
        await chat(_client(is_async, script, **kwargs))
    except (ValueError, TypeError) as error:
        return error
    for name, value in script.last.headers.items():
        assert name == "host" or _h11_accepts(name, value), (name, value)
    return None


def _kinds(text: str) -> list[tuple[str, dict[str, Any], str, object]]:
    """`(option, kwargs, header, expected)`: `expected` is the header's text, or the value its JSON decodes to."""
    return [
        ("metadata", {"metadata": {"k": text}}, "x-portkey-metadata", {"k": text}),
        ("metadata", {"metadata": {text: "v"}}, "x-portkey-metadata", {text: "v"}),
        (
            "config",
            {"config": {"provider": "openai", "override_params": {"user": text}}},
            "x-portkey-config",
            {"provider": "openai", "override_params": {"user": text}},
        ),
        ("config", {"config": "pc-" + text}, "x-portkey-config", ("pc-" + text).strip()),
        ("forward_headers", {"forward_headers": [text]}, "x-portkey-forward-headers", text.strip()),
        (
            "vertex_service_account_json",
            {"vertex_service_account_json": {"private_key": text}},
            "x-portkey-vertex-service-account-json",
            {"private_key": text},
        ),
        ("undeclared_option", {"undeclared_option": text}, "x-portkey-undeclared-option", text.strip()),
        (
            "undeclared_option",
            {"undeclared_option": {"nested": text}},
            "x-portkey-undeclared-option",
            {"nested": text},
        ),
    ]


async def test_i7_any_text_in_every_option_kind(is_async: bool) -> None:
    """Random text through metadata mappings (keys and values), config (mapping and id), `forward_headers`, the
    Vertex JSON and undeclared options (text and mapping): refused naming the option, or sent so that the header
    is valid and decodes back to exactly the value given."""
    script = Script([json_response()])
    sent = 0
    for text in _texts("every-kind", 60):
        for option, kwargs, header, expected in _kinds(text):
            error = await _attempt(is_async, script, **kwargs)
            if _sent_or_refused(error, option, text):
                continue
            sent += 1
            value = script.last.headers.get(header)
            if isinstance(expected, str):
                assert (value or "") == expected, (option, text)
            else:
                assert value is not None and json.loads(value) == expected, (option, text)
    assert sent > 100  # most random texts travel (JSON-escaped in mappings)


async def test_i7_bytes_values(is_async: bool) -> None:
    """Random bytes as header values (per call and default) get the checks text gets; as option values they are a
    `TypeError` naming the option."""
    script = Script([json_response()])
    client = _client(is_async, script)
    for text in _texts("bytes", 150):
        value = text.encode("utf-8")
        for name in ("x-portkey-virtual-key", "x-custom-header"):
            try:
                await chat(client, extra_headers={name: value})
            except ValueError as refused:
                _sent_or_refused(refused, name, text)
                continue
            assert dict(script.last.headers.raw)[name.encode()] == value, (name, text)
            assert _h11_accepts(name, text), (name, text)
        error = await _attempt(is_async, script, default_headers={"x-team": value})
        if not _sent_or_refused(error, "default_headers", text):
            assert dict(script.last.headers.raw)[b"x-team"] == value, text
        for option in ("virtual_key", "trace_id", "metadata", "config", "forward_headers"):
            kwargs: dict[str, Any] = {option: value}
            with pytest.raises(TypeError) as info:
                _client(is_async, script, **kwargs)
            _sent_or_refused(info.value, option, text)
