"""One measurement of one contender, run as a script inside that contender's virtual environment.

`python bench/child.py '<json spec>'` prints one JSON object on stdout. The script only uses the standard library
and the contender's own packages (it is never imported as part of the `bench` package), so the same file works in
every environment the suite creates. Every response is checked (content, chunk count), so a contender cannot look
fast by failing.

Spec keys: `contender` (`ours`, `official`, `openai`, `httpx2`), `metric` (`first_request`, `session`, `memory`,
`profile`, `info`), `base_url`, `custom_host` (gateway mode), the expected answers (`answer`, `stream_text`,
`stream_chunks`, `tool_name`, `tool_arguments`, `usage_stream_text`, `usage_stream_chunks`, `usage_total_tokens`) and
the metric's sizes (`chat_n`, `stream_n`, `tool_n`, `usage_stream_n`, `throughput_n`, `concurrency`, `checkpoint`,
...).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import override
else:

    def override(function: Any) -> Any:
        """`typing_extensions.override` for the type checkers; this script stays standard-library only."""
        return function


API_KEY = "pk-bench-0123456789"
PROVIDER_KEY = "sk-bench-0123456789"
MODEL = "gpt-4o-mini"
MESSAGES = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Say something about gateways."},
]
TOOL_MESSAGES = [
    {"role": "system", "content": "You answer with the tools you are given."},
    {"role": "user", "content": "What is the weather in Paris, in Celsius?"},
]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "The city, e.g. Paris"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "The local time in a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    },
]
TOOL_CHOICE = {"type": "function", "function": {"name": "get_weather"}}
USAGE = {"include_usage": True}

IMPORTS = {
    "ours": "import portkey_ai",
    "official": "import portkey_ai",
    "openai": "import openai",
    "httpx2": "import httpx2",
}
"""The statement whose cost the cold-import metric measures, per contender."""


class Contender:
    """The four operations every contender implements, on top of its own library."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.base_url: str = spec["base_url"]
        self.custom_host: str | None = spec.get("custom_host")

    def sync_client(self) -> Any:
        """A new synchronous client."""
        raise NotImplementedError

    def async_client(self) -> Any:
        """A new asynchronous client."""
        raise NotImplementedError

    def chat(self, client: Any) -> str:
        """One chat completion; returns the assistant's content."""
        raise NotImplementedError

    def stream(self, client: Any) -> tuple[int, str]:
        """One streamed chat completion; returns the number of chunks and the concatenated content."""
        raise NotImplementedError

    def tool_chat(self, client: Any) -> tuple[str, str]:
        """One chat completion with `tools` and `tool_choice`; returns the called function's name and arguments."""
        raise NotImplementedError

    def usage_stream(self, client: Any) -> tuple[int, str, int]:
        """One streamed chat completion with `stream_options={"include_usage": True}`; returns the number of chunks,
        the concatenated content and the `usage.total_tokens` of the last chunk."""
        raise NotImplementedError

    async def achat(self, client: Any) -> str:
        """One chat completion on the asynchronous client."""
        raise NotImplementedError

    def close(self, client: Any) -> None:
        """Close a synchronous client."""
        client.close()

    async def aclose(self, client: Any) -> None:
        """Close an asynchronous client."""
        await client.close()


class _OpenAIShaped(Contender):
    """Shared code of the three contenders whose clients have openai's resource API."""

    @override
    def chat(self, client: Any) -> str:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return str(completion.choices[0].message.content)

    @override
    def stream(self, client: Any) -> tuple[int, str]:
        count = 0
        parts: list[str] = []
        for chunk in client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
            count += 1
            content = chunk.choices[0].delta.content
            if content:
                parts.append(content)
        return count, "".join(parts)

    @override
    def tool_chat(self, client: Any) -> tuple[str, str]:
        completion = client.chat.completions.create(
            model=MODEL, messages=TOOL_MESSAGES, tools=TOOLS, tool_choice=TOOL_CHOICE
        )
        function = completion.choices[0].message.tool_calls[0].function
        return str(function.name), str(function.arguments)

    @override
    def usage_stream(self, client: Any) -> tuple[int, str, int]:
        count = 0
        total = 0
        parts: list[str] = []
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True, stream_options=USAGE)
        for chunk in stream:
            count += 1
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
            if chunk.usage is not None:
                total = chunk.usage.total_tokens
        return count, "".join(parts), total

    @override
    async def achat(self, client: Any) -> str:
        completion = await client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return str(completion.choices[0].message.content)


