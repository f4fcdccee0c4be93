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
