"""Precision and recall of `dvcq extract` on the seed reports, against hand-made expected lists.

    python -m scoring.extract.measure              # the Markdown table for the README
    python -m scoring.extract.measure --details    # … and every miss and wrong value

Each expected list (`tests/extract/expected/<seed>.yaml`) was written by reading the seed: items
of (identifier, value, quote), where the quote is a fragment of the sentence that states the value
(a list: any of them). An extracted item is correct when an expected item has its identifier, an
equal value, and a quote found in the extracted item's `source`. Precision = correct / extracted;
recall = correct / expected. Equal values: counts exactly ("none" and 0 alike), rates within
0.05 percentage points whether written as counts or as a percentage, checklists as (done, total,
not applicable), documents by number (and date when the list gives one), names without regard
to case.
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import yaml

from . import extract_file
from .documents import normalise_number
from .draft import Item
from .text import squash
from .vocab import Vocabulary, default_pack_path, load_vocabulary

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "extract" / "fixtures" / "seeds"
EXPECTED = REPO / "tests" / "extract" / "expected"


def _norm_text(s: str) -> str:
    return unicodedata.normalize("NFC", squash(s)).casefold()


def canonical(fid: str, value: Any, vocab: Vocabulary) -> Any:
    if fid in ("ward.name", "ward.district", "ward.province"):
        return _norm_text(str(value))
    if fid in vocab.documents:
        v = value or {}
        number = v.get("number")
        when = v.get("issued_on")
        if isinstance(when, str):
            when = date.fromisoformat(when)
        return (normalise_number(number) if number else None, when)
    typ = "count" if fid == "ward.residential_groups" else (vocab.facts.get(fid) or {}).get("type")
    v = value if isinstance(value, dict) else {"value": value}
    if v.get("not_applicable") is True:
        return 0 if typ == "count" else "n/a"
    if typ == "rate":
        if "percent" in v:
            return Decimal(str(v["percent"]))
        return Decimal(v["num"]) * 100 / Decimal(v["den"])
    if typ == "checklist":
        return (int(v["done"]), int(v["total"]), int(v.get("not_applicable") or 0))
    return v.get("value")


def same(fid: str, got: Any, want: Any) -> bool:
    if isinstance(got, Decimal) and isinstance(want, Decimal):
        return abs(got - want) <= Decimal("0.05")
    if isinstance(got, tuple) and isinstance(want, tuple) and len(got) == 2 and isinstance(want[1], (date, type(None))):
        return got[0] == want[0] and (want[1] is None or got[1] == want[1])
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    return got == want


def quoted(source: Optional[str], quote: Any) -> bool:
    if quote is None:
        return True
    if not source:
        return False
    quotes = quote if isinstance(quote, list) else [quote]
    hay = _norm_text(source)
    return any(_norm_text(q) in hay for q in quotes)


@dataclass
class SeedScore:
    seed: str
    expected: int
    extracted: int
    correct: int
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> Optional[float]:
        return self.correct / self.extracted if self.extracted else None

    @property
    def recall(self) -> Optional[float]:
        return self.correct / self.expected if self.expected else None


def score_items(seed: str, items: list[Item], expected: list[dict], vocab: Vocabulary) -> SeedScore:
    used: set[int] = set()
    correct = 0
    wrong: list[str] = []
    for it in items:
        hit = None
        for i, exp in enumerate(expected):
            if i in used or exp["id"] != it.id:
                continue
            if same(it.id, canonical(it.id, it.value, vocab), canonical(exp["id"], exp["value"], vocab)) \
                    and quoted(it.source, exp.get("quote")):
                hit = i
                break
        if hit is None:
            wrong.append(f"{it.id} = {it.value!r}  ← {squash(it.source or '')[:110]}")
        else:
            used.add(hit)
            correct += 1
    misses = [f"{e['id']} = {e['value']!r}" for i, e in enumerate(expected) if i not in used]
    return SeedScore(seed, len(expected), len(items), correct, misses, wrong)


def load_expected(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def measure(seeds: Path = SEEDS, expected_dir: Path = EXPECTED, vocab: Optional[Vocabulary] = None) -> list[SeedScore]:
    vocab = vocab or load_vocabulary(default_pack_path())
    out = []
    for exp_file in sorted(expected_dir.glob("*.yaml")):
        spec = load_expected(exp_file)
        report = seeds / spec["seed"]
        year = (spec.get("period") or {}).get("year")
        result = extract_file(report, vocab, year=year)
        out.append(score_items(exp_file.stem, result.items, spec["items"], vocab))
    return out


def _fmt(x: Optional[float]) -> str:
    return "—" if x is None else f"{x:.2f}"


def table(scores: list[SeedScore]) -> str:
    lines = ["| seed | expected | extracted | correct | precision | recall |",
             "|---|---:|---:|---:|---:|---:|"]
    for s in scores:
        lines.append(f"| {s.seed} | {s.expected} | {s.extracted} | {s.correct} | {_fmt(s.precision)} | {_fmt(s.recall)} |")
    tot = SeedScore("all", sum(s.expected for s in scores), sum(s.extracted for s in scores), sum(s.correct for s in scores))
    lines.append(f"| **all (micro)** | {tot.expected} | {tot.extracted} | {tot.correct} | {_fmt(tot.precision)} | {_fmt(tot.recall)} |")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scoring.extract.measure", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=SEEDS, help="thư mục các báo cáo mẫu")
    ap.add_argument("--expected", type=Path, default=EXPECTED, help="thư mục danh sách kỳ vọng")
    ap.add_argument("--details", action="store_true", help="liệt kê số liệu bỏ sót và số liệu sai")
    args = ap.parse_args(argv)
    scores = measure(args.seeds, args.expected)
    print(table(scores))
    if args.details:
        for s in scores:
            print(f"\n### {s.seed}")
            for m in s.misses:
                print(f"- bỏ sót: {m}")
            for w in s.wrong:
                print(f"- sai/thừa: {w}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
