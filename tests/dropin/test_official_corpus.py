"""Every call of the official SDK's corpus, replayed through this client, sends the same request.

`corpus/official_requests.json` holds, for every method path of the official `portkey-ai` SDK's `Portkey` and
`AsyncPortkey`, one call built from the method's signature and the requests the official SDK sent for it (recorded by
`scripts/record_official_corpus.py`). Each test makes the same call on this project's client (same options) against a
recording server on 127.0.0.1 that answers as the recorder's did, and compares what the corpus records: method,
path, query, content type, `x-portkey-*` headers (JSON-valued ones as JSON) and body (JSON; multipart fields by
name). See `README.md` in this folder for how to read a failure.

A call listed in `KNOWN_DIFFERENCES` (each difference with its justification) must still differ: when it starts to
match, its test fails until the entry is removed. Any other difference fails.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from portkey_ai import AsyncPortkey, Portkey
from tests.dropin.corpus_wire import CLIENT_OPTIONS, answer, capture, consume, consume_async, decode_value, resolve
from tests.servers.fault_server import FaultServer

CORPUS_PATH = Path(__file__).parent / "corpus" / "official_requests.json"
CORPUS: dict[str, Any] = json.loads(CORPUS_PATH.read_text())
CALLS: dict[str, dict[str, dict[str, Any]]] = CORPUS["calls"]
FIELDS = ("method", "path", "query", "content_type", "headers", "body")

_ASYNC_STREAM_MANAGER = (
    "the official AsyncPortkey awaits openai's stream manager and raises TypeError before sending anything (a "
    "defect of the official SDK); this client returns the manager, as openai does"
)
_DELETE_SENDS_BODY = (
    "the official SDK sends the undeclared keyword as a JSON body on a DELETE; this client sends it in the query "
    "(DECISIONS 22: GET and DELETE keywords go to the query)"
)
_DROPS_CATCH_ALL = (
    "the official SDK accepts the undeclared keyword but never sends it (the method passes only its declared "
    "arguments on); this client sends it in the body (DECISIONS 22)"
)
_GET_DROPS_CATCH_ALL = (
    "the official SDK accepts the undeclared keyword but drops it (it hands it to openai as `extra_body`, which a"
    " GET does not send); this client sends it in the query (DECISIONS 22)"
)
_REPEATS_IDENTIFIER = (
    "the official SDK repeats an identifier of the URL path in the JSON body; the spec has it in the path only "
    "(DECISIONS 14)"
)

KNOWN_DIFFERENCES: dict[str, str] = {
    "admin.workspaces.delete": (
        "the official SDK repeats the workspace id as a JSON body on DELETE; the spec's DELETE "
        "/admin/workspaces/{workspaceId} has no body (DECISIONS 14)"
    ),
    "admin.workspaces.list": (
        "the official SDK sends `currentPage=0` (and `pageSize`) on GET /admin/workspaces, names the spec's "
        "operation does not have (its paging parameters are `current_page` and `page_size`, which this client "
        "sends when given and pages with); without paging arguments this client sends none (DECISIONS 14)"
    ),
    "admin.workspaces.users.create": _REPEATS_IDENTIFIER,
    "admin.workspaces.users.update": _REPEATS_IDENTIFIER,
    "api_keys.create": _REPEATS_IDENTIFIER,
    "api_keys.update": _REPEATS_IDENTIFIER,
    "async beta.threads.create_and_run_stream": _ASYNC_STREAM_MANAGER,
    "async beta.threads.runs.create_and_stream": _ASYNC_STREAM_MANAGER,
    "async beta.threads.runs.poll": _GET_DROPS_CATCH_ALL,
    "async beta.threads.runs.stream": _ASYNC_STREAM_MANAGER,
    "async get": (
        "the official AsyncPortkey sends an empty JSON body `{}` on GET (its async request builder's always-true "
        "condition, reference section 10 #16); this client sends no body"
    ),
    "batches.list": _GET_DROPS_CATCH_ALL,
    "batches.output": _GET_DROPS_CATCH_ALL,
    "batches.retrieve": _GET_DROPS_CATCH_ALL,
    "beta.assistants.list": _GET_DROPS_CATCH_ALL,
    "beta.assistants.retrieve": _GET_DROPS_CATCH_ALL,
    "beta.assistants.update": (
        "the official SDK sends `model: portkey-default` on every update (its signature defaults `model`), which "
        "would replace the assistant's model; this client sends only what is given"
    ),
    "beta.threads.messages.retrieve": _GET_DROPS_CATCH_ALL,
    "beta.threads.retrieve": _GET_DROPS_CATCH_ALL,
    "beta.threads.runs.retrieve": _GET_DROPS_CATCH_ALL,
    "beta.threads.runs.steps.retrieve": _GET_DROPS_CATCH_ALL,
    "beta.threads.runs.create_and_poll": _GET_DROPS_CATCH_ALL,
    "beta.threads.runs.submit_tool_outputs_and_poll": _GET_DROPS_CATCH_ALL,
    "configs.update": _REPEATS_IDENTIFIER,
    "containers.create": _DROPS_CATCH_ALL,
    "containers.delete": _DELETE_SENDS_BODY,
    "containers.files.content.retrieve": _GET_DROPS_CATCH_ALL,
    "containers.files.create": _DROPS_CATCH_ALL,
    "containers.files.delete": _DELETE_SENDS_BODY,
    "containers.files.list": _GET_DROPS_CATCH_ALL,
    "containers.files.retrieve": _GET_DROPS_CATCH_ALL,
    "containers.list": _GET_DROPS_CATCH_ALL,
    "containers.retrieve": _GET_DROPS_CATCH_ALL,
    "delete": (
        "the official `delete(path=...)` sends an empty JSON body `{}` on DELETE; this client sends no body (the "
        "same request for the server)"
    ),
    "evals.delete": _DELETE_SENDS_BODY,
    "evals.list": _GET_DROPS_CATCH_ALL,
    "evals.runs.cancel": (
        "the official SDK's vendored openai posts to /evals/{eval_id}/runs/{run_id}; this client uses the "
        "installed openai's path (openai 3.x: .../cancel)"
    ),
    "evals.runs.delete": _DELETE_SENDS_BODY,
    "feedback.update": (
        "the corpus's `feedback_id` (`corpus-feedback-id`) is not a UUID, which the spec's PUT /feedback/{id} "
        "requires: this client rejects it before sending, naming the argument; with a UUID (and `value` omitted) "
        "it sends what the official SDK sends (tests/core/test_prompts_feedback_logs.py)"
    ),
    "feedback.bulk_create": (
        "the official SDK posts the feedbacks as one JSON array; the spec's POST /feedback takes one feedback "
        "object, so this client posts each feedback on its own (DECISIONS 14)"
    ),
    "files.content": _GET_DROPS_CATCH_ALL,
    "files.delete": _DELETE_SENDS_BODY,
    "files.retrieve": _GET_DROPS_CATCH_ALL,
    "files.retrieve_content": _GET_DROPS_CATCH_ALL,
    "fine_tuning.checkpoints.permissions.delete": _DELETE_SENDS_BODY,
    "fine_tuning.checkpoints.permissions.list": _GET_DROPS_CATCH_ALL,
    "fine_tuning.checkpoints.permissions.retrieve": _GET_DROPS_CATCH_ALL,
    "fine_tuning.jobs.list_events": _GET_DROPS_CATCH_ALL,
    "fine_tuning.jobs.retrieve": _GET_DROPS_CATCH_ALL,
    "generations.create": (
        "the official `generations.create` always raises TypeError before sending (reference section 10 #15); "
        "this client sends the prompt completion"
    ),
    "header x-portkey-strict-open-ai-compliance": (
        "the official SDK sends `false` on every request by default (its option defaults to False), which turns "
        "the gateway's strict OpenAI compliance off; this client sends the header only when the option is set, so"
        " the gateway's default applies (docs/migration.md)"
    ),
    "images.edit": _DROPS_CATCH_ALL,
    "images.generate": _DROPS_CATCH_ALL,
    "models.delete": _DELETE_SENDS_BODY,
    "models.retrieve": _GET_DROPS_CATCH_ALL,
    "prompts.completions.create": (
        "the spec requires `variables` (DECISIONS 14): this client sends `{}` when none are given, the official "
        "SDK omits the field"
    ),
    "prompts.render": (
        "the official SDK sends `stream: false`, a field the spec's render body does not have (render does not "
        "stream); this client sends what the spec says (DECISIONS 14)"
    ),
    "responses.delete": _DELETE_SENDS_BODY,
    "responses.input_items.list": _GET_DROPS_CATCH_ALL,
    "responses.retrieve": _GET_DROPS_CATCH_ALL,
    "skills.content.retrieve": _GET_DROPS_CATCH_ALL,
    "skills.delete": _DELETE_SENDS_BODY,
    "skills.list": _GET_DROPS_CATCH_ALL,
    "skills.retrieve": _GET_DROPS_CATCH_ALL,
    "skills.versions.content.retrieve": _GET_DROPS_CATCH_ALL,
    "skills.versions.delete": _DELETE_SENDS_BODY,
    "skills.versions.list": _GET_DROPS_CATCH_ALL,
    "skills.versions.retrieve": _GET_DROPS_CATCH_ALL,
    "vector_stores.file_batches.create_and_poll": _DROPS_CATCH_ALL,
    "vector_stores.file_batches.retrieve": _GET_DROPS_CATCH_ALL,
    "vector_stores.files.retrieve": _GET_DROPS_CATCH_ALL,
    "vector_stores.retrieve": _GET_DROPS_CATCH_ALL,
    "videos.create_character": _DROPS_CATCH_ALL,
    "videos.edit": _DROPS_CATCH_ALL,
    "videos.extend": _DROPS_CATCH_ALL,
    "videos.get_character": _GET_DROPS_CATCH_ALL,
    "virtual_keys.list": (
        "the spec marks `current_page` and `page_size` required on GET /virtual-keys (Prism rejects the request "
        "without them), so this client sends the defaults the API documents (0 and 50) and pages from them; the "
        "official SDK sends neither"
    ),
}
"""Justified differences -> the reason. A key is `"<method path>"` (both clients), `"sync <path>"` or
`"async <path>"` (one client), or `"header <name>"`: that `x-portkey-*` header is left out of every comparison (and
must still differ from the corpus's `default_headers` on a plain `models.list()`)."""

IGNORED_HEADERS = frozenset(key.removeprefix("header ") for key in KNOWN_DIFFERENCES if key.startswith("header "))


def _cases(mode: str) -> list[Any]:
    return [
        pytest.param(path, id=f"{mode}-{path}")
        for path, modes in CALLS.items()
        if mode in modes and modes[mode].get("replayable", True)
    ]


@pytest.fixture(scope="module")
def recorder() -> Iterator[FaultServer]:
    with FaultServer(answer) as server:
        yield server


@pytest.fixture(scope="module")
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the module (loading the CA bundle per client costs ~60 ms)."""
    return ssl.create_default_context()


# The corpus calls deprecated methods on purpose (the official SDK has them; openai warns).
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sync_call(path: str, recorder: FaultServer, tls_context: ssl.SSLContext) -> None:
    entry = CALLS[path]["sync"]
    client = Portkey(
        base_url=recorder.base_url, http_client=openai.DefaultHttpxClient(verify=tls_context), **CLIENT_OPTIONS
    )
    before = recorder.request_count
    error: Exception | None = None
    try:
        consume(resolve(client, path)(*decode_value(entry["args"]), **decode_value(entry["kwargs"])))
    except Exception as exc:
        error = exc
    finally:
        client.close()
    _judge("sync", path, entry, [capture(request) for request in recorder.requests[before:]], error)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_async_call(path: str, recorder: FaultServer, tls_context: ssl.SSLContext) -> None:
    entry = CALLS[path]["async"]
    client = AsyncPortkey(
        base_url=recorder.base_url, http_client=openai.DefaultAsyncHttpxClient(verify=tls_context), **CLIENT_OPTIONS
    )
    before = recorder.request_count
    error: Exception | None = None
    try:
        call = resolve(client, path)(*decode_value(entry["args"]), **decode_value(entry["kwargs"]))
        await asyncio.wait_for(consume_async(call), 10)
    except Exception as exc:
        error = exc
    finally:
        await client.close()
    _judge("async", path, entry, [capture(request) for request in recorder.requests[before:]], error)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.function is test_sync_call:
        metafunc.parametrize("path", _cases("sync"))
    elif metafunc.function is test_async_call:
        metafunc.parametrize("path", _cases("async"))


def test_tables_name_recorded_calls() -> None:
    """Every key of the table names a recorded call or a header."""
    recorded = {key for path, modes in CALLS.items() for mode in modes for key in (path, f"{mode} {path}")}
    recorded |= {f"header {name}" for name in IGNORED_HEADERS}
    assert set(KNOWN_DIFFERENCES) - recorded == set()


@pytest.mark.parametrize("name", sorted(IGNORED_HEADERS))
def test_ignored_headers_still_differ(name: str, recorder: FaultServer, tls_context: ssl.SSLContext) -> None:
    """A header left out of the comparisons still differs from what the official SDK sends with the corpus's client
    options (its `default_headers`) on a plain call (else its entry goes)."""
    official = CORPUS["default_headers"].get(name)
    with Portkey(
        base_url=recorder.base_url, http_client=openai.DefaultHttpxClient(verify=tls_context), **CLIENT_OPTIONS
    ) as client:
        before = recorder.request_count
        client.models.list()
    ours = capture(recorder.requests[before])["headers"]
    assert isinstance(ours, dict)
    assert ours.get(name) != official, f"header {name} now matches the official SDK: remove its table entry"


def test_unreplayable_calls_say_why() -> None:
    """Only websocket calls are left out of the replay, each with its reason."""
    left_out = {
        path: entry["reason"]
        for path, modes in CALLS.items()
        for entry in modes.values()
        if not entry.get("replayable", True)
    }
    assert sorted(left_out) == ["beta.realtime.connect", "realtime.connect", "responses.connect"]
    assert all("websocket" in reason for reason in left_out.values())


def _judge(mode: str, path: str, entry: dict[str, Any], sent: list[dict[str, object]], error: Exception | None) -> None:
    difference = _difference(entry["requests"], sent)
    listed = [KNOWN_DIFFERENCES[key] for key in (f"{mode} {path}", path) if key in KNOWN_DIFFERENCES]
    if listed and difference is None:
        pytest.fail(
            f"{mode} {path} now sends what the official SDK sends: remove it from KNOWN_DIFFERENCES ({listed[0]})",
            pytrace=False,
        )
    if listed or difference is None:
        return
    call = f"{path}(*{json.dumps(entry['args'])}, **{json.dumps(entry['kwargs'], sort_keys=True)})"
    lines = [f"{mode} {call} differs from {CORPUS['official_sdk']}:", *difference]
    if error is not None:
        lines.append(f"  ours raised {type(error).__name__}: {str(error)[:300]}")
    if entry.get("error"):
        lines.append(f"  official raised {entry['error']['type']}: {entry['error']['message'][:300]}")
    pytest.fail("\n".join(lines), pytrace=False)


def _difference(expected: list[dict[str, Any]], sent: list[dict[str, Any]]) -> list[str] | None:
    """What differs between the recorded requests and ours, one line each; `None` when they match."""
    lines: list[str] = []
    for index in range(max(len(expected), len(sent))):
        label = f"  request {index + 1}:"
        if index >= len(sent):
            lines.append(f"{label} official sent {_line(expected[index])}, ours sent nothing")
            continue
        if index >= len(expected):
            lines.append(f"{label} ours sent {_line(sent[index])}, official sent nothing")
            continue
        official, ours = _normal(expected[index]), _normal(sent[index])
        for field in FIELDS:
            if official[field] == ours[field]:
                continue
            if isinstance(official[field], dict) and isinstance(ours[field], dict):
                official_map: dict[str, object] = official[field]
                ours_map: dict[str, object] = ours[field]
                for key in sorted(set(official_map) | set(ours_map)):
                    if official_map.get(key, _MISSING) != ours_map.get(key, _MISSING):
                        lines.append(
                            f"{label} {field}[{key!r}]: official {_show(official_map.get(key, _MISSING))}, "
                            f"ours {_show(ours_map.get(key, _MISSING))}"
                        )
            else:
                lines.append(f"{label} {field}: official {_show(official[field])}, ours {_show(ours[field])}")
    return lines or None


_MISSING = "<missing>"


def _normal(request: dict[str, Any]) -> dict[str, Any]:
    """The request as compared: default headers expanded, JSON-valued headers parsed, the tables' headers left out,
    multipart fields sorted by name, and no content type on a request without a body (openai names one on every
    request; without a body it means nothing)."""
    headers = CORPUS["default_headers"] if request["headers"] == "default" else request["headers"]
    headers = {name: _json_value(value) for name, value in headers.items() if name not in IGNORED_HEADERS}
    body = request["body"]
    if isinstance(body, dict) and set(body) == {"multipart"}:
        body = {"multipart": sorted(body["multipart"], key=lambda field: str(field[0]))}
    content_type = request["content_type"] if body is not None else None
    return {**request, "headers": headers, "body": body, "content_type": content_type}


def _json_value(value: str) -> object:
    """A JSON-valued header as its data (the gateway parses it; spacing is not part of the value)."""
    if value.startswith(("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _line(request: dict[str, Any]) -> str:
    query = "&".join(f"{name}={value}" for name, value in request["query"])
    return f"{request['method']} {request['path']}{'?' + query if query else ''}"


def _show(value: object) -> str:
    text = value if value == _MISSING else json.dumps(value, sort_keys=True)
    return str(text) if len(str(text)) <= 200 else f"{str(text)[:200]}..."
