"""Every use of openai's underscore API lives in this module (tested on openai 2.x and 3.x).

`PortkeyClientMixin` sits before `openai.OpenAI` / `openai.AsyncOpenAI` in the MRO of `Portkey` / `AsyncPortkey`,
the same way openai's own `BaseAzureClient` does for `AzureOpenAI`. It overrides authentication, header validation,
retry decisions, error construction and response post-processing; the resources, pagination, streaming, retries and
raw/streaming response wrappers stay openai's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from openai import NotGiven, Timeout
from openai._base_client import BaseClient
from openai._models import FinalRequestOptions, SecurityOptions
from typing_extensions import override

from ._constants import LOCAL_GATEWAY_URL, PORTKEY_GATEWAY_URL
from ._exceptions import APIStatusError, MissingAPIKeyError, RequestTimeoutError
from ._extensions import PROVIDED_BY, find_factory, missing
from ._http import httpx
from ._options import (
    PortkeyOptions,
    build_headers,
    check_header_value,
    make_options,
    masked_option_items,
    options_as_dict,
    replace_options,
)
from ._response_headers import attach_headers
from ._version import __version__

if TYPE_CHECKING:
    from openai._types import Headers

__all__ = ["ClientSetup", "PortkeyClientMixin", "prepare_client"]

_PROVIDER_KEY_PLACEHOLDER = "portkey-no-provider-key"
"""Handed to openai's constructor so that it never reads OPENAI_API_KEY; never sent (auth is overridden)."""


@dataclass(frozen=True, slots=True)
class ClientSetup:
    """Everything `Portkey.__init__` resolved before handing over to openai's constructor."""

    options: PortkeyOptions
    base_url: str
    portkey_headers: dict[str, str]
    user_headers: dict[str, str]
    webhook_secret: str | None


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _check_base_url(base_url: str | httpx.URL) -> str:
    text = str(base_url).strip()
    check_header_value("base_url", text)
    url = httpx.URL(text)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("`base_url` must be an absolute http:// or https:// URL")
    if url.userinfo:
        raise ValueError("`base_url` must not contain credentials (user:password@); pass `api_key` instead")
    if url.query or url.fragment:
        raise ValueError("`base_url` must not contain a query string or a fragment")
    return text


def _is_hosted(base_url: str) -> bool:
    return httpx.URL(base_url).host == httpx.URL(PORTKEY_GATEWAY_URL).host


def prepare_client(
    *,
    base_url: str | httpx.URL | None,
    default_headers: Mapping[str, str] | None,
    webhook_secret: str | None,
    options: Mapping[str, object],
) -> ClientSetup:
    """Resolve the API key and base URL and validate every option, before any I/O.

    Base URL: the argument, then `PORTKEY_BASE_URL`, then `PORTKEY_PROXY`, then the hosted gateway when an API key
    is known, else a local gateway (`http://localhost:8787/v1`). The API key: the argument, then `PORTKEY_API_KEY`.
    Nothing is read from `OPENAI_*` variables.
    """
    values = dict(options)
    if values.get("api_key") is None:
        values["api_key"] = _env("PORTKEY_API_KEY")
    api_key = values["api_key"]
    if isinstance(api_key, str) and not api_key.strip():
        values["api_key"] = None
    url = base_url or _env("PORTKEY_BASE_URL") or _env("PORTKEY_PROXY")
    if url is None:
        url = PORTKEY_GATEWAY_URL if values["api_key"] else LOCAL_GATEWAY_URL
    checked_url = _check_base_url(url)
    if _is_hosted(checked_url) and not values["api_key"]:
        raise MissingAPIKeyError(
            "The hosted Portkey gateway needs a Portkey API key: pass `api_key=` or set PORTKEY_API_KEY. "
            "For a self-hosted gateway, pass its `base_url` (or set PORTKEY_BASE_URL)."
        )
    portkey_options = make_options(values)
    user_headers = dict(default_headers or {})
    for name, value in user_headers.items():
        check_header_value(f"default_headers[{name!r}]", value)
    return ClientSetup(
        options=portkey_options,
        base_url=checked_url,
        portkey_headers=build_headers(portkey_options),
        user_headers=user_headers,
        webhook_secret=webhook_secret,
    )


