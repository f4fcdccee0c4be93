"""Hypothesis strategies for evidence records aimed at a pack's edges.

The pack (read by the oracle's loader) says where the edges are: every tier threshold, every
deadline and window date, every per-item cap, every number in a veto. The generator puts values on
each edge and one step either side, plus not-applicable and missing inputs, zero denominators,
dates outside the window and ±9/10 years away, and whole-record profiles (all maximal, all zero,
all missing, all not applicable, and "best": the record the oracle scores highest, with a few values
and the facts the grade vetoes read taken from a mixed record, so every grade band is reached both
with its vetoes clear and with one holding; "all maximal" sets counts to 10⁹, so every veto holds).
Records are plain dicts in the written forms of docs/rule-format.md §4, so the engine reads them
through `evidence_from_data` like any file.
"""
from __future__ import annotations

import ast
import copy
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from .packfile import number
from .reference import RESULT_REF, Reference

MAX_COUNT = 10**9          # the largest count a record may hold (scoring/evidence.py refuses more)
MAX_PERCENT = 10**6        # the largest percent an unbounded rate may hold
PROFILES = ("mixed",) * 6 + ("max", "zero", "missing", "na") + ("best",) * 3
PERTURB = (0, 0, 1, 2, 4, 8, 16)   # how many values of a "best" record come from a mixed one
YEARS = (2023, 2024, 2022, 2020, 2021, 1950, 2099)
DENOMINATORS = (0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 16, 20, 21, 100, 2000, 10**6 + 3, MAX_COUNT)


def _percent_edges(thresholds) -> list[Decimal]:
    """On each threshold, a hair and a step either side (the engine floors at 10⁻⁴ percent)."""
    out = {Decimal(0), Decimal(100)}
    for t in thresholds:
        for d in ("0", "0.0001", "-0.0001", "-0.000001", "0.000001", "1", "-1", "-0.00005", "0.00005"):
            out.add(t + Decimal(d))
    return sorted(x for x in out if x >= 0)


def _numerators(den: int, thresholds, bounded: bool) -> list[int]:
    """Numerators putting num/den on, just below and just above each percent threshold."""
    out = {0, den, max(den - 1, 0)}
    for t in thresholds:
        exact = Fraction(t) * den / 100
        for n in (math.floor(exact), math.ceil(exact)):
            out.update({n - 1, n, n + 1})
    if not bounded:
        out.update({2 * den + 1, den + 1, 5})
    top = den if bounded else MAX_COUNT
    return sorted(n for n in out if 0 <= n <= top)


