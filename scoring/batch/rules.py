"""A pack's optional `batch:` section: rules that only make sense over a whole district's batch.

Two kinds exist in the decisions we know (DOMAIN.md): a *quota* on the top grade (Nghị định
335/2025: at most 20% of the units graded at least "tốt") and *ineligibility* ("không đủ điều kiện
xếp loại", e.g. a required document missing entirely). They are data like every other rule: no
condition here is executed, and every reference is checked against the pack when it is loaded.
Kept free of `scoring.pack` imports because `pack.py` imports this module.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Problem, did_you_mean

DEFAULT_INELIGIBLE_LABEL = "Không đủ điều kiện xếp loại"


class Quota(BaseModel):
    """At most `percent`% (rounded by `rounding`) of the units graded at least `of_at_least` may keep `grade`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    grade: str
    percent: Decimal = Field(ge=0, le=100)
    of_at_least: str
    rounding: Literal["down", "half_up", "up"] = "down"
    ties: Literal["move_all", "keep_all"] = "move_all"
    to: Optional[str] = None
    source: str = Field(min_length=1)

    def allowed(self, base: int) -> int:
        """How many units may keep the grade when `base` units are graded at least `of_at_least`."""
        exact = Decimal(base) * self.percent / 100
        mode = {"down": ROUND_FLOOR, "up": ROUND_CEILING, "half_up": ROUND_HALF_UP}[self.rounding]
        return int(exact.quantize(Decimal(1), rounding=mode))


class Ineligible(BaseModel):
    """A unit lacking any of `requires` (documents or facts, absent entirely) is not graded at all."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str = Field(min_length=1)
    requires: list[str] = Field(min_length=1)
    reason: str = Field(min_length=1)
    source: str = Field(min_length=1)

    def missing(self, record) -> list[str]:
        """The required identifiers `record` lacks: absent entirely, or a yes/no fact that is
        `false` (a unit answering "no, we have no such plan" has not got it)."""
        out = []
        for ident in self.requires:
            fv = record.fact(ident)
            if fv is None:
                if record.document(ident) is None:
                    out.append(ident)
            elif fv.kind == "yesno" and not fv.flag:
                out.append(ident)
        return out


class BatchRules(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    quota: Optional[Quota] = None
    ineligible: list[Ineligible] = []
    ineligible_label: str = DEFAULT_INELIGIBLE_LABEL

    def check(self, pack) -> list[Problem]:
        """References to grades and vocabulary identifiers, checked once at load with file:line."""
        problems: list[Problem] = []
        grades = [g.id for g in pack.data.grades]
        order = [g.id for g in sorted(pack.data.grades, key=lambda g: g.min, reverse=True)]

        def bad(msg, loc, fld, hint=None):
            problems.append(Problem(msg, file=pack.path, line=pack.line(*loc), field=fld, hint=hint, code="P020"))

        q = self.quota
        if q is not None:
            for key in ("grade", "of_at_least", "to"):
                gid = getattr(q, key)
                if gid is not None and gid not in grades:
                    bad(f"mức xếp loại '{gid}' không có trong grades", ("batch", "quota", key), f"batch.quota.{key}",
                        did_you_mean(gid, grades))
            if not problems:
                if order.index(q.grade) > order.index(q.of_at_least):
                    bad(f"mức '{q.grade}' thấp hơn mức '{q.of_at_least}': chỉ tiêu phải giới hạn mức cao hơn",
                        ("batch", "quota"), "batch.quota.grade")
                if order.index(q.grade) == len(order) - 1 and q.to is None:
                    bad(f"mức '{q.grade}' là mức thấp nhất: không có mức nào để chuyển xuống",
                        ("batch", "quota"), "batch.quota.grade")
                if q.to is not None and order.index(q.to) <= order.index(q.grade):
                    bad(f"mức chuyển xuống '{q.to}' phải thấp hơn mức '{q.grade}'", ("batch", "quota", "to"),
                        "batch.quota.to")
        known = set(pack.vocabulary.facts) | set(pack.vocabulary.documents)
        seen: set[str] = set()
        for i, rule in enumerate(self.ineligible):
            if rule.id in seen:
                bad(f"mã '{rule.id}' bị trùng", ("batch", "ineligible", i), f"batch.ineligible[{i}].id")
            seen.add(rule.id)
            for j, ident in enumerate(rule.requires):
                if ident not in known:
                    bad(f"'{ident}' không có trong vocabulary (facts hoặc documents)",
                        ("batch", "ineligible", i, "requires", j), f"batch.ineligible[{i}].requires",
                        did_you_mean(ident, known))
        return problems

    def target(self, pack) -> Optional[str]:
        """The grade a unit moved by the quota receives: `to`, else the band just below the limited one."""
        if self.quota is None:
            return None
        if self.quota.to:
            return self.quota.to
        order = [g.id for g in sorted(pack.data.grades, key=lambda g: g.min, reverse=True)]
        return order[order.index(self.quota.grade) + 1]
