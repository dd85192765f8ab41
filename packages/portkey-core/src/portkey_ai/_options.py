"""Every Portkey gateway option, declared once.

`PortkeyOptions` (a frozen dataclass) is the single declaration: each field carries its header name, how its value is
serialised and whether it is a secret. `PortkeyOptionsDict` is the matching TypedDict used for
`**options: Unpack[PortkeyOptionsDict]` in the clients, `with_options`, `createHeaders` and the framework
integrations; a test proves the two agree. Adding an option is one field here plus one key there.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, cast, runtime_checkable

from typing_extensions import Unpack, override

from ._constants import HEADER_PREFIX, MAX_HEADER_BYTES, MAX_METADATA_VALUE_LENGTH
from ._secrets import SecretStr, is_secret_name, mask_secrets, protect

Kind = Literal["str", "bool", "int", "metadata", "header_list", "config", "bearer", "json"]

_MASK = "<redacted>"


@runtime_checkable
class GatewayConfigLike(Protocol):
    """Anything that can turn itself into a gateway config dict (for example `portkey_ai.Config`)."""

    def to_gateway_config(self) -> Mapping[str, Any]:
        """Return the gateway config as a JSON-serialisable mapping."""
        ...


ConfigValue = str | Mapping[str, Any] | GatewayConfigLike


def _option(header: str | None = None, *, kind: Kind = "str", secret: bool = False) -> Any:
    return field(default=None, metadata={"header": header, "kind": kind, "secret": secret})


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PortkeyOptions:
    """The gateway options of one client; `None` means "not set" (no header is sent).

    Made by `make_options`, every secret in it is a `SecretStr` (a `str` whose `repr` is `'<redacted>'`): the secret
    options, the strings under secret names in mappings (a config's `api_key`) and secret-shaped strings. So neither
    `repr(options)` nor the `repr` of one of its values prints a secret, while the values stay usable as strings.
    """

    api_key: str | None = _option(secret=True)
    virtual_key: str | None = _option(secret=True)
    config: ConfigValue | None = _option(kind="config", secret=True)
    provider: str | None = _option()
    Authorization: str | None = _option("Authorization", kind="bearer", secret=True)
    custom_host: str | None = _option()
    trace_id: str | None = _option()
    span_id: str | None = _option()
    parent_span_id: str | None = _option()
    span_name: str | None = _option()
    metadata: Mapping[str, str] | str | None = _option(kind="metadata")
    forward_headers: Sequence[str] | str | None = _option(kind="header_list")
    request_timeout: int | None = _option(kind="int")
    cache_namespace: str | None = _option()
    cache_force_refresh: bool | None = _option(kind="bool")
    debug: bool | None = _option(kind="bool")
    strict_open_ai_compliance: bool | None = _option(kind="bool")
    openai_project: str | None = _option()
    openai_organization: str | None = _option()
    openai_beta: str | None = _option()
    aws_access_key_id: str | None = _option(secret=True)
    aws_secret_access_key: str | None = _option(secret=True)
    aws_session_token: str | None = _option(secret=True)
    aws_region: str | None = _option()
    aws_role_arn: str | None = _option()
    aws_auth_type: str | None = _option()
    aws_external_id: str | None = _option(secret=True)
    aws_s3_bucket: str | None = _option()
    aws_s3_object_key: str | None = _option()
    aws_bedrock_model: str | None = _option()
    vertex_project_id: str | None = _option()
    vertex_region: str | None = _option()
    vertex_service_account_json: Mapping[str, Any] | str | None = _option(kind="json", secret=True)
    vertex_storage_bucket_name: str | None = _option()
    provider_file_name: str | None = _option()
    provider_model: str | None = _option()
    workers_ai_account_id: str | None = _option()
    azure_resource_name: str | None = _option()
    azure_deployment_id: str | None = _option()
    azure_api_version: str | None = _option()
    azure_endpoint_name: str | None = _option()
    azure_model_name: str | None = _option()
    azure_ad_token: str | None = _option(secret=True)
    huggingface_base_url: str | None = _option()
    anthropic_beta: str | None = _option()
    anthropic_version: str | None = _option()
    mistral_fim_completion: str | bool | None = _option()
    fireworks_account_id: str | None = _option()
    extra: Mapping[str, object] = field(default_factory=dict[str, object])
    """Options this version does not declare, sent as `x-portkey-<kebab-name>` (official SDK compatibility)."""

    @override
    def __repr__(self) -> str:
        rendered = ", ".join(f"{name}={value!r}" for name, value in masked_option_items(self))
        return f"PortkeyOptions({rendered})"


class PortkeyOptionsDict(TypedDict, total=False):
    """Keyword form of `PortkeyOptions`, for `**options: Unpack[PortkeyOptionsDict]`."""

    api_key: str | None
    virtual_key: str | None
    config: ConfigValue | None
    provider: str | None
    Authorization: str | None
    custom_host: str | None
    trace_id: str | None
    span_id: str | None
    parent_span_id: str | None
    span_name: str | None
    metadata: Mapping[str, str] | str | None
    forward_headers: Sequence[str] | str | None
    request_timeout: int | None
    cache_namespace: str | None
    cache_force_refresh: bool | None
    debug: bool | None
    strict_open_ai_compliance: bool | None
    openai_project: str | None
    openai_organization: str | None
    openai_beta: str | None
    aws_access_key_id: str | None
    aws_secret_access_key: str | None
    aws_session_token: str | None
    aws_region: str | None
    aws_role_arn: str | None
    aws_auth_type: str | None
    aws_external_id: str | None
    aws_s3_bucket: str | None
    aws_s3_object_key: str | None
    aws_bedrock_model: str | None
    vertex_project_id: str | None
    vertex_region: str | None
    vertex_service_account_json: Mapping[str, Any] | str | None
    vertex_storage_bucket_name: str | None
    provider_file_name: str | None
    provider_model: str | None
    workers_ai_account_id: str | None
    azure_resource_name: str | None
    azure_deployment_id: str | None
    azure_api_version: str | None
    azure_endpoint_name: str | None
    azure_model_name: str | None
    azure_ad_token: str | None
    huggingface_base_url: str | None
    anthropic_beta: str | None
    anthropic_version: str | None
    mistral_fim_completion: str | bool | None
    fireworks_account_id: str | None


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """How one declared option becomes a header."""

    name: str
    header: str
    kind: Kind
    secret: bool


def _specs() -> dict[str, OptionSpec]:
    specs: dict[str, OptionSpec] = {}
    for f in dataclasses.fields(PortkeyOptions):
        if f.name == "extra":
            continue
        header = f.metadata["header"] or HEADER_PREFIX + f.name.replace("_", "-")
        specs[f.name] = OptionSpec(f.name, header, f.metadata["kind"], f.metadata["secret"])
    return specs


OPTION_SPECS: Mapping[str, OptionSpec] = _specs()
"""Declared options by keyword name, in declaration order."""

SECRET_OPTIONS = frozenset(name for name, spec in OPTION_SPECS.items() if spec.secret)


def _protected(name: str, value: object) -> object:
    """`value` with its secrets as `SecretStr` (see `PortkeyOptions`); a config id stays a plain string."""
    spec = OPTION_SPECS.get(name)
    if spec is not None and spec.kind == "config":
        if isinstance(value, str):
            return SecretStr(value) if value.lstrip()[:1] in ("{", "[") else value
        return protect(value)
    secret = spec.secret if spec is not None else is_secret_name(name)
    return protect(value, secret=secret)


def make_options(values: Mapping[str, object]) -> PortkeyOptions:
    """Split keyword options into declared fields and undeclared extras, every secret made a `SecretStr`."""
    declared = {name: _protected(name, value) for name, value in values.items() if name in OPTION_SPECS}
    extra = {name: _protected(name, value) for name, value in values.items() if name not in OPTION_SPECS}
    return PortkeyOptions(**cast(dict[str, Any], declared), extra=extra)


def replace_options(options: PortkeyOptions, overrides: Mapping[str, object]) -> PortkeyOptions:
    """Return `options` with `overrides` applied; an override of `None` unsets the option."""
    declared = {name: _protected(name, value) for name, value in overrides.items() if name in OPTION_SPECS}
    extra = {
        **options.extra,
        **{name: _protected(name, value) for name, value in overrides.items() if name not in OPTION_SPECS},
    }
    return dataclasses.replace(options, **cast(dict[str, Any], declared), extra=extra)


def options_as_dict(options: PortkeyOptions) -> dict[str, object]:
    """The options that are set, as keyword arguments (declared first, then extras)."""
    values: dict[str, object] = {}
    for name in OPTION_SPECS:
        value = getattr(options, name)
        if value is not None:
            values[name] = value
    values.update({name: value for name, value in options.extra.items() if value is not None})
    return values


def check_header_value(name: str, value: str) -> str:
    """Return `value` if it can travel in an HTTP header, else raise `ValueError` naming `name` (never the value)."""
    if value.isascii() and value.isprintable():
        return value
    if not value.isascii():
        raise ValueError(
            f"`{name}` must contain only ASCII characters: HTTP header values cannot carry other text "
            "(put non-ASCII text in `metadata`, which is JSON-escaped)"
        )
    raise ValueError(f"`{name}` contains a control character (such as CR, LF or NUL), which HTTP headers cannot carry")


def _string(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, not {type(value).__name__}")
    return check_header_value(name, value.strip())


def _bool(name: str, value: object) -> str:
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be a bool, not {type(value).__name__}")
    return "true" if value else "false"


def _int(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0")
    return str(value)


def _compact_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def _metadata(name: str, value: object) -> str:
    if isinstance(value, str):
        return _string(name, value)
    if not isinstance(value, Mapping):
        raise TypeError(f"`{name}` must be a mapping of str to str, not {type(value).__name__}")
    items: dict[str, str] = {}
    for key, item in value.items():  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(key, str):
            raise TypeError(f"`{name}` keys must be strings, not {type(key).__name__}")  # pyright: ignore[reportUnknownArgumentType]
        if not isinstance(item, str):
            raise TypeError(f"`{name}[{key!r}]` must be a string, not {type(item).__name__}")  # pyright: ignore[reportUnknownArgumentType]
        if not item.isprintable():
            raise ValueError(f"`{name}[{key!r}]` contains a control character (such as CR, LF or NUL)")
        if len(item) > MAX_METADATA_VALUE_LENGTH:
            raise ValueError(f"`{name}[{key!r}]` is longer than {MAX_METADATA_VALUE_LENGTH} characters")
        items[key] = item
    return _compact_json(items)


def _header_list(name: str, value: object) -> str:
    names: list[object] = [part.strip() for part in value.split(",")] if isinstance(value, str) else []
    if not isinstance(value, str):
        if not isinstance(value, Sequence) or isinstance(value, bytes | bytearray):
            raise TypeError(f"`{name}` must be a list of header names, not {type(value).__name__}")
        names = list(value)  # pyright: ignore[reportUnknownArgumentType]
    cleaned: list[str] = []
    for index, item in enumerate(names):
        item_name = f"{name}[{index}]"
        header = _string(item_name, item)
        if not header or any(c in header for c in ' ,:;"()<>@[]?={}\\/'):
            raise ValueError(f"`{item_name}` is not a valid HTTP header name")
        cleaned.append(header)
    return ",".join(cleaned)


def _config(name: str, value: object) -> str:
    from .types.gateway_config import coerce_config

    coerced = coerce_config(value)
    return _string(name, coerced) if isinstance(coerced, str) else _json(name, coerced)


def _bearer(name: str, value: object) -> str:
    token = _string(name, value)
    if not token or token.lower() == "bearer":
        raise ValueError(f"`{name}` must not be empty")
    return token if token[:7].lower() == "bearer " else f"Bearer {token}"


def _json(name: str, value: object) -> str:
    if isinstance(value, str):
        return _string(name, value)
    try:
        return _compact_json(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must be JSON-serialisable") from exc


def _extra_value(name: str, value: object) -> str:
    if isinstance(value, bool):
        return _bool(name, value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _string(name, value)
    return _json(name, value)


_SERIALISERS = {
    "str": _string,
    "bool": _bool,
    "int": _int,
    "metadata": _metadata,
    "header_list": _header_list,
    "config": _config,
    "bearer": _bearer,
    "json": _json,
}


def _serialise_declared(spec: OptionSpec, value: object) -> str:
    if spec.name == "mistral_fim_completion" and isinstance(value, bool):
        return _bool(spec.name, value)
    return _SERIALISERS[spec.kind](spec.name, value)


def build_headers(options: PortkeyOptions) -> dict[str, str]:
    """Validate every option and return the headers they produce.

    Raises `TypeError`/`ValueError` naming the option (never echoing its value) for a bad value, before any I/O.
    """
    headers: dict[str, str] = {}
    for name, spec in OPTION_SPECS.items():
        value = getattr(options, name)
        if value is not None:
            headers[spec.header] = _serialise_declared(spec, value)
    forwarded = {h.lower() for h in headers.get(OPTION_SPECS["forward_headers"].header, "").split(",") if h}
    for name, value in options.extra.items():
        if value is None:
            continue
        if not name.isidentifier() and not name.replace("-", "_").isidentifier():
            raise ValueError(f"`{name}` is not a valid option name")
        kebab = name.replace("_", "-")
        header = kebab if kebab.lower() in forwarded else HEADER_PREFIX + kebab.lower()
        headers[header] = _extra_value(name, value)
    size = sum(len(k) + len(v) + 4 for k, v in headers.items())
    if size > MAX_HEADER_BYTES:
        raise ValueError(
            f"the Portkey options add {size} bytes of headers, over the {MAX_HEADER_BYTES // 1024} KiB that servers "
            "accept; save a large `config` in Portkey and pass its id instead (config='pc-...')"
        )
    return headers


def _masked_config(value: object) -> object:
    """A config for `repr`: a config id as it is, a config (also as JSON text) with its secrets masked."""
    if not isinstance(value, str):
        return mask_secrets(value)
    if value.lstrip()[:1] not in ("{", "["):
        return value
    try:
        return mask_secrets(json.loads(value))
    except ValueError:
        return _MASK


def masked_option_items(options: PortkeyOptions) -> list[tuple[str, object]]:
    """Options that are set, with secrets masked, for `repr`."""
    items: list[tuple[str, object]] = []
    for name, value in options_as_dict(options).items():
        if name == "config":
            items.append((name, _masked_config(value)))
        elif name in SECRET_OPTIONS or is_secret_name(name):
            items.append((name, _MASK))
        else:
            items.append((name, mask_secrets(value)))
    return items


def createHeaders(**options: Unpack[PortkeyOptionsDict]) -> dict[str, str]:
    """The Portkey headers for `options`, for use with a plain `openai.OpenAI` client.

    ```python
    client = openai.OpenAI(base_url=PORTKEY_GATEWAY_URL, default_headers=createHeaders(api_key=..., provider="openai"))
    ```

    Values are validated exactly as the `Portkey` constructor does; nothing is read from the environment.
    """
    return build_headers(make_options(options))


create_headers = createHeaders
