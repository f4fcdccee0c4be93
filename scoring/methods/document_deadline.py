"""A document by a deadline: full points if issued (or sent) by a date, fewer if later, 0 if none.

Dates are compared as integer codes relative to the scored year (pack.date_code), so one compiled
rule set serves every year and "on the deadline" counts as on time.

A document without its date earns what the worst date would (`nodate`, 0 with any pack: a date far
from the period always scores 0): otherwise deleting a date that falls outside the period, or after
the deadline, would raise the score. `dvcq validate` warns about such a document (W002).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from ..shape import ConfigDict, Model

from ..pack import date_code, fmt_number
from . import MISSING, NODATE, OUT, VALUE, Award, Branch, Derived, InputUse, LeafMethod, text


class Deadline(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)
    by: str
    points: Decimal


class Config(Model):
    model_config = ConfigDict(extra="forbid")
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
            from ..errors import did_you_mean

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

    def inputs(self) -> list[str]:
        return [self.cfg.document]

    def branches(self) -> list[Branch]:
        lo_win = self.window[0].code() if self.window[0] else None
        hi_win = self.window[1].code() + 1 if self.window[1] else None
        out, lo = [], lo_win
        for i, (spec, pts) in enumerate(self.deadlines):
            hi = spec.code() + 1
            out.append(Branch(f"d{i}", VALUE, lo, hi, pts, f"đến hạn {spec.human()} → {fmt_number(pts)} điểm"))
            lo = hi
        late = self.cfg.present
        label = (f"sau hạn {self.deadlines[-1][0].human()} → {fmt_number(late)} điểm" if self.deadlines
                 else f"có văn bản → {fmt_number(late)} điểm")
        out.append(Branch("late", VALUE, lo, hi_win, late, label))
        if lo_win is not None:
            out.append(Branch("early", VALUE, None, lo_win, Decimal(0),
                              f"trước {self.window[0].human()}: không thuộc kỳ đánh giá → 0 điểm"))
        if hi_win is not None:
            out.append(Branch("after", VALUE, hi_win, None, Decimal(0),
                              f"sau {self.window[1].human()}: không thuộc kỳ đánh giá → 0 điểm"))
        out.append(Branch("out", OUT, points=Decimal(0), label="ngày văn bản cách xa kỳ đánh giá → 0 điểm"))
        worst = min(b.points for b in out)  # every dated outcome: an undated document never earns more
        verb = "gửi" if self.cfg.date == "sent_on" else "ban hành"
        out.append(Branch("nodate", NODATE, points=worst,
                          label=f"không ghi ngày {verb} nên không xác định được văn bản thuộc kỳ đánh giá và đúng hạn "
                                f"→ {fmt_number(worst)} điểm (ghi ngày {verb} vào hồ sơ để được chấm)"))
        out.append(self.missing_branch())
        return out

    def derive(self, ev) -> Derived:
        doc = ev.document(self.cfg.document)
        if doc is None:
            return Derived(MISSING, inputs=[InputUse(self.cfg.document, "document", "missing", "không có văn bản")])
        when = getattr(doc, self.cfg.date)
        verb = "gửi" if self.cfg.date == "sent_on" else "ban hành"

        def shown() -> str:
            parts = [p for p in (doc.number, f"{verb} ngày {when.strftime('%d/%m/%Y')}" if when else None) if p]
            return ", ".join(parts) or "có văn bản (không rõ số, ngày)"

        def written() -> dict:
            return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in doc.model_dump(exclude_none=True).items()}

        use = InputUse(self.cfg.document, "document", "present", shown, written, doc.source)
        if when is None:
            return Derived(NODATE, inputs=[use], text=f"văn bản {doc.number}" if doc.number else "có văn bản")
        code = date_code(when, ev.period.year)
        if code is None:
            return Derived(OUT, inputs=[use], text=lambda: f"{verb} ngày {when.strftime('%d/%m/%Y')}")
        return Derived(VALUE, code, [use],
                       text=lambda: f"{doc.number + ' ' if doc.number else ''}{verb} ngày {when.strftime('%d/%m/%Y')}",
                       extra={"year": ev.period.year})

    def award(self, branch: Branch, d: Derived) -> Award:
        return Award(branch.points, lambda: self._reason(branch, d))

    def _reason(self, branch: Branch, d: Derived) -> str:
        label = branch.label
        year = d.extra.get("year")
        if year is not None:  # name the real dates of this period in the reason
            for spec, _ in self.deadlines:
                label = label.replace(spec.human(), spec.resolve(year).strftime("%d/%m/%Y"))
            for spec in self.window:
                if spec is not None:
                    label = label.replace(spec.human(), spec.resolve(year).strftime("%d/%m/%Y"))
        return f"{text(d.text)}: {label}" if d.text else label

    def monotone(self) -> bool:
        return False  # a later date is "more" but earns less; not a reward-for-more rule
