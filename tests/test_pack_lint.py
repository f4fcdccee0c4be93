"""The linter refuses broken packs with the item named, file:line and a stable code."""
from __future__ import annotations

import pytest

from scoring.cli import main

from support import QN_PACK

SRC = QN_PACK.read_text(encoding="utf-8")

CASES = [
    ("wrong-criterion-sum", ("    title: \"Lãnh đạo, chỉ đạo, tổ chức triển khai\"\n    max: 15",
                             "    title: \"Lãnh đạo, chỉ đạo, tổ chức triển khai\"\n    max: 16"), ["L001", "TC1"]),
    ("wrong-total", ("  max_total: 100", "  max_total: 99"), ["L002", "max_total"]),
    ("duplicate-id", ("      - id: TC1.2\n", "      - id: TC1.1\n"), ["P001", "TC1.1"]),
    ("unknown-input", ("        on: leadership.briefing_conferences", "        on: leadership.briefing_conference"),
     ["P005", "leadership.briefing_conferences"]),
    ("overlapping-tiers", ("          - {min: 90, points: 5}\n          - {min: 85, points: 4}",
                           "          - {min: 90, points: 5}\n          - {min: 85, max: 92, points: 4}"), ["P005", "chồng lấn"]),
    ("gapped-tiers", ("          - {min: 90, points: 5}\n          - {min: 85, points: 4}",
                      "          - {min: 90, points: 5}\n          - {min: 86, max: 88, points: 4}"), ["P005", "khoảng trống"]),
    ("unreachable-grade", ("    min: 90\n", "    min: 120\n"), ["L003"]),
    ("unknown-method", ("        method: yes_no\n        fact: reform.procedures_posted",
                        "        method: yesno\n        fact: reform.procedures_posted"), ["P003", "yes_no"]),
    ("unknown-parameter", ("          - {by: plan_deadline_full, points: 4}", "          - {by: plan_deadline_ful, points: 4}"),
     ["plan_deadline_full"]),
    ("veto-call", ("when: \"staff.disciplined > 0\"", "when: \"__import__('os').system('x') > 0\""), ["P010", "một vế phải là mã số liệu"]),
    ("veto-dunder", ("when: \"staff.disciplined > 0\"", "when: \"staff.disciplined.__class__ > 0\""), ["P010", "không có trong vocabulary"]),
    ("points-above-max", ("          - {min: 95, points: 6}", "          - {min: 95, points: 7}"), ["P005", "ngoài khoảng"]),
    ("missing-source", ("        source: \"QĐ 1211/QĐ-UBND, Tiêu chí 2, nội dung 5 (bản đọc dự thảo)\"\n", ""), ["P002", "TC2.5"]),
]


@pytest.mark.parametrize("name,edit,words", CASES, ids=[c[0] for c in CASES])
def test_lint_refuses(runner, tmp_path, name, edit, words):
    old, new = edit
    assert old in SRC, f"fixture edit no longer applies: {old!r}"
    f = tmp_path / f"{name}.yaml"
    f.write_text(SRC.replace(old, new, 1), encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2, r.stdout
    assert "Traceback" not in r.stderr
    assert f.name in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def test_lint_error_has_line_number(runner, tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text(SRC.replace("      - id: TC1.2\n", "      - id: TC1.1\n", 1), encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    line = SRC[: SRC.index("      - id: TC1.2\n")].count("\n") + 1
    assert f"{f}:{line}" in r.stderr, r.stderr


def test_pack_with_broken_rules_cannot_score(runner, tmp_path):
    from support import SAMPLES

    f = tmp_path / "bad.yaml"
    f.write_text(SRC.replace("  max_total: 100", "  max_total: 99"), encoding="utf-8")
    r = runner.invoke(main, ["score", str(SAMPLES / "quang-ngai" / "pho-van-2023.yaml"), "--rules", str(f)])
    assert r.exit_code == 2 and "L002" in r.stderr
