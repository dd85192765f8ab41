"""Coverage, measured: every control-plane operation of the spec has a method, sync and async.

The rule, stated here independently of the generator: an operation is control plane when its servers (its own, else
its path's) include the self-hosted control-plane URL; when it names no servers at all, unless it is one of the
OpenAI-compatible operations (`/vector_stores...`, `/models/{model}`); and the two operations that the spec serves
from another host but that read the control plane's data (`GET /logs/{logId}`, `GET /model-configs/pricing/...`).
The contract tests (test_contract.py) then call every one of them against Prism.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from portkey_ai import AsyncPortkey, Portkey
from tests.admin.support import generator, method_of, operations, raw_spec

pytestmark = pytest.mark.usefixtures("spec_available")

FOREIGN_HOST_CONTROL_PLANE = {("get", "/logs/{logId}"), ("get", "/model-configs/pricing/{provider}/{model}")}
IN_CORE = {("post", "/feedback"): ("feedback", "create"), ("put", "/feedback/{id}"): ("feedback", "update")}


def spec_control_plane() -> set[tuple[str, str]]:
    """(method, path) of every control-plane operation, by the rule in the module docstring."""
    found: set[tuple[str, str]] = set()
    for path, item in raw_spec()["paths"].items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation: dict[str, Any] | None = item.get(method)
            if operation is None:
                continue
            urls = [server["url"] for server in operation.get("servers", item.get("servers")) or []]
            if urls:
                control_plane = any("SELF_HOSTED_CONTROL_PLANE_URL" in url for url in urls)
            else:
                control_plane = not (path.startswith("/vector_stores") or path == "/models/{model}")
            if control_plane or (method, path) in FOREIGN_HOST_CONTROL_PLANE:
                found.add((method, path))
    return found


def test_every_control_plane_operation_has_a_method(capsys: pytest.CaptureFixture[str]) -> None:
    expected = spec_control_plane()
    in_admin = {(op.method, op.path) for op in operations()}

    assert expected - set(IN_CORE) == in_admin, "operations without a method, or methods of no operation"
    with Portkey(base_url="http://control-plane.test/v1", api_key="pk-test") as client:
        for op in operations():
            assert callable(method_of(client, op.resource, op.name)), op.key
        for attribute, name in IN_CORE.values():
            assert callable(getattr(getattr(client, attribute), name))
    with capsys.disabled():
        sys.stdout.write(
            f"\n{len(expected)} control-plane operations in the spec and spec/overlay.yaml: {len(in_admin)} methods in portkey-admin, "
            f"{len(IN_CORE)} in portkey-core (feedback), 0 missing\n"
        )


async def test_every_method_exists_on_the_async_client() -> None:
    async with AsyncPortkey(base_url="http://control-plane.test/v1", api_key="pk-test") as client:
        for op in operations():
            assert callable(method_of(client, op.resource, op.name)), op.key


def test_the_generator_selects_the_same_operations() -> None:
    selected = set(generator().control_plane_operations(raw_spec()))

    assert selected == spec_control_plane()
    assert set(generator().CORE_OWNED) == set(IN_CORE)
