"""The part of a rule pack the extractor needs, read as plain data (no dependency on the loader).

`vocabulary.facts` and `vocabulary.documents` say which identifiers exist and of what type; the
criteria say which identifiers accept "not applicable" (an item with a `not_applicable:` setting),
so that "không phát sinh" becomes `not_applicable` only where the pack knows what to do with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from ..errors import PackError, UsageError


@dataclass
class Vocabulary:
    facts: dict[str, dict]
    documents: dict[str, dict]
    na_allowed: set[str] = field(default_factory=set)
    pack_id: Optional[str] = None
    province: Optional[str] = None
    period_kind: str = "year"


def _inputs(cfg: Any) -> list[str]:
    out: list[str] = []
    if not isinstance(cfg, dict):
        return out
    on = cfg.get("on", cfg.get(True))  # yaml.safe_load (YAML 1.1) reads the key `on:` as True
    if isinstance(on, str):
        out.append(on)
    elif isinstance(on, dict):
        out.extend(v for v in (on.get("num"), on.get("den")) if isinstance(v, str))
    for key in ("fact", "document"):
        if isinstance(cfg.get(key), str):
            out.append(cfg[key])
    for key in ("facts", "evidence"):
        if isinstance(cfg.get(key), list):
            out.extend(v for v in cfg[key] if isinstance(v, str))
    return out


def _walk_items(node: Any):
    if isinstance(node, dict):
        if "method" in node or "parts" in node:
            yield node
        for key in ("criteria", "items", "parts"):
            for child in node.get(key) or []:
                yield from _walk_items(child)
        for key in ("bonus", "deductions"):
            if isinstance(node.get(key), dict):
                yield from _walk_items(node[key])
    elif isinstance(node, list):
        for child in node:
            yield from _walk_items(child)


def vocabulary_from_pack(data: dict) -> Vocabulary:
    """The vocabulary of a pack given as the dict `yaml.safe_load` returns."""
    vocab = data.get("vocabulary") if isinstance(data, dict) else None
    if not isinstance(vocab, dict) or not isinstance(vocab.get("facts"), dict):
        raise PackError.one("bộ tiêu chí không có mục vocabulary.facts để biết cần trích số liệu nào",
                            field="vocabulary")
    na: set[str] = set()
    for item in _walk_items(data):
        if "not_applicable" in item:
            na.update(_inputs(item))
    meta = data.get("pack") or {}
    return Vocabulary(
        facts={k: dict(v or {}) for k, v in vocab["facts"].items()},
        documents={k: dict(v or {}) for k, v in (vocab.get("documents") or {}).items()},
        na_allowed=na,
        pack_id=meta.get("id"),
        province=(meta.get("jurisdiction") or {}).get("province"),
        period_kind=meta.get("period_kind") or "year",
    )


def default_pack_path() -> Path:
    return Path(__file__).resolve().parents[2] / "rules" / "quang-ngai" / "qd-1211-2022.yaml"


def load_vocabulary(path: str | Path) -> Vocabulary:
    from ..files import read_bytes
    from ..yamlio import MAX_BYTES

    p = Path(path)
    raw = read_bytes(p, "tệp bộ tiêu chí", MAX_BYTES, UsageError)
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackError.one(f"không đọc được bộ tiêu chí: {exc.__class__.__name__}", file=str(p)) from exc
    try:
        return vocabulary_from_pack(data)
    except PackError as exc:
        for problem in exc.problems:
            problem.file = str(p)
        raise PackError(exc.problems) from None
