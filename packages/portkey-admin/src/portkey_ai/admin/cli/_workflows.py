"""The hand-made commands of `portkey`, where people spend time: `logs export` (create, start, wait and download
with a progress bar), `api-keys rotate` (replacing the generated one) and `analytics <graph>` (a table or a chart)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast, get_args

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn

from .. import ExportFailedError, ExportField, WaitTimeoutError
from ..resources import LogExports
from ._app import JSON, State, fail, option_name, output_option, state
from ._operations import OPERATIONS
from ._output import bar_chart, emit, plain

if TYPE_CHECKING:
    from ..types import ExportItem

__all__ = ["EXPORT_FIELDS", "register"]

EXPORT_FIELDS: tuple[str, ...] = get_args(ExportField)
"""The fields a log export can hold (`requested_data`)."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(r"^(\d+)(ms|s|m|h|d)?$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def moment(value: str) -> str:
    """A `--from`/`--to` value as the API wants it: a bare date is that day's midnight UTC."""
    return f"{value}T00:00:00Z" if _DATE.match(value) else value


# -- logs export -----------------------------------------------------------------------------------------------------


class _Reporter:
    """The progress of an export on standard error: a Rich progress bar on a terminal (or with `--progress bar`),
    one line per step otherwise (`--progress plain`), nothing with `--progress none`."""

    def __init__(self, mode: str) -> None:
        stderr = sys.stderr
        if mode == "auto":
            mode = "bar" if stderr.isatty() else "plain"
        self.mode = mode
        self._stderr = stderr
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._last_status = ""
        self._last_tenth = -1

    @contextmanager
    def running(self) -> Generator[_Reporter]:
        if self.mode != "bar":
            yield self
            return
        console = Console(file=self._stderr, force_terminal=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=console,
            transient=False,
        ) as progress:
            self._progress = progress
            self._task = progress.add_task("creating the export", total=None)
            yield self

    def step(self, text: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=text)
        elif self.mode == "plain":
            self._stderr.write(text + "\n")
            self._stderr.flush()

    def polled(self, export: ExportItem) -> None:
        if export.status != self._last_status:
            self._last_status = export.status
            self.step(f"export {export.id}: {export.status}")

    def downloaded(self, done: int, total: int | None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description="downloading", completed=done, total=total)
            return
        if self.mode != "plain":
            return
        tenth = done * 10 // total if total else (1 if done else 0)
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self.step(f"downloaded {done} of {total if total is not None else '?'} bytes")


def _fields(value: str | None) -> list[str] | None:
    if value is None:
        return None
    fields = [field.strip() for field in value.split(",") if field.strip()]
    unknown = [field for field in fields if field not in EXPORT_FIELDS]
    if unknown or not fields:
        raise click.BadParameter(
            f"unknown field(s) {', '.join(unknown) or '(none given)'}; choose among {', '.join(EXPORT_FIELDS)}",
            param_hint="'--fields'",
        )
    return fields


