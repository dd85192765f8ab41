"""`logs.exports.wait`, `download(..., to=...)` and `export_logs`, sync and async, over real HTTP on 127.0.0.1.

Two scripted servers (`tests/servers/fault_server.py`): one plays the control plane's export lifecycle (create,
start, the statuses a poll returns, the signed URL), the other the storage host behind the signed URL. Polls sleep on
a fake clock, so no test waits for real; the clock also records every sleep.
"""

from __future__ import annotations

import io
import json
import logging
import re
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, assert_type, get_args

import openai
import pytest
from openai import APIResponse, AsyncAPIResponse
from openai._legacy_response import LegacyAPIResponse

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai.admin import ExportFailedError, ExportField, WaitTimeoutError
from portkey_ai.admin.resources import AsyncLogExports, LogExports
from portkey_ai.admin.types import DownloadLogsResponse, ExportItem
from tests.admin.conftest import Recorder
from tests.servers.fault_server import Action, Events, FaultServer, Reply, Request, json_reply

API_KEY = "pk-waiters-secret-key"
SIGNATURE = "X-Amz-Signature=deadbeefsignature"
MIB = 1024 * 1024


@dataclass
class FakeClock:
    """A clock whose sleeps return at once and move its time forward."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=lambda: [])

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def export_item(export_id: str, status: str) -> dict[str, object]:
    return {
        "id": export_id,
        "organisation_id": "org-1",
        "filters": {"ai_model": "gpt-4o"},
        "requested_data": ["id", "cost"],
        "status": status,
        "description": "nightly",
        "created_at": "2026-12-04T10:00:00Z",
        "last_updated_at": "2026-12-04T10:00:01Z",
        "created_by": "user-1",
        "workspace_id": "ws-1",
        "object": "export",
    }


class ExportAPI:
    """The control plane's export endpoints: each poll of `GET /v1/logs/exports/{id}` takes the next status."""

    def __init__(self, statuses: Sequence[str], signed_url: str = "") -> None:
        self.statuses = list(statuses)
        self.signed_url = signed_url
        self.polls = 0

    def __call__(self, request: Request) -> Action:
        match (request.method, request.path):
            case ("POST", "/v1/logs/exports"):
                return json_reply({"id": "exp-1", "total": 3, "object": "export"})
            case ("POST", "/v1/logs/exports/exp-1/start"):
                return json_reply({"message": "started", "object": "export"})
            case ("GET", "/v1/logs/exports/exp-1/download"):
                return json_reply({"signed_url": self.signed_url})
            case ("GET", "/v1/logs/exports/exp-1"):
                status = self.statuses[min(self.polls, len(self.statuses) - 1)]
                self.polls += 1
                return json_reply(export_item("exp-1", status))
            case _:
                return json_reply({"error": "unexpected"}, status=404)


@pytest.fixture
def api() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture
def storage() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


Run = Callable[..., Any]


@pytest.fixture
async def make(is_async: bool, api: FaultServer, clock: FakeClock) -> AsyncIterator[Callable[..., Any]]:
    """`make(**client_options)`: `portkey.logs.exports` of a client on `api` whose waits sleep on `clock`."""
    clients: list[Portkey | AsyncPortkey] = []

    def exports(**options: Any) -> Any:
        client: Portkey | AsyncPortkey
        if is_async:
            client = AsyncPortkey(base_url=api.base_url, api_key=API_KEY, max_retries=0, **options)
        else:
            client = Portkey(base_url=api.base_url, api_key=API_KEY, max_retries=0, **options)
        clients.append(client)
        resource = client.logs.exports
        resource.clock = clock
        return resource

    yield exports
    for client in clients:
        if isinstance(client, AsyncPortkey):
            await client.close()
        else:
            client.close()


async def call(value: Any) -> Any:
    """The result of a sync call, or of an async one awaited."""
    if hasattr(value, "__await__"):
        return await value
    return value


def polls(api: FaultServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in api.requests]


# --------------------------------------------------------------------------------------------------------------------
# wait
# --------------------------------------------------------------------------------------------------------------------


