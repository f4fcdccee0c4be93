"""Construct 10 of issue 13: `dvcq explain --rule` takes the ids the trail prints."""
from __future__ import annotations

from scoring.cli import main

from support import QN_PACK, SAMPLES

PHO_VAN = str(SAMPLES / "quang-ngai" / "pho-van-2023.yaml")


def test_a_trail_id_of_a_part_explains_its_item(runner):
    r = runner.invoke(main, ["explain", PHO_VAN, "--rule", "TC1.5/bao_cao_nam"])
    assert r.exit_code == 0, r.stderr
    assert "TC1.5 Gửi báo cáo" in r.stdout and "bao_cao_nam" in r.stdout and "TC1.4 " not in r.stdout


def test_a_fired_rule_and_a_bare_unique_part_id_are_accepted(runner):
    for rule in ("TC5.4#t0", "bao_cao_nam", "TC1.5"):
        r = runner.invoke(main, ["explain", PHO_VAN, "--rule", rule])
        assert r.exit_code == 0, (rule, r.stderr)


def test_json_keeps_the_item(runner):
    r = runner.invoke(main, ["explain", PHO_VAN, "--rule", "TC1.5/bao_cao_nam", "--format", "json"])
    assert r.exit_code == 0 and '"id": "TC1.5"' in r.stdout


def test_an_ambiguous_part_id_is_refused_listing_the_candidates(runner, tmp_path):
    text = QN_PACK.read_text(encoding="utf-8").replace("          - id: bao_cao_6_thang\n", "          - id: quyet_dinh\n", 1)
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(main, ["explain", PHO_VAN, "--rules", str(f), "--rule", "quyet_dinh"])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert "TC1.3/quyet_dinh" in r.stderr and "TC1.5/quyet_dinh" in r.stderr and "nhiều nội dung" in r.stderr


def test_an_unknown_trail_id_suggests(runner):
    r = runner.invoke(main, ["explain", PHO_VAN, "--rule", "TC1.5/bao_cao_nm"])
    assert r.exit_code == 2 and "TC1.5/bao_cao_nam" in r.stderr


def test_rules_show_prints_criteria_parts_caps_and_batch_rules(runner):
    r = runner.invoke(main, ["rules", "show", "quang-ngai-1211-2022"])
    assert r.exit_code == 0, r.stderr
    assert "LÃNH ĐẠO, CHỈ ĐẠO" in r.stdout and "a) quyet_dinh" in r.stdout and "b) phan_cong" in r.stdout
    assert "ĐIỂM THƯỞNG" in r.stdout and "trần 5" in r.stdout and "dự thảo" in r.stdout
    ex = runner.invoke(main, ["rules", "show", str(QN_PACK.parents[1] / "examples" / "example-90-10.yaml")])
    assert ex.exit_code == 0, ex.stderr
    assert "ĐIỂM TRỪ" in ex.stdout and "trần 10" in ex.stdout
    assert "Chỉ tiêu: mức 'xuat_sac' tối đa 20%" in ex.stdout and "Điều kiện nop_muon" in ex.stdout
