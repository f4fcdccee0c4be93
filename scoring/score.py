"""Scoring one record: derive facts → match in the engine → award points → assemble the result.

The engine decides *which* branch of each rule applies; the methods compute *how many* points
that branch gives, exactly. Nothing here prints or exits.
"""
from __future__ import annotations

import os
import threading
from decimal import Decimal
from fractions import Fraction
from typing import Optional

from . import applicability, engine
from .conditions import ResultCondition, identifiers
from .canonical import record_sha256
from .errors import EngineError
from .evidence import LoadedEvidence
from .methods import (MISSING, NA, NODATE, OUT, PENDING, VALUE, ZERO, Award, Bound, CompositeMethod, InputUse,
                      describe_fact)
from .methods._shared import Pair
from .methods.manual import Manual
from .batch.rules import DEFAULT_INELIGIBLE_LABEL
from .pack import Pack
from .result import CriterionResult, GradeResult, ItemResult, Result, VetoResult


class Plan:
    """Everything about a pack that does not depend on the record, computed once per pack."""

    def __init__(self, pack: Pack):
        crit_of = {id(it): (c.id if c is not None else None) for _, c, it, _ in pack.all_items()}
        self.ordered = [(sec, crit_of[id(item)], bound) for sec, item, bound in pack.items]
        self.by_section: dict = {}
        for sec, crit, bound in self.ordered:
            self.by_section.setdefault(crit if sec == "criteria" else sec, []).append(bound)
        self.leaves = [leaf for _, _, b in pack.items for leaf in b.leaves()]
        self.branches = {leaf.uid: leaf.method.branches() for leaf in self.leaves}
        self.by_key = {uid: {b.key: b for b in bs} for uid, bs in self.branches.items()}
        self.labels = self.branches  # every branch of each leaf, for the trail (worded by render.sentences)
        every = [(v.id, pack.conditions[v.id]) for g in pack.data.grades for v in g.vetoes]
        self.vetoes = [(vid, c, identifiers(c)) for vid, c in every if not isinstance(c, ResultCondition)]
        # conditions over computed results (vetoes and `eligibility` rules with `when:`), decided in a
        # second assertion into the engine once the totals exist: (owner, condition, facts it reads)
        self.result_conds = [(vid, c, identifiers(c)) for vid, c in every if isinstance(c, ResultCondition)]
        self.result_conds += [(RESULT_RULE + rid, c, identifiers(c)) for rid, c in pack.result_rules.items()]
        # What `evaluate` asks of every item on every record, answered once per pack (ABC isinstance
        # checks and the "<item>#<branch>" names, made afresh for each of 10,000 records before).
        self.composite = {b.uid for _, _, top in pack.items for b in _walk(top) if isinstance(b.method, CompositeMethod)}
        self.manual = {leaf.uid for leaf in self.leaves if isinstance(leaf.method, Manual)}
        self.rules = {uid: {b.key: f"{uid}#{b.key}" for b in bs} for uid, bs in self.branches.items()}
        self.leaf_list = [(leaf.uid, leaf.method, leaf.uid in self.manual, leaf.item.id) for leaf in self.leaves]
        self.criteria = [(c.id, c.title, c.max, [self.node(b) for b in self.by_section.get(c.id, [])])
                         for c in pack.data.criteria]
        self.bonus = [self.node(b) for b in self.by_section.get("bonus", [])]
        self.deductions = [self.node(b) for b in self.by_section.get("deductions", [])]
        self.bands = sorted(pack.data.grades, key=lambda g: g.min, reverse=True)
        self.grade_bands = tuple((g.id, g.label, g.min) for g in self.bands)
        self.uppers, upper = {}, None
        for g in self.bands:
            self.uppers[g.id] = upper
            upper = g.min
        self.summary = pack_summary(pack)
        # What the vocabulary check asks of the pack for every record (`vocabulary.check`).
        self.used_inputs: list[str] = []  # every identifier the rules read, in pack order
        for leaf in self.leaves:
            for i in leaf.method.inputs():
                if i not in self.used_inputs:
                    self.used_inputs.append(i)
        # then what only a veto or a batch ineligibility rule reads: its absence matters as much
        batch = pack.data.batch
        # applicability by unit: the rules by owner, and whether the totals carry a `scale`
        self.applies = {r.key: r for r in pack.applicability}
        self.scaled = bool(pack.applicability)
        unit_facts = [i for r in pack.applicability for i in r.facts]
        for i in [i for _, _, ids in self.vetoes + self.result_conds for i in ids] + [i for r in (batch.ineligible if batch else ()) for i in r.requires] + unit_facts:
            if i not in self.used_inputs:
                self.used_inputs.append(i)
        # inputs read only by items that apply to some units: `validate` says they may not be needed
        declared = {r.owner for r in pack.applicability}
        self.conditional_inputs: dict[str, list[str]] = {}
        unconditional: set[str] = set()
        for sec, crit, bound in self.ordered:
            owner = bound.uid if bound.uid in declared else crit if sec == "criteria" and crit in declared else None
            for leaf in bound.leaves():
                for i in leaf.method.inputs():
                    if owner is None:
                        unconditional.add(i)
                    elif owner not in self.conditional_inputs.setdefault(i, []):
                        self.conditional_inputs[i].append(owner)
        for i in unconditional:
            self.conditional_inputs.pop(i, None)
        self.pairs = [(leaf.uid, leaf.method.cfg.on) for leaf in self.leaves  # rates built from two counts
                      if isinstance(getattr(leaf.method.cfg, "on", None), Pair)]
        self.dated_documents: dict[str, list[str]] = {}  # document id → the date fields its deadlines read
        dated = [(leaf.method.cfg.document, leaf.method.cfg.date) for leaf in self.leaves
                 if leaf.method.name == "document_deadline"]
        on_dates = [r for r in pack.data.eligibility if r.when is None]
        for doc_id, key in dated + [(r.document, r.date) for r in on_dates]:
            keys = self.dated_documents.setdefault(doc_id, [])
            if key not in keys:
                keys.append(key)
        for r in on_dates:
            if r.document not in self.used_inputs:
                self.used_inputs.append(r.document)
        # eligibility on dates: (rule, its deadline, the band it caps to or None)
        by_id = {g.id: g for g in pack.data.grades}
        self.date_rules = [(r, pack.date_param(r.later_than, r.id), by_id.get(r.at_most) if r.at_most else None)
                           for r in on_dates]
        # eligibility on results: (rule, the band it caps to or None), decided by `result_conds`
        self.result_rules = [(r, by_id.get(r.at_most) if r.at_most else None)
                             for r in pack.data.eligibility if r.when is not None]
        batch = pack.data.batch
        self.quota = batch.quota if batch is not None else None
        self.quota_base = by_id[self.quota.of_at_least].label if self.quota is not None else None
        self.ineligible_label = batch.ineligible_label if batch is not None else DEFAULT_INELIGIBLE_LABEL

    def node(self, bound: Bound) -> "Node":
        leaf = bound.uid not in self.composite
        return Node(bound, [self.node(p) for p in bound.parts],
                    self.by_key[bound.uid] if leaf else None, self.rules[bound.uid] if leaf else None,
                    self.labels[bound.uid] if leaf else None, bound.uid in self.manual)


