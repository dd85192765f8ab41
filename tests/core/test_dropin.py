"""The drop-in adapter: the official SDK's calls on openai's inherited methods and core's resources, sync and async."""

from __future__ import annotations

import inspect
import io
import json
from typing import Any

import pytest
from openai.resources import AsyncEmbeddings, Embeddings
from openai.resources.chat import AsyncCompletions, Completions

from portkey_ai import AsyncPortkey, Portkey
from portkey_ai._dropin import UNDECLARED, accept_extra_keywords
from portkey_ai._http import httpx
from tests.core.mock_transport import Script, json_response, make_client

pytestmark = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


def resolve(client: Portkey | AsyncPortkey, path: str) -> Any:
    target: Any = client
    for name in path.split("."):
        target = getattr(target, name)
    return target


async def call(client: Portkey | AsyncPortkey, target: str, /, *args: Any, **kwargs: Any) -> Any:
    result = resolve(client, target)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


def body(request: httpx.Request) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(request.content)
    return loaded


MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]


class TestModelDefault:
    @pytest.mark.parametrize(
        ("path", "kwargs", "answer"),
        [
            ("chat.completions.create", {"messages": MESSAGES}, None),
            ("chat.completions.parse", {"messages": MESSAGES}, None),
            ("beta.chat.completions.parse", {"messages": MESSAGES}, None),
            (
                "embeddings.create",
                {"input": "hello"},
                {
                    "object": "list",
                    "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}],
                    "model": "m",
                    "usage": {},
                },
            ),
        ],
    )
    async def test_model_defaults_to_portkey_default(
        self, is_async: bool, path: str, kwargs: dict[str, Any], answer: object
    ) -> None:
        script = Script([json_response(body=answer)] if answer is not None else [])
        client = make_client(is_async, script)
        await call(client, path, **kwargs)
        assert body(script.last)["model"] == "portkey-default"

    async def test_explicit_model_is_kept(self, is_async: bool) -> None:
        script = Script()
        await call(make_client(is_async, script), "chat.completions.create", messages=MESSAGES, model="gpt-x")
        assert body(script.last)["model"] == "gpt-x"

    async def test_completions_without_model_or_prompt(self, is_async: bool) -> None:
        answer = {"id": "c", "object": "text_completion", "created": 1, "model": "m", "choices": []}
        script = Script([json_response(body=answer)])
        await call(make_client(is_async, script), "completions.create", max_tokens=5)
        assert body(script.last) == {"model": "portkey-default", "prompt": None, "max_tokens": 5}

    async def test_chat_stream_helper_without_model(self, is_async: bool) -> None:
        events = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}\n\n'
        script = Script(
            [httpx.Response(200, content=events + b"data: [DONE]\n\n", headers={"content-type": "text/event-stream"})]
        )
        client = make_client(is_async, script)
        if isinstance(client, AsyncPortkey):
            async with client.chat.completions.stream(messages=MESSAGES) as stream:  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
                async for _ in stream:
                    pass
        else:
            with client.chat.completions.stream(messages=MESSAGES) as stream:  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
                for _ in stream:
                    pass
        assert body(script.last)["model"] == "portkey-default"


