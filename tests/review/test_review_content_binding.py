"""A review is bound to the record's content, not its bytes (issue 15, defect 3).

A comment added to the YAML, or the same workbook saved again, keeps the review; a changed value
voids it. Older reviews (`evidence_sha256`, the file's bytes) stay readable and strict.
"""
from __future__ import annotations

import json
import shutil
from decimal import Decimal

import openpyxl
import pytest
import yaml

from fixtures.records3 import BATCH_PACK, PHO_VAN, PHO_VAN_REVIEW, review_data, sha, tn_record, write
from scoring import api
from scoring.canonical import record_sha256
from scoring.cli import main

FINDINGS = [{"fact": "petitions.settled", "verified": {"num": 14, "den": 16}, "reason": "chỉ công nhận 14 đơn"}]


def _review(tmp_path, record, name="tham-dinh.review.yaml", **binding):
    data = review_data(record, FINDINGS)
    data["review_of"].pop("evidence_sha256")
    data["review_of"].update(binding or {"record_sha256": record_sha256(api.load_record(str(record)))})
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _verify(runner, record, review):
    return runner.invoke(main, ["verify", str(record), "--review", str(review), "--format", "json"])


def test_a_comment_added_to_the_yaml_keeps_the_review(runner, tmp_path):
    record = tmp_path / PHO_VAN.name
    shutil.copy(PHO_VAN, record)
    review = _review(tmp_path, record)
    before = _verify(runner, record, review)
    assert before.exit_code == 0, before.stderr
    record.write_text("# ghi chú thêm của phường sau khi nộp\n" + record.read_text(encoding="utf-8")
                      + "\n# hết\n", encoding="utf-8")
    after = _verify(runner, record, review)
    assert after.exit_code == 0, after.stderr
    a, b = json.loads(before.stdout, parse_float=Decimal), json.loads(after.stdout, parse_float=Decimal)
    assert a["evidence"]["sha256"] != b["evidence"]["sha256"]          # the file's own hash is still recorded
    assert a["evidence"]["record_sha256"] == b["evidence"]["record_sha256"]
    assert a["total"] == b["total"] and b["review"]["review_of"]["record_sha256"] == b["evidence"]["record_sha256"]


def test_a_changed_value_voids_the_review(runner, tmp_path):
    record = tmp_path / PHO_VAN.name
    shutil.copy(PHO_VAN, record)
    review = _review(tmp_path, record)
    record.write_bytes(PHO_VAN.read_bytes().replace(b"value: 4", b"value: 3", 1))
    r = _verify(runner, record, review)
    assert r.exit_code == 2 and "review_of.record_sha256" in r.stderr and review.name in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_the_same_workbook_saved_again_keeps_the_review(runner, tmp_path):
    book = tmp_path / "phieu.xlsx"
    assert runner.invoke(main, ["convert", str(PHO_VAN), "-o", str(book)]).exit_code == 0
    review = _review(tmp_path, book)
    assert _verify(runner, book, review).exit_code == 0
    before = book.read_bytes()
    wb = openpyxl.load_workbook(book)
    wb.properties.creator = "Kế toán phường"  # what Excel does on every save: new metadata, new zip bytes
    wb.save(book)
    assert book.read_bytes() != before
    r = _verify(runner, book, review)
    assert r.exit_code == 0, r.stderr


def test_written_forms_of_one_value_hash_alike():
    base = {"ward": {"name": "Phường Thử", "province": "Quảng Ngãi"}, "period": {"year": 2023}}
    a = api.load_record({**base, "facts": {"staff.disciplined": 0, "reform.satisfaction": {"percent": 98}}})
    b = api.load_record({**base, "facts": {"reform.satisfaction": {"percent": Decimal("98.0")},
                                           "staff.disciplined": {"value": 0}}, "documents": [], "notes": None})
    c = api.load_record({**base, "facts": {"staff.disciplined": 1, "reform.satisfaction": {"percent": 98}}})
    assert record_sha256(a) == record_sha256(b) != record_sha256(c)


def test_an_older_review_bound_to_the_bytes_is_still_read(runner, tmp_path):
    record = tmp_path / PHO_VAN.name
    shutil.copy(PHO_VAN, record)
    review = _review(tmp_path, record, evidence_sha256=sha(record))
    assert _verify(runner, record, review).exit_code == 0
    record.write_text("# chú thích\n" + record.read_text(encoding="utf-8"), encoding="utf-8")
    r = _verify(runner, record, review)  # bytes changed: an older review is void, and says how to bind by content
    assert r.exit_code == 2 and "review_of.evidence_sha256" in r.stderr and "record_sha256" in r.stderr


