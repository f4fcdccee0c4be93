"""`dvcq extract REPORT -o draft.yaml`: options, overwriting, errors, summary."""
from __future__ import annotations

from pathlib import Path

import yaml

from scoring.extract.command import extract

HERE = Path(__file__).resolve().parent
SEED = HERE / "fixtures" / "seeds" / "000_1bef980a3e50e193.txt"
HUE = HERE / "fixtures" / "seeds" / "002_80b070889012a684.txt"


def test_writes_a_draft_and_a_summary(runner, tmp_path):
    out = tmp_path / "draft.yaml"
    r = runner.invoke(extract, [str(SEED), "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["ward"]["name"] == "Phường Phổ Văn" and data["status"] == "in_progress"
    assert "trích được" in r.output and "extraction.absent" in r.output
    assert [p.name for p in tmp_path.iterdir()] == ["draft.yaml"]  # no temporary file left behind


def test_refuses_to_overwrite_without_force(runner, tmp_path):
    from scoring.errors import UsageError

    out = tmp_path / "draft.yaml"
    out.write_text("old", encoding="utf-8")
    r = runner.invoke(extract, [str(SEED), "-o", str(out)])
    assert isinstance(r.exception, UsageError) and "đã tồn tại" in r.exception.render()
    assert out.read_text(encoding="utf-8") == "old"
    r = runner.invoke(extract, [str(SEED), "-o", str(out), "--force"])
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# Hồ sơ minh chứng NHÁP")


def test_overrides(runner, tmp_path):
    out = tmp_path / "hue.yaml"
    r = runner.invoke(extract, [str(HUE), "-o", str(out), "--ward", "Phường Thuận Lộc", "--province",
                                "Thừa Thiên Huế", "--year", "2023"])
    assert r.exit_code == 0, r.output
    ward = yaml.safe_load(out.read_text(encoding="utf-8"))["ward"]
    assert (ward["name"], ward["province"], ward["kind"]) == ("Phường Thuận Lộc", "Thừa Thiên Huế", "phuong")


def test_missing_name_is_said_on_stderr(runner, tmp_path):
    r = runner.invoke(extract, [str(HUE), "-o", str(tmp_path / "d.yaml")])
    assert r.exit_code == 0 and "--ward" in r.output


def test_errors_through_the_main_command(runner, tmp_path):
    from scoring.cli import main

    r = runner.invoke(main, ["extract", str(tmp_path / "none.docx"), "-o", str(tmp_path / "d.yaml")])
    assert r.exit_code == 2 and "không tìm thấy tệp báo cáo" in r.output
    r = runner.invoke(main, ["extract", str(SEED), "-o", str(tmp_path / "d.yaml"), "--rules", str(tmp_path / "x.yaml")])
    assert r.exit_code == 2 and "không tìm thấy tệp bộ tiêu chí" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: {id: x}\n", encoding="utf-8")
    r = runner.invoke(main, ["extract", str(SEED), "-o", str(tmp_path / "d.yaml"), "--rules", str(bad)])
    assert r.exit_code == 2 and "trường 'vocabulary'" in r.output  # the pack loader's message


def test_never_writes_over_its_input(runner, tmp_path):
    from scoring.cli import main

    copy = tmp_path / "r.txt"
    copy.write_bytes(SEED.read_bytes())
    r = runner.invoke(main, ["extract", str(copy), "-o", str(copy), "--force"])
    assert r.exit_code == 2 and copy.read_bytes() == SEED.read_bytes()
