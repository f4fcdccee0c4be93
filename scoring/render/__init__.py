"""Reporters: one module per output format, each with `render(result) -> str | bytes`.

A format is offered by the CLI when its module exists here; binary formats (xlsx) need `-o`.
"""
from __future__ import annotations

import importlib
import importlib.util

ORDER = ["table", "json", "markdown", "html", "xlsx"]
BINARY = {"xlsx"}


def available() -> list[str]:
    return [name for name in ORDER if importlib.util.find_spec(f"{__name__}.{name}") is not None]


def render(result, fmt: str):
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.render(result)
