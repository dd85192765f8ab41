"""instructor: `instructor.from_openai(Portkey(...))` and `from_openai(AsyncPortkey(...))` with a pydantic model."""

from __future__ import annotations

import instructor
from pydantic import BaseModel

from portkey_ai import AsyncPortkey, Portkey
from tests.consumers.conftest import Expected
from tests.servers.fake_provider import FakeProvider

PROMPT = "Extract the user: 'Jason' is 25 years old"


class User(BaseModel):
    name: str
    age: int


def test_from_openai_extracts_a_model(portkey: Portkey, fake_provider: FakeProvider, expected: Expected) -> None:
    client = instructor.from_openai(portkey)
    user = client.chat.completions.create(
        model="gpt-4o-mini", response_model=User, messages=[{"role": "user", "content": PROMPT}]
    )
    assert isinstance(user, User)
    assert user.model_dump() == {"name": "Jason", "age": 25}
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["tool_choice"] == {"type": "function", "function": {"name": "User"}}


async def test_from_openai_extracts_a_model_async(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    client = instructor.from_openai(async_portkey)
    user = await client.chat.completions.create(
        model="gpt-4o-mini", response_model=User, messages=[{"role": "user", "content": PROMPT}]
    )
    assert isinstance(user, User)
    assert user.model_dump() == {"name": "Jason", "age": 25}
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)


def test_json_schema_mode(portkey: Portkey, fake_provider: FakeProvider, expected: Expected) -> None:
    client = instructor.from_openai(portkey, mode=instructor.Mode.JSON_SCHEMA)
    user, completion = client.chat.completions.create_with_completion(
        model="gpt-4o-mini", response_model=User, messages=[{"role": "user", "content": PROMPT}]
    )
    # The fake provider answers a JSON schema with its example values ("text" for strings, 1 for integers).
    assert isinstance(user, User)
    assert user.model_dump() == {"name": "text", "age": 1}
    assert completion.get_headers() is not None  # a Portkey response object reached instructor
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["response_format"]["type"] == "json_schema"


async def test_partial_streaming_async(
    async_portkey: AsyncPortkey, fake_provider: FakeProvider, expected: Expected
) -> None:
    client = instructor.from_openai(async_portkey)
    partials = [
        partial
        async for partial in client.chat.completions.create_partial(
            model="gpt-4o-mini", response_model=User, messages=[{"role": "user", "content": PROMPT}]
        )
    ]
    assert partials[-1].model_dump() == {"name": "Jason", "age": 25}
    (request,) = fake_provider.wait_for_requests(1)
    expected.check(request)
    assert request.json["stream"] is True
