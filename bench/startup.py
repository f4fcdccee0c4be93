"""Figure 1: `dvcq score <sample>` against the bare imports it cannot avoid.

    .venv/bin/python bench/startup.py [REPEAT]

Both are run as fresh processes REPEAT times (default 15), interleaved; the figure is the ratio of
the median wall times. Target ≤ 1.5×: scoring a record should cost little beyond starting Python
with pydantic, PyYAML, click and durable-rules loaded. Every run reads, checks and compiles the
pack afresh (there is no cache on disk: a pickled pack could be swapped under us).
"""
from __future__ import annotations

import subprocess
import sys

from common import DVCQ, PYTHON, ROOT, SAMPLES, Row, median_ms, timed_runs

SAMPLE = next(p for p in SAMPLES if p.name.startswith("nguyen-nghiem"))
BASELINE = [str(PYTHON), "-c", "import pydantic, yaml, click, durable.engine"]
SCORE = [str(DVCQ), "score", str(SAMPLE.relative_to(SAMPLE.parents[2]))]


def measure(repeat: int = 15) -> Row:
    # Bytecode as an installed package has it (pip compiles at install; `make setup` runs the same
    # step for the editable install): with PYTHONDONTWRITEBYTECODE set, stale .pyc files would be
    # recompiled from source at every start.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(ROOT / "scoring")], check=True)
    timed_runs({"warm": SCORE}, 2)  # page cache, .pyc files
    runs = timed_runs({"baseline": BASELINE, "score": SCORE}, repeat)
    base, score = median_ms(runs["baseline"]), median_ms(runs["score"])
    ratio = score / base
    print(f"imports only: {base:.0f} ms; dvcq score: {score:.0f} ms (median of {repeat}); ratio {ratio:.2f}×")
    return Row("1. `dvcq score` a sample vs `python -c \"import pydantic, yaml, click, durable.engine\"`",
               f"{ratio:.2f}×", f"{score:.0f} ms vs {base:.0f} ms", "≤ 1.5×", ratio <= 1.5,
               f".venv/bin/python bench/startup.py {repeat}")


if __name__ == "__main__":
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
