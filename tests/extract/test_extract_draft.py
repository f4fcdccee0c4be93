"""The draft record: shape, honesty (nothing invented), flags, determinism, and that it validates and scores."""
from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.errors import UsageError
from scoring.extract import extract_file, record_of, to_yaml
from scoring.extract.vocab import default_pack_path, load_vocabulary

HERE = Path(__file__).resolve().parent
SEEDS = sorted((HERE / "fixtures" / "seeds").glob("*.txt"))
HELDOUT = HERE / "fixtures" / "heldout" / "xa-hoa-thanh-2023.md"
VOCAB = load_vocabulary(default_pack_path())


def _write(tmp_path, body: str, name: str = "r.txt") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def _report(tmp_path, results: str) -> Path:
    return _write(tmp_path, "UBND PHƯỜNG THỬ\n\nBÁO CÁO\n\nKết quả công tác dân vận chính quyền năm 2023\n\n"
                            "I. KẾT QUẢ\n\nPhường Thử thuộc thành phố Quảng Ngãi, tỉnh Quảng Ngãi.\n\n" + results)


@pytest.mark.parametrize("seed", SEEDS + [HELDOUT], ids=lambda p: p.stem)
def test_draft_shape(seed):
    d = extract_file(seed).draft
    assert list(d) == ["ward", "period", "status", "documents", "facts", "notes", "extraction"]
    assert d["status"] == "in_progress" and d["period"]["year"] == 2023
    assert set(d["extraction"]) >= {"report", "report_sha256", "absent", "flags", "other_documents"}
    for fid, fact in d["facts"].items():
        assert fid in VOCAB.facts
        assert fact["source"] and 0 < fact["confidence"] <= 1
        assert fact.get("review", False) == (fact["confidence"] < 0.7 or fact.get("review", False))
    found = set(d["facts"]) | {doc["id"] for doc in d["documents"]}
    assert not found & set(d["extraction"]["absent"])
    assert set(VOCAB.facts) - {"ward.residential_groups"} <= found | set(d["extraction"]["absent"])


@pytest.mark.parametrize("seed", SEEDS + [HELDOUT], ids=lambda p: p.stem)
def test_every_source_is_a_sentence_of_the_report(seed):
    """Never invent: each value's source is text the report contains."""
    from scoring.extract.reader import read_report
    from scoring.extract.text import squash

    text = squash(read_report(seed).text)
    d = extract_file(seed).draft
    for entry in list(d["facts"].values()) + d["documents"]:
        assert squash(entry["source"]) in text


@pytest.mark.parametrize("seed", SEEDS + [HELDOUT], ids=lambda p: p.stem)
def test_draft_validates_and_scores(seed, tmp_path, qn_pack):
    from scoring import api

    overrides = {"ward": "Phường (không nêu tên) thuộc thành phố Huế"} if seed.name.startswith("002") else {}
    out = tmp_path / "draft.yaml"
    out.write_bytes(to_yaml(extract_file(seed, **overrides).draft))
    result = api.score(out, qn_pack, allow_other_province=True)
    assert result is not None


def test_output_is_deterministic_utf8_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", SEEDS[0].read_text(encoding="utf-8"))
    p = _write(tmp_path, nfd, "nfd.txt")
    a, b = to_yaml(extract_file(p).draft), to_yaml(extract_file(p).draft)
    assert a == b
    text = a.decode("utf-8")
    assert text == unicodedata.normalize("NFC", text)
    assert "Phường Phổ Văn" in text and "issued_on: 2023-03-23" in text
    assert "&" not in text.split("extraction:")[0].replace("&UBND", "")  # no YAML anchors


def test_nothing_is_invented(tmp_path):
    d = extract_file(_report(tmp_path, "Công tác dân vận được quan tâm, đạt nhiều kết quả tích cực.\n")).draft
    assert d["facts"] == {} and d["notes"] == []
    assert "petitions.settled" in d["extraction"]["absent"] and "ward.residential_groups" in d["extraction"]["absent"]


def test_a_rate_its_counts_do_not_give_is_flagged(tmp_path):
    d = extract_file(_report(tmp_path, "Tổng số đơn đã giải quyết 15/16 đơn; tỷ lệ giải quyết 95%.\n")).draft
    fact = d["facts"]["petitions.settled"]
    assert (fact["num"], fact["den"], fact["review"]) == (15, 16, True)
    flag = next(f for f in d["extraction"]["flags"] if f.get("id") == "petitions.settled")
    assert flag["problem"] == "tỷ lệ nêu 95% không khớp với số đếm 15/16 = 93,75%"


