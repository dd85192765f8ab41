"""A tour of the Portkey client against a gateway: chat, streaming, async, fallback, load balancing, retries,
trace ids, response headers and the official SDK's call forms.

Run it with `make demo`, which starts a local open-source gateway and two fake providers (that inject the failures
the fallback and retry parts recover from) and runs each part.
To run it against your own gateway: `python -m examples.quickstart GATEWAY_URL PROVIDER_URL SECOND_PROVIDER_URL`,
with provider URLs the gateway can reach (OpenAI-compatible APIs).
"""

from __future__ import annotations

import asyncio
import collections
import uuid

from openai.types.chat import ChatCompletionMessageParam

from portkey_ai import AsyncPortkey, Portkey, get_headers

MODEL = "gpt-4o-mini"


def _ask(text: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "user", "content": text}]


def _target(url: str, **extra: object) -> dict[str, object]:
    return {"provider": "openai", "api_key": "sk-demo", "custom_host": url, **extra}


def chat_and_stream(gateway_url: str, provider_url: str) -> None:
    """A plain completion and a streamed one, with a trace id and the gateway's response headers."""
    trace_id = f"demo-{uuid.uuid4().hex[:8]}"
    portkey = Portkey(
        base_url=gateway_url,
        provider="openai",
        custom_host=provider_url,
        Authorization="sk-demo",
        trace_id=trace_id,
        metadata={"_user": "demo-user"},
    )
    completion = portkey.chat.completions.create(model=MODEL, messages=_ask("Hello, gateway!"))
    print(
        f"chat          -> {completion.choices[0].message.content!r} ({completion.usage.total_tokens if completion.usage else '?'} tokens)"
    )
    headers = get_headers(completion)
    print(f"trace id      -> sent {trace_id!r}, gateway echoed {headers.get('trace-id')!r}")
    print(f"headers       -> {sorted(headers)}")

    pieces: list[str] = []
    with portkey.chat.completions.create(
        model=MODEL, messages=_ask("Stream this sentence please"), stream=True, stream_options={"include_usage": True}
    ) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
    print(f"streaming     -> {len(pieces)} chunks: {''.join(pieces)!r}")
    portkey.close()


async def concurrent_async(gateway_url: str, provider_url: str) -> None:
    """Ten concurrent calls with AsyncPortkey, each with its own trace id via with_options."""
    async with AsyncPortkey(
        base_url=gateway_url, provider="openai", custom_host=provider_url, Authorization="sk-demo"
    ) as portkey:
        calls = [
            portkey.with_options(trace_id=f"async-{i}").chat.completions.create(model=MODEL, messages=_ask(f"call {i}"))
            for i in range(10)
        ]
        results = await asyncio.gather(*calls)
    echoed = [get_headers(r).get("trace-id") for r in results]
    print(f"async         -> {len(results)} concurrent answers, trace ids kept apart: {echoed[:3]}...")


def fallback(gateway_url: str, first_url: str, second_url: str) -> None:
    """Fallback: when the first target fails, the gateway answers from the second."""
    config = {"strategy": {"mode": "fallback"}, "targets": [_target(first_url), _target(second_url)]}
    with Portkey(base_url=gateway_url, config=config) as portkey:
        completion = portkey.chat.completions.create(model=MODEL, messages=_ask("Fallback, please"))
    print(
        f"fallback      -> answered by {get_headers(completion).get('last-used-option-index')!r}: "
        f"{completion.choices[0].message.content!r}"
    )


def load_balance(gateway_url: str, url_a: str, url_b: str, requests: int = 40) -> None:
    """Weighted load balancing: 75 % of the traffic to the first target, 25 % to the second."""
    config = {
        "strategy": {"mode": "loadbalance"},
        "targets": [_target(url_a, weight=0.75), _target(url_b, weight=0.25)],
    }
    counts: collections.Counter[str] = collections.Counter()
    with Portkey(base_url=gateway_url, config=config) as portkey:
        for i in range(requests):
            raw = portkey.chat.completions.with_raw_response.create(model=MODEL, messages=_ask(f"lb {i}"))
            counts[raw.headers.get("x-fake-deployment", "?")] += 1
    print(f"load balance  -> {requests} requests split {dict(counts)} (weights 0.75 / 0.25)")


def gateway_retries(gateway_url: str, provider_url: str) -> None:
    """Gateway-side retries: config `retry` makes the gateway try again on the listed status codes."""
    config = {"retry": {"attempts": 3, "on_status_codes": [503]}, **_target(provider_url)}
    with Portkey(base_url=gateway_url, config=config) as portkey:
        completion = portkey.chat.completions.create(model=MODEL, messages=_ask("retry me"))
    print(
        f"gateway retry -> answered after {get_headers(completion).get('retry-attempt-count')} gateway retries: "
        f"{completion.choices[0].message.content!r}"
    )


def client_retries(gateway_url: str, provider_url: str) -> None:
    """Client-side retries: `max_retries` retries 429/5xx and connection errors with backoff and Retry-After."""
    with Portkey(
        base_url=gateway_url, provider="openai", custom_host=provider_url, Authorization="sk-demo", max_retries=2
    ) as portkey:
        raw = portkey.chat.completions.with_raw_response.create(model=MODEL, messages=_ask("client retry"))
    print(
        f"client retry  -> answered after {raw.retries_taken} client retries: {raw.parse().choices[0].message.content!r}"
    )


def official_forms(gateway_url: str, provider_url: str) -> None:
    """Code written for the official portkey-ai SDK: options read back as attributes, provider keywords in the body,
    and the `post(url, **body)` escape hatch for endpoints without a method."""
    official = Portkey(base_url=gateway_url, provider="openai", custom_host=provider_url, Authorization="sk-demo")
    completion = official.chat.completions.create(model=MODEL, messages=_ask("official call"), seed=7)
    generic = official.post("/chat/completions", model=MODEL, messages=_ask("via post"))  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    print(
        f"official SDK  -> provider {official.provider!r}, {completion.choices[0].message.content!r}, "  # pyright: ignore[reportAttributeAccessIssue]
        f"post(): {generic['choices'][0]['message']['content']!r}"
    )
    official.close()


def main(gateway_url: str, provider_url: str, second_provider_url: str) -> None:
    """Run every part of the tour."""
    print(f"gateway: {gateway_url}\nproviders: {provider_url}, {second_provider_url}\n")
    chat_and_stream(gateway_url, provider_url)
    asyncio.run(concurrent_async(gateway_url, provider_url))
    fallback(gateway_url, provider_url, second_provider_url)
    load_balance(gateway_url, provider_url, second_provider_url)
    gateway_retries(gateway_url, provider_url)
    client_retries(gateway_url, provider_url)
    official_forms(gateway_url, provider_url)


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 4:
        sys.exit("usage: python -m examples.quickstart GATEWAY_URL PROVIDER_URL SECOND_PROVIDER_URL")
    main(*sys.argv[1:4])