class TestUndeclaredKeywords:
    async def test_post_sends_them_in_the_body(self, is_async: bool) -> None:
        script = Script()
        await call(
            make_client(is_async, script),
            "chat.completions.create",
            model="m",
            messages=MESSAGES,
            top_k=5,
            safety_settings=[{"category": "x"}],
        )
        sent = body(script.last)
        assert sent["top_k"] == 5
        assert sent["safety_settings"] == [{"category": "x"}]
        assert UNDECLARED not in sent

    async def test_explicit_extra_body_wins(self, is_async: bool) -> None:
        script = Script()
        await call(
            make_client(is_async, script),
            "chat.completions.create",
            model="m",
            messages=MESSAGES,
            top_k=5,
            extra_body={"top_k": 6, "other": True},
        )
        sent = body(script.last)
        assert (sent["top_k"], sent["other"]) == (6, True)

    async def test_get_sends_them_in_the_query(self, is_async: bool) -> None:
        script = Script([json_response(body={"object": "list", "data": []})])
        await call(make_client(is_async, script), "models.list", region="eu", extra_query={"tier": "1"})
        assert script.last.method == "GET"
        assert dict(script.last.url.params) == {"region": "eu", "tier": "1"}
        assert script.last.content == b""

    async def test_explicit_extra_query_wins(self, is_async: bool) -> None:
        script = Script([json_response(body={"object": "list", "data": []})])
        await call(make_client(is_async, script), "models.list", region="eu", extra_query={"region": "us"})
        assert dict(script.last.url.params) == {"region": "us"}

    async def test_delete_sends_them_in_the_query(self, is_async: bool) -> None:
        script = Script([json_response(body={"id": "file-1", "object": "file", "deleted": True})])
        await call(make_client(is_async, script), "files.delete", "file-1", hard="true")
        assert (script.last.method, script.last.url.path) == ("DELETE", "/v1/files/file-1")
        assert dict(script.last.url.params) == {"hard": "true"}

    async def test_retries_send_them_again(self, is_async: bool) -> None:
        script = Script([json_response(status=500, body={"error": {"message": "x"}}), json_response()])
        client = make_client(is_async, script, max_retries=1)
        client = client.with_options(timeout=httpx.Timeout(5.0))
        await call(client, "chat.completions.create", model="m", messages=MESSAGES, top_k=5)
        assert [body(request)["top_k"] for request in script] == [5, 5]

    async def test_raw_and_streaming_response_wrappers(self, is_async: bool) -> None:
        script = Script()
        client = make_client(is_async, script)
        raw = await call(client, "with_raw_response.chat.completions.create", messages=MESSAGES, top_k=1)
        assert body(script.last)["top_k"] == 1
        assert raw.parse().choices[0].message.content == "hello"
        raw = await call(client, "chat.completions.with_raw_response.create", messages=MESSAGES, top_k=2)
        assert body(script.last)["top_k"] == 2
        manager = resolve(client, "chat.completions.with_streaming_response.create")(messages=MESSAGES, top_k=3)
        if isinstance(client, AsyncPortkey):
            async with manager as response:
                await response.read()
        else:
            with manager as response:
                response.read()
        assert body(script.last)["top_k"] == 3

    async def test_core_resources_take_them(self, is_async: bool) -> None:
        script = Script([json_response(body={"status": "success", "message": "ok", "feedback_ids": ["f"]})])
        await call(make_client(is_async, script), "feedback.create", trace_id="t", value=1, source="app")
        assert body(script.last)["source"] == "app"

    async def test_a_method_without_extra_arguments_still_rejects_them(self, is_async: bool) -> None:
        client = make_client(is_async, Script())
        with pytest.raises(TypeError):
            client.webhooks.verify_signature(b"{}", {}, secret="s", bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]

    def test_accept_extra_keywords_on_a_bound_method(self, is_async: bool) -> None:
        client = make_client(is_async, Script())
        create = accept_extra_keywords(client.chat.completions.create)
        assert inspect.iscoroutinefunction(create) is is_async
        assert inspect.signature(create) == inspect.signature(client.chat.completions.create)


class TestOfficialForms:
    async def test_files_create_positional(self, is_async: bool) -> None:
        answer = {
            "id": "file-1",
            "object": "file",
            "bytes": 2,
            "created_at": 1,
            "filename": "a.jsonl",
            "purpose": "batch",
        }
        script = Script([json_response(body=answer)])
        await call(make_client(is_async, script), "files.create", ("a.jsonl", io.BytesIO(b"{}")), "batch")
        assert script.last.url.path == "/v1/files"
        assert b'name="purpose"\r\n\r\nbatch' in script.last.content

    async def test_files_create_positional_and_keyword_clash(self, is_async: bool) -> None:
        client = make_client(is_async, Script())
        with pytest.raises(TypeError, match="'file'"):
            await call(client, "files.create", ("a", b"x"), file=("b", b"y"), purpose="batch")

    async def test_speech_stream_flag(self, is_async: bool) -> None:
        script = Script([httpx.Response(200, content=b"ID3audio", headers={"content-type": "audio/mpeg"})])
        client = make_client(is_async, script)
        manager = await call(client, "audio.speech.create", input="hi", model="tts-1", voice="alloy", stream=True)
        if isinstance(client, AsyncPortkey):
            async with manager as response:
                assert await response.read() == b"ID3audio"
        else:
            with manager as response:
                assert response.read() == b"ID3audio"
        assert "stream" not in body(script.last)

    async def test_speech_without_stream(self, is_async: bool) -> None:
        script = Script([httpx.Response(200, content=b"ID3audio", headers={"content-type": "audio/mpeg"})])
        client = make_client(is_async, script)
        response = await call(client, "audio.speech.create", input="hi", model="tts-1", voice="alloy", stream=False)
        assert response.content == b"ID3audio"
        assert "stream" not in body(script.last)


class TestResourcesStayOpenai:
    def test_instances_and_names(self, is_async: bool) -> None:
        client = make_client(is_async, Script())
        completions = client.chat.completions
        expected = AsyncCompletions if is_async else Completions
        assert isinstance(completions, expected)
        assert type(completions).__name__ == expected.__name__
        assert client.chat.completions is completions
        assert isinstance(client.embeddings, AsyncEmbeddings if is_async else Embeddings)

    def test_copies_are_adapted_too(self, is_async: bool) -> None:
        client = make_client(is_async, Script()).with_options(trace_id="t")
        assert type(client.chat.completions) is not (AsyncCompletions if is_async else Completions)


