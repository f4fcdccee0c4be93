"""Issue 13, construct 1 — applicability by unit: `applies_if` / `if_not_applicable` on criteria and
items, the rescaling to the pack's scale, and what every output says about both. The points of the
example pack are held by its fixtures (tests/packs/agency-so-nganh); here: the library through
`scoring.api`, the JSON contract, the renderers and `explain`, the CLI, the refusals, and a
property over random agencies."""
from __future__ import annotations

import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from scoring import api, conditions
from scoring.applicability import KIND_CODES, KIND_FIELD
from scoring.cli import main
from scoring.explain import explain as trail
from scoring.render import render

from support import RULES

AGENCY = RULES / "examples" / "agency-so-nganh.yaml"
SRC = AGENCY.read_text(encoding="utf-8")

FACTS = {"unit.has_one_stop_desk": True, "unit.public_service_units": 2, "tasks.completed": {"percent": 90},
         "plan.published": True, "procedures.on_time": {"percent": 98}, "procedures.published_online": True,
         "psu.autonomy": {"percent": 80}, "staff.disciplined": 0}


def agency(kind: str = "so_nganh", **facts) -> dict:
    merged = {k: v for k, v in {**FACTS, **facts}.items() if v is not None}
    return {"ward": {"name": "Sở Thử", "province": "Tỉnh Ví Dụ", "kind": kind}, "period": {"year": 2026},
            "facts": merged}


@pytest.fixture(scope="module")
def pack():
    return api.load_pack(AGENCY)


def score(pack, data):
    return api.score(api.load_record(data), pack)


# -- the library ------------------------------------------------------------------------------------
def test_an_item_outside_the_unit_is_taken_out_and_the_total_rescaled_once(pack):
    r = score(pack, agency(**{"unit.has_one_stop_desk": False}))
    it = r.item("TC2.1")
    assert (it.points, it.lost, it.state, it.rule, it.branch) == (0, 0, "not_applicable", None, None)
    assert it.applicability["treatment"] == "exclude" and it.applicability["unit"]["facts"] == {"unit.has_one_stop_desk": False}
    assert r.subtotal == 75
    assert r.scale["applicable_max"] == 85 and r.scale["exact"] == Fraction(75 * 100, 85)
    assert r.scale["rounded"] == Decimal("88.24") and r.total == Decimal("88.24")   # 88,235… half up to 0,01
    assert r.grade.id == "tot"
    crit = next(c for c in r.criteria if c.id == "TC2")
    assert (crit.max, crit.excluded_max, crit.points, crit.lost) == (25, 15, 10, 0)


def test_a_criterion_with_full_gives_its_max_and_rescales_nothing(pack):
    r = score(pack, agency(**{"unit.public_service_units": 0, "psu.autonomy": None}))
    it = r.item("TC3.1")
    assert it.points == 15 and it.applicability["treatment"] == "full" and it.applicability["level"] == "criterion"
    assert not r.scale["excluded"]
    assert r.scale["rounded"] == r.scale["raw"] == r.subtotal == 90 and r.total == 90
    assert "psu.autonomy" not in r.missing_evidence   # the item was not scored: its evidence is not needed


def test_kinds_compare_the_units_kind(pack):
    dept = score(pack, agency("so_nganh"))
    body = score(pack, agency("co_quan_cap_tinh"))
    assert dept.item("TC2.2").applicability["treatment"] == "scored" and dept.item("TC2.2").points == 10
    assert body.item("TC2.2").applicability["treatment"] == "exclude" and body.scale["applicable_max"] == 90
    assert body.total == Decimal("88.89")   # 80 × 100/90


def test_a_missing_unit_fact_is_scored_as_applying_and_said(pack):
    r = score(pack, agency(**{"unit.has_one_stop_desk": None}))
    it = r.item("TC2.1")
    assert it.points == 15 and it.applicability["treatment"] == "scored" and it.applicability["missing"] == ["unit.has_one_stop_desk"]
    assert "unit.has_one_stop_desk" in r.missing_evidence
    assert [w["owner"] for w in r.warnings if w["code"] == "applicability_unknown"] == ["TC2.1"]
    prep = api.check(api.load_record(agency(**{"unit.has_one_stop_desk": None})), pack)
    assert "unit.has_one_stop_desk" in prep.checked.missing   # `dvcq validate` lists it (W001)
    na = score(pack, agency(**{"unit.has_one_stop_desk": "not_applicable"}))
    assert na.item("TC2.1").applicability["missing"] == ["unit.has_one_stop_desk"]


