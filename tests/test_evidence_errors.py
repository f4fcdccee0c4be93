"""Bad records: each gives exit 2 and a Vietnamese message naming the file, the field and the fault."""
from __future__ import annotations

import unicodedata

import pytest

from scoring.cli import main

BASE = """ward: {name: "Phường Thử", district: "TP Quảng Ngãi", province: "Quảng Ngãi", kind: phuong, residential_groups: 5}
period: {year: 2023}
"""

CASES = [
    ("negative-count", BASE + "facts:\n  staff.disciplined: -1\n", ["facts.staff.disciplined", "không được âm"]),
    ("not-integer", BASE + "facts:\n  leadership.reviews_held: 1.5\n", ["facts.leadership.reviews_held", "số nguyên"]),
    ("string-count", BASE + "facts:\n  leadership.reviews_held: \"2\"\n", ["facts.leadership.reviews_held", "không phải giá trị hợp lệ"]),
    ("num-over-den", BASE + "facts:\n  petitions.settled: {num: 17, den: 16}\n", ["facts.petitions.settled.num", "lớn hơn mẫu số"]),
    ("percent-over-100", BASE + "facts:\n  reform.satisfaction: {percent: 100.5}\n", ["facts.reform.satisfaction.percent", "vượt 100%"]),
    ("checklist-overflow", BASE + "facts:\n  democracy.nd04_art4: {done: 9, total: 10, not_applicable: 2}\n",
     ["facts.democracy.nd04_art4", "vượt tổng số"]),
    ("checklist-wrong-total", BASE + "facts:\n  democracy.nd04_art4: {done: 9, total: 11}\n", ["facts.democracy.nd04_art4.total", "10 nội dung"]),
    ("impossible-date", BASE + "documents:\n  - {id: plan.dvcq_annual, number: \"1/KH-UBND\", issued_on: 2023-02-30}\n",
     ["documents.0.issued_on", "không tồn tại"]),
    ("impossible-date-vn", BASE + "documents:\n  - {id: plan.dvcq_annual, issued_on: \"31/4/2023\"}\n",
     ["documents.0.issued_on", "không tồn tại"]),
    ("unknown-fact", BASE + "facts:\n  petitions.setled: {num: 1, den: 2}\n", ["facts.petitions.setled", "petitions.settled"]),
    ("unknown-document", BASE + "documents:\n  - {id: plan.dvcq_anual, number: \"1/KH\"}\n", ["documents[0].id", "plan.dvcq_annual"]),
    ("wrong-type", BASE + "facts:\n  petitions.settled: 5\n", ["facts.petitions.settled", "tỷ lệ"]),
    ("unknown-field", BASE + "ward2: 1\n", ["ward2", "không được phép"]),
    ("typo-field", BASE.replace("province:", "provinc:"), ["ward.provinc", "province"]),
    ("missing-ward", "period: {year: 2023}\n", ["ward", "thiếu trường bắt buộc"]),
    ("bad-year", BASE.replace("year: 2023", "year: 20233"), ["period.year", "≤ 2100"]),
    ("malformed-yaml", BASE + "facts: {staff.disciplined: 0\n", ["lỗi cú pháp YAML"]),
    ("empty-file", "", ["rỗng"]),
    ("list-not-mapping", "- 1\n- 2\n", ["bảng khóa"]),
    ("duplicate-key", BASE + "facts:\n  staff.disciplined: 0\n  staff.disciplined: 1\n", ["bị lặp", ":5"]),
    ("alias-bomb", "a: &a [x, x]\nb: &b [*a, *a]\n" + BASE, ["alias"]),
    ("python-tag", BASE + "facts: !!python/object/apply:os.system ['echo hi']\n", ["thẻ YAML không được phép"]),
    ("nan", BASE + "facts:\n  reform.satisfaction: {percent: .nan}\n", ["NaN"]),
    ("sent-before-issued", BASE + "documents:\n  - {id: report.dvcq_annual, issued_on: 2023-10-05, sent_on: 2023-10-01}\n",
     ["sent_on", "trước ngày ban hành"]),
    ("pair-over-whole", BASE + "facts:\n  culture.cultural_residential_groups: 6\n", ["culture.cultural_residential_groups", "vượt 100%"]),
    ("bad-fact-id", BASE + "facts:\n  Staff: 0\n", ["Staff", "nhom.ten"]),
    ("duplicate-document", BASE + "documents:\n  - {id: plan.dvcq_annual}\n  - {id: plan.dvcq_annual}\n", ["hai lần"]),
]


@pytest.mark.parametrize("name,text,words", CASES, ids=[c[0] for c in CASES])
def test_bad_record(runner, tmp_path, name, text, words):
    f = tmp_path / f"{name}.yaml"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(main, ["score", str(f)])
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert f.name in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def test_json_record_scores_like_yaml(runner, tmp_path):
    import json

    import yaml

    from support import SAMPLES

    src = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    j = tmp_path / "pho-van.json"
    j.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    a = json.loads(runner.invoke(main, ["score", str(src), "--format", "json"]).stdout)
    b = json.loads(runner.invoke(main, ["score", str(j), "--format", "json"]).stdout)
    assert a["items"] == b["items"] and a["total"] == b["total"] and a["grade"] == b["grade"]


def test_nfd_text_is_normalised(runner, tmp_path):
    """A province typed in decomposed Unicode still finds the Quảng Ngãi pack."""
    text = unicodedata.normalize("NFD", BASE) + "facts:\n  staff.disciplined: 0\n"
    assert "Quảng Ngãi" not in text
    f = tmp_path / "nfd.yaml"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(main, ["score", str(f), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert '"province": "Quảng Ngãi"' in r.stdout


def test_crlf_and_bom_are_read(runner, tmp_path):
    f = tmp_path / "crlf.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + (BASE + "facts:\n  staff.disciplined: 0\n").replace("\n", "\r\n").encode())
    r = runner.invoke(main, ["score", str(f)])
    assert r.exit_code == 0, r.stderr


def test_yes_no_words_are_not_booleans(runner, tmp_path):
    """YAML 1.1 would read `no` as false; a clerk's "no" must be refused, not silently scored."""
    f = tmp_path / "no.yaml"
    f.write_text(BASE + "facts:\n  reform.procedures_posted: no\n", encoding="utf-8")
    r = runner.invoke(main, ["score", str(f)])
    assert r.exit_code == 2 and "facts.reform.procedures_posted" in r.stderr
