"""Proportional points: max × achieved / target, capped at max, rounded to a stated step (default:
the pack's). The share is a rate (`on: rate fact` or `on: {num, den}` — achieved and target both
recorded), or a count against a target the decision fixes (`on: count fact, target: 2`)."""

from decimal import Decimal
from fractions import Fraction
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from ..pack import Rounding
from . import VALUE, ZERO, Award, Branch, Derived, LeafMethod, rate_measure
from ._shared import Measure, Pair, PointsWord, points_of


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    on: Union[str, Pair]
    rounding: Optional[Rounding] = None
    zero_denominator: PointsWord = "zero"
    target: Optional[Decimal] = Field(default=None, gt=0)   # with a count `on`: the decision's target


class Proportional(LeafMethod):
    name = "proportional"
    uses_not_applicable = True
    Config = Config

    def setup(self) -> None:
        self.measure = Measure(self, self.cfg.on)
        if self.cfg.target is not None:
            if self.measure.kind != "count":
                raise ValueError(f"{self.uid}: 'target' chỉ dùng với 'on' là một số đếm (count)")
            self.target = Fraction(self.cfg.target)
        elif self.measure.kind != "rate":
            raise ValueError(f"{self.uid}: 'on' của proportional phải là một tỷ lệ (rate hoặc {{num, den}}), "
                             "hoặc một số đếm kèm 'target'")
        self.rounding = self.cfg.rounding or self.pack.meta.rounding

    def inputs(self) -> list[str]:
        return self.measure.ids()

    def branches(self) -> list[Branch]:
        out = [
            Branch("ratio", VALUE, kind="ratio", info={"max": self.item.max, "rounding": self.rounding}),
            self.missing_branch(),
            self.na_branch(),
        ]
        if self.cfg.target is None:   # a count against a fixed target has no denominator to be 0
            out.append(Branch("zero", ZERO, points=points_of(self.cfg.zero_denominator, self.item.max), kind="zero"))
        return out

    def derive(self, ev) -> Derived:
        d = self.measure.derive(ev)
        if self.cfg.target is None or d.state != VALUE:
            return d
        t = self.target   # achieved count / the decision's target, as a rate
        n, den = d.measure * t.denominator, t.numerator
        return Derived(VALUE, rate_measure(n, den), d.inputs, (n, den), {"num": d.measure, "den": int(t) if t.denominator == 1 else self.cfg.target})

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points)
        exact = Fraction(self.item.max) * min(d.exact, Fraction(1))
        return Award(self.rounding.apply(exact), {"share": d.exact, "exact": exact, "rounding": self.rounding})
