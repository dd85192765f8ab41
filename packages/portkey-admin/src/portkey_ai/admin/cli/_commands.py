"""The `portkey` command tree: the generated commands (`_app.py`) and the hand-made workflows (`_workflows.py`)
in one Click group, and `run`, the console script's body."""

from __future__ import annotations

import click

from ._app import cli, operation_command
from ._operations import GROUPS, OPERATIONS
from ._workflows import register

__all__ = ["GROUP_OF", "cli", "run"]


def _build_tree(root: click.Group) -> dict[tuple[str, ...], click.Group]:
    groups: dict[tuple[str, ...], click.Group] = {(): root}
    for words, doc in GROUPS.items():
        group = click.Group(words[-1], help=doc, short_help=doc.split(":")[0].rstrip("."), no_args_is_help=True)
        groups[words[:-1]].add_command(group)
        groups[words] = group
    for op in OPERATIONS:
        groups[op.words[:-1]].add_command(operation_command(op))
    return groups


GROUP_OF = _build_tree(cli)
"""Every command group, by its words (`("logs", "exports")`); `()` is the root."""

register(GROUP_OF)


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    try:
        result = cli.main(args=argv, prog_name="portkey", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("portkey: aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    # without standalone mode, Click returns the exit code of an `Exit` (`--help`, an error class) as the result
    return result if isinstance(result, int) else 0
