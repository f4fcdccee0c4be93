"""`dvcq review new`: a review skeleton (YAML) or form (Excel) bound to the record, that `verify` accepts
once the reviewer fills it."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import yaml
from openpyxl import load_workbook

from scoring import api
from scoring.cli import main
from scoring.review.skeleton import COLUMNS, HEAD_ROWS, SHEET, TABLE_ROW

from support import SAMPLES

RECORD = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"


def head(ws, key):
    """The value cell of a head row, found by its label as `verify` reads the form."""
    label = dict(HEAD_ROWS)[key]
    return ws.cell(next(r for r in range(1, TABLE_ROW) if ws.cell(r, 1).value == label), 2)


def _new(runner, tmp_path, name):
    out = tmp_path / name
    r = runner.invoke(main, ["review", "new", str(RECORD), "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    return out


def test_yaml_skeleton_is_bound_to_the_record_and_lists_every_item_as_comments(runner, tmp_path):
    out = _new(runner, tmp_path, "thamdinh.yaml")
    text = out.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    result = api.score(RECORD)
    assert data["review_of"]["record_sha256"] == result.record_sha256
    assert data["review_of"]["ward"] == "Phường Phổ Văn" and data["review_of"]["period"] == {"year": 2023}
    assert data["findings"] is None  # every slot is a comment until the reviewer takes it
    for it in result.items:
        if it.section == "criteria" and it.inputs:
            assert f"# ── {it.id} " in text, it.id
    assert "tự chấm 4/4 điểm" in text
    # unfilled: verify names the two fields the reviewer must give, and exits 2
    r = runner.invoke(main, ["verify", str(RECORD), "--review", str(out)])
    assert r.exit_code == 2 and "reviewer.unit" in r.stderr and "reviewed_on" in r.stderr


def test_the_filled_yaml_skeleton_is_accepted_by_verify(runner, tmp_path):
    out = _new(runner, tmp_path, "thamdinh.yaml")
    text = out.read_text(encoding="utf-8")
    text = text.replace('reviewer: {unit: ""', 'reviewer: {unit: "Phòng Nội vụ thị xã Đức Phổ"')
    text = re.sub(r"^reviewed_on:.*$", "reviewed_on: 2023-12-10", text, flags=re.M)
    # the reviewer takes one slot: the annual plan is not accepted
    lines = text.split("\n")
    k = lines.index("  # - document: plan.dvcq_annual")
    lines[k:k + 3] = ["  - document: plan.dvcq_annual", "    accepted: false",
                      '    reason: "Không có bản chụp kế hoạch để đối chiếu."']
    out.write_text("\n".join(lines), encoding="utf-8")
    v = api.verify(RECORD, out)
    assert [f.ident for f in v.findings] == ["plan.dvcq_annual"]
    assert v.change("TC1.1").verified_points < v.change("TC1.1").self_points
    r = runner.invoke(main, ["verify", str(RECORD), "--review", str(out)])
    assert r.exit_code == 0, r.stderr


def test_the_excel_form_filled_by_a_reviewer_is_read_by_verify(runner, tmp_path):
    out = _new(runner, tmp_path, "thamdinh.xlsx")
    wb = load_workbook(out)
    ws = wb[SHEET]
    assert ws.protection.sheet
    assert head(ws, "record_sha256").value == api.score(RECORD).record_sha256
    cols = {key: c for c, (key, _, _) in enumerate(COLUMNS, start=1)}
    rows = {ws.cell(r, cols["id"]).value: r for r in range(TABLE_ROW + 1, ws.max_row + 1)}
    assert {"plan.dvcq_annual", "leadership.briefing_conferences", "TC6.2"} <= set(rows)
    head(ws, "unit").value = "Phòng Nội vụ thị xã Đức Phổ"
    head(ws, "reviewed_on").value = date(2023, 12, 10)
    ws.cell(rows["plan.dvcq_annual"], cols["accepted"]).value = "không"
    ws.cell(rows["plan.dvcq_annual"], cols["reason"]).value = "Không có bản chụp kế hoạch."
    ws.cell(rows["TC6.2"], cols["points"]).value = 1.5
    ws.cell(rows["TC6.2"], cols["reason"]).value = "Mô hình được nhân rộng trong phường."
    wb.save(out)
    v = api.verify(RECORD, out)
    assert [(f.kind, f.ident) for f in v.findings] == [("document", "plan.dvcq_annual"), ("item", "TC6.2")]
    assert v.verified.item("TC6.2").points == Decimal("1.5")
    r = runner.invoke(main, ["verify", str(RECORD), "--review", str(out), "--format", "json"])
    assert r.exit_code == 0, r.stderr


def test_a_form_row_without_a_reason_is_named_by_its_row(runner, tmp_path):
    out = _new(runner, tmp_path, "thamdinh.xlsx")
    wb = load_workbook(out)
    ws = wb[SHEET]
    head(ws, "unit").value = "Phòng Nội vụ"
    head(ws, "reviewed_on").value = date(2023, 12, 10)
    row = next(r for r in range(TABLE_ROW + 1, ws.max_row + 1) if ws.cell(r, 2).value == "plan.dvcq_annual")
    ws.cell(row, 8).value = "không"
    wb.save(out)
    r = runner.invoke(main, ["verify", str(RECORD), "--review", str(out)])
    assert r.exit_code == 2
    assert f"dòng {row}" in r.stderr and "lý do" in r.stderr and "Traceback" not in r.stderr


def test_review_new_refuses_other_suffixes_and_never_overwrites(runner, tmp_path):
    r = runner.invoke(main, ["review", "new", str(RECORD), "-o", str(tmp_path / "x.txt")])
    assert r.exit_code == 2 and ".yaml" in r.stderr
    out = _new(runner, tmp_path, "thamdinh.yaml")
    r = runner.invoke(main, ["review", "new", str(RECORD), "-o", str(out)])
    assert r.exit_code == 2


def test_a_two_tier_period_names_the_province_as_reviewer_and_its_points_verify(runner, tmp_path):
    """Since 1 July 2025 no district reviews a commune: the 2026 skeleton's example reviewer was
    'Phòng Nội vụ thị xã Đức Phổ' with 'vd. 2023-12-10'. The 10 points only the province gives (a
    `manual` item, the author trial's 90+10 pack) are given through the same skeleton."""
    from support import ROOT

    pack = ROOT / "tests" / "author_trial" / "xa-2-cap-2026" / "xa-2-cap-2026.yaml"
    record = tmp_path / "ly-son.yaml"
    record.write_text('ward: {name: "Đặc khu Lý Sơn", province: "Tỉnh Quảng Ngãi", kind: "đặc khu"}\n'
                      "period: {year: 2026, quarter: 2}\nfacts: {receptions.held: 3}\n", encoding="utf-8")
    out = tmp_path / "rv.yaml"
    r = runner.invoke(main, ["review", "new", str(record), "--rules", str(pack), "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert 'vd. "Sở Nội vụ tỉnh Quảng Ngãi"' in text and "vd. 2026-07-10" in text and "Đức Phổ" not in text
    text = text.replace('reviewer: {unit: ""', 'reviewer: {unit: "Sở Nội vụ tỉnh Quảng Ngãi"')
    text = re.sub(r"^reviewed_on:.*$", "reviewed_on: 2026-07-20", text, flags=re.M)
    text = text.replace("  # - item: TC3.1\n  #   points: 0", "  - item: TC3.1\n    points: 9.5")
    lines = text.split("\n")
    k = lines.index("  - item: TC3.1")
    lines[k + 2] = '    reason: "UBND tỉnh đánh giá"'
    out.write_text("\n".join(lines), encoding="utf-8")
    v = api.verify(record, out, pack)
    assert v.verified.item("TC3.1").points == Decimal("9.5") and v.verified.pending == []