class Node:
    """One item of the pack with what building its `ItemResult` reads, looked up once per pack:
    `evaluate` builds ~46 results per record, and reaching through the bound item, its model and
    the plan's dictionaries for each was a fifth of the Python around the engine."""

    __slots__ = ("bound", "uid", "method", "id", "title", "max", "source", "method_name", "parts",
                 "by_key", "rules", "labels", "manual")

    def __init__(self, bound: Bound, parts: list, by_key, rules, labels, manual: bool):
        it = bound.item
        self.bound, self.uid, self.method, self.parts = bound, bound.uid, bound.method, parts
        self.id, self.title, self.max, self.source, self.method_name = it.id, it.title, it.max, it.source, it.method
        self.by_key, self.rules, self.labels, self.manual = by_key, rules, labels, manual


def _walk(bound: Bound):
    yield bound
    for p in bound.parts:
        yield from _walk(p)


class Scorer:
    """What scoring derives from a pack and keeps between records: its `Plan` and its durable
    ruleset, owned here rather than written onto the (frozen) pack.

    Keyed by the pack's sha256 and the path it was named by (the result quotes the file name), so
    an edited pack file is a new key. Safe to share between threads: a plan or a ruleset is built
    outside the lock and published under it (a loser's ruleset is freed), and durable's own calls
    are serialised in `engine`. `reset()` frees every ruleset; call it only when no scoring is in
    flight (tests, a server reloading its packs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plans: dict[tuple[str, str], Plan] = {}
        self._compiled: dict[str, engine.CompiledPack] = {}

    def plan(self, pack: Pack) -> Plan:
        key = (pack.sha256, pack.path)
        pl = self._plans.get(key)
        if pl is None:
            built = Plan(pack)
            with self._lock:
                pl = self._plans.setdefault(key, built)
        return pl

    def compiled(self, pack: Pack) -> engine.CompiledPack:
        """The pack's rules inside one durable ruleset (PackError if they exceed the engine's limits).

        Keyed by sha256 alone: the rules do not depend on the file's name."""
        cp = self._compiled.get(pack.sha256)
        if cp is None:
            pl = self.plan(pack)
            built = engine.CompiledPack(pack, [(leaf.uid, pl.branches[leaf.uid]) for leaf in pl.leaves],
                                        [(vid, node) for vid, node, _ in pl.vetoes]
                                        + [(owner, c.tree) for owner, c, _ in pl.result_conds],
                                        [(r.key, r.node) for r in pack.applicability])
            with self._lock:
                cp = self._compiled.setdefault(pack.sha256, built)
            if cp is not built:
                built.close()
        return cp

    def reset(self) -> None:
        with self._lock:
            compiled, self._compiled, self._plans = list(self._compiled.values()), {}, {}
        for cp in compiled:
            cp.close()