async def test_wait_polls_until_success(make: Run, api: FaultServer, clock: FakeClock) -> None:
    api.set_script(ExportAPI(["draft", "in_progress", "in_progress", "success"]))
    seen: list[str] = []

    export = await call(make().wait("exp-1", poll_interval=3, on_poll=lambda e: seen.append(e.status)))

    assert isinstance(export, ExportItem)
    assert (export.id, export.status) == ("exp-1", "success")
    assert seen == ["draft", "in_progress", "in_progress", "success"]
    assert clock.sleeps == [3, 3, 3]
    assert polls(api) == ["GET /v1/logs/exports/exp-1"] * 4


async def test_wait_returns_at_once_when_already_finished(make: Run, api: FaultServer, clock: FakeClock) -> None:
    api.set_script(ExportAPI(["success"]))

    export = await call(make().wait("exp-1"))

    assert export.status == "success"
    assert clock.sleeps == []
    assert api.request_count == 1


@pytest.mark.parametrize("status", ["failed", "stopped"])
async def test_wait_raises_on_failed_or_stopped(make: Run, api: FaultServer, clock: FakeClock, status: str) -> None:
    api.set_script(ExportAPI(["in_progress", status]))

    with pytest.raises(ExportFailedError, match=f"export 'exp-1' ended with status '{status}'") as caught:
        await call(make().wait("exp-1"))

    assert caught.value.status == status
    assert caught.value.export.id == "exp-1"
    assert not isinstance(caught.value, openai.APIError)
    assert clock.sleeps == [2.0]


async def test_wait_times_out_after_the_last_poll_at_the_deadline(
    make: Run, api: FaultServer, clock: FakeClock
) -> None:
    api.set_script(ExportAPI(["in_progress"]))
    start = clock.now

    with pytest.raises(WaitTimeoutError, match=r"export 'exp-1' did not finish within 5 s \(last status: 'in_pr") as e:
        await call(make().wait("exp-1", timeout=5, poll_interval=2))

    assert isinstance(e.value, TimeoutError)
    assert (e.value.job_id, e.value.timeout, e.value.last.status) == ("exp-1", 5, "in_progress")
    assert clock.sleeps == [2, 2, 1]
    assert clock.now - start == 5
    assert api.request_count == 4


async def test_wait_with_zero_timeout_polls_once(make: Run, api: FaultServer, clock: FakeClock) -> None:
    api.set_script(ExportAPI(["in_progress"]))

    with pytest.raises(WaitTimeoutError):
        await call(make().wait("exp-1", timeout=0))

    assert (api.request_count, clock.sleeps) == (1, [])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": -1}, "`timeout` must be a finite number of seconds >= 0, got -1"),
        ({"timeout": float("inf")}, "`timeout` must be a finite"),
        ({"poll_interval": 0}, "`poll_interval` must be a finite number of seconds > 0, got 0"),
        ({"poll_interval": float("nan")}, "`poll_interval` must be"),
    ],
)
async def test_wait_rejects_bad_arguments_before_any_request(
    make: Run, api: FaultServer, arguments: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        await call(make().wait("exp-1", **arguments))
    assert api.request_count == 0


async def test_wait_rejects_an_empty_export_id(make: Run, api: FaultServer) -> None:
    with pytest.raises(ValueError, match="`export_id` must be a non-empty string"):
        await call(make().wait(""))
    assert api.request_count == 0


async def test_wait_on_a_raw_resource_still_returns_the_export(make: Run, api: FaultServer) -> None:
    api.set_script(ExportAPI(["in_progress", "success"]))

    export = await call(make().with_raw_response.wait("exp-1"))

    assert isinstance(export, ExportItem)
    assert export.status == "success"


# --------------------------------------------------------------------------------------------------------------------
# download
# --------------------------------------------------------------------------------------------------------------------


def signed_url(storage: FaultServer) -> str:
    return f"{storage.url}/exports/exp-1.jsonl?{SIGNATURE}"


async def test_download_without_to_is_the_signed_url_call(make: Run, api: FaultServer, storage: FaultServer) -> None:
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    exports = make()

    response = await call(exports.download("exp-1"))
    raw = await call(exports.with_raw_response.download(export_id="exp-1"))

    assert isinstance(response, DownloadLogsResponse)
    assert response.signed_url == signed_url(storage)
    assert isinstance(raw, LegacyAPIResponse)
    assert raw.http_request.url.path == "/v1/logs/exports/exp-1/download"
    assert storage.request_count == 0


async def test_download_streams_a_large_file_to_disk_with_bounded_memory(
    make: Run, api: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    block = bytes(range(256)) * 256  # 64 KiB
    storage.set_script([Reply(body=block, repeat=800)])  # 50 MiB
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    exports = make()
    target = tmp_path / "logs.jsonl"
    progress: list[tuple[int, int | None]] = []

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = await call(exports.download("exp-1", to=target, progress=lambda d, t: progress.append((d, t))))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result == target
    assert target.stat().st_size == 50 * MIB
    with target.open("rb") as written:
        assert written.read(len(block)) == block
    assert not (tmp_path / "logs.jsonl.part").exists()
    assert peak < 4 * MIB, f"peak traced memory {peak / MIB:.1f} MiB for a 50 MiB file"
    assert progress[0] == (0, 50 * MIB)
    assert progress[-1] == (50 * MIB, 50 * MIB)
    done = [d for d, _ in progress]
    assert done == sorted(done) and len(set(done)) == len(done)
    assert {t for _, t in progress} == {50 * MIB}


async def test_no_portkey_header_reaches_the_storage_host(
    make: Run, api: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=b'{"id": 1}\n')])
    api.set_script(ExportAPI(["success"], signed_url(storage)))

    await call(make().download("exp-1", to=tmp_path / "out.jsonl", extra_headers={"x-portkey-trace-id": "t-1"}))

    (to_api,) = api.requests
    (to_storage,) = storage.requests
    assert to_api.headers["x-portkey-api-key"] == API_KEY
    assert to_api.headers["x-portkey-trace-id"] == "t-1"
    assert to_storage.target == f"/exports/exp-1.jsonl?{SIGNATURE}"
    assert not [name for name in to_storage.headers if name.startswith("x-portkey") or name == "authorization"]
    assert API_KEY not in json.dumps(dict(to_storage.headers))
    assert (tmp_path / "out.jsonl").read_bytes() == b'{"id": 1}\n'