def test_the_engine_decides_as_the_condition_reads(pack):
    """Every declaration, for every kind and a spread of unit facts: the durable rule that fired is
    the plain reading of the condition tree (conditions.holds), never a coercion."""
    for kind in ("so_nganh", "co_quan_cap_tinh"):
        for desk in (True, False):
            for units in (0, 1, 7):
                r = score(pack, agency(kind, **{"unit.has_one_stop_desk": desk, "unit.public_service_units": units}))
                values = {KIND_FIELD: KIND_CODES[kind], "unit.has_one_stop_desk": int(desk),
                          "unit.public_service_units": units}
                for rule in pack.applicability:
                    want = conditions.holds(rule.node, values)
                    got = (r.item(rule.owner) if rule.level == "item"
                           else next(c for c in r.criteria if c.id == rule.owner)).applicability["applies"]
                    assert got == want, (kind, desk, units, rule.owner)


# -- the JSON contract ------------------------------------------------------------------------------
def test_json_contract_carries_applicability_and_scale(pack):
    data = score(pack, agency("co_quan_cap_tinh", **{"unit.has_one_stop_desk": False})).to_dict()
    items = {i["id"]: i for i in data["items"]}
    app = items["TC2.2"]["applicability"]
    assert app["applies"] is False and app["treatment"] == "exclude" and app["if_not_applicable"] == "exclude"
    assert app["condition"] == {"kinds": ["so_nganh"], "when": None, "labels": {}} and app["unit"]["kind"] == "co_quan_cap_tinh"
    desk = items["TC2.1"]["applicability"]["condition"]   # the label of each unit fact it reads, for the reason
    assert desk["labels"] == {"unit.has_one_stop_desk": "Cơ quan có bộ phận tiếp nhận và trả kết quả thủ tục hành chính (một cửa)"}
    assert "loại khỏi điểm tối đa" in app["reason"] and items["TC2.2"]["lost"] == 0
    assert "applicability" not in items["TC1.1"]
    crit = {c["id"]: c for c in data["criteria"]}
    assert crit["TC3"]["applicability"]["treatment"] == "scored" and "applicability" not in crit["TC2"]
    sc = data["scale"]
    assert {k: sc[k] for k in ("raw", "applicable_max", "to", "rounded", "rescaled", "excluded")} == {
        "raw": 65, "applicable_max": 75, "to": 100, "rounded": Decimal("86.67"), "rescaled": True,
        "excluded": ["TC2.1", "TC2.2"]}
    assert sc["exact"] == {"num": 260, "den": 3, "decimal": "86.666667", "decimal_exact": False}
    assert sc["rounding"] == {"step": Decimal("0.01"), "mode": "half_up"}
    assert data["total"] == Decimal("86.67")


def test_packs_without_applicability_have_no_scale_key():
    from support import SAMPLES

    data = api.score(SAMPLES / "quang-ngai" / "pho-van-2023.yaml").to_dict()
    assert "scale" not in data and all("applicability" not in i for i in data["items"])
    assert all("applicability" not in c for c in data["criteria"])


