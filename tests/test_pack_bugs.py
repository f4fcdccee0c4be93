"""The four scoring bugs of issue 13, each pinned by a test that fails on the old code.

Packs are the Quảng Ngãi pack edited in place (the edit is asserted to apply), scored through
`scoring.api` and linted through the CLI as a rule author would."""
from __future__ import annotations

from decimal import Decimal

import pytest

from scoring import api
from scoring.batch.rules import Ineligible
from scoring.cli import main

from support import QN_PACK, record

SRC = QN_PACK.read_text(encoding="utf-8")


def _pack(tmp_path, old: str, new: str, name: str = "pack.yaml"):
    assert old in SRC, f"fixture edit no longer applies: {old!r}"
    f = tmp_path / name
    f.write_text(SRC.replace(old, new, 1), encoding="utf-8")
    return f


DED_HEAD = 'deductions:\n  title: "Điểm trừ"\n'


@pytest.mark.parametrize("disciplined,hot_spots,expected", [
    (0, 2, -10),   # 10 exactly: on the cap
    (1, 2, -10),   # 12 → trimmed to 10 (D1 −2 first, D2 −8)
    (5, 3, -10),   # 16 → 10
    (1, 1, -7),    # under the cap: untouched
])
def test_deductions_cap_is_applied(tmp_path, disciplined, hot_spots, expected):
    f = _pack(tmp_path, DED_HEAD, DED_HEAD + "  cap: 10\n")
    res = api.score(record(facts={"staff.disciplined": disciplined, "security.hot_spots": hot_spots}), api.load_pack(f))
    assert res.deductions == Decimal(expected)
    assert sum(i.points for i in res.items if i.section == "deductions") == Decimal(expected)
    capped = [i for i in res.items if i.cap]
    if -expected < disciplined * 2 + hot_spots * 5:
        assert capped and "trần điểm trừ 10" in capped[0].adjustment
    else:
        assert not capped


def test_deduction_item_above_its_cap_is_refused(runner, tmp_path):
    f = _pack(tmp_path, DED_HEAD, DED_HEAD + "  cap: 8\n")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2 and "L007" in r.stderr and "D2" in r.stderr and "trần điểm trừ 8" in r.stderr


SPECIAL = [
    ("na-above-max", ("        fact: democracy.staff_conference_held\n",
                      "        fact: democracy.staff_conference_held\n        not_applicable: 1.5\n"),
     "TC4.6", "not_applicable: 1,5"),
    ("na-negative", ("        not_applicable: full\n", "        not_applicable: -1\n"), "TC3.5", "not_applicable: -1"),
    ("zero-denominator-above-max", ("        on: coordination.recommendations_addressed\n        zero_denominator: full\n",
                                    "        on: coordination.recommendations_addressed\n        zero_denominator: 5\n"),
     "TC7.4", "zero_denominator: 5"),
]


@pytest.mark.parametrize("name,edit,item,words", SPECIAL, ids=[c[0] for c in SPECIAL])
def test_special_points_outside_the_item_range_are_refused(runner, tmp_path, name, edit, item, words):
    f = _pack(tmp_path, *edit)
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2, r.stdout
    assert "L010" in r.stderr and item in r.stderr and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_none_applicable_above_max_is_refused_and_at_max_is_accepted(runner, tmp_path):
    d = api.load_pack(QN_PACK).data
    tc41 = d.criteria[3].items[0]
    assert tc41.method == "checklist" and tc41.max == 6
    anchor = "      - id: TC4.1\n"
    for value, code in (("7", 2), ("6", 0), ("0", 0)):
        f = _pack(tmp_path, anchor, anchor + f"        none_applicable: {value}\n", f"p{value}.yaml")
        r = runner.invoke(main, ["rules", "lint", str(f)])
        assert r.exit_code == code, r.stderr
        if code:
            assert "L010" in r.stderr and "TC4.1" in r.stderr and "none_applicable: 7" in r.stderr


VETO_ONLY = ("    petitions.mass_or_overlevel_cases:", "    petitions.veto_only: {type: count, label: \"Số vụ chỉ dùng cho điều kiện\"}\n"
             "    petitions.mass_or_overlevel_cases:")


def test_a_fact_read_only_by_a_veto_is_used_and_its_absence_listed(tmp_path):
    f = _pack(tmp_path, *VETO_ONLY)
    src = f.read_text(encoding="utf-8").replace('when: "security.hot_spots > 0", reason: "Để xảy ra điểm nóng về an ninh, trật tự"}\n  - id: hoan',
                                                'when: "petitions.veto_only > 0", reason: "x"}\n  - id: hoan')
    assert "petitions.veto_only > 0" in src
    f.write_text(src, encoding="utf-8")
    pack = api.load_pack(f)
    assert "petitions.veto_only" not in [w.field for w in pack.warnings if w.code == "W101"]
    checked = api.check(record(), pack).checked
    assert "petitions.veto_only" in checked.missing


def test_a_fact_read_only_by_batch_requires_is_used_and_its_absence_listed(tmp_path):
    f = _pack(tmp_path, *VETO_ONLY)
    f.write_text(f.read_text(encoding="utf-8") + (
        "batch:\n  ineligible:\n    - {id: K1, requires: [petitions.veto_only], reason: \"x\", source: \"y\"}\n"), encoding="utf-8")
    pack = api.load_pack(f)
    assert "petitions.veto_only" not in [w.field for w in pack.warnings if w.code == "W101"]
    assert "petitions.veto_only" in api.check(record(), pack).checked.missing
    # and without the batch rule it is unused
    g = _pack(tmp_path, *VETO_ONLY, name="unused.yaml")
    assert "petitions.veto_only" in [w.field for w in api.load_pack(g).warnings if w.code == "W101"]


@pytest.mark.parametrize("value,missing", [(False, ["reform.procedures_posted"]), (True, []), (None, ["reform.procedures_posted"])])
def test_requires_counts_a_false_yes_no_fact_as_absent(value, missing):
    facts = {} if value is None else {"reform.procedures_posted": value}
    ev = api.load_record(record(facts=facts))
    rule = Ineligible(id="K", requires=["reform.procedures_posted"], reason="r", source="s")
    assert rule.missing(ev.record) == missing
