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