# -- the outputs ------------------------------------------------------------------------------------
def test_every_output_says_what_happened_and_why(pack):
    r = score(pack, agency(**{"unit.has_one_stop_desk": False, "unit.public_service_units": 0}))
    table = render(r, "table", width=200)
    assert "Quy đổi về thang 100 điểm (loại khỏi điểm tối đa: TC2.1): 75 × 100/85" in table
    assert "→ 88,24 điểm (làm tròn đến bội số của 0,01)" in table
    assert "TỔNG ĐIỂM: 88,24/100" in table and "loại khỏi điểm tối đa" in table
    md = render(r, "markdown")
    assert "Quy đổi về thang 100 điểm" in md
    assert ("không thuộc diện áp dụng (Cơ quan có bộ phận tiếp nhận và trả kết quả thủ tục hành chính (một cửa): không) "
            "→ không chấm, loại khỏi điểm tối đa") in md
    assert ("tiêu chí TC3 chỉ áp dụng khi Số đơn vị sự nghiệp công lập trực thuộc > 0" in md
            and "tính đủ 15 điểm" in md and "unit.public_service_units" not in md)
    html = render(r, "html")
    assert "Quy đổi về thang 100 điểm" in html and "88,24" in html
    text = trail(r)
    assert "tình trạng: không áp dụng cho đơn vị" in text
    assert "áp dụng: chỉ áp dụng khi Cơ quan có bộ phận tiếp nhận và trả kết quả thủ tục hành chính (một cửa)" in text
    assert "\n  tiêu chí TC3 chỉ áp dụng khi Số đơn vị sự nghiệp công lập trực thuộc > 0" in text
    assert "75 × 100/85 = 1500/17 (≈88,2353) → 88,24 điểm" in text


def test_xlsx_rescales_with_a_formula_that_follows_typed_points(pack):
    r = score(pack, agency(**{"unit.has_one_stop_desk": False}))
    data = render(r, "xlsx")
    ws = load_workbook(io.BytesIO(data))["Bảng điểm"]
    row = next(i for i in range(1, ws.max_row + 1) if str(ws.cell(i, 2).value or "").startswith("Quy đổi về thang"))
    formula = ws.cell(row, 5).value
    assert formula.startswith("=ROUND(") and "*100/85/0.01,0)*0.01" in formula
    total = next(i for i in range(1, ws.max_row + 1) if ws.cell(i, 2).value == "TỔNG ĐIỂM")
    assert f"E{row}" in ws.cell(total, 5).value   # the total adds the rescaled row, not the raw one


def test_an_item_that_applies_has_no_scale_line(pack):
    r = score(pack, agency())
    assert r.scale is not None and not r.scale["excluded"]
    assert "Quy đổi" not in render(r, "table", width=200)
    assert "Mọi nội dung đều áp dụng cho đơn vị: không quy đổi thang điểm (90/100)." in trail(r)


