"""Issue 13, construct 2: the entry workbook asks for a district only where there is one.

A pack starting on or after 1 July 2025 (no district level) gets no "Huyện" row and no "huyện" in
the guide; a pack of the older periods keeps both, and a record that names a district keeps its row
whatever the pack. The unit kind list offers the kinds the pack assesses, so a department's record
(kind so_nganh) goes to a workbook and back."""
from __future__ import annotations

from pathlib import Path

from scoring import api
from scoring.workbook import layout as L

from wbhelp import id_col, open_bytes, row_of

ROOT = Path(__file__).resolve().parents[2]
AGENCY = ROOT / "rules" / "examples" / "agency-so-nganh.yaml"
QN_PACK = ROOT / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
DEPARTMENT = {"ward": {"name": "Sở Nội vụ", "province": "Tỉnh Ví Dụ", "kind": "so_nganh"}, "period": {"year": 2026},
              "documents": [], "facts": {"unit.has_one_stop_desk": True, "unit.public_service_units": 2,
                                         "tasks.completed": {"percent": 95}, "plan.published": True}}


def ids(data: bytes) -> list[str]:
    ws = open_bytes(data)[L.SHEET_WARD]
    c = id_col(ws)
    return [ws.cell(r, c).value for r in range(L.FIRST_ROW, ws.max_row + 1) if ws.cell(r, c).value]


def guide(data: bytes) -> str:
    ws = open_bytes(data)[L.SHEET_GUIDE]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_a_two_tier_pack_asks_for_no_district():
    data = api.workbook(AGENCY)
    assert "ward.district" not in ids(data) and "ward.province" in ids(data)
    assert "huyện" not in guide(data).casefold()
    assert "Huyện" not in "".join(str(c.value) for row in open_bytes(data)[L.SHEET_WARD].iter_rows() for c in row
                                  if c.value)


def test_an_older_pack_keeps_its_district_row():
    data = api.workbook(QN_PACK)
    assert ids(data)[:3] == ["ward.name", "ward.district", "ward.province"]
    assert "tên phường, xã; huyện; tỉnh;" in guide(data)


def test_a_record_naming_a_district_keeps_it_under_any_pack(tmp_path):
    rec = dict(DEPARTMENT, ward=dict(DEPARTMENT["ward"], district="Huyện Cũ"))
    data = api.workbook(AGENCY, rec)
    ws = open_bytes(data)[L.SHEET_WARD]
    assert ws.cell(row_of(ws, "ward.district"), 3).value == "Huyện Cũ"


def test_a_department_record_goes_to_a_workbook_and_back(tmp_path):
    data = api.workbook(AGENCY, DEPARTMENT)
    ws = open_bytes(data)[L.SHEET_WARD]
    r = row_of(ws, "ward.kind")
    assert ws.cell(r, 3).value == "sở ngành" and ws.cell(r, 4).value == "Chọn: sở ngành hoặc cơ quan cấp tỉnh"
    offered = [dv.formula1 for dv in ws.data_validations.dataValidation if f"C{r}" in str(dv.sqref)]
    assert offered == ['"sở ngành,cơ quan cấp tỉnh"']
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(data)
    back = api.read_workbook(path).record
    assert back.ward.kind == "so_nganh" and back.ward.district is None and back.ward.name == "Sở Nội vụ"
