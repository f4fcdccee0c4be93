"""A document by a deadline: full points if issued (or sent) by a date, fewer if later, 0 if none.

Dates are compared as integer codes relative to the scored year (pack.date_code), so one compiled
rule set serves every year and "on the deadline" counts as on time.

A document without its date earns what the worst date would (`nodate`, 0 with any pack: a date far
from the period always scores 0): otherwise deleting a date that falls outside the period, or after
the deadline, would raise the score. `dvcq validate` warns about such a document (W002).
"""

from decimal import Decimal
from typing import Literal, Optional

from ..errors import did_you_mean
from pydantic import BaseModel, ConfigDict

from ..pack import date_code, fmt_number, period_code
from . import MISSING, NODATE, OUT, VALUE, Award, Branch, Derived, InputUse, LeafMethod


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    by: str
    points: Decimal


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    document: str
    date: Literal["issued_on", "sent_on"] = "issued_on"
    tiers: list[Deadline] = []
    present: Decimal = Decimal(0)        # issued after every deadline (or no deadline set)
    not_before: Optional[str] = None     # earlier documents belong to another period
    not_after: Optional[str] = None


class DocumentDeadline(LeafMethod):
    name = "document_deadline"
    Config = Config

    def setup(self) -> None:
        cfg, pack = self.cfg, self.pack
        if cfg.document not in pack.vocabulary.documents:
            hint = did_you_mean(cfg.document, pack.vocabulary.documents)
            raise ValueError(f"văn bản '{cfg.document}' không có trong vocabulary.documents" + (f" ({hint})" if hint else ""))
        self.deadlines = [(pack.date_param(t.by, self.uid), t.points) for t in cfg.tiers]
        codes = [d.code() for d, _ in self.deadlines]
        if codes != sorted(codes) or len(set(codes)) != len(codes):
            raise ValueError(f"{self.uid}.tiers: các hạn phải tăng dần và không trùng nhau")
        pts = [p for _, p in self.deadlines] + [cfg.present]
        if any(p < 0 or p > self.item.max for p in pts):
            raise ValueError(f"{self.uid}: điểm các bậc phải trong khoảng 0–{fmt_number(self.item.max)}")
        self.window = (pack.date_param(cfg.not_before, self.uid) if cfg.not_before else None,
                       pack.date_param(cfg.not_after, self.uid) if cfg.not_after else None)
        # Dates relative to the quarter ('quarter+1-01-15') are coded against the record's quarter,
        # those relative to the half-year against its half-year: one item's dates share one unit.
        units = {s.unit for s in [d for d, _ in self.deadlines] + [w for w in self.window if w is not None]}
        if len(units) > 1:
            shown = ", ".join(f"{u}-…" for u in sorted(units))
            raise ValueError(f"{self.uid}: các hạn của một nội dung phải cùng tính theo năm, theo quý hoặc theo "
                             f"nửa năm (đang dùng {shown})")
        self.unit = units.pop() if units else "year"

    def inputs(self) -> list[str]:
        return [self.cfg.document]

    def branches(self) -> list[Branch]:
        lo_win = self.window[0].code() if self.window[0] else None
        hi_win = self.window[1].code() + 1 if self.window[1] else None
        out, lo = [], lo_win
        for i, (spec, pts) in enumerate(self.deadlines):
            hi = spec.code() + 1
            out.append(Branch(f"d{i}", VALUE, lo, hi, pts, "deadline", {"by": spec}))
            lo = hi
        late = self.cfg.present
        out.append(Branch("late", VALUE, lo, hi_win, late, "late",
                          {"after": self.deadlines[-1][0] if self.deadlines else None}))
        if lo_win is not None:
            out.append(Branch("early", VALUE, None, lo_win, Decimal(0), "early", {"before": self.window[0]}))
        if hi_win is not None:
            out.append(Branch("after", VALUE, hi_win, None, Decimal(0), "after", {"after": self.window[1]}))
        out.append(Branch("out", OUT, points=Decimal(0), kind="out"))
        worst = min(b.points for b in out)  # every dated outcome: an undated document never earns more
        out.append(Branch("nodate", NODATE, points=worst, kind="nodate", info={"date_field": self.cfg.date}))
        out.append(self.missing_branch())
        return out

    def derive(self, ev) -> Derived:
        doc = ev.document(self.cfg.document)
        if doc is None:
            return Derived(MISSING, inputs=[InputUse(self.cfg.document, "document", "missing")])
        when = getattr(doc, self.cfg.date)

        def written() -> dict:
            return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in doc.model_dump(exclude_none=True).items()}

        shown = {"number": doc.number, "date": when, "date_field": self.cfg.date}
        use = InputUse(self.cfg.document, "document", "present", shown, written, doc.source)
        if when is None:
            return Derived(NODATE, inputs=[use], data=shown)
        period = ev.period
        if self.unit == "year":
            code, extra = date_code(when, period.year), {"year": period.year}
        elif period.date_quarter() is None:  # a quarterly pack given a yearly record: no quarter to count from
            code, extra = None, {}
        else:
            code = period_code(when, self.unit, period.year, period.date_quarter())
            extra = {"year": period.year, "quarter": period.date_quarter()}
        if code is None:
            return Derived(OUT, inputs=[use], data={**shown, "out": True})
        return Derived(VALUE, code, [use], data=shown, extra=extra)

    def award(self, branch: Branch, d: Derived) -> Award:
        """The dates compared: the deadline (or the edge of the period's window) the branch names,
        resolved for the record's year, and the date the document carries."""
        year, quarter = d.extra.get("year"), d.extra.get("quarter")
        basis: dict = {"year": year, "date_field": self.cfg.date}
        if quarter is not None:  # only for dates relative to the quarter: other results keep their shape
            basis["quarter"] = quarter
        if year is not None:
            info = branch.info or {}
            spec = info.get("by") or info.get("after") or info.get("before")
            basis["deadline"] = spec.resolve(year, quarter) if spec is not None else None
        return Award(branch.points, basis)

    def monotone(self) -> bool:
        return False  # a later date is "more" but earns less; not a reward-for-more rule