SCORER = Scorer()  # the process's scorer: every front end reaches it through `scoring.api`


def plan(pack: Pack) -> Plan:
    return SCORER.plan(pack)


def compile_pack(pack: Pack) -> engine.CompiledPack:
    return SCORER.compiled(pack)


def pack_summary(pack: Pack) -> dict:
    m = pack.meta
    return {
        "id": m.id,
        "version": m.version,
        "title": m.title,
        "legal_basis": m.legal_basis,
        "jurisdiction": dict(m.jurisdiction),
        "status": m.status,
        "effective_from": m.effective_from.isoformat(),
        "effective_to": m.effective_to.isoformat() if m.effective_to else None,
        "note": m.note,
        "file": os.path.basename(pack.path),
        "sha256": pack.sha256,
    }


def evidence_summary(ev: LoadedEvidence) -> dict:
    r = ev.record
    extra = {"made_for": dict(ev.made_for)} if ev.made_for else {}
    return {
        "file": os.path.basename(ev.path),
        "sha256": ev.sha256,
        "ward": r.ward.name,
        "district": r.ward.district,
        "province": r.ward.province,
        "period": r.period.fields(),
        "status": r.status,
        **extra,
    }


def pack_mismatch(pack: Pack, ev: LoadedEvidence) -> Optional[dict]:
    """A workbook generated from another pack (or another version of it) may label figures differently."""
    mf = ev.made_for
    if not mf or mf.get("sha256") in (None, pack.sha256):
        return None
    return {"code": "other_pack", "made_for": {k: mf[k] for k in ("id", "version") if k in mf},
            "pack": pack.id, "version": pack.meta.version}


