"""A scripted MockTransport for pure unit tests of the clients (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._http import httpx

CHAT_COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-test",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


def json_response(
    status: int = 200, body: object = CHAT_COMPLETION, headers: dict[str, str] | None = None
) -> httpx.Response:
    """A JSON response for the mock transport."""
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": "application/json", **(headers or {})}
    )


@dataclass
class Script:
    """Answers requests in order (the last answer repeats) and records every request."""

    answers: list[httpx.Response | Callable[[httpx.Request], httpx.Response]] = field(default_factory=lambda: [])
    requests: list[httpx.Request] = field(default_factory=lambda: [])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            return json_response()
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return answer(request) if callable(answer) else answer

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def __iter__(self) -> Iterator[httpx.Request]:
        return iter(self.requests)


def make_client(is_async: bool, script: Script, **kwargs: Any) -> Portkey | AsyncPortkey:
    """A Portkey or AsyncPortkey client whose transport is `script` (no retries sleep longer than needed)."""
    kwargs.setdefault("base_url", "http://gateway.test/v1")
    transport = httpx.MockTransport(script)
    if is_async:
        return AsyncPortkey(http_client=httpx.AsyncClient(transport=transport), **kwargs)
    return Portkey(http_client=httpx.Client(transport=transport), **kwargs)


async def chat(client: Portkey | AsyncPortkey, **kwargs: Any) -> Any:
    """One chat completion through either client."""
    kwargs.setdefault("model", "gpt-test")
    kwargs.setdefault("messages", [{"role": "user", "content": "hi"}])
    if isinstance(client, AsyncPortkey):
        return await client.chat.completions.create(**kwargs)
    return client.chat.completions.create(**kwargs)