@click.command("export")
@click.option(
    "--from",
    "start",
    metavar="TIME",
    help="The oldest logs exported (ISO 8601; a bare date is its midnight UTC).",
)
@click.option(
    "--to",
    "end",
    metavar="TIME",
    help="The newest logs exported (ISO 8601; a bare date is its midnight UTC).",
)
@click.option(
    "--fields",
    metavar="A,B,...",
    help=f"The fields of each log, comma-separated (default: the server's): {', '.join(EXPORT_FIELDS)}.",
)
@click.option("--filters", type=JSON, help="More filters (the export's `filters` object), as JSON or @file.json.")
@click.option("--description", help="A description of the export.")
@click.option(
    "-o",
    "--output-file",
    "path",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where the exported logs are written (streamed, never whole in memory).",
)
@click.option(
    "--resume",
    "export_id",
    metavar="EXPORT_ID",
    help="Wait for and download an export created earlier (one that did not finish within --wait-timeout) "
    "instead of creating one.",
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Seconds to wait for the export to finish (it goes on on the server after).",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0, min_open=True),
    default=2.0,
    show_default=True,
    help="Seconds between two polls of the export's status.",
)
@click.option(
    "--progress",
    "progress_mode",
    type=click.Choice(["auto", "bar", "plain", "none"]),
    default="auto",
    show_default=True,
    help="How progress is shown on standard error: auto is a bar on a terminal, plain lines otherwise.",
)
def export_command(
    start: str | None,
    end: str | None,
    fields: str | None,
    filters: object,
    description: str | None,
    path: Path,
    export_id: str | None,
    wait_timeout: float,
    poll_interval: float,
    progress_mode: str,
) -> None:
    """Export logs to a file: create the export, start it, wait for it, download it.

    Prints the export and the file written as JSON. Example:

        portkey logs export --from 2026-12-01 --to 2026-12-02 --fields id,created_at,cost -o logs.jsonl

    An export that did not finish in time goes on on the server: `--resume EXPORT_ID -o FILE` waits for it and
    downloads it.
    """
    if filters is not None and not isinstance(filters, dict):
        raise click.BadParameter("the filters must be a JSON object", param_hint="'--filters'")
    requested = _fields(fields)
    current = state()
    create: dict[str, Any] | None = None
    resume = ""
    if export_id is not None:
        options = {"--from": start, "--to": end, "--fields": fields, "--description": description}
        given = [name for name, value in options.items() if value is not None]
        given += ["--filters"] if filters is not None else []
        if given:
            raise click.UsageError(f"--resume downloads an existing export: {', '.join(given)} cannot be used with it")
        resume = export_id
    elif start is None or end is None:
        raise click.UsageError("missing --from and --to (or --resume EXPORT_ID)")
    else:
        window = {"time_of_generation_min": moment(start), "time_of_generation_max": moment(end)}
        create = {"filters": {**cast("dict[str, Any]", filters or {}), **window}}
        if requested is not None:
            create["requested_data"] = requested
        if description is not None:
            create["description"] = description
        if current.workspace:
            create["workspace_id"] = current.workspace
    # the resource itself, as `client.logs.exports` gives it (typed from this package, not through the client)
    exports = LogExports(current.client())
    reporter = _Reporter(progress_mode)
    with reporter.running():
        export_id = resume
        if create is not None:
            created = exports.create(**create)
            export_id = created.id
            reporter.step(f"export {export_id}: created ({created.total} logs)")
            exports.start(export_id)
            reporter.step(f"export {export_id}: started")
        try:
            finished = exports.wait(
                export_id, timeout=wait_timeout, poll_interval=poll_interval, on_poll=reporter.polled
            )
        except ExportFailedError as exc:
            fail("export", f"export {export_id} ended with status {exc.status!r}")
        except WaitTimeoutError as exc:
            fail(
                "export",
                f"export {export_id} did not finish within {wait_timeout:g} s (status {exc.last.status!r}); "
                f"it goes on: `portkey logs export --resume {export_id} -o {path}`",
            )
        written = exports.download(export_id, to=path, progress=reporter.downloaded)
        size = written.stat().st_size
        reporter.step(f"wrote {size} bytes to {written}")
    emit({"export": plain(finished), "file": str(written), "bytes": size}, "json")


# -- api-keys rotate -------------------------------------------------------------------------------------------------


def _interactive() -> bool:
    """Whether someone can answer a question (standard input is a terminal)."""
    return sys.stdin.isatty()


def _transition_ms(value: str | None) -> int | None:
    if value is None:
        return None
    match = _DURATION.match(value.strip())
    if match is None:
        raise click.BadParameter(
            f"{value!r} is not a duration such as 90s, 30m, 24h or 2d", param_hint="'--transition'"
        )
    return int(match.group(1)) * _UNIT_MS[match.group(2) or "ms"]