@dataclass
class Plan:
    """What the pack reads and where its edges are."""

    ref: Reference
    counts: dict = field(default_factory=dict)       # fact → set of interesting values
    rates: dict = field(default_factory=dict)        # fact → set of percent thresholds
    pairs: list = field(default_factory=list)        # (num fact, den fact, percent thresholds)
    documents: dict = field(default_factory=dict)    # document → set of date references
    manual: dict = field(default_factory=dict)       # item id → (max, step)
    vetoed: set = field(default_factory=set)         # facts a grade veto reads
    _best: dict = field(default_factory=dict)        # the best record's facts (see best_facts)

    @classmethod
    def of(cls, ref: Reference) -> "Plan":
        plan = cls(ref)
        pack = ref.pack
        for fid, fd in ref.facts.items():
            if fd["type"] == "count":
                plan.counts[fid] = {0, 1, 2, 3, 5, 10, MAX_COUNT}
            elif fd["type"] == "rate":
                plan.rates[fid] = set()
        items = [it for c in pack["criteria"] for it in c["items"]]
        items += (pack.get("bonus") or {}).get("items") or []
        items += (pack.get("deductions") or {}).get("items") or []
        while items:
            it = items.pop()
            items.extend(it.get("parts") or [])
            plan._note(it)
        declared = [c for c in pack["criteria"] if "applies_if" in c]
        declared += [it for c in pack["criteria"] for it in c["items"] if "applies_if" in it]
        for d in declared:   # applicability conditions on unit facts: their edges, as vetoes' (§5a)
            when = d["applies_if"].get("when")
            for node in ast.walk(ast.parse(when.strip(), mode="eval")) if when else ():
                if isinstance(node, ast.Compare):
                    plan._note_compare(node)
        for grade in pack["grades"]:
            for veto in grade.get("vetoes") or []:
                for node in ast.walk(ast.parse(RESULT_REF.sub(r"\1('\2')", veto["when"].strip()), mode="eval")):
                    if isinstance(node, ast.Compare):
                        plan._note_compare(node)
                    elif isinstance(node, ast.Attribute) and ast.unparse(node) in ref.facts:
                        plan.vetoed.add(ast.unparse(node))  # a bare flag: `not k.flag_b`
        return plan

    def best_facts(self) -> dict:
        """The facts the oracle scores highest (grade first, then total), found once per plan by
        coordinate ascent over each fact's edge values from the all-maximal record (whose counts of
        10⁹ make every veto hold and every "fewer is better" item score 0). Facts are scored the same
        whatever the year or the ward's kind, so one search serves every record."""
        if not self._best:
            key = repr(self.ref.pack)  # one search per pack and process, whichever test asks first
            if key not in _BEST:
                base, manual = build(Chooser(rng=random.Random(0)), self, ("max",), year=YEARS[0])
                groups = base["ward"].pop("residential_groups", None)
                if groups is not None:
                    base["facts"]["ward.residential_groups"] = groups
                _BEST[key] = _ascend(self, base, manual)
            self._best.update(_BEST[key])
        return self._best

    def rank(self, grade: str) -> Decimal:
        return next(number(g["min"]) for g in self.ref.pack["grades"] if g["id"] == grade)

    def _note(self, it: dict) -> None:
        method = it["method"]
        if method in ("tiers", "proportional"):
            marks = set()
            for t in it.get("tiers") or []:
                marks.update(number(t[k]) for k in ("min", "max") if k in t)
            if method == "proportional":
                marks.update({Decimal(50), Decimal(100)})
            on = it["on"]
            if isinstance(on, dict):
                self.pairs.append((on["num"], on["den"], sorted(marks)))
            elif on in self.rates:
                self.rates[on].update(marks)
            else:
                self.counts[on].update(v for m in marks for v in (int(m) - 1, int(m), int(m) + 1) if v >= 0)
        elif method == "per_item":
            k = math.ceil(number(it["max"]) / number(it["points_each"]))
            for f in it["facts"]:
                self.counts[f].update({k - 1, k, k + 1})
        elif method == "document_deadline":
            refs = self.documents.setdefault(it["document"], set())
            refs.update(t["by"] for t in it.get("tiers") or [])
            refs.update(it[k] for k in ("not_before", "not_after") if it.get(k))
        elif method == "manual":
            self.manual[it["id"]] = (number(it["max"]), number(it.get("step", "0.5")))

    def _note_compare(self, node: ast.Compare) -> None:
        for side in (node.left, node.comparators[0]):
            names = [n for n in ast.walk(side) if isinstance(n, ast.Attribute)]
            if names:
                ident = ast.unparse(side)
                self.vetoed.add(ident)
                if ident in self.counts:
                    lits = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)]
                    for v in lits:
                        if isinstance(v, int):
                            self.counts[ident].update(x for x in (v - 1, v, v + 1) if x >= 0)

    # -- strategies ---------------------------------------------------------------------------------
    def dens(self) -> set:
        return {den for _, den, _ in self.pairs}

    def records(self, profiles=PROFILES):
        """Shrinkable records: every choice is a hypothesis draw."""
        return _shrinkable(self, profiles)

    def seeded(self, profiles=PROFILES):
        """Fast records: one hypothesis draw (a seed) feeds `random.Random`."""
        return st.integers(0, 2**64 - 1).map(lambda s: build(Chooser(rng=random.Random(s)), self, profiles))


