"""Issue 13, construct 3: vetoes, grade caps and eligibility on computed results
(`points(TC2)`, `max(TC2)`, `total`), and construct 9: dates relative to the quarter or half-year."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
import yaml

from scoring import api, conditions
from scoring.cli import main
from scoring.pack import DateSpec, period_code

from support import QN_PACK, ROOT, SAMPLES

QUARTERLY = ROOT / "rules" / "examples" / "quarterly.yaml"
SCOPE = {"TC1": Decimal(15), "TC2": Decimal(10), "TC1.1": Decimal(4), "TC1.1/a": Decimal(3)}


def parse(text: str):
    return conditions.parse_results(text, {"staff.disciplined": _Count()}, SCOPE, Decimal(100))


class _Count:
    type = "count"


# -- the language -------------------------------------------------------------------------------
def test_max_is_folded_and_a_constant_factor_may_be_written_either_way():
    a, b = parse("points(TC2) < max(TC2) / 2"), parse("points(TC2) < 0.5 * max(TC2)")
    assert a.terms[0][1].coeffs == b.terms[0][1].coeffs == (("TC2", Fraction(1)),)
    assert a.terms[0][1].const == b.terms[0][1].const == Fraction(-5)
    assert a.reads() == ["TC2"]


def test_dotted_ids_quoted_ids_parts_total_and_facts_beside_results():
    c = parse("points(TC1.1) + points('TC1.1/a') >= 0.25 * total or staff.disciplined > 0")
    assert c.reads() == ["TC1.1", "TC1.1/a", "total"]
    assert conditions.identifiers(c) == ["staff.disciplined"]  # the facts it reads, for the vocabulary check


@pytest.mark.parametrize("text,words", [
    ("points(TC22) < 5", "TC2"),                                   # did-you-mean
    ("points(TC1) * points(TC2) < 5", "không tuyến tính"),
    ("points(TC1) / points(TC2) < 5", "không tuyến tính"),
    ("points(TC1) / 0 < 5", "chia cho 0"),
    ("max(TC1) > 5", "hằng số"),
    ("points(staff.disciplined) > 0", "là số liệu"),
    ("staff.disciplined + points(TC1) > 3", "chỉ được so sánh trực tiếp"),
    ("points(TC1, TC2) > 3", "đúng một mã"),
    ("points(TC1) ** 2 > 3", "không được phép"),
])
def test_refused_with_a_vietnamese_reason(text, words):
    with pytest.raises(conditions.ResultTermError) as exc:
        parse(text)
    assert words in str(exc.value)


def test_the_sign_is_exact_where_binary_floats_are_not():
    term = parse("points(TC2) >= 0.1 * max(TC1.1/a)").terms[0][1]   # 0.1 × 3 = 0.30000000000000004 in floats
    assert term.sign({"TC2": Decimal("0.3")}) == 0
    third = parse("points(TC2) < max(TC2) / 3").terms[0][1]
    assert third.sign({"TC2": Decimal("3.3333")}) == -1 and third.sign({"TC2": Decimal("3.3334")}) == 1


# -- loading a pack -----------------------------------------------------------------------------
V3 = '      - {id: V3, when: "petitions.mass_or_overlevel_cases > 0"'


def _qn_with(tmp_path, after_v3: str = "", tail: str = "") -> str:
    src = QN_PACK.read_text(encoding="utf-8")
    line_end = src.index("\n", src.index(V3)) + 1
    f = tmp_path / "p.yaml"
    f.write_text(src[:line_end] + after_v3 + src[line_end:] + tail, encoding="utf-8")
    return str(f)


def test_an_unknown_criterion_is_a_lint_error_with_did_you_mean(runner, tmp_path):
    veto = '      - {id: V9, when: "points(TC55) < max(TC5) / 2", reason: "x"}\n'
    r = runner.invoke(main, ["rules", "lint", _qn_with(tmp_path, after_v3=veto)])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert "[P025]" in r.stderr and "TC55" in r.stderr and "TC5" in r.stderr and "grades.xuat_sac.vetoes.V9.when" in r.stderr


@pytest.mark.parametrize("text,words", [
    ("point(TC2) < 5", "có phải ý bạn là 'points(…)'?"),
    ("Points(TC2) < 5", "có phải ý bạn là 'points(…)'?"),
    ("maxi(TC2) < 5", "có phải ý bạn là 'max(…)'?"),
])
def test_a_slip_for_points_or_max_is_named(text, words):
    """'point(TC4) == 0' was refused with 'một vế phải là mã số liệu', which does not say what is wrong."""
    with pytest.raises(conditions.ResultTermError) as exc:
        parse(text)
    assert words in str(exc.value) and f"'{text}'" in str(exc.value)
    with pytest.raises(conditions.ResultTermError) as exc:  # a veto on facts only is parsed by `parse`
        conditions.parse(text, {"staff.disciplined": _Count()})
    assert words in str(exc.value)


def test_a_refused_condition_is_quoted_as_written():
    """The parser quotes dotted ids for `ast` ('TC1.1' → points('TC1.1')); a message must not show that."""
    with pytest.raises(conditions.ResultTermError) as exc:
        parse("points(TC1.1) * points(TC2) < 1")
    assert "'points(TC1.1) * points(TC2) < 1'" in str(exc.value) and "('TC" not in str(exc.value)


def test_a_condition_on_an_item_refused_for_its_own_error_adds_no_second_error(runner, tmp_path):
    """A misspelt method on TC5.4 made every veto reading points(TC5.4) report 'không có tiêu chí hay nội
    dung TC5.4 (có phải ý bạn là …)' too: a wrong second error pointing elsewhere."""
    veto = '      - {id: V9, when: "points(TC5.4) < max(TC5.4) / 2", reason: "x"}\n'
    f = _qn_with(tmp_path, after_v3=veto)
    text = open(f, encoding="utf-8").read()
    i = text.index("- id: TC5.4")
    j = text.index("method: tiers", i)
    open(f, "w", encoding="utf-8").write(text[:j] + "method: tierz" + text[j + len("method: tiers"):])
    r = runner.invoke(main, ["rules", "lint", f])
    assert r.exit_code == 2 and "[P003]" in r.stderr and "tierz" in r.stderr
    assert "[P025]" not in r.stderr and "V9" not in r.stderr


