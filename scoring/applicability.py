"""Applicability by unit (issue 13, construct 1): criteria and items that apply only to some units.

A pack declares it on a criterion or on an item of a criterion:

    applies_if: {kinds: [so_nganh], when: "unit.has_one_stop_desk"}   # either key optional
    if_not_applicable: exclude                                          # (default) or: full

`kinds` compares the record's `ward.kind`; `when` is a condition in the vetoes' language
(`conditions.py`, ast-checked, never evaluated as code) over *unit facts*: vocabulary facts named
`unit.*` (and `ward.residential_groups`), yes/no or counts. Both are compiled into the pack's
durable ruleset next to the vetoes (`engine.CompiledPack`, one "holds"/"clear" pair per
declaration): the kind is asserted as an integer code, never as text.

What this module owns: checking the declarations at load (P022 kinds, P023 the condition, P024
where the keys may be written) into frozen `Rule`s, and reading the values a rule needs from one
record. A unit fact the record lacks (or gives as "không phát sinh") leaves the rule undetermined:
the criterion or item is then *scored as applying*, the fact is listed as missing evidence and a
warning says so — an absent fact never takes points out of the maximum by itself.
"""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple, Optional

from . import conditions
from .errors import Problem
from .units import KINDS, kind_id

KIND_FIELD = "ward.kind"   # the identifier a kind comparison reads in the compiled rule (not a vocabulary fact)
KIND_CODES = {k: i + 1 for i, k in enumerate(KINDS)}  # asserted as integers: durable compares text loosely
UNIT_PREFIX = "unit."


def is_unit_fact(ident: str) -> bool:
    """A fact about the unit rather than about its year's work: `unit.*`, and the ward block's
    number of residential groups."""
    return ident.startswith(UNIT_PREFIX) or ident == "ward.residential_groups"


class Rule(NamedTuple):
    """One checked `applies_if` of a criterion (level `criterion`) or an item (level `item`)."""

    owner: str                 # the criterion's or the item's id
    level: str                 # criterion | item
    kinds: Optional[tuple]     # kind identifiers, or None
    when: Optional[str]        # the condition as written, or None
    node: object               # conditions tree over KIND_FIELD and the unit facts
    facts: tuple               # the unit facts `when` reads, in order
    treatment: str             # exclude | full
    labels: tuple = ()         # ((fact id, its vocabulary label), …) for the words a reader sees

    @property
    def key(self) -> str:
        """'criterion:TC3' / 'item:TC2.1': a criterion and an item may share an id, their rules may not."""
        return f"{self.level}:{self.owner}"


