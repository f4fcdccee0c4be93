"""The CLI contract: exit codes, which stream gets what, and what each command shows."""
from __future__ import annotations

import json
from decimal import Decimal

from scoring.cli import main

from support import HUE_SAMPLE, QN_PACK, QN_SAMPLES, SAMPLES

PHO_VAN = str(SAMPLES / "quang-ngai" / "pho-van-2023.yaml")


def test_score_table_goes_to_stdout_with_draft_banner(runner):
    r = runner.invoke(main, ["score", PHO_VAN])
    assert r.exit_code == 0, r.stderr
    assert "XẾP LOẠI" in r.stdout and "TỔNG ĐIỂM" in r.stdout
    assert r.stdout.splitlines()[0].startswith("⚠ BỘ TIÊU CHÍ DỰ THẢO")
    assert "Traceback" not in r.stdout + r.stderr


def test_score_json_contract(runner):
    r = runner.invoke(main, ["score", PHO_VAN, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout, parse_float=Decimal)
    for key in ("items", "criteria", "total", "max_total", "grade", "pack", "evidence", "missing_evidence", "pending"):
        assert key in d
    for it in d["items"]:
        assert {"id", "title", "max", "points", "reason", "inputs", "source"} <= set(it)
    assert {"label", "band", "vetoes"} <= set(d["grade"])
    assert {"id", "title", "legal_basis", "status", "sha256"} <= set(d["pack"])
    assert d["pack"]["status"] == "draft"
    assert "sha256" in d["evidence"]
    total = sum(Decimal(str(i["points"])) for i in d["items"])
    assert Decimal(str(d["total"])) == min(max(total, Decimal(0)), Decimal(str(d["max_total"])))
    ids = [i["id"] for i in d["items"]]
    assert ids[:2] == ["TC1.1", "TC1.2"] and ids[-4:] == ["B1", "B2", "D1", "D2"]
    assert any(p["id"] == "TC6.2" for p in d["pending"])


def test_markdown_format(runner):
    r = runner.invoke(main, ["score", PHO_VAN, "--format", "markdown"])
    assert r.exit_code == 0
    assert r.stdout.startswith("# Kết quả chấm điểm")
    assert "| TC5.4 |" in r.stdout


def test_other_province_is_refused_naming_both(runner):
    r = runner.invoke(main, ["score", str(HUE_SAMPLE), "--rules", str(QN_PACK)])
    assert r.exit_code == 2
    assert "Quảng Ngãi" in r.stderr and "Thừa Thiên Huế" in r.stderr
    assert r.stdout == ""


def test_no_pack_for_province(runner):
    r = runner.invoke(main, ["score", str(HUE_SAMPLE)])
    assert r.exit_code == 2
    assert "chưa có bộ tiêu chí nào cho tỉnh Thừa Thiên Huế" in r.stderr


def test_force_other_province(runner):
    r = runner.invoke(main, ["score", str(HUE_SAMPLE), "--rules", str(QN_PACK), "--allow-other-province"])
    assert r.exit_code == 0, r.stderr
    assert "XẾP LOẠI" in r.stdout


def test_explain_one_rule_shows_computation_and_sources(runner):
    r = runner.invoke(main, ["explain", PHO_VAN, "--rule", "TC5.4"])
    assert r.exit_code == 0, r.stderr
    assert "15/16 = 93,75%" in r.stdout
    assert "từ 90% đến dưới 95% → 5 điểm" in r.stdout
    assert "căn cứ: QĐ 1211/QĐ-UBND" in r.stdout
    assert "[nguồn:" in r.stdout
    assert "luật kích hoạt: TC5.4#t" in r.stdout


def test_explain_unknown_rule_suggests(runner):
    r = runner.invoke(main, ["explain", PHO_VAN, "--rule", "TC5.44"])
    assert r.exit_code == 2
    assert "TC5.4" in r.stderr


def test_validate_lists_missing_as_warnings(runner):
    r = runner.invoke(main, ["validate", PHO_VAN])
    assert r.exit_code == 0
    assert "hợp lệ" in r.stdout
    assert "cảnh báo: " in r.stderr and "thiếu minh chứng" in r.stderr


def test_validate_without_pack_checks_structure(runner):
    r = runner.invoke(main, ["validate", str(HUE_SAMPLE)])
    assert r.exit_code == 0
    assert "cấu trúc hợp lệ" in r.stdout


def test_missing_file(runner, tmp_path):
    r = runner.invoke(main, ["score", str(tmp_path / "khong-co.yaml")])
    assert r.exit_code == 2
    assert "không tìm thấy" in r.stderr and "khong-co.yaml" in r.stderr


def test_rules_list_show_lint(runner):
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 0 and "quang-ngai-1211-2022" in r.stdout and "02/11/2022" in r.stdout
    r = runner.invoke(main, ["rules", "show", "quang-ngai-1211-2022"])
    assert r.exit_code == 0 and "TC8.2" in r.stdout and "Hoàn thành xuất sắc nhiệm vụ" in r.stdout
    r = runner.invoke(main, ["rules", "lint", str(QN_PACK)])
    assert r.exit_code == 0 and "hợp lệ" in r.stdout
    r = runner.invoke(main, ["rules", "show", "quang-ngai-1211"])
    assert r.exit_code == 2 and "quang-ngai-1211-2022" in r.stderr


def test_output_file_is_written_and_inputs_protected(runner, tmp_path):
    out = tmp_path / "kq.json"
    r = runner.invoke(main, ["score", PHO_VAN, "--format", "json", "-o", str(out)])
    assert r.exit_code == 0 and out.exists() and r.stdout == ""
    r = runner.invoke(main, ["score", PHO_VAN, "--format", "json", "-o", str(out)])
    assert r.exit_code == 2 and "--force" in r.stderr
    r = runner.invoke(main, ["score", PHO_VAN, "-o", PHO_VAN, "--force"])
    assert r.exit_code == 2 and "không ghi đè lên tệp đầu vào" in r.stderr


def test_schema_validates_every_sample(runner):
    import jsonschema
    import yaml

    r = runner.invoke(main, ["schema", "--rules", str(QN_PACK)])
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    generic = json.loads(runner.invoke(main, ["schema"]).stdout)
    for path in QN_SAMPLES + [HUE_SAMPLE]:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, generic)
        if path != HUE_SAMPLE:
            jsonschema.validate(data, schema)
    bad = {"ward": {"name": "x", "province": "Quảng Ngãi"}, "period": {"year": 2023}, "facts": {"staff.disciplined": -1}}
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("schema accepted a negative count")


def test_usage_error_exit_2(runner):
    r = runner.invoke(main, ["score", PHO_VAN, "--format", "pdf"])
    assert r.exit_code == 2
