"""Construct 10 of issue 13: every pack-model error in Vietnamese, with its code and a hint."""
from __future__ import annotations

import re

import pytest

from scoring.cli import main

from support import QN_PACK

SRC = QN_PACK.read_text(encoding="utf-8")

EDITS = [
    ("status: draft", "status: dang_dung", "pack.status", "'repealed' hoặc 'example'"),
    ("period_kind: year", "period_kind: month", "pack.period_kind", "'quarter' hoặc 'half'"),
    ("        not_applicable: full\n", "        not_applicable: fulll\n", "not_applicable", "'full' hoặc 'zero'"),
    ("  max_total: 100", "  max_total: [100]", "pack.max_total", "phải là số"),
    ("  applies_to: [phuong, xa, thi_tran]", "  applies_to: []", "pack.applies_to", "quá ít"),
    ("  version: \"0.1.0\"\n", "", "pack.version", "thiếu trường bắt buộc"),
]


@pytest.mark.parametrize("old,new,field,words", EDITS, ids=[e[2] + "-" + e[1][:12] for e in EDITS])
def test_pack_model_errors_are_vietnamese_with_code_and_hint(runner, tmp_path, old, new, field, words):
    assert old in SRC
    f = tmp_path / "p.yaml"
    f.write_text(SRC.replace(old, new, 1), encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    first = r.stderr.splitlines()[0]
    assert "[P013]" in first and field in first and words in first, first
    assert "docs/rule-format.md" in first
    assert not re.search(r"\bor\b|Input should|literal\[|\.decimal\b", r.stderr), r.stderr


MISSPELT = [  # (old, new, the key meant) — a misspelt key names the one meant where it was written
    ("  max_total: 100", "  max_totl: 100", "P013", "'max_total'"),
    ('      - {id: V1, when:', '      - {id: V1, wen:', "P013", "'when'"),
    ("        tiers:\n          - {min: 95, points: 6}", "        tiers:\n          - {min: 95, point: 6}", "P004", "'points'"),
]


@pytest.mark.parametrize("old,new,code,meant", MISSPELT, ids=[m[3] for m in MISSPELT])
def test_a_misspelt_key_gets_the_did_you_mean_of_its_own_place(runner, tmp_path, old, new, code, meant):
    """An author writing `applies_if: {kind: …}` or `{min: 95, point: 6}` was told only that the key is
    not allowed; the keys allowed beside it (not the record's, not the whole file's) give the hint."""
    assert old in SRC, old
    f = tmp_path / "p.yaml"
    f.write_text(SRC.replace(old, new, 1), encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    line = next(x for x in r.stderr.splitlines() if "không được phép" in x or "không dùng được" in x)
    assert f"[{code}]" in line and f"có phải ý bạn là {meant}?" in line, line


def test_the_keys_allowed_at_a_place_of_the_pack():
    from scoring.pack import pack_fields_at

    assert pack_fields_at(("criteria", 2, "items", 0, "applies_if", "kind")) == ["kinds", "when"]
    assert "percent" in pack_fields_at(("batch", "quota", "percnt"))
    assert pack_fields_at(("vocabulary", "facts", "x.y", "typ")) == ["type", "label", "unit", "total", "bounded"]
    assert pack_fields_at(("pack", "jurisdiction", "prov")) == []   # a free mapping: nothing to suggest
