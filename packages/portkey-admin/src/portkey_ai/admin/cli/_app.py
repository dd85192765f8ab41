"""The `portkey` command line (Click): the root group, its configuration, the error exit codes, and one command per
operation of the generated table (`_operations.py`); the hand-made workflows are in `_workflows.py`.

Every command calls the library (`client.configs.list(...)`), never HTTP itself.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, cast

import click
import openai
from typing_extensions import override

from portkey_ai import MissingAPIKeyError, Portkey, __version__ as core_version
from portkey_ai.lib.sibling import REDACTED, redact_text

from .._version import __version__ as admin_version
from ._output import FORMATS, emit, emit_items
from ._spec import CliOperation, CliParam

__all__ = ["EXIT_CODES", "CliError", "State", "cli", "fail", "operation_command", "output_option", "state"]

EXIT_CODES: Mapping[str, int] = {
    "request": 1,
    "unexpected": 1,
    "usage": 2,
    "authentication": 3,
    "not found": 4,
    "server": 5,
    "network": 6,
    "export": 7,
}
"""The exit code of each class of error (0: success). `request`: the API rejected the request (400, 409, 422, 429);
`export`: a log export failed, was stopped or did not finish in time; `unexpected`: anything else (a bug: `--debug`
shows where)."""

NO_API_KEY = "no API key: pass --api-key or set PORTKEY_API_KEY"

WORKSPACE_PARAMETERS = ("workspace_id", "workspace_slug")
"""The query and body parameters `--workspace` fills when they are not given."""


class CliError(Exception):
    """An error the command reports in one line, with the exit code of its class."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class State:
    """The root options, shared by every command."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    workspace: str | None = None
    debug: bool = False
    max_retries: int | None = None
    timeout: float | None = None
    _client: Portkey | None = field(default=None, repr=False)

    def client(self) -> Portkey:
        """The library client, made on first use."""
        if self._client is None:
            has_key = self.api_key or os.environ.get("PORTKEY_API_KEY")
            if not has_key and not (self.base_url or os.environ.get("PORTKEY_BASE_URL")):
                # the library would fall back to a local gateway; the control plane is the hosted API
                raise CliError("authentication", NO_API_KEY)
            options: dict[str, Any] = {}
            if self.max_retries is not None:
                options["max_retries"] = self.max_retries
            if self.timeout is not None:
                options["timeout"] = self.timeout
            self._client = Portkey(api_key=self.api_key, base_url=self.base_url, **options)
        return self._client

    def secrets(self) -> list[str]:
        """The credentials this run knows, to be masked wherever they would be printed."""
        values = [self.api_key, os.environ.get("PORTKEY_API_KEY")]
        return [value for value in values if value]

    def close(self) -> None:
        """Close the client, if one was made."""
        if self._client is not None:
            self._client.close()
            self._client = None


def state() -> State:
    """The `State` of the running command."""
    return click.get_current_context().ensure_object(State)


def mask(text: str, secrets: list[str]) -> str:
    """`text` with every credential and every secret-shaped value redacted."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return redact_text(text)


def fail(kind: str, message: str) -> NoReturn:
    """Stop the command with a one-line error of class `kind`."""
    raise CliError(kind, message)


# -- errors ----------------------------------------------------------------------------------------------------------


def _server_message(exc: openai.APIStatusError) -> str:
    body: object = exc.body
    details: list[str] = []
    if isinstance(body, dict):
        fields = cast("dict[str, object]", body)
        checks = fields.get("validation")
        if isinstance(checks, list):  # which checks the request failed, where the server lists them
            for check in cast("list[object]", checks):
                if isinstance(check, dict) and isinstance(
                    message := cast("dict[str, object]", check).get("message"), str
                ):
                    details.append(message)
        error = fields.get("error", fields)
        if isinstance(error, dict):
            error_fields = cast("dict[str, object]", error)
            texts = [error_fields.get(key) for key in ("message", "detail", "title")]
            error = next((text for text in texts if isinstance(text, str) and text), error_fields)
        body = error
    if body is None:
        return "(no message)"
    text = (body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))).strip() or "(no message)"
    return "; ".join([text, *details])