def evaluate(pack: Pack, ev: LoadedEvidence, manual: Optional[dict] = None, mode: str = "self") -> Result:
    """Score `ev` under `pack`. `manual` maps item id → (points, reason) for verifier-only items."""
    manual = manual or {}
    record = ev.record
    cp = SCORER.compiled(pack)
    pl = SCORER.plan(pack)

    derived = {}
    for uid, method, is_manual, item_id in pl.leaf_list:
        derived[uid] = method.derive(record, manual.get(item_id)) if is_manual else method.derive(record)

    veto_inputs: dict[str, list[InputUse]] = {}
    veto_values: dict[str, dict[str, int]] = {}
    for vid, node, idents in pl.vetoes:
        veto_values[vid], veto_inputs[vid] = _fact_values(idents, record, pack)

    app_read = {key: applicability.read(rule, record) for key, rule in pl.applies.items()}
    fired = cp.run({uid: (d.state, d.measure) for uid, d in derived.items()}, veto_values,
                   {key: vals for key, (vals, _, _) in app_read.items() if vals is not None})
    applies = _applies(pl, record, fired, app_read)
    items: list[ItemResult] = []
    criteria: list[CriterionResult] = []
    for cid, ctitle, cmax, nodes in pl.criteria:
        c_app = applies.get(f"criterion:{cid}")
        c_items = []
        for n in nodes:
            # the criterion's decision when it does not apply; else the item's own, else the criterion's
            own = applies.get(f"item:{n.id}")
            app = c_app if c_app is not None and (not c_app["applies"] or own is None) else own
            if app is not None and not app["applies"]:
                c_items.append(_not_applying(n, cid, app, pack, record))
            else:
                c_items.append(_build(n, "criteria", cid, fired, derived))
                c_items[-1].applicability = app
        items.extend(c_items)
        out = sum([i.max for i in c_items if i.applicability is not None and i.applicability["treatment"] == "exclude"],
                  Decimal(0))
        criteria.append(CriterionResult(cid, ctitle, cmax, sum([i.points for i in c_items], Decimal(0)), c_app, out))
    subtotal = sum([c.points for c in criteria], Decimal(0))
    scale = _scale(pack, items, subtotal) if pl.scaled else None

    bonus_items = [_build(n, "bonus", None, fired, derived) for n in pl.bonus]
    _trim(bonus_items, pack.data.bonus.cap if pack.data.bonus else None, "bonus")
    bonus = sum([b.points for b in bonus_items], Decimal(0))
    items.extend(bonus_items)

    ded_items = [_build(n, "deductions", None, fired, derived) for n in pl.deductions]
    _trim(ded_items, pack.data.deductions.cap if pack.data.deductions else None, "deductions")
    for di in ded_items:
        di.points = -di.points
    deductions = sum([d.points for d in ded_items], Decimal(0))
    items.extend(ded_items)

    raw_total = sum([i.points for i in items], Decimal(0))
    if scale is not None:  # the criteria's points rescaled to the pack's scale; bonus and deductions as they are
        raw_total = scale["rounded"] + bonus + deductions
    max_total = pack.meta.max_total
    total = min(max(raw_total, Decimal(0)), max_total)

    result_inputs: dict[str, list[InputUse]] = {}
    if pl.result_conds:  # the second assertion: conditions over the points just computed
        fired_after, result_inputs = _results_stage(pl, cp, pack, record, criteria, items, total)
        fired.update(fired_after)
        veto_inputs.update((owner, uses) for owner, uses in result_inputs.items() if not owner.startswith(RESULT_RULE))
    grade = _grade(pl, total, fired, veto_inputs)
    grade, date_warnings = _date_rules(pl, record, grade)
    if pl.result_rules:
        grade, more = _result_rules(pl, grade, fired, result_inputs)
        date_warnings.extend(more)
    unknown = [a for a in applies.values() if a["missing"]]
    missing_evidence = _dedupe([m for a in unknown for m in a["missing"]] + [m for i in items for m in i.missing])
    pending = [{"id": i.id, "title": i.title, **i.pending} for i in _with_parts(items) if i.pending]
    warnings = []
    if pack.meta.status == "draft":
        warnings.append({"code": "draft_pack", "pack": pack.id, "note": pack.meta.note})
    mismatch = pack_mismatch(pack, ev)
    if mismatch:
        warnings.append(mismatch)
    if record.status == "in_progress":
        warnings.append({"code": "in_progress"})
    if pending:
        warnings.append({"code": "pending_manual", "items": [{"id": p["id"], "max": p["max"]} for p in pending]})
    for a in unknown:
        warnings.append({"code": "applicability_unknown", "owner": a["owner"], "level": a["level"],
                         "missing": list(a["missing"]), "treatment": a["treatment"]})
    if raw_total != total:
        warnings.append({"code": "total_clamped", "raw_total": raw_total, "max_total": max_total})
    warnings.extend(date_warnings)
    if pl.quota is not None and grade.id == pl.quota.grade and not any(w["code"] == "ineligible" for w in date_warnings):
        warnings.append({"code": "quota", "grade": grade.label, "percent": pl.quota.percent,
                         "of_at_least": pl.quota_base, "source": pl.quota.source})
    missing_points = sum((i.lost for i in items if i.section == "criteria" and i.missing and not i.pending), Decimal(0))
    summary = {**pl.summary, "jurisdiction": dict(pl.summary["jurisdiction"])}  # the caller's own copy
    return Result(summary, evidence_summary(ev), items, criteria, subtotal, bonus, deductions, raw_total,
                  total, max_total, grade, missing_evidence, pending, warnings, mode, missing_points,
                  _record_sha256=lambda: record_sha256(ev), bands=pl.grade_bands, scale=scale,
                  unit_kind=record.ward.kind)