def declared(doc) -> tuple[list[Rule], list[Problem]]:
    """Every `applies_if` of the pack as a `Rule`, and the problems of the declarations (P022–P024)."""
    rules: list[Rule] = []
    problems: list[Problem] = []
    name = doc.path
    allowed = list(doc.meta.applies_to)

    def bad(code, msg, loc, field, hint=None):
        problems.append(Problem(msg, file=name, line=doc.line(*loc), field=field, code=code, hint=hint))

    def rule_of(owner, level, spec, treatment, loc) -> Optional[Rule]:
        where = f"{owner}.applies_if"
        if spec.kinds is None and spec.when is None:
            bad("P024", f"{owner}: 'applies_if' cần ít nhất một trong 'kinds' (loại đơn vị) hoặc 'when' (điều kiện)",
                loc + ("applies_if",), where)
            return None
        ok, kinds, parts = True, None, []
        if spec.kinds is not None:
            kinds = []
            for k in spec.kinds:
                try:
                    kinds.append(kind_id(k) if isinstance(k, str) else k)
                except ValueError as exc:
                    bad("P022", f"{owner}: {exc}", loc + ("applies_if", "kinds"), f"{where}.kinds")
                    ok = False
                    continue
                if kinds[-1] not in allowed:
                    bad("P022", f"{owner}: loại đơn vị '{k}' không có trong pack.applies_to ({', '.join(allowed)}): "
                        "điều kiện này không bao giờ đúng", loc + ("applies_if", "kinds"), f"{where}.kinds")
                    ok = False
            if not spec.kinds:
                bad("P022", f"{owner}: 'kinds' rỗng", loc + ("applies_if", "kinds"), f"{where}.kinds")
                ok = False
            if ok:
                cmps = tuple(conditions.Cmp(KIND_FIELD, "==", Decimal(KIND_CODES[k])) for k in dict.fromkeys(kinds))
                parts.append(cmps[0] if len(cmps) == 1 else conditions.Or(cmps))
        facts: tuple = ()
        if spec.when is not None:
            try:
                node = conditions.parse(spec.when, doc.vocabulary.facts)
            except ValueError as exc:
                bad("P023", f"{owner}: {exc}", loc + ("applies_if", "when"), f"{where}.when")
                return None
            facts = tuple(conditions.identifiers(node))
            others = [i for i in facts if not is_unit_fact(i)]
            if others:
                units = [f for f in doc.vocabulary.facts if is_unit_fact(f)]
                bad("P023", f"{owner}: điều kiện áp dụng chỉ đọc số liệu về đơn vị (mã bắt đầu bằng 'unit.'), "
                    f"không đọc '{others[0]}'", loc + ("applies_if", "when"), f"{where}.when",
                    hint=("các số liệu về đơn vị: " + ", ".join(units)) if units else
                    "khai báo số liệu về đơn vị trong vocabulary.facts, vd. unit.has_one_stop_desk: {type: yesno, …}")
                return None
            parts.append(node)
        if not ok:
            return None
        node = parts[0] if len(parts) == 1 else conditions.And(tuple(parts))
        labels = tuple((i, doc.vocabulary.facts[i].label) for i in facts if i in doc.vocabulary.facts)
        return Rule(owner, level, tuple(kinds) if kinds is not None else None, spec.when, node, facts,
                    treatment or "exclude", labels)

    def declare(owner: str, level: str, decl, loc: tuple) -> None:
        """A criterion's or an item's own declaration: its rule, or P024 for a treatment without one."""
        if decl.if_not_applicable is not None and decl.applies_if is None:
            bad("P024", f"{owner}: 'if_not_applicable' chỉ dùng kèm 'applies_if'", loc + ("if_not_applicable",),
                f"{owner}.if_not_applicable")
        if decl.applies_if is not None:
            r = rule_of(owner, level, decl.applies_if, decl.if_not_applicable, loc)
            if r:
                rules.append(r)

    for ci, c in enumerate(doc.data.criteria):
        loc = ("criteria", ci)
        declare(c.id, "criterion", c, loc)
        for ii, it in enumerate(c.items):
            iloc = loc + ("items", ii)
            declare(it.id, "item", it, iloc)
            for path in _parts_declaring(it):
                bad("P024", f"{it.id}/{path}: 'applies_if'/'if_not_applicable' chỉ khai báo ở tiêu chí hoặc nội dung "
                    "của tiêu chí, không ở một phần", iloc, f"{it.id}/{path}",
                    hint="đặt applies_if ở nội dung chứa phần này")
    for sec in ("bonus", "deductions"):
        s = getattr(doc.data, sec)
        for ii, it in enumerate(s.items if s else ()):
            if it.applies_if is not None or it.if_not_applicable is not None:
                bad("P024", f"{it.id}: 'applies_if' không dùng cho điểm thưởng, điểm trừ (chúng nằm ngoài thang điểm "
                    "được quy đổi)", (sec, "items", ii), f"{it.id}.applies_if",
                    hint="điểm thưởng/điểm trừ không phát sinh thì cho 0 điểm theo phương pháp của nó")
    return rules, problems


def _parts_declaring(item):
    """Paths of the parts (at any level) that declare applicability: refused — a part's max lies
    inside its item's, and only criteria and their items take points out of the scale."""
    todo = [("", p) for p in (item.config().get("parts") or [])]
    while todo:
        prefix, p = todo.pop(0)
        if not isinstance(p, dict):
            continue
        path = prefix + str(p.get("id", "?"))
        if "applies_if" in p or "if_not_applicable" in p:
            yield path
        todo.extend((path + "/", q) for q in (p.get("parts") or []))


def read(rule: Rule, record) -> tuple[Optional[dict], dict, list]:
    """(the integer values the compiled rule compares, or None when a unit fact is absent; the unit
    facts as the record gives them; the absent ones)."""
    vals: dict = {}
    shown: dict = {}
    missing: list = []
    if rule.kinds is not None:
        vals[KIND_FIELD] = KIND_CODES[record.ward.kind]
    for ident in rule.facts:
        fv = record.fact(ident)
        if fv is None or fv.kind == "not_applicable":
            missing.append(ident)
            shown[ident] = None
        elif fv.kind == "yesno":
            vals[ident] = 1 if fv.flag else 0
            shown[ident] = bool(fv.flag)
        else:
            vals[ident] = fv.value
            shown[ident] = fv.value
    return (None if missing else vals), shown, missing


def outcome(rule: Rule, holds: Optional[bool], record, shown: dict, missing: list) -> dict:
    """The `applicability` data of a criterion or item (the JSON contract's keys; worded by
    render.sentences): `applies`, `treatment` (scored | exclude | full), what was compared."""
    applies = True if holds is None else holds
    return {"applies": applies, "treatment": "scored" if applies else rule.treatment,
            "declared": rule.treatment, "level": rule.level, "owner": rule.owner,
            "condition": {"kinds": list(rule.kinds) if rule.kinds is not None else None, "when": rule.when,
                          "labels": dict(rule.labels)},
            "unit": {"kind": record.ward.kind, "facts": dict(shown)}, "missing": list(missing)}