async def test_download_to_a_file_object_returns_the_byte_count(
    make: Run, api: FaultServer, storage: FaultServer
) -> None:
    storage.set_script([Reply(body=b"0123456789", repeat=3, chunked=True)])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    sink = io.BytesIO()
    progress: list[tuple[int, int | None]] = []

    written = await call(make().download("exp-1", to=sink, chunk_size=8, progress=lambda d, t: progress.append((d, t))))

    assert written == 30
    assert sink.getvalue() == b"0123456789" * 3
    assert progress[0] == (0, None)
    assert progress[-1] == (30, None)
    assert all(t is None for _, t in progress)


async def test_a_storage_error_is_a_status_error_without_the_signed_url(
    make: Run, api: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(403, (("content-type", "application/xml"),), b"<Error>AccessDenied</Error>")])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    target = tmp_path / "logs.jsonl"

    with pytest.raises(openai.PermissionDeniedError) as caught:
        await call(make().download("exp-1", to=target))

    assert "deadbeefsignature" not in str(caught.value)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


async def test_an_unreachable_storage_host_is_a_connection_error(make: Run, api: FaultServer, tmp_path: Path) -> None:
    with FaultServer() as gone:
        url = f"{gone.url}/exports/exp-1.jsonl?{SIGNATURE}"
    api.set_script(ExportAPI(["success"], url))

    with pytest.raises(openai.APIConnectionError) as caught:
        await call(make().download("exp-1", to=tmp_path / "logs.jsonl"))

    assert "deadbeefsignature" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


async def test_the_storage_request_uses_the_clients_timeout(
    make: Run, api: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=b"late", delay=5)])
    api.set_script(ExportAPI(["success"], signed_url(storage)))

    with pytest.raises(openai.APITimeoutError):
        await call(make(timeout=0.3).download("exp-1", to=tmp_path / "logs.jsonl"))


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"to": 42}, TypeError, "`to` must be a path or a binary file object, not int"),
        ({"to": "missing-dir/logs.jsonl"}, ValueError, "`to`: the directory"),
        ({"to": "."}, ValueError, "`to` is a directory"),
        ({"to": io.BytesIO(), "chunk_size": 0}, ValueError, "`chunk_size` must be a positive number of bytes"),
        ({"progress": print}, TypeError, "`progress` is only used with `to`"),
    ],
)
async def test_download_rejects_bad_arguments_before_any_request(
    make: Run,
    api: FaultServer,
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=re.escape(message)):
        await call(make().download("exp-1", **arguments))
    assert api.request_count == 0


