"""`dvcq verify`: each kind of finding, the refusals, and the JSON contract (a superset of `score`'s)."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fixtures.records3 import (NGUYEN_NGHIEM, NGUYEN_NGHIEM_REVIEW, PHO_VAN, PHO_VAN_REVIEW, qn_full_record, sha,
                               write, write_review)
from scoring.cli import main


def run_json(runner, record, review):
    r = runner.invoke(main, ["verify", str(record), "--review", str(review), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout, parse_float=Decimal)


@pytest.fixture
def full(tmp_path):
    return write(tmp_path, "full", qn_full_record(), "yaml")


def change(d, item_id):
    return next(c for c in d["changes"] if c["id"] == item_id)


# -- the two sample reviews, end to end ------------------------------------------------------------

def test_sample_review_pho_van(runner):
    d = run_json(runner, PHO_VAN, PHO_VAN_REVIEW)
    # the ward's undated decision (TC1.3) and programme (TC7.1) already earn 0 in its own score (an undated
    # document never earns more than a dated one), so rejecting them moves no points
    assert (d["self"]["total"], d["verified"]["total"], d["total"]) == (28, 27, 27)
    assert {c["id"]: c["difference"] for c in d["changes"] if c["difference"]} == {"TC5.4": -1}
    assert d["review"]["sha256"] == sha(PHO_VAN_REVIEW)
    assert d["mode"] == "verified"


def test_sample_review_nguyen_nghiem(runner):
    d = run_json(runner, NGUYEN_NGHIEM, NGUYEN_NGHIEM_REVIEW)
    assert (d["self"]["total"], d["verified"]["total"]) == (37, 31)
    moved = {c["id"]: c["difference"] for c in d["changes"] if c["difference"]}
    assert moved == {"TC1.4": -3, "TC4.1": Decimal("-4.5"), "TC6.2": Decimal("1.5")}
    # a finding that changes a value but not the points is still shown with its reason
    tc54 = change(d, "TC5.4")
    assert tc54["difference"] == 0 and "21/22" in tc54["reasons"][0]


def test_sample_reviews_bind_to_the_sample_content():
    import yaml

    from scoring import api
    from scoring.canonical import record_sha256

    for record, review in ((PHO_VAN, PHO_VAN_REVIEW), (NGUYEN_NGHIEM, NGUYEN_NGHIEM_REVIEW)):
        data = yaml.safe_load(review.read_text(encoding="utf-8"))
        assert data["review_of"]["record_sha256"] == record_sha256(api.load_record(str(record))), review.name


def test_verify_json_is_a_superset_of_score_json(runner):
    s = runner.invoke(main, ["score", str(PHO_VAN), "--format", "json"])
    score_keys = set(json.loads(s.stdout))
    d = run_json(runner, PHO_VAN, PHO_VAN_REVIEW)
    assert score_keys <= set(d)
    assert {"self", "verified", "changes", "findings", "review", "seal"} <= set(d)
    item_keys = set(json.loads(s.stdout)["items"][0])
    assert item_keys <= set(d["items"][0])


def test_table_and_markdown_show_both_scores_and_every_reason(runner):
    for fmt in ("table", "markdown"):
        wide = ["--width", "160"] if fmt == "table" else []  # headers on one line
        r = runner.invoke(main, ["verify", str(PHO_VAN), "--review", str(PHO_VAN_REVIEW), "--format", fmt, *wide])
        assert r.exit_code == 0, r.stderr
        out = r.stdout
        assert "Tự chấm" in out and "Thẩm định" in out and "Chênh lệch" in out
        assert "tự chấm 28 → thẩm định 27" in out
        assert "XẾP LOẠI: tự chấm: Không hoàn thành nhiệm vụ → thẩm định: Không hoàn thành nhiệm vụ" in out
        for n in range(1, 6):
            assert f"#{n}" in out
        assert "Kết luận #3" in out  # the reason sits next to the item it moved (TC7.1)


# -- each kind of finding --------------------------------------------------------------------------

def test_fact_finding_replaces_the_value_and_moves_the_grade_through_a_veto(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [
        {"fact": "staff.disciplined", "verified": 1, "reason": "Có 01 công chức bị khiển trách (QĐ 12/QĐ-UBND)"},
        {"item": "TC6.2", "points": 3, "reason": "Mô hình được tỉnh công nhận"}])
    d = run_json(runner, full, rv)
    assert d["self"]["grade"]["id"] == "xuat_sac" and d["self"]["total"] == 97
    assert d["verified"]["total"] == 97 + 3 - 3 - 2  # TC6.2 given, TC8.2 lost, D1 deducted
    assert d["grade"]["id"] == "tot" and d["grade"]["capped_from"] == "Hoàn thành xuất sắc nhiệm vụ"
    f = d["findings"][0]
    assert f["before"] == "0 người" and f["after"] == "1 người" and f["vetoes"] == ["V1"]
    assert set(f["items"]) == {"TC8.2", "D1"}


def test_fact_rejected_counts_as_missing(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [
        {"fact": "reform.satisfaction", "accepted": False, "reason": "Không có phiếu khảo sát"}])
    d = run_json(runner, full, rv)
    assert change(d, "TC3.4")["verified"] == 0 and change(d, "TC3.4")["self"] == 4
    assert "reform.satisfaction" in d["missing_evidence"]


def test_document_rejected_is_removed_for_the_verified_run_only(runner, tmp_path, full):
    before = full.read_bytes()
    rv = write_review(tmp_path / "r.yaml", full, [
        {"document": "coordination.front_regulation", "accepted": False, "reason": "Không có bản ký"}])
    d = run_json(runner, full, rv)
    assert change(d, "TC7.1")["difference"] == -3
    assert "coordination.front_regulation" in d["missing_evidence"]
    assert full.read_bytes() == before


def test_document_accepted_confirms_without_change(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [
        {"document": "plan.dvcq_annual", "accepted": True, "reason": "Đã đối chiếu bản gốc"}])
    d = run_json(runner, full, rv)
    assert change(d, "TC1.1")["difference"] == 0 and change(d, "TC1.1")["findings"] == [1]


def test_manual_points_only_for_the_reserved_item(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [{"item": "TC6.2", "points": 2.5, "reason": "Lan tỏa trong huyện"}])
    d = run_json(runner, full, rv)
    assert change(d, "TC6.2")["verified"] == Decimal("2.5")
    assert d["pending"] == []


def test_without_an_item_finding_the_reserved_item_stays_pending(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [])
    d = run_json(runner, full, rv)
    assert d["total"] == d["self"]["total"] and d["changes"] == []
    assert [p["id"] for p in d["pending"]] == ["TC6.2"]


# -- refusals: exit 2, naming the finding by number and identifier ----------------------------------

def refused(runner, record, review, *needles):
    r = runner.invoke(main, ["verify", str(record), "--review", str(review)])
    assert r.exit_code == 2, r.stdout + r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr
    for n in needles:
        assert n in r.stderr, r.stderr
    return r.stderr


@pytest.mark.parametrize("points,why", [(4, "phải từ 0 đến 3"), (-1, "phải từ 0 đến 3"), (1.2, "bước 0,5")])
def test_manual_points_above_max_or_off_step(runner, tmp_path, full, points, why):
    rv = write_review(tmp_path / "r.yaml", full, [
        {"fact": "staff.disciplined", "verified": 0, "reason": "đúng"},
        {"item": "TC6.2", "points": points, "reason": "x"}])
    refused(runner, full, rv, "kết luận #2 (nội dung TC6.2)", why)


def test_manual_points_on_an_item_the_pack_does_not_reserve(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [{"item": "TC5.4", "points": 6, "reason": "x"}])
    err = refused(runner, full, rv, "kết luận #1 (nội dung TC5.4)", "'tiers'", "nội dung dành cho cấp thẩm định: TC6.2")
    assert "r.yaml:" in err


def test_unknown_identifiers_get_did_you_mean(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [
        {"fact": "petitions.setled", "verified": {"num": 1, "den": 2}, "reason": "x"},
        {"document": "plan.dvcq_anual", "accepted": False, "reason": "x"},
        {"item": "TC6.22", "points": 1, "reason": "x"},
        {"fact": "plan.dvcq_annual", "verified": 1, "reason": "x"}])
    refused(runner, full, rv, "kết luận #1 (số liệu petitions.setled)", "petitions.settled",
            "kết luận #2 (văn bản plan.dvcq_anual)", "'plan.dvcq_annual'",
            "kết luận #3 (nội dung TC6.22)", "TC6.2",
            "kết luận #4 (số liệu plan.dvcq_annual)", "dùng 'document: plan.dvcq_annual'")


@pytest.mark.parametrize("verified,needle", [
    ({"num": 17, "den": 16}, "tử số 17 lớn hơn mẫu số 16"),
    (3, "cần tỷ lệ"),
    ({"percent": 120}, "vượt 100%"),
])
def test_fact_value_is_validated_like_evidence(runner, tmp_path, verified, needle):
    rv = write_review(tmp_path / "r.yaml", PHO_VAN, [{"fact": "petitions.settled", "verified": verified, "reason": "x"}])
    refused(runner, PHO_VAN, rv, "kết luận #1 (số liệu petitions.settled)", needle)


def test_checklist_total_must_match_the_pack(runner, tmp_path):
    rv = write_review(tmp_path / "r.yaml", NGUYEN_NGHIEM, [
        {"fact": "democracy.groups", "verified": {"done": 1, "total": 5}, "reason": "x"}])
    refused(runner, NGUYEN_NGHIEM, rv, "kết luận #1", "có 4 nội dung")


def test_review_of_another_record_is_refused(runner, tmp_path):
    rv = write_review(tmp_path / "r.yaml", PHO_VAN, [{"item": "TC6.2", "points": 0, "reason": "x"}])
    err = refused(runner, NGUYEN_NGHIEM, rv, "review_of.evidence_sha256", "review_of.ward", "Phường Nguyễn Nghiêm")
    assert "r.yaml:" in err


def test_review_of_an_edited_record_is_refused(runner, tmp_path):
    record = tmp_path / "pho-van.yaml"
    record.write_bytes(PHO_VAN.read_bytes())
    rv = write_review(tmp_path / "r.yaml", record, [{"item": "TC6.2", "points": 0, "reason": "x"}])
    record.write_bytes(PHO_VAN.read_bytes() + "\n# sửa sau khi thẩm định\n".encode())
    refused(runner, record, rv, "review_of.evidence_sha256", "hồ sơ đã thay đổi sau khi thẩm định")


def test_review_for_another_period_is_refused(runner, tmp_path):
    rv = write_review(tmp_path / "r.yaml", PHO_VAN, [{"item": "TC6.2", "points": 0, "reason": "x"}],
                      period={"year": 2022})
    refused(runner, PHO_VAN, rv, "review_of.period", "năm 2022", "năm 2023")


def test_two_findings_on_one_identifier_are_refused(runner, tmp_path, full):
    rv = write_review(tmp_path / "r.yaml", full, [
        {"fact": "staff.disciplined", "verified": 0, "reason": "a"},
        {"fact": "staff.disciplined", "verified": 1, "reason": "b"}])
    refused(runner, full, rv, "kết luận #2 (số liệu staff.disciplined)", "trùng với kết luận #1")


def test_rejecting_what_the_record_does_not_have_is_refused(runner, tmp_path):
    rv = write_review(tmp_path / "r.yaml", PHO_VAN, [
        {"document": "report.dvcq_6month", "accepted": False, "reason": "x"},
        {"fact": "models.registered", "accepted": False, "reason": "x"}])
    refused(runner, PHO_VAN, rv, "kết luận #1 (văn bản report.dvcq_6month): hồ sơ không có văn bản này",
            "kết luận #2 (số liệu models.registered): hồ sơ không có số liệu này")


def test_output_never_overwrites_an_input(runner):
    r = runner.invoke(main, ["verify", str(PHO_VAN), "--review", str(PHO_VAN_REVIEW), "-o", str(PHO_VAN_REVIEW),
                             "--force"])
    assert r.exit_code == 2 and "không ghi đè lên tệp đầu vào" in r.stderr
