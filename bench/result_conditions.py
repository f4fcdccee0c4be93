"""What the second assertion (conditions over computed results) costs per record.

    .venv/bin/python bench/result_conditions.py [N]

Scores N records (default 2,000, varied facts) under rules/examples/quarterly.yaml as shipped (a
veto and two eligibility rules on results: one extra `assert_facts` per record) and under the same
pack with those three conditions removed; prints the median time per record of each and the
difference. Timed in a loop of `api.score` on records already loaded and checked.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "examples" / "quarterly.yaml"


def _without_result_conditions(text: str) -> str:
    start = text.index('      - {id: V1, when: "points(')
    end = text.index('      - {id: V2,')
    text = text[:start] + text[end:]
    start = text.index("  # \"Tổng điểm tiêu chí 2")
    end = text.index("  # \"Báo cáo gửi sau")
    return text[:start] + text[end:]


def records(n: int) -> list[dict]:
    out = []
    for i in range(n):
        out.append({"ward": {"name": f"Phường {i}", "province": "Tỉnh Ví Dụ", "kind": "phuong"},
                    "period": {"year": 2026, "quarter": 1 + i % 4},
                    "facts": {"petitions.settled": {"num": i % 21, "den": 20}, "receptions.held": i % 4,
                              "democracy.conference_held": i % 3 > 0, "democracy.publicity": i % 5 > 0,
                              "security.hot_spots": i % 7 == 0 and 1 or 0},
                    "documents": [{"id": "report.quarterly", "sent_on": f"2026-{1 + (i % 12):02d}-{1 + i % 28:02d}"}]})
    return out


def per_record(pack_path: Path, data: list[dict], repeat: int = 5) -> float:
    from scoring import api

    pack = api.load_pack(pack_path)
    prepared = [api.check(d, pack) for d in data]
    for p in prepared[:50]:
        api.score(p)
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        for p in prepared:
            api.score(p)
        runs.append((time.perf_counter() - t) / len(prepared))
    return statistics.median(runs)


def main(n: int) -> None:
    data = records(n)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.yaml"
        plain.write_text(_without_result_conditions(PACK.read_text(encoding="utf-8")), encoding="utf-8")
        without = per_record(plain, data)
    with_ = per_record(PACK, data)
    print(f"records: {n}")
    print(f"without conditions on results: {without * 1e6:8.1f} µs/record")
    print(f"with 3 conditions on results:  {with_ * 1e6:8.1f} µs/record")
    print(f"second assertion costs:        {(with_ - without) * 1e6:8.1f} µs/record")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
