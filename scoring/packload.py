"""Loading a rule pack, in pure steps: parse → bind → lint → compile for the engine.

Each step takes what the one before built and returns a new frozen object (or raises `PackError`
with file:line); none of them writes onto an object it was given. The compiled rules and the
per-pack plan are kept by the scorer (`score.SCORER`), keyed by the pack's bytes, not on the pack.
This module is the only one that knows the order, so `pack`, `methods`, `lint` and `score` import
each other in one direction only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from . import applicability, conditions
from .errors import PackError, Problem, did_you_mean
from .lint import lint
from .methods import bind_item
from .pack import Pack, PackDoc, parse_pack, read_pack_document
from .score import SCORER


def load_pack(path: str | Path) -> Pack:
    """Read, check, bind, lint and compile the pack file at `path` (named as given in messages)."""
    data, lines, sha256 = read_pack_document(path)
    return load_parsed(str(path), data, lines, sha256)


def load_parsed(name: str, data: Any, lines: dict, sha256: str) -> Pack:
    """The same, from a file's already-parsed data (the pack store parses each file once)."""
    pack = bind(parse_pack(name, data, lines, sha256))
    errors, warnings = lint(pack)
    errors.extend(compile_problems(pack))
    if errors:
        raise PackError(errors)
    return pack.with_warnings(warnings)


def bind(doc: PackDoc) -> Pack:
    """Every item bound to its scoring method, every veto's condition parsed; problems with file:line."""
    name = doc.path
    problems: list[Problem] = []
    items: list = []
    seen: dict[str, tuple] = {}
    for section, crit, item, loc in doc.all_items():
        if item.id in seen:
            problems.append(Problem(f"mã '{item.id}' bị trùng", file=name, line=doc.line(*loc), field="id", code="P001"))
            continue
        seen[item.id] = loc
        if not item.source:
            problems.append(Problem(f"nội dung {item.id} thiếu 'source' (căn cứ pháp lý)", file=name,
                                    line=doc.line(*loc), field=f"{item.id}.source", code="P002"))
        try:
            bound = bind_item(item, doc, path_prefix=item.id)
        except PackError as exc:
            for pr in exc.problems:
                pr.file = pr.file or name
                pr.line = pr.line or doc.line(*loc)
            problems.extend(exc.problems)
            continue
        items.append((section, item, bound))
    conds: dict[str, Any] = {}
    scope = Pack(doc, items, {}).result_scope()
    bound_ids = {item.id for _, item, _ in items}
    for _, _, item, _ in doc.all_items():  # an item refused above keeps its id: a condition reading it must
        if item.id not in bound_ids:       # not add "không có tiêu chí hay nội dung" to the item's own error
            scope.setdefault(item.id, item.max)
    for gi, g in enumerate(doc.data.grades):
        for vi, v in enumerate(g.vetoes):
            if v.id in conds:
                problems.append(Problem(f"mã điều kiện loại trừ '{v.id}' bị trùng", file=name,
                                        line=doc.line("grades", gi, "vetoes", vi), field=f"grades.{g.id}.vetoes", code="P011"))
                continue
            try:
                if conditions.reads_results(v.when):  # points(TC2), max(TC2), total: decided after the totals
                    conds[v.id] = conditions.parse_results(v.when, doc.vocabulary.facts, scope, doc.meta.max_total)
                else:
                    conds[v.id] = conditions.parse(v.when, doc.vocabulary.facts)
            except ValueError as exc:
                problems.append(Problem(f"điều kiện loại trừ '{v.id}': {exc}", file=name,
                                        line=doc.line("grades", gi, "vetoes", vi, "when") or doc.line("grades", gi, "vetoes", vi),
                                        field=f"grades.{g.id}.vetoes.{v.id}.when",
                                        code="P025" if isinstance(exc, conditions.ResultTermError) else "P010"))
    if doc.data.batch is not None:
        problems.extend(doc.data.batch.check(doc))
    problems.extend(_date_rule_problems(doc))
    rules, bad_rules = applicability.declared(doc)
    problems.extend(bad_rules)
    results: dict[str, Any] = {}
    for i, rule in enumerate(doc.data.eligibility):
        if rule.when is None:
            continue
        try:
            results[rule.id] = conditions.parse_results(rule.when, doc.vocabulary.facts, scope, doc.meta.max_total)
        except ValueError as exc:
            problems.append(Problem(f"điều kiện xếp loại '{rule.id}': {exc}", file=name,
                                    line=doc.line("eligibility", i, "when") or doc.line("eligibility", i),
                                    field=f"eligibility[{i}].when", code="P025",
                                    hint="điều kiện trên kết quả: xem docs/rule-format.md, mục 8c"))
    if problems:
        raise PackError(problems)
    return Pack(doc, items, conds, applicability=rules, result_rules=results)


def _date_rule_problems(doc: PackDoc) -> list[Problem]:
    """P021: an eligibility rule names a document, a deadline and a grade the pack has, and exactly
    one outcome."""
    out: list[Problem] = []
    grades = [g.id for g in doc.data.grades]
    seen: set[str] = set()
    for i, rule in enumerate(doc.data.eligibility):
        def bad(msg, key=None, hint=None):
            loc = ("eligibility", i) + ((key,) if key else ())
            out.append(Problem(f"điều kiện xếp loại '{rule.id}': {msg}", file=doc.path,
                               line=doc.line(*loc) or doc.line("eligibility", i), hint=hint,
                               field=f"eligibility[{i}]" + (f".{key}" if key else ""), code="P021"))
        if rule.id in seen:
            bad("mã bị trùng", "id")
        seen.add(rule.id)
        on_dates = rule.document is not None or rule.later_than is not None
        if rule.when is not None and on_dates:
            bad("hoặc 'when:' (điều kiện trên kết quả chấm), hoặc 'document:' + 'later_than:' (hạn gửi văn bản), "
                "không dùng cả hai", "when")
        elif rule.when is None and (rule.document is None or rule.later_than is None):
            bad("cần 'document:' và 'later_than:' (hạn gửi văn bản) hoặc 'when:' (điều kiện trên kết quả chấm)",
                "document" if rule.document is None else "later_than")
        elif rule.when is None:
            if rule.document not in doc.vocabulary.documents:
                bad(f"văn bản '{rule.document}' không có trong vocabulary.documents", "document",
                    did_you_mean(rule.document, doc.vocabulary.documents))
            try:
                doc.date_param(rule.later_than, f"eligibility[{i}].later_than")
            except ValueError as exc:
                bad(str(exc), "later_than")
        if (rule.outcome is None) == (rule.at_most is None):
            bad("cần đúng một kết quả: 'outcome: ineligible' (không đủ điều kiện xếp loại) "
                "hoặc 'at_most: <mã mức>' (tối đa mức đó)")
        elif rule.at_most is not None and rule.at_most not in grades:
            bad(f"mức xếp loại '{rule.at_most}' không có trong grades", "at_most", did_you_mean(rule.at_most, grades))
    return out


def compile_problems(pack: Pack) -> list[Problem]:
    """The engine's limits (L008): compiling the pack's rules into durable-rules, kept by the scorer."""
    try:
        SCORER.compiled(pack)
    except Exception as exc:  # PackError from the limits check, or durable refusing the ruleset
        probs = getattr(exc, "problems", None) or [Problem(str(exc))]
        # the engine's own code (E1xx) stays visible beside L008
        return [Problem(pr.message, file=pack.path, line=pack.line(), field=pr.field, code="L008",
                        hint=f"giới hạn {pr.code} của bộ máy luật" if pr.code else None) for pr in probs]
    return []