def test_a_consistent_rate_is_not_flagged(tmp_path):
    d = extract_file(_report(tmp_path, "Tổng số đơn đã giải quyết 15/16 đơn; tỷ lệ giải quyết 93,75%. "
                                       "Có 9/9 tổ đạt tổ văn hoá, 95,2% gia đình đạt gia đình văn hoá.\n")).draft
    assert not [f for f in d["extraction"]["flags"] if "không khớp" in f["problem"]]
    assert "review" not in d["facts"]["petitions.settled"]


def test_values_of_another_year_are_left_out_and_flagged(tmp_path):
    d = extract_file(_report(tmp_path, "Năm 2022 nhận 19 đơn, kết quả xử lý đơn năm 2022 đạt 100%.\n\n"
                                       "Kết quả xử lý đơn năm 2023 đạt 95,2%.\n")).draft
    assert d["facts"]["petitions.settled"]["percent"] == Decimal("95.2")
    assert any("năm 2022, ngoài kỳ" in f["problem"] for f in d["extraction"]["flags"])


def test_targets_for_next_year_are_not_results(tmp_path):
    d = extract_file(_report(tmp_path, "II. NHIỆM VỤ, GIẢI PHÁP NĂM 2024\n\nPhấn đấu 100% hồ sơ giải quyết đúng hạn; "
                                       "tổ chức 04 hội nghị quán triệt.\n")).draft
    assert d["facts"] == {}


def test_none_words_become_zero_or_not_applicable(tmp_path):
    d = extract_file(_report(tmp_path, "Trên địa bàn không phát sinh khiếu kiện đông người, vượt cấp. "
                                       "Không để phát sinh điểm nóng về an ninh trật tự. "
                                       "Qua kiểm tra không có trường hợp nào vi phạm kỷ luật.\n")).draft
    f = d["facts"]
    # TC5.5 accepts "not applicable"; the deduction D2 on hot spots does not: there it is a count of 0
    assert f["petitions.mass_or_overlevel_cases"]["not_applicable"] is True
    assert f["petitions.mass_or_overlevel_cases"]["reason"] == "không phát sinh"
    assert f["security.hot_spots"]["value"] == 0 and "không phát sinh" in f["security.hot_spots"]["note"]
    assert f["staff.disciplined"]["value"] == 0


def test_a_plan_yields_no_results(tmp_path):
    d = extract_file(SEEDS[3]).draft
    assert d["facts"] == {}
    assert [doc["id"] for doc in d["documents"]] == ["plan.dvcq_annual"]
    assert any("kế hoạch" in f["problem"] for f in d["extraction"]["flags"])


def test_a_multi_year_review_keeps_only_the_period(tmp_path):
    d = extract_file(SEEDS[1]).draft
    f = d["facts"]
    assert f["reception.scheduled_sessions"]["value"] == 2          # "năm 2023: 02 lượt" of 07 in three years
    assert "models.registered" not in f                            # 16 models since 2021
    assert any("cộng dồn nhiều năm" in fl["problem"] and fl.get("id") == "models.registered"
               for fl in d["extraction"]["flags"])
    decision = next(doc for doc in d["documents"] if doc["id"] == "decision.dvcq_lead_assignment")
    assert decision["number"] == "59/QĐ-UBND" and decision["review"] is True


def test_year_is_required_when_it_cannot_be_read(tmp_path):
    p = _write(tmp_path, "BÁO CÁO\n\nCông tác dân vận chính quyền\n\nCó 05 Tổ dân phố.\n")
    with pytest.raises(UsageError) as exc:
        extract_file(p)
    assert "--year" in exc.value.render()
    assert extract_file(p, year=2023).draft["period"] == {"year": 2023}


def test_record_of_drops_the_draft_block():
    d = extract_file(SEEDS[0]).draft
    assert "extraction" not in record_of(d) and yaml.safe_dump(record_of(d), allow_unicode=True)


@pytest.mark.parametrize("year,asked", [(2023, True), (2026, False)])
def test_a_missing_district_is_asked_for_only_before_the_two_tier_government(tmp_path, year, asked):
    """Issue 13: since 1 July 2025 there is no district; a 2026 draft does not list it as absent."""
    p = _write(tmp_path, f"UBND XÃ THỬ\n\nBÁO CÁO\n\nKết quả công tác dân vận chính quyền năm {year}\n\n"
                         "I. KẾT QUẢ\n\nXã Thử thuộc tỉnh Quảng Ngãi.\n\n")
    d = extract_file(p, year=year).draft
    assert "district" not in d["ward"]
    assert ("ward.district" in d["extraction"]["absent"]) == asked
