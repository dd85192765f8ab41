"""Helpers of the portkey-admin tests: the generator's view of the spec, sample arguments, type checks."""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import typing
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import ModuleType, NoneType, UnionType
from typing import Any, TypeVar, cast

from portkey_ai.admin import types as admin_types
from tests.servers.node_servers import ServerUnavailable, spec_source

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR_PATH = REPO_ROOT / "scripts" / "generate_admin.py"

T = TypeVar("T")
Schema = dict[str, Any]

SAMPLE_UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SAMPLE_TIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@cache
def generator() -> ModuleType:
    """scripts/generate_admin.py, imported as a module."""
    spec = importlib.util.spec_from_file_location("generate_admin", GENERATOR_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_admin"] = module
    spec.loader.exec_module(module)
    return module


def spec_file() -> Path | None:
    """The OpenAPI spec, or None when it is not available."""
    try:
        return spec_source()
    except ServerUnavailable:
        return None


@cache
def raw_spec() -> Schema:
    """The parsed spec merged with spec/overlay.yaml, as the generator reads it (the caller made sure it exists)."""
    path = spec_file()
    assert path is not None
    loaded: Schema = generator().load_merged_spec(path)
    return loaded


@cache
def operations() -> list[Any]:
    """The generator's operations (each: method, path, resource, name, params, page, ...)."""
    gen = generator()
    spec = gen.Spec(raw_spec())
    return list(gen.build_operations(spec, gen.TypeRegistry(spec)))


def method_of(client: object, resource: str, name: str) -> Callable[..., Any]:
    """`client.<resource>.<name>`, following the dotted resource path."""
    target: Any = client
    for part in resource.split("."):
        target = getattr(target, part)
    return cast(Callable[..., Any], getattr(target, name))


async def resolve(value: Awaitable[T] | T) -> T:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return await value
    return value


# --------------------------------------------------------------------------------------------------------------------
# Sample values that satisfy a schema
# --------------------------------------------------------------------------------------------------------------------


def _resolve(node: Schema) -> Schema:
    while "$ref" in node:
        target: Any = raw_spec()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _properties(node: Schema) -> tuple[dict[str, Schema], set[str]]:
    node = _resolve(node)
    props: dict[str, Schema] = {}
    required: set[str] = set()
    for part in node.get("allOf", []):
        part_props, part_required = _properties(part)
        props.update(part_props)
        required |= part_required
    props.update(node.get("properties", {}))
    required |= set(node.get("required", []))
    return props, required


def _string(node: Schema, python: bool) -> object:
    fmt = node.get("format")
    if fmt == "date-time":
        return SAMPLE_TIME if python else SAMPLE_TIME.isoformat()
    fixed = {"uuid": SAMPLE_UUID, "UUID": SAMPLE_UUID, "email": "ada@example.com", "date": "2026-01-02"}
    if fmt in fixed:
        return fixed[fmt]
    if fmt in ("uri", "url"):
        return "https://example.com/hook"
    pattern = node.get("pattern")
    for candidate in ("sample-value", "sample", "abc", "a1", "1"):
        length_ok = node.get("minLength", 0) <= len(candidate) <= node.get("maxLength", 10_000)
        if length_ok and (pattern is None or re.search(pattern, candidate)):
            return candidate
    raise AssertionError(f"no sample string for {node}")


def _number(node: Schema, integer: bool) -> int | float:
    minimum = node.get("minimum", 1)
    maximum = node.get("maximum")
    value = max(minimum, 1) if maximum is None or maximum >= 1 else minimum
    step = node.get("multipleOf")
    if step:
        value = step * max(1, round(value / step))
    return int(value) if integer else value


def sample(node: Schema, *, python: bool = False, depth: int = 0) -> object:
    """A value valid for `node`: every property filled to a few levels, the first alternative of every union.

    With `python`, date-times are `datetime` objects (the client must serialise them).
    """
    node = _resolve(node)
    members = [m for m in node.get("oneOf") or node.get("anyOf") or [] if set(m) - {"required", "description"}]
    if members and not node.get("properties"):
        return sample(members[0], python=python, depth=depth)
    if "enum" in node:
        return next(value for value in node["enum"] if value is not None)
    kind = node.get("type")
    if node.get("properties") or node.get("allOf"):
        return _object(node, python=python, depth=depth)
    if kind == "array":
        count = max(1, node.get("minItems", 1))
        return [sample(node.get("items") or {"type": "string"}, python=python, depth=depth + 1) for _ in range(count)]
    if kind == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return {"key": sample(extra, python=python, depth=depth + 1)}
        return {"key": "value"}
    if kind == "string":
        return _string(node, python)
    if kind in ("integer", "number"):
        return _number(node, kind == "integer")
    if kind == "boolean":
        return True
    return "value"


def unsatisfiable(node: Schema) -> bool:
    """Whether no object can match a `oneOf` schema: two of its alternatives require nothing, so both match.

    The spec has such properties (`configurations` of integrations, `parameters` of guardrail checks); Prism rejects
    every value given for them, so samples leave them out (they are optional).
    """
    members = [_resolve(m) for m in _resolve(node).get("oneOf", [])]
    return sum(1 for m in members if not m.get("required") and not m.get("allOf")) >= 2


def _object(node: Schema, *, python: bool, depth: int) -> dict[str, object]:
    props, required = _properties(node)
    optional = {key for key in props if key not in required and not unsatisfiable(props[key])}
    chosen = set(required) | (optional if depth < 4 else set())
    constraints = [set(m.get("required", [])) for m in node.get("oneOf", []) if set(m) <= {"required", "description"}]
    if constraints:
        others = set().union(*constraints[1:]) - constraints[0]
        chosen = (chosen | constraints[0]) - others
    return {key: sample(props[key], python=python, depth=depth + 1) for key in props if key in chosen}


def arguments(operation: Any, *, minimal: bool = False) -> dict[str, object]:
    """Keyword arguments for a generated method: every argument the spec has, with valid sample values.

    With `minimal`, only the arguments the method requires, the path parameters, one argument of an "exactly one
    of" or "at least one of" group, and those the spec requires but the method does not (the generator's
    `optional` and `omittable` overrides, and one field where the spec wants a non-empty body but `no_fields` lets
    the method send none), so that Prism accepts the request.

    Comma-separated query filters are given as lists and JSON-encoded ones as mappings, so the client's encoding is
    exercised; date-times in bodies are `datetime` objects.
    """
    args: dict[str, object] = {}
    body: dict[str, object] = {}
    if operation.has_body:
        request_body = _resolve(raw_spec()["paths"][operation.path][operation.method]["requestBody"])
        body = cast(dict[str, object], sample(request_body["content"]["application/json"]["schema"], python=True))
    table = generator().OPERATIONS[operation.key]
    needed = set(table.optional) | set(table.omittable)
    needed |= {p.name for p in operation.params if p.location == "path"}
    if table.no_fields:
        needed |= {next(p.name for p in operation.params if p.location == "body")}
    needed |= set(operation.exactly_one_of[:1]) | set(operation.at_least_one_of[:1])
    for param in operation.params:
        if param.legacy is not None or (minimal and not param.required and param.name not in needed):
            continue
        if param.location == "body":
            if param.wire in body:
                args[param.name] = body[param.wire]
        elif param.annotation == "Union[str, List[str]]":
            args[param.name] = ["first", "second"]
        elif param.json_query:
            args[param.name] = {"env": "staging"}
        else:
            args[param.name] = sample(param.schema)
    return args


# --------------------------------------------------------------------------------------------------------------------
# Does a parsed value have the declared type?
# --------------------------------------------------------------------------------------------------------------------


def declared_type(annotation: str) -> Any:
    """The type an annotation string of the generator names (evaluated in portkey_ai.admin.types)."""
    namespace = {**vars(typing), **vars(admin_types), "datetime": datetime, "None": None}
    return eval(annotation, namespace)  # the generator's own annotation strings


def conforms(value: object, expected: Any) -> bool:
    """Whether `value` (as parsed, without validation) is an instance of the declared type, one level deep."""
    origin = typing.get_origin(expected)
    if expected is None or expected is NoneType:
        return value is None
    if origin in (typing.Union, UnionType):
        return any(conforms(value, member) for member in typing.get_args(expected))
    if origin is list:
        (item,) = typing.get_args(expected)
        return isinstance(value, list) and all(conforms(v, item) for v in cast(list[object], value))
    if origin is dict or origin is Mapping:
        return isinstance(value, dict)
    if origin is typing.Literal:
        return value in typing.get_args(expected)
    if expected is Any:
        return True
    return isinstance(value, expected)
