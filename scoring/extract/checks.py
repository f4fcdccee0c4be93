"""Contradictions inside a report: a stated rate that its own counts do not give.

In one sentence, a fraction "a/b <unit>" followed by a percentage ("15/16 đơn; tỷ lệ giải quyết
93,75%", "02/02 đơn, đạt 100%") or preceded by one ("100% hộ dân … (17/17)") states the same
rate twice. The percentage has a precision (its decimals: "93,75" → 0.01, "151" → 1); when
round(a/b·100, 2) is further from it than that, the report contradicts itself and a human must
decide which figure is right. Exact decimals, never floats.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..vietnamese import fmt_number
from .numbers import find_fractions, find_percents
from .reader import Report, Sentence

NEAR_AFTER = 80   # characters between the fraction and a percentage after it
NEAR_BEFORE = 60  # … and before it


@dataclass(frozen=True)
class Contradiction:
    sentence: Sentence
    fraction: tuple[int, int]
    stated: Decimal
    computed: Decimal

    def problem(self) -> str:
        a, b = self.fraction
        return (f"tỷ lệ nêu {fmt_number(self.stated)}% không khớp với số đếm "
                f"{a}/{b} = {fmt_number(self.computed)}%")


_RATE_WORDS = r"(?:tỷ lệ|đạt|là|bằng|giải quyết|xử lý|hòa giải thành|thực hiện|trả lời|hoàn thành|,|\s)*"


def _same_rate_after(between: str, following: str) -> bool:
    """Whether a percentage after a fraction restates its rate: in the same clause, or after ";"
    only through words such as "tỷ lệ giải quyết"; and not a new quantity ("95,2% gia đình")."""
    if ";" in between and not re.fullmatch(r"\s*;" + _RATE_WORDS, between, re.IGNORECASE):
        return False
    if re.match(r"\s*[^\W\d_]", following) and not re.match(r"\s*(?:so với|trên tổng|kế hoạch)", following, re.IGNORECASE):
        return False
    return True


def check_sentence(s: Sentence) -> list[Contradiction]:
    out = []
    fractions = find_fractions(s.text)
    percents = find_percents(s.text)
    text = s.text
    for i, f in enumerate(fractions):
        nxt = fractions[i + 1].start if i + 1 < len(fractions) else len(text)
        prv = fractions[i - 1].end if i > 0 else 0
        after = [p for p in percents if f.end <= p.start < min(nxt, f.end + NEAR_AFTER)
                 and _same_rate_after(text[f.end:p.start], text[p.end:p.end + 12])]
        before = [p for p in percents if max(prv, f.start - NEAR_BEFORE) <= p.start and p.end <= f.start
                  and text[:f.start].rstrip().endswith("(") and ";" not in text[p.end:f.start]]
        p = after[0] if after else (before[-1] if before else None)
        if p is None or p.qualifier:
            continue
        computed = f.percent()
        tolerance = Decimal(1).scaleb(-p.decimals)
        if abs(computed - p.value) > tolerance:
            out.append(Contradiction(s, (f.num, f.den), p.value, computed))
    return out


def contradictions(report: Report) -> list[Contradiction]:
    out = []
    for s in report.sentences:
        out.extend(check_sentence(s))
    return out
