"""Record what the official `portkey-ai` SDK sends for every method it has: the drop-in corpus.

    uv run python scripts/record_official_corpus.py            # a throwaway venv with the pinned official SDK
    uv run python scripts/record_official_corpus.py --venv DIR # reuse a venv that already holds it

A development tool: the official SDK is never a dependency of this project. The script creates a temporary virtual
environment (uv, no Python downloads), installs `portkey-ai==2.3.4` into it, and runs itself there with `--record`:
a recording server on 127.0.0.1 (`tests.servers.fault_server.FaultServer`, standard library only, answering as
`tests/dropin/corpus_wire.py` says) receives, for every method path of `Portkey` and of `AsyncPortkey`, one call built
from the method's signature (a deterministic sample value for every required parameter, chosen by name then by
annotation, plus `custom_param="corpus"` where the method takes `**kwargs`; see `_build_call` and `OVERRIDES`), made
on a fresh client built with `CLIENT_OPTIONS`. The corpus (`tests/dropin/corpus/official_requests.json`) records each call and the requests it
sent, or the exception it raised. `tests/dropin/test_official_corpus.py` replays it through this project's client.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import collections.abc
import contextlib
import importlib.metadata
import inspect
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import types
import typing
import warnings
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Any

OFFICIAL_VERSION = "2.3.4"
REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "tests" / "dropin" / "corpus" / "official_requests.json"
COMMAND = "uv run python scripts/record_official_corpus.py"
CALL_TIMEOUT = 10

WEBSOCKET_METHODS = {
    "realtime.connect": "opens a websocket (realtime), not an HTTP request",
    "beta.realtime.connect": "opens a websocket (realtime), not an HTTP request",
    "responses.connect": "opens a websocket (responses), not an HTTP request",
}
"""Methods the recorder does not call: the corpus lists them as not replayable, with the reason."""

FILE = {"$tuple": ["corpus.txt", {"$bytes": "hello corpus"}, "text/plain"]}
"""A file argument, as the corpus writes it (`tests/dropin/corpus_wire.decode_value` reads it back)."""
NAMED_FILE = {"$file": {"name": "corpus.txt", "text": "hello corpus"}}

NAMES: dict[str, object] = {
    "bytes": 12,
    "completion_window": "24h",
    "content": "Hello",
    "email": "user@example.com",
    "feedbacks": [{"trace_id": "trace-corpus", "value": 1}],
    "endpoint": "/v1/chat/completions",
    "file": FILE,
    "files": [FILE],
    "filename": "corpus.txt",
    "headers": {"webhook-id": "msg_corpus"},
    "image": FILE,
    "input": "Say hello",
    "messages": [{"role": "user", "content": "Say hello"}],
    "metadata": {"key": "value"},
    "mime_type": "text/plain",
    "model": "gpt-4o-mini",
    "parameters": {"temperature": 0.5},
    "part_ids": ["corpus-part"],
    "path": "/corpus/escape-hatch",
    "payload": '{"type": "corpus"}',
    "prompt": "Say hello",
    "purpose": "assistants",
    "role": "user",
    "string": "Hello {{name}}",
    "time_of_generation_max": "2025-01-02T00:00:00Z",
    "time_of_generation_min": "2025-01-01T00:00:00Z",
    "tool_outputs": [{"tool_call_id": "call_corpus", "output": "ok"}],
    "url": "/rerank",
    "variables": {"name": "corpus"},
    "voice": "alloy",
}
"""Sample values by parameter name (before the annotation is looked at)."""

LEAVE_OUT = object()
"""An `OVERRIDES` value: leave the argument out of the call."""

OVERRIDES: dict[str, dict[str, object]] = {
    # Path parameters the official SDK lets you omit (it then requests /api-keys/NOT_GIVEN/NOT_GIVEN).
    "api_keys.create": {"type": "workspace", "sub_type": "service"},
    # `id` and `slug` name the same config (`id` is the older spelling): give one.
    "configs.delete": {"id": LEAVE_OUT},
    # The official SDK reads the audio duration from the file named `file.name` (the recorder writes one in its
    # working directory): a tuple has no name.
    "audio.transcriptions.create": {"file": NAMED_FILE},
    "audio.translations.create": {"file": NAMED_FILE},
    # All arguments are optional, but either `response_id` or `input` and `model` are needed.
    "responses.stream": {"input": "Say hello", "model": "gpt-4o-mini", "response_id": LEAVE_OUT},
    "uploads.upload_file_chunked": {"file": {"$bytes": "hello corpus"}, "filename": "corpus.txt", "bytes": 12},
    "put": {"body": {"name": "corpus"}},
}
"""Keyword arguments added to (or replacing) the signature-built call of a method path."""

CATCH_ALL = ("custom_param", "corpus")
"""The undeclared keyword passed to every method that takes `**kwargs`."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="record_official_corpus.py", description="Record the official SDK's requests."
    )
    parser.add_argument("--venv", type=Path, help=f"a virtual environment holding portkey-ai=={OFFICIAL_VERSION}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--record", action="store_true", help="(internal) record with this interpreter")
    args = parser.parse_args(argv)
    if args.record:
        corpus = record()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(corpus, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        return 0
    with tempfile.TemporaryDirectory(prefix="official-portkey-") as tmp:
        venv = args.venv if args.venv is not None else _make_venv(Path(tmp) / "venv")
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PORTKEY_", "OPENAI_", "PYTHON", "VIRTUAL_ENV"))
        }
        command = [
            str(venv / "bin" / "python"),
            str(Path(__file__).resolve()),
            "--record",
            "--output",
            str(args.output),
        ]
        subprocess.run(command, check=True, env=env, cwd=tmp)
    sys.stdout.write(f"wrote {args.output}\n")
    return 0


