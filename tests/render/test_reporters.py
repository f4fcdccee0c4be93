"""One reporter registry serves `score`, `verify` and `batch`: their --format choices come from it."""
from __future__ import annotations

import click
import pytest

from scoring import render
from scoring.cli import main


def _choices(command: click.Command) -> list[str]:
    opt = next(p for p in command.params if p.name == "fmt")
    return list(opt.type.choices)


@pytest.mark.parametrize("command,kind", [("score", render.RESULT), ("verify", render.VERIFICATION),
                                          ("batch", render.BATCH)])
def test_format_choices_come_from_the_registry(command, kind):
    ctx = click.Context(main)
    assert _choices(main.get_command(ctx, command)) == render.formats(kind)


def test_registry_lists_what_each_command_offers():
    assert render.formats(render.RESULT) == ["table", "json", "markdown", "html", "xlsx"]
    assert render.formats(render.VERIFICATION) == ["table", "json", "markdown", "html", "xlsx"]
    assert render.formats(render.BATCH) == ["table", "csv", "json", "markdown", "html", "xlsx"]
    assert [f for f in render.REPORTERS if render.binary(f)] == ["xlsx"]


@pytest.mark.parametrize("fmt,kind", [(f, k) for f, r in render.REPORTERS.items() for k in r.renders])
def test_every_entry_names_a_function_that_exists(fmt, kind):
    assert callable(render.reporter(fmt, kind))


def test_a_format_a_kind_does_not_have_is_refused():
    with pytest.raises(KeyError):
        render.reporter("csv", render.RESULT)
