"""Figure 3: `dvcq batch` on 10,000 generated records: wall time on both cores, peak memory growth.

    .venv/bin/python bench/batch_10k.py [N] [--jobs J]

Writes N (default 10,000) generated Quảng Ngãi records as YAML into a temporary folder, then runs
`dvcq batch FOLDER --rules <QN pack> --format F -o OUT --jobs J` (J default: 2, the cores of the
reference machine; F: table, the default output, and json) in a fresh process. Peak RSS is the largest process's maximum resident size
(getrusage of the children); its growth is measured against the same command on 200 records, so
what remains is what the run accumulates per record. Targets: ≤ 30 s wall, growth ≤ 50 MB.

Without `dvcq batch` (scoring/batch/ absent), it scores the same records in this process with
`scoring.api.score` (one core) and reports RSS growth over the run instead.
"""
from __future__ import annotations

import importlib.util
import tempfile
import time
from pathlib import Path

from common import DVCQ, QN_PACK, ROOT, Row, generated_records, peak_rss_mb

BASE_N = 200


def write_records(folder: Path, n: int) -> None:
    import yaml
    from decimal import Decimal

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):
        def ignore_aliases(self, data):  # records refuse anchors and aliases: write repeated values out
            return True

    Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    for i, (data, _) in enumerate(generated_records(n)):
        data["ward"]["name"] = f"Phường Thử {i:05d}"
        (folder / f"r{i:05d}.yaml").write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")


def _batch(folder: Path, out: Path, jobs: int, fmt: str) -> tuple[float, float, int, float]:
    cmd = [str(DVCQ), "batch", str(folder), "--rules", str(QN_PACK), "--format", fmt, "-o", str(out),
           "--jobs", str(jobs), "--force"]
    return peak_rss_mb(cmd)


def _in_process(folder: Path) -> tuple[float, float]:
    from scoring import api

    def rss_mb() -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4 / 1024

    pack = api.load_pack(QN_PACK)
    paths = sorted(folder.glob("*.yaml"))
    for p in paths[:BASE_N]:
        api.score(p, pack)
    before, peak = rss_mb(), 0.0
    t = time.perf_counter()
    for p in paths:
        api.score(p, pack)
        peak = max(peak, rss_mb())
    return time.perf_counter() - t, peak - before


def measure(n: int = 10_000, jobs: int = 2, formats=("table", "json")) -> list[Row]:
    have_batch = importlib.util.find_spec("scoring.batch.command") is not None
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big", Path(tmp) / "small"
        big.mkdir()
        small.mkdir()
        t = time.perf_counter()
        write_records(big, n)
        for p in sorted(big.glob("*.yaml"))[:BASE_N]:
            (small / p.name).write_bytes(p.read_bytes())
        print(f"wrote {n} records in {time.perf_counter() - t:.1f} s")
        if not have_batch:
            dt, growth = _in_process(big)
            print(f"in-process evaluate: {n} records in {dt:.1f} s (one core), RSS growth {growth:.1f} MB")
            cmd = f".venv/bin/python bench/batch_10k.py {n}"
            return [Row(f"3. {n:,} records scored in one process (`dvcq batch` absent)", f"{dt:.1f} s",
                        f"{1000 * dt / n:.2f} ms/record, one core", "≤ 30 s", dt <= 30, cmd),
                    Row("3b. RSS growth over the run", f"{growth:.1f} MB", "", "≤ 50 MB", growth <= 50, cmd)]
        rows = []
        for fmt in formats:
            _batch(small, Path(tmp) / "warm.out", jobs, fmt)
            _, base_peak, _, _ = _batch(small, Path(tmp) / "small.out", jobs, fmt)
            dt, peak, rc, cpu = _batch(big, Path(tmp) / "big.out", jobs, fmt)
            growth = peak - base_peak
            print(f"dvcq batch --jobs {jobs} --format {fmt}: {n} records in {dt:.1f} s ({1000 * dt / n:.2f} ms/record), "
                  f"exit {rc}, CPU {cpu:.1f} s ({cpu / dt:.2f} cores busy); peak RSS {peak:.0f} MB vs {base_peak:.0f} MB for {BASE_N} records: growth {growth:.1f} MB")
            cmd = f".venv/bin/python bench/batch_10k.py {n} --jobs {jobs} --format {fmt}"
            rows += [Row(f"3. `dvcq batch --jobs {jobs} --format {fmt}` on {n:,} generated records", f"{dt:.1f} s",
                         f"{1000 * dt / n:.2f} ms/record wall, {cpu / dt:.2f} cores busy", "≤ 30 s", dt <= 30 and rc in (0, 2), cmd),
                     Row(f"3b. peak RSS growth (`--format {fmt}`), {n:,} vs {BASE_N} records", f"{growth:.1f} MB",
                         f"{peak:.0f} MB vs {base_peak:.0f} MB", "≤ 50 MB", growth <= 50, cmd)]
    return rows


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--format", action="append", choices=("table", "json", "csv", "markdown"))
    a = ap.parse_args()
    measure(a.n, a.jobs, tuple(a.format or ("table", "json")))
