"""The JSON contract of a result (`Result.to_dict()`): the data, plus the words existing users read.

Structured keys carry what the scoring did — per item `state`, the `branch` that fired (its key,
kind, bounds, points), the exact `measure`, the `deadline` compared for a document, `capped` when
the bonus cap trimmed it; per result `warnings_data` ({code, ...}). The older text keys (`reason`,
inputs' `display`, `adjustment`, pending `range`, `warnings`) keep their exact wording, written by
render.sentences from the same data. Keys are only ever added, never renamed.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Optional

from ..vietnamese import plain_number
from . import sentences

RATE_PLACES = Decimal("0.000001")  # a rate that does not end is shown to 10⁻⁶ (num/den stay exact)


def _rate(r: Fraction) -> dict:
    """{rate, rate_exact}: the decimal of a ratio, exact when it ends (num/den are always exact)."""
    den = r.denominator  # reduced: the decimal ends when it has no prime factor but 2 and 5
    for p in (2, 5):
        while den % p == 0:
            den //= p
    d = Decimal(r.numerator) / Decimal(r.denominator)
    exact = den == 1
    return {"rate": plain_number(d if exact else d.quantize(RATE_PLACES, rounding="ROUND_HALF_UP")), "rate_exact": exact}


def measure_dict(m: Optional[dict]) -> Optional[dict]:
    """The measure with exact numbers: counts as ints, rates as {num, den} and a decimal string."""
    if not m or "date_field" in m:
        return None
    if "reason" in m:  # points given by the verifier
        return {"points": m["points"]}
    if "percent" in m:
        p = Decimal(m["percent"])
        return {"percent": plain_number(p), **_rate(Fraction(p) / 100)}
    if "den" in m:
        out = {"num": m["num"], "den": m["den"]}
        if m["den"]:
            out.update(_rate(Fraction(m["num"], m["den"])))
        return out
    if "applicable" in m:
        out = {"done": m["done"], "applicable": m["applicable"], "total": m["total"]}
        if m["applicable"]:
            out.update(_rate(Fraction(m["done"], m["applicable"])))
        return out
    return dict(m)


def _iso(v) -> Optional[str]:
    return v.isoformat() if isinstance(v, date) else None


def branch_dict(it) -> Optional[dict]:
    b = it.branch
    if b is None:
        return None
    info = b.info or {}
    out: dict[str, Any] = {"key": b.key, "kind": b.kind, "points": b.points}
    if "bounds" in info:
        out["bounds"] = dict(info["bounds"])
    year = it.basis.get("year")
    for key in ("by", "after", "before"):  # a deadline: the real date in the record's year
        spec = info.get(key)
        if spec is not None:
            known = year is not None and (spec.unit == "year" or "quarter" in it.basis)
            out.setdefault("bounds", {})[key] = (spec.resolve(year, it.basis.get("quarter")).isoformat() if known
                                                 else spec.text)
    return out


def deadline_dict(it) -> dict:
    m = it.measure or {}
    return {"by": _iso(it.basis.get("deadline")), "date": _iso(m.get("date")), "date_field": it.basis.get("date_field")}


def pending_dict(p: dict) -> dict:
    return {**p, "range": sentences.points_range(p["max"])}


def item_dict(it) -> dict:
    out = {
        "id": it.id,
        "title": it.title,
        "section": it.section,
        "criterion": it.criterion,
        "max": it.max,
        "points": it.points,
        "lost": it.lost,
        "reason": it.reason,
        "source": it.source,
        "method": it.method,
        "rule": it.rule,
        "inputs": [
            {"id": u.id, "kind": u.kind, "state": u.state, "display": u.display, "value": u.value, "source": u.source}
            for u in it.inputs
        ],
        "missing": list(it.missing),
        "state": it.state,
        "branch": branch_dict(it),
        "measure": measure_dict(it.measure),
    }
    scored = it.applicability is None or it.applicability["applies"]
    if it.method == "document_deadline" and scored:
        out["deadline"] = deadline_dict(it)
    if it.method == "best_of" and scored:
        out["chosen"] = it.basis["part"]
    if it.method == "average" and scored:
        out["average"] = {"over": it.basis["over"], "counted": list(it.basis["counted"])}
    if it.applicability is not None:
        out["applicability"] = applicability_dict(it.applicability, it.max)
    if it.cap:
        out["capped"] = dict(it.cap)
    if it.pending:
        out["pending"] = pending_dict(it.pending)
    if it.cap:
        out["adjustment"] = it.adjustment
    if it.parts:
        out["parts"] = [item_dict(p) for p in it.parts]
    return out


def applicability_dict(app: dict, top=None) -> dict:
    """An item's or a criterion's `applicability`: the data, and its sentence (`reason`)."""
    return {"applies": app["applies"], "treatment": app["treatment"], "if_not_applicable": app["declared"],
            "level": app["level"], "owner": app["owner"], "condition": dict(app["condition"]),
            "unit": {"kind": app["unit"]["kind"], "facts": dict(app["unit"]["facts"])},
            "missing": list(app["missing"]), "reason": sentences.applicability(app, top)}


def scale_dict(sc: dict) -> dict:
    """The totals' `scale`: the criteria's raw points, the maximum left after exclusions, the scale
    they are brought to, the exact quotient (a decimal string, or num/den when it does not end) and
    the points after the one rounding."""
    exact = sc["exact"] if sc["exact"] is not None else Fraction(sc["raw"])
    r = sc["rounding"]
    return {"raw": sc["raw"], "applicable_max": sc["applicable_max"], "to": sc["to"],
            "exact": {"num": exact.numerator, "den": exact.denominator,
                      **{k.replace("rate", "decimal"): v for k, v in _rate(exact).items()}},
            "rounded": sc["rounded"], "rescaled": bool(sc["excluded"]), "excluded": list(sc["excluded"]),
            "rounding": {"step": r.step, "mode": r.mode}}


def warning_dict(w: dict) -> dict:
    if w["code"] == "pending_manual":
        return {**w, "items": [dict(p) for p in w["items"]]}
    return dict(w)


def criterion_dict(c) -> dict:
    out = {"id": c.id, "title": c.title, "max": c.max, "points": c.points}
    if c.applicability is not None:
        out["applicability"] = applicability_dict(c.applicability, c.max)
    return out


def result_dict(r) -> dict[str, Any]:
    from ..result import ENGINE_VERSION

    g = r.grade
    return {
        "schema": "dvcq-result/1",
        "engine": {"name": "dvcq", "version": ENGINE_VERSION},
        "mode": r.mode,
        "pack": r.pack,
        "evidence": r._evidence_json(),
        "items": [item_dict(it) for it in r.items],
        "criteria": [criterion_dict(c) for c in r.criteria],
        "subtotal": r.subtotal,
        "bonus": r.bonus,
        "deductions": r.deductions,
        "total": r.total,
        "max_total": r.max_total,
        **({"scale": scale_dict(r.scale)} if r.scale is not None else {}),
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
        "missing_evidence": list(r.missing_evidence),
        "missing_points": r.missing_points,
        "pending": [pending_dict(p) for p in r.pending],
        "warnings": sentences.warnings(r.warnings),
        "warnings_data": [warning_dict(w) for w in r.warnings],
    }
