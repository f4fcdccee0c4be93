"""The reference evaluator: a pack (plain data from `packfile.load`) scores a record (plain data, the
written forms of docs/rule-format.md §4) by the rules of docs/rule-format.md §3–§8.

Written for obviousness, not speed: every comparison is on exact `Fraction`s of the written values
(a rate is num/den or percent/100, a threshold is the written percent), dates are real `date`s, and
nothing is scaled to integers. Where the engine's discretisation could differ from the written
semantics, this file follows the writing; the differential test then shows the difference.
"""
from __future__ import annotations

import ast
import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Optional

from .packfile import number

UNIT_MONTHS = {"quarter": 3, "half": 6}
RESULT_REF = re.compile(r"\b(points|max)\(\s*([A-Za-z][\w.\-/]*)\s*\)")  # TC2.1 is not a Python name


class OracleError(Exception):
    """The pack or record uses something outside the documented format."""


# -- the record's written forms (§4) ------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    kind: str                      # count | yesno | rate | checklist | na
    count: int = 0
    flag: bool = False
    ratio: Optional[Fraction] = None   # rate: num/den or percent/100; None when den == 0
    done: int = 0
    total: int = 0
    na_items: int = 0


META = {"source", "note", "reason", "confidence", "review"}


def read_value(raw: Any) -> Value:
    """One written fact value as the format describes it."""
    if raw == "not_applicable":
        return Value("na")
    if isinstance(raw, bool):
        return Value("yesno", flag=raw)
    if isinstance(raw, int):
        return Value("count", count=raw)
    if not isinstance(raw, dict):
        raise OracleError(f"not a documented fact value: {raw!r}")
    keys = set(raw) - META
    if "done" in keys:
        return Value("checklist", done=raw["done"], total=raw["total"], na_items=raw.get("not_applicable", 0))
    if "num" in keys:
        den = raw["den"]
        return Value("rate", ratio=Fraction(raw["num"], den) if den else None)
    if "percent" in keys:
        return Value("rate", ratio=Fraction(Decimal(raw["percent"])) / 100)
    if "value" in keys:
        return read_value(raw["value"])
    if raw.get("not_applicable") is True:
        return Value("na")
    raise OracleError(f"not a documented fact value: {raw!r}")


def read_date(raw: Any) -> Optional[date]:
    if raw is None or isinstance(raw, date):
        return raw
    text = str(raw).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise OracleError(f"not a date: {raw!r}")


def kind_word(text: str) -> str:
    """A unit kind as the format reads it: 'Phường', 'xã', 'Sở, ngành', 'so_nganh' → one word."""
    import unicodedata

    t = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d").replace("Đ", "d")
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[\s,_]+", "_", t).strip("_")


class Record:
    def __init__(self, data: dict):
        self.data = data
        self.year: int = data["period"]["year"]
        self.quarter: Optional[int] = data["period"].get("quarter")
        self.facts = {k: read_value(v) for k, v in (data.get("facts") or {}).items()}
        groups = (data.get("ward") or {}).get("residential_groups")
        if "ward.residential_groups" not in self.facts and groups is not None:
            self.facts["ward.residential_groups"] = Value("count", count=groups)

    def fact(self, fid: str) -> Optional[Value]:
        return self.facts.get(fid)

    def document(self, did: str) -> Optional[dict]:
        return next((d for d in self.data.get("documents") or [] if d["id"] == did), None)


# -- outcome -------------------------------------------------------------------------------------

@dataclass
class Outcome:
    points: dict = field(default_factory=dict)   # item id, and "item/part" for parts → points shown
    raw_total: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    grade: str = ""
    vetoes: dict = field(default_factory=dict)   # veto id → holds


# -- the evaluator -------------------------------------------------------------------------------

def points_word(word: Any, max_points: Decimal) -> Decimal:
    """`full` | `zero` | a number of points (not_applicable, zero_denominator, none_applicable)."""
    if word == "full":
        return max_points
    if word == "zero":
        return Decimal(0)
    return number(word)


