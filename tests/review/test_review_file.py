"""Reading a review file: shape errors in Vietnamese, with file:line and the finding's number."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fixtures.records3 import PHO_VAN_REVIEW
from scoring.review.model import ReviewError, load_review

HEAD = """review_of: {ward: "Phường Phổ Văn", period: {year: 2023}, evidence_sha256: "%s"}
reviewer: {unit: "Phòng Nội vụ thị xã Đức Phổ"}
reviewed_on: 10/12/2023
""" % ("a" * 64)


def load_text(tmp_path, text, name="r.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_review(p)


def problems(tmp_path, text):
    with pytest.raises(ReviewError) as exc:
        load_text(tmp_path, text)
    return [p.render() for p in exc.value.problems]


def test_sample_review_loads():
    rv = load_review(PHO_VAN_REVIEW)
    assert rv.head.reviewed_on == date(2023, 12, 10)
    assert [(f.number, f.kind, f.ident) for f in rv.findings][:2] == [
        (1, "fact", "petitions.settled"), (2, "document", "decision.dvcq_lead_assignment")]
    assert rv.findings[0].verified.num == 14 and rv.findings[4].points == Decimal(0)


def test_dd_mm_yyyy_date_and_empty_findings(tmp_path):
    rv = load_text(tmp_path, HEAD + "findings: []\n")
    assert rv.head.reviewed_on == date(2023, 12, 10) and rv.findings == []


def test_reason_is_required(tmp_path):
    out = problems(tmp_path, HEAD + "findings:\n  - {item: TC6.2, points: 1}\n")
    assert any("r.yaml:5" in p and "kết luận #1 (nội dung TC6.2)" in p and "thiếu lý do" in p for p in out), out


def test_exactly_one_kind_per_finding(tmp_path):
    out = problems(tmp_path, HEAD + "findings:\n  - {fact: a.b, item: TC1, reason: x}\n  - {reason: x}\n")
    assert any("kết luận #1" in p and "đang có fact, item" in p for p in out), out
    assert any("kết luận #2" in p and "cần đúng một trong các khóa" in p for p in out), out


def test_unknown_key_gets_a_hint(tmp_path):
    out = problems(tmp_path, HEAD + "findings:\n  - {fact: staff.disciplined, verifed: 0, reason: x}\n")
    assert any("khóa 'verifed'" in p and "verified" in p for p in out), out


def test_bad_values(tmp_path):
    out = problems(tmp_path, HEAD + """findings:
  - {fact: petitions.settled, verified: {num: 14}, reason: x}
  - {item: TC6.2, points: "1,5", reason: x}
  - {document: plan.dvcq_annual, accepted: "không", reason: x}
  - {document: plan.dvcq_annual, reason: x}
  - {fact: staff.disciplined, accepted: false, verified: 0, reason: x}
""")
    text = "\n".join(out)
    assert "kết luận #1 (số liệu petitions.settled): giá trị thẩm định không hợp lệ: tỷ lệ thiếu 'den'" in text
    assert "kết luận #2 (nội dung TC6.2): 'points' phải là một số" in text
    assert "kết luận #3 (văn bản plan.dvcq_annual): 'accepted' phải là true hoặc false" in text
    assert "kết luận #4 (văn bản plan.dvcq_annual): cần 'accepted: true'" in text
    assert "kết luận #5 (số liệu staff.disciplined): không thể vừa bác bỏ" in text


def test_head_errors(tmp_path):
    out = problems(tmp_path, """review_of: {ward: "X", period: {year: 2023}, evidence_sha256: "abc"}
reviewer: {unit: "P", nam: "Q"}
reviewed_on: 2023-02-30
findings: []
""")
    text = "\n".join(out)
    assert "review_of.evidence_sha256" in text and "64 ký tự hex" in text
    assert "reviewer.nam" in text and "'name'" in text
    assert "ngày '2023-02-30' không tồn tại" in text


def test_not_a_mapping_and_not_yaml(tmp_path):
    assert "bảng khóa" in problems(tmp_path, "- a\n- b\n")[0]
    assert "lỗi cú pháp YAML" in problems(tmp_path, "review_of: [\n")[0]
