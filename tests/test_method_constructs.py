"""Issue 13 part 2 — averages, nesting, targets and rates above 100%, points given by the upper
level: each construct through `scoring.api`, its refusals through `dvcq rules lint` (exit 2, the
item and the key named), and the levels in every output. The points themselves are held by the
example packs' fixtures (tests/packs/average-criterion, tests/packs/nested-levels)."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scoring import api
from scoring.cli import main
from scoring.explain import explain as trail
from scoring.render import render

from support import RULES, record

AVERAGE = RULES / "examples" / "average-criterion.yaml"
NESTED = RULES / "examples" / "nested-levels.yaml"
AVG_SRC = AVERAGE.read_text(encoding="utf-8")
NESTED_SRC = NESTED.read_text(encoding="utf-8")

NESTED_FACTS = {"budget.revenue_vs_estimate": {"percent": 151}, "model.recognized": False, "model.steps_done": 3,
                "targets.met": 9, "targets.total": 12, "report.self_assessment_sent": True,
                "fees.collected": 130, "fees.planned": 100}


def _lint(runner, tmp_path, src: str, old: str, new: str):
    assert old in src, f"fixture edit no longer applies: {old!r}"
    f = tmp_path / "pack.yaml"
    f.write_text(src.replace(old, new, 1), encoding="utf-8")
    return f, runner.invoke(main, ["rules", "lint", str(f)])


REFUSALS = [
    ("average-none-applicable-above-max", AVG_SRC, "none_applicable: full ", "none_applicable: 11 ",
     ["P005", "TC1.1.none_applicable", "ngoài khoảng"]),
    ("average-part-max-zero", AVG_SRC, "{id: dat_dai, title: \"Lĩnh vực đất đai\", max: 10",
     "{id: dat_dai, title: \"Lĩnh vực đất đai\", max: 0", ["P005", "TC1.1", "max 0"]),
    ("average-unknown-over", AVG_SRC, "over: applicable ", "over: applicables ", ["P004", "TC1.1.over"]),
    ("tier-above-100-on-bounded-rate", NESTED_SRC, "{type: rate, bounded: false, label: \"Thu ngân sách",
     "{type: rate, label: \"Thu ngân sách", ["P005", "thu_ngan_sach", "150%", "bounded: false"]),
    ("target-on-a-rate", NESTED_SRC, "on: model.steps_done\n", "on: budget.revenue_vs_estimate\n",
     ["P005", "dang_xay_dung", "target"]),
    ("target-not-positive", NESTED_SRC, "target: 4\n", "target: 0\n", ["P004", "dang_xay_dung.target"]),
    ("sum-of-nested-parts-wrong-max", NESTED_SRC, "        title: \"Phát triển kinh tế - xã hội\"\n        max: 30",
     "        title: \"Phát triển kinh tế - xã hội\"\n        max: 31", ["P005", "TC1.1", "tổng điểm tối đa"]),
]


@pytest.mark.parametrize("name,src,old,new,words", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_lint_refuses_construct_mistakes(runner, tmp_path, name, src, old, new, words):
    f, r = _lint(runner, tmp_path, src, old, new)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and f.name in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def _nest(levels: int) -> str:
    """TC1.3 (max 10) as a sum of a chain `levels` composites deep (s1 ⊃ s2 ⊃ …, each a sum of the
    next and a 1-point leaf) and a leaf for the rest of the 10 points."""
    leaf = "{{id: l{n}, title: \"Lá {n}\", max: 1, method: yes_no, fact: model.recognized, points: 1}}"
    body = leaf.format(n=levels)
    for n in range(levels, 0, -1):
        body = (f"{{id: s{n}, title: \"Tầng {n}\", max: {levels - n + 2}, method: sum, parts: [{body}, "
                + leaf.format(n=f"{n}b") + "]}")
    rest = f"{{id: con_lai, title: \"Phần còn lại\", max: {10 - levels - 1}, method: yes_no, fact: model.recognized, " \
           f"points: {10 - levels - 1}}}"
    return ("      - id: TC1.3\n        title: \"Lồng nhiều tầng\"\n        max: 10\n        source: \"Ví dụ\"\n"
            f"        method: sum\n        parts: [{body}, {rest}]\n\n")


def test_nesting_depth_is_bounded(runner, tmp_path):
    """Four composite levels under a criterion bind; a fifth is refused naming the too-deep part."""
    head, tail = NESTED_SRC.split("      - id: TC1.3\n", 1)
    tail = tail[tail.index("grades:"):]
    for levels, ok in ((3, True), (4, False)):
        f = tmp_path / f"nest{levels}.yaml"
        f.write_text(head + _nest(levels) + tail, encoding="utf-8")
        r = runner.invoke(main, ["rules", "lint", str(f)])
        if ok:
            assert r.exit_code == 0, r.stderr
            res = api.score(record({"model.recognized": True}), f, allow_other_province=True)
            assert res.item("TC1.3").points == 10
            deepest = res.item("TC1.3").parts[0].parts[0].parts[0]
            assert deepest.id == "s3" and deepest.parts[0].rule == "TC1.3/s1/s2/s3/l3#yes"
        else:
            assert r.exit_code == 2 and "P005" in r.stderr and "TC1.3/s1/s2/s3/s4" in r.stderr, r.stderr


def test_examples_are_never_chosen_for_a_real_record():
    """A Quảng Ngãi record for 2023: the example packs (same province, in force) are not candidates."""
    pack = api.choose_pack(api.load_record(record()))
    assert pack.meta.status != "example" and pack.id == "quang-ngai-1211-2022"
    assert {api.load_pack(AVERAGE).meta.status, api.load_pack(NESTED).meta.status} == {"example"}


def test_pending_part_inside_a_sum_is_listed_and_warned():
    res = api.score(record(NESTED_FACTS), api.load_pack(NESTED), allow_other_province=True)
    assert [p["id"] for p in res.pending] == ["tinh_cham"]
    warned = [w for w in res.warnings if w["code"] == "pending_manual"]
    assert warned and warned[0]["items"] == [{"id": "tinh_cham", "max": Decimal(10)}]
    item = res.item("TC1.2")
    assert item.state == "pending" and item.parts[1].pending == {"max": Decimal(10), "step": Decimal("0.5")}
    data = res.to_json_dict()
    assert [p["id"] for p in data["pending"]] == ["tinh_cham"] and data["pending"][0]["range"] == "0–10"
    verified = api.score(record(NESTED_FACTS), api.load_pack(NESTED), manual={"tinh_cham": (Decimal(8), "Tỉnh cho 8")},
                         allow_other_province=True)
    assert verified.pending == [] and verified.item("TC1.2").points == 18


def _text_of_xlsx(blob: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(blob)).active
    return [" | ".join(str(c) for c in row if c is not None) for row in ws.iter_rows(values_only=True)]


def test_every_output_shows_the_levels_and_the_pending_part():
    res = api.score(record(NESTED_FACTS), api.load_pack(NESTED), allow_other_province=True)
    table, md, html = (render(res, f) for f in ("table", "markdown", "html"))
    rows = _text_of_xlsx(render(res, "xlsx"))
    for out in (table, md, html, "\n".join(rows)):
        for label in ("b)", "b.1)", "b.2)"):                       # TC1.1 → mo_hinh → its two parts
            assert label in out
        assert "Mô hình đang xây dựng" in out and "Điểm do UBND tỉnh chấm" in out
    for out in (table, md):
        line = next(x for x in out.splitlines() if "– Điểm do UBND tỉnh chấm" in x)
        assert "chờ thẩm định" in line                              # the pending part has its own line
    assert any("Điểm do UBND tỉnh chấm" in r and "Chờ cấp thẩm định" in r for r in rows)
    assert '<tr class="part pending"><td>b)</td><td>– Điểm do UBND tỉnh chấm' in html  # printed too: it awaits the verifier
    text = trail(res)
    assert "        dang_xay_dung Mô hình đang xây dựng" in text     # two levels of indentation below TC1.1


def _points_cells(res) -> dict:
    from scoring.render.xlsx import COL_SELF

    ws = load_workbook(io.BytesIO(render(res, "xlsx"))).active
    return {row[0].value: row[COL_SELF - 1].value for row in ws.iter_rows() if row[0].value}


def test_xlsx_sum_formula_only_where_the_sheet_can_add_up():
    """A sum of plain parts is a SUM formula; a sum that rounds once over averages carries the value
    (SUM of the shown 3,33s would make the sheet say 9,99)."""
    facts = {"desk.public_list": True, "desk.online_status": True, "desk.survey_held": True}
    cells = _points_cells(api.score(record(facts), api.load_pack(AVERAGE), allow_other_province=True))
    assert cells["TC2.1"] == 10 and cells["a)"] in (Decimal("3.33"), 3.33)
    nested = _points_cells(api.score(record(NESTED_FACTS), api.load_pack(NESTED), allow_other_province=True))
    assert str(nested["TC1.1"]).startswith("=SUM(")


def test_unbounded_pair_accepts_achievement_above_target_and_bounded_one_refuses():
    res = api.score(record(NESTED_FACTS), api.load_pack(NESTED), allow_other_province=True)
    assert res.item("TC1.3").points == 10 and "vượt chỉ tiêu" in res.item("TC1.3").reason
    assert res.item("TC1.1").parts[0].points == 10                  # 151% of the estimate: the tier above 100%
    data = json.loads(render(res, "json"))
    assert data["items"][0]["parts"][1]["parts"][1]["measure"]["num"] == 3


def test_unbounded_flag_is_what_allows_num_above_den(tmp_path):
    src = NESTED_SRC.replace("den: fees.planned, bounded: false}", "den: fees.planned}", 1)
    f = tmp_path / "bounded.yaml"
    f.write_text(src, encoding="utf-8")
    with pytest.raises(Exception) as exc:
        api.check(record(NESTED_FACTS), f, allow_other_province=True)
    assert "V009" in str(exc.value) or any(getattr(p, "code", None) == "V009" for p in getattr(exc.value, "problems", []))


def test_average_in_the_json_contract_names_the_parts_counted():
    facts = {"satisfaction.land": {"percent": 100}, "satisfaction.justice": {"percent": 50},
             "satisfaction.construction": "not_applicable"}
    data = json.loads(render(api.score(record(facts), api.load_pack(AVERAGE), allow_other_province=True), "json"))
    item = data["items"][0]
    assert item["method"] == "average" and item["points"] == 7.5 and item["state"] == "given"
    assert item["average"] == {"over": "applicable", "counted": ["dat_dai", "tu_phap"]}
    assert [p["state"] for p in item["parts"]] == ["given", "given", "not_applicable"]
