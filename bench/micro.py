"""Micro-measurements of single steps of the hot paths, run as a script in our client's environment.

`python bench/micro.py <bodies.json>` prints one JSON object: for each step, the best (minimum over repeats) time of
one call in microseconds, plus a few consistency flags. The bodies file holds the bench server's chat completion
body, one stream chunk body, the whole 50-event stream body and the response headers. Each step goes through the
same openai hook on a plain `openai.OpenAI` and on our `Portkey`, so the difference is what our overrides add; the
`validate_json_*` steps show what pydantic-core's JSON validation would cost instead of openai's construction.
"""

from __future__ import annotations

import json
import sys
import timeit
from collections.abc import Callable
from typing import Any

_REPEAT = 7


def _best_us(steps: dict[str, tuple[Callable[[], object], int]]) -> dict[str, float]:
    """Minimum time per call of each step; rounds run every step in turn, so drift hits all steps alike."""
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(_REPEAT):
        for name, (function, number) in steps.items():
            best[name] = min(best[name], timeit.timeit(function, number=number) / number * 1e6)
    return best


def main() -> None:
    """Time each step and print the results as JSON."""
    from openai import OpenAI
    from openai._models import FinalRequestOptions
    from openai._utils import maybe_transform
    from openai.types.chat import ChatCompletion, ChatCompletionChunk, completion_create_params

    from portkey_ai import Portkey, get_headers
    from portkey_ai._http import httpx

    with open(sys.argv[1]) as file:
        bodies: dict[str, Any] = json.load(file)
    chat_body, chunk_body = bodies["chat"].encode(), bodies["chunk"].encode()
    stream_body = bodies["stream"].encode()
    events = stream_body.count(b"\n\n")
    headers = [(str(name), str(value)) for name, value in bodies["headers"]]
    response = httpx.Response(200, headers=headers, content=b"")
    params = {"model": "gpt-4o-mini", "messages": json.loads(bodies["messages"])}

    url = "http://127.0.0.1:9/v1"
    ours = Portkey(api_key="pk-bench", provider="openai", Authorization="sk-bench", base_url=url)
    plain = OpenAI(api_key="sk-bench", base_url=url, default_headers={"x-portkey-provider": "openai"})
    options = FinalRequestOptions.construct(method="post", url="/chat/completions", json_data=params)

    def process(client: Any, body: bytes, cast_to: type[Any]) -> Callable[[], object]:
        hook = client._process_response_data
        return lambda: hook(data=json.loads(body), cast_to=cast_to, response=response)

    def decode(client: Any) -> Callable[[], object]:
        return lambda: list(client._make_sse_decoder().iter_bytes(iter([stream_body])))

    parsed_ours: Any = process(ours, chat_body, ChatCompletion)()
    validated = ChatCompletion.model_validate_json(chat_body)
    chunk_validated = ChatCompletionChunk.model_validate_json(chunk_body)
    steps: dict[str, tuple[Callable[[], object], int]] = {
        "chat_json_loads": (lambda: json.loads(chat_body), 2000),
        "chat_openai_process_response_data": (process(plain, chat_body, ChatCompletion), 500),
        "chat_ours_process_response_data": (process(ours, chat_body, ChatCompletion), 500),
        "chat_validate_json": (lambda: ChatCompletion.model_validate_json(chat_body), 2000),
        "chunk_json_loads": (lambda: json.loads(chunk_body), 4000),
        "chunk_openai_process_response_data": (process(plain, chunk_body, ChatCompletionChunk), 1000),
        "chunk_ours_process_response_data": (process(ours, chunk_body, ChatCompletionChunk), 1000),
        "chunk_validate_json": (lambda: ChatCompletionChunk.model_validate_json(chunk_body), 4000),
        "sse_openai_decoder_stream": (decode(plain), 100),
        "sse_ours_decoder_stream": (decode(ours), 100),
        "get_headers": (lambda: get_headers(parsed_ours), 4000),
        "request_openai_transform_params": (
            lambda: maybe_transform(params, completion_create_params.CompletionCreateParamsNonStreaming),
            300,
        ),
        "request_openai_build_request": (lambda: plain._build_request(options), 300),
        "request_ours_build_request": (lambda: ours._build_request(options), 300),
    }
    results = _best_us(steps)
    for name in ("sse_openai_decoder", "sse_ours_decoder"):
        results[f"{name}_per_event"] = results.pop(f"{name}_stream") / events
    output: dict[str, Any] = {name: round(value, 2) for name, value in results.items()}
    output["same_dump_chat"] = validated.model_dump() == parsed_ours.model_dump()
    output["same_dump_chunk"] = (
        chunk_validated.model_dump()
        == plain._process_response_data(
            data=json.loads(chunk_body), cast_to=ChatCompletionChunk, response=response
        ).model_dump()
    )
    output["events_per_stream"] = events
    sys.stdout.write(json.dumps(output) + "\n")


if __name__ == "__main__":
    main()
