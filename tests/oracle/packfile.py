"""Reading a rule pack the oracle's own way.

`yaml.safe_load` is not usable as-is: PyYAML follows YAML 1.1, where the key `on:` (every `tiers`
rule uses it) becomes the boolean True and `no`/`yes`/`off` become booleans too. The format says
only `true`/`false` are booleans, and numbers with a fraction are exact decimals (1.5 points must not
become a binary float), so this loader resolves exactly that and nothing more.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml


class PackLoader(yaml.SafeLoader):
    """SafeLoader whose only booleans are true/false and whose fractions are Decimals."""


PackLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PackLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
PackLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", "")),
)


def load(path: str | Path) -> dict:
    """The pack file as plain data (dicts, lists, str, int, Decimal, bool, date)."""
    with open(path, encoding="utf-8-sig") as fh:
        data = yaml.load(fh, Loader=PackLoader)  # noqa: S506 - PackLoader is a SafeLoader
    if not isinstance(data, dict) or data.get("format") != "dvcq-pack/1":
        raise ValueError(f"{path}: not a dvcq-pack/1 file")
    return data


def number(value) -> Decimal:
    """A number written in the pack (int, Decimal, or a quoted string such as step: "0.25")."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return Decimal(str(value)) if not isinstance(value, Decimal) else value
