"""Issue 13, construct 2 — outputs speak of the unit kind they assess. A department's record under
the agency example pack is named as an agency everywhere (its own name as the issuer, under the
province's people's committee; "cơ quan, đơn vị"; "cấp tỉnh"; its head signs), with no commune
wording; a commune's record keeps its wording (its bytes are held by the goldens and by
tests/render/test_render_*). Every output through the CLI, as a clerk or a department runs it."""
from __future__ import annotations

import re

import pytest
import yaml
from openpyxl import load_workbook

from scoring.cli import main
from scoring.units import AGENCY_WORDS, COMMUNE_WORDS, words_for

from support import RULES, SAMPLES

AGENCY = RULES / "examples" / "agency-so-nganh.yaml"
COMMUNE = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"
COMMUNE_REVIEW = SAMPLES / "quang-ngai" / "reviews" / "pho-van-2023.review.yaml"
FACTS = {"unit.has_one_stop_desk": True, "unit.public_service_units": 2, "tasks.completed": {"percent": 90},
         "plan.published": True, "procedures.on_time": {"percent": 98}, "procedures.published_online": True,
         "psu.autonomy": {"percent": 80}, "staff.disciplined": 0}
# The country's name is not the unit's: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" heads every paper.
MOTTO = re.compile(r"(?i)cộng hòa xã hội chủ nghĩa việt nam")
COMMUNE_TERMS = re.compile(r"(?i)(?<!\w)(xã|phường|thị trấn|tổ dân phố|cấp huyện|huyện)(?!\w)")


def commune_terms(text: str) -> list[str]:
    return COMMUNE_TERMS.findall(MOTTO.sub("", text))


def department(tmp_path, name="Sở Nội vụ", kind="so_nganh", percent=90, **ward):
    data = {"ward": {"name": name, "province": "Tỉnh Ví Dụ", "kind": kind, **ward}, "period": {"year": 2026},
            "facts": {**FACTS, "tasks.completed": {"percent": percent}}}
    f = tmp_path / f"{name.replace(' ', '-')}.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return f


def run(runner, *args) -> str:
    res = runner.invoke(main, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


def xlsx_text(path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def xlsx_cells(path) -> set:
    wb = load_workbook(path)
    return {c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}


# -- the table ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kinds, words", [
    ("so_nganh", AGENCY_WORDS), ("co_quan_cap_tinh", AGENCY_WORDS), (["so_nganh", "co_quan_cap_tinh"], AGENCY_WORDS),
    ("phuong", COMMUNE_WORDS), (["xa", "phuong", "dac_khu"], COMMUNE_WORDS), (["phuong", "so_nganh"], COMMUNE_WORDS),
    (None, COMMUNE_WORDS), ([], COMMUNE_WORDS)])
def test_words_follow_the_kinds(kinds, words):
    assert words_for(kinds) is words


def test_the_issuer_of_each_kind():
    assert COMMUNE_WORDS.issuer("Phường Phổ Văn", "Thị xã Đức Phổ", "Quảng Ngãi") == ("UBND Phường Phổ Văn",
                                                                                   "UBND Thị xã Đức Phổ")
    assert COMMUNE_WORDS.issuer("Phường Phổ Văn", None, "Quảng Ngãi") == ("UBND Phường Phổ Văn", None)
    assert AGENCY_WORDS.issuer("Sở Nội vụ", None, "Quảng Ngãi") == ("Sở Nội vụ", "UBND tỉnh Quảng Ngãi")
    assert AGENCY_WORDS.issuer("Sở Nội vụ", None, "Tỉnh Ví Dụ") == ("Sở Nội vụ", "UBND Tỉnh Ví Dụ")
    assert AGENCY_WORDS.place("Sở Nội vụ", "Quảng Ngãi") == "Quảng Ngãi"