def rounded(value: Fraction, rounding: dict) -> Decimal:
    step = number(rounding.get("step", "0.01"))
    mode = rounding.get("mode", "down")
    units = value / Fraction(step)
    if mode == "down":
        n = math.floor(units)
    elif mode == "up":
        n = math.ceil(units)
    elif mode == "half_up":
        n = math.floor(units + Fraction(1, 2))
    else:
        raise OracleError(f"unknown rounding mode {mode!r}")
    return step * n


class Reference:
    def __init__(self, pack: dict):
        self.pack = pack
        self.meta = pack["pack"]
        self.facts = pack["vocabulary"].get("facts") or {}
        self.params = {k: v["date"] for k, v in (pack.get("parameters") or {}).items()}
        self.rounding = self.meta.get("rounding") or {}

    # dates ---------------------------------------------------------------------------------------
    def resolve(self, ref: str, year: int, quarter: Optional[int] = None) -> date:
        text = self.params.get(ref, ref)
        m = re.fullmatch(r"(year|quarter|half)(?:([+-])(\d+))?-(\d{2})-(\d{2})", str(text).strip())
        if not m:
            raise OracleError(f"not a relative date: {text!r}")
        offset = int(m[3]) * (1 if m[2] == "+" else -1) if m[2] else 0
        month, day = int(m[4]), int(m[5])
        if m[1] != "year":  # §3: the month counts inside the record's quarter or its half-year
            if quarter is None:
                raise OracleError(f"{text!r} needs a quarter")
            first = self.first_month(m[1], quarter)
            y, m0 = divmod(year * 12 + first + offset * UNIT_MONTHS[m[1]] + month - 1, 12)
            return date(y, m0 + 1, min(day, calendar.monthrange(y, m0 + 1)[1]))
        y = year + offset
        if month == 2 and day == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
            day = 28
        return date(y, month, day)

    @staticmethod
    def first_month(unit: str, quarter: int) -> int:
        """Months from January to the record's quarter (unit quarter) or its half-year (unit half)."""
        return 3 * (quarter - 1) if unit == "quarter" else (0 if quarter <= 2 else 6)

    def unit_of(self, item: dict) -> str:
        refs = [t["by"] for t in item.get("tiers") or []] + [item[k] for k in ("not_before", "not_after") if item.get(k)]
        units = {re.split(r"[-+]", str(self.params.get(r, r)).strip())[0] for r in refs}
        return units.pop() if len(units) == 1 else "year"

    def too_far(self, when: date, item: dict, rec: Record) -> bool:
        """A date more than 9 years from the period (in quarters or half-years for such deadlines)."""
        unit = self.unit_of(item)
        if unit == "year":
            return abs(when.year - rec.year) > 9
        months = when.year * 12 + when.month - 1 - (rec.year * 12 + self.first_month(unit, rec.quarter))
        return abs(months // UNIT_MONTHS[unit]) > 9 * (12 // UNIT_MONTHS[unit])

    # inputs --------------------------------------------------------------------------------------
    def measure(self, on: Any, rec: Record):
        """('missing'|'na'|'zero', None) or ('value', x): a count as itself, a rate as a percent."""
        if isinstance(on, dict):
            a, b = rec.fact(on["num"]), rec.fact(on["den"])
            if a is None or b is None:
                return "missing", None
            if a.kind == "na" or b.kind == "na":
                return "na", None
            if b.count == 0:
                return "zero", None
            return "value", Fraction(a.count, b.count) * 100
        v = rec.fact(on)
        if v is None:
            return "missing", None
        if v.kind == "na":
            return "na", None
        if self.facts[on]["type"] == "count":
            return "value", Fraction(v.count)
        if v.ratio is None:
            return "zero", None
        return "value", v.ratio * 100

    # methods -------------------------------------------------------------------------------------
    def item_points(self, item: dict, rec: Record, manual: dict, out: dict) -> Decimal:
        return self.evaluate(item, rec, manual, out, item["id"])[0]

    def evaluate(self, item: dict, rec: Record, manual: dict, out: dict, path: str):
        """(points, exact, unrounded, state) of an item or part; parts are recorded in `out` under
        their path ("item/part/sub"). §6 composites: `exact` is what an average reads of a part (a
        proportional/checklist product before rounding), `unrounded` an average's (or a composite
        holding one's) value before its single rounding; state: given | missing | na | pending."""
        method = item["method"]
        mx = number(item["max"])
        if method in ("sum", "best_of", "average"):
            parts = []
            for part in item["parts"]:
                r = self.evaluate(part, rec, manual, out, f"{path}/{part['id']}")
                out[f"{path}/{part['id']}"] = r[0]
                parts.append((part, r))
            states = {r[3] for _, r in parts}
            state = next(x for x in ("pending", "given", "missing", "na") if x in states)
            value = [r[2] if r[2] is not None else Fraction(r[0]) for _, r in parts]
            if method == "sum":
                if all(r[2] is None for _, r in parts):
                    total = sum((r[0] for _, r in parts), Decimal(0))
                    return total, Fraction(total), None, state
                total = sum(value, Fraction(0))
                points = rounded(total, self.rounding)
                return points, total, total, state
            if method == "best_of":
                i = value.index(max(value))
                return parts[i][1][0], value[i], parts[i][1][2], state
            over = item.get("over", "all")
            counted = [(p, r) for p, r in parts if over == "all" or r[3] != "na"]
            if not counted:
                points = points_word(item.get("none_applicable", "full"), mx)
                return points, Fraction(points), None, state
            shares = [(r[2] if r[2] is not None else r[1]) / Fraction(number(p["max"])) for p, r in counted]
            exact = Fraction(mx) * sum(shares, Fraction(0)) / len(shares)
            points = rounded(exact, item.get("rounding") or self.rounding)
            return points, exact, exact, state
        fn = getattr(self, f"m_{method}", None)
        if fn is None:
            raise OracleError(f"unknown method {method!r}")
        na = points_word(item.get("not_applicable", "zero"), mx)
        self._exact, self._state = None, "given"
        points = fn(item, mx, na, rec, manual)
        exact = self._exact if self._exact is not None else Fraction(points)
        return points, exact, None, self._state

    def _states(self, state: str) -> None:
        """The state of the leaf just scored, for an average over applicable parts."""
        self._state = {"missing": "missing", "na": "na"}.get(state, "given")

    def m_tiers(self, item, mx, na, rec, manual) -> Decimal:
        state, x = self.measure(item["on"], rec)
        self._states(state)
        if state == "missing":
            return Decimal(0)
        if state == "na":
            return na
        if state == "zero":
            return points_word(item.get("zero_denominator", "zero"), mx)
        def bound(t, key):
            return Fraction(number(t[key])) if key in t else None

        tiers = sorted(item["tiers"], key=lambda t: bound(t, "min") or 0)
        for i, t in enumerate(tiers):
            lo, hi = bound(t, "min"), bound(t, "max")
            if lo is not None and x < lo:
                continue
            if hi is not None and x > hi:
                continue
            if hi is None and i + 1 < len(tiers):
                following = bound(tiers[i + 1], "min")  # a min-only tier reaches up to the next tier's min
                if following is not None and x >= following:
                    continue
            return number(t["points"])
        return number(item.get("otherwise", 0))

    def m_document_deadline(self, item, mx, na, rec, manual) -> Decimal:
        doc = rec.document(item["document"])
        if doc is None:
            self._states("missing")
            return Decimal(0)
        when = read_date(doc.get(item.get("date", "issued_on")))
        present = number(item.get("present", 0))
        if when is None:
            return Decimal(0)  # no date proves the period or the deadline: as the worst date (out: 0)
        if self.too_far(when, item, rec):
            return Decimal(0)
        if item.get("not_before") and when < self.resolve(item["not_before"], rec.year, rec.quarter):
            return Decimal(0)
        if item.get("not_after") and when > self.resolve(item["not_after"], rec.year, rec.quarter):
            return Decimal(0)
        for t in item.get("tiers") or []:
            if when <= self.resolve(t["by"], rec.year, rec.quarter):
                return number(t["points"])
        return present

    def m_yes_no(self, item, mx, na, rec, manual) -> Decimal:
        v = rec.fact(item["fact"])
        self._states("missing" if v is None else v.kind)
        if v is None:
            return Decimal(0)
        if v.kind == "na":
            return na
        return number(item["points"]) if v.flag else number(item.get("no", 0))

    def m_proportional(self, item, mx, na, rec, manual) -> Decimal:
        on = item["on"]
        target = item.get("target")
        if isinstance(on, str) and self.facts[on]["type"] != "rate" and target is None:
            raise OracleError("proportional needs a rate, or a count and a target")
        state, pct = self.measure(on, rec)
        self._states(state)
        if target is not None and state == "value":
            pct = pct / Fraction(number(target)) * 100   # a count against the decision's target
        if state == "missing":
            return Decimal(0)
        if state == "na":
            return na
        if state == "zero":
            return points_word(item.get("zero_denominator", "zero"), mx)
        ratio = min(pct / 100, Fraction(1))
        self._exact = Fraction(mx) * ratio
        return rounded(Fraction(mx) * ratio, item.get("rounding") or self.rounding)

    def m_checklist(self, item, mx, na, rec, manual) -> Decimal:
        v = rec.fact(item["fact"])
        self._states("missing" if v is None else v.kind)
        if v is None:
            return Decimal(0)
        if v.kind == "na":  # §6: the whole list not arisen = every item not arisen (not the item's key)
            return points_word(item.get("none_applicable", "full"), mx)
        if item.get("mode", "share") == "per_item":
            n = v.done + (v.na_items if item.get("not_applicable_counts_as_done", True) else 0)
            return min(mx, number(item["points_each"]) * n)
        applicable = v.total - v.na_items
        if applicable == 0:
            return points_word(item.get("none_applicable", "full"), mx)
        self._exact = Fraction(mx) * Fraction(v.done, applicable)
        return rounded(self._exact, item.get("rounding") or self.rounding)

    def m_per_item(self, item, mx, na, rec, manual) -> Decimal:
        values = [rec.fact(f) for f in item["facts"]]
        present = [v for v in values if v is not None and v.kind != "na"]
        if not present:
            if all(v is None for v in values):
                return Decimal(0)
            return Decimal(0)  # §6 per_item: a fact that did not arise counts as 0 occurrences
        return min(mx, number(item["points_each"]) * sum(v.count for v in present))

    def m_manual(self, item, mx, na, rec, manual) -> Decimal:
        given = manual.get(item["id"])
        self._state = "pending" if given is None else "given"
        return Decimal(0) if given is None else Decimal(given[0])

    # conditions (§8) -----------------------------------------------------------------------------
    def holds(self, text: str, rec: Record, results: Optional[dict] = None) -> bool:
        """`results`: id → points of the criteria, items, parts and 'total' (§8c), once computed."""
        tree = ast.parse(RESULT_REF.sub(r"\1('\2')", text.strip()), mode="eval").body
        self._results = results or {}
        return self._cond(tree, rec)

    def _maxima(self) -> dict:
        out = {c["id"]: number(c["max"]) for c in self.pack["criteria"]}
        items = [(it["id"], it) for c in self.pack["criteria"] for it in c["items"]]
        for sec in ("bonus", "deductions"):
            items += [(it["id"], it) for it in (self.pack.get(sec) or {}).get("items") or []]
        while items:
            path, it = items.pop()
            out[path] = number(it["max"])
            items += [(f"{path}/{p['id']}", p) for p in it.get("parts") or []]
        out["total"] = number(self.meta["max_total"])
        return out

    def _value(self, node) -> Fraction:
        """A term over results, exactly: numbers, points(X), max(X), total, + − × ÷."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("points", "max"):
            ref = node.args[0].value
            if node.func.id == "max":
                return Fraction(self._maxima()[ref])
            return Fraction(self._results[ref])
        if isinstance(node, ast.Name) and node.id == "total":
            return Fraction(self._results["total"])
        if isinstance(node, ast.BinOp):
            a, b = self._value(node.left), self._value(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b, ast.Div: lambda: a / b}
            return ops[type(node.op)]()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self._value(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        lit = self._literal(node)
        if lit is None:
            raise OracleError(f"outside the language of results: {ast.unparse(node)}")
        return lit

    def _ident(self, node) -> Optional[str]:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        ident = ".".join([node.id] + parts[::-1])
        if ident not in self.facts or self.facts[ident]["type"] not in ("count", "yesno"):
            raise OracleError(f"condition identifier {ident!r} is not a count or yes/no of the vocabulary")
        return ident

    def _literal(self, node) -> Optional[Fraction]:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self._literal(node.operand)
            return None if inner is None else -inner
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return Fraction(Decimal(str(node.value)))
        return None

    def _read(self, ident: str, rec: Record) -> int:
        v = rec.fact(ident)
        if v is None or v.kind == "na":
            return 0
        return int(v.flag) if v.kind == "yesno" else v.count

    def _cond(self, node, rec: Record) -> bool:
        if isinstance(node, ast.BoolOp):
            results = [self._cond(v, rec) for v in node.values]
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not self._cond(node.operand, rec)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and any(
                isinstance(n, ast.Call) or (isinstance(n, ast.Name) and n.id == "total") for n in ast.walk(node)):
            a, b = self._value(node.left), self._value(node.comparators[0])
            return {ast.Gt: a > b, ast.GtE: a >= b, ast.Lt: a < b, ast.LtE: a <= b, ast.Eq: a == b,
                    ast.NotEq: a != b}[type(node.ops[0])]
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right, op = node.left, node.comparators[0], type(node.ops[0])
            if isinstance(left, (ast.Name, ast.Attribute)):
                ident, lit, flipped = self._ident(left), self._literal(right), False
            else:
                ident, lit, flipped = self._ident(right), self._literal(left), True
            if ident is None or lit is None:
                raise OracleError(f"outside the condition language: {ast.unparse(node)}")
            a, b = (lit, self._read(ident, rec)) if flipped else (self._read(ident, rec), lit)
            table = {ast.Gt: a > b, ast.GtE: a >= b, ast.Lt: a < b, ast.LtE: a <= b, ast.Eq: a == b, ast.NotEq: a != b}
            if op not in table:
                raise OracleError(f"operator {op.__name__} not in the condition language")
            return table[op]
        if isinstance(node, (ast.Name, ast.Attribute)):
            ident = self._ident(node)
            if ident is None or self.facts[ident]["type"] != "yesno":
                raise OracleError(f"a bare identifier must be yes/no: {ast.unparse(node)}")
            return self._read(ident, rec) == 1
        raise OracleError(f"outside the condition language: {ast.unparse(node)}")

    # applicability by unit (§5a) ---------------------------------------------------------------
    def applies(self, spec: Optional[dict], rec: Record) -> Optional[bool]:
        """None without a declaration; else whether the unit is inside it. A unit fact the record
        lacks (or gives as not applicable) leaves it undecided, which counts as applying."""
        if spec is None:
            return None
        decl = spec["applies_if"]
        inside = True
        if decl.get("kinds") is not None:
            inside = kind_word(rec.data["ward"].get("kind", "phuong")) in {kind_word(k) for k in decl["kinds"]}
        if decl.get("when") is not None:
            tree = ast.parse(decl["when"].strip(), mode="eval")
            names = {ast.unparse(n) for n in ast.walk(tree) if isinstance(n, (ast.Attribute, ast.Name))
                     and ast.unparse(n) in self.facts}
            if any(rec.fact(i) is None or rec.fact(i).kind == "na" for i in names):
                return True
            inside = inside and self._cond(tree.body, rec)
        return inside

    # the whole record ----------------------------------------------------------------------------
    def score(self, data: dict, manual: Optional[dict] = None) -> Outcome:
        manual = manual or {}
        rec = Record(data)
        out = Outcome()
        pts = out.points
        scaled = False
        excluded = Decimal(0)
        for crit in self.pack["criteria"]:
            c_in = self.applies(crit if "applies_if" in crit else None, rec)
            scaled = scaled or c_in is not None
            for item in crit["items"]:
                i_in = self.applies(item if "applies_if" in item else None, rec)
                scaled = scaled or i_in is not None
                if c_in is False:
                    outside, how = True, crit.get("if_not_applicable", "exclude")
                else:
                    outside, how = i_in is False, item.get("if_not_applicable", "exclude")
                if not outside:
                    pts[item["id"]] = self.item_points(item, rec, manual, pts)
                elif how == "full":
                    pts[item["id"]] = number(item["max"])
                else:
                    pts[item["id"]] = Decimal(0)
                    excluded += number(item["max"])
        criteria_points = sum((p for k, p in pts.items() if "/" not in k), Decimal(0))
        bonus = self.pack.get("bonus") or {}
        room = number(bonus["cap"]) if bonus.get("cap") is not None else None
        for item in bonus.get("items") or []:
            p = self.item_points(item, rec, manual, pts)
            if room is not None:
                p = min(p, room)
                room -= p
            pts[item["id"]] = p
        deductions = self.pack.get("deductions") or {}
        room = number(deductions["cap"]) if deductions.get("cap") is not None else None
        for item in deductions.get("items") or []:
            p = self.item_points(item, rec, manual, pts)
            if room is not None:
                p = min(p, room)
                room -= p
            pts[item["id"]] = -p
        out.raw_total = sum((p for k, p in pts.items() if "/" not in k), Decimal(0))
        to = number(self.meta["max_total"])
        if scaled and excluded:  # the criteria's points brought back to the scale, rounded once
            rescaled = rounded(Fraction(criteria_points) * Fraction(to) / Fraction(to - excluded), self.rounding)
            out.raw_total += rescaled - criteria_points
        out.total = min(to, max(Decimal(0), out.raw_total))
        results = {"total": out.total}
        for crit in self.pack["criteria"]:
            results[crit["id"]] = sum((pts[it["id"]] for it in crit["items"]), Decimal(0))
        for key, p in pts.items():
            results.setdefault(key, p)
        for item in (self.pack.get("deductions") or {}).get("items") or []:
            results[item["id"]] = -pts[item["id"]]  # a deduction is read by the size it took off
        for grade in self.pack["grades"]:
            for veto in grade.get("vetoes") or []:
                out.vetoes[veto["id"]] = self.holds(veto["when"], rec, results)
        bands = sorted(self.pack["grades"], key=lambda g: number(g["min"]), reverse=True)
        for grade in bands:
            if out.total >= number(grade["min"]) and not any(out.vetoes[v["id"]] for v in grade.get("vetoes") or []):
                out.grade = grade["id"]
                break
        # eligibility on dates: a late, undated or missing document caps the grade (`at_most`)
        mins = {g["id"]: number(g["min"]) for g in bands}
        for rule in self.pack.get("eligibility") or []:
            if "when" in rule:  # §8c: on computed results
                late = self.holds(rule["when"], rec, results)
            else:
                doc = rec.document(rule["document"])
                given = read_date(doc.get(rule.get("date", "sent_on"))) if doc else None
                late = given is None or given > self.resolve(rule["later_than"], rec.year, rec.quarter)
            if late and rule.get("at_most") and mins[rule["at_most"]] < mins[out.grade]:
                out.grade = rule["at_most"]
        return out