def _applies(pl: Plan, record, fired: dict, app_read: dict) -> dict[str, dict]:
    """Each `applies_if` decided for one record: {"criterion:<id>" | "item:<id>": applicability data}. The
    engine fired exactly one of holds/clear for every rule it was given values for; a rule with an
    absent unit fact was not asserted and counts as applying (see `applicability`)."""
    out = {}
    for key, rule in pl.applies.items():
        vals, shown, missing = app_read[key]
        holds = None
        if vals is not None:
            holds = _held(fired, ("applies", key))
        out[key] = applicability.outcome(rule, holds, record, shown, missing)
    return out


def _not_applying(node: Node, cid: str, app: dict, pack: Pack, record) -> ItemResult:
    """The result of an item its unit is outside of: no branch, no evidence read but the unit facts
    that decided it; 0 points taken out of the maximum (`exclude`) or its max (`full`)."""
    points = node.max if app["treatment"] == "full" else Decimal(0)
    inputs = [describe_fact(i, record.fact(i), pack) for i in app["unit"]["facts"]]
    return ItemResult(node.id, node.title, "criteria", cid, node.max, points, node.source, node.method_name,
                      inputs, None, [], [], None, [], None, [], "not_applicable", None, None, {}, app)


def _scale(pack: Pack, items: list, subtotal: Decimal) -> dict:
    """The criteria's points on the pack's scale when some items were taken out of the maximum:
    raw × max_total / applicable max, exact, rounded once with the pack's rounding. Nothing taken
    out: the raw points as they are (no rounding)."""
    to = pack.meta.max_total
    excluded = [i for i in items if i.section == "criteria" and i.applicability is not None
                and i.applicability["treatment"] == "exclude"]
    applicable = to - sum([i.max for i in excluded], Decimal(0))
    if applicable <= 0:  # lint L011 refuses a pack whose every criterion item can be taken out
        raise EngineError(f"bộ tiêu chí {pack.id}: mọi nội dung đều bị loại khỏi điểm tối đa")
    if applicable == to:  # nothing taken out: the raw points as they are (`exact` made by the JSON, if asked)
        return {"raw": subtotal, "applicable_max": applicable, "to": to, "exact": None, "rounded": subtotal,
                "excluded": [], "rounding": pack.meta.rounding}
    (a, b), (c, d), (e, f) = subtotal.as_integer_ratio(), to.as_integer_ratio(), applicable.as_integer_ratio()
    exact = Fraction(a * c * f, b * d * e)  # raw × to / applicable, one Fraction: three were a fifth of scoring
    rounded = pack.meta.rounding.apply(exact)
    return {"raw": subtotal, "applicable_max": applicable, "to": to, "exact": exact, "rounded": rounded,
            "excluded": [i.id for i in excluded], "rounding": pack.meta.rounding}


def _trim(items: list, cap, section: str) -> None:
    """A section's cap (bonus, deductions), trimmed in pack order so that it is visible on the items
    themselves. Deductions are trimmed on their size, before their sign is applied."""
    if cap is None:
        return
    room = cap
    for it in items:
        if it.points > room:
            it.cap = {"from": it.points, "to": room, "cap": cap}
            if section == "deductions":  # bonus caps keep their historical shape (golden outputs)
                it.cap["section"] = section
            it.points = room
        room -= it.points


def _with_parts(items: list[ItemResult]):
    """Every item and, below it, its parts at every level, in table order: a part reserved to the
    verifier inside a `sum` is pending as much as a whole item is."""
    for it in items:
        yield it
        yield from _with_parts(it.parts)