@click.command("rotate")
@click.argument("key_id", metavar="ID")
@click.option(
    "--transition",
    metavar="DURATION",
    help="How long the previous key stays valid: 90s, 30m, 24h, 2d (a bare number is milliseconds). "
    "Default: the server's.",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the new key to this file (created readable by you only) instead of printing it.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def rotate_command(key_id: str, transition: str | None, save: Path | None, yes: bool, output_format: str) -> None:
    """Rotate an API key: a new key value, the previous one valid for the transition period.

    Prints the response (with the new key, unless --save writes it to a file). Asks for confirmation on a terminal;
    elsewhere pass --yes.
    """
    period = _transition_ms(transition)
    if not yes:
        if not _interactive():
            raise click.UsageError("rotating a key needs confirmation: pass --yes")
        click.confirm(f"Rotate API key {key_id}?", abort=True, err=True)
    arguments: dict[str, Any] = {} if period is None else {"key_transition_period_ms": period}
    rotated = state().client().api_keys.rotate(key_id, **arguments)
    data: dict[str, Any] = plain(rotated)
    if save is not None:
        key = data.get("key")
        if not key:
            fail("request", f"the server returned no key for {key_id}")
        descriptor = os.open(save, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(str(key) + "\n")
        data["key"] = f"(saved to {save})"
    emit(data, output_format)


rotate_command.params.append(output_option())


# -- analytics <graph> -----------------------------------------------------------------------------------------------


def _label(value: object) -> str:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return str(value)


def _graph_command(name: str, method: tuple[str, ...], summary: str) -> click.Command:
    def callback(
        start: str, end: str, metric: str | None, chart: bool, workspace_slug: str | None, output_format: str
    ) -> None:
        current: State = state()
        target: Any = current.client()
        for attribute in method:
            target = getattr(target, attribute)
        arguments: dict[str, Any] = {}
        slug = workspace_slug or current.workspace
        if slug:
            arguments["workspace_slug"] = slug
        data: dict[str, Any] = plain(target(moment(start), moment(end), **arguments))
        points: list[dict[str, Any]] = data.get("data_points") or []
        if output_format != "table" and not chart:
            emit(data, output_format)
            return
        if chart:
            numeric = [
                k for k, v in (points[0] if points else {}).items() if isinstance(v, int | float) and k != "timestamp"
            ]
            chosen = metric or (numeric[0] if numeric else None)
            if chosen is None:
                fail("request", f"the {name} graph has no data point between {start} and {end}")
            if numeric and chosen not in numeric:
                raise click.BadParameter(f"{chosen!r} is not one of {', '.join(numeric)}", param_hint="'--metric'")
            bar_chart([(_label(p.get("timestamp")), float(p.get(chosen) or 0)) for p in points], f"{name}: {chosen}")
        else:
            emit({"data": [{**p, "timestamp": _label(p.get("timestamp"))} for p in points]}, "table")
        summary_data: Mapping[str, Any] = data.get("summary") or {}
        if summary_data:
            emit(summary_data, "table")

    params: list[click.Parameter] = [
        click.Option(
            ["--from", "start"],
            required=True,
            metavar="TIME",
            help="Start of the range (ISO 8601; a bare date is its midnight UTC).",
        ),
        click.Option(
            ["--to", "end"],
            required=True,
            metavar="TIME",
            help="End of the range (ISO 8601; a bare date is its midnight UTC).",
        ),
        click.Option(["--chart"], is_flag=True, help="Draw the metric as a bar chart in the terminal."),
        click.Option(["--metric"], help="The metric the chart draws (default: the first one of the data points)."),
        click.Option([option_name("workspace_slug"), "workspace_slug"], help="The workspace (default: --workspace)."),
        output_option("table"),
    ]
    return click.Command(
        name,
        callback=callback,
        params=params,
        help=f"{summary}: the data points as a table (or --chart), then the summary.\n\n"
        f"The full operation, with every filter: `portkey analytics graphs {name}`.",
        short_help=f"{summary} (table or chart).",
    )


def register(groups: Mapping[tuple[str, ...], click.Group]) -> None:
    """Add the hand-made commands to the command tree."""
    groups[("logs",)].add_command(export_command)
    groups[("api-keys",)].add_command(rotate_command)
    for op in OPERATIONS:
        if op.words[:2] == ("analytics", "graphs"):
            groups[("analytics",)].add_command(_graph_command(op.words[-1], op.method, op.summary))