def classify(exc: BaseException) -> tuple[str, str]:
    """The class of an error and its one-line message."""
    if isinstance(exc, CliError):
        return exc.kind, str(exc)
    if isinstance(exc, MissingAPIKeyError):
        return "authentication", NO_API_KEY
    if isinstance(exc, openai.APIStatusError):
        request = exc.request
        where = f"{request.method} {request.url.path}"
        status = exc.status_code
        if status in (401, 403):
            kind = "authentication"
        elif status == 404:
            kind = "not found"
        elif status >= 500:
            kind = "server"
        else:
            kind = "request"
        return kind, f"{kind} error: {where} answered {status}: {_server_message(exc)}"
    if isinstance(exc, openai.APITimeoutError):
        return "network", f"network error: {exc.request.method} {exc.request.url} timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return (
            "network",
            f"network error: cannot reach {exc.request.url.scheme}://{exc.request.url.netloc.decode()}: {cause}",
        )
    if isinstance(exc, ValueError | TypeError):
        return "usage", f"invalid argument: {exc}"
    if isinstance(exc, OSError):
        return "usage", f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return "unexpected", f"unexpected {type(exc).__name__}: {exc} (--debug shows the traceback)"


class PortkeyGroup(click.Group):
    """The root group: turns every error into one line and its exit code (a traceback only with `--debug`)."""

    @override
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            current = ctx.ensure_object(State)
            kind, message = classify(exc)
            secrets = current.secrets()
            if current.debug:
                sys.stderr.write(mask("".join(traceback.format_exception(exc)), secrets))
            one_line = " ".join(mask(message, secrets).split())
            click.echo(f"portkey: {one_line}", err=True)
            raise click.exceptions.Exit(EXIT_CODES[kind]) from None
        finally:
            ctx.ensure_object(State).close()


# -- parameters ------------------------------------------------------------------------------------------------------


class JsonValue(click.ParamType[Any, Any]):
    """A JSON value given inline (`'{"a": 1}'`) or read from a file (`@body.json`, `@-` for standard input)."""

    name = "json"

    @override
    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        text = value
        if value.startswith("@"):
            source = value[1:]
            try:
                text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            except OSError as exc:
                self.fail(f"cannot read {source}: {exc.strerror}", param, ctx)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.fail(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", param, ctx)


JSON = JsonValue()


def _param_type(param: CliParam) -> click.ParamType[Any, Any]:
    types: dict[str, click.ParamType[Any, Any]] = {
        "int": click.INT,
        "float": click.FLOAT,
        "bool": click.BOOL,
        "json": JSON,
        "choice": click.Choice(param.choices),
    }
    return types.get(param.kind, click.STRING)


def option_name(name: str) -> str:
    """The `--option` of a parameter."""
    return "--" + name.replace("_", "-")


def output_option(default: str = "json") -> click.Option:
    """`--output json|jsonl|table`."""
    return click.Option(
        ["--output", "output_format"],
        type=click.Choice(FORMATS),
        default=default,
        show_default=True,
        help="json: stable and pipe-friendly; jsonl: one item a line; table: for people.",
    )


def _operation_params(op: CliOperation) -> list[click.Parameter]:
    params: list[click.Parameter] = []
    body = [p for p in op.params if p.location == "body"]
    for param in op.params:
        if param.location == "path":
            params.append(click.Argument([param.name], type=_param_type(param)))
            continue
        help_text = param.doc or f"The `{param.wire}` {'query parameter' if param.location == 'query' else 'field'}."
        if param.required:
            help_text += " [required]"
        if param.name in WORKSPACE_PARAMETERS:
            help_text += " Default: --workspace."
        params.append(click.Option([option_name(param.name), param.name], type=_param_type(param), help=help_text))
    if body:
        params.append(
            click.Option(
                ["--json", "json_body"],
                type=JSON,
                help="The request body as JSON, inline or @file.json (@- reads standard input); options win over "
                "its fields, and fields the command has no option for are sent as they are.",
            )
        )
    params.append(output_option())
    if op.paged:
        params.append(
            click.Option(
                ["--limit"],
                type=click.IntRange(min=1),
                help="Stop after this many items (default: every item of every page).",
            )
        )
    return params


def call_arguments(op: CliOperation, values: dict[str, Any], current: State) -> dict[str, Any]:
    """The keyword arguments of the library call: options, then `--json` fields, then `--workspace`."""
    arguments = {p.name: values[p.name] for p in op.params if values.get(p.name) is not None}
    body: object = values.get("json_body")
    if body is not None:
        if not isinstance(body, dict):
            raise click.BadParameter("the body must be a JSON object", param_hint="'--json'")
        by_wire = {p.wire: p for p in op.params if p.location == "body"}
        extra: dict[str, object] = {}
        for key, value in cast("dict[str, object]", body).items():
            target = by_wire.get(key)
            if target is None:
                extra[key] = value
            else:
                arguments.setdefault(target.name, value)
        if extra:
            arguments["extra_body"] = extra
    if current.workspace:
        for param in op.params:
            if param.name in WORKSPACE_PARAMETERS and param.location != "path":
                arguments.setdefault(param.name, current.workspace)
    missing = [p for p in op.params if p.required and p.location != "path" and p.name not in arguments]
    if missing:
        hints = ", ".join(
            f"{option_name(p.name)}" + (f" (or {p.wire!r} in --json)" if p.location == "body" else "") for p in missing
        )
        raise click.UsageError(f"missing {hints}")
    return arguments


def library_method(client: Portkey, path: tuple[str, ...]) -> Callable[..., Any]:
    """`client.<path...>`: the library method of an operation."""
    target: Any = client
    for attribute in path:
        target = getattr(target, attribute)
    method: Callable[..., Any] = target
    return method


def operation_command(op: CliOperation) -> click.Command:
    def callback(**values: Any) -> None:
        current = state()
        arguments = call_arguments(op, values, current)
        result = library_method(current.client(), op.method)(**arguments)
        fmt: str = values["output_format"]
        if op.paged:
            limit: int | None = values.get("limit")
            emit_items(itertools.islice(result, limit), fmt)
        elif result is not None:
            emit(result, fmt)

    help_text = op.summary + "."
    if op.description and op.description.rstrip(".") != op.summary:
        help_text += "\n\n" + op.description
    path_params = [p for p in op.params if p.location == "path"]
    if path_params:
        help_text += "\n\n\b\nArguments:\n" + "\n".join(
            f"  {p.name.upper()}: {p.doc or f'the `{p.wire}` path parameter.'}" for p in path_params
        )
    help_text += f"\n\nCalls `{op.http}` (portkey.{'.'.join(op.method)})."
    if op.paged:
        help_text += " Follows every page; --limit stops early."
    return click.Command(
        op.words[-1],
        callback=callback,
        params=_operation_params(op),
        help=help_text,
        short_help=op.summary,
        no_args_is_help=any(p.location == "path" for p in op.params),
    )


# -- the tree --------------------------------------------------------------------------------------------------------


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"portkey_ai {core_version} (portkey-admin {admin_version})")
        ctx.exit()


