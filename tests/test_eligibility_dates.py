"""Construct 4 of issue 13: eligibility and grade caps on a document's date, shown by `score` and
`verify` (not only by `batch`), and the top grade shown as subject to the batch quota."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring import api
from scoring.cli import main
from scoring.errors import DvcqError

from support import QN_PACK, record

SRC = QN_PACK.read_text(encoding="utf-8")
RULES = """
eligibility:
  - id: nop_muon
    document: report.dvcq_annual
    date: sent_on
    later_than: report_annual_deadline
    {outcome}
    reason: "Gửi báo cáo năm sau hạn"
    source: "Điều thử, khoản 1"
batch:
  quota: {{grade: xuat_sac, percent: 20, of_at_least: tot, source: "Nghị định 335/2025/NĐ-CP"}}
"""


def pack(tmp_path, outcome="outcome: ineligible", name="p.yaml"):
    f = tmp_path / name
    f.write_text(SRC + RULES.format(outcome=outcome), encoding="utf-8")
    return api.load_pack(f)


def rec(sent_on=None, submitted=True):
    docs = []
    if submitted:
        d = {"id": "report.dvcq_annual", "number": "9/BC-UBND", "issued_on": "2023-10-01"}
        if sent_on:
            d["sent_on"] = sent_on
        docs.append(d)
    return record(documents=docs)


@pytest.mark.parametrize("sent_on,submitted,held", [
    ("2023-10-10", True, False),   # on the deadline (year-10-10): eligible
    ("2023-10-09", True, False),
    ("2023-10-11", True, True),    # the day after: ineligible
    (None, True, True),            # no date: cannot show it was on time
    (None, False, True),           # not submitted
])
def test_ineligible_after_the_deadline(tmp_path, sent_on, submitted, held):
    res = api.score(rec(sent_on, submitted), pack(tmp_path))
    ws = [w for w in res.warnings if w["code"] == "ineligible"]
    assert bool(ws) == held
    if held:
        assert ws[0]["rule"] == "nop_muon" and ws[0]["label"] == "Không đủ điều kiện xếp loại"
        assert ws[0]["deadline"] == "2023-10-10"


def full_record(sent_on):
    """The fixtures' full-marks ward (97 points before TC6.2): 'Hoàn thành xuất sắc nhiệm vụ'."""
    from scoring.yamlio import load_document

    base = load_document(Path(__file__).parent / "packs" / "qd-1211-2022" / "totals.yaml", "tệp")[0]["base"]
    data = record(facts=dict(base["facts"]), documents=[dict(d) for d in base["documents"]])
    for d in data["documents"]:
        if d["id"] == "report.dvcq_annual":
            d["sent_on"] = sent_on
    return data


@pytest.mark.parametrize("sent_on,capped", [("2023-10-10", False), ("2023-10-11", True)])
def test_at_most_a_grade_after_the_deadline(tmp_path, sent_on, capped):
    res = api.score(full_record(sent_on), pack(tmp_path, "at_most: hoan_thanh"))
    assert res.total >= 90  # the report item itself loses half a point when late
    if capped:
        assert (res.grade.id, res.grade.capped_from) == ("hoan_thanh", "Hoàn thành xuất sắc nhiệm vụ")
        w = next(w for w in res.warnings if w["code"] == "date_cap")
        assert w["rule"] == "nop_muon" and w["given"] == "2023-10-11"
        assert not any(w["code"] == "quota" for w in res.warnings)
    else:
        assert res.grade.id == "xuat_sac" and not any(w["code"] == "date_cap" for w in res.warnings)
        q = next(w for w in res.warnings if w["code"] == "quota")  # the top grade is subject to the quota
        assert q["percent"] == 20 and q["of_at_least"] == "Hoàn thành tốt nhiệm vụ"


def test_verify_shows_the_cap_and_the_quota(runner, tmp_path):
    p = pack(tmp_path, "at_most: hoan_thanh")
    f = tmp_path / "r.json"
    f.write_text(json.dumps(full_record("2023-10-10"), ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["score", str(f), "--rules", p.path, "--width", "200"])
    assert r.exit_code == 0 and "chịu chỉ tiêu: tối đa 20%" in r.stdout, r.stdout
    f.write_text(json.dumps(full_record("2023-10-12"), ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["score", str(f), "--rules", p.path, "--width", "200"])
    assert "Xếp loại tối đa 'Hoàn thành nhiệm vụ'" in r.stdout and "sau hạn 10/10/2023" in r.stdout


def test_score_prints_ineligibility_and_the_quota(runner, tmp_path):
    p = pack(tmp_path)
    f = tmp_path / "r.json"
    f.write_text(json.dumps(rec("2023-10-11"), ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["score", str(f), "--rules", p.path, "--width", "200"])
    assert r.exit_code == 0, r.stderr
    assert "KHÔNG ĐỦ ĐIỀU KIỆN XẾP LOẠI" in r.stdout and "sau hạn 10/10/2023" in r.stdout


@pytest.mark.parametrize("edit,words", [
    ("document: report.dvcq_annual", "document: report.dvcq_anual"),
    ("later_than: report_annual_deadline", "later_than: report_annual_dealine"),
])
def test_bad_references_are_refused(tmp_path, edit, words):
    f = tmp_path / "bad.yaml"
    f.write_text(SRC + RULES.format(outcome="outcome: ineligible").replace(*edit_pair(edit, words)), encoding="utf-8")
    with pytest.raises(DvcqError) as exc:
        api.load_pack(f)
    assert any(p.code == "P021" for p in exc.value.problems)


def edit_pair(a, b):
    return a, b


@pytest.mark.parametrize("outcome", ["", "outcome: ineligible\n    at_most: tot", "at_most: gioi"])
def test_exactly_one_known_outcome(tmp_path, outcome):
    f = tmp_path / "bad.yaml"
    f.write_text(SRC + RULES.format(outcome=outcome), encoding="utf-8")
    with pytest.raises(DvcqError) as exc:
        api.load_pack(f)
    assert [p.code for p in exc.value.problems] == ["P021"]


@pytest.mark.parametrize("sent_on,note", [
    ("2023-10-11", "nop_muon: Gửi báo cáo năm sau hạn"),                         # late: nothing is missing
    (None, "nop_muon: Gửi báo cáo năm sau hạn (thiếu report.dvcq_annual)"),     # undated: the document is named
])
def test_the_batch_note_names_what_is_missing_only_when_something_is(tmp_path, sent_on, note):
    import yaml

    pack(tmp_path)
    folder = tmp_path / "hoso"
    folder.mkdir()
    (folder / "a.yaml").write_text(yaml.safe_dump(rec(sent_on), allow_unicode=True), encoding="utf-8")
    res = api.batch(folder, pack=tmp_path / "p.yaml", jobs=1)
    assert not res.failed
    (row,) = [r for g in res.groups for r in g.rows]
    assert row.rank is None and row.note == note
