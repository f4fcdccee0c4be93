"""Golden JSON results for every sample, and byte-identical output whatever the hash seed.

Regenerate after an intended change with: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
and review the diff like code: a changed point is a changed grade for a real ward.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scoring.cli import main
from support import HUE_SAMPLE, QN_PACK, QN_SAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
CASES = [(p, []) for p in QN_SAMPLES] + [(HUE_SAMPLE, ["--rules", str(QN_PACK), "--allow-other-province"])]


@pytest.mark.parametrize("path,extra", CASES, ids=[p.stem for p, _ in CASES])
def test_golden(runner, path, extra):
    r = runner.invoke(main, ["score", str(path), "--format", "json", *extra])
    assert r.exit_code == 0, r.stderr
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(r.stdout, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with UPDATE_GOLDEN=1"
    assert r.stdout == golden.read_text(encoding="utf-8")


def test_same_bytes_whatever_the_hash_seed():
    sample = str(QN_SAMPLES[0])
    outs = set()
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        for fmt in ("json", "table"):
            p = subprocess.run([sys.executable, "-m", "scoring.cli", "score", sample, "--format", fmt],
                               capture_output=True, env=env, cwd=ROOT, timeout=120)
            assert p.returncode == 0, p.stderr.decode()
            outs.add((fmt, p.stdout))
    assert len(outs) == 2
