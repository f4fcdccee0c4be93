"""Proportional points: max × achieved / target, rounded to a stated step (default: the pack's)."""

from fractions import Fraction
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict

from ..pack import Rounding
from . import VALUE, ZERO, Award, Branch, Derived, LeafMethod
from ._shared import Measure, Pair, PointsWord, points_of


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
            Branch("ratio", VALUE, kind="ratio", info={"max": self.item.max, "rounding": self.rounding}),
            self.missing_branch(),
            self.na_branch(),
            Branch("zero", ZERO, points=points_of(self.cfg.zero_denominator, self.item.max), kind="zero"),
        ]

    def derive(self, ev) -> Derived:
        return self.measure.derive(ev)

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points)
        exact = Fraction(self.item.max) * min(d.exact, Fraction(1))
        return Award(self.rounding.apply(exact), {"share": d.exact, "exact": exact, "rounding": self.rounding})
