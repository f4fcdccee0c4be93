"""Self score next to verified score: the district's view of one record.

Both scores come from the same pack and the same engine: the self score from the record as
submitted, the verified score from the record with the review applied. The difference per item is
then a fact, and every change carries the reasons that caused it (the review's findings and the
rule's own reason), so a ward can see exactly why it lost or gained points.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from ..evidence import LoadedEvidence
from ..result import Result
from .apply import Applied, Effect
from .model import Finding, LoadedReview


@dataclass
class ItemChange:
    id: str
    title: str
    section: str
    max: Decimal
    self_points: Decimal
    verified_points: Decimal
    self_reason: str
    verified_reason: str
    findings: list[int] = field(default_factory=list)

    @property
    def delta(self) -> Decimal:
        return self.verified_points - self.self_points


@dataclass
class Verification:
    self_result: Result
    verified: Result
    review: LoadedReview
    effects: dict[int, Effect]
    changes: list[ItemChange]
    evidence: LoadedEvidence          # the record as verified (the submitted file is untouched)

    @property
    def findings(self) -> list[Finding]:
        return self.review.findings

    def finding(self, number: int) -> Finding:
        return self.review.findings[number - 1]

    def change(self, item_id: str) -> Optional[ItemChange]:
        return next((c for c in self.changes if c.id == item_id), None)

    def moved(self, n: int = 3) -> list[ItemChange]:
        """The items whose points moved most (largest |difference| first; pack order breaks ties)."""
        order = {c.id: i for i, c in enumerate(self.changes)}
        ch = [c for c in self.changes if c.delta != 0]
        return sorted(ch, key=lambda c: (-abs(c.delta), order[c.id]))[:n]

    def to_json_dict(self) -> dict[str, Any]:
        """The scoring contract of the verified result, plus `review`, `self`, `verified`, `findings`, `changes`."""
        out = self.verified.to_json_dict()
        out["review"] = self.review.summary()
        out["self"] = _summary(self.self_result, with_items=True)
        out["verified"] = _summary(self.verified)
        out["findings"] = []
        for f in self.findings:
            d = f.to_json()
            e = self.effects[f.number]
            d.update(before=e.before, after=e.after, items=list(e.items), vetoes=list(e.vetoes))
            out["findings"].append(d)
        out["changes"] = [
            {"id": c.id, "title": c.title, "section": c.section, "max": c.max, "self": c.self_points,
             "verified": c.verified_points, "difference": c.delta, "self_reason": c.self_reason,
             "verified_reason": c.verified_reason, "findings": list(c.findings),
             "reasons": [self.finding(n).reason for n in c.findings]}
            for c in self.changes
        ]
        return out


def _summary(r: Result, with_items: bool = False) -> dict:
    out: dict[str, Any] = {"subtotal": r.subtotal, "bonus": r.bonus, "deductions": r.deductions, "total": r.total,
                           "grade": {"id": r.grade.id, "label": r.grade.label, "capped_from": r.grade.capped_from},
                           "criteria": [{"id": c.id, "points": c.points} for c in r.criteria]}
    if with_items:
        out["items"] = [{"id": i.id, "points": i.points, "reason": i.reason} for i in r.items]
    return out


def compare(own: Result, verified: Result, review: LoadedReview, applied: Applied) -> Verification:
    """Self and verified results of one record, item by item, with the findings that moved each."""
    by_item: dict[str, list[int]] = {}
    for number, eff in applied.effects.items():
        for item_id in eff.items:
            by_item.setdefault(item_id, []).append(number)
    changes = []
    for s, v in zip(own.items, verified.items):
        nums = sorted(by_item.get(s.id, []))
        if s.points != v.points or nums:
            changes.append(ItemChange(s.id, s.title, s.section, s.max, s.points, v.points, s.reason, v.reason, nums))
    return Verification(own, verified, review, applied.effects, changes, applied.evidence)
