import subprocess, sys, shutil
from pathlib import Path
from scoring.cli import main
from click.testing import CliRunner
from support import QN_PACK, SAMPLES

def test_workbook_from_other_pack_version_warns(tmp_path):
    r = CliRunner()
    pack2 = tmp_path / "qd-1211-2022.yaml"
    pack2.write_text(QN_PACK.read_text(encoding="utf-8").replace('version: "0.1.0"', 'version: "0.1.1"'), encoding="utf-8")
    wb = tmp_path / "phieu.xlsx"
    res = r.invoke(main, ["convert", str(SAMPLES / "quang-ngai" / "pho-van-2023.yaml"), "-o", str(wb), "--rules", str(pack2)])
    assert res.exit_code == 0, res.stderr
    same = r.invoke(main, ["score", str(wb), "--rules", str(pack2)])
    assert same.exit_code == 0 and "Phiếu nhập lập theo" not in same.stdout
    other = r.invoke(main, ["score", str(wb), "--rules", str(QN_PACK)])
    assert other.exit_code == 0, other.stderr
    assert "Phiếu nhập lập theo bộ tiêu chí quang-ngai-1211-2022 v0.1.1" in other.stdout
