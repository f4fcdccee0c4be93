"""The seal binds contents, not file names; differences name items by id (issue 15, defect 2)."""
from __future__ import annotations

import json
import shutil
from decimal import Decimal

from fixtures.records3 import PHO_VAN, PHO_VAN_REVIEW, QN_PACK
from scoring import api
from scoring.cli import main
from scoring.render.json import dumps, seal_of


def _verified(runner, tmp_path):
    for src in (PHO_VAN, PHO_VAN_REVIEW, QN_PACK):
        shutil.copy(src, tmp_path)
    out = tmp_path / "ketqua.json"
    r = runner.invoke(main, ["verify", str(tmp_path / PHO_VAN.name), "--review", str(tmp_path / PHO_VAN_REVIEW.name),
                             "--rules", str(tmp_path / QN_PACK.name), "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    return out


def test_renamed_copies_of_every_input_pass(runner, tmp_path):
    out = _verified(runner, tmp_path)
    renamed = {}
    for src, new in ((PHO_VAN, "ho-so-ban-sao.yaml"), (PHO_VAN_REVIEW, "tham-dinh-ban-sao.yaml"),
                     (QN_PACK, "bo-tieu-chi-ban-sao.yaml")):
        renamed[src] = tmp_path / new
        shutil.copy(tmp_path / src.name, renamed[src])
        (tmp_path / src.name).unlink()
    r = runner.invoke(main, ["audit", str(out), "--evidence", str(renamed[PHO_VAN]),
                             "--review", str(renamed[PHO_VAN_REVIEW]), "--rules", str(renamed[QN_PACK])])
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "KẾT LUẬN: KHỚP" in r.stdout
    assert "kết quả ghi tên pho-van-2023.yaml" in r.stdout  # the rename is shown, not held against it
    report = api.audit(out, evidence=renamed[PHO_VAN], review=renamed[PHO_VAN_REVIEW], pack=renamed[QN_PACK])
    assert report.matches and not report.differences


def test_a_renamed_self_score_passes(runner, tmp_path):
    out = tmp_path / "ketqua.json"
    assert runner.invoke(main, ["score", str(PHO_VAN), "--format", "json", "-o", str(out)]).exit_code == 0
    copy = tmp_path / "phieu-khac-ten.yaml"
    shutil.copy(PHO_VAN, copy)
    r = runner.invoke(main, ["audit", str(out), "--evidence", str(copy)])
    assert r.exit_code == 0, r.stdout + r.stderr


def test_a_renamed_but_edited_record_still_fails(runner, tmp_path):
    out = tmp_path / "ketqua.json"
    assert runner.invoke(main, ["score", str(PHO_VAN), "--format", "json", "-o", str(out)]).exit_code == 0
    copy = tmp_path / "phieu-khac-ten.yaml"
    copy.write_bytes(PHO_VAN.read_bytes().replace(b"value: 4", b"value: 3", 1))
    r = runner.invoke(main, ["audit", str(out), "--evidence", str(copy)])
    assert r.exit_code == 4 and "hồ sơ minh chứng đã thay đổi" in r.stderr


def test_differences_name_items_by_id(runner, tmp_path):
    out = _verified(runner, tmp_path)
    data = json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)
    item = next(i for i in data["items"] if i["id"] == "TC5.4")
    item["points"] += 1
    crit = next(c for c in data["criteria"] if c["id"] == "TC5")
    crit["points"] += 1
    data["seal"]["value"] = seal_of(data)
    out.write_text(dumps(data) + "\n", encoding="utf-8")
    report = api.audit(out, evidence=tmp_path / PHO_VAN.name, review=tmp_path / PHO_VAN_REVIEW.name,
                       pack=tmp_path / QN_PACK.name)
    assert not report.matches
    assert any(d.startswith("TC5.4.points: ") for d in report.differences), report.differences
    assert any(d.startswith("criteria[TC5].points: ") for d in report.differences), report.differences
    assert not any("items[" in d for d in report.differences), report.differences
