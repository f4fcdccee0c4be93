"""Points reserved to the verifier (điểm do cấp trên đánh giá).

A self-assessment cannot award them: the item shows as *pending* with its range. A district
review (`dvcq verify`) supplies the points and a reason; the engine asserts them as a measure in
hundredths, so the rule that fires says which step was given.
"""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ..pack import fmt_number
from . import PENDING, VALUE, Award, Branch, Derived, InputUse, LeafMethod, describe_fact

MANUAL_SCALE = 100


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    step: Decimal = Field(default=Decimal("0.5"), gt=0)
    evidence: list[str] = []


class Manual(LeafMethod):
    name = "manual"
    Config = Config

    def setup(self) -> None:
        for f in self.cfg.evidence:
            self.fact_def(f, ("count", "yesno", "rate", "checklist"))
        steps = self.item.max / self.cfg.step
        if steps != steps.to_integral_value():
            raise ValueError(f"{self.uid}: max {fmt_number(self.item.max)} không chia hết cho step {fmt_number(self.cfg.step)}")
        if (self.cfg.step * MANUAL_SCALE) != (self.cfg.step * MANUAL_SCALE).to_integral_value():
            raise ValueError(f"{self.uid}: step phải là bội số của 0,01")

    def inputs(self) -> list[str]:
        return list(self.cfg.evidence)

    def allowed(self, points: Decimal) -> bool:
        return 0 <= points <= self.item.max and (points / self.cfg.step) == (points / self.cfg.step).to_integral_value()

    def branches(self) -> list[Branch]:
        return [
            Branch("pending", PENDING, points=Decimal(0), kind="pending", info={"max": self.item.max, "step": self.cfg.step}),
            Branch("given", VALUE, kind="given"),
        ]

    def derive(self, ev, given=None) -> Derived:
        uses = [describe_fact(f, ev.fact(f), self.pack) for f in self.cfg.evidence]
        if given is None:
            return Derived(PENDING, inputs=uses)
        points, reason = given
        uses.append(InputUse(self.uid, "review", "present", {"points": points, "reason": reason}, str(points)))
        return Derived(VALUE, int(points * MANUAL_SCALE), uses, data={"points": points, "reason": reason})

    def award(self, branch: Branch, d: Derived) -> Award:
        if branch.points is not None:
            return Award(branch.points)
        return Award((Decimal(d.measure) / MANUAL_SCALE).normalize())
