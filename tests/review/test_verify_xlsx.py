"""`dvcq verify --format xlsx`: the official table of verified scores, self points beside them."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from scoring import api
from scoring.cli import main
from scoring.render.xlsx import SHEET, render_verification

from support import SAMPLES

QN = SAMPLES / "quang-ngai"
RECORD = QN / "nguyen-nghiem-2023.yaml"
REVIEW = QN / "reviews" / "nguyen-nghiem-2023.review.yaml"


def _dec(v) -> Decimal:
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


def _row(ws, col: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


def test_verified_and_self_points_side_by_side_with_findings_in_the_notes():
    v = api.verify(RECORD, REVIEW)
    data = render_verification(v)
    ws = load_workbook(io.BytesIO(data))[SHEET]
    values = load_workbook(io.BytesIO(data), data_only=True)[SHEET]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(t.startswith("BẢNG ĐIỂM THẨM ĐỊNH") for t in texts)
    assert f"TM. {v.review.head.reviewer.unit.upper()}" in texts
    moved = [c for c in v.changes if c.delta != 0]
    assert moved
    for ch in moved:
        r = _row(ws, 1, ch.id)
        assert _dec(values.cell(r, 5).value) == ch.self_points
        assert _dec(values.cell(r, 6).value) == ch.verified_points
        for n in ch.findings:
            assert f"Kết luận #{n}: {v.finding(n).reason}" in values.cell(r, 7).value
    total = _row(ws, 2, "TỔNG ĐIỂM")
    assert _dec(values.cell(total, 6).value) == v.verified.total
    assert _dec(values.cell(total, 5).value) == v.self_result.total
    assert values.cell(_row(ws, 2, "XẾP LOẠI"), 4).value == v.verified.grade.label
    assert values.cell(_row(ws, 2, "Xếp loại theo điểm tự chấm"), 4).value == v.self_result.grade.label
    assert str(ws.cell(_row(ws, 2, "XẾP LOẠI"), 4).value).startswith("=IF(")


def test_cli_writes_the_verified_table_only_to_a_file(tmp_path, runner):
    r = runner.invoke(main, ["verify", str(RECORD), "--review", str(REVIEW), "--format", "xlsx"])
    assert r.exit_code == 2 and "-o" in r.stderr
    out = tmp_path / "bang-diem-tham-dinh.xlsx"
    r = runner.invoke(main, ["verify", str(RECORD), "--review", str(REVIEW), "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes() == render_verification(api.verify(RECORD, REVIEW))