def _dates_for(plan: Plan, did: str, year: int, quarter: int | None = None) -> list:
    out = {None, date(year, 1, 1), date(year, 12, 31), date(year - 1, 12, 31), date(year + 1, 1, 1),
           date(year - 9, 1, 1), date(year - 10, 12, 31), date(year + 9, 12, 31), date(year + 10, 1, 1)}
    for ref in plan.documents.get(did, ()):
        d = plan.ref.resolve(ref, year, quarter)
        out.update({d - timedelta(days=1), d, d + timedelta(days=1)})
    return sorted(out, key=lambda d: (d is not None, d or date.min))


class Chooser:
    """Where the choices come from: hypothesis (shrinkable) or a seeded `random.Random` (fast).

    Hypothesis spends ~20 ms per record of ~70 draws; 10,000 records per pack in CI need the seeded
    form (one hypothesis draw: the seed). Both build the same records from the same code.
    """

    def __init__(self, draw=None, rng: random.Random | None = None):
        self.draw, self.rng = draw, rng

    def choice(self, seq):
        seq = tuple(seq)
        return self.draw(st.sampled_from(seq)) if self.draw else seq[self.rng.randrange(len(seq))]

    def boolean(self) -> bool:
        return self.draw(st.booleans()) if self.draw else self.rng.random() < 0.5

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi)) if self.draw else self.rng.randint(lo, hi)

    def shuffled(self, seq) -> list:
        if self.draw:
            return list(self.draw(st.permutations(list(seq))))
        out = list(seq)
        self.rng.shuffle(out)
        return out


def _written_date(ch: Chooser, d):
    if d is None:
        return None
    form = ch.choice(("date", "iso", "vn"))
    if form == "iso":
        return d.isoformat()
    if form == "vn":
        return f"{d.day}/{d.month}/{d.year}"
    return d


def _na(ch: Chooser):
    return ch.choice(("not_applicable", {"not_applicable": True, "reason": "không phát sinh trong kỳ"}))


def _count(ch: Chooser, n: int):
    return n if ch.boolean() else {"value": n}


@st.composite
def _shrinkable(draw, plan: Plan, profiles):
    return build(Chooser(draw=draw), plan, profiles)


def _candidates(plan: Plan, fid: str, fd: dict, facts: dict) -> list:
    """The written values worth trying for one fact when looking for the best record."""
    out: list = ["not_applicable"]
    typ = fd["type"]
    pair = next(((num, den, marks) for num, den, marks in plan.pairs if fid in (num, den)), None)
    if pair is not None and pair[0] == fid:  # a numerator: bounded by its denominator
        den = facts.get(pair[1])
        if isinstance(den, int):
            return out + _numerators(den, pair[2], True)
        return out
    if typ == "count":
        out += sorted(plan.counts.get(fid, set()) | ({0, 1, 10, MAX_COUNT} if pair else set()))
    elif typ == "yesno":
        out += [True, False]
    elif typ == "checklist":
        t = fd["total"]
        out += [{"done": t, "total": t, "not_applicable": 0}, {"done": 0, "total": t, "not_applicable": t},
                {"done": 0, "total": t, "not_applicable": 0}]
    elif typ == "rate":
        top = Decimal(100) if fd.get("bounded", True) else Decimal(MAX_PERCENT)
        out += [{"percent": p} for p in sorted(set(_percent_edges(sorted(plan.rates.get(fid, ())))) | {top}) if p <= top]
        out += [{"num": 0, "den": 0}]
    return out


def _ascend(plan: Plan, facts_record: dict, manual: dict) -> dict:
    """Coordinate ascent on (grade, total) under the oracle: two passes over the facts."""
    ref = plan.ref
    data = copy.deepcopy(facts_record)
    data["documents"] = list(data["documents"])

    def value(d) -> tuple:
        out = ref.score(d, manual)
        return (plan.rank(out.grade) if out.grade else Decimal(-1), out.total)

    best = value(data)
    for _ in range(2):
        for fid, fd in ref.facts.items():
            keep = data["facts"].get(fid, _ABSENT)
            for cand in _candidates(plan, fid, fd, data["facts"]):
                data["facts"][fid] = cand
                pair = next(((num, den) for num, den, _ in plan.pairs if fid == den), None)
                old_num = data["facts"].get(pair[0], _ABSENT) if pair else _ABSENT
                if pair and isinstance(cand, int):
                    data["facts"][pair[0]] = cand  # the numerator follows: a full rate
                elif pair:
                    data["facts"].pop(pair[0], None)
                got = value(data)
                if got > best:
                    best, keep = got, cand
                    if pair:
                        old_num = data["facts"].get(pair[0], _ABSENT)
                if pair:
                    if old_num is _ABSENT:
                        data["facts"].pop(pair[0], None)
                    else:
                        data["facts"][pair[0]] = old_num
            if keep is _ABSENT:
                data["facts"].pop(fid, None)
            else:
                data["facts"][fid] = keep
    return data["facts"]