# --------------------------------------------------------------------------------------------------------------------
# export_logs
# --------------------------------------------------------------------------------------------------------------------


async def test_export_logs_creates_starts_waits_and_downloads(
    make: Run, api: FaultServer, storage: FaultServer, clock: FakeClock, tmp_path: Path
) -> None:
    storage.set_script([Reply(body=b'{"id": "log-1"}\n', repeat=2)])
    api.set_script(ExportAPI(["in_progress", "success"], signed_url(storage)))
    statuses: list[str] = []
    progress: list[tuple[int, int | None]] = []

    result = await call(
        make().export_logs(
            filters={"ai_model": "gpt-4o"},
            requested_data=["id", "cost"],
            workspace_id="ws-1",
            to=tmp_path / "logs.jsonl",
            poll_interval=1.5,
            on_status=lambda e: statuses.append(e.status),
            progress=lambda d, t: progress.append((d, t)),
        )
    )

    assert result == tmp_path / "logs.jsonl"
    assert result.read_bytes() == b'{"id": "log-1"}\n' * 2
    assert polls(api) == [
        "POST /v1/logs/exports",
        "POST /v1/logs/exports/exp-1/start",
        "GET /v1/logs/exports/exp-1",
        "GET /v1/logs/exports/exp-1",
        "GET /v1/logs/exports/exp-1/download",
    ]
    assert api.requests[0].json() == {
        "filters": {"ai_model": "gpt-4o"},
        "requested_data": ["id", "cost"],
        "workspace_id": "ws-1",
    }
    assert statuses == ["in_progress", "success"]
    assert clock.sleeps == [1.5]
    assert progress[-1] == (32, 32)


async def test_export_logs_stops_at_a_failed_export(
    make: Run, api: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    api.set_script(ExportAPI(["failed"], signed_url(storage)))

    with pytest.raises(ExportFailedError):
        await call(make().export_logs(to=tmp_path / "logs.jsonl"))

    assert polls(api)[-1] == "GET /v1/logs/exports/exp-1"
    assert storage.request_count == 0
    assert list(tmp_path.iterdir()) == []


async def test_export_logs_checks_its_arguments_before_creating_anything(make: Run, api: FaultServer) -> None:
    with pytest.raises(TypeError, match="`to` must be a path"):
        await call(make().export_logs(to=None))
    with pytest.raises(ValueError, match="`poll_interval`"):
        await call(make().export_logs(to=io.BytesIO(), poll_interval=-1))
    assert api.request_count == 0


# --------------------------------------------------------------------------------------------------------------------
# Against Prism: the requests of the waiters are valid for the spec (Prism's exports stay in `draft`)
# --------------------------------------------------------------------------------------------------------------------


async def test_export_logs_against_prism_sends_valid_requests_up_to_the_wait(
    prism_client: tuple[Portkey | AsyncPortkey, Recorder], clock: FakeClock
) -> None:
    client, recorder = prism_client
    exports = client.logs.exports
    exports.clock = clock
    statuses: list[str] = []

    with pytest.raises(WaitTimeoutError) as caught:
        await call(
            exports.export_logs(
                filters={"ai_model": "gpt-4o"},
                requested_data=["id", "cost"],
                to=io.BytesIO(),
                timeout=3,
                on_status=lambda e: statuses.append(e.status),
            )
        )

    export_id = caught.value.job_id
    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("POST", "/logs/exports"),
        ("POST", f"/logs/exports/{export_id}/start"),
        ("GET", f"/logs/exports/{export_id}"),
        ("GET", f"/logs/exports/{export_id}"),
        ("GET", f"/logs/exports/{export_id}"),
    ]
    assert statuses == [caught.value.last.status] * 3
    assert caught.value.last.status != "success"
    assert clock.sleeps == [2.0, 1.0]


# --------------------------------------------------------------------------------------------------------------------
# Static types (checked by mypy and pyright strict; the calls run for real)
# --------------------------------------------------------------------------------------------------------------------


