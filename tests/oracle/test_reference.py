"""The oracle itself: independent of `scoring/`, faithful to the worked examples of
docs/rule-format.md, and the places where the doc and the engine disagree (strict xfails: each
turns into a failure the day the disagreement is resolved, so its marker is removed then)."""
from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from .packfile import load
from .reference import OracleError, Reference

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
QN = ROOT / "scoring" / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
WARD = {"name": "Phường Thử", "province": "Quảng Ngãi", "kind": "phuong", "residential_groups": 10}


@pytest.fixture(scope="module")
def qn():
    return Reference(load(QN))


def rec(facts=None, documents=None, year=2023):
    return {"ward": dict(WARD), "period": {"year": year}, "documents": documents or [], "facts": facts or {}}


def test_oracle_shares_no_code_with_scoring():
    for path in HERE.glob("*.py"):
        if path.name.startswith("test_"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not any(n == "scoring" or n.startswith("scoring.") for n in names), (path.name, names)


def test_loader_keeps_on_as_a_key_and_fractions_exact():
    data = load(QN)
    tc12 = data["criteria"][0]["items"][1]
    assert tc12["on"] == "leadership.briefing_conferences" and True not in tc12
    tc14 = data["criteria"][0]["items"][3]
    assert tc14["tiers"][1]["points"] == Decimal("1.5") and isinstance(tc14["tiers"][1]["points"], Decimal)


@pytest.mark.parametrize("settled,points", [
    ({"num": 19, "den": 20}, 6),          # exactly 95% meets it
    ({"num": 1899, "den": 2000}, 5),      # 94.95% does not
    ({"percent": Decimal("95")}, 6),
    ({"percent": Decimal("94.99999")}, 5),
    ({"num": 0, "den": 0}, 6),            # no petitions: zero_denominator full
    ("not_applicable", 6),
    ({"num": 69, "den": 100}, 0),
])
def test_rate_thresholds_as_the_doc_states(qn, settled, points):
    assert qn.score(rec({"petitions.settled": settled})).points["TC5.4"] == points


def test_worked_examples(qn):
    out = qn.score(rec({"socioeconomic.targets_met": 5, "socioeconomic.targets_total": 7,
                        "democracy.nd04_art4": {"done": 9, "total": 10, "not_applicable": 1},
                        "budget.revenue_vs_estimate": {"num": 29, "den": 100}}))
    assert out.points["TC2.1"] == Decimal("4.25")   # 6 × 5/7 = 4.2857… → 4.25
    assert out.points["TC4.2"] == 2                 # 9/9 → full
    assert out.points["TC2.2"] == 0


def test_deadline_on_the_day_is_on_time(qn):
    on_day = qn.score(rec(documents=[{"id": "plan.dvcq_annual", "issued_on": "2023-03-31"}]))
    next_day = qn.score(rec(documents=[{"id": "plan.dvcq_annual", "issued_on": "01/04/2023"}]))
    assert (on_day.points["TC1.1"], next_day.points["TC1.1"]) == (4, 2)


def test_a_veto_reads_the_count_and_the_deduction_applies(qn):
    facts = {"staff.disciplined": 1}
    out = qn.score(rec(facts))
    assert out.vetoes["V1"] and not out.vetoes["V2"] and out.points["D1"] == -2


def test_oracle_refuses_what_the_doc_does_not_define():
    data = load(QN)
    data["grades"][0]["vetoes"][0]["when"] = "staff.disciplined.__class__ > 0"
    with pytest.raises(OracleError):
        Reference(data).score(rec())


# -- where docs/rule-format.md and the engine disagree ----------------------------------------------

MINI = """format: dvcq-pack/1
pack: {{id: mini-test, version: "1", title: "t", legal_basis: "t", jurisdiction: {{province: "Quảng Ngãi"}},
  applies_to: [phuong], period_kind: year, effective_from: 2000-01-01, status: draft, max_total: 2}}
vocabulary:
  facts:
    k.rate: {{type: rate, label: "r"}}
    k.n: {{type: count, label: "n"}}
    k.m: {{type: count, label: "m"}}
criteria:
  - id: C
    title: "c"
    max: 2
    items:
{items}
grades:
  - id: top
    label: "top"
    min: 1
    vetoes:
      - {{id: V1, when: "{when}", reason: "r"}}
  - {{id: low, label: "low", min: 0}}
"""


def _engine(tmp_path, items: str, data: dict, when: str = "k.n > 0"):
    from scoring import api

    path = tmp_path / "mini.yaml"
    path.write_text(MINI.format(items=items, when=when), encoding="utf-8")
    result = api.score(data, api.load_pack(path), allow_other_province=True)
    return {i.id: i.points for i in result.items}, Reference(load(path)).score(data).points


def test_rate_tier_max_is_exact(tmp_path):
    """Resolved: rates are asserted as 2·floor(r·10⁶) + inexact, so an inclusive max is exact too."""
    items = "      - {id: C1, title: t, max: 2, source: s, method: tiers, on: k.rate, tiers: [{max: 50, points: 2}]}"
    got, want = _engine(tmp_path, items, rec({"k.rate": {"percent": Decimal("50.00005")}}))
    assert got["C1"] == want["C1"] == 0


def test_not_applicable_key_is_refused_where_a_method_ignores_it(tmp_path):
    """Resolved (doc §5): `not_applicable:` is refused at load on methods that do not use it
    (per_item counts a fact that did not arise as 0 occurrences), instead of being ignored."""
    from scoring.errors import PackError

    items = """      - {id: C1, title: t, max: 2, source: s, method: per_item, facts: [k.n, k.m], points_each: 1,
         not_applicable: full}"""
    with pytest.raises(PackError) as exc:
        _engine(tmp_path, items, rec({"k.n": "not_applicable", "k.m": "not_applicable"}))
    assert "not_applicable" in exc.value.render()


def test_bare_count_identifier_is_refused(tmp_path):
    from scoring.errors import PackError
    from scoring.api import load_pack

    items = "      - {id: C1, title: t, max: 2, source: s, method: tiers, on: k.n, tiers: [{min: 1, points: 2}]}"
    path = tmp_path / "mini.yaml"
    path.write_text(MINI.format(items=items, when="k.n"), encoding="utf-8")
    with pytest.raises(PackError):
        load_pack(path)