_ABSENT = object()
_BEST: dict = {}   # pack (its repr) → best facts


def _best(ch: Chooser, plan: Plan, year: int):
    """A "best" record: the oracle's best facts, with the facts a veto reads (each 1 in 3) and a few
    others (PERTURB) taken from a mixed record of the same year, pairs of counts moved together."""
    mixed, manual = build(ch, plan, ("mixed",), year=year)
    facts = dict(plan.best_facts())
    groups = mixed["ward"].pop("residential_groups", None)
    if groups is not None:
        mixed["facts"]["ward.residential_groups"] = groups
    partner = {}
    for num, den, _ in plan.pairs:
        partner[num], partner[den] = den, num
    ids = list(plan.ref.facts)
    chosen = {f for f in plan.vetoed if ch.integer(0, 2) == 0}
    chosen.update(ch.shuffled(ids)[:ch.choice(PERTURB)])
    for fid in sorted(chosen | {partner[f] for f in chosen if f in partner}):
        if fid in mixed["facts"]:
            facts[fid] = mixed["facts"][fid]
        else:
            facts.pop(fid, None)
    for num, den, _ in plan.pairs:  # keep every part within its whole (a mixed value may meet a best one)
        n, d = facts.get(num), facts.get(den)
        n = n.get("value") if isinstance(n, dict) else n
        d = d.get("value") if isinstance(d, dict) else d
        if isinstance(n, int) and not isinstance(n, bool) and isinstance(d, int) and not isinstance(d, bool) and n > d:
            facts[num] = d
    quarter = mixed["period"].get("quarter")
    firsts = {did: min((plan.ref.resolve(r, year, quarter) for r in plan.documents.get(did, ())), default=date(year, 1, 1))
              for did in plan.ref.pack["vocabulary"].get("documents") or {}}
    documents = [d for d in mixed["documents"] if ch.integer(0, 3) == 0]  # a few mixed documents …
    kept = {d["id"] for d in documents}
    for did, when in firsts.items():  # … the others on their first deadline
        if did not in kept:
            documents.append({"id": did, "number": f"{len(documents) + 1}/KH-UBND",
                              "issued_on": _written_date(ch, when), "sent_on": _written_date(ch, when)})
    data = {"ward": mixed["ward"], "period": dict(mixed["period"]), "documents": ch.shuffled(documents), "facts": facts}
    return data, manual