def test_a_review_without_any_hash_is_refused(runner, tmp_path):
    data = yaml.safe_load(PHO_VAN_REVIEW.read_text(encoding="utf-8"))
    data["review_of"].pop("record_sha256")
    review = tmp_path / "x.review.yaml"
    review.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = _verify(runner, PHO_VAN, review)
    assert r.exit_code == 2 and "review_of" in r.stderr and "record_sha256" in r.stderr, r.stderr


def test_batch_matches_reviews_by_content(runner, tmp_path):
    folder, reviews = tmp_path / "ho-so", tmp_path / "tham-dinh"
    folder.mkdir()
    reviews.mkdir()
    shutil.copy(PHO_VAN_REVIEW, reviews)
    (folder / PHO_VAN.name).write_text("# bản nộp lại, chỉ thêm chú thích\n" + PHO_VAN.read_text(encoding="utf-8"),
                                       encoding="utf-8")
    r = runner.invoke(main, ["batch", str(folder), "--reviews", str(reviews), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    row = json.loads(r.stdout, parse_float=Decimal)["groups"][0]["ranking"][0]
    assert row["review"]["file"] == PHO_VAN_REVIEW.name and row["verified"]["total"] == 27
    # a changed value: the review is stale, the record is listed as failed, not ranked on its self score
    (folder / PHO_VAN.name).write_bytes(PHO_VAN.read_bytes().replace(b"value: 4", b"value: 3", 1))
    r = runner.invoke(main, ["batch", str(folder), "--reviews", str(reviews), "--format", "json"])
    assert r.exit_code == 2 and "mã nội dung" in r.stdout + r.stderr


@pytest.mark.parametrize("jobs", [1, 2], ids=["serial", "workers"])
def test_batch_matching_by_content_in_workers(tmp_path, monkeypatch, jobs):
    """Each record is matched where it is loaded (in a worker when parallel): a content-bound review
    follows a re-commented record, a stale one fails its record, two reviews of one record (one by
    content, one by bytes) fail it, and a review of no record is listed as unmatched."""
    from scoring.batch import run as batch_run

    monkeypatch.setattr(batch_run, "PARALLEL_FROM", 1)  # workers even for a few records (forked: inherited)
    recs, revs = tmp_path / "hoso", tmp_path / "thamdinh"
    a = write(recs, "a", tn_record("Phường A", 50, 20), "yaml")
    b = write(recs, "b", tn_record("Phường B", 40, 20), "yaml")
    c = write(recs, "c", tn_record("Phường C", 30, 20), "yaml")
    write(recs, "d", tn_record("Phường D", 20, 20), "yaml")

    def review(name, record, points, **binding):
        data = review_data(record, [{"item": "TC3.1", "points": points, "reason": "thẩm định thử"}])
        if not binding:
            data["review_of"].pop("evidence_sha256")
            data["review_of"]["record_sha256"] = record_sha256(api.load_record(str(record)))
        else:
            data["review_of"].update(binding)
        (revs / name).parent.mkdir(exist_ok=True)
        (revs / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    review("a.yaml", a, 4)
    a.write_text("# nộp lại, thêm chú thích\n" + a.read_text(encoding="utf-8"), encoding="utf-8")
    review("b.yaml", b, 1)
    b.write_text(b.read_text(encoding="utf-8").replace("t.b: 20", "t.b: 25"), encoding="utf-8")
    review("c1.yaml", c, 1)
    review("c2.yaml", c, 2, evidence_sha256=sha(c))
    review("z.yaml", a, 0, ward="Phường Không Có", record_sha256="e" * 64)
    res = api.batch(recs, reviews=revs, pack=BATCH_PACK, jobs=jobs)
    rows = [(r.s.ward, r.s.total, (r.s.review or {}).get("file")) for r in res.groups[0].rows]
    assert rows == [("Phường A", 79, "a.yaml"), ("Phường D", 45, None)]
    failed = {f.file: " ".join(f.problems) for f in res.failed}
    assert "phiên bản khác của hồ sơ b.yaml" in failed["b.yaml"] and "mã nội dung" in failed["b.yaml"]
    assert "có 2 tệp thẩm định cho cùng hồ sơ này" in failed["c.yaml"]
    assert [u["file"] for u in res.unmatched_reviews] == ["z.yaml"]
    assert set(failed) == {"b.yaml", "c.yaml"}
