"""YAML → workbook → YAML gives back the same record, for every sample and for every written form."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.cli import main
from scoring.evidence import load_evidence
from scoring.workbook import layout as L
from scoring.workbook.reader import read
from scoring.workbook.writer import build
from scoring.workbook.yamlout import dump, record_data

from support import HUE_SAMPLE, QN_SAMPLES, load, record
from wbhelp import open_bytes, ref

ALL_SAMPLES = QN_SAMPLES + [HUE_SAMPLE]


def _via_workbook(tmp_path, pack, rec, name="phieu.xlsx"):
    path = tmp_path / name
    path.write_bytes(build(pack, rec))
    return read(path)


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda p: p.stem)
def test_every_sample_survives_yaml_workbook_yaml(sample, tmp_path, qn_pack):
    ev = load_evidence(sample)
    back, meta = _via_workbook(tmp_path, qn_pack, ev.record)
    assert back.record == ev.record
    assert record_data(back.record)["facts"] == record_data(ev.record)["facts"]
    assert list(back.record.facts) == list(ev.record.facts)  # order kept, not only content
    assert record_data(back.record)["documents"] == record_data(ev.record)["documents"]
    assert meta["pack.id"] == qn_pack.id and meta["pack.sha256"] == qn_pack.sha256
    yaml_path = tmp_path / "hoso.yaml"
    yaml_path.write_text(dump(back.record), encoding="utf-8")
    assert load_evidence(yaml_path).record == ev.record


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda p: p.stem)
def test_cli_round_trip_is_lossless_and_byte_stable(sample, tmp_path, runner):
    first, yaml_out, second = tmp_path / "a.xlsx", tmp_path / "hoso.yaml", tmp_path / "b.xlsx"
    r = runner.invoke(main, ["convert", str(sample), "-o", str(first)])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(main, ["convert", str(first), "-o", str(yaml_out)])
    assert r.exit_code == 0, r.stderr
    assert load_evidence(yaml_out).record == load_evidence(sample).record
    text = yaml_out.read_text(encoding="utf-8")
    assert "\\u" not in text and "\\x" not in text  # Vietnamese written as letters, not escapes
    r = runner.invoke(main, ["convert", str(yaml_out), "-o", str(second)])
    assert r.exit_code == 0, r.stderr
    assert first.read_bytes() == second.read_bytes()
    json_out = tmp_path / "hoso.json"
    assert runner.invoke(main, ["convert", str(first), "-o", str(json_out)]).exit_code == 0
    assert load_evidence(json_out).record == load_evidence(sample).record


def test_record_without_pack_keeps_its_own_identifiers(tmp_path, runner):
    """The Huế sample has no pack of its province: the workbook lists the record's own identifiers."""
    out = tmp_path / "hue.xlsx"
    r = runner.invoke(main, ["convert", str(HUE_SAMPLE), "-o", str(out)])
    assert r.exit_code == 0
    assert "chưa có bộ tiêu chí" in r.stderr
    ev = load_evidence(HUE_SAMPLE)
    back, meta = read(out)
    assert back.record == ev.record and "pack.id" not in meta


def test_every_written_form_and_draft_field_round_trips(tmp_path, qn_pack):
    data = record(
        facts={
            "leadership.briefing_conferences": {"value": 2, "source": "BC 1", "note": "=không phải công thức"},
            "leadership.dvcq_lead_assigned": False,
            "petitions.settled": {"num": 20, "den": 21, "confidence": Decimal("0.85"), "review": True},
            "reform.dossiers_on_time": {"percent": Decimal("93.33333333333333333")},
            "culture.cultural_households": {"percent": Decimal("95.2")},
            "democracy.nd04_art4": {"done": 9, "total": 10, "not_applicable": 1},
            "democracy.mediation_success": {"not_applicable": True, "reason": "không có vụ hòa giải"},
            "petitions.mass_complaints": "not_applicable",
            "ward.residential_groups": {"value": 10},
            "custom.extra_figure": 7,
        },
        documents=[
            {"id": "report.dvcq_annual", "number": "12/BC-UBND", "issued_on": "2023-10-01", "sent_on": "05/10/2023",
             "confidence": Decimal("0.5"), "review": False},
            {"id": "plan.dvcq_annual"},
            {"id": "plan.dvcq_annual", "title": "bản thứ hai, cùng mã"},
        ],
        notes=[{"text": "ghi chú không nguồn"}, {"text": "có nguồn", "source": "trang 3"}],
        schema="dvcq-evidence/1",
        status="in_progress",
        extraction={"tool": "dvcq extract", "score": Decimal("0.75"), "items": [1, "hai", None, True]},
    )
    data["period"] = {"year": 2024, "quarter": 2}
    data["ward"]["kind"] = "thi_tran"
    ev = load(data)
    back, _ = _via_workbook(tmp_path, qn_pack, ev.record)
    assert back.record == ev.record
    assert back.record.facts["reform.dossiers_on_time"].percent == Decimal("93.33333333333333333")
    assert back.record.facts["leadership.briefing_conferences"].note == "=không phải công thức"
    assert back.record.documents[0].sent_on == date(2023, 10, 5)
    assert back.record.extraction == ev.record.extraction


def test_a_decimal_a_double_holds_is_a_number_cell_and_reads_back_exactly(tmp_path):
    ev = load_evidence(HUE_SAMPLE)
    data = build(None, ev.record)
    ws = open_bytes(data)[L.SHEET_FACTS]
    cell = ws[ref(ws, "culture.cultural_households", "Tỷ lệ (%)")]
    assert cell.value == 95.2 and isinstance(cell.value, float)  # a real number for Excel's arithmetic
    path = tmp_path / "hue.xlsx"
    path.write_bytes(data)
    fv = read(path)[0].record.facts["culture.cultural_households"]
    assert fv.percent == Decimal("95.2") and str(fv.percent) == "95.2"


def test_scoring_a_workbook_equals_scoring_its_yaml(tmp_path, runner):
    import json

    sample = QN_SAMPLES[0]
    xlsx = tmp_path / "phieu.xlsx"
    assert runner.invoke(main, ["convert", str(sample), "-o", str(xlsx)]).exit_code == 0
    a = runner.invoke(main, ["score", str(sample), "--format", "json"])
    b = runner.invoke(main, ["score", str(xlsx), "--format", "json"])
    assert a.exit_code == 0 and b.exit_code == 0, b.stderr
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert db["evidence"].pop("made_for") == {"id": da["pack"]["id"], "version": da["pack"]["version"],
                                              "sha256": da["pack"]["sha256"]}
    for d in (da, db):
        d.pop("seal", None)
        d["evidence"].pop("file")
        d["evidence"].pop("sha256")
    assert da == db
    r = runner.invoke(main, ["validate", str(xlsx)])
    assert r.exit_code == 0 and "hợp lệ" in r.stdout


def test_convert_refuses_to_overwrite_and_unknown_directions(tmp_path, runner):
    sample = QN_SAMPLES[0]
    out = tmp_path / "phieu.xlsx"
    assert runner.invoke(main, ["convert", str(sample), "-o", str(out)]).exit_code == 0
    r = runner.invoke(main, ["convert", str(sample), "-o", str(out)])
    assert r.exit_code == 2 and "đã tồn tại" in r.stderr
    r = runner.invoke(main, ["convert", str(sample), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "không chuyển được" in r.stderr
    r = runner.invoke(main, ["convert", str(out), "-o", str(out), "--force"])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
