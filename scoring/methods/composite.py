"""Items made of parts: `sum` (6-month report 1 + annual report 1), `best_of` (a written decision 3,
else an assignment without a document 1) and `average` (the mean of its parts, over all of them or
over the applicable ones only). Each part is a full item with its own id, max and method — a part
may itself be made of parts, down to `MAX_DEPTH` levels below the criterion (criterion →
sub-criterion → item → part); the trail shows every part.

Rounding happens once, at the end: an `average` keeps its exact value (`unrounded`, a Fraction) next
to its rounded points, and a composite above it adds up or compares the exact values and rounds the
result once, so three averages of 10/3 make 10, not 9.99.
"""

from decimal import Decimal
from fractions import Fraction
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..pack import Item, Rounding, fmt_number
from . import Award, CompositeMethod
from ._shared import PointsWord, points_of

MAX_DEPTH = 4   # composite levels under a criterion: enough for criterion → sub-criterion → item → part


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    parts: list[Item] = Field(min_length=2)


class AverageConfig(Config):
    over: Literal["all", "applicable"] = "all"
    none_applicable: PointsWord = "full"      # over: applicable and no part applies
    rounding: Optional[Rounding] = None


def exact_of(award: Award, leaf_exact: bool = False) -> Fraction:
    """A part's points before any rounding: an average's `unrounded` value; with `leaf_exact`, also
    a proportional or checklist part's exact product (an average rounds once, at its own end)."""
    b = award.basis
    if "unrounded" in b:
        return b["unrounded"]
    if leaf_exact and isinstance(b.get("exact"), Fraction):
        return b["exact"]
    return Fraction(award.points)


class _Composite(CompositeMethod):
    Config = Config

    def setup(self) -> None:
        self.part_items = []
        seen = set()
        for p in self.cfg.parts:
            if p.id in seen:
                raise ValueError(f"{self.uid}: phần '{p.id}' bị trùng")
            seen.add(p.id)
            if p.source is None:
                p.source = self.item.source
            self.part_items.append(p)
        if self.uid.count("/") >= MAX_DEPTH:   # bound top-down: a part's uid is its path from the item
            raise ValueError(f"{self.uid}: phần gồm nhiều phần lồng quá {MAX_DEPTH} tầng dưới tiêu chí")
        self.check_max([p.max for p in self.part_items])

    def inputs(self) -> list[str]:
        return []

    def rounding(self) -> Rounding:
        return getattr(self.cfg, "rounding", None) or self.pack.meta.rounding


class Sum(_Composite):
    name = "sum"

    def check_max(self, maxes) -> None:
        if sum(maxes) != self.item.max:
            raise ValueError(f"{self.uid}: tổng điểm tối đa của các phần ({fmt_number(sum(maxes))}) "
                             f"khác max của nội dung ({fmt_number(self.item.max)})")

    def combine(self, awards, states=None) -> Award:
        total = sum((a.points for _, a in awards), Decimal(0))
        if not any("unrounded" in a.basis for _, a in awards):
            return Award(total, {"total": total})
        exact = sum((exact_of(a) for _, a in awards), Fraction(0))   # an average inside: round once, here
        points = self.rounding().apply(exact)
        return Award(points, {"total": points, "unrounded": exact, "rounding": self.rounding()})


class BestOf(_Composite):
    name = "best_of"

    def check_max(self, maxes) -> None:
        if max(maxes) != self.item.max:
            raise ValueError(f"{self.uid}: điểm tối đa lớn nhất của các phần ({fmt_number(max(maxes))}) "
                             f"khác max của nội dung ({fmt_number(self.item.max)})")

    def combine(self, awards, states=None) -> Award:
        exacts = [exact_of(a) for _, a in awards]
        best = max(exacts)
        chosen = exacts.index(best)  # first of equals wins: part order
        basis = {"chosen": chosen, "part": awards[chosen][0].item.id}
        if "unrounded" in awards[chosen][1].basis:
            basis["unrounded"] = best
        return Award(awards[chosen][1].points, basis)


class Average(_Composite):
    """max × the mean of the parts' shares (points / max): over every part, or (`over: applicable`)
    over the parts that apply; `none_applicable` when none does. Rounded once, with `rounding`
    (default: the pack's)."""

    name = "average"
    Config = AverageConfig

    def check_max(self, maxes) -> None:
        if any(m == 0 for m in maxes):
            raise ValueError(f"{self.uid}: phần có max 0 không lấy trung bình được")
        word = self.cfg.none_applicable
        if word not in ("full", "zero") and not 0 <= Decimal(word) <= self.item.max:
            raise ValueError(f"{self.uid}.none_applicable: {fmt_number(Decimal(word))} điểm, ngoài khoảng "
                             f"0–{fmt_number(self.item.max)}")

    def combine(self, awards, states=None) -> Award:
        states = states or ["given"] * len(awards)
        counted = [(b, a) for (b, a), s in zip(awards, states) if self.cfg.over == "all" or s != "not_applicable"]
        rounding = self.rounding()
        if not counted:
            points = points_of(self.cfg.none_applicable, self.item.max)
            return Award(points, {"over": self.cfg.over, "counted": [], "none_applicable": True})
        shares = [exact_of(a, leaf_exact=True) / Fraction(b.item.max) for b, a in counted]
        exact = Fraction(self.item.max) * sum(shares, Fraction(0)) / len(shares)
        points = rounding.apply(exact)
        return Award(points, {"over": self.cfg.over, "counted": [b.item.id for b, _ in counted],
                              "shares": shares, "unrounded": exact, "rounding": rounding})

