"""Checklist n of m with items that did not arise (seed 004: "9/10 nội dung, 1 không phát sinh").

`share`: max × done / applicable, where applicable = total − not arisen, so an item that did not
arise never costs points. `per_item`: points_each for every item done (and, if the rule says so,
for every item that did not arise), capped at max.
"""

from decimal import Decimal
from fractions import Fraction
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from ..pack import Rounding, fmt_number
from . import NA, VALUE, ZERO, Award, Branch, Derived, LeafMethod, rate_measure, text
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
            main = Branch("share", VALUE, label=f"{fmt_number(self.item.max)} × số đã thực hiện / số phát sinh, "
                                                 f"{self.rounding.describe()}")
        else:
            main = Branch("count", VALUE, label=f"{fmt_number(self.cfg.points_each)} điểm mỗi nội dung, tối đa "
                                                f"{fmt_number(self.item.max)}")
        nap = points_of(self.cfg.none_applicable, self.item.max)
        # The whole list written as "không phát sinh" means the same as every item not arising, so it
        # takes `none_applicable` too: a checklist must never lose points for what did not arise.
        return [main, self.missing_branch(),
                Branch("na", NA, points=nap, label=f"cả danh mục không phát sinh → {fmt_number(nap)} điểm"),
                Branch("none", ZERO, points=nap, label=f"không nội dung nào phát sinh → {fmt_number(nap)} điểm")]

    def derive(self, ev) -> Derived:
        fv, use, outcome = self.read_fact(ev, self.cfg.fact)
        if outcome:
            return outcome
        applicable = fv.total - fv.na_items
        if self.cfg.mode == "per_item":
            n = fv.done + (fv.na_items if self.cfg.not_applicable_counts_as_done else 0)
            return Derived(VALUE, n, [use], (n, 1), f"{n}/{fv.total} nội dung")
        if applicable == 0:
            return Derived(ZERO, inputs=[use], text=f"0/{fv.total} nội dung phát sinh")
        return Derived(VALUE, rate_measure(fv.done, applicable), [use], (fv.done, applicable),
                       f"{fv.done}/{applicable} nội dung phát sinh đã thực hiện")

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points, lambda: f"{text(d.text)}: {branch.label}" if d.text else branch.label)
        if self.cfg.mode == "per_item":
            raw = Fraction(self.cfg.points_each) * d.exact
            pts = min(Decimal(raw.numerator) / Decimal(raw.denominator), self.item.max)
            return Award(pts, lambda: f"{text(d.text)} × {fmt_number(self.cfg.points_each)} = {fmt_number(raw)}"
                              f"{' (tối đa ' + fmt_number(self.item.max) + ')' if raw > self.item.max else ''} → {fmt_number(pts)} điểm")
        exact = Fraction(self.item.max) * d.exact
        pts = self.rounding.apply(exact)
        return Award(pts, lambda: f"{text(d.text)}: {fmt_number(self.item.max)} × {text(d.text).split(' ')[0]} = {fmt_number(exact)} → "
                          f"{fmt_number(pts)} điểm ({self.rounding.describe()})")