class Ours(_OpenAIShaped):
    """This repository's portkey-core."""

    def _kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "api_key": API_KEY,
            "provider": "openai",
            "Authorization": PROVIDER_KEY,
            "base_url": self.base_url,
        }
        if self.custom_host:
            kwargs["custom_host"] = self.custom_host
        return kwargs

    @override
    def sync_client(self) -> Any:
        return import_module("portkey_ai").Portkey(**self._kwargs())

    @override
    def async_client(self) -> Any:
        return import_module("portkey_ai").AsyncPortkey(**self._kwargs())


class Official(Ours):
    """The official `portkey-ai` SDK from PyPI (same constructor arguments)."""

    @override
    def close(self, client: Any) -> None:
        client.openai_client.close()

    @override
    async def aclose(self, client: Any) -> None:
        await client.openai_client.close()


def _portkey_headers(custom_host: str | None) -> dict[str, str]:
    headers = {"x-portkey-api-key": API_KEY, "x-portkey-provider": "openai"}
    if custom_host:
        headers["x-portkey-custom-host"] = custom_host
    return headers


class PlainOpenAI(_OpenAIShaped):
    """The `openai` package with the Portkey headers set by hand."""

    def _kwargs(self) -> dict[str, Any]:
        return {
            "api_key": PROVIDER_KEY,
            "base_url": self.base_url,
            "default_headers": _portkey_headers(self.custom_host),
        }

    @override
    def sync_client(self) -> Any:
        return import_module("openai").OpenAI(**self._kwargs())

    @override
    def async_client(self) -> Any:
        return import_module("openai").AsyncOpenAI(**self._kwargs())


class RawHttpx2(Contender):
    """`httpx2` alone: the floor (JSON in, dicts out, SSE lines split by hand)."""

    def _kwargs(self) -> dict[str, Any]:
        httpx2 = import_module("httpx2")
        headers = {"authorization": f"Bearer {PROVIDER_KEY}", **_portkey_headers(self.custom_host)}
        return {
            "base_url": self.base_url,
            "headers": headers,
            "timeout": httpx2.Timeout(600.0, connect=5.0),
            "limits": httpx2.Limits(max_connections=1000, max_keepalive_connections=100),
        }

    @override
    def sync_client(self) -> Any:
        return import_module("httpx2").Client(**self._kwargs())

    @override
    def async_client(self) -> Any:
        return import_module("httpx2").AsyncClient(**self._kwargs())

    @override
    def chat(self, client: Any) -> str:
        response = client.post("/chat/completions", json={"model": MODEL, "messages": MESSAGES})
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    @override
    def stream(self, client: Any) -> tuple[int, str]:
        count, text, _ = self._stream(client, {"model": MODEL, "messages": MESSAGES, "stream": True})
        return count, text

    @override
    def usage_stream(self, client: Any) -> tuple[int, str, int]:
        return self._stream(client, {"model": MODEL, "messages": MESSAGES, "stream": True, "stream_options": USAGE})

    def _stream(self, client: Any, body: dict[str, Any]) -> tuple[int, str, int]:
        count = 0
        total = 0
        parts: list[str] = []
        with client.stream("POST", "/chat/completions", json=body) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                count += 1
                chunk = json.loads(line[6:])
                if chunk["choices"]:
                    content = chunk["choices"][0]["delta"].get("content")
                    if content:
                        parts.append(content)
                if chunk.get("usage") is not None:
                    total = chunk["usage"]["total_tokens"]
        return count, "".join(parts), total

    @override
    def tool_chat(self, client: Any) -> tuple[str, str]:
        body = {"model": MODEL, "messages": TOOL_MESSAGES, "tools": TOOLS, "tool_choice": TOOL_CHOICE}
        response = client.post("/chat/completions", json=body)
        response.raise_for_status()
        function = response.json()["choices"][0]["message"]["tool_calls"][0]["function"]
        return str(function["name"]), str(function["arguments"])

    @override
    async def achat(self, client: Any) -> str:
        response = await client.post("/chat/completions", json={"model": MODEL, "messages": MESSAGES})
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    @override
    async def aclose(self, client: Any) -> None:
        await client.aclose()