def build(ch: Chooser, plan: Plan, profiles=PROFILES, year: int | None = None):
    """One (record data, manual points) pair."""
    ref = plan.ref
    profile = ch.choice(profiles)
    year = ch.choice(YEARS) if year is None else year
    if profile == "best":
        return _best(ch, plan, year)
    kinds = ref.meta.get("applies_to") or ["phuong"]
    ward = {"name": "Phường Thử", "province": ref.meta["jurisdiction"]["province"], "kind": ch.choice(kinds)}
    quarter = ch.choice((1, 2, 3, 4)) if ref.meta.get("period_kind") == "quarter" else None  # a quarterly pack
    facts: dict = {}
    dens = plan.dens()

    def state():
        if profile in ("max", "zero"):
            return "present"
        if profile in ("missing", "na"):
            return profile
        return ch.choice(("present", "present", "present", "present", "missing", "na"))

    values: dict = {}
    nums = {num for num, _, _ in plan.pairs}
    for fid, fd in ref.facts.items():
        if fid in nums:
            continue  # drawn below, bounded by their denominator
        s = state()
        if s == "missing":
            continue
        if s == "na":
            facts[fid] = _na(ch)
            continue
        typ = fd["type"]
        if typ == "count":
            n = {"max": MAX_COUNT, "zero": 0}.get(profile)
            if n is None:
                n = ch.choice(sorted(DENOMINATORS if fid in dens else plan.counts[fid]))
            values[fid] = n
            facts[fid] = _count(ch, n)
        elif typ == "yesno":
            flag = {"max": True, "zero": False}.get(profile)
            flag = ch.boolean() if flag is None else flag
            facts[fid] = flag if ch.boolean() else {"value": flag}
        elif typ == "checklist":
            total = fd["total"]
            if profile == "max":
                done, na = total, 0
            elif profile == "zero":
                done, na = 0, 0
            else:
                na = ch.integer(0, total)
                done = ch.integer(0, total - na)
            facts[fid] = {"done": done, "total": total, "not_applicable": na}
        elif typ == "rate":
            facts[fid] = _rate(ch, profile, sorted(plan.rates.get(fid, ())), fd.get("bounded", True))
    for num, den, marks in plan.pairs:
        if num in facts or num in values:
            continue
        s = state()
        if s == "missing":
            continue
        if s == "na":
            facts[num] = _na(ch)
            continue
        d = values.get(den)
        if profile == "max":
            n = d if d is not None else MAX_COUNT
        elif profile == "zero":
            n = 0
        else:
            n = ch.choice(_numerators(d, marks, True) if d is not None else sorted(plan.counts.get(num, {0, 1})))
        values[num] = n
        facts[num] = _count(ch, n)
    if "ward.residential_groups" in facts and ch.boolean():
        groups = facts["ward.residential_groups"]
        n = groups if isinstance(groups, int) else groups.get("value") if isinstance(groups, dict) else None
        if n is not None:  # only a count can live in the ward block; not applicable stays a fact
            ward["residential_groups"] = n
            del facts["ward.residential_groups"]
    documents = []
    for did in ref.pack["vocabulary"].get("documents") or {}:
        if profile in ("missing", "na", "zero"):
            continue
        if profile == "mixed" and not ch.choice((True, True, True, False)):
            continue
        if profile == "max":
            firsts = [ref.resolve(r, year, quarter) for r in sorted(plan.documents.get(did, ()))]
            issued = sent = min(firsts, default=date(year, 1, 1))
        else:
            pool = _dates_for(plan, did, year, quarter)
            issued, sent = ch.choice(pool), ch.choice(pool)
            if issued is not None and sent is not None and sent < issued:
                issued, sent = sent, issued
        doc = {"id": did, "number": f"{len(documents) + 1}/KH-UBND"}
        for key, d in (("issued_on", issued), ("sent_on", sent)):
            if d is not None:
                doc[key] = _written_date(ch, d)
        documents.append(doc)
    manual = {}
    for iid, (mx, step) in plan.manual.items():
        k = ch.choice((None,) + tuple(range(int(mx / step) + 1)))
        if k is not None:
            manual[iid] = (step * k, "thẩm định thử")
    period = {"year": year, **({"quarter": quarter} if quarter else {})}
    data = {"ward": ward, "period": period, "documents": ch.shuffled(documents), "facts": facts}
    return data, manual


def _rate(ch: Chooser, profile: str, marks, bounded: bool):
    top = Decimal(100) if bounded else Decimal(MAX_PERCENT)
    if profile == "max":
        return {"percent": top} if ch.boolean() else {"num": MAX_COUNT, "den": MAX_COUNT}
    if profile == "zero":
        return {"percent": Decimal(0)} if ch.boolean() else {"num": 0, "den": ch.choice((0, 1, 16))}
    if ch.boolean():
        pool = [p for p in _percent_edges(marks) if p <= top]
        if not bounded:
            pool += [Decimal("151"), Decimal("100.57"), top]
        return {"percent": ch.choice(pool)}
    den = ch.choice(DENOMINATORS)
    if den == 0:
        return {"num": 0 if bounded else ch.choice((0, 5)), "den": 0}
    return {"num": ch.choice(_numerators(den, marks, bounded)), "den": den}