class PortkeyClientMixin(BaseClient[Any, Any]):
    """The Portkey behaviour shared by `Portkey` and `AsyncPortkey`."""

    _portkey_options: PortkeyOptions
    _portkey_user_headers: dict[str, str]
    api_key: str
    calculate_audio_duration: bool
    websocket_base_url: str | httpx.URL | None
    organization: str | None
    project: str | None
    webhook_secret: str | None

    def _finish_setup(self, setup: ClientSetup) -> None:
        """Undo what openai's constructor took from `OPENAI_*` variables, and install the Portkey headers."""
        self._portkey_options = setup.options
        self._portkey_user_headers = setup.user_headers
        self.api_key = setup.options.api_key or ""
        self.organization = None
        self.project = None
        self.webhook_secret = setup.webhook_secret
        for attribute, cleared in (("admin_api_key", None), ("_ambient_authorizations", frozenset[str]())):
            if hasattr(self, attribute):
                setattr(self, attribute, cleared)
        self._custom_headers = {**setup.portkey_headers, **setup.user_headers}

    @property
    def portkey_options(self) -> PortkeyOptions:
        """The gateway options of this client (read-only; use `with_options` to change them)."""
        return self._portkey_options

    @property
    @override
    def user_agent(self) -> str:
        return f"Portkey/Python {__version__} (openai {self._version})"

    @property
    @override
    def auth_headers(self) -> dict[str, str]:
        return {}

    @override
    def _auth_headers(self, security: SecurityOptions) -> dict[str, str]:
        return {}

    @override
    def _validate_headers(self, headers: Headers, custom_headers: Headers) -> None:
        return None

    @override
    def _build_headers(self, options: FinalRequestOptions, *, retries_taken: int = 0) -> httpx.Headers:
        headers = super()._build_headers(options, retries_taken=retries_taken)
        for name, value in headers.items():
            check_header_value(f"header {name!r}", value)
        return headers

    @override
    def _should_retry(self, response: httpx.Response) -> bool:
        headers = response.headers
        if headers.get("x-should-retry") == "true":
            return True
        if response.status_code == 408 or headers.get("x-portkey-gateway-exception") == "true":
            return False
        attempts = headers.get("x-portkey-retry-attempt-count", "").strip()
        if attempts and attempts != "0":
            return False
        return super()._should_retry(response)

    @override
    def _make_status_error(self, err_msg: str, *, body: object, response: httpx.Response) -> APIStatusError:
        if response.status_code == 408:
            mapping = cast(dict[str, object], body) if isinstance(body, dict) else None
            data = body if mapping is None else mapping.get("error", mapping)
            return RequestTimeoutError(err_msg, response=response, body=data)
        return super()._make_status_error(err_msg, body=body, response=response)

    @override
    def _process_response_data(self, *, data: object, cast_to: type[Any], response: httpx.Response) -> Any:
        return attach_headers(super()._process_response_data(data=data, cast_to=cast_to, response=response), response)

    def _copy_arguments(
        self,
        *,
        base_url: str | httpx.URL | None,
        timeout: float | Timeout | None | NotGiven,
        max_retries: int | NotGiven,
        default_headers: dict[str, str],
        default_query: dict[str, object],
        websocket_base_url: str | httpx.URL | None,
        webhook_secret: str | None,
        options: Mapping[str, object],
    ) -> dict[str, Any]:
        """Constructor arguments for `copy`: this client's settings with the given changes."""
        return {
            "base_url": base_url or str(self.base_url),
            "timeout": self.timeout if isinstance(timeout, NotGiven) else timeout,
            "max_retries": self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            "default_headers": default_headers,
            "default_query": default_query,
            "websocket_base_url": websocket_base_url or self.websocket_base_url,
            "webhook_secret": webhook_secret or self.webhook_secret,
            "calculate_audio_duration": self.calculate_audio_duration,
            **options_as_dict(replace_options(self._portkey_options, options)),
        }

    def _extension_resource(self, name: str) -> Any:
        """The resource a sibling distribution registered under `name`, created once per client."""
        cache: dict[str, Any] = self.__dict__.setdefault("_portkey_extensions", {})
        if name not in cache:
            factory = find_factory(name)
            if factory is None:
                raise missing(type(self).__name__, name)
            cache[name] = factory(self)
        return cache[name]

    @property
    def admin(self) -> Any:  # pyright: ignore[reportIncompatibleVariableOverride]
        """Portkey's admin API (users, workspaces, invites...), from portkey-admin.

        This shadows openai's own `admin` attribute (OpenAI's organisation admin API), which makes no sense through
        a Portkey gateway.
        """
        return self._extension_resource("admin")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in PROVIDED_BY:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self._extension_resource(name)

    @override
    def __repr__(self) -> str:
        items = [("base_url", str(self.base_url))] + masked_option_items(self._portkey_options)
        if self._portkey_user_headers:
            items.append(("default_headers", sorted(self._portkey_user_headers)))
        rendered = ", ".join(f"{name}={value!r}" for name, value in items)
        return f"{type(self).__name__}({rendered})"
