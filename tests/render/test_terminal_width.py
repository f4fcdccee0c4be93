"""Terminal tables fit the width: `--width N`, else the terminal's (COLUMNS), 80 columns included."""
from __future__ import annotations

import re

import pytest

from scoring.cli import main

from support import SAMPLES

QN = SAMPLES / "quang-ngai"
PHO_VAN, NN = QN / "pho-van-2023.yaml", QN / "nguyen-nghiem-2023.yaml"
NN_REVIEW = QN / "reviews" / "nguyen-nghiem-2023.review.yaml"

COMMANDS = {
    "score": ["score", str(PHO_VAN)],
    "verify": ["verify", str(NN), "--review", str(NN_REVIEW)],
    "batch": ["batch", str(QN), "--reviews", str(QN / "reviews")],
}


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("width", [80, 100, 132])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_line_fits_the_width_asked(runner, command, width):
    r = runner.invoke(main, [*COMMANDS[command], "--width", str(width)])
    assert r.exit_code == 0, r.stderr
    assert widest(r.stdout) <= width
    assert widest(r.stdout) >= width - 12  # and uses it: the table is not left narrow


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_terminal_width_is_the_default(runner, command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    r = runner.invoke(main, COMMANDS[command])
    assert r.exit_code == 0 and widest(r.stdout) <= 90


def test_verify_keeps_self_verified_and_finding_on_lines_of_their_own(runner):
    r = runner.invoke(main, [*COMMANDS["verify"], "--width", "80"])
    cells = [line.split("│")[-2].strip() for line in r.stdout.splitlines() if line.startswith("│")]
    starts = [c for c in cells if re.match(r"(Tự chấm|Thẩm định|Kết luận #\d+):", c)]
    assert any(c.startswith("Tự chấm:") for c in starts) and any(c.startswith("Thẩm định:") for c in starts)
    assert any(c.startswith("Kết luận #1:") for c in starts)
    assert "KẾT LUẬN THẨM ĐỊNH:" in r.stdout


def test_missing_evidence_is_named_by_its_label_one_per_line(runner):
    r = runner.invoke(main, [*COMMANDS["score"], "--width", "120"])
    assert "Thiếu minh chứng làm mất điểm (27):" in r.stdout
    assert "  - Số lần sơ kết 6 tháng, tổng kết năm công tác DVCQ (leadership.reviews_held)" in r.stdout


def test_reasons_carry_the_unit_of_the_counted_fact_on_paper_but_not_in_json(runner):
    from scoring.api import score as score_file
    from scoring.render.html import render

    r = runner.invoke(main, [*COMMANDS["score"], "--width", "160"])
    assert "1 hội nghị — bậc ≥ 1 → 3 điểm" in r.stdout  # TC1.2: the pack's vocabulary says 'hội nghị'
    result = score_file(PHO_VAN)
    assert "1 hội nghị — bậc ≥ 1 → 3 điểm" in render(result)
    tc12 = next(i for i in result.items if i.id == "TC1.2")
    assert tc12.reason == "1 — bậc ≥ 1 → 3 điểm"  # the JSON contract's wording is unchanged


def test_rules_list_and_show_name_the_status_in_vietnamese(runner):
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 0 and "dự thảo (draft)" in r.stdout
    r = runner.invoke(main, ["rules", "show", "quang-ngai-1211-2022"])
    assert r.exit_code == 0 and "— dự thảo (draft) —" in r.stdout and "theo bậc (tiers)" in r.stdout