CONTENDERS: dict[str, type[Contender]] = {
    "ours": Ours,
    "official": Official,
    "openai": PlainOpenAI,
    "httpx2": RawHttpx2,
}


def _check(what: str, got: object, expected: object) -> None:
    if got != expected:
        raise SystemExit(f"bench child: unexpected {what}: {got!r} (expected {expected!r})")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def first_request(contender: Contender, spec: dict[str, Any]) -> dict[str, Any]:
    """Import, construct and send one chat request (the parent times the whole process)."""
    client = contender.sync_client()
    _check("content", contender.chat(client), spec["answer"])
    return {}


def _construct(contender: Contender, spec: dict[str, Any]) -> tuple[Any, dict[str, float]]:
    """The first construction of a client after its module is imported (the import is not timed)."""
    exec(IMPORTS[spec["contender"]], {})
    if spec["contender"] in ("ours", "official"):
        getattr(import_module("portkey_ai"), "Portkey")  # noqa: B009  (resolving a lazy attribute imports the client)
    clients: list[Any] = []
    wall, cpu = _timed(lambda: clients.append(contender.sync_client()))
    return clients[0], {"construct_first_wall": wall, "construct_first_cpu": cpu}


def _construct_repeated(contender: Contender, n: int) -> dict[str, float]:
    clients: list[Any] = []
    wall, cpu = _timed(lambda: clients.extend(contender.sync_client() for _ in range(n)))
    for client in clients:
        contender.close(client)
    return {"construct_repeat_wall": wall / n, "construct_repeat_cpu": cpu / n}


def _chat(contender: Contender, client: Any, spec: dict[str, Any]) -> dict[str, float]:
    answer = spec["answer"]
    for _ in range(spec["chat_warmup"]):
        _check("content", contender.chat(client), answer)
    n: int = spec["chat_n"]
    results: list[str] = []
    wall, cpu = _timed(lambda: results.extend(contender.chat(client) for _ in range(n)))
    _check("contents", set(results), {answer})
    return {"chat_wall_per_request": wall / n, "chat_cpu_per_request": cpu / n}


def _stream(contender: Contender, client: Any, spec: dict[str, Any]) -> dict[str, float]:
    expected = (spec["stream_chunks"], spec["stream_text"])
    for _ in range(spec["stream_warmup"]):
        _check("stream", contender.stream(client), expected)
    n: int = spec["stream_n"]
    results: list[tuple[int, str]] = []
    wall, cpu = _timed(lambda: results.extend(contender.stream(client) for _ in range(n)))
    _check("streams", set(results), {expected})
    chunks = n * spec["stream_chunks"]
    return {"stream_wall_per_chunk": wall / chunks, "stream_cpu_per_chunk": cpu / chunks}


def _tool_chat(contender: Contender, client: Any, spec: dict[str, Any]) -> dict[str, float]:
    expected = (spec["tool_name"], spec["tool_arguments"])
    for _ in range(spec["tool_warmup"]):
        _check("tool call", contender.tool_chat(client), expected)
    n: int = spec["tool_n"]
    results: list[tuple[str, str]] = []
    wall, cpu = _timed(lambda: results.extend(contender.tool_chat(client) for _ in range(n)))
    _check("tool calls", set(results), {expected})
    return {"tool_chat_wall_per_request": wall / n, "tool_chat_cpu_per_request": cpu / n}


def _usage_stream(contender: Contender, client: Any, spec: dict[str, Any]) -> dict[str, float]:
    expected = (spec["usage_stream_chunks"], spec["usage_stream_text"], spec["usage_total_tokens"])
    for _ in range(spec["usage_stream_warmup"]):
        _check("stream with usage", contender.usage_stream(client), expected)
    n: int = spec["usage_stream_n"]
    results: list[tuple[int, str, int]] = []
    wall, cpu = _timed(lambda: results.extend(contender.usage_stream(client) for _ in range(n)))
    _check("streams with usage", set(results), {expected})
    chunks = n * spec["usage_stream_chunks"]
    return {"usage_stream_wall_per_chunk": wall / chunks, "usage_stream_cpu_per_chunk": cpu / chunks}