def _make_venv(path: Path) -> Path:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, str(path)], check=True, env=env)
    install = ["uv", "pip", "install", "--quiet", "--python", str(path / "bin" / "python")]
    subprocess.run([*install, f"portkey-ai=={OFFICIAL_VERSION}"], check=True, env=env)
    return path


# -- the recording pass (runs inside the official SDK's environment) -------------------------------------------------


def record() -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    warnings.simplefilter("ignore")  # the official SDK's deprecation warnings on the methods it still has
    installed = importlib.metadata.version("portkey-ai")
    if installed != OFFICIAL_VERSION:
        raise SystemExit(f"this environment has portkey-ai {installed}, the corpus is recorded with {OFFICIAL_VERSION}")
    from portkey_ai import AsyncPortkey, Portkey
    from tests.dropin.corpus_wire import CLIENT_OPTIONS, answer
    from tests.servers.fault_server import FaultServer

    calls: dict[str, dict[str, dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="corpus-cwd-") as cwd, FaultServer(answer) as server:
        os.chdir(cwd)
        Path(NAMED_FILE["$file"]["name"]).write_text(NAMED_FILE["$file"]["text"])
        recorder = _Recorder(server)
        for path in _method_paths(Portkey(api_key="pk-walk", base_url=server.base_url)):
            calls.setdefault(path, {})["sync"] = recorder.sync_call(Portkey, path)
        paths = _method_paths(AsyncPortkey(api_key="pk-walk", base_url=server.base_url))
        for path, entry in zip(paths, asyncio.run(recorder.async_calls(AsyncPortkey, paths)), strict=True):
            calls.setdefault(path, {})["async"] = entry
    default_headers = _compress_headers(calls)
    return {
        "about": (
            "What the official portkey-ai SDK sends for one call of every method path of Portkey and AsyncPortkey "
            "(see tests/dropin/README.md). Generated: do not edit."
        ),
        "regenerate": COMMAND,
        "official_sdk": f"portkey-ai=={OFFICIAL_VERSION}",
        "client_options": CLIENT_OPTIONS,
        "base_url": "<recording server>/v1",
        "catch_all_keyword": {CATCH_ALL[0]: CATCH_ALL[1]},
        "default_headers": default_headers,
        "calls": dict(sorted(calls.items())),
    }


def _compress_headers(calls: dict[str, dict[str, dict[str, object]]]) -> dict[str, str]:
    """Replace the `headers` of every request that sent the most common set with `"default"`; return that set."""
    requests = [
        request
        for modes in calls.values()
        for entry in modes.values()
        for request in typing.cast("list[dict[str, Any]]", entry.get("requests", []))
    ]
    counts = collections.Counter(json.dumps(request["headers"], sort_keys=True) for request in requests)
    default: dict[str, str] = json.loads(counts.most_common(1)[0][0])
    for request in requests:
        if request["headers"] == default:
            request["headers"] = "default"
    return default


def _method_paths(client: object) -> list[str]:
    """Every public method reachable from the client through its resources (`beta` included), sorted."""
    seen: set[int] = set()
    paths: list[str] = []

    def walk(obj: object, prefix: str) -> None:
        for name in sorted(dir(obj)):
            if name.startswith("_"):
                continue
            value = getattr(obj, name)
            if inspect.ismethod(value):
                paths.append(prefix + name)
            elif (name == "beta" or type(value).__module__.startswith("portkey_ai.api_resources.apis")) and id(
                value
            ) not in seen:
                seen.add(id(value))
                walk(value, f"{prefix}{name}.")

    walk(client, "")
    return sorted(paths)


class _Recorder:
    """Makes one recorded call per method path and client class, each on a fresh client."""

    def __init__(self, server: Any) -> None:
        self._server = server
        self._url = str(server.url)

    def sync_call(self, client_class: Callable[..., Any], path: str) -> dict[str, object]:
        if path in WEBSOCKET_METHODS:
            return {"replayable": False, "reason": WEBSOCKET_METHODS[path]}
        entry = self._sync_attempt(client_class, path, catch_all=True, identifiers=False)
        if _rejects_catch_all(entry):
            retried = self._sync_attempt(client_class, path, catch_all=False, identifiers=False)
            entry = {**retried, "catch_all_rejected": entry["error"]}
        if _lacks_identifiers(entry):
            retried = self._sync_attempt(
                client_class, path, catch_all="catch_all_rejected" not in entry, identifiers=True
            )
            entry = {**entry, **retried, "identifiers_given": _IDENTIFIERS_GIVEN}
        return entry

    def _sync_attempt(
        self, client_class: Callable[..., Any], path: str, *, catch_all: bool, identifiers: bool
    ) -> dict[str, object]:
        from tests.dropin.corpus_wire import CLIENT_OPTIONS, consume, decode_value, resolve

        client = client_class(base_url=self._server.base_url, **CLIENT_OPTIONS)
        method = resolve(client, path)
        args, kwargs = _build_call(path, method, catch_all=catch_all, identifiers=identifiers)
        before = self._server.request_count
        error = None
        try:
            with _alarm(CALL_TIMEOUT):
                consume(method(*decode_value(args), **decode_value(kwargs)))
        except Exception as exc:
            error = self._error(exc)
        finally:
            with contextlib.suppress(Exception):
                client.close()
        return self._entry(args, kwargs, before, error)

    async def async_calls(self, client_class: Callable[..., Any], paths: list[str]) -> list[dict[str, object]]:
        return [await self._async_call(client_class, path) for path in paths]

    async def _async_call(self, client_class: Callable[..., Any], path: str) -> dict[str, object]:
        if path in WEBSOCKET_METHODS:
            return {"replayable": False, "reason": WEBSOCKET_METHODS[path]}
        entry = await self._async_attempt(client_class, path, catch_all=True, identifiers=False)
        if _rejects_catch_all(entry):
            retried = await self._async_attempt(client_class, path, catch_all=False, identifiers=False)
            entry = {**retried, "catch_all_rejected": entry["error"]}
        if _lacks_identifiers(entry):
            catch_all = "catch_all_rejected" not in entry
            retried = await self._async_attempt(client_class, path, catch_all=catch_all, identifiers=True)
            entry = {**entry, **retried, "identifiers_given": _IDENTIFIERS_GIVEN}
        return entry

    async def _async_attempt(
        self, client_class: Callable[..., Any], path: str, *, catch_all: bool, identifiers: bool
    ) -> dict[str, object]:
        from tests.dropin.corpus_wire import CLIENT_OPTIONS, consume_async, decode_value, resolve

        client = client_class(base_url=self._server.base_url, **CLIENT_OPTIONS)
        method = resolve(client, path)
        args, kwargs = _build_call(path, method, catch_all=catch_all, identifiers=identifiers)
        before = self._server.request_count
        error = None
        try:
            await asyncio.wait_for(consume_async(method(*decode_value(args), **decode_value(kwargs))), CALL_TIMEOUT)
        except Exception as exc:
            error = self._error(exc)
        finally:
            with contextlib.suppress(Exception):
                await client.close()
        return self._entry(args, kwargs, before, error)

    def _entry(
        self, args: list[object], kwargs: dict[str, object], before: int, error: dict[str, str] | None
    ) -> dict[str, object]:
        from tests.dropin.corpus_wire import capture

        requests = self._server.requests[before:]
        return {"args": args, "kwargs": kwargs, "requests": [capture(request) for request in requests], "error": error}

    def _error(self, exc: BaseException) -> dict[str, str]:
        message = str(exc).replace(self._url, "<recording server>")
        message = re.sub(r"0x[0-9a-f]+", "0x...", message)
        return {"type": f"{type(exc).__module__}.{type(exc).__qualname__}", "message": message[:300]}


def _rejects_catch_all(entry: dict[str, object]) -> bool:
    """Whether the official SDK refused the catch-all keyword before sending anything (it forwards `**kwargs` to
    an openai method that does not take them): such calls are recorded again without it."""
    error = typing.cast("dict[str, str] | None", entry.get("error"))
    return (
        not entry["requests"]
        and error is not None
        and error["type"] == "builtins.TypeError"
        and CATCH_ALL[0] in error["message"]
    )


def _build_call(
    path: str, method: Callable[..., Any], *, catch_all: bool, identifiers: bool
) -> tuple[list[object], dict[str, object]]:
    """The call, as JSON data: positional values for required positional parameters, keywords for required
    keyword-only ones (and for optional identifiers with `identifiers`), the catch-all keyword where the method takes `**kwargs`, then the
    path's `OVERRIDES`."""
    try:
        hints = typing.get_type_hints(method)
    except Exception:
        hints = {}
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.kind is parameter.VAR_KEYWORD:
            if catch_all:
                kwargs[CATCH_ALL[0]] = CATCH_ALL[1]
        elif parameter.kind is parameter.VAR_POSITIONAL:
            continue
        elif parameter.default is parameter.empty:
            value = _sample(parameter.name, hints.get(parameter.name, parameter.annotation))
            if parameter.kind is parameter.KEYWORD_ONLY:
                kwargs[parameter.name] = value
            else:
                args.append(value)
        elif identifiers and _is_identifier(parameter.name) and parameter.kind is not parameter.POSITIONAL_ONLY:
            kwargs[parameter.name] = _sample(parameter.name, hints.get(parameter.name, parameter.annotation))
    kwargs.update(OVERRIDES.get(path, {}))
    return args, {name: value for name, value in kwargs.items() if value is not LEAVE_OUT}


_IDENTIFIERS_GIVEN = (
    "without its optional identifiers the official SDK requested a URL with NOT_GIVEN or None in it; recorded with "
    "a value for each"
)


def _lacks_identifiers(entry: dict[str, object]) -> bool:
    """Whether the official SDK put an omitted identifier into a URL (`/configs/NOT_GIVEN`, `/configs/None`)."""
    requests = typing.cast("list[dict[str, str]]", entry["requests"])
    return any(re.search(r"/(NOT_GIVEN|None)(/|$)", request["path"]) for request in requests)


def _is_identifier(name: str) -> bool:
    """Identifiers (`id`, `slug`, `*_id`): given a value, when the official SDK puts them omitted into a URL."""
    return name in ("id", "slug") or name.endswith("_id")


def _sample(name: str, annotation: object, depth: int = 0) -> object:
    if name in NAMES:
        return NAMES[name]
    text = annotation if isinstance(annotation, str) else repr(annotation)
    if "IO[bytes]" in text or "FileTypes" in text:
        return FILE
    if annotation is bytes:
        return {"$bytes": f"corpus-{name}"}
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = [item for item in arguments if item is not type(None) and "NotGiven" not in repr(item)]
        members = [item for item in members if "Omit" not in repr(item)] or members
        return _sample(name, members[0], depth) if members else f"corpus-{name}"
    if origin is typing.Literal:
        return arguments[0]
    if origin is typing.Annotated:
        return _sample(name, arguments[0], depth)
    if origin in (list, collections.abc.Sequence, collections.abc.Iterable, set):
        return [_sample(name.removesuffix("s"), arguments[0], depth + 1) if arguments else f"corpus-{name}"]
    if origin in (dict, collections.abc.Mapping) or annotation is dict:
        return {"key": "value"}
    if annotation is bool:
        return True
    if annotation is int:
        return 1
    if annotation is float:
        return 0.5
    if typing.is_typeddict(annotation) and depth < 3:
        hints = typing.get_type_hints(annotation)
        required: frozenset[str] = getattr(annotation, "__required_keys__", frozenset())
        return {key: _sample(key, hints[key], depth + 1) for key in sorted(required)}
    if isinstance(annotation, str):
        return _sample_text(name, annotation)
    return f"corpus-{name.replace('_', '-')}"


def _sample_text(name: str, text: str) -> object:
    """A sample for an annotation left as text (modules with postponed annotations that do not resolve)."""
    first = re.sub(r"^(Optional|Union)\[", "", text.strip("'\"")).split(",")[0].strip()
    literal = re.match(r"Literal\[['\"]([^'\"]*)['\"]", first)
    if literal:
        return literal.group(1)
    simple: dict[str, object] = {"bool": True, "int": 1, "float": 0.5}
    if first in simple:
        return simple[first]
    if first.startswith(("Dict", "dict", "Mapping")):
        return {"key": "value"}
    if first.startswith(("List", "list", "Iterable", "Sequence")):
        return [f"corpus-{name.removesuffix('s')}"]
    return f"corpus-{name.replace('_', '-')}"


@contextlib.contextmanager
def _alarm(seconds: int) -> Generator[None]:
    def expire(*_: object) -> None:
        raise TimeoutError(f"the call took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


if __name__ == "__main__":
    raise SystemExit(main())