# -- the CLI ------------------------------------------------------------------------------------------
def test_cli_score_json_and_explain(runner, tmp_path):
    f = tmp_path / "so.json"
    f.write_text(json.dumps(agency("co_quan_cap_tinh", **{"unit.has_one_stop_desk": False})), encoding="utf-8")
    res = runner.invoke(main, ["score", str(f), "--rules", str(AGENCY), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scale"]["applicable_max"] == 75 and data["total"] == 86.67
    res = runner.invoke(main, ["explain", str(f), "--rules", str(AGENCY), "--rule", "TC2.2"])
    assert res.exit_code == 0, res.output
    assert "chỉ áp dụng cho loại đơn vị Sở, ngành" in res.output and "loại Cơ quan cấp tỉnh" in res.output


REFUSALS = [
    ("unknown-kind", "applies_if: {kinds: [so_nganh]}", "applies_if: {kinds: [so_nghanh]}", ["P022", "so_nghanh"]),
    ("kind-outside-applies-to", "applies_if: {kinds: [so_nganh]}", "applies_if: {kinds: [phuong]}",
     ["P022", "applies_to"]),
    ("work-fact-in-condition", 'applies_if: {when: "unit.has_one_stop_desk"}', 'applies_if: {when: "plan.published"}',
     ["P023", "plan.published", "unit."]),
    ("unknown-fact", 'applies_if: {when: "unit.has_one_stop_desk"}', 'applies_if: {when: "unit.has_desk"}',
     ["P023", "unit.has_desk", "vocabulary"]),
    ("condition-with-a-call", 'applies_if: {when: "unit.has_one_stop_desk"}',
     'applies_if: {when: "__import__(\'os\')"}', ["P023"]),
    ("treatment-without-condition", 'applies_if: {when: "unit.has_one_stop_desk"}   #', "#", ["P024", "if_not_applicable"]),
    ("empty-applies-if", 'applies_if: {when: "unit.has_one_stop_desk"}', "applies_if: {}", ["P024"]),
    ("bad-treatment-word", "if_not_applicable: full ", "if_not_applicable: zero ", ["P013", "if_not_applicable"]),
]


@pytest.mark.parametrize(("old", "new", "said"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_lint_refuses_bad_declarations(runner, tmp_path, old, new, said):
    assert old in SRC, old
    f = tmp_path / "pack.yaml"
    f.write_text(SRC.replace(old, new, 1), encoding="utf-8")
    res = runner.invoke(main, ["rules", "lint", str(f)])
    assert res.exit_code == 2, res.output
    for text in said:
        assert text in res.output, (text, res.output)
    assert "Traceback" not in res.output


def test_lint_refuses_applicability_on_a_part_and_on_a_bonus(runner, tmp_path):
    part = (RULES / "examples" / "nested-levels.yaml").read_text(encoding="utf-8")
    i = part.index("parts:")
    j = part.index("- id:", i)
    indent = part[part.rindex("\n", 0, j) + 1:j]
    edited = part[:j] + "- applies_if: {kinds: [xa]}\n" + indent + "  " + part[j + 2:]
    f = tmp_path / "part.yaml"
    f.write_text(edited, encoding="utf-8")
    res = runner.invoke(main, ["rules", "lint", str(f)])
    assert res.exit_code == 2 and "P024" in res.output and "một phần" in res.output, res.output
    bonus = (RULES / "examples" / "example-90-10.yaml").read_text(encoding="utf-8")
    old = "      method: per_item\n      facts: [staff.disciplined]"
    assert old in bonus
    g = tmp_path / "bonus.yaml"
    g.write_text(bonus.replace(old, "      applies_if: {kinds: [xa]}\n" + old, 1), encoding="utf-8")
    res = runner.invoke(main, ["rules", "lint", str(g)])
    assert res.exit_code == 2 and "P024" in res.output and "điểm thưởng, điểm trừ" in res.output, res.output


def test_unit_facts_are_not_reported_unused(runner):
    res = runner.invoke(main, ["rules", "lint", str(AGENCY)])
    assert res.exit_code == 0, res.output
    assert "W101" not in res.output


# -- a property -------------------------------------------------------------------------------------
percent = st.decimals(min_value=0, max_value=100, places=1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["so_nganh", "co_quan_cap_tinh"]), desk=st.booleans(), units=st.integers(0, 3),
       tasks=percent, on_time=percent, autonomy=percent, online=st.booleans(), plan=st.booleans(),
       disciplined=st.integers(0, 2))
def test_rescaled_total_is_on_the_scale_and_raw_when_everything_applies(pack, kind, desk, units, tasks, on_time,
                                                                        autonomy, online, plan, disciplined):
    r = score(pack, agency(kind, **{"unit.has_one_stop_desk": desk, "unit.public_service_units": units,
                                    "tasks.completed": {"percent": tasks}, "procedures.on_time": {"percent": on_time},
                                    "psu.autonomy": {"percent": autonomy}, "procedures.published_online": online,
                                    "plan.published": plan, "staff.disciplined": disciplined}))
    sc = r.scale
    assert 0 <= sc["rounded"] <= sc["to"] == r.max_total
    assert sc["raw"] == r.subtotal <= sc["applicable_max"]
    excluded = [i.id for i in r.items if i.applicability and i.applicability["treatment"] == "exclude"]
    assert sc["excluded"] == excluded
    assert sc["applicable_max"] == 100 - sum(r.item(i).max for i in excluded)
    if not excluded:
        assert sc["rounded"] == sc["raw"]
    else:
        assert sc["rounded"] == pack.meta.rounding.apply(Fraction(sc["raw"]) * 100 / Fraction(sc["applicable_max"]))
        assert abs(Fraction(sc["rounded"]) - sc["exact"]) <= Fraction(1, 200)   # half up to 0,01
    assert r.total == min(max(sc["rounded"] + r.bonus + r.deductions, 0), 100)
    band = next(g for g in sorted(pack.data.grades, key=lambda g: -g.min) if r.total >= g.min)
    assert r.grade.id == band.id or r.grade.capped_from == band.label   # the grade reads the rescaled total


def test_rules_show_lists_the_declarations(runner):
    res = runner.invoke(main, ["rules", "show", str(AGENCY)])
    assert res.exit_code == 0, res.output
    assert ("Áp dụng: nội dung TC2.1 chỉ áp dụng khi Cơ quan có bộ phận tiếp nhận và trả kết quả thủ tục hành chính "
            "(một cửa) (applies_if.when: unit.has_one_stop_desk); đơn vị khác: loại khỏi điểm "
            "tối đa, tổng điểm quy đổi về thang 100 điểm") in res.output
    assert ("Áp dụng: tiêu chí TC3 chỉ áp dụng khi Số đơn vị sự nghiệp công lập trực thuộc > 0 "
            "(applies_if.when: unit.public_service_units > 0); đơn vị khác: tính đủ điểm tối đa") in res.output
    assert "Áp dụng: nội dung TC2.2 chỉ áp dụng cho loại đơn vị Sở, ngành" in res.output


def test_validate_lists_a_missing_unit_fact_and_says_which_evidence_is_conditional(runner, tmp_path):
    f = tmp_path / "so.json"
    data = agency("so_nganh", **{"unit.has_one_stop_desk": None, "procedures.published_online": None})
    f.write_text(json.dumps(data), encoding="utf-8")
    res = runner.invoke(main, ["validate", str(f), "--rules", str(AGENCY)])
    assert res.exit_code == 0, res.output
    assert "thiếu minh chứng 'unit.has_one_stop_desk'" in res.output
    assert ("thiếu minh chứng 'procedures.published_online' (Thủ tục hành chính được công khai trên Cổng dịch vụ "
            "công) — chỉ cần khi TC2.2 áp dụng cho đơn vị (applies_if)") in res.output
    assert "thiếu 2 minh chứng" in res.output


@pytest.mark.parametrize("kind,facts", [
    ("co_quan_cap_tinh", {"procedures.published_online": None}),              # TC2.2: sở, ngành only
    ("so_nganh", {"unit.has_one_stop_desk": False, "procedures.on_time": None}),  # TC2.1: one-stop desk only
    ("so_nganh", {"unit.public_service_units": 0, "psu.autonomy": None}),       # TC3 (criterion): full
])
def test_validate_does_not_ask_for_the_evidence_of_an_item_that_does_not_apply(runner, tmp_path, kind, facts):
    """A unit the pack does not score on an item is not told it lacks that item's evidence ("thiếu 1
    minh chứng") — the author's trial of issue 13 met it for every commune of a pack with a phường-only item."""
    f = tmp_path / "so.json"
    f.write_text(json.dumps(agency(kind, **facts)), encoding="utf-8")
    res = runner.invoke(main, ["validate", str(f), "--rules", str(AGENCY)])
    assert res.exit_code == 0, res.output
    assert "thiếu minh chứng" not in res.output and "đủ minh chứng" in res.output
    prep = api.check(agency(kind, **facts), AGENCY)
    assert prep.checked.missing == [] and prep.checked.warnings == []
    assert api.check(agency(kind, **facts), AGENCY, decide_applicability=False).checked.missing  # as before


def test_a_verifier_who_finds_no_one_stop_desk_takes_the_item_out(pack, tmp_path):
    import yaml

    rec = api.load_record(agency(**{"tasks.completed": {"percent": 100}}))
    own = api.score(rec, pack)
    assert own.total == 100 and own.scale["excluded"] == []
    review = {"review_of": {"ward": "Sở Thử", "period": {"year": 2026}, "record_sha256": own.record_sha256},
              "reviewer": {"unit": "Sở Nội vụ", "name": "Chuyên viên"}, "reviewed_on": "2026-12-20",
              "findings": [{"fact": "unit.has_one_stop_desk", "verified": {"value": False},
                            "reason": "Cơ quan chưa thành lập bộ phận một cửa (theo quyết định tổ chức)."}]}
    f = tmp_path / "review.yaml"
    f.write_text(yaml.safe_dump(review, allow_unicode=True), encoding="utf-8")
    v = api.verify(rec, f, pack)
    assert v.verified.item("TC2.1").applicability["treatment"] == "exclude"
    assert v.verified.scale["applicable_max"] == 85 and v.verified.total == 100   # 85 × 100/85
    assert v.verified.to_dict()["scale"]["rescaled"] is True
    from scoring.render import formats

    for fmt in formats("verification"):   # every verification format renders the rescaled side
        out = render(v, fmt, kind="verification")
        assert out
        if isinstance(out, str):
            assert "Quy đổi về thang 100" in out or fmt == "json", fmt


def test_the_entry_workbook_says_what_a_unit_fact_decides(pack):
    ws = load_workbook(io.BytesIO(api.workbook(pack)))["Số liệu"]
    rows = {r[1]: r[2] for r in ws.iter_rows(values_only=True) if r[1]}
    assert rows["unit.has_one_stop_desk"] == "điều kiện áp dụng TC2.1"
    assert rows["unit.public_service_units"] == "điều kiện áp dụng TC3"


# -- with conditions over computed results (issue 13, construct 3) ----------------------------------
def test_conditions_over_results_read_own_points_and_the_rescaled_total(tmp_path):
    """`points(X)`/`max(X)` are the written, unrescaled values (an excluded item has 0 points);
    `total` is the final, rescaled total. Without a one-stop desk the criteria give 75 raw points,
    rescaled to 88,24: `total < 80` must not hold, `points(TC2) < max(TC2) / 2` (10 < 12,5) must."""
    text = SRC.replace(
        '      - {id: V1, when: "staff.disciplined > 0", reason: "Có công chức, viên chức bị kỷ luật"}\n',
        '      - {id: V1, when: "staff.disciplined > 0", reason: "Có công chức, viên chức bị kỷ luật"}\n'
        '      - {id: V2, when: "points(TC2) < max(TC2) / 2", reason: "Tiêu chí 2 dưới một nửa số điểm"}\n', 1)
    text = text.replace("\nbatch:", '\neligibility:\n  - {id: duoi_80, when: "total < 80", at_most: hoan_thanh, '
                                       'reason: "Tổng dưới 80", source: "Ví dụ"}\n\nbatch:', 1)
    assert text != SRC and "V2" in text and "duoi_80" in text
    path = tmp_path / "agency-results.yaml"
    path.write_text(text, encoding="utf-8")
    p = api.load_pack(path)
    no_desk = score(p, agency(**{"unit.has_one_stop_desk": False}))
    assert no_desk.scale["rounded"] > 80 and no_desk.subtotal < 80
    assert not any(w["code"] == "result_cap" for w in no_desk.warnings)
    v2 = next(v for v in no_desk.grade.vetoes if v.id == "V2")
    assert v2.holds  # TC2: 10 of 25 (TC2.1 excluded, 0 points)
    with_desk = score(p, agency())
    assert not next(v for v in with_desk.grade.vetoes if v.id == "V2").holds
    assert with_desk.grade.id == "xuat_sac"


def test_the_criteria_chart_draws_the_part_taken_out_of_the_maximum(pack):
    """A criterion with an item that does not apply: its bar spans the criterion's maximum, with the
    excluded part drawn apart (neither won nor lost) and named in the text, the tooltip and the legend."""
    from scoring.render.html import criteria_chart

    svg = criteria_chart(score(pack, agency(**{"unit.has_one_stop_desk": False})))
    assert "không áp dụng cho đơn vị (loại khỏi điểm tối đa)" in svg       # the legend
    assert "10/25 (15 không áp dụng)" in svg                                 # TC2's bar text: TC2.1's 15 points
    assert "15 điểm không áp dụng cho đơn vị" in svg                        # its tooltip
    whole = criteria_chart(score(pack, agency()))
    assert "không áp dụng" not in whole                                      # nothing taken out: as before
