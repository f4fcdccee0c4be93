"""Checklist n of m with items that did not arise (seed 004: "9/10 nội dung, 1 không phát sinh").

`share`: max × done / applicable, where applicable = total − not arisen, so an item that did not
arise never costs points. `per_item`: points_each for every item done (and, if the rule says so,
for every item that did not arise), capped at max.
"""

from decimal import Decimal
from fractions import Fraction
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from ..pack import Rounding
from . import NA, VALUE, ZERO, Award, Branch, Derived, LeafMethod, rate_measure
from ._shared import PointsWord, points_of


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    fact: str
    mode: Literal["share", "per_item"] = "share"
    points_each: Optional[Decimal] = None
    not_applicable_counts_as_done: bool = True
    none_applicable: PointsWord = "full"
    rounding: Optional[Rounding] = None


class Checklist(LeafMethod):
    name = "checklist"
    Config = Config

    def setup(self) -> None:
        fd = self.fact_def(self.cfg.fact, ("checklist",))
        if fd.total is None:
            raise ValueError(f"vocabulary: danh mục '{self.cfg.fact}' cần khai báo 'total'")
        self.total = fd.total
        if self.cfg.mode == "per_item" and (self.cfg.points_each is None or self.cfg.points_each <= 0):
            raise ValueError(f"{self.uid}: mode per_item cần 'points_each' > 0")
        if self.cfg.mode == "share" and self.cfg.points_each is not None:
            raise ValueError(f"{self.uid}: 'points_each' chỉ dùng với mode per_item")
        self.rounding = self.cfg.rounding or self.pack.meta.rounding

    def inputs(self) -> list[str]:
        return [self.cfg.fact]

    def branches(self) -> list[Branch]:
        if self.cfg.mode == "share":
            main = Branch("share", VALUE, kind="share", info={"max": self.item.max, "rounding": self.rounding})
        else:
            main = Branch("count", VALUE, kind="each_item", info={"max": self.item.max, "each": self.cfg.points_each})
        nap = points_of(self.cfg.none_applicable, self.item.max)
        # The whole list written as "không phát sinh" means the same as every item not arising, so it
        # takes `none_applicable` too: a checklist must never lose points for what did not arise.
        return [main, self.missing_branch(),
                Branch("na", NA, points=nap, kind="all_na"),
                Branch("none", ZERO, points=nap, kind="none_arose")]

    def derive(self, ev) -> Derived:
        fv, use, outcome = self.read_fact(ev, self.cfg.fact)
        if outcome:
            return outcome
        applicable = fv.total - fv.na_items
        if self.cfg.mode == "per_item":
            n = fv.done + (fv.na_items if self.cfg.not_applicable_counts_as_done else 0)
            return Derived(VALUE, n, [use], (n, 1), {"count": n, "total": fv.total})
        shown = {"done": fv.done, "applicable": applicable, "total": fv.total}
        if applicable == 0:
            return Derived(ZERO, inputs=[use], data=shown)
        return Derived(VALUE, rate_measure(fv.done, applicable), [use], (fv.done, applicable), shown)

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points)
        if self.cfg.mode == "per_item":
            raw = Fraction(self.cfg.points_each) * d.exact
            pts = min(Decimal(raw.numerator) / Decimal(raw.denominator), self.item.max)
            return Award(pts, {"raw": raw, "each": self.cfg.points_each})
        exact = Fraction(self.item.max) * d.exact
        return Award(self.rounding.apply(exact), {"exact": exact, "rounding": self.rounding})