class TestEscapeHatches:
    async def test_post_url_and_body(self, is_async: bool) -> None:
        script = Script(
            [json_response(body={"results": [{"index": 0}], "success": True}, headers={"x-portkey-trace-id": "t1"})]
        )
        client = make_client(is_async, script)
        result = await call(client, "post", "/rerank", model="m", query="q", documents=["a"], headers={"x-custom": "1"})
        assert (script.last.method, script.last.url.path) == ("POST", "/v1/rerank")
        assert body(script.last) == {"model": "m", "query": "q", "documents": ["a"]}
        assert script.last.headers["x-custom"] == "1"
        assert result.success is True
        assert result.results == [{"index": 0}]
        assert result["results"] == [{"index": 0}]
        assert result.get("missing", "default") == "default"
        assert result.get_headers()["trace-id"] == "t1"

    async def test_post_url_by_keyword(self, is_async: bool) -> None:
        script = Script([json_response(body={})])
        await call(make_client(is_async, script), "post", url="/x", a=1)
        assert (script.last.url.path, body(script.last)) == ("/v1/x", {"a": 1})

    async def test_post_stream(self, is_async: bool) -> None:
        events = b'data: {"delta": "a"}\n\ndata: {"delta": "b"}\n\ndata: [DONE]\n\n'
        script = Script([httpx.Response(200, content=events, headers={"content-type": "text/event-stream"})])
        client = make_client(is_async, script)
        stream = await call(client, "post", "/prompts/p/completions", stream=True, variables={})
        if isinstance(client, AsyncPortkey):
            deltas = [event.delta async for event in stream]
        else:
            deltas = [event.delta for event in stream]
        assert deltas == ["a", "b"]
        assert body(script.last) == {"variables": {}, "stream": True}

    @pytest.mark.parametrize("verb", ["get", "delete"])
    async def test_get_and_delete_return_the_http_response(self, is_async: bool, verb: str) -> None:
        script = Script([json_response(body={"ok": True})])
        response = await call(make_client(is_async, script), verb, path="/configs/c1", headers={"x-custom": "2"})
        assert (script.last.method, script.last.url.path) == (verb.upper(), "/v1/configs/c1")
        assert script.last.headers["x-custom"] == "2"
        assert isinstance(response, httpx.Response)
        assert response.json() == {"ok": True}

    async def test_put_body(self, is_async: bool) -> None:
        script = Script([json_response(body={"ok": True})])
        response = await call(make_client(is_async, script), "put", path="/configs/c1", body={"name": "n"})
        assert (script.last.method, body(script.last)) == ("PUT", {"name": "n"})
        assert response.status_code == 200

    async def test_official_cast_to(self, is_async: bool) -> None:
        from portkey_ai import GenericResponse

        script = Script([json_response(body={"success": True, "data": [1]})])
        result = await call(make_client(is_async, script), "get", path="/x", cast_to=GenericResponse, headers={})
        assert isinstance(result, GenericResponse)
        assert result.data == [1]

    async def test_openai_forms_go_straight_through(self, is_async: bool) -> None:
        from portkey_ai import GenericResponse

        script = Script([json_response(body={"success": True})])
        result = await call(make_client(is_async, script), "post", "/x", cast_to=GenericResponse, body={"a": 1})
        assert isinstance(result, GenericResponse)
        assert body(script.last) == {"a": 1}

    @pytest.mark.parametrize(
        ("verb", "args", "kwargs", "message"),
        [
            ("post", (), {"a": 1}, "`url` must be a non-empty string"),
            ("post", (5,), {}, "`url` must be a non-empty string, not int"),
            ("get", ("/a", "/b"), {}, "one positional argument"),
            ("get", (), {"path": "/a", "extra": 1}, "unexpected keyword arguments: extra"),
            ("put", (), {"path": "/a", "headers": "x"}, "`headers` must be a mapping"),
        ],
    )
    async def test_bad_input_before_any_request(
        self, is_async: bool, verb: str, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
    ) -> None:
        script = Script()
        with pytest.raises(TypeError, match=message):
            await call(make_client(is_async, script), verb, *args, **kwargs)
        assert script.requests == []


