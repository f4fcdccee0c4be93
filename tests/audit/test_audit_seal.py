"""The audit seal: every JSON result is sealed; `dvcq audit` names whichever of the inputs changed."""
from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal

import pytest

from fixtures.records3 import PHO_VAN, PHO_VAN_REVIEW, QN, QN_PACK
from scoring.cli import main
from scoring.render.json import canonical, seal_of


@pytest.fixture
def case(tmp_path):
    """A verified result written next to copies of its three inputs."""
    for src in (PHO_VAN, PHO_VAN_REVIEW, QN_PACK):
        shutil.copy(src, tmp_path)
    ev, rv, pack = tmp_path / PHO_VAN.name, tmp_path / PHO_VAN_REVIEW.name, tmp_path / QN_PACK.name
    out = tmp_path / "ketqua.json"
    return ev, rv, pack, out


def make(runner, ev, rv, pack, out):
    r = runner.invoke(main, ["verify", str(ev), "--review", str(rv), "--rules", str(pack), "--format", "json",
                             "-o", str(out)])
    assert r.exit_code == 0, r.stderr


def audit(runner, ev, rv, pack, out):
    return runner.invoke(main, ["audit", str(out), "--evidence", str(ev), "--rules", str(pack), "--review", str(rv)])


def flip_one_byte(path, old: bytes, new: bytes):
    """Replace `old` by `new` once: same length, exactly one byte apart."""
    raw = path.read_bytes()
    assert len(old) == len(new) and sum(a != b for a, b in zip(old, new)) == 1 and raw.count(old) >= 1
    i = raw.index(old)
    path.write_bytes(raw[:i] + new + raw[i + len(old):])


def test_unchanged_inputs_match(runner, case):
    make(runner, *case)
    r = audit(runner, *case)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "KẾT LUẬN: KHỚP" in r.stdout and r.stdout.count(": khớp") == 6


@pytest.mark.parametrize("target,old,new,cause", [
    (0, b"value: 4", b"value: 3", "hồ sơ minh chứng đã thay đổi"),         # mobile reception in 3 groups, not 4
    (1, b"points: 0", b"points: 1", "tệp thẩm định đã thay đổi"),          # TC6.2 given 1 point
    (2, b"{min: 95, points: 6}", b"{min: 96, points: 6}", "bộ tiêu chí đã thay đổi"),  # a threshold
    (3, b'"total": 27,', b'"total": 28,', "kết quả đã bị sửa"),         # the result itself
], ids=["evidence", "review", "pack", "result"])
def test_a_one_byte_change_in_each_input_is_named(runner, case, target, old, new, cause):
    make(runner, *case)
    flip_one_byte(case[target], old, new)
    r = audit(runner, *case)
    assert r.exit_code == 4, r.stdout + r.stderr
    assert cause in r.stderr and cause in r.stdout
    others = {"hồ sơ minh chứng đã thay đổi", "tệp thẩm định đã thay đổi", "bộ tiêu chí đã thay đổi",
              "kết quả đã bị sửa", "bộ máy chấm đã thay đổi"} - {cause}
    assert not any(o in r.stderr for o in others), r.stderr


def test_an_engine_change_is_named(runner, case, monkeypatch):
    make(runner, *case)
    monkeypatch.setattr("scoring.result.ENGINE_VERSION", "9.9.9")
    r = audit(runner, *case)
    assert r.exit_code == 4
    assert "bộ máy chấm đã thay đổi: kết quả tạo bởi phiên bản 0.1.0, hiện tại là 9.9.9" in r.stderr


def test_an_edit_resealed_by_hand_still_fails_the_recomputation(runner, case):
    ev, rv, pack, out = case
    make(runner, *case)
    data = json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)
    data["total"] = Decimal("99")
    data["seal"]["value"] = seal_of(data)
    from scoring.render.json import dumps

    out.write_text(dumps(data) + "\n", encoding="utf-8")
    r = audit(runner, *case)
    assert r.exit_code == 4
    assert "Niêm phong: khớp" in r.stdout and "total: 99 → 27\n" in r.stdout
    assert "kết quả đã bị sửa rồi niêm phong lại" in r.stderr


def test_recorded_file_names_are_found_next_to_the_result(runner, case, monkeypatch):
    ev, rv, pack, out = case
    r = runner.invoke(main, ["score", str(ev), "--format", "json", "-o", str(out)])
    assert r.exit_code == 0
    monkeypatch.chdir(out.parent.parent)
    r = runner.invoke(main, ["audit", str(out)])  # evidence beside the result, pack from rules/ by its hash
    assert r.exit_code == 0, r.stdout + r.stderr