# -- one record -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_text_outputs_of_a_department_say_nothing_of_communes(runner, tmp_path, fmt):
    out = run(runner, "score", department(tmp_path), "--rules", AGENCY, "--format", fmt)
    assert "Sở Nội vụ" in out and commune_terms(out) == []


def test_html_paper_of_a_department_is_issued_by_the_department(runner, tmp_path):
    out = run(runner, "score", department(tmp_path), "--rules", AGENCY, "--format", "html", "--with-trail")
    head = re.search(r'<table class="national">.*?</table>', out).group(0)
    assert "<div>UBND TỈNH VÍ DỤ</div><div><b>SỞ NỘI VỤ</b></div>" in head
    assert "Ví Dụ, ngày" in head and "UBND SỞ" not in out
    assert "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" in out and "ỦY BAN NHÂN DÂN" not in out and "CHỦ TỊCH" not in out
    assert commune_terms(out) == []


def test_xlsx_paper_of_a_department_is_issued_by_the_department(runner, tmp_path):
    out = tmp_path / "bang.xlsx"
    run(runner, "score", department(tmp_path), "--rules", AGENCY, "--format", "xlsx", "-o", out)
    cells = xlsx_cells(out)
    assert "UBND TỈNH VÍ DỤ\nSỞ NỘI VỤ" in cells and "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" in cells
    assert "Ví Dụ, ngày ….. tháng ….. năm ……." in cells
    text = xlsx_text(out)
    assert "ỦY BAN NHÂN DÂN" not in text and commune_terms(text) == []


def test_explain_of_a_department_says_nothing_of_communes(runner, tmp_path):
    f = department(tmp_path)
    out = run(runner, "explain", f, "--rules", AGENCY) + run(runner, "explain", f, "--rules", AGENCY, "--rule", "TC2.2")
    assert "Sở Nội vụ" in out and commune_terms(out) == []


def test_verification_of_a_department(runner, tmp_path):
    f = department(tmp_path)
    skeleton = tmp_path / "rv.yaml"
    run(runner, "review", "new", f, "--rules", AGENCY, "-o", skeleton)
    text = skeleton.read_text(encoding="utf-8")
    assert AGENCY_WORDS.reviewer_example in text and commune_terms(text) == []
    skeleton.write_text(text.replace('unit: ""', 'unit: "Văn phòng UBND tỉnh Ví Dụ"')
                        .replace("reviewed_on:   #", "reviewed_on: 2026-12-10   #"), encoding="utf-8")
    for fmt in ("table", "markdown", "json", "html"):
        out = run(runner, "verify", f, "--review", skeleton, "--rules", AGENCY, "--format", fmt)
        assert commune_terms(out) == [], fmt
    xl = tmp_path / "v.xlsx"
    run(runner, "verify", f, "--review", skeleton, "--rules", AGENCY, "--format", "xlsx", "-o", xl)
    assert "UBND TỈNH VÍ DỤ\nSỞ NỘI VỤ" in xlsx_cells(xl) and commune_terms(xlsx_text(xl)) == []


# -- a batch --------------------------------------------------------------------------------------
@pytest.fixture
def departments(tmp_path):
    d = tmp_path / "hoso"
    d.mkdir()
    department(d, "Sở Nội vụ", percent=90)
    department(d, "Sở Tài chính", percent=100)
    department(d, "Ban Quản lý dự án", kind="co_quan_cap_tinh", percent=70)
    return d


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_batch_text_of_departments_says_nothing_of_communes(runner, departments, fmt):
    out = run(runner, "batch", departments, "--rules", AGENCY, "--format", fmt)
    assert "Sở Tài chính" in out and commune_terms(out) == []


def test_batch_html_of_departments(runner, departments, tmp_path):
    out = tmp_path / "b.html"
    run(runner, "batch", departments, "--rules", AGENCY, "--format", "html", "-o", out)
    page = out.read_text(encoding="utf-8")
    assert f"<h1>{AGENCY_WORDS.ranking_title} năm 2026</h1>" in page
    assert "<th>Cơ quan, đơn vị</th>" in page and "TM. UBND TỈNH VÍ DỤ" in page
    assert commune_terms(page) == [] and "ỦY BAN NHÂN DÂN" not in page