class TestOptionAttributes:
    def test_read_back(self, is_async: bool) -> None:
        client = make_client(
            is_async,
            Script(),
            api_key="pk-1",
            virtual_key="vk-1",
            trace_id="t",
            config="pc-1",
            span_id="s",
            custom_x="y",
        )
        assert (client.virtual_key, client.trace_id, client.config, client.span_id) == ("vk-1", "t", "pc-1", "s")  # pyright: ignore[reportAttributeAccessIssue]
        assert client.provider is None  # pyright: ignore[reportAttributeAccessIssue]
        assert client.custom_x == "y"  # pyright: ignore[reportAttributeAccessIssue]
        assert client.api_key == "pk-1"
        copy = client.with_options(trace_id="u")
        assert (copy.trace_id, copy.virtual_key) == ("u", "vk-1")  # pyright: ignore[reportAttributeAccessIssue]

    def test_read_only(self, is_async: bool) -> None:
        client = make_client(is_async, Script(), trace_id="t")
        with pytest.raises(AttributeError, match="`trace_id` is read-only; use `with_options"):
            client.trace_id = "u"  # pyright: ignore[reportAttributeAccessIssue]
        assert client.trace_id == "t"  # pyright: ignore[reportAttributeAccessIssue]

    def test_unknown_attribute_still_raises(self, is_async: bool) -> None:
        with pytest.raises(AttributeError, match="no attribute 'nothing'"):
            _ = make_client(is_async, Script()).nothing  # pyright: ignore[reportAttributeAccessIssue]

    def test_repr_masks_secrets(self, is_async: bool) -> None:
        client = make_client(is_async, Script(), api_key="pk-secret-1", virtual_key="vk-secret-2")
        assert "secret" not in repr(client)


class TestBatchOutput:
    async def test_output(self, is_async: bool) -> None:
        script = Script(
            [httpx.Response(200, content=b'{"id": "r1"}\n', headers={"content-type": "application/octet-stream"})]
        )
        client = make_client(is_async, script)
        output = await call(client, "batches.output", "batch_1")
        assert (script.last.method, script.last.url.path) == ("GET", "/v1/batches/batch_1/output")
        assert output.content == b'{"id": "r1"}\n'
        assert output.json() == {"id": "r1"}
        await call(client, "batches.output", batch_id="batch_2", region="eu")
        assert (script.last.url.path, dict(script.last.url.params)) == ("/v1/batches/batch_2/output", {"region": "eu"})

    async def test_bad_batch_id(self, is_async: bool) -> None:
        script = Script()
        with pytest.raises(ValueError, match="`batch_id`"):
            await call(make_client(is_async, script), "batches.output", "")
        assert script.requests == []


class TestOneWrapper:
    def test_methods_are_wrapped_once(self, is_async: bool) -> None:
        client = make_client(is_async, Script())
        adapted: Any = type(client.models)
        assert adapted.list.__wrapped__ is adapted.__mro__[1].list


class TestRealtime:
    @pytest.mark.parametrize("path", ["realtime.connect", "beta.realtime.connect"])
    def test_connect_takes_extra_keywords_as_query(self, is_async: bool, path: str) -> None:
        client = make_client(is_async, Script())
        manager = resolve(client, path)(model="gpt-realtime", voice_hint="calm", extra_query={"a": "1"})
        queries = [value for name, value in vars(manager).items() if name.endswith("__extra_query")]
        assert queries == [{"voice_hint": "calm", "a": "1"}]


@pytest.mark.filterwarnings("ignore:The Assistants API is deprecated:DeprecationWarning")
class TestOfficialPositionalForms:
    RUN = {"id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thr_1", "assistant_id": "asst_1"}

    async def test_official_order(self, is_async: bool) -> None:
        script = Script([json_response(body=self.RUN)])
        await call(make_client(is_async, script), "beta.threads.runs.retrieve", "thr_1", "run_1")
        assert script.last.url.path == "/v1/threads/thr_1/runs/run_1"

    async def test_openai_order_keeps_working(self, is_async: bool) -> None:
        script = Script([json_response(body=self.RUN)])
        await call(make_client(is_async, script), "beta.threads.runs.retrieve", "run_1", thread_id="thr_1")
        assert script.last.url.path == "/v1/threads/thr_1/runs/run_1"

    async def test_official_helpers(self, is_async: bool) -> None:
        script = Script()
        client = make_client(is_async, script)
        await call(client, "chat.completions.normal_create", "gpt-x", MESSAGES, top_k=3)
        assert body(script.last) == {"model": "gpt-x", "messages": MESSAGES, "top_k": 3}
        await call(client, "chat.completions.normal_create", messages=MESSAGES)
        assert body(script.last)["model"] == "portkey-default"

    async def test_official_stream_helper_forces_a_stream(self, is_async: bool) -> None:
        events = b'event: thread.run.created\ndata: {"id": "run_1"}\n\ndata: [DONE]\n\n'
        script = Script([httpx.Response(200, content=events, headers={"content-type": "text/event-stream"})])
        await call(make_client(is_async, script), "beta.threads.stream_create_and_run", "asst_1")
        assert body(script.last) == {"assistant_id": "asst_1", "stream": True}
