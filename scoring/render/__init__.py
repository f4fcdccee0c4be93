"""Reporters: one registry, keyed by format, serving `dvcq score`, `verify` and `batch`.

Each entry names the kinds of result it renders — "result" (one record scored), "verification"
(self-assessment against a district review), "batch" (a district's ranking) — and, for each, the
function that renders it, as "module:function" imported only when used (openpyxl and tabulate are
slow to import, and the CLI's start is measured). The commands' `--format` choices come from here,
so a format is added once, in one place, for every command that can show it.
"""
from __future__ import annotations

import importlib
from typing import NamedTuple

RESULT, VERIFICATION, BATCH = "result", "verification", "batch"


class Reporter(NamedTuple):
    format: str
    renders: dict        # kind → "module:function"
    binary: bool = False  # written only to a file (-o)


REPORTERS: dict[str, Reporter] = {r.format: r for r in (
    Reporter("table", {RESULT: "scoring.render.table:render",
                       VERIFICATION: "scoring.review.render:render_table",
                       BATCH: "scoring.batch.render:render_table"}),
    Reporter("csv", {BATCH: "scoring.batch.render:render_csv"}),
    Reporter("json", {RESULT: "scoring.render.json:render",
                      VERIFICATION: "scoring.review.render:render_json",
                      BATCH: "scoring.batch.render:render_json"}),
    Reporter("markdown", {RESULT: "scoring.render.markdown:render",
                          VERIFICATION: "scoring.review.render:render_markdown",
                          BATCH: "scoring.batch.render:render_markdown"}),
    Reporter("html", {RESULT: "scoring.render.html:render",
                      VERIFICATION: "scoring.review.render:render_html",
                      BATCH: "scoring.batch.printed:render_html"}),
    Reporter("xlsx", {RESULT: "scoring.render.xlsx:render",
                      VERIFICATION: "scoring.render.xlsx:render_verification",
                      BATCH: "scoring.batch.printed:render_xlsx"}, binary=True),
)}


def formats(kind: str = RESULT) -> list[str]:
    """The formats that render `kind`, in the registry's order (the `--format` choices)."""
    return [f for f, r in REPORTERS.items() if kind in r.renders]


def binary(fmt: str) -> bool:
    return REPORTERS[fmt].binary


def reporter(fmt: str, kind: str = RESULT):
    """The function rendering `kind` in `fmt` (KeyError when the format does not render that kind)."""
    module, _, name = REPORTERS[fmt].renders[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def render(value, fmt: str, kind: str = RESULT, **options):
    """`options` (e.g. `with_trail` for html) go to the reporter; only the formats that take them get them."""
    return reporter(fmt, kind)(value, **options)


def available() -> list[str]:
    """The formats of `dvcq score` (kept for callers of the former per-command list)."""
    return formats(RESULT)


BINARY = {f for f, r in REPORTERS.items() if r.binary}
ORDER = list(REPORTERS)
