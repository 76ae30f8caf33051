"""Options' help and value checks, through click alone (no server needed)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import click

from lineage_graph.cli import cli
from lineage_graph.cli.options import JsonLogFormatter, RedactingFormatter
from lineage_graph.errors import Neo4jUnavailableError
from lineage_graph.redact import redact


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


def test_log_lines_and_errors_redact_a_uri_password() -> None:
    secret = "pw-do-not-print-7f3a"
    record = logging.LogRecord(
        "lineage_graph", logging.WARNING, __file__, 1, "retrying %s", (f"neo4j+s://reader:{secret}@db.example/x",), None
    )
    for formatter in (RedactingFormatter("%(levelname)s %(message)s"), JsonLogFormatter()):
        line = formatter.format(record)
        assert secret not in line and "neo4j+s://reader:***@db.example/x" in line
    error = Neo4jUnavailableError(f"Neo4j is not reachable at bolt://neo4j:{secret}@host:7687")
    assert str(error) == "Neo4j is not reachable at bolt://neo4j:***@host:7687"
    assert redact("bolt://neo4j@host and http://127.0.0.1:5005/x") == "bolt://neo4j@host and http://127.0.0.1:5005/x"
    assert redact(f"bolt://neo4j:p@ss:{secret}@host") == "bolt://neo4j:***@host"  # an unencoded @ in it