def test_an_eligibility_rule_takes_one_form(runner, tmp_path):
    rule = ('\neligibility:\n  - {id: x, when: "total < 30", document: plan.dvcq_annual, later_than: "year-12-01", '
            'outcome: ineligible, reason: r, source: s}\n')
    r = runner.invoke(main, ["rules", "lint", _qn_with(tmp_path, tail=rule)])
    assert r.exit_code == 2 and "[P021]" in r.stderr and "không dùng cả hai" in r.stderr, r.stderr


def test_a_veto_on_results_in_a_real_pack_blocks_its_band_and_leaves_other_vetoes_alone(tmp_path):
    veto = '      - {id: V9, when: "points(TC5) < max(TC5) / 2", reason: "Tiêu chí 5 dưới một nửa số điểm"}\n'
    pack = api.load_pack(_qn_with(tmp_path, after_v3=veto))
    plain = api.score(str(SAMPLES / "quang-ngai" / "pho-van-2023.yaml"), api.load_pack(QN_PACK))
    res = api.score(str(SAMPLES / "quang-ngai" / "pho-van-2023.yaml"), pack)
    assert res.total == plain.total
    v9 = next(v for v in res.grade.vetoes if v.id == "V9")
    tc5 = next(c for c in res.criteria if c.id == "TC5")
    assert v9.holds == (tc5.points < tc5.max / 2) and [u.id for u in v9.inputs] == ["TC5"]
    assert [(v.id, v.holds) for v in res.grade.vetoes if v.id != "V9"] == [(v.id, v.holds) for v in plain.grade.vetoes]


def test_rules_show_prints_conditions_on_results(runner):
    r = runner.invoke(main, ["rules", "show", str(QUARTERLY)])
    assert r.exit_code == 0, r.stderr
    assert "points(TC2.1) < max(TC2.1) / 2" in r.stdout and "Điều kiện tc2_duoi_10: points(TC2) < 10" in r.stdout


