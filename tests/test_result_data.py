"""The structured data of each item in the JSON contract, method by method (issue 15).

Each test scores a record through `scoring.api.score` on a real pack (the oracle's kitchen-sink
pack, which uses every method and option, or the Quảng Ngãi pack with its sample review) and
reads `Result.to_dict()`: the branch that fired with its bounds and points, the exact measure, the
dates compared, the state of the evidence. The `reason` texts stay as they were (tests/golden).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from scoring import api
from scoring.render.json import dumps
from support import ROOT

KITCHEN = ROOT / "tests" / "oracle" / "packs" / "kitchen-sink.yaml"
PHO_VAN = ROOT / "samples" / "quang-ngai" / "pho-van-2023.yaml"
PHO_VAN_REVIEW = ROOT / "samples" / "quang-ngai" / "reviews" / "pho-van-2023.review.yaml"


def kitchen(facts=None, documents=None, year=2023) -> dict:
    """`Result.to_dict()` of a record scored under the kitchen-sink pack."""
    data = {"ward": {"name": "Phường Thử", "province": "Tỉnh Thử", "kind": "phuong"}, "period": {"year": year},
            "facts": facts or {}, "documents": documents or []}
    return api.score(data, KITCHEN).to_dict()


def item(result: dict, item_id: str) -> dict:
    for it in result["items"]:
        if it["id"] == item_id:
            return it
        for part in it.get("parts", []):
            if f"{it['id']}/{part['id']}" == item_id:
                return part
    raise KeyError(item_id)


# -- tiers ----------------------------------------------------------------------------------------
def test_tiers_on_a_pair_of_counts_names_its_percent_bounds_and_the_exact_rate():
    it = item(kitchen({"k.num": 15, "k.den": 16}), "K1.4")
    assert it["state"] == "given"
    assert it["branch"] == {"key": "t1", "kind": "tier", "points": Decimal(2), "bounds": {"min_percent": "87.5"}}
    assert it["measure"] == {"num": 15, "den": 16, "rate": "0.9375", "rate_exact": True}
    assert it["points"] == 2 and it["reason"] == "15/16 = 93,75% — bậc ≥ 87,5% → 2 điểm"


def test_tiers_rate_that_does_not_end_keeps_num_den_exact_and_says_the_rate_is_rounded():
    it = item(kitchen({"k.rate_a": {"num": 2, "den": 3}}), "K1.3")
    # 66,666…% is below the 66,6667% threshold: the lower tier, bounded above exclusively
    assert it["branch"]["key"] == "t0"
    assert it["branch"]["bounds"] == {"min_percent": "33.3333", "below_percent": "66.6667"}
    assert it["measure"] == {"num": 2, "den": 3, "rate": "0.666667", "rate_exact": False}


def test_tiers_on_a_count_gives_inclusive_integer_bounds():
    it = item(kitchen({"k.count_a": 5}), "K1.1")
    assert it["branch"] == {"key": "t0", "kind": "tier", "points": Decimal(4), "bounds": {"min": 3, "max": 5}}
    assert it["measure"] == {"count": 5}
    below = item(kitchen({"k.count_a": 2}), "K1.1")
    assert below["branch"] == {"key": "below", "kind": "below", "points": Decimal(1), "bounds": {"min": 0, "max": 2}}


def test_tiers_on_a_stated_percentage():
    it = item(kitchen({"k.rate_u": {"percent": 150}}), "K1.8")
    assert it["branch"]["bounds"] == {"min_percent": "150"}
    assert it["measure"] == {"percent": "150", "rate": "1.5", "rate_exact": True}


def test_missing_and_not_applicable_states():
    r = kitchen({"k.rate_a": "not_applicable"})
    na = item(r, "K1.3")
    assert na["state"] == "not_applicable" and na["measure"] is None
    assert na["branch"] == {"key": "na", "kind": "na", "points": Decimal("1.5")}
    missing = item(r, "K1.4")
    assert missing["state"] == "missing" and missing["missing"] == ["k.num", "k.den"]
    assert missing["branch"] == {"key": "missing", "kind": "missing", "points": Decimal(0)}


# -- document_deadline ----------------------------------------------------------------------------
def test_document_deadline_gives_the_deadline_compared_and_the_date():
    it = item(kitchen(documents=[{"id": "k.doc_a", "number": "5/KH", "issued_on": "2023-03-01"}]), "K2.3")
    assert it["state"] == "given"
    # 29/02 in a common year is 28/02: 01/03 misses it and meets the next deadline (15/01 next year)
    assert it["branch"] == {"key": "d1", "kind": "deadline", "points": Decimal(2), "bounds": {"by": "2024-01-15"}}
    assert it["deadline"] == {"by": "2024-01-15", "date": "2023-03-01", "date_field": "issued_on"}


def test_document_deadline_exactly_on_the_deadline_and_undated_and_missing():
    on = item(kitchen(documents=[{"id": "k.doc_a", "issued_on": "2024-02-29"}], year=2024), "K2.3")
    assert on["branch"]["key"] == "d0" and on["deadline"]["by"] == on["deadline"]["date"] == "2024-02-29"
    undated = item(kitchen(documents=[{"id": "k.doc_b", "number": "7/BC"}]), "K2.4")
    assert undated["state"] == "given" and undated["branch"]["key"] == "nodate"
    assert undated["deadline"] == {"by": None, "date": None, "date_field": "sent_on"}
    missing = item(kitchen(), "K2.4")
    assert missing["state"] == "missing" and missing["deadline"]["date"] is None


# -- yes_no ---------------------------------------------------------------------------------------
def test_yes_no_names_the_answer():
    it = item(kitchen({"k.flag_a": False}), "K1.7")
    assert it["branch"] == {"key": "no", "kind": "no", "points": Decimal("0.5")}
    assert it["measure"] == {"flag": False} and it["points"] == Decimal("0.5")


# -- proportional ---------------------------------------------------------------------------------
def test_proportional_computed_branch_has_no_fixed_points():
    it = item(kitchen({"k.num": 3, "k.den": 8}), "K1.6")
    assert it["branch"] == {"key": "ratio", "kind": "ratio", "points": None}
    assert it["measure"] == {"num": 3, "den": 8, "rate": "0.375", "rate_exact": True}
    assert it["points"] == 1  # 2,5 × 3/8 = 0,9375, rounded up to a multiple of 0,25


def test_proportional_zero_denominator():
    it = item(kitchen({"k.num": 0, "k.den": 0}), "K1.6")
    assert it["state"] == "given" and it["measure"] == {"num": 0, "den": 0}
    assert it["branch"] == {"key": "zero", "kind": "zero", "points": Decimal("0.5")}


# -- checklist ------------------------------------------------------------------------------------
def test_checklist_share_counts_only_what_arose():
    it = item(kitchen({"k.list_a": {"done": 4, "total": 6, "not_applicable": 1}}), "K2.1")
    assert it["branch"]["key"] == "share"
    assert it["measure"] == {"done": 4, "applicable": 5, "total": 6, "rate": "0.8", "rate_exact": True}
    assert it["points"] == Decimal("2.4")


def test_checklist_per_item_counts_items():
    it = item(kitchen({"k.list_b": {"done": 2, "total": 3, "not_applicable": 1}}), "K2.2")
    assert it["branch"] == {"key": "count", "kind": "each_item", "points": None}
    assert it["measure"] == {"count": 2, "total": 3}
    assert it["points"] == Decimal("1.5")


# -- per_item, and the bonus cap ------------------------------------------------------------------
def test_per_item_counts_cases_and_the_bonus_cap_is_data():
    r = kitchen({"k.occ_a": 3, "k.occ_b": 2, "k.flag_a": True})
    kb1 = item(r, "KB1")
    assert kb1["branch"] == {"key": "some", "kind": "each_case", "points": None}
    assert kb1["measure"] == {"count": 3} and kb1["points"] == 3   # 3 × 1,5 = 4,5, at most 3
    kb2 = item(r, "KB2")
    assert kb2["capped"] == {"from": Decimal(2), "to": Decimal(0), "cap": Decimal(3)}
    assert kb2["adjustment"] == "giảm từ 2 xuống 0 do trần điểm thưởng 3"
    kd1 = item(r, "KD1")
    assert kd1["measure"] == {"count": 5} and kd1["points"] == Decimal("-2.5")


# -- manual ---------------------------------------------------------------------------------------
def test_manual_is_pending_in_a_self_assessment():
    r = kitchen()
    part = item(r, "K2.6/tham_dinh")
    assert part["state"] == "pending"
    assert part["branch"] == {"key": "pending", "kind": "pending", "points": Decimal(0)}
    assert part["pending"] == {"max": Decimal(1), "step": Decimal("0.25"), "range": "0–1"}
    own = api.score(PHO_VAN).to_dict()
    assert item(own, "TC6.2")["state"] == "pending"
    warning = next(w for w in own["warnings_data"] if w["code"] == "pending_manual")
    assert [p["id"] for p in warning["items"]] == [p["id"] for p in own["pending"]] and "TC6.2" in str(warning)


def test_manual_points_given_by_the_review():
    r = api.score(PHO_VAN, review=PHO_VAN_REVIEW).to_dict()
    it = item(r, "TC6.2")
    assert it["method"] == "manual" and it["state"] == "given"
    assert it["branch"] == {"key": "given", "kind": "given", "points": None}
    assert it["measure"] == {"points": Decimal(0)}


# -- sum and best_of ------------------------------------------------------------------------------
def test_sum_carries_its_parts_data():
    it = item(kitchen({"k.count_c": 4}), "K2.6")
    assert it["method"] == "sum" and it["branch"] is None and it["measure"] is None
    assert it["state"] == "pending"  # one part awaits the verifier
    dem4 = it["parts"][1]
    assert dem4["branch"] == {"key": "t0", "kind": "tier", "points": Decimal(1), "bounds": {"min": 4}}
    assert dem4["measure"] == {"count": 4}


def test_best_of_names_the_part_chosen():
    it = item(kitchen({"k.flag_b": True, "k.count_c": 1}), "K2.5")
    assert it["chosen"] == "co" and it["points"] == 2 and it["state"] == "given"
    assert [p["state"] for p in it["parts"]] == ["missing", "given", "given"]


# -- warnings, and the contract as written ------------------------------------------------------
def test_warnings_are_codes_with_data_beside_the_same_sentences():
    r = kitchen()
    assert r["warnings_data"][0] == {"code": "draft_pack", "pack": "kitchen-sink-test", "note": None}
    assert r["warnings"][0] == "Bộ tiêu chí kitchen-sink-test đang ở trạng thái DỰ THẢO (draft):"
    assert len(r["warnings"]) == len(r["warnings_data"])


def test_structured_values_are_exact_in_the_json_text():
    text = dumps(kitchen({"k.rate_a": {"num": 2, "den": 3}}))
    assert '"below_percent": "66.6667"' in text and '"rate": "0.666667"' in text
    assert "e+" not in text.lower() and "E-" not in text


@pytest.mark.parametrize("fmt", ["json"])
def test_explain_json_carries_the_structured_keys(runner, fmt):
    from scoring.cli import main

    r = runner.invoke(main, ["explain", str(PHO_VAN), "--rule", "TC5.4", "--format", fmt])
    assert r.exit_code == 0, r.stderr
    assert '"state": "given"' in r.stdout and '"min_percent": "90"' in r.stdout and '"num": 15' in r.stdout


def test_explain_trail_reads_the_data(runner):
    from scoring.cli import main

    r = runner.invoke(main, ["explain", str(PHO_VAN), "--rule", "TC1.1"])
    assert r.exit_code == 0, r.stderr
    assert "tình trạng: có minh chứng" in r.stdout
    assert "nhánh d0: đến hạn 31/03/2023 → 4 điểm" in r.stdout
    assert "hạn so sánh: 31/03/2023; ngày ban hành: 23/03/2023" in r.stdout
