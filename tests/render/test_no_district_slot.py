"""Issue 13, construct 2: one record's outputs never print an empty district slot ("Phường X, , Quảng
Ngãi") or a "UBND" line for a district that is not there — and still print the district of a record
that has one. Checked on the Phổ Văn sample as written and with its district taken out, in every
format of `score` and `verify` and in `explain`."""
from __future__ import annotations

import io
import re

import pytest
import yaml
from openpyxl import load_workbook

from scoring import api
from scoring.canonical import record_sha256
from scoring.cli import main
from scoring.render import RESULT, VERIFICATION, render

from support import SAMPLES

PHO_VAN = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"
WITH = "Phường Phổ Văn, Thị xã Đức Phổ, Quảng Ngãi"
WITHOUT = "Phường Phổ Văn, Quảng Ngãi"
EMPTY_SLOT = re.compile(r",\s*,|,\s*—|,\s*$|^\s*,", re.MULTILINE)


def record(district: bool) -> dict:
    data = yaml.safe_load(PHO_VAN.read_text(encoding="utf-8"))
    if not district:
        del data["ward"]["district"]
    return data


def xlsx_text(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


def text_of(out) -> str:
    return xlsx_text(out) if isinstance(out, bytes) else out


def verification(tmp_path, data: dict):
    review = {"review_of": {"ward": data["ward"]["name"], "period": {"year": 2023},
                            "record_sha256": record_sha256(api.load_record(data))},
              "reviewer": {"unit": "Phòng Nội vụ", "name": "Chuyên viên"}, "reviewed_on": "2023-12-10",
              "findings": [{"fact": "staff.disciplined", "verified": {"value": 0}, "reason": "Đối chiếu mục III.5"}]}
    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(review, allow_unicode=True), encoding="utf-8")
    return api.verify(data, path)


def check(text: str, district: bool, fmt: str) -> None:
    assert (WITH if district else WITHOUT) in text, fmt
    if not district:
        assert "Đức Phổ, Quảng Ngãi" not in text and "UBND THỊ XÃ" not in text.upper().replace("UBND THỊ XÃ ĐỨC PHỔ", "")
        where = [line for line in text.splitlines() if "Phổ Văn" in line and "Quảng Ngãi" in line]
        assert where and not any(EMPTY_SLOT.search(line) for line in where), (fmt, where)


@pytest.mark.parametrize("district", [True, False], ids=["with-district", "without"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "xlsx"])
def test_score_outputs(fmt, district):
    check(text_of(render(api.score(record(district)), fmt, RESULT)), district, fmt)


@pytest.mark.parametrize("district", [True, False], ids=["with-district", "without"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "xlsx"])
def test_verify_outputs(tmp_path, fmt, district):
    check(text_of(render(verification(tmp_path, record(district)), fmt, VERIFICATION)), district, fmt)


def test_html_heads_with_the_district_only_when_there_is_one():
    with_district = api.render_result(api.score(record(True)), "html")
    without = api.render_result(api.score(record(False)), "html")
    assert "<div>UBND THỊ XÃ ĐỨC PHỔ</div>" in with_district
    head = without[without.index('<table class="national">'):]
    head = head[:head.index("</table>")]
    assert "<div><b>UBND PHƯỜNG PHỔ VĂN</b></div>" in head and "<div>UBND" not in head.replace("<div><b>UBND", "")


@pytest.mark.parametrize("district", [True, False], ids=["with-district", "without"])
def test_explain(runner, tmp_path, district):
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(record(district), allow_unicode=True), encoding="utf-8")
    r = runner.invoke(main, ["explain", str(path), "--rule", "TC1.1"])
    assert r.exit_code == 0, r.stdout + r.stderr
    check(r.stdout, district, "explain")