def test_rules_show_words_date_rules_with_labels_dates_and_bands(runner):
    """`rules show` printed 'dossier.self_assessment sent_on sau dossier_due → tối đa mức 'tot'': ids an
    official checking the pack against the decision cannot read."""
    r = runner.invoke(main, ["rules", "show", str(QUARTERLY)])
    assert r.exit_code == 0, r.stderr
    assert ("Điều kiện tc2_duoi_10: points(TC2) < 10 → tối đa mức 'Hoàn thành nhiệm vụ' (hoan_thanh)") in r.stdout
    assert ("Điều kiện nop_muon: Báo cáo công tác dân vận chính quyền quý (report.quarterly) gửi sau ngày 20 tháng "
            "thứ 1 của nửa năm sau (report_last), hoặc không gửi → không đủ điều kiện xếp loại") in r.stdout
    r = runner.invoke(main, ["rules", "show", str(ROOT / "rules" / "examples" / "example-90-10.yaml")])
    assert ("Điều kiện nop_cham: Hồ sơ, báo cáo tự đánh giá năm (dossier.self_assessment) gửi sau 05/12 năm đánh giá "
            "(dossier_early), hoặc không gửi → tối đa mức 'Hoàn thành tốt nhiệm vụ' (tot)") in r.stdout


# -- scoring ------------------------------------------------------------------------------------
BASE = {"petitions.settled": {"percent": 60}, "receptions.held": 1, "democracy.conference_held": True,
        "democracy.publicity": True, "security.hot_spots": 0}


def quarterly_record(tmp_path, facts=None, sent_on="2026-07-10", quarter=2) -> str:
    data = {"ward": {"name": "Phường Thử", "province": "Tỉnh Ví Dụ", "kind": "phuong"},
            "period": {"year": 2026, **({"quarter": quarter} if quarter else {})},
            "facts": {**BASE, **(facts or {})}, "documents": [{"id": "report.quarterly", "sent_on": sent_on}]}
    f = tmp_path / "r.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(f)


