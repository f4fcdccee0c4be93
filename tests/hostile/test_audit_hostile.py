"""A sealed result given to `dvcq audit` is untrusted input (issue 15, defect 4).

`"total": 1e999999999` used to hang audit for minutes (writing the number out as digits for the
seal); NaN, Infinity and 1e99999 exited 1; JSON nested 100,000 deep raised RecursionError (exit 1).
Each now exits 2 naming the file and the field (or line) at fault.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from scoring.cli import main

from .cases import ROOT, environment

SAMPLE = ROOT / "samples" / "quang-ngai" / "pho-van-2023.yaml"
HANG_GUARD_S = 60  # not a speed target: a case that needs this long is hanging (the hang took > 180 s)


@pytest.fixture
def result(tmp_path, runner):
    shutil.copy(SAMPLE, tmp_path)
    out = tmp_path / "ketqua.json"
    r = runner.invoke(main, ["score", str(tmp_path / SAMPLE.name), "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    return out


def _with_total(path, value: str):
    text, n = re.subn(r'\n  "total": [0-9.]+,', f'\n  "total": {value},', path.read_text(encoding="utf-8"), count=1)
    assert n == 1
    path.write_text(text, encoding="utf-8")


NUMBERS = ["1e999999999", "NaN", "Infinity", "-Infinity", "1e99999", "-1e-99999", "1" * 5000]


@pytest.mark.parametrize("value", NUMBERS, ids=["huge-exponent", "nan", "inf", "minus-inf", "1e99999", "tiny",
                                                "5000-digits"])
def test_unbounded_numbers_exit_2_naming_the_field(result, value, runner):
    _with_total(result, value)
    r = runner.invoke(main, ["audit", str(result)])
    assert r.exit_code == 2, (r.exit_code, r.stderr, r.exception)
    assert "Traceback" not in r.stdout + r.stderr
    assert result.name in r.stderr and "trường 'total'" in r.stderr


def test_a_nested_number_is_named_by_its_path(result, runner):
    text = result.read_text(encoding="utf-8")
    result.write_text(text.replace('"max": 4,', '"max": NaN,', 1), encoding="utf-8")
    r = runner.invoke(main, ["audit", str(result)])
    assert r.exit_code == 2 and "trường 'items[0].max'" in r.stderr, r.stderr


@pytest.mark.parametrize("shape", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000,
                                   '{"schema": "dvcq-result/1", "x": ' + "[" * 40 + "]" * 40 + "}"],
                         ids=["lists-100k", "objects-100k", "40-deep"])
def test_deep_nesting_exits_2(tmp_path, runner, shape):
    path = tmp_path / "long.json"
    path.write_text(shape, encoding="utf-8")
    r = runner.invoke(main, ["audit", str(path)])
    assert r.exit_code == 2, (r.exit_code, r.stderr, r.exception)
    assert path.name in r.stderr and "lồng nhau" in r.stderr and "trường" in r.stderr


def test_the_former_hang_in_a_real_process(result):
    _with_total(result, "1e999999999")
    exe = ROOT / ".venv" / "bin" / "dvcq"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    r = subprocess.run(cmd + ["audit", str(result)], capture_output=True, text=True, timeout=HANG_GUARD_S,
                       env=environment(), cwd=result.parent)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert "ketqua.json" in r.stderr and "trường 'total'" in r.stderr