def test_batch_xlsx_of_departments(runner, departments, tmp_path):
    out = tmp_path / "b.xlsx"
    run(runner, "batch", departments, "--rules", AGENCY, "--format", "xlsx", "-o", out)
    cells = xlsx_cells(out)
    assert "Cơ quan, đơn vị" in cells and f"{AGENCY_WORDS.ranking_title} năm 2026" in cells
    assert commune_terms(xlsx_text(out)) == []


# -- the entry workbook ---------------------------------------------------------------------------
def test_entry_workbook_of_a_department(runner, tmp_path):
    f = department(tmp_path)
    wb = tmp_path / "phieu.xlsx"
    run(runner, "convert", f, "--rules", AGENCY, "-o", wb)
    cells = xlsx_cells(wb)
    assert {"Tên cơ quan, đơn vị", "Loại cơ quan, đơn vị", "Bắt buộc. Ví dụ: Sở Nội vụ"} <= cells
    assert not any("ward.residential_groups" == c for c in cells)
    assert commune_terms(xlsx_text(wb)) == []
    back = tmp_path / "back.yaml"
    run(runner, "convert", wb, "-o", back)
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["ward"] == yaml.safe_load(
        f.read_text(encoding="utf-8"))["ward"]


def test_entry_workbook_keeps_groups_a_department_record_holds(runner, tmp_path):
    """Nothing a record holds is dropped on a round trip, even a row its kind does not ask for."""
    f = department(tmp_path, residential_groups=3)
    wb = tmp_path / "phieu.xlsx"
    run(runner, "convert", f, "--rules", AGENCY, "-o", wb)
    back = tmp_path / "back.yaml"
    run(runner, "convert", wb, "-o", back)
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["ward"]["residential_groups"] == 3


# -- a commune keeps its wording ------------------------------------------------------------------
def test_a_commune_keeps_its_wording(runner, tmp_path):
    html = run(runner, "score", COMMUNE, "--format", "html")
    assert "<div><b>UBND PHƯỜNG PHỔ VĂN</b></div>" in html and "TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH" in html
    assert "Phổ Văn, ngày" in html
    xl = tmp_path / "s.xlsx"
    run(runner, "score", COMMUNE, "--format", "xlsx", "-o", xl)
    cells = xlsx_cells(xl)
    assert {"ỦY BAN NHÂN DÂN\nPHƯỜNG PHỔ VĂN", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"} <= cells
    assert any(c.startswith("Phường Phổ Văn, ngày") for c in cells)
    bh = tmp_path / "b.html"
    run(runner, "batch", COMMUNE.parent, "--reviews", COMMUNE_REVIEW.parent, "--format", "html", "-o", bh)
    page = bh.read_text(encoding="utf-8")
    assert "<th>Phường, xã, thị trấn</th>" in page and f"<title>{COMMUNE_WORDS.ranking_title}" in page
    bx = tmp_path / "b.xlsx"
    run(runner, "batch", COMMUNE.parent, "--format", "xlsx", "-o", bx)
    assert "Phường, xã, thị trấn" in xlsx_cells(bx)
    wb = tmp_path / "phieu.xlsx"
    run(runner, "convert", COMMUNE, "-o", wb)
    assert {"Tên phường, xã, thị trấn", "Số tổ dân phố, thôn", "Loại đơn vị hành chính"} <= xlsx_cells(wb)
    rv = tmp_path / "rv.yaml"
    run(runner, "review", "new", COMMUNE, "-o", rv)
    assert '"Phòng Nội vụ thị xã Đức Phổ"' in rv.read_text(encoding="utf-8")
