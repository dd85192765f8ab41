"""Contract tests: every control-plane method, sync and async, against Prism serving the official spec.

Each operation is called with every argument the spec has (sample values generated from the spec's schemas). Prism
validates the request against the spec (a 422 raises and fails the test) and answers with the spec's example, which
must parse into the declared return type. The recorded request must be the operation's method and path, with every
given query parameter and exactly the given body fields under their wire names. test_coverage.py proves that this
list of operations is every control-plane operation of the spec.
"""

from __future__ import annotations

import re
from typing import Any

import openai
import pytest

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai.admin import AsyncPage, SyncPage
from tests.admin.conftest import Recorder
from tests.admin.support import arguments, conforms, declared_type, method_of, operations, resolve, spec_file
from tests.servers.availability import unavailable

OPERATIONS = [pytest.param(op, id=op.key) for op in (operations() if spec_file() else [])] or [
    pytest.param(None, id="spec-missing")
]


def _path_pattern(path: str) -> re.Pattern[str]:
    segments = ("[^/]+" if segment.startswith("{") else re.escape(segment) for segment in path.split("/"))
    return re.compile("^" + "/".join(segments) + "$")


def _check_request(operation: Any, recorder: Recorder, args: dict[str, object]) -> None:
    assert len(recorder.requests) == 1
    request = recorder.last
    assert request.method == operation.method.upper()
    assert _path_pattern(operation.path).match(request.url.path), (request.url.path, operation.path)
    query = {p.wire for p in operation.params if p.location == "query" and p.name in args}
    assert query <= set(request.url.params.keys())
    body = {p.wire for p in operation.params if p.location == "body" and p.name in args}
    if operation.has_body:
        assert set(recorder.body()) == body
    else:
        assert request.content == b""


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_operation_passes_prism_validation_and_parses(
    operation: Any, prism_client: tuple[Portkey | AsyncPortkey, Recorder]
) -> None:
    if operation is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")
    client, recorder = prism_client
    args = arguments(operation)

    try:
        result = await resolve(method_of(client, operation.resource, operation.name)(**args))
    except openai.APIStatusError as exc:
        pytest.fail(f"{operation.key}: HTTP {exc.status_code} from Prism: {exc.body}", pytrace=False)

    _check_request(operation, recorder, args)
    expected = declared_type(operation.return_annotation)
    if operation.page is None:
        assert conforms(result, expected), (type(result), operation.return_annotation)
        return
    assert isinstance(result, AsyncPage if isinstance(client, AsyncPortkey) else SyncPage)
    page: SyncPage[Any, Any] | AsyncPage[Any, Any] = result
    assert conforms(page.response, expected)
    assert page.data, "the spec's example has items"
    assert all(conforms(item, declared_type(operation.item_annotation)) for item in page.data)


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_operation_with_required_arguments_only(
    operation: Any, prism_client: tuple[Portkey | AsyncPortkey, Recorder]
) -> None:
    """The defaults are valid too: e.g. `virtual_keys.list()` sends the paging the spec requires."""
    if operation is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")
    client, recorder = prism_client
    args = arguments(operation, minimal=True)

    try:
        await resolve(method_of(client, operation.resource, operation.name)(**args))
    except openai.APIStatusError as exc:
        pytest.fail(f"{operation.key}: HTTP {exc.status_code} from Prism: {exc.body}", pytrace=False)

    _check_request(operation, recorder, args)
