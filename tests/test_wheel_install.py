"""An installed dvcq (a wheel, not the editable checkout) finds its shipped packs and scores.

Builds the wheel with pip, installs it into a fresh venv, and runs `dvcq rules list` and `dvcq score
<abs path>` from /tmp, where no `rules/` folder is near. The new venv reaches the dependencies of
the test venv through a .pth line (building durable-rules from source again would add a minute and
a compiler to the test); `scoring` itself comes only from the wheel: the checkout's editable-install
hook lives in a .pth file of the test venv, which a path added by a .pth line never processes.
"""
from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from support import QN_SAMPLES, ROOT

PHO_VAN = next(p for p in QN_SAMPLES if p.stem == "pho-van-2023")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, (cmd, r.stdout[-2000:], r.stderr[-2000:])
    return r


def test_the_wheel_ships_the_rules_and_an_installed_dvcq_scores_from_tmp(tmp_path):
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)])
    (wheel,) = dist.glob("dvcq-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "scoring/rules/quang-ngai/qd-1211-2022.yaml" in names
    assert not [n for n in names if n.startswith(("tests/", "samples/", "rules/"))]

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "dvcq-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps",
         "--no-index", str(wheel)])

    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    where = run([str(venv / "bin" / "python"), "-c", "import scoring; print(scoring.__file__)"], cwd="/tmp", env=env)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout  # the wheel's copy, not the checkout
    listed = run([str(venv / "bin" / "dvcq"), "rules", "list"], cwd="/tmp", env=env)
    assert "quang-ngai-1211-2022" in listed.stdout and "Quảng Ngãi" in listed.stdout
    scored = run([str(venv / "bin" / "dvcq"), "score", str(PHO_VAN.resolve()), "--format", "json"], cwd="/tmp", env=env)
    assert scored.stdout == (ROOT / "tests" / "golden" / "pho-van-2023.json").read_text(encoding="utf-8")
    assert json.loads(scored.stdout)["pack"]["id"] == "quang-ngai-1211-2022"
