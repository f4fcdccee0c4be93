"""What the benchmark scripts share: paths, medians of repeated runs, peak memory of a child, and
generated records (the oracle's edge-seeking generator, seeded, so every run measures the same work).

Scripts, not tests: each prints its figure and returns it as a row for `run_all.py`.
"""
from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

PYTHON = ROOT / ".venv" / "bin" / "python"
DVCQ = ROOT / ".venv" / "bin" / "dvcq"
QN_PACK = ROOT / "scoring" / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
SAMPLES = sorted((ROOT / "samples" / "quang-ngai").glob("*.yaml"))


@dataclass
class Row:
    figure: str
    measured: str
    absolute: str
    target: str
    ok: bool
    command: str


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_runs(commands: dict[str, list[str]], repeat: int) -> dict[str, list[float]]:
    """Wall seconds of each command, run `repeat` times interleaved (so drift hits all alike)."""
    out: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
            out[name].append(time.perf_counter() - t)
    return out


def peak_rss_mb(cmd: list[str]) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS in MB of the largest process, exit code, CPU seconds of all its
    processes) of `cmd` run in a fresh wrapper, so getrusage covers this command (and its workers)."""
    wrapper = ("import resource, subprocess, sys, time, json\n"
               "t = time.perf_counter()\n"
               "rc = subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL).returncode\n"
               "dt = time.perf_counter() - t\n"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(json.dumps([dt, u.ru_maxrss, rc, u.ru_utime + u.ru_stime]))\n")
    r = subprocess.run([sys.executable, "-c", wrapper, json.dumps(cmd)], capture_output=True, text=True, cwd=ROOT)
    dt, kb, rc, cpu = json.loads(r.stdout)
    return dt, kb / 1024, rc, cpu


def generated_records(n: int, seed: int = 20231231):
    """n valid Quảng Ngãi records (plain data) at the pack's edges, and their manual points."""
    from oracle.packfile import load
    from oracle.records import Chooser, Plan, build
    from oracle.reference import Reference

    plan = Plan.of(Reference(load(QN_PACK)))
    rng = random.Random(seed)
    for _ in range(n):
        yield build(Chooser(rng=rng), plan)


def write_yaml(data: dict, path: Path) -> None:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data):  # records refuse anchors and aliases: write repeated values out
            return True

    Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
