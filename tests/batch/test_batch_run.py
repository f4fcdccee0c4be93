"""`dvcq batch`: the samples, failures that do not stop the others, review matching, a generated district."""
from __future__ import annotations

import csv
import io
import json
import random
import shutil
from decimal import Decimal


from fixtures.records3 import (BATCH_PACK, PHO_VAN, QN, ROOT, sha, tn_record, write, write_review)
from scoring.cli import main


def batch_json(runner, *args, code=0):
    r = runner.invoke(main, ["batch", *map(str, args), "--format", "json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout, parse_float=Decimal), r


def ranking(d, group=0):
    return [(row["ward"], row["rank"], row["total"]) for row in d["groups"][group]["ranking"]]


def test_samples_with_their_reviews(runner):
    d, r = batch_json(runner, QN, "--reviews", QN / "reviews")
    assert r.stderr == ""  # no progress bar when stderr is not a terminal
    assert ranking(d) == [("Phường Nguyễn Nghiêm", 1, 31), ("Phường Phổ Văn", 2, 27)]
    rows = d["groups"][0]["ranking"]
    assert rows[0]["self"]["total"] == 37 and rows[0]["verified"]["total"] == 31
    assert [m["id"] for m in rows[0]["moved"]] == ["TC4.1", "TC1.4", "TC6.2"]
    assert not any(row["provisional"] for row in rows)
    # The two in_progress records: ranked apart, their own ranks, not in the grade counts.
    apart = d["groups"][0]["provisional"]
    assert "tạm tính" in apart["label"] and "xếp riêng" in apart["label"]
    assert [(row["ward"], row["rank"], row["total"]) for row in apart["ranking"]] == [
        ("Phường Phổ Hòa", 1, Decimal("23.5")), ("Phường Trương Quang Trọng", 2, 0)]
    assert all(row["provisional"] and row["status"] == "in_progress" for row in apart["ranking"])
    assert apart["ranking"][0]["verified"] is None and "tạm tính" in apart["ranking"][0]["note"]
    assert {c["label"]: c["units"] for c in d["groups"][0]["counts"]}["Không hoàn thành nhiệm vụ"] == 2
    assert {c["label"]: c["units"] for c in apart["counts"]}["Không hoàn thành nhiệm vụ"] == 2
    assert d["failed"] == [] and d["unmatched_reviews"] == []
    assert d["seal"]["algorithm"] == "sha256"


def test_table_csv_markdown(runner):
    t = runner.invoke(main, ["batch", str(QN), "--reviews", str(QN / "reviews"), "--width", "200"])
    assert t.exit_code == 0
    assert "Số đơn vị theo xếp loại" in t.stdout and "TC4.1 −4,5; TC1.4 −3" in t.stdout and "⚠ BỘ TIÊU CHÍ DỰ THẢO" in t.stdout
    c = runner.invoke(main, ["batch", str(QN), "--reviews", str(QN / "reviews"), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(c.stdout)))
    assert [(x["hang"], x["don_vi"], x["tu_cham"], x["tham_dinh"]) for x in rows[:2]] == [
        ("1", "Phường Nguyễn Nghiêm", "37", "31"), ("2", "Phường Phổ Văn", "28", "27")]
    assert [(x["hang"], x["don_vi"], x["trang_thai"]) for x in rows[2:]] == [
        ("1", "Phường Phổ Hòa", "tam_tinh"), ("2", "Phường Trương Quang Trọng", "tam_tinh")]
    m = runner.invoke(main, ["batch", str(QN), "--format", "markdown"])
    assert m.stdout.startswith("# Xếp hạng") and "| Phường Phổ Văn" in m.stdout
    head, apart = m.stdout.split("### Hồ sơ đang hoàn thiện (điểm tạm tính) — xếp riêng")
    assert "Phường Phổ Hòa" not in head and "|      1 | Phường Phổ Hòa" in apart
    table, after = t.stdout.split("Hồ sơ đang hoàn thiện (điểm tạm tính) — xếp riêng")
    assert "Phường Phổ Hòa" not in table and "Phường Phổ Hòa" in after
    assert "Không hoàn thành nhiệm vụ: 2" in table and "Tổng: 4 hồ sơ; 2 xếp hạng; 2 tạm tính (xếp riêng)" in after


def test_failed_records_are_listed_and_do_not_stop_the_others(runner, tmp_path):
    folder = tmp_path / "huyen"
    folder.mkdir()
    shutil.copy(PHO_VAN, folder)
    shutil.copy(ROOT / "samples" / "thua-thien-hue" / "phuong-hue-2023.yaml", folder)
    (folder / "hong.yaml").write_text("ward: [\n", encoding="utf-8")
    bad = PHO_VAN.read_text(encoding="utf-8").replace("staff.disciplined:", "staff.disiplined:")
    (folder / "sai-ma.yaml").write_text(bad.replace("Phường Phổ Văn", "Phường Sai Mã"), encoding="utf-8")
    (folder / "ghi-chu.txt").write_text("không phải hồ sơ", encoding="utf-8")
    d, r = batch_json(runner, folder, code=2)
    assert ranking(d) == [("Phường Phổ Văn", 1, 28)]
    failed = {f["file"]: " ".join(f["problems"]) for f in d["failed"]}
    assert set(failed) == {"hong.yaml", "phuong-hue-2023.yaml", "sai-ma.yaml"}
    assert "lỗi cú pháp YAML" in failed["hong.yaml"]
    assert "chưa có bộ tiêu chí nào cho tỉnh Thừa Thiên Huế" in failed["phuong-hue-2023.yaml"]
    assert "staff.disiplined" in failed["sai-ma.yaml"] and "staff.disciplined" in failed["sai-ma.yaml"]
    assert "3 hồ sơ/tệp lỗi" in r.stderr
    t = runner.invoke(main, ["batch", str(folder)])
    assert "Hồ sơ/tệp lỗi, không được xếp hạng (3)" in t.stdout and "hong.yaml:" in t.stdout


def test_reviews_are_matched_by_hash_and_stale_or_stray_ones_reported(runner, tmp_path):
    recs, revs = tmp_path / "hoso", tmp_path / "thamdinh"
    r1 = write(recs, "a", tn_record("Phường A", 50, 20))
    r2 = write(recs, "b", tn_record("Phường B", 40, 20))
    r3 = write(recs, "c", tn_record("Phường C", 30, 20))
    write(recs, "d", tn_record("Phường D", 20, 20))
    write_review(revs / "a.yaml", r1, [{"item": "TC3.1", "points": 4, "reason": "tốt"}])
    write_review(revs / "b.yaml", r2, [{"item": "TC3.1", "points": 1, "reason": "x"}])
    r2.write_text(r2.read_text(encoding="utf-8").replace('"t.b": 20', '"t.b": 25'), encoding="utf-8")  # edited after review
    write_review(revs / "c1.yaml", r3, [{"item": "TC3.1", "points": 1, "reason": "x"}])
    write_review(revs / "c2.yaml", r3, [{"item": "TC3.1", "points": 2, "reason": "y"}])
    write_review(revs / "z.yaml", r1, [], ward="Phường Không Có", evidence_sha256="f" * 64)
    (revs / "hong.yaml").write_text("findings: [\n", encoding="utf-8")
    d, _ = batch_json(runner, recs, "--reviews", revs, "--rules", BATCH_PACK, code=2)
    assert ranking(d) == [("Phường A", 1, 79), ("Phường D", 2, 45)]
    assert d["groups"][0]["ranking"][0]["review"]["sha256"] == sha(revs / "a.yaml")
    failed = {f["file"]: " ".join(f["problems"]) for f in d["failed"]}
    assert "phiên bản khác của hồ sơ b.json" in failed["b.json"]
    assert "có 2 tệp thẩm định cho cùng hồ sơ này: c1.yaml, c2.yaml" in failed["c.json"]
    assert "hong.yaml (tệp thẩm định)" in failed
    assert [u["file"] for u in d["unmatched_reviews"]] == ["z.yaml"]


def test_two_records_of_one_unit_are_refused(runner, tmp_path):
    write(tmp_path, "a1", tn_record("Phường A", 50, 20))
    write(tmp_path, "a2", tn_record("Phường A", 55, 20))
    write(tmp_path, "b", tn_record("Phường B", 40, 20))
    d, _ = batch_json(runner, tmp_path, "--rules", BATCH_PACK, code=2)
    assert ranking(d) == [("Phường B", 1, 65)]
    assert {f["file"] for f in d["failed"]} == {"a1.json", "a2.json"}


def test_ineligibility_reads_the_verified_record(runner, tmp_path):
    recs = tmp_path / "hoso"
    a = write(recs, "a", tn_record("Phường A", 60, 30))
    write(recs, "b", tn_record("Phường B", 10, 10, plan=False))
    write(recs, "c", tn_record("Phường C", 50, 20))
    write_review(tmp_path / "tv" / "a.yaml", a, [
        {"document": "doc.plan", "accepted": False, "reason": "Kế hoạch không có chữ ký"}])
    d, _ = batch_json(runner, recs, "--reviews", tmp_path / "tv", "--rules", BATCH_PACK)
    rows = d["groups"][0]["ranking"]
    assert [(x["ward"], x["rank"], x["grade"]["label"]) for x in rows] == [
        ("Phường C", 1, "Hoàn thành tốt nhiệm vụ"),
        ("Phường A", None, "Không đủ điều kiện xếp loại"), ("Phường B", None, "Không đủ điều kiện xếp loại")]
    assert rows[1]["ineligible"][0]["missing"] == ["doc.plan"]


def test_output_file_never_overwrites_a_record(runner, tmp_path):
    write(tmp_path, "a", tn_record("Phường A", 50, 20))
    r = runner.invoke(main, ["batch", str(tmp_path), "--rules", str(BATCH_PACK), "-o", str(tmp_path / "a.json"),
                             "--force"])
    assert r.exit_code == 2 and "không ghi đè lên tệp đầu vào" in r.stderr


def test_empty_folder_is_refused(runner, tmp_path):
    r = runner.invoke(main, ["batch", str(tmp_path)])
    assert r.exit_code == 2 and "không có hồ sơ nào" in r.stderr


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import sys

    from scoring.batch.run import progress_bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert progress_bar(500) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress_bar(500) is not None


QN_FACTS = {
    "leadership.briefing_conferences": lambda r: r.randint(0, 3),
    "leadership.reviews_held": lambda r: r.randint(0, 2),
    "reform.dossiers_on_time": lambda r: {"num": r.randint(250, 300), "den": 300},
    "democracy.groups": lambda r: {"done": r.randint(1, 4), "total": 4},
    "petitions.settled": lambda r: {"num": r.randint(10, 20), "den": 20},
    "models.registered": lambda r: r.randint(0, 3),
    "communication.dvcq_items": lambda r: r.randint(0, 15),
    "staff.disciplined": lambda r: r.choice([0, 0, 0, 1]),
}


def test_generated_district_in_parallel_gives_the_serial_bytes(runner, tmp_path):
    """A few hundred records: the worker processes' ranking is byte-identical to one process's."""
    rnd = random.Random(7)
    recs, revs = tmp_path / "hoso", tmp_path / "thamdinh"
    n = 240
    for i in range(n):
        data = {"ward": {"name": f"Xã Thử {rnd.choice('ABCDEĐGH')}{i:03d}", "district": "Huyện Thử",
                         "province": "Quảng Ngãi", "kind": "xa", "residential_groups": 6},
                "period": {"year": 2023},
                "documents": [{"id": "plan.dvcq_annual", "issued_on": f"2023-0{rnd.randint(1, 9)}-10"}],
                "facts": {k: f(rnd) for k, f in QN_FACTS.items() if rnd.random() < 0.8}}
        p = write(recs, f"xa-{i:03d}", data)
        if i % 20 == 0:
            write_review(revs / f"xa-{i:03d}.review.yaml", p, [{"item": "TC6.2", "points": 1.5, "reason": "x"}])
    (recs / "xa-hong.json").write_text("{", encoding="utf-8")
    out = {}
    for jobs in ("1", "2"):
        r = runner.invoke(main, ["batch", str(recs), "--reviews", str(revs), "--format", "json", "--jobs", jobs])
        assert r.exit_code == 2, r.stderr
        out[jobs] = r.stdout
    assert out["1"] == out["2"]
    d = json.loads(out["2"], parse_float=Decimal)
    rows = d["groups"][0]["ranking"]
    assert len(rows) == n and [f["file"] for f in d["failed"]] == ["xa-hong.json"]
    totals = [x["total"] for x in rows]
    assert totals == sorted(totals, reverse=True)
    assert all(x["rank"] == 1 + totals.index(x["total"]) for x in rows)
    assert sum(1 for x in rows if x["review"]) == n // 20
    assert sum(c["units"] for c in d["groups"][0]["counts"]) == n


def test_recursive_reads_the_sub_folders_and_a_date_must_be_a_date(runner, tmp_path):
    province = tmp_path / "tinh"
    (province / "duc-pho").mkdir(parents=True)
    (province / "tp-quang-ngai").mkdir()
    (province / "_nhap").mkdir()  # a '_' folder is a scratch folder: left out
    shutil.copy(QN / "pho-van-2023.yaml", province / "duc-pho")
    shutil.copy(QN / "nguyen-nghiem-2023.yaml", province / "duc-pho")
    shutil.copy(QN / "truong-quang-trong-2023.yaml", province / "tp-quang-ngai")
    shutil.copy(QN / "pho-hoa-2023.yaml", province / "_nhap")
    flat = runner.invoke(main, ["batch", str(province), "--format", "csv"])
    assert flat.exit_code == 2 and "không có hồ sơ" in flat.stderr  # records only in the sub-folders
    deep = runner.invoke(main, ["batch", str(province), "--recursive", "--format", "csv"])
    assert deep.exit_code == 0, deep.stderr
    wards = sorted(x["don_vi"] for x in csv.DictReader(io.StringIO(deep.stdout)))
    assert wards == ["Phường Nguyễn Nghiêm", "Phường Phổ Văn", "Phường Trương Quang Trọng"]
    bad = runner.invoke(main, ["batch", str(province), "-r", "--format", "html", "--date", "20/05/2024"])
    assert bad.exit_code == 2 and "--date" in bad.stderr and "YYYY-MM-DD" in bad.stderr
    good = runner.invoke(main, ["batch", str(province), "-r", "--format", "html", "--date", "2024-06-01",
                                "--issuer", "UBND tỉnh Quảng Ngãi"])
    assert good.exit_code == 0 and "Quảng Ngãi, ngày 01 tháng 06 năm 2024" in good.stdout
    assert "TM. UBND TỈNH QUẢNG NGÃI" in good.stdout


def test_xlsx_outputs_in_the_records_folder_are_skipped_but_evidence_workbooks_are_read(runner, tmp_path):
    """Issue 11 item 18: a ranking or official table saved into the folder is not read back as a record."""

    from scoring.batch.run import record_files
    from scoring.workbook import marker

    folder = tmp_path / "hoso"
    shutil.copytree(QN, folder, ignore=shutil.ignore_patterns("reviews"))
    out = folder / "xep-hang.xlsx"
    args = ["batch", str(folder), "--format", "xlsx", "-o", str(out)]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(main, args)
    assert again.exit_code == 2 and "đã tồn tại" in again.stderr  # nothing overwritten without --force
    second = runner.invoke(main, args + ["--force"])
    assert second.exit_code == 0 and "lỗi" not in second.stderr, second.stderr
    assert marker.output_kind(out) == marker.RANKING
    table = folder / "bang-diem.xlsx"
    r = runner.invoke(main, ["score", str(folder / "pho-van-2023.yaml"), "--format", "xlsx", "-o", str(table)])
    assert r.exit_code == 0, r.stderr
    assert marker.output_kind(table) == marker.OFFICIAL_TABLE
    template = folder / "phieu.xlsx"
    r = runner.invoke(main, ["template", "--rules", "quang-ngai-1211-2022", "-o", str(template)])
    assert r.exit_code == 0, r.stderr
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    listed = {p.name for p in record_files(folder)}
    assert {"xep-hang.xlsx", "bang-diem.xlsx"}.isdisjoint(listed)
    assert {"phieu.xlsx", "hong.xlsx"} <= listed  # an evidence workbook, and a damaged one, are still read
    d, _ = batch_json(runner, folder, code=2)
    assert sorted(f["file"] for f in d["failed"]) == ["hong.xlsx", "phieu.xlsx"]
    assert d["records"] == 6