def _throughput(contender: Contender, spec: dict[str, Any], profiler: Any = None) -> dict[str, float]:
    """`throughput_n` requests on a new asynchronous client, `concurrency` in flight, after one untimed wave."""
    import asyncio

    concurrency: int = spec["concurrency"]
    n: int = spec["throughput_n"]
    answer = spec["answer"]

    async def wave(client: Any, total: int) -> list[str]:
        semaphore = asyncio.Semaphore(concurrency)

        async def one() -> str:
            async with semaphore:
                return await contender.achat(client)

        return await asyncio.gather(*(one() for _ in range(total)))

    async def run() -> dict[str, float]:
        client = contender.async_client()
        _check("contents", set(await wave(client, concurrency)), {answer})
        if profiler is not None:
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        results = await wave(client, n)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
        _check("contents", set(results), {answer})
        await contender.aclose(client)
        return {"throughput_requests_per_second": n / wall, "throughput_cpu_per_request": cpu / n}

    return asyncio.run(run())


def session(contender: Contender, spec: dict[str, Any]) -> dict[str, Any]:
    """Client construction, sequential chat, streaming, tool calls, streams with usage and async throughput, in one
    process (one import)."""
    client, results = _construct(contender, spec)
    results.update(_chat(contender, client, spec))
    results.update(_stream(contender, client, spec))
    results.update(_tool_chat(contender, client, spec))
    results.update(_usage_stream(contender, client, spec))
    contender.close(client)
    results.update(_construct_repeated(contender, spec["construct_n"]))
    results.update(_throughput(contender, spec))
    return results


def memory(contender: Contender, spec: dict[str, Any]) -> dict[str, Any]:
    """Peak RSS after `n` sequential chat requests, and growth (RSS, live objects) from `checkpoint` to `n`."""
    client = contender.sync_client()
    answer = spec["answer"]
    checkpoint: int = spec["checkpoint"]
    n: int = spec["n"]
    for _ in range(checkpoint):
        _check("content", contender.chat(client), answer)
    gc.collect()
    rss_before, objects_before = _rss_bytes(), len(gc.get_objects())
    for _ in range(n - checkpoint):
        _check("content", contender.chat(client), answer)
    gc.collect()
    rss_after, objects_after = _rss_bytes(), len(gc.get_objects())
    return {
        "peak_rss": _peak_rss_bytes(),
        "rss_growth": rss_after - rss_before,
        "object_growth": objects_after - objects_before,
    }


def profile(contender: Contender, spec: dict[str, Any]) -> dict[str, Any]:
    """cProfile of one `workload`, stats written to `profile_path`: `first_request` (import, client and one chat
    request in this fresh process), `chat`, `stream`, `tools`, `usage_stream` (`n` of them after `warmup`) or
    `throughput`."""
    import cProfile

    profiler = cProfile.Profile()
    workload: str = spec["workload"]
    results: dict[str, Any] = {}
    if workload == "first_request":
        profiler.enable()
        contender.chat(contender.sync_client())
        profiler.disable()
    elif workload == "throughput":
        results.update(_throughput(contender, spec, profiler))
    else:
        client = contender.sync_client()
        operations: dict[str, Callable[[Any], object]] = {
            "chat": contender.chat,
            "stream": contender.stream,
            "tools": contender.tool_chat,
            "usage_stream": contender.usage_stream,
        }
        work = operations[workload]
        for _ in range(spec["warmup"]):
            work(client)
        n: int = spec["n"]
        profiler.enable()
        for _ in range(n):
            work(client)
        profiler.disable()
    profiler.dump_stats(spec["profile_path"])
    return results


def info(_contender: Contender, _spec: dict[str, Any]) -> dict[str, Any]:
    """Versions of the packages that matter, as installed in this environment."""
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str] = {"python": sys.version.split()[0]}
    for package in ("portkey-core", "portkey-ai", "openai", "httpx2", "httpx", "pydantic", "pydantic-core"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            continue
    return versions


METRICS: dict[str, Callable[[Contender, dict[str, Any]], dict[str, Any]]] = {
    "first_request": first_request,
    "session": session,
    "memory": memory,
    "profile": profile,
    "info": info,
}


def main() -> None:
    """Run the metric named in the JSON spec (first argument) and print its result as JSON."""
    spec: dict[str, Any] = json.loads(sys.argv[1])
    contender = CONTENDERS[spec["contender"]](spec)
    result = METRICS[spec["metric"]](contender, spec)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
