"""Benchmark: `dvcq batch` over a generated district of N records (default 3000), serial vs parallel.

Usage: .venv/bin/python bench/batch_district.py [N] [--keep DIR]
Prints seconds per run and milliseconds per record. Records are generated deterministically
(random.Random(N)) for the Quảng Ngãi pack, with about half the facts filled, a tenth reviewed.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FACTS = {
    "leadership.briefing_conferences": lambda r: r.randint(0, 3),
    "leadership.reviews_held": lambda r: r.randint(0, 2),
    "socioeconomic.targets_met": lambda r: r.randint(5, 10),
    "socioeconomic.targets_total": lambda r: 10,
    "budget.revenue_vs_estimate": lambda r: {"percent": r.randint(80, 130)},
    "culture.cultural_residential_groups": lambda r: r.randint(3, 8),
    "culture.cultural_households": lambda r: {"num": r.randint(800, 1000), "den": 1000},
    "reform.procedures_posted": lambda r: r.random() < 0.9,
    "reform.dossiers_on_time": lambda r: {"num": r.randint(270, 300), "den": 300},
    "reform.satisfaction": lambda r: {"percent": r.randint(80, 100)},
    "democracy.groups": lambda r: {"done": r.randint(2, 4), "total": 4},
    "democracy.staff_conference_held": lambda r: r.random() < 0.8,
    "petitions.settled": lambda r: {"num": r.randint(10, 20), "den": 20},
    "petitions.mass_or_overlevel_cases": lambda r: 0 if r.random() < 0.9 else 1,
    "models.registered": lambda r: r.randint(0, 3),
    "communication.dvcq_items": lambda r: r.randint(0, 20),
    "staff.dvcq_trained": lambda r: r.randint(0, 5),
    "staff.disciplined": lambda r: 0 if r.random() < 0.95 else 1,
}


def generate(folder: Path, reviews: Path, n: int) -> None:
    rnd = random.Random(n)
    for i in range(n):
        data = {"ward": {"name": f"Xã Thử {i:05d}", "district": "Huyện Thử", "province": "Quảng Ngãi", "kind": "xa",
                         "residential_groups": 8},
                "period": {"year": 2023},
                "documents": [{"id": "plan.dvcq_annual", "number": f"{i}/KH-UBND",
                               "issued_on": f"2023-0{rnd.randint(1, 8)}-15"}],
                "facts": {k: f(rnd) for k, f in FACTS.items() if rnd.random() < 0.7}}
        raw = json.dumps(data, ensure_ascii=False, indent=1).encode()
        (folder / f"xa-{i:05d}.json").write_bytes(raw)
        if i % 10 == 0:
            review = {"review_of": {"ward": data["ward"]["name"], "period": {"year": 2023},
                                    "evidence_sha256": hashlib.sha256(raw).hexdigest()},
                      "reviewer": {"unit": "Phòng Nội vụ huyện Thử"}, "reviewed_on": "2023-12-10",
                      "findings": [{"item": "TC6.2", "points": rnd.randint(0, 6) / 2, "reason": "đánh giá mô hình"}]}
            (reviews / f"xa-{i:05d}.review.json").write_text(json.dumps(review, ensure_ascii=False))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 3000
    from scoring.batch.run import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        folder, reviews = Path(tmp) / "records", Path(tmp) / "reviews"
        folder.mkdir()
        reviews.mkdir()
        generate(folder, reviews, n)
        for jobs in (1, 2):
            t = time.perf_counter()
            res = run_batch(folder, reviews, jobs=jobs)
            dt = time.perf_counter() - t
            ranked = sum(len(g.ranked) for g in res.groups)
            print(f"jobs={jobs}: {n} records in {dt:.1f} s ({1000 * dt / n:.1f} ms/record); "
                  f"{ranked} ranked, {len(res.failed)} failed")


if __name__ == "__main__":
    main()
