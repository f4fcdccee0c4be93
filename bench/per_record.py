"""Figure 2: per record, the engine's evaluation against loading and validating the same record.

    .venv/bin/python bench/per_record.py [N] [--profile]

Records: the four Quảng Ngãi samples plus N generated ones (default 200) written as YAML files.
For each record, `load+validate` is `load_evidence(path)` + `vocabulary.check(pack, ev)` and
`evaluate` is `scoring.api.score(prepared)` (a record already loaded and checked) on the already-compiled pack; each is timed over
several repetitions and the per-record medians are summed. The `durable` column is the C engine's
share of `evaluate` (`CompiledPack.run`: one assert_facts call, the action drain, delete_state).
Target ≤ 1×: scoring a record should cost no more than reading it. `--profile` prints a
pyinstrument profile of `evaluate` over all records.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import QN_PACK, SAMPLES, Row, generated_records, write_yaml

REPEAT = 9


def _time(fn, repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def measure(n: int = 200, profile: bool = False) -> list[Row]:
    from scoring import api, engine
    from scoring.score import compile_pack

    def evaluate(pack, prep):  # a record already loaded and checked: scoring alone
        return api.score(prep)

    pack = api.load_pack(QN_PACK)
    cp = compile_pack(pack)
    with tempfile.TemporaryDirectory() as tmp:
        paths = list(SAMPLES)
        for i, (data, _) in enumerate(generated_records(n)):
            p = Path(tmp) / f"r{i:04d}.yaml"
            write_yaml(data, p)
            paths.append(p)

        def load_validate(p):
            api.check(p, pack)

        loaded = [api.check(p, pack) for p in paths]
        for ev in loaded[:20]:  # warm-up
            evaluate(pack, ev)
        run_time = [0.0]
        real_run = engine.CompiledPack.run

        def timed_run(self, *a):
            t = time.perf_counter()
            try:
                return real_run(self, *a)
            finally:
                run_time[0] += time.perf_counter() - t

        t_load = sum(_time(lambda p=p: load_validate(p)) for p in paths)
        t_eval = sum(_time(lambda ev=ev: evaluate(pack, ev)) for ev in loaded)
        engine.CompiledPack.run = timed_run
        try:
            for ev in loaded:
                evaluate(pack, ev)
        finally:
            engine.CompiledPack.run = real_run
        t_durable = run_time[0]
        if profile:
            from pyinstrument import Profiler

            prof = Profiler(interval=0.0002)
            prof.start()
            for _ in range(5):
                for ev in loaded:
                    evaluate(pack, ev)
            prof.stop()
            print(prof.output_text(unicode=False, color=False))
    k = len(paths)
    per_load, per_eval, per_durable = 1000 * t_load / k, 1000 * t_eval / k, 1000 * t_durable / k
    ratio = per_eval / per_load
    print(f"{k} records: load+validate {per_load:.2f} ms, evaluate {per_eval:.2f} ms "
          f"(of which durable {per_durable:.2f} ms) per record; ratio {ratio:.2f}×")
    del cp
    cmd = f".venv/bin/python bench/per_record.py {n}"
    return [Row("2. per record: `evaluate` (derive, engine, awards, result) vs `load_evidence` + `vocabulary.check`",
                f"{ratio:.2f}×", f"{per_eval:.2f} ms vs {per_load:.2f} ms", "≤ 1×", ratio <= 1, cmd),
            Row("2b. per record: the rules engine alone (`CompiledPack.run`) vs load+validate",
                f"{per_durable / per_load:.2f}×", f"{per_durable:.2f} ms vs {per_load:.2f} ms", "≤ 1×",
                per_durable <= per_load, cmd)]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    measure(int(args[0]) if args else 200, "--profile" in sys.argv)
