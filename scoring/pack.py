"""Rule packs (bộ tiêu chí): loading a YAML file into checked, typed objects.

A pack is data. Nothing in it is executed: methods are chosen by name from `scoring.methods`,
conditions are parsed by `conditions.py` into an allow-listed tree, dates are a tiny grammar
("year-03-31", "year-1-12-01") resolved against the period being scored.
Everything a method needs is checked here, at load, so scoring never meets a malformed rule.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .batch.rules import BatchRules
from .errors import PackError, Problem, did_you_mean
from .vietnamese import fmt_number  # noqa: F401  (re-exported: the one formatter lives there)
from .evidence import UnitKind, translate
from .yamlio import LoadFailure, line_of, load_document_hashed, number_problem

ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,30}$")
PACK_ID_PATTERN = r"^[a-z0-9][a-z0-9\-]{2,80}$"
DATE_SPEC = re.compile(r"^year(?:([+-]\d{1,2}))?-(\d{2})-(\d{2})$")
# The same grammar for a date relative to the scored quarter or to the half-year that holds it:
# 'quarter+1-01-15' is the 15th of the first month of the next quarter, 'quarter-03-31' the last day
# of the quarter (a day past the month's end means its last day), 'half-06-31' the half-year's last.
PERIOD_SPEC = re.compile(r"^(quarter|half)(?:([+-]\d{1,2}))?-(\d{2})-(\d{2})$")
MONTHS_IN = {"year": 12, "quarter": 3, "half": 6}
PERIODS_IN_YEAR = {"year": 1, "quarter": 4, "half": 2}

Points = Decimal


class Rounding(BaseModel):
    """How a computed (not tabled) number of points is rounded: to a multiple of `step`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    step: Decimal = Decimal("0.01")
    mode: Literal["down", "half_up", "up"] = "down"

    @field_validator("step")
    @classmethod
    def _positive(cls, v):
        if v <= 0:
            raise ValueError("step phải > 0")
        return v

    def apply(self, value: Fraction) -> Decimal:
        # value / step as num / den in integers (step > 0, so den > 0): the Fractions this made were
        # a third of every proportional and checklist award.
        sn, sd = self.step.as_integer_ratio()
        num, den = value.numerator * sd, value.denominator * sn
        if self.mode == "down":
            n = num // den
        elif self.mode == "up":
            n = -((-num) // den)
        else:  # half up: floor(units + 1/2)
            n = (2 * num + den) // (2 * den)
        return (Decimal(n) * self.step).normalize() if n else Decimal(0)


class DateSpec(NamedTuple):
    """A date relative to the scored period: its year ('year-03-31', 'year-1-12-01'), or, in packs
    that score quarters, its quarter or the half-year that holds it ('quarter+1-01-15': the 15th of
    the first month of the next quarter; 'half-06-31'). `year_offset` counts in `unit`s.

    Made only by `parse`, which checks every part; a NamedTuple, not a model, so that reading a
    pack's dates builds no validator of its own."""

    year_offset: int
    month: int      # within the unit: 1…12 for a year, 1…3 for a quarter, 1…6 for a half-year
    day: int
    text: str
    unit: Literal["year", "quarter", "half"] = "year"

    @classmethod
    def parse(cls, text: str) -> "DateSpec":
        p = PERIOD_SPEC.match(str(text).strip())
        if p:
            unit, off, mo, d = p.group(1), int(p.group(2) or 0), int(p.group(3)), int(p.group(4))
            limit = 9 * PERIODS_IN_YEAR[unit]
            word = {"quarter": "quý", "half": "nửa năm"}[unit]
            if not -limit <= off <= limit:
                raise ValueError(f"'{text}': lệch {off:+d} {word}, tối đa ±{limit} {word} so với kỳ đánh giá")
            if not 1 <= mo <= MONTHS_IN[unit] or not 1 <= d <= 31:
                raise ValueError(f"'{text}': tháng thứ {mo} của {word} (1…{MONTHS_IN[unit]}), ngày {d} (1…31) không hợp lệ")
            return cls(year_offset=off, month=mo, day=d, text=text, unit=unit)
        m = DATE_SPEC.match(str(text).strip())
        if not m:
            raise ValueError(f"'{text}' không đúng dạng ngày tương đối 'year-MM-DD', 'year-1-MM-DD', hoặc theo quý, "
                             "nửa năm: 'quarter+1-01-15', 'half-06-30'")
        off, mo, d = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
        if not -9 <= off <= 9:  # documents are only dated within ±9 years of the period (date_code)
            raise ValueError(f"'{text}': lệch {off:+d} năm, tối đa ±9 năm so với năm đánh giá")
        try:
            date(2024, mo, d)  # a leap year, so 02-29 is accepted here and clamped in resolve
        except ValueError:
            raise ValueError(f"'{text}': tháng {mo} không có ngày {d}")
        return cls(year_offset=off, month=mo, day=d, text=text)

    def human(self) -> str:
        """'31/03 năm đánh giá', '01/12 năm trước' — worded by render.sentences, like every label."""
        from .render.sentences import date_spec

        return date_spec(self)

    def code(self) -> int:
        """An integer that orders dates within ±9 years of the period without knowing the year (or,
        for a date relative to the quarter or half-year, without knowing which one: `period_code`)."""
        base = 10 if self.unit == "year" else 40
        return (self.year_offset + base) * 10000 + self.month * 100 + self.day

    def resolve(self, year: int, quarter: Optional[int] = None) -> date:
        """The date for a period: its year, and its quarter for a date relative to the quarter or
        half-year (ValueError without one)."""
        if self.unit != "year":
            if quarter is None:
                raise ValueError(f"'{self.text}' là ngày theo quý/nửa năm: cần kỳ đánh giá là một quý")
            months = MONTHS_IN[self.unit]
            first = (quarter - 1) // (4 // PERIODS_IN_YEAR[self.unit]) * months  # months before the unit, 0-based
            k = year * 12 + first + self.year_offset * months + self.month - 1
            y, mo = divmod(k, 12)
            last = (date(y + (mo + 1) // 12, (mo + 1) % 12 + 1, 1) - timedelta(days=1)).day  # the month's last day
            return date(y, mo + 1, min(self.day, last))
        y = year + self.year_offset
        try:
            return date(y, self.month, self.day)
        except ValueError:  # 02-29 in a common year
            return date(y, self.month, 28)


def period_code(d: date, unit: str, year: int, quarter: int) -> Optional[int]:
    """The ordering code of an actual date against dates relative to the record's quarter or half-year
    (`DateSpec.code` with that unit): which unit it falls in counted from the record's, its month
    within that unit, its day. None when it is more than 9 years away."""
    months = MONTHS_IN[unit]
    first = (quarter - 1) // (4 // PERIODS_IN_YEAR[unit]) * months
    k = (d.year * 12 + d.month - 1) - (year * 12 + first)
    off, month = divmod(k, months)
    if not -9 * PERIODS_IN_YEAR[unit] <= off <= 9 * PERIODS_IN_YEAR[unit]:
        return None
    return (off + 40) * 10000 + (month + 1) * 100 + d.day


def date_code(d: date, period_year: int) -> Optional[int]:
    """The same ordering code for an actual date; None when it is too far from the period."""
    off = d.year - period_year
    if not -9 <= off <= 9:
        return None
    return (off + 10) * 10000 + d.month * 100 + d.day


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    date: str
    label: Optional[str] = None

    @field_validator("date")
    @classmethod
    def _spec(cls, v):
        DateSpec.parse(v)
        return v


class FactDef(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    type: Literal["count", "yesno", "rate", "checklist"]
    label: str
    unit: Optional[str] = None
    total: Optional[int] = Field(default=None, ge=1, le=200)
    bounded: bool = True  # a rate above 100% is an error unless the vocabulary says it may be


class DocDef(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    kind: str
    label: str


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    facts: dict[str, FactDef] = {}
    documents: dict[str, DocDef] = {}


class Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str = Field(pattern=PACK_ID_PATTERN)
    version: str
    title: str
    legal_basis: str
    jurisdiction: dict[str, str]
    applies_to: list[UnitKind] = Field(min_length=1)
    period_kind: Literal["year", "quarter", "half"] = "year"
    effective_from: date
    effective_to: Optional[date] = None
    replaces: Optional[str] = None
    # `example`: a worked example for rule authors (rules/examples/), never chosen for a real record
    status: Literal["draft", "in_force", "repealed", "example"]
    note: Optional[str] = None
    max_total: Decimal
    rounding: Rounding = Rounding()
    # A record must name its district (huyện) — only for periods before 01/07/2025, when there was one
    requires_district: bool = False

    @field_validator("applies_to", mode="before")
    @classmethod
    def _kinds(cls, v):
        """'xã', 'đặc khu', 'Sở, ngành' as a decision writes them (see units.KINDS)."""
        from .units import kind_id

        return [kind_id(k) if isinstance(k, str) else k for k in v] if isinstance(v, list) else v

    @field_validator("jurisdiction")
    @classmethod
    def _province(cls, v):
        if "province" not in v:
            raise ValueError("jurisdiction cần khóa 'province'")
        return v

    def in_force_on(self, d: date) -> bool:
        return self.effective_from <= d and (self.effective_to is None or d <= self.effective_to)

    def range_label(self) -> str:
        end = self.effective_to.strftime("%d/%m/%Y") if self.effective_to else "nay"
        return f"{self.effective_from.strftime('%d/%m/%Y')} – {end}"


class AppliesIf(BaseModel):
    """Which units an item or a criterion applies to (issue 13, construct 1): the unit's kind and/or a
    condition on unit facts (`unit.*` facts of the vocabulary), in the condition language of vetoes.
    Both keys optional, at least one required; checked against the pack in `packload` (P022–P024)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kinds: Optional[list[str]] = None  # unit kinds, spelt as in `applies_to` ("phường", "so_nganh")
    when: Optional[str] = None         # e.g. "unit.has_one_stop_desk" or "unit.border_km > 0"


# What an item (or a criterion) that does not apply to a unit gives: `exclude` takes its max out of
# the maximum (the total is rescaled to `max_total`); `full` gives it its max.
NotApplicableTreatment = Literal["exclude", "full"]


class Item(BaseModel):
    """A scored item (nội dung). Method-specific keys are kept in `config` and checked by the method."""

    model_config = ConfigDict(extra="allow", defer_build=True)
    id: str
    title: str
    max: Decimal = Field(ge=0)
    source: Optional[str] = None  # required on top-level items; parts inherit their item's
    method: str
    not_applicable: Union[Literal["full", "zero"], Decimal] = "zero"
    applies_if: Optional[AppliesIf] = None
    if_not_applicable: Optional[NotApplicableTreatment] = None

    @field_validator("id")
    @classmethod
    def _id(cls, v):
        if not ITEM_ID.match(v):
            raise ValueError(f"mã '{v}' chỉ gồm chữ, số, '.', '_' , '-' (tối đa 31 ký tự)")
        return v

    def config(self) -> dict:
        return dict(self.model_extra or {})

    def na_points(self) -> Decimal:
        if self.not_applicable == "full":
            return self.max
        if self.not_applicable == "zero":
            return Decimal(0)
        return Decimal(self.not_applicable)


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    title: str
    max: Decimal
    items: list[Item]
    applies_if: Optional[AppliesIf] = None
    if_not_applicable: Optional[NotApplicableTreatment] = None


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    title: str
    cap: Optional[Decimal] = None
    items: list[Item] = []


class Veto(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    when: str
    reason: str


class Grade(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    label: str
    min: Decimal
    vetoes: list[Veto] = []


class DateRule(BaseModel):
    """Eligibility on a date: a document dated later than a deadline (or without that date, or not
    submitted) makes the unit ineligible for grading (`outcome: ineligible`) or caps its grade
    (`at_most: <grade id>`). Or, written with `when:` instead of `document:`/`later_than:`, the same
    outcomes on a condition over computed results ("points(TC5) < 10"). Checked against the
    vocabulary, parameters, items and grades at load."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str = Field(min_length=1)
    document: Optional[str] = None
    date: Literal["sent_on", "issued_on"] = "sent_on"
    later_than: Optional[str] = None  # a parameter name or 'year-MM-DD'
    when: Optional[str] = None        # a condition over results (points(TC2), max(TC2), total) and facts
    outcome: Optional[Literal["ineligible"]] = None
    at_most: Optional[str] = None
    reason: str = Field(min_length=1)
    source: str = Field(min_length=1)


class PackFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    format: Literal["dvcq-pack/1"]
    pack: Meta
    parameters: dict[str, Parameter] = {}
    vocabulary: Vocabulary
    criteria: list[Criterion]
    bonus: Optional[Section] = None
    deductions: Optional[Section] = None
    grades: list[Grade]
    batch: Optional[BatchRules] = None  # rules over a whole district's batch (quota, ineligibility)
    eligibility: list[DateRule] = []    # rules on dates, applied to each record (score, verify, batch)


class PackDoc:
    """A pack file parsed and shape-checked, before its items are bound to methods.

    What the methods read while they are bound (vocabulary, parameters, rounding, line numbers), so a
    bound method keeps this, never the finished `Pack`. Frozen: nothing may add to it later."""

    def __init__(self, data: PackFile, path: str, sha256: str, lines: dict):
        _set = object.__setattr__
        _set(self, "data", data)
        _set(self, "path", path)
        _set(self, "sha256", sha256)
        _set(self, "lines", lines)
        _set(self, "meta", data.pack)
        _set(self, "vocabulary", data.vocabulary)
        _set(self, "parameters", MappingProxyType({k: DateSpec.parse(v.date) for k, v in data.parameters.items()}))

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} là bất biến: không gán được '{name}'")

    __delattr__ = __setattr__

    # -- lookups used by methods and renderers ---------------------------------------------
    @property
    def id(self) -> str:
        return self.meta.id

    def all_items(self):
        """(section, criterion or None, item, YAML location) in pack order."""
        for ci, c in enumerate(self.data.criteria):
            for ii, it in enumerate(c.items):
                yield "criteria", c, it, ("criteria", ci, "items", ii)
        for sec in ("bonus", "deductions"):
            s = getattr(self.data, sec)
            if s:
                for ii, it in enumerate(s.items):
                    yield sec, None, it, (sec, "items", ii)

    def fact_label(self, fid: str) -> str:
        fd = self.vocabulary.facts.get(fid)
        if fd:
            return fd.label
        dd = self.vocabulary.documents.get(fid)
        return dd.label if dd else fid

    def date_param(self, ref: str, where: str) -> DateSpec:
        if ref in self.parameters:
            return self.parameters[ref]
        try:
            return DateSpec.parse(ref)
        except ValueError:
            hint = did_you_mean(ref, self.parameters)
            raise ValueError(
                f"'{ref}' không phải tham số đã khai báo trong 'parameters' cũng không phải ngày 'year-MM-DD'"
                + (f" ({hint})" if hint else "")
            )

    def line(self, *loc) -> Optional[int]:
        return line_of(self.lines, loc)

    def item_loc(self, item_id: str) -> tuple:
        for ci, c in enumerate(self.data.criteria):
            for ii, it in enumerate(c.items):
                if it.id == item_id:
                    return ("criteria", ci, "items", ii)
        for sec in ("bonus", "deductions"):
            s = getattr(self.data, sec)
            if s:
                for ii, it in enumerate(s.items):
                    if it.id == item_id:
                        return (sec, "items", ii)
        return ()


class Pack(PackDoc):
    """A loaded, checked pack: the file's data, every item bound to its method, the vetoes' parsed
    conditions and the linter's warnings. Built once by `scoring.packload`, never changed after:
    what scoring derives from a pack (its plan, its compiled rules) is kept by the scorer instead."""

    def __init__(self, doc: PackDoc, items, conditions: dict, warnings=(), applicability=(),
                 result_rules: Optional[dict] = None):
        _set = object.__setattr__
        for k, v in doc.__dict__.items():
            _set(self, k, v)
        _set(self, "doc", doc)
        _set(self, "items", tuple(items))  # (section, item, bound method)
        _set(self, "conditions", MappingProxyType(dict(conditions)))
        _set(self, "warnings", tuple(warnings))
        # `applies_if` of criteria and items, checked (applicability.Rule), in pack order
        _set(self, "applicability", tuple(applicability))
        # eligibility rules written with `when:` (conditions over computed results): rule id → condition
        _set(self, "result_rules", MappingProxyType(dict(result_rules or {})))

    def with_warnings(self, warnings) -> "Pack":
        """The same pack with the linter's warnings attached (a new object: packs are frozen)."""
        return Pack(self.doc, self.items, self.conditions, warnings, self.applicability, self.result_rules)

    def result_scope(self) -> dict:
        """Every id a condition over results may name → its maximum: criteria, then items and their
        parts by the ids the trail prints ('TC1.1', 'TC1.1/mo_hinh')."""
        out = {c.id: c.max for c in self.data.criteria}

        def walk(bound):
            out.setdefault(bound.uid, bound.item.max)
            for part in bound.parts:
                walk(part)

        for _, _, bound in self.items:
            walk(bound)
        return out


_TEXT_KEYS = {"kinds", "later_than", "at_most", "outcome", "title", "label", "note", "legal_basis", "source", "reason", "id", "version", "when", "unit",
              "kind", "date", "by", "not_before", "not_after", "replaces", "province", "document", "fact", "mode"}


def _quoted_numbers(value, file: str, lines: dict, path: tuple = ()):
    """Quoted numbers (step: "0.25") reach pydantic as text and become Decimals there, past the YAML
    loader's bounds: refuse here the ones exact arithmetic would never finish ("1e-99999999") or
    that overflow the decimal context ("1e99999999")."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in _TEXT_KEYS:
                yield from _quoted_numbers(v, file, lines, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _quoted_numbers(v, file, lines, path + (i,))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return
        problem = number_problem(value.strip(), number)
        if problem:
            yield Problem(problem, file=file, line=line_of(lines, path), field=".".join(str(x) for x in path))


def _identifier_problems(pf: PackFile, file: str, lines: dict):
    """P012: vocabulary ids and parameter names are ASCII `[a-z0-9_.]`; the other ids (criteria,
    grades, vetoes) may use capitals and '-' but never a look-alike non-ASCII letter."""
    from .idents import ident_problem, non_ascii

    named = [(("vocabulary", sec, k), k) for sec in ("facts", "documents") for k in getattr(pf.vocabulary, sec)]
    named += [(("parameters", k), k) for k in pf.parameters]
    for loc, ident in named:
        msg = ident_problem(ident)
        if msg:
            yield Problem(msg, file=file, line=line_of(lines, loc), field=".".join(map(str, loc)), code="P012")
    others = [(("criteria", ci), c.id) for ci, c in enumerate(pf.criteria)]
    for gi, g in enumerate(pf.grades):
        others.append((("grades", gi), g.id))
        others += [(("grades", gi, "vetoes", vi), v.id) for vi, v in enumerate(g.vetoes)]
    for loc, ident in others:
        bad = non_ascii(ident)
        if bad:
            yield Problem(f"mã '{ident}' chứa ký tự không phải ASCII {bad}", file=file, line=line_of(lines, loc),
                          field=".".join(map(str, loc)) + ".id", code="P012")


_SECTIONS = {"format": "1", "pack": "2", "parameters": "3", "vocabulary": "4", "criteria": "5–6", "bonus": "7",
             "deductions": "7", "grades": "8, 8c", "eligibility": "8a, 8c", "batch": "10 (Recipes)"}


def pack_fields_at(loc: tuple, root: Optional[type] = None) -> list[str]:
    """The keys the pack file (or the model `root`, e.g. a method's keys) allows where the key at `loc`
    was written — its parent's model — for the did-you-mean of a misspelt one (`applies_if: {kind: …}`
    → 'kinds', `tiers: [{min: 95, point: 6}]` → 'points'); [] when no model is there."""
    import typing

    def models(tp):
        """The pydantic models `tp` may hold at this level (through Optional, lists, dicts, unions)."""
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        return [m for arg in typing.get_args(tp) for m in models(arg)]

    def inner(tp):
        """The element type of a list or the value type of a dict, when `tp` is one (through Optional)."""
        out = []
        for arg in typing.get_args(tp) or ():
            origin = typing.get_origin(arg)
            if origin in (list, tuple, dict):
                out.append(typing.get_args(arg)[-1])
            elif arg is not type(None):
                out.extend(inner(arg))
        origin = typing.get_origin(tp)
        if origin in (list, tuple, dict):
            out.append(typing.get_args(tp)[-1])
        return out

    current = [root or PackFile]
    for key in loc[:-1]:
        nxt = []
        for m in current:
            owners = [mm for mm in models(m) if isinstance(key, str) and key in mm.model_fields]
            if owners:
                nxt.extend(mm.model_fields[key].annotation for mm in owners)
            else:  # an index into a list or a key of a dict: the element's type
                nxt.extend(inner(m))
        current = nxt
        if not current:
            return []
    names = [f.alias or n for m in current for mm in models(m) for n, f in mm.model_fields.items()]
    return list(dict.fromkeys(names))


def section_hint(loc: tuple) -> str:
    """Where docs/rule-format.md describes the key at `loc`, for a rule author's next step."""
    top = str(loc[0]) if loc else ""
    if top in _SECTIONS:
        return f"xem docs/rule-format.md, mục {_SECTIONS[top]}"
    return "các phần của tệp: " + ", ".join(_SECTIONS) + " (docs/rule-format.md, mục 1)"


def read_pack_document(path: str | Path) -> tuple[Any, dict, str]:
    """The pack file's plain data, line map and sha256 (PackError naming the file if unreadable)."""
    try:
        return load_document_hashed(Path(path), "tệp bộ tiêu chí")
    except LoadFailure as exc:
        raise PackError([exc.problem])


def parse_pack(name: str, data: Any, lines: dict, sha256: str) -> PackDoc:
    """Shape-check a pack file's data into a frozen `PackDoc`; every problem with file:line."""
    if not isinstance(data, dict):
        raise PackError.one("tệp bộ tiêu chí phải là một bảng khóa: giá trị", file=name, line=1)
    bad_numbers = list(_quoted_numbers(data, name, lines))
    if bad_numbers:
        raise PackError(bad_numbers)
    try:
        pf = PackFile.model_validate(data)
    except ValidationError as exc:
        raise PackError(translate(exc, name, lines, code="P013", hint_of=section_hint, fields=pack_fields_at))
    problems = list(_identifier_problems(pf, name, lines))
    if problems:
        raise PackError(problems)
    return PackDoc(pf, name, sha256, lines)
