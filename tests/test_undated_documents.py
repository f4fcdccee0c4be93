"""A document without its date never earns more than a dated one (issue 15, defect 1).

Nguyễn Nghiêm's decision 59/QĐ-UBND is dated 16/02/2024, after the 2023 period: TC1.3 gives it 0.
Deleting the date used to raise TC1.3 to 3 and the total from 37 to 40, and `validate` said nothing.
"""
from __future__ import annotations

from decimal import Decimal

import yaml

from scoring import api
from scoring.cli import main

from support import SAMPLES

NGUYEN_NGHIEM = SAMPLES / "quang-ngai" / "nguyen-nghiem-2023.yaml"


def _undated(tmp_path):
    data = yaml.safe_load(NGUYEN_NGHIEM.read_text(encoding="utf-8"))
    index = next(i for i, d in enumerate(data["documents"]) if d["id"] == "decision.dvcq_lead_assignment")
    assert data["documents"][index].pop("issued_on") is not None
    path = tmp_path / "nguyen-nghiem-undated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, index


def _item(result, item_id):
    return next(i for i in result.items if i.id == item_id)


def test_deleting_the_date_earns_nothing(tmp_path):
    path, _ = _undated(tmp_path)
    dated, undated = api.score(str(NGUYEN_NGHIEM)), api.score(str(path))
    assert _item(dated, "TC1.3").points == Decimal(0)
    assert _item(undated, "TC1.3").points == Decimal(0)
    assert dated.total == undated.total == Decimal(37)


def test_the_reason_says_plainly_why(tmp_path):
    path, _ = _undated(tmp_path)
    part = next(p for p in _item(api.score(str(path)), "TC1.3").parts if p.id == "quyet_dinh")
    assert part.rule == "TC1.3/quyet_dinh#nodate"
    assert "59/QĐ-UBND" in part.reason and "không ghi ngày ban hành" in part.reason
    assert "0 điểm" in part.reason and "tính như sau hạn" not in part.reason


def test_validate_warns_naming_file_field_and_document(tmp_path, runner):
    path, index = _undated(tmp_path)
    r = runner.invoke(main, ["validate", str(path)])
    assert r.exit_code == 0, r.stderr
    line = next((ln for ln in r.stderr.splitlines() if "W002" in ln), None)
    assert line is not None, r.stderr
    assert str(path) in line and f"documents[{index}].issued_on" in line
    assert "decision.dvcq_lead_assignment" in line and "59/QĐ-UBND" in line


def test_a_dated_record_has_no_date_warning(runner):
    r = runner.invoke(main, ["validate", str(NGUYEN_NGHIEM)])
    assert r.exit_code == 0 and "W002" not in r.stderr


def test_sent_on_is_the_date_a_report_deadline_reads():
    rec = api.load_record({"ward": {"name": "Phường Thử", "province": "Quảng Ngãi", "kind": "phuong"},
                           "period": {"year": 2023}, "facts": {},
                           "documents": [{"id": "report.dvcq_annual", "number": "120/BC-UBND", "issued_on": "2023-10-05"}]})
    prep = api.check(rec)
    codes = [(w.code, w.field) for w in prep.checked.warnings if w.code == "W002"]
    assert codes == [("W002", "documents[0].sent_on")]
