"""The result of scoring one record: plain data the renderers present and the JSON contract exposes.

Kept apart from evaluation so reporters never reach into the engine (check-jsonschema's split
of results and reporters). Nothing here words anything: items carry the branch that fired, the
exact measure and the state of their evidence; warnings are {code, ...data}; render.sentences
writes the Vietnamese and render.contract the JSON contract (`to_json_dict`), whose keys are only
ever added to, never renamed.

The classes are dataclasses without the generated `__repr__` and `__eq__`: results are compared and
shown through their JSON contract (`to_json_dict`), never as objects, and generating those two
methods for every class was half of what importing this module costs each `dvcq` start.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

ENGINE_VERSION = "0.1.0"


@dataclass(repr=False, eq=False)
class ItemResult:
    id: str
    title: str
    section: str                 # criteria | bonus | deductions
    criterion: Optional[str]
    max: Decimal
    points: Decimal
    source: Optional[str]
    method: str
    inputs: list = field(default_factory=list)     # [InputUse]
    rule: Optional[str] = None   # "<item>#<branch>" fired in the engine
    branches: list = field(default_factory=list)   # every Branch of the rule, for the trail
    missing: list = field(default_factory=list)    # identifiers absent that cost points
    pending: Optional[dict] = None                 # manual points not yet given: {max, step}
    parts: list = field(default_factory=list)      # [ItemResult] for sum / best_of
    cap: Optional[dict] = None                     # trimmed by the bonus cap: {from, to, cap}
    missing_all: list = field(default_factory=list)  # every absent input, whether or not it cost points
    state: str = "given"                           # given | missing | not_applicable | pending
    branch: Any = None                             # the Branch that fired (None for sum / best_of)
    measure: Optional[dict] = None                 # the exact measure, e.g. {num: 15, den: 16}
    basis: dict = field(default_factory=dict)      # what the method computed the points from
    applicability: Optional[dict] = None           # applies_if decided for the unit (applicability.outcome)
    _reason: Optional[str] = None                  # the wording, made when first read

    @property
    def reason(self) -> str:
        """The 'căn cứ chấm điểm' in words (render.sentences, the one source of the wording)."""
        if self._reason is None:
            from .render.sentences import reason

            self._reason = reason(self)
        return self._reason

    @property
    def adjustment(self) -> Optional[str]:
        if self.cap is None:
            return None
        from .render.sentences import adjustment

        return adjustment(self.cap)

    @property
    def lost(self) -> Decimal:
        if self.section == "deductions" or (self.applicability is not None and self.applicability["treatment"] == "exclude"):
            return Decimal(0)  # a deduction's max is not a loss; an item taken out of the maximum loses nothing
        return self.max - self.points

    def to_json(self) -> dict:
        from .render.contract import item_dict

        return item_dict(self)


@dataclass(repr=False, eq=False)
class CriterionResult:
    id: str
    title: str
    max: Decimal
    points: Decimal
    applicability: Optional[dict] = None  # the criterion's own applies_if, decided for the unit
    excluded_max: Decimal = Decimal(0)    # the max of its items taken out of the maximum for this unit

    @property
    def lost(self) -> Decimal:
        return self.max - self.excluded_max - self.points


@dataclass(repr=False, eq=False)
class VetoResult:
    id: str
    grade: str
    when: str
    reason: str
    holds: bool
    inputs: list = field(default_factory=list)


@dataclass(repr=False, eq=False)
class GradeResult:
    id: str
    label: str
    min: Decimal
    max: Optional[Decimal]
    vetoes: list          # [VetoResult] of every band above and at the grade
    capped_from: Optional[str] = None   # the band the total reached but a veto blocked
    next_grade: Optional[dict] = None


@dataclass(repr=False, eq=False)
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
    warnings: list = field(default_factory=list)  # [{code, ...data}], worded by render.sentences
    mode: str = "self"  # self | verified
    missing_points: Decimal = Decimal(0)  # criteria points lost only because evidence is absent
    # The record's content hash (scoring/canonical.py), what a review binds to: a str, or a function
    # computing it when first read (0.2 ms a record that a batch ranking never needs).
    _record_sha256: Any = field(default=None, repr=False)
    # The pack's grade bands, highest first, as (id, label, min): the xlsx table writes the grade
    # as a formula over them so it follows points a verifier types in. Not part of the JSON contract.
    bands: tuple = field(default=(), repr=False)
    # A pack with `applies_if`: the criteria's points rescaled to `max_total` ({raw, applicable_max, to,
    # exact, rounded, excluded, rounding}, score._scale; `exact` is None when nothing was taken out);
    # None for every other pack (no key in the JSON).
    scale: Optional[dict] = None
    # The record's unit kind ("phuong", "so_nganh", …): which nouns the outputs use (units.words_for).
    # Not part of the JSON contract, so a commune's JSON stays byte-identical.
    unit_kind: str = field(default="phuong", repr=False)

    @property
    def words(self):
        """How the outputs name this unit (a commune's or an agency's wording)."""
        from .units import words_for

        return words_for(self.unit_kind)

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
        from .render.contract import result_dict

        return result_dict(self)
