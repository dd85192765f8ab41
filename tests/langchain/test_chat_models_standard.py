"""LangChain's standard test suites for `ChatPortkey` (langchain-tests, pinned).

The unit suite runs offline. The integration suite runs against the real OSS gateway in front of the fake provider;
the tests it cannot meaningfully run here are listed, with the reason, in the package README.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

pytest.importorskip("langchain_openai")
pytest.importorskip("langchain_tests")

from langchain_core.language_models import BaseChatModel
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests
from syrupy.assertion import SnapshotAssertion
from typing_extensions import override

from portkey_ai.langchain import ChatPortkey
from tests.servers.fake_provider import FakeProvider
from tests.servers.node_servers import NodeServer

UPSTREAM_PARSED_STREAM = (
    "langchain-openai 1.7.4 model_dump()s openai 3.x structured-output stream events, which warns "
    "(PydanticSerializationUnexpectedValue on `parsed`); plain ChatOpenAI fails the same way (pydantic case only)"
)
UPSTREAM_PYDANTIC_V1_WARNING = (
    "langchain-openai warns that a pydantic v1 schema is not supported by method='json_schema' and falls back to "
    "function calling; the suite runs with warnings as errors"
)


class TestChatPortkeyStandardUnit(ChatModelUnitTests):
    """`ChatModelUnitTests`: construction, env, tools and structured-output binding, ls params, serialisation."""

    @property
    @override
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatPortkey

    @property
    @override
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "gpt-4o-mini", "provider": "openai"}

    @property
    @override
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"PORTKEY_API_KEY": "pk-from-env", "PORTKEY_BASE_URL": "http://127.0.0.1:8787/v1"},
            {"model": "gpt-4o-mini"},
            {"openai_api_key": "pk-from-env", "openai_api_base": "http://127.0.0.1:8787/v1"},
        )

    @pytest.mark.xfail(
        reason="langchain-core's load(allowed_objects='all') only allows the classes in langchain_core.load.mapping; "
        "ChatPortkey round-trips with allowed_objects=[ChatPortkey] (tests/langchain/test_chat_models.py)",
        raises=ValueError,
    )
    @override
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)


class TestChatPortkeyStandardIntegration(ChatModelIntegrationTests):
    """`ChatModelIntegrationTests` through the OSS gateway to the fake provider."""

    gateway_url: str
    provider_url: str

    @pytest.fixture(autouse=True)
    def _servers(self, gateway: NodeServer, fake_provider: FakeProvider) -> None:
        self.gateway_url = gateway.base_url
        self.provider_url = fake_provider.base_url

    @pytest.fixture(autouse=True)
    async def _close_async_client(self, _servers: None, model: BaseChatModel) -> AsyncIterator[None]:
        """Close the model's async connections in the test's own event loop (the loop is gone at GC time)."""
        yield
        assert isinstance(model, ChatPortkey)
        await model.root_async_client.close()

    @pytest.fixture(autouse=True)
    def _upstream_parsed_stream(self, request: pytest.FixtureRequest) -> None:
        """Expect the upstream warning in the `pydantic` case of the structured-output tests, and only there.

        A mark on an overridden test would cover all three schema types (langchain-tests requires an xfail mark on
        every override), and the `typeddict` and `json_schema` cases pass.
        """
        node = request.node
        if (
            isinstance(node, pytest.Function)
            and node.originalname in {"test_structured_output", "test_structured_output_async"}
            and node.callspec.params.get("schema_type") == "pydantic"
        ):
            request.applymarker(pytest.mark.xfail(reason=UPSTREAM_PARSED_STREAM, raises=UserWarning))

    @property
    @override
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatPortkey

    @property
    @override
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": "gpt-4o-mini",
            "base_url": self.gateway_url,
            "provider": "openai",
            "custom_host": self.provider_url,
            "Authorization": "sk-fake",
        }

    @property
    @override
    def supports_json_mode(self) -> bool:
        return True

    # Expected failures; the package README lists them with these reasons.

    @pytest.mark.xfail(reason=UPSTREAM_PYDANTIC_V1_WARNING, raises=UserWarning)
    @override
    def test_structured_output_pydantic_2_v1(self, model: BaseChatModel) -> None:
        super().test_structured_output_pydantic_2_v1(model)
