"""Construct 10 of issue 13: `dvcq explain --rule` takes the ids the trail prints."""
from __future__ import annotations

import json

import yaml

from scoring.cli import main

from support import QN_PACK, ROOT, SAMPLES

NESTED = ROOT / "rules" / "examples" / "nested-levels.yaml"

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
    assert "Chỉ tiêu: mức 'Hoàn thành xuất sắc nhiệm vụ' (xuat_sac) tối đa 20%" in ex.stdout and "Điều kiện nop_muon" in ex.stdout


def test_rules_show_says_how_a_composite_makes_its_points(runner):
    """The 'Cách chấm' cell of a sum, best_of or average was empty: over which parts an average is
    taken, and what it gives when none arose, was nowhere but in the YAML."""
    from scoring import api
    from scoring.render.sentences import composite_declared

    pack = api.load_pack(ROOT / "rules" / "examples" / "average-criterion.yaml")
    said = {bound.uid: composite_declared(bound) for _, _, bound in pack.items}
    assert said["TC1.1"] == ("10 × bình quân tỷ lệ điểm của các phần có phát sinh (phần không phát sinh không tính "
                             "vào mẫu số), làm tròn xuống đến bội số của 0,01 một lần ở cuối; không phần nào phát "
                             "sinh → đủ điểm")
    assert said["TC2.1"] == "cộng điểm các phần"
    r = runner.invoke(main, ["rules", "show", str(NESTED)])
    assert r.exit_code == 0, r.stderr
    assert "cộng điểm các phần" in r.stdout and "lấy điểm của phần cao nhất" in r.stdout
    # a part of a part is labelled as `score` labels it (b.1), b.2)), not a second a), b)
    assert "b.1) duoc_cong_nhan" in r.stdout and "b.2) dang_xay_dung" in r.stdout


def test_explain_rule_reaches_a_part_at_the_fourth_level(runner, tmp_path):
    data = {"ward": {"name": "Phường Thử", "district": "Thành phố Quảng Ngãi", "province": "Quảng Ngãi", "kind": "phuong"},
            "period": {"year": 2023},
            "facts": {"model.recognized": False, "model.steps_done": 3, "budget.revenue_vs_estimate": {"percent": 120},
                      "targets.met": 5, "targets.total": 10}}
    f = tmp_path / "n.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for rule in ("TC1.1/mo_hinh/dang_xay_dung", "dang_xay_dung", "mo_hinh/dang_xay_dung", "TC1.1/mo_hinh/dang_xay_dung#v"):
        r = runner.invoke(main, ["explain", str(f), "--rules", str(NESTED), "--rule", rule])
        assert r.exit_code == 0, (rule, r.stderr)
        lines = r.stdout.splitlines()
        assert any(line.startswith("TC1.1 ") for line in lines) and any(line.startswith("    mo_hinh ") for line in lines)
        assert any(line.startswith("        dang_xay_dung ") for line in lines), r.stdout
        assert "thu_ngan_sach" not in r.stdout and "duoc_cong_nhan" not in r.stdout  # only the path to the part
    j = runner.invoke(main, ["explain", str(f), "--rules", str(NESTED), "--rule", "dang_xay_dung", "--format", "json"])
    assert j.exit_code == 0 and [i["id"] for i in json.loads(j.stdout)["items"]] == ["TC1.1"]
