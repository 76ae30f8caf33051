"""Options' help and value checks, through click alone (no server needed)."""

from __future__ import annotations

from collections.abc import Iterator

import click

from lineage_graph.cli import cli


def _commands(group: click.Group, ctx: click.Context) -> Iterator[tuple[click.Command, click.Context]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        sub = click.Context(command, info_name=name, parent=ctx)
        yield command, sub
        if isinstance(command, click.Group):
            yield from _commands(command, sub)


def test_every_option_read_from_the_environment_names_its_variable_in_help() -> None:
    root = click.Context(cli, info_name="lineage-graph")
    missing = []
    for command, ctx in _commands(cli, root):
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.envvar, str):
                record = param.get_help_record(ctx)
                if record is None or param.envvar not in record[1]:
                    missing.append(f"{ctx.command_path} {param.opts[0]}")
    assert missing == []
