"""The result of scoring one record: plain data the renderers present and the JSON contract exposes.

Kept apart from evaluation so reporters never reach into the engine (check-jsonschema's split
of results and reporters). `to_json_dict` is the contract other tools rely on: its keys are only
ever added to, never renamed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

ENGINE_VERSION = "0.1.0"


@dataclass
class ItemResult:
    id: str
    title: str
    section: str                 # criteria | bonus | deductions
    criterion: Optional[str]
    max: Decimal
    points: Decimal
    _reason: Any                 # str, or a function making it (trail text is built only when read)
    source: Optional[str]
    method: str
    inputs: list = field(default_factory=list)     # [InputUse]
    rule: Optional[str] = None   # "<item>#<branch>" fired in the engine
    branches: list = field(default_factory=list)   # every branch label, for the trail
    missing: list = field(default_factory=list)    # identifiers absent that cost points
    pending: Optional[dict] = None                 # manual points not yet given
    parts: list = field(default_factory=list)      # [ItemResult] for sum / best_of
    adjustment: Optional[str] = None               # e.g. trimmed by the bonus cap
    missing_all: list = field(default_factory=list)  # every absent input, whether or not it cost points

    @property
    def reason(self) -> str:
        if callable(self._reason):
            self._reason = self._reason()
        return self._reason

    @reason.setter
    def reason(self, value: str) -> None:
        self._reason = value

    @property
    def lost(self) -> Decimal:
        return Decimal(0) if self.section == "deductions" else self.max - self.points

    def to_json(self) -> dict:
        out = {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "criterion": self.criterion,
            "max": self.max,
            "points": self.points,
            "lost": self.lost,
            "reason": self.reason,
            "source": self.source,
            "method": self.method,
            "rule": self.rule,
            "inputs": [
                {"id": u.id, "kind": u.kind, "state": u.state, "display": u.display, "value": u.value, "source": u.source}
                for u in self.inputs
            ],
            "missing": list(self.missing),
        }
        if self.pending:
            out["pending"] = self.pending
        if self.adjustment:
            out["adjustment"] = self.adjustment
        if self.parts:
            out["parts"] = [p.to_json() for p in self.parts]
        return out


@dataclass
class CriterionResult:
    id: str
    title: str
    max: Decimal
    points: Decimal


@dataclass
class VetoResult:
    id: str
    grade: str
    when: str
    reason: str
    holds: bool
    inputs: list = field(default_factory=list)


@dataclass
class GradeResult:
    id: str
    label: str
    min: Decimal
    max: Optional[Decimal]
    vetoes: list          # [VetoResult] of every band above and at the grade
    capped_from: Optional[str] = None   # the band the total reached but a veto blocked
    next_grade: Optional[dict] = None


@dataclass
class Result:
    pack: dict
    evidence: dict
    items: list
    criteria: list
    subtotal: Decimal
    bonus: Decimal
    deductions: Decimal
    raw_total: Decimal
    total: Decimal
    max_total: Decimal
    grade: GradeResult
    missing_evidence: list
    pending: list
    warnings: list = field(default_factory=list)
    mode: str = "self"  # self | verified
    missing_points: Decimal = Decimal(0)  # criteria points lost only because evidence is absent
    # The record's content hash (scoring/canonical.py), what a review binds to: a str, or a function
    # computing it when first read (0.2 ms a record that a batch ranking never needs).
    _record_sha256: Any = field(default=None, repr=False)

    @property
    def record_sha256(self) -> Optional[str]:
        if callable(self._record_sha256):
            self._record_sha256 = self._record_sha256()
        return self._record_sha256

    def materialize(self) -> "Result":
        """Build every deferred trail text now: before pickling (to another process) or caching."""
        def walk(it: ItemResult) -> None:
            it.reason
            for u in it.inputs:
                u.display, u.value
            for p in it.parts:
                walk(p)

        for it in self.items:
            walk(it)
        for v in self.grade.vetoes:
            for u in v.inputs:
                u.display, u.value
        self.record_sha256
        return self

    def item(self, item_id: str) -> ItemResult:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (exact Decimals; `render.json` writes them as numbers)."""
        return self.to_json_dict()

    def _evidence_json(self) -> dict:
        """The evidence summary with the record's content hash after the file's (when known)."""
        if self.record_sha256 is None or "record_sha256" in self.evidence:
            return self.evidence
        out = {}
        for k, v in self.evidence.items():
            out[k] = v
            if k == "sha256":
                out["record_sha256"] = self.record_sha256
        return out

    def to_json_dict(self) -> dict[str, Any]:
        g = self.grade
        return {
            "schema": "dvcq-result/1",
            "engine": {"name": "dvcq", "version": ENGINE_VERSION},
            "mode": self.mode,
            "pack": self.pack,
            "evidence": self._evidence_json(),
            "items": [it.to_json() for it in self.items],
            "criteria": [{"id": c.id, "title": c.title, "max": c.max, "points": c.points} for c in self.criteria],
            "subtotal": self.subtotal,
            "bonus": self.bonus,
            "deductions": self.deductions,
            "total": self.total,
            "max_total": self.max_total,
            "grade": {
                "id": g.id,
                "label": g.label,
                "band": {"min": g.min, "max": g.max},
                "capped_from": g.capped_from,
                "vetoes": [
                    {"id": v.id, "grade": v.grade, "when": v.when, "reason": v.reason, "holds": v.holds,
                     "inputs": [{"id": u.id, "display": u.display, "source": u.source} for u in v.inputs]}
                    for v in g.vetoes
                ],
                "next": g.next_grade,
            },
            "missing_evidence": list(self.missing_evidence),
            "missing_points": self.missing_points,
            "pending": list(self.pending),
            "warnings": list(self.warnings),
        }
