"""The extractor's cues are the pack's data, read through the pack loader and checked when read."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import api, packstore
from scoring.errors import PackError
from scoring.extract import extract_file, to_yaml
from scoring.extract.cues import cue_path, load_cues
from scoring.extract.vocab import default_pack_path, load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
CUES = cue_path(default_pack_path())


def test_the_cue_file_sits_beside_the_pack_and_is_not_listed_as_a_pack():
    shipped = packstore.SHIPPED
    assert CUES == shipped / "quang-ngai" / "_extract" / "qd-1211-2022.cues.yaml" and CUES.is_file()
    files = packstore.pack_files(shipped)   # beside it: rules/examples/ (status example, never chosen)
    assert CUES not in files and [f for f in files if "examples" not in f.parts] == [default_pack_path()]
    assert sorted(shipped.rglob(f"{default_pack_path().stem}.yaml")) == [default_pack_path()]
    assert [e.id for e in api.list_packs(shipped).usable if e.meta.status != "example"] == ["quang-ngai-1211-2022"]


def test_every_vocabulary_fact_and_document_has_a_cue():
    vocab = load_vocabulary(default_pack_path())
    cued = {c.fact for c in vocab.cues.cues}
    assert set(vocab.facts) <= cued
    assert set(vocab.documents) <= {r.id for r in vocab.cues.doc_rules} | {d for d, _ in vocab.cues.uncited}


def test_no_pack_is_read_outside_the_pack_loader():
    for path in (ROOT / "scoring" / "extract").glob("*.py"):
        if path.name == "measure.py":  # reads the benchmark's expected lists, not packs
            continue
        text = path.read_text(encoding="utf-8")
        assert "yaml.safe_load" not in text and "get(True)" not in text, path


def _copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    cues = cue_path(rules / "quang-ngai" / "qd-1211-2022.yaml")
    if old:
        text = cues.read_text(encoding="utf-8")
        assert old in text
        cues.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules / "quang-ngai" / "qd-1211-2022.yaml"


@pytest.mark.parametrize("old, new, field, words", [
    ("- fact: leadership.reviews_held\n", "- fact: leadership.reviews_hold\n", "cues.", "leadership.reviews_hold"),
    ("  reads: two\n", "  reads: three\n", "cues.", "three"),
    ("pack: quang-ngai-1211-2022", "pack: quang-ngai-436-2019", "pack", "quang-ngai-436-2019"),
    ("- id: plan.admin_reform_annual\n", "- id: plan.admin_reform\n", "documents.rules.", "plan.admin_reform"),
    ("  confidence: 0.9\n", "  confidence: 9\n", "cues.", "≤ 1"),
    ("pattern: '{FRAC}\\s*{TDP}'", "pattern: '{FRAC}\\s*({TDP}'", "cues.", "không hợp lệ"),
])
def test_a_bad_cue_file_is_refused_with_file_line_and_field(tmp_path, old, new, field, words):
    pack_path = _copy(tmp_path, old, new)
    with pytest.raises(PackError) as exc:
        load_vocabulary(pack_path)
    (pr,) = exc.value.problems
    assert pr.file.endswith("_extract/qd-1211-2022.cues.yaml") and pr.line and pr.field.startswith(field)
    assert words in pr.render()


def test_a_pack_without_a_cue_file_extracts_nothing_but_the_ward(tmp_path):
    pack_path = _copy(tmp_path)
    cue_path(pack_path).unlink()
    assert load_cues(api.load_pack(pack_path)).cues == ()
    report = tmp_path / "bc.txt"
    report.write_text("UBND PHƯỜNG THỬ\n\nBÁO CÁO\n\nKết quả công tác dân vận chính quyền năm 2023\n\n"
                      "Kết quả xử lý đơn năm 2023 đạt 95,2%.\n", encoding="utf-8")
    assert extract_file(report, load_vocabulary(pack_path)).draft["facts"] == {}


def test_the_draft_writer_never_goes_through_float(tmp_path):
    report = tmp_path / "bc.txt"
    report.write_text("UBND PHƯỜNG THỬ\n\nBÁO CÁO\n\nKết quả công tác dân vận chính quyền năm 2023\n\n"
                      "I. KẾT QUẢ\n\nPhường Thử thuộc thành phố Quảng Ngãi, tỉnh Quảng Ngãi.\n\n"
                      "Kết quả xử lý đơn năm 2023 đạt 94,999999999999999999%.\n", encoding="utf-8")
    draft = extract_file(report).draft
    assert draft["facts"]["petitions.settled"]["percent"] == Decimal("94.999999999999999999")
    text = to_yaml(draft).decode("utf-8")
    assert "percent: 94.999999999999999999\n" in text and "95.0" not in text
    assert "percent: 93.75\n" in to_yaml({"facts": {"x": {"percent": Decimal("93.750")}}}).decode("utf-8")