def _build(node: Node, section: str, criterion: Optional[str], fired: dict, derived: dict) -> ItemResult:
    """One item's result from the branch the engine fired and the fact derived for it.

    A module function, not a closure inside `evaluate`: a closure that calls itself is a reference
    cycle, which kept every record's facts, trail entries and results alive until the garbage
    collector found them, and collecting them was a fifth of an evaluation."""
    if node.parts:  # composite: the parts are items of their own
        parts = [_build(p, section, criterion, fired, derived) for p in node.parts]
        award = node.method.combine([(p.bound, Award(r.points, r.basis)) for p, r in zip(node.parts, parts)],
                                    [r.state for r in parts])
        inputs = [u for r in parts for u in r.inputs]
        missing = [m for r in parts for m in r.missing_all]
        states = {r.state for r in parts}
        state = next(s for s in ("pending", "given", "missing", "not_applicable") if s in states)
        return ItemResult(node.id, node.title, section, criterion, node.max, award.points, node.source,
                          node.method_name, inputs, None, [], _shown(missing, award.points, node.max, section),
                          None, parts, None, missing, state, None, None, award.basis)
    uid = node.uid
    keys = fired.get(uid, ())
    if len(keys) != 1:
        raise EngineError(f"nội dung {uid}: bộ máy luật kích hoạt {len(keys)} nhánh (cần đúng 1): {list(keys)}")
    key = keys[0]
    d = derived[uid]
    branch = node.by_key[key]
    award = node.method.award(branch, d)
    points, top = award.points, node.max
    award.basis["points"] = points  # as awarded, before a bonus cap or a deduction's sign
    missing = [u.id for u in d.inputs if u.state == "missing"]
    res = ItemResult(node.id, node.title, section, criterion, top, points, node.source,
                     node.method_name, d.inputs, node.rules[key], node.labels,
                     _shown(missing, points, top, section), None, [], None, missing,
                     STATE[d.state], branch, d.data, award.basis)
    if node.manual and d.state != "v":
        res.pending = {"max": top, "step": node.method.cfg.step}
    return res


# The engine's states of a leaf fact, as the contract names them: a zero denominator, a date out of
# range or an undated document are evidence given (and scored by their own branch).
STATE = {VALUE: "given", ZERO: "given", OUT: "given", NODATE: "given", MISSING: "missing", NA: "not_applicable",
         PENDING: "pending"}


def _shown(missing: list, points: Decimal, top: Decimal, section: str) -> list:
    """The absent inputs an item names as costing points (none when it lost nothing, or is a deduction)."""
    return _dedupe(missing) if missing and points < top and section != "deductions" else []