@click.group(cls=PortkeyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 116})
@click.option(
    "--version",
    "-v",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Print the version and exit.",
)
@click.option("--api-key", metavar="KEY", help="Your Portkey API key. Default: $PORTKEY_API_KEY.")
@click.option(
    "--base-url",
    metavar="URL",
    help="The Portkey API. Default: $PORTKEY_BASE_URL, else the hosted one (https://api.portkey.ai/v1).",
)
@click.option(
    "--workspace",
    metavar="ID",
    envvar="PORTKEY_WORKSPACE",
    help="The workspace of operations that take a workspace_id or workspace_slug and were not given one. "
    "Default: $PORTKEY_WORKSPACE.",
)
@click.option("--max-retries", type=click.IntRange(min=0), help="Retries of a failed request (default: 2).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per request (default: 60).")
@click.option("--debug", is_flag=True, help="Print the traceback of an error (secrets still masked).")
@click.pass_context
def cli(
    ctx: click.Context,
    api_key: str | None,
    base_url: str | None,
    workspace: str | None,
    max_retries: int | None,
    timeout: float | None,
    debug: bool,
) -> None:
    """Portkey's control plane from the shell: configs, keys, prompts, logs, analytics, admin...

    Every operation of the API is a command: `portkey <resource> [<sub-resource>] <action> [ARGS] [--param value]`.
    Output is JSON (`--output table` for people, `--output jsonl` for lists). Exit codes: 0 success, 1 request
    rejected, 2 usage, 3 authentication, 4 not found, 5 server error, 6 network, 7 log export failed.
    """
    ctx.obj = State(
        api_key=api_key, base_url=base_url, workspace=workspace, debug=debug, max_retries=max_retries, timeout=timeout
    )
