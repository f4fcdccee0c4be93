"""Proportional points: max × achieved / target, rounded to a stated step (default: the pack's)."""

from fractions import Fraction
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict

from ..pack import Rounding, fmt_number
from . import VALUE, ZERO, Award, Branch, Derived, LeafMethod, text
from ._shared import Measure, Pair, PointsWord, points_of, zero_label


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    on: Union[str, Pair]
    rounding: Optional[Rounding] = None
    zero_denominator: PointsWord = "zero"


class Proportional(LeafMethod):
    name = "proportional"
    uses_not_applicable = True
    Config = Config

    def setup(self) -> None:
        self.measure = Measure(self, self.cfg.on)
        if self.measure.kind != "rate":
            raise ValueError(f"{self.uid}: 'on' của proportional phải là một tỷ lệ (rate hoặc {{num, den}})")
        self.rounding = self.cfg.rounding or self.pack.meta.rounding

    def inputs(self) -> list[str]:
        return self.measure.ids()

    def branches(self) -> list[Branch]:
        return [
            Branch("ratio", VALUE, label=f"{fmt_number(self.item.max)} × tỷ lệ đạt, {self.rounding.describe()}"),
            self.missing_branch(),
            self.na_branch(),
            Branch("zero", ZERO, points=points_of(self.cfg.zero_denominator, self.item.max),
                   label=zero_label(self.cfg.zero_denominator, self.item.max)),
        ]

    def derive(self, ev) -> Derived:
        return self.measure.derive(ev)

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points, lambda: f"{text(d.text)}: {branch.label}" if d.text else branch.label)
        exact = Fraction(self.item.max) * min(d.exact, Fraction(1))
        pts = self.rounding.apply(exact)
        def reason() -> str:
            share = f"{d.exact.numerator}/{d.exact.denominator}" if d.exact.denominator != 1 else fmt_number(d.exact)
            return (f"{text(d.text)}; {fmt_number(self.item.max)} × {share} = "
                    f"{fmt_number(exact)} → {fmt_number(pts)} điểm ({self.rounding.describe()})")

        return Award(pts, reason)