def _dedupe(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def _date_rules(pl: Plan, record, grade: GradeResult) -> tuple[GradeResult, list[dict]]:
    """The pack's eligibility rules on dates, applied to one record: (the grade, capped where a rule
    says `at_most`; the warnings that say which rule held and why). A document not submitted, or
    without the date the rule reads, holds the rule as a late one would (it cannot show it was on time)."""
    out: list[dict] = []
    for rule, spec, cap in pl.date_rules:
        doc = record.document(rule.document)
        given = getattr(doc, rule.date) if doc is not None else None
        deadline = spec.resolve(record.period.year, record.period.date_quarter())
        if given is not None and given <= deadline:
            continue
        w = {"rule": rule.id, "reason": rule.reason, "source": rule.source, "document": rule.document,
             "date": rule.date, "given": given.isoformat() if given else None, "deadline": deadline.isoformat(),
             "submitted": doc is not None}
        grade = _rule_outcome(pl, grade, cap, "date_cap", w, out)
    return grade, out


def _held(fired: dict, owner) -> bool:
    """Whether a condition holds: durable fires a rule once per `$or` disjunct that matches ("a or b"
    with both true fires twice), so count distinct branches: exactly one of holds/clear must have fired.
    `owner`: a veto's or result rule's id, or ("applies", "item:<id>" | "criterion:<id>")."""
    keys = sorted(set(fired.get(owner, [])))
    if len(keys) != 1:
        raise EngineError(f"điều kiện {'áp dụng ' + owner[1] if isinstance(owner, tuple) else owner}: "
                          f"bộ máy luật kích hoạt {len(keys)} nhánh (cần đúng 1)")
    return keys[0] == "holds"


def _rule_outcome(pl: Plan, grade: GradeResult, cap, cap_code: str, w: dict, out: list) -> GradeResult:
    """An eligibility rule that held (on a date or on results): ineligible (`cap` None), or the grade
    capped to `cap` when it is above it; the warning appended to `out`."""
    if cap is None:
        out.append({"code": "ineligible", "label": pl.ineligible_label, **w})
    elif cap.min < grade.min:
        out.append({"code": cap_code, "grade": cap.label, "from": grade.label, **w})
        grade = GradeResult(cap.id, cap.label, cap.min, pl.uppers[cap.id], grade.vetoes,
                            grade.capped_from or grade.label, None)
    return grade


def _grade(pl: Plan, total: Decimal, fired: dict, veto_inputs: dict) -> GradeResult:
    bands = pl.bands
    holds = {vid: _held(fired, vid) for vid in veto_inputs}
    vetoes, capped_from, chosen = [], None, None
    uppers = pl.uppers
    for g in bands:
        vs = [VetoResult(v.id, g.id, v.when, v.reason, holds[v.id], veto_inputs[v.id]) for v in g.vetoes]
        vetoes.extend(vs)
        if chosen is None and total >= g.min:
            if any(v.holds for v in vs):
                capped_from = capped_from or g.label
                continue
            chosen = g
    if chosen is None:  # lint guarantees a band with min 0 and no veto; keep the contract anyway
        chosen = bands[-1]
    idx = bands.index(chosen)
    nxt = None
    if idx > 0:
        above = bands[idx - 1]
        blocked = [v.id for v in vetoes if v.grade == above.id and v.holds]
        nxt = {"id": above.id, "label": above.label, "min": above.min,
               "points_needed": max(above.min - total, Decimal(0)), "blocked_by": blocked}
    return GradeResult(chosen.id, chosen.label, chosen.min, uppers[chosen.id], vetoes, capped_from, nxt)


RESULT_RULE = "eligibility:"  # the engine's owner name of an `eligibility` rule written with `when:`


def _fact_values(idents: list, record, pack: Pack) -> tuple[dict, list]:
    """What a condition reads of the record's facts: (ident → the integer the engine compares, the
    trail's inputs). Nothing recorded counts as 0: the condition looks at no occurrence."""
    vals, uses = {}, []
    for ident in idents:
        fv = record.fact(ident)
        uses.append(describe_fact(ident, fv, pack))
        if fv is None or fv.kind == "not_applicable":
            vals[ident] = 0
        elif fv.kind == "yesno":
            vals[ident] = 1 if fv.flag else 0
        else:
            vals[ident] = fv.value
    return vals, uses


def computed_points(criteria: list, items: list, total: Decimal, max_total: Decimal) -> dict:
    """id → (points, max, title) of everything a condition over results may read: criteria, items and
    their parts by their trail ids, a deduction by the size of what it took off, and 'total'."""
    out = {c.id: (c.points, c.max, c.title) for c in criteria}

    def walk(it: ItemResult, uid: str) -> None:  # parts keep their own (unsigned) points
        out.setdefault(uid, (it.points, it.max, it.title))
        for p in it.parts:
            walk(p, f"{uid}/{p.id}")

    for it in items:
        if it.section == "deductions":  # the item's points carry the sign; a condition reads the size
            out[it.id] = (-it.points, it.max, it.title)
        walk(it, it.id)
    out["total"] = (total, max_total, None)
    return out


def _results_stage(pl: Plan, cp, pack: Pack, record, criteria: list, items: list, total: Decimal):
    """Decide the conditions over results in a second assertion into the pack's ruleset: each
    comparison's linear form is computed here exactly (Fractions; durable's arithmetic truncates and
    its floats are binary) and only its sign, an integer, is asserted, with the facts the condition
    reads; durable decides the and/or/not as it does for the vetoes on facts.
    Returns ({owner: branches fired}, {owner: the trail's inputs})."""
    computed = computed_points(criteria, items, total, pack.meta.max_total)
    values: dict = {}
    uses: dict = {}
    for owner, cond, idents in pl.result_conds:
        vals, inputs = _fact_values(idents, record, pack)
        for tid, term in cond.terms:
            vals[tid] = term.sign({i: computed[i][0] for i, _ in term.coeffs})
        for ident in cond.reads():
            got, top, title = computed[ident]
            inputs.append(InputUse(ident, "points", "present", {"points": got, "max": top, "title": title}, got))
        values[owner], uses[owner] = vals, inputs
    return cp.run({}, values), uses


def _result_rules(pl: Plan, grade: GradeResult, fired: dict, uses: dict) -> tuple[GradeResult, list[dict]]:
    """The pack's eligibility rules on results (`when:`), after the grade: (the grade, capped where
    a rule says `at_most`; the warnings that say which rule held and on which points)."""
    out: list[dict] = []
    for rule, cap in pl.result_rules:
        owner = RESULT_RULE + rule.id
        if not _held(fired, owner):
            continue
        read = [({"id": u.id, "points": u.data["points"], "max": u.data["max"]} if u.kind == "points"
                 else {"id": u.id, "value": u.value}) for u in uses[owner]]
        w = {"rule": rule.id, "reason": rule.reason, "source": rule.source, "when": rule.when, "read": read}
        grade = _rule_outcome(pl, grade, cap, "result_cap", w, out)
    return grade, out