def test_missing_inputs_and_non_results_exit_2(runner, tmp_path):
    r = runner.invoke(main, ["audit", str(tmp_path / "khong-co.json")])
    assert r.exit_code == 2 and "không tìm thấy tệp kết quả" in r.stderr
    p = tmp_path / "x.json"
    p.write_text('{"schema": "khac"}', encoding="utf-8")
    assert runner.invoke(main, ["audit", str(p)]).exit_code == 2
    s = runner.invoke(main, ["score", str(PHO_VAN), "--format", "json"])
    p.write_text(s.stdout, encoding="utf-8")
    r = runner.invoke(main, ["audit", str(p)])  # the record is not beside the result
    assert r.exit_code == 2 and "--evidence" in r.stderr
    b = runner.invoke(main, ["batch", str(QN), "--format", "json"])
    p.write_text(b.stdout, encoding="utf-8")
    r = runner.invoke(main, ["audit", str(p)])
    assert r.exit_code == 2 and "kết quả xếp hạng" in r.stderr


@pytest.mark.parametrize("args", [["score", str(PHO_VAN)],
                                  ["verify", str(PHO_VAN), "--review", str(PHO_VAN_REVIEW)],
                                  ["batch", str(QN)]])
def test_every_json_result_is_sealed_over_its_canonical_body(runner, args):
    r = runner.invoke(main, [*args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout, parse_float=Decimal)
    assert list(d)[-1] == "seal" and d["seal"]["value"] == seal_of(d)
    body = {k: v for k, v in d.items() if k != "seal"}
    assert b" " not in canonical({"a": [1, 2]}) and canonical(body) == canonical(dict(reversed(list(body.items()))))
    assert r.stdout == runner.invoke(main, [*args, "--format", "json"]).stdout


def test_the_body_binds_pack_evidence_review_and_engine(runner):
    d = json.loads(runner.invoke(main, ["verify", str(PHO_VAN), "--review", str(PHO_VAN_REVIEW), "--format",
                                        "json"]).stdout, parse_float=Decimal)
    assert len(d["pack"]["sha256"]) == len(d["evidence"]["sha256"]) == len(d["review"]["sha256"]) == 64
    assert d["engine"]["version"]


# -- writing result files ---------------------------------------------------------------------------

def test_an_interrupted_write_leaves_the_old_file(runner, tmp_path, monkeypatch):
    out = tmp_path / "ketqua.json"
    out.write_text("kết quả cũ\n", encoding="utf-8")

    def crash(src, dst):
        raise OSError("mất điện giữa chừng")

    monkeypatch.setattr(os, "replace", crash)
    r = runner.invoke(main, ["verify", str(PHO_VAN), "--review", str(PHO_VAN_REVIEW), "--format", "json",
                             "-o", str(out), "--force"])
    assert r.exit_code != 0
    assert out.read_text(encoding="utf-8") == "kết quả cũ\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ketqua.json"]  # no half-written temporary left


def test_an_existing_result_needs_force(runner, tmp_path):
    out = tmp_path / "ketqua.json"
    out.write_text("cũ", encoding="utf-8")
    r = runner.invoke(main, ["batch", str(QN), "--format", "json", "-o", str(out)])
    assert r.exit_code == 2 and "--force" in r.stderr and out.read_text(encoding="utf-8") == "cũ"
    r = runner.invoke(main, ["batch", str(QN), "--format", "json", "-o", str(out), "--force"])
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["schema"] == "dvcq-batch/1"


def test_verify_and_batch_bytes_do_not_depend_on_the_hash_seed():
    import subprocess
    import sys

    from fixtures.records3 import ROOT

    for args in (["verify", str(PHO_VAN), "--review", str(PHO_VAN_REVIEW)], ["batch", str(QN), "--reviews", str(QN / "reviews")]):
        outs = set()
        for seed in ("0", "4242"):
            env = dict(os.environ, PYTHONHASHSEED=seed)
            p = subprocess.run([sys.executable, "-m", "scoring.cli", *args, "--format", "json"], capture_output=True,
                               env=env, cwd=ROOT, timeout=120)
            assert p.returncode == 0, p.stderr.decode()
            outs.add(p.stdout)
        assert len(outs) == 1, args[0]
