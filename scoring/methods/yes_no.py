"""A duty done or not: yes → points, no → `no` (default 0)."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from ..pack import fmt_number
from . import VALUE, Branch, Derived, LeafMethod


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    fact: str
    points: Decimal
    no: Decimal = Decimal(0)


class YesNo(LeafMethod):
    name = "yes_no"
    uses_not_applicable = True
    Config = Config

    def setup(self) -> None:
        self.fact_def(self.cfg.fact, ("yesno",))
        for p in (self.cfg.points, self.cfg.no):
            if p < 0 or p > self.item.max:
                raise ValueError(f"{self.uid}: điểm {fmt_number(p)} ngoài khoảng 0–{fmt_number(self.item.max)}")

    def inputs(self) -> list[str]:
        return [self.cfg.fact]

    def branches(self) -> list[Branch]:
        return [
            Branch("yes", VALUE, 1, None, self.cfg.points, "yes"),
            Branch("no", VALUE, None, 1, self.cfg.no, "no"),
            self.missing_branch(),
            self.na_branch(),
        ]

    def derive(self, ev) -> Derived:
        fv, use, outcome = self.read_fact(ev, self.cfg.fact)
        return outcome or Derived(VALUE, 1 if fv.flag else 0, [use], data={"flag": bool(fv.flag)})

    def monotone(self) -> bool:
        return self.cfg.points >= self.cfg.no