def test_json_contract_carries_the_points_each_rule_read(runner, tmp_path):
    r = runner.invoke(main, ["score", quarterly_record(tmp_path), "--rules", str(QUARTERLY), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["total"] == 88 and out["grade"]["id"] == "hoan_thanh" and out["grade"]["capped_from"] == "Hoàn thành tốt nhiệm vụ"
    v1 = next(v for v in out["grade"]["vetoes"] if v["id"] == "V1")
    assert v1["holds"] and [(u["id"], u["display"]) for u in v1["inputs"]] == [("TC2.1", "3/10 điểm"), ("TC2.2", "5/10 điểm")]
    cap = next(w for w in out["warnings_data"] if w["code"] == "result_cap")
    assert cap["rule"] == "tc2_duoi_10" and cap["when"] == "points(TC2) < 10"
    assert cap["read"] == [{"id": "TC2", "points": 8, "max": 20}] and cap["grade"] == "Hoàn thành nhiệm vụ"
    assert any("points(TC2) < 10: TC2 = 8/20 điểm" in w for w in out["warnings"])


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_every_text_output_says_the_cap(runner, tmp_path, fmt):
    r = runner.invoke(main, ["score", quarterly_record(tmp_path), "--rules", str(QUARTERLY), "--format", fmt])
    assert r.exit_code == 0, r.stderr
    assert "Xếp loại tối đa" in r.stdout and "TC2 = 8/20 điểm" in r.stdout


def test_the_workbook_says_the_cap(runner, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "o.xlsx"
    r = runner.invoke(main, ["score", quarterly_record(tmp_path), "--rules", str(QUARTERLY), "--format", "xlsx",
                             "--output", str(out)])
    assert r.exit_code == 0, r.stderr
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
    assert any("TC2 = 8/20 điểm" in c for c in cells)


def test_explain_says_the_veto_inputs_and_the_ineligibility(runner, tmp_path):
    rec = quarterly_record(tmp_path, {"democracy.conference_held": False, "democracy.publicity": False})
    r = runner.invoke(main, ["explain", rec, "--rules", str(QUARTERLY)])
    assert r.exit_code == 0, r.stderr
    assert "điều kiện loại trừ V1 (xuat_sac)" in r.stdout and "TC2.1 = 3/10 điểm" in r.stdout
    assert "KHÔNG ĐỦ ĐIỀU KIỆN XẾP LOẠI" in r.stdout and "TC3 = 0/60 điểm" in r.stdout


def test_batch_lists_an_ineligibility_on_results(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.yaml").write_text(open(quarterly_record(tmp_path, {"democracy.conference_held": False,
                                                                    "democracy.publicity": False})).read())
    r = runner.invoke(main, ["batch", str(folder), "--rules", str(QUARTERLY), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert "tc3_bang_0" in r.stdout


def test_a_quarterly_pack_refuses_a_yearly_record(runner, tmp_path):
    r = runner.invoke(main, ["score", quarterly_record(tmp_path, quarter=None), "--rules", str(QUARTERLY)])
    assert r.exit_code == 2 and "Traceback" not in r.stderr and "chấm theo quý" in r.stderr


# -- dates relative to the quarter and the half-year --------------------------------------------
@pytest.mark.parametrize("text,quarter,year,want", [
    ("quarter-01-01", 2, 2026, date(2026, 4, 1)),
    ("quarter-03-31", 2, 2026, date(2026, 6, 30)),      # past the month's end: its last day
    ("quarter-03-31", 4, 2026, date(2026, 12, 31)),
    ("quarter+1-01-15", 4, 2026, date(2027, 1, 15)),
    ("quarter-1-03-31", 1, 2026, date(2025, 12, 31)),
    ("half-06-31", 2, 2026, date(2026, 6, 30)),
    ("half-06-31", 3, 2026, date(2026, 12, 31)),
    ("half-06-30", 3, 2026, date(2026, 12, 30)),
    ("half+1-01-20", 4, 2026, date(2027, 1, 20)),
    ("quarter-02-29", 1, 2025, date(2025, 2, 28)),
])
def test_quarter_and_half_year_dates_resolve(text, quarter, year, want):
    assert DateSpec.parse(text).resolve(year, quarter) == want


@pytest.mark.parametrize("text", ["quarter-04-01", "half-07-01", "quarter+40-01-01", "quarter_end+15d", "quarter-01-32"])
def test_malformed_quarter_dates_are_refused(text):
    with pytest.raises(ValueError):
        DateSpec.parse(text)


@pytest.mark.parametrize("text", ["quarter-01-01", "quarter-03-31", "quarter+1-01-10", "quarter-1-02-29", "half+1-01-20",
                                  "half-03-31"])
@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_the_engine_codes_order_every_day_as_the_resolved_date_does(text, quarter):
    """A document's code is ≤ the deadline's code exactly when its date is ≤ the resolved deadline."""
    spec = DateSpec.parse(text)
    deadline = spec.resolve(2024, quarter)
    for k in range(-200, 200):
        day = deadline + timedelta(days=k)
        assert (period_code(day, spec.unit, 2024, quarter) <= spec.code()) == (day <= deadline), (day, deadline)


def test_mixing_units_in_one_item_is_refused(runner, tmp_path):
    src = QUARTERLY.read_text(encoding="utf-8").replace('not_before: "quarter-01-01"', 'not_before: "year-01-01"')
    f = tmp_path / "q.yaml"
    f.write_text(src, encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2 and "[P005]" in r.stderr and "cùng tính theo năm, theo quý" in r.stderr


# -- half-year periods --------------------------------------------------------------------------
def _half_pack(tmp_path) -> str:
    text = QUARTERLY.read_text(encoding="utf-8").replace("period_kind: quarter", "period_kind: half")
    for old, new in (("quarter+1-01-10", "half+1-01-10"), ("quarter+1-01-20", "half+1-01-20"), ("quarter-01-01", "half-01-01")):
        text = text.replace(old, new)
    f = tmp_path / "half.yaml"
    f.write_text(text, encoding="utf-8")
    return str(f)


def _half_record(tmp_path, period: dict, sent_on: str) -> str:
    data = {"ward": {"name": "Phường Thử", "province": "Tỉnh Ví Dụ", "kind": "phuong"}, "period": period,
            "facts": {**BASE, "petitions.settled": {"percent": 100}, "receptions.held": 3},
            "documents": [{"id": "report.quarterly", "sent_on": sent_on}]}
    f = tmp_path / "h.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(f)


@pytest.mark.parametrize("sent_on,points", [("2027-01-10", 20), ("2027-01-11", 10), ("2026-06-30", 0), ("2026-07-01", 20)])
def test_a_half_year_record_under_a_half_year_pack(runner, tmp_path, sent_on, points):
    pack = _half_pack(tmp_path)
    r = runner.invoke(main, ["score", _half_record(tmp_path, {"year": 2026, "half": 2}, sent_on), "--rules", pack,
                             "--format", "json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["evidence"]["period"] == {"year": 2026, "quarter": None, "half": 2}
    assert next(i for i in out["items"] if i["id"] == "TC1.1")["points"] == points


def test_half_year_periods_are_checked(runner, tmp_path):
    pack = _half_pack(tmp_path)
    quarterly = runner.invoke(main, ["score", _half_record(tmp_path, {"year": 2026, "quarter": 3}, "2027-01-10"), "--rules", pack])
    assert quarterly.exit_code == 2 and "chấm theo nửa năm" in quarterly.stderr
    both = runner.invoke(main, ["score", _half_record(tmp_path, {"year": 2026, "quarter": 3, "half": 2}, "2027-01-10"),
                                "--rules", pack])
    assert both.exit_code == 2 and "không ghi cả hai" in both.stderr and "Traceback" not in both.stderr
    yearly = runner.invoke(main, ["score", _half_record(tmp_path, {"year": 2026, "half": 1}, "2026-07-10"), "--rules",
                                  str(ROOT / "rules" / "examples" / "example-90-10.yaml")])
    assert yearly.exit_code == 2 and "chấm theo năm" in yearly.stderr and "6 tháng đầu năm 2026" in yearly.stderr


def test_a_quarter_date_in_a_half_year_pack_is_refused(runner, tmp_path):
    text = QUARTERLY.read_text(encoding="utf-8").replace("period_kind: quarter", "period_kind: half")
    f = tmp_path / "h.yaml"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2 and "[L012]" in r.stderr and "chấm theo nửa năm" in r.stderr


def test_only_a_veto_of_a_band_the_total_reached_is_given_as_why_the_grade_fell(runner, tmp_path):
    capped = runner.invoke(main, ["score", quarterly_record(tmp_path), "--rules", str(QUARTERLY), "--format", "markdown"])
    assert capped.exit_code == 0 and "nhưng bị hạ" not in capped.stdout   # 88: V1's band (≥ 90) was never reached
    vetoed = runner.invoke(main, ["score", quarterly_record(tmp_path, {"receptions.held": 3}), "--rules", str(QUARTERLY),
                                  "--format", "markdown"])
    assert vetoed.exit_code == 0 and "nhưng bị hạ: V1" in vetoed.stdout    # 93 reaches it; V1 moves it down


def test_the_integer_sign_agrees_with_exact_fractions():
    import random

    rng = random.Random(7)
    texts = ["points(TC2) < max(TC2) / 3", "0.37 * points(TC1) - points(TC2) / 7 >= 1.25", "total * 3 / 11 != points('TC1.1/a')",
             "points(TC1.1) + 2 * points(TC1) == 0.5 * total - 1/3"]
    for text in texts:
        for _, term in parse(text).terms:
            for _ in range(500):
                pts = {i: Decimal(rng.randint(0, 4000)) / Decimal(rng.choice((1, 4, 100, 1000))) for i in SCOPE}
                pts["total"] = Decimal(rng.randint(0, 10000)) / 100
                exact = term.const + sum((c * Fraction(pts[i]) for i, c in term.coeffs), Fraction(0))
                assert term.sign(pts) == (exact > 0) - (exact < 0), (text, pts)


def test_a_finding_on_a_fact_touches_the_vetoes_on_the_points_it_feeds():
    from scoring.review.apply import _touched_vetoes

    pack = api.load_pack(QUARTERLY)
    assert _touched_vetoes(pack, "petitions.settled") == ["V1"]      # TC2.1's points
    assert _touched_vetoes(pack, "security.hot_spots") == ["V2"]     # the fact itself
    assert _touched_vetoes(pack, "democracy.publicity") == []        # TC3 feeds no veto
