"""Points per occurrence with a cap: a bonus (+1 per commended model, at most +3) or, in the
deductions section, a penalty (−2 per disciplined person, at most −6). Several facts may be
summed (hot spots + mass complaints)."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from . import MISSING, VALUE, Award, Branch, Derived, LeafMethod, describe_fact


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    facts: list[str] = Field(min_length=1)
    points_each: Decimal = Field(gt=0)


class PerItem(LeafMethod):
    name = "per_item"
    Config = Config

    def setup(self) -> None:
        for f in self.cfg.facts:
            self.fact_def(f, ("count",))

    def inputs(self) -> list[str]:
        return list(self.cfg.facts)

    def branches(self) -> list[Branch]:
        return [
            Branch("some", VALUE, 1, None, kind="each_case", info={"max": self.item.max, "each": self.cfg.points_each}),
            Branch("none", VALUE, None, 1, Decimal(0), "no_case"),
            self.missing_branch(),
        ]

    def derive(self, ev) -> Derived:
        uses, n, known = [], 0, 0
        for f in self.cfg.facts:
            fv = ev.fact(f)
            uses.append(describe_fact(f, fv, self.pack))
            if fv is not None and fv.kind == "count":
                n += fv.value
                known += 1
            elif fv is not None:
                known += 1  # not applicable: nothing occurred
        if known == 0:
            return Derived(MISSING, inputs=uses)
        return Derived(VALUE, n, uses, (n, 1), {"count": n})

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points)
        raw = self.cfg.points_each * d.measure
        return Award(min(raw, self.item.max), {"raw": raw, "each": self.cfg.points_each})