def test_static_types_sync(api: FaultServer, storage: FaultServer, clock: FakeClock, tmp_path: Path) -> None:
    storage.set_script([Reply(body=b"{}\n")])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    with Portkey(base_url=api.base_url, api_key=API_KEY, max_retries=0) as client:
        exports = LogExports(client)  # what `client.logs.exports` is (typed `Any` there: found on first use)
        exports.clock = clock
        assert_type(exports.wait("exp-1"), ExportItem)
        assert_type(exports.download("exp-1"), DownloadLogsResponse)
        assert_type(exports.download("exp-1", to=tmp_path / "a.jsonl"), Path)
        assert_type(exports.download("exp-1", to=io.BytesIO()), int)
        raw = exports.with_raw_response.download("exp-1")
        assert_type(raw, LegacyAPIResponse[DownloadLogsResponse])
        assert raw.parse().signed_url == signed_url(storage)
        with exports.with_streaming_response.download("exp-1") as streamed:
            assert_type(streamed, APIResponse[DownloadLogsResponse])
            assert streamed.parse().signed_url == signed_url(storage)
        assert_type(exports.export_logs(to=str(tmp_path / "b.jsonl")), Path)
        assert_type(exports.export_logs(to=io.BytesIO()), int)


async def test_static_types_async(api: FaultServer, storage: FaultServer, clock: FakeClock, tmp_path: Path) -> None:
    storage.set_script([Reply(body=b"{}\n")])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    async with AsyncPortkey(base_url=api.base_url, api_key=API_KEY, max_retries=0) as client:
        exports = AsyncLogExports(client)
        exports.clock = clock
        assert_type(await exports.wait("exp-1"), ExportItem)
        assert_type(await exports.download("exp-1"), DownloadLogsResponse)
        assert_type(await exports.download("exp-1", to=tmp_path / "a.jsonl"), Path)
        assert_type(await exports.download("exp-1", to=io.BytesIO()), int)
        raw = await exports.with_raw_response.download("exp-1")
        assert_type(raw, LegacyAPIResponse[DownloadLogsResponse])
        assert raw.parse().signed_url == signed_url(storage)
        async with exports.with_streaming_response.download("exp-1") as streamed:
            assert_type(streamed, AsyncAPIResponse[DownloadLogsResponse])
            assert (await streamed.parse()).signed_url == signed_url(storage)
        assert_type(await exports.export_logs(to=str(tmp_path / "b.jsonl")), Path)
        assert_type(await exports.export_logs(to=io.BytesIO()), int)


async def test_download_sends_undeclared_keywords_in_the_query_of_the_portkey_request(
    make: Run, api: FaultServer, storage: FaultServer
) -> None:
    storage.set_script([Reply(body=b"{}\n")])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    exports = make()

    await call(exports.download(export_id="exp-1", region="eu"))
    await call(exports.download("exp-1", to=io.BytesIO(), region="us"))

    assert [r.target for r in api.requests] == [
        "/v1/logs/exports/exp-1/download?region=eu",
        "/v1/logs/exports/exp-1/download?region=us",
    ]
    assert [r.target for r in storage.requests] == [f"/exports/exp-1.jsonl?{SIGNATURE}"]


async def test_a_connection_lost_mid_file_leaves_no_partial_file(
    make: Run, api: FaultServer, storage: FaultServer, tmp_path: Path
) -> None:
    storage.set_script([Events(events=[b"0123456789"] * 4, end="fin")])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    progress: list[tuple[int, int | None]] = []

    with pytest.raises(openai.APIConnectionError):
        target = tmp_path / "logs.jsonl"
        await call(make().download("exp-1", to=target, chunk_size=8, progress=lambda d, t: progress.append((d, t))))

    assert progress[-1] == (40, None)
    assert list(tmp_path.iterdir()) == []


async def test_the_signed_url_signature_stays_out_of_the_logs(
    make: Run, api: FaultServer, storage: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    storage.set_script([Reply(body=b"{}\n")])
    api.set_script(ExportAPI(["success"], signed_url(storage)))
    caplog.set_level(logging.DEBUG)

    await call(make().download("exp-1", to=io.BytesIO()))

    assert "/exports/exp-1.jsonl" in caplog.text
    assert "deadbeefsignature" not in caplog.text
    assert API_KEY not in caplog.text


def test_export_field_is_the_specs_list_of_fields() -> None:
    (requested,) = get_args(ExportItem.model_fields["requested_data"].annotation)
    assert get_args(ExportField) == get_args(requested)
