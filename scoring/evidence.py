"""The evidence record (hồ sơ minh chứng) a ward submits for one period.

The record is validated in two steps: its *shape* here with pydantic models (types, ranges, dates), and
its *vocabulary* against a rule pack in `vocabulary.py` (which identifiers exist, what type each
is). Shape errors are independent of any pack, so `dvcq validate` can report them even for a
province that has no pack yet.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import EvidenceError, Problem, did_you_mean
from .spellings import (CHECKLIST, MAX_COUNT, MAX_PERCENT, MAX_PERCENT_DECIMALS, META_KEYS, NOT_APPLICABLE_KEY,
                        RATE_PAIR, RATE_PERCENT, VALUE, VALUE_KEYS, is_not_applicable)
from .vietnamese import period_label, period_parts
from .yamlio import LoadFailure, line_of, load_document_hashed

FACT_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")

FactKind = Literal["count", "yesno", "rate", "checklist", "not_applicable"]
UnitKind = Literal["phuong", "xa", "thi_tran", "dac_khu", "so_nganh", "co_quan_cap_tinh"]  # see units.KINDS


def _as_int(v: Any, what: str) -> int:
    """Counts must be whole numbers; strings are refused (the engine must never see '1' for 1)."""
    if isinstance(v, bool):
        raise ValueError(f"{what} phải là số nguyên, không phải true/false")
    if isinstance(v, int):
        n = v
    elif isinstance(v, Decimal) and v.is_finite() and v == v.to_integral_value():
        if abs(v) > MAX_COUNT:  # before int(): int(Decimal("1e+99999999")) would run for hours
            raise ValueError(f"{what} quá lớn (> {MAX_COUNT})")
        n = int(v)
    elif isinstance(v, float) and v.is_integer():
        n = int(v)
    else:
        raise ValueError(f"{what} phải là số nguyên không âm (nhận được {v!r})")
    if n < 0:
        raise ValueError(f"{what} không được âm (nhận được {n})")
    if n > MAX_COUNT:
        raise ValueError(f"{what} quá lớn ({n} > {MAX_COUNT})")
    return n


def _meta(key: str, v: Any) -> Any:
    """The proof keys as the JSON Schema spells them: text is text, review is true/false, confidence
    a number (pydantic's lax mode would take "yes" or "0.5" and an editor would flag them)."""
    if key == "review":
        if not isinstance(v, bool):
            raise ValueError(f"review phải là true hoặc false (nhận được {v!r})")
    elif key == "confidence":
        if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
            raise ValueError(f"confidence phải là số trong khoảng 0–1 (nhận được {v!r})")
    elif not isinstance(v, str):
        raise ValueError(f"{key} phải là chuỗi văn bản (nhận được {v!r})")
    return v


def parse_date(v: Any) -> Any:
    """ISO dates, plus the dd/mm/yyyy form every Vietnamese document uses."""
    if isinstance(v, str):
        m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", v)
        if m:
            d, mo, y = (int(x) for x in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                raise ValueError(f"ngày '{v}' không tồn tại")
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", v)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                raise ValueError(f"ngày '{v}' không tồn tại")
        raise ValueError(f"'{v}' không phải ngày hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)")
    return v


class FactValue(BaseModel):
    """One figure with its proof. The written forms (a bare 5, true, {num, den}, …) become one shape."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: FactKind
    value: Optional[int] = None          # count
    flag: Optional[bool] = None          # yes/no
    num: Optional[int] = None            # rate as counts
    den: Optional[int] = None
    percent: Optional[Decimal] = None    # rate as a stated percentage
    done: Optional[int] = None           # checklist
    total: Optional[int] = None
    na_items: Optional[int] = None
    source: Optional[str] = None
    note: Optional[str] = None
    reason: Optional[str] = None         # why it did not arise
    confidence: Optional[Decimal] = None  # drafts from `dvcq extract`
    review: Optional[bool] = None

    @model_validator(mode="before")
    @classmethod
    def _from_written_form(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and "kind" in raw:
            return raw
        if isinstance(raw, bool):
            return {"kind": "yesno", "flag": raw}
        if isinstance(raw, (int, Decimal, float)):
            return {"kind": "count", "value": _as_int(raw, "giá trị")}
        if isinstance(raw, str):
            if is_not_applicable(raw):
                return {"kind": "not_applicable"}
            raise ValueError(
                f"'{raw}' không phải giá trị hợp lệ: dùng số, true/false, {{num, den}}, {{percent}}, "
                "{done, total, not_applicable} hoặc not_applicable"
            )
        if not isinstance(raw, dict):
            raise ValueError("giá trị phải là số, true/false, chuỗi 'not_applicable' hoặc một bảng khóa: giá trị")
        meta_keys = set(META_KEYS)
        allowed = meta_keys | set(VALUE_KEYS)
        unknown = [k for k in raw if k not in allowed]
        if unknown:
            hint = did_you_mean(str(unknown[0]), allowed)
            raise ValueError(f"khóa '{unknown[0]}' không được phép" + (f" ({hint})" if hint else ""))
        out = {k: _meta(k, raw[k]) for k in META_KEYS if k in raw}
        keys = set(raw) - meta_keys
        na = raw.get(NOT_APPLICABLE_KEY)
        if CHECKLIST[0] in keys or CHECKLIST[1] in keys:
            for k in ("done", "total"):
                if k not in raw:
                    raise ValueError(f"danh mục kiểm tra thiếu '{k}'")
            if isinstance(na, bool):
                raise ValueError("trong danh mục kiểm tra, 'not_applicable' là số nội dung không phát sinh")
            out.update(kind="checklist", done=_as_int(raw["done"], "done"), total=_as_int(raw["total"], "total"),
                       na_items=_as_int(na if na is not None else 0, "not_applicable"))
            extra = keys - {"done", "total", "not_applicable"}
        elif RATE_PAIR[0] in keys or RATE_PAIR[1] in keys:
            for k in RATE_PAIR:
                if k not in raw:
                    raise ValueError(f"tỷ lệ thiếu '{k}' (cần cả tử số num và mẫu số den)")
            out.update(kind="rate", num=_as_int(raw["num"], "num"), den=_as_int(raw["den"], "den"))
            extra = keys - {"num", "den"}
        elif RATE_PERCENT in keys:
            p = raw[RATE_PERCENT]
            if isinstance(p, bool) or not isinstance(p, (int, Decimal)):
                raise ValueError(f"percent phải là số (nhận được {p!r})")
            p = Decimal(p)
            if not p.is_finite() or p < 0:
                raise ValueError(f"percent phải là số không âm (nhận được {p})")
            if p and p.as_tuple().exponent < -MAX_PERCENT_DECIMALS:  # exact arithmetic on 1e-99999999 would not finish
                raise ValueError(f"percent có quá nhiều chữ số thập phân ({p})")
            if p > MAX_PERCENT:
                raise ValueError(f"percent quá lớn ({p})")
            out.update(kind="rate", percent=p)
            extra = keys - {"percent"}
        elif VALUE in keys:
            v = raw[VALUE]
            if isinstance(v, bool):
                out.update(kind="yesno", flag=v)
            else:
                out.update(kind="count", value=_as_int(v, "value"))
            extra = keys - {"value"}
        elif na is True:
            out.update(kind="not_applicable")
            extra = keys - {"not_applicable"}
        else:
            raise ValueError("thiếu giá trị: cần value, {num, den}, percent, {done, total} hoặc not_applicable: true")
        if extra:
            raise ValueError(f"không được kết hợp {sorted(extra)} với dạng giá trị này")
        return out

    @model_validator(mode="after")
    def _consistent(self) -> "FactValue":
        if self.kind == "checklist":
            if self.done + self.na_items > self.total:
                raise ValueError(
                    f"số nội dung đã thực hiện ({self.done}) cộng số không phát sinh ({self.na_items}) "
                    f"vượt tổng số ({self.total})"
                )
        if self.confidence is not None and not (0 <= self.confidence <= 1):
            raise ValueError("confidence phải nằm trong khoảng 0–1")
        return self

    def written(self) -> dict:
        """The canonical written form (what `convert` and the JSON result show)."""
        out: dict[str, Any]
        if self.kind == "count":
            out = {"value": self.value}
        elif self.kind == "yesno":
            out = {"value": self.flag}
        elif self.kind == "rate" and self.percent is not None:
            out = {"percent": self.percent}
        elif self.kind == "rate":
            out = {"num": self.num, "den": self.den}
        elif self.kind == "checklist":
            out = {"done": self.done, "total": self.total, "not_applicable": self.na_items}
        else:
            out = {"not_applicable": True}
        for k in ("reason", "source", "note", "confidence", "review"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        return out


class Ward(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(min_length=1)
    district: Optional[str] = None  # none since 1 July 2025; asked only by older packs
    province: str = Field(min_length=1)
    kind: UnitKind = "phuong"
    code: Optional[int] = None  # the unit's code in the official 2025 list (vietnam-provinces)
    residential_groups: Optional[int] = None
    source: Optional[str] = None

    @field_validator("residential_groups", mode="before")
    @classmethod
    def _groups(cls, v):
        return None if v is None else _as_int(v, "residential_groups")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        """'xã', 'Phường', 'đặc khu' as a clerk writes them, read into the kind's identifier."""
        from .units import kind_id

        return kind_id(v) if isinstance(v, str) else v

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v):
        """A whole number, or the code as the official list prints it, in quotes with its leading
        zeros ('00004'): YAML 1.2 refuses an unquoted 00004, so the quoted form must be read."""
        if isinstance(v, str) and re.fullmatch(r"[0-9]{1,5}", v.strip()):
            return int(v.strip())
        if isinstance(v, str):
            raise ValueError(f"mã đơn vị phải là số trong danh mục 2025, tối đa 5 chữ số (vd. 21548 hoặc '00004'); "
                             f"nhận được {v!r}")
        return None if v is None else _as_int(v, "code")

    @model_validator(mode="after")
    def _official(self):
        """A unit code must be one of the official list, of this province and this kind (the list
        is read only when a record carries a code)."""
        if self.code is None:
            return self
        from .units import official_kind, official_unit, province_key, province_phrase

        unit = official_unit(self.code)
        if unit is None:
            raise ValueError(f"mã đơn vị {self.code:05d} không có trong danh mục đơn vị hành chính 2025")
        from vietnam_provinces import Province

        prov = Province.from_code(unit.province_code).name
        if province_key(prov) != province_key(self.province):
            raise ValueError(f"mã đơn vị {self.code:05d} là {unit.name} của {prov}, "
                             f"không thuộc {province_phrase(self.province)}")
        if official_kind(unit) != self.kind:
            raise ValueError(f"mã đơn vị {self.code:05d} là {unit.name} ({unit.division_type.value}), "
                             f"hồ sơ ghi loại đơn vị '{self.kind}'")
        return self


def period_fields(period) -> dict:
    """{"year", "quarter"[, "half"]} of a period (as `vietnamese.period_parts` reads one), as every
    JSON output writes it: `half` only when set (older results never had it)."""
    year, quarter, half = period_parts(period)
    return {"year": year, "quarter": quarter, **({"half": half} if half else {})}


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    year: int = Field(ge=1945, le=2100)
    quarter: Optional[int] = Field(default=None, ge=1, le=4)
    half: Optional[int] = Field(default=None, ge=1, le=2)  # a half-year: 1 (Jan–Jun) or 2 (Jul–Dec)

    @field_validator("year", "quarter", "half", mode="before")
    @classmethod
    def _strict_int(cls, v):
        return None if v is None else _as_int(v, "năm/quý/nửa năm")

    @model_validator(mode="after")
    def _one_part(self):
        if self.quarter is not None and self.half is not None:
            raise ValueError("kỳ đánh giá là một quý (quarter) hoặc một nửa năm (half), không ghi cả hai")
        return self

    def label(self) -> str:
        return period_label(self)

    def key(self) -> tuple[int, Optional[int], Optional[int]]:
        """(year, quarter, half): one period, hashable and sortable (a batch ranks each apart)."""
        return self.year, self.quarter, self.half

    def fields(self) -> dict:
        return period_fields(self)

    def date_quarter(self) -> Optional[int]:
        """The quarter that dates relative to the quarter or half-year count from: the record's
        quarter, or the first quarter of its half-year (None for a whole year)."""
        return self.quarter or (2 * self.half - 1 if self.half else None)

    def start(self) -> date:
        if self.half:
            return date(self.year, 1 if self.half == 1 else 7, 1)
        return date(self.year, 3 * (self.quarter - 1) + 1, 1) if self.quarter else date(self.year, 1, 1)

    def end(self) -> date:
        if self.half:
            return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)
        if not self.quarter:
            return date(self.year, 12, 31)
        m = 3 * self.quarter
        return date(self.year, m, 30 if m in (6, 9) else 31)


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    number: Optional[str] = None
    issued_on: Optional[date] = None
    sent_on: Optional[date] = None
    issuer: Optional[str] = None
    title: Optional[str] = None
    source: Optional[str] = None
    note: Optional[str] = None
    confidence: Optional[Decimal] = None
    review: Optional[bool] = None

    _dates = field_validator("issued_on", "sent_on", mode="before")(classmethod(lambda cls, v: parse_date(v)))


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    text: str
    source: Optional[str] = None


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    schema_: Optional[str] = Field(default=None, alias="schema")
    ward: Ward
    period: Period
    status: Literal["final", "in_progress"] = "final"
    documents: list[Document] = []
    facts: dict[str, FactValue] = {}
    notes: list[Note] = []
    extraction: Optional[dict[str, Any]] = None  # kept by drafts from `dvcq extract`

    @field_validator("facts", mode="before")
    @classmethod
    def _fact_ids(cls, v):
        if v is None:
            return {}
        if isinstance(v, dict):
            for k in v:
                if not isinstance(k, str) or not FACT_ID.match(k):
                    from .idents import non_ascii

                    bad = non_ascii(str(k))
                    raise ValueError(f"mã số liệu '{k}' không đúng dạng nhom.ten (vd. petitions.settled)"
                                     + (f": chứa ký tự không phải ASCII {bad}" if bad else ""))
        return v

    @field_validator("documents", "notes", mode="before")
    @classmethod
    def _none_is_empty(cls, v):
        return [] if v is None else v

    def fact(self, fid: str) -> Optional[FactValue]:
        """A fact by id; `ward.residential_groups` lives in the ward block but reads like any fact."""
        if fid == "ward.residential_groups" and fid not in self.facts and self.ward.residential_groups is not None:
            # values of the validated ward block: constructed, not validated again (which would build
            # FactValue's own validator, on every `dvcq score`, for this one fact)
            return FactValue.model_construct(kind="count", value=self.ward.residential_groups, source=self.ward.source)
        return self.facts.get(fid)

    def document(self, did: str) -> Optional[Document]:
        for d in self.documents:
            if d.id == did:
                return d
        return None


@dataclass(repr=False, eq=False)
class LoadedEvidence:
    """A validated record together with where it came from (for messages and the audit hash).

    A plain container, not a model: its parts are made by the loaders (the record validated by
    `Evidence`), and validating them again built a validator on every `dvcq score`."""

    path: str
    sha256: str
    record: Evidence
    lines: Any = field(default_factory=dict)  # a yamlio.LazyLines for YAML: filled only for messages
    made_for: Optional[dict] = None  # {id, version, sha256} of the pack a workbook was generated from
    # A workbook's cells by record field ("facts.x.y" → "phieu.xlsx, trang 'Số liệu', ô E12"): a clerk
    # who typed into a sheet is told the cell, also for faults found later against the pack.
    addresses: Optional[dict] = None
    # The content hash of the record as submitted, when this one is derived from it (the verified copy
    # a review produces): results name the submitted record. None: computed from `record`.
    content_sha256: Optional[str] = None

    def line(self, *loc) -> Optional[int]:
        return line_of(self.lines, loc)

    def place(self, problems: list) -> None:
        """Point workbook problems at their cells (YAML/JSON problems already carry a line)."""
        if self.addresses:
            for pr in problems:
                pr.file = address_of(self.addresses, pr.field) or pr.file


def address_of(addresses: dict, fld: Optional[str]) -> Optional[str]:
    """The cell of `fld` or of its nearest enclosing field ("documents[2].sent_on" = "documents.2.sent_on")."""
    parts = re.sub(r"\[(\d+)\]", r".\1", fld or "").split(".")
    while parts:
        key = ".".join(parts)
        if key in addresses:
            return addresses[key]
        parts.pop()
    return None


_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được phép",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "string_type": "phải là chuỗi văn bản",
    "string_too_short": "không được để trống",
    "date_type": "phải là ngày (YYYY-MM-DD)",
    "date_parsing": "phải là ngày (YYYY-MM-DD)",
    "date_from_datetime_parsing": "phải là ngày hợp lệ (YYYY-MM-DD)",
    "date_from_datetime_inexact": "phải là ngày, không kèm giờ",
    "dict_type": "phải là một bảng khóa: giá trị",
    "list_type": "phải là một danh sách",
    "model_type": "phải là một bảng khóa: giá trị",
    "decimal_parsing": "phải là số",
    "decimal_type": "phải là số",
    "string_unicode": "chứa ký tự Unicode không hợp lệ",
    "too_short": "có quá ít phần tử",
    "too_long": "có quá nhiều phần tử",
    "string_pattern_mismatch": "không đúng dạng quy định",
    "string_too_long": "quá dài",
    "decimal_max_digits": "có quá nhiều chữ số",
    "decimal_max_places": "có quá nhiều chữ số thập phân",
    "finite_number": "phải là số hữu hạn",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "int_from_float": "phải là số nguyên",
    "enum": "không phải giá trị được phép",
    "union_tag_invalid": "không phải dạng được phép",
    "model_attributes_type": "phải là một bảng khóa: giá trị",
    "frozen_instance": "không được thay đổi",
}
# A union's alternatives appear in pydantic's locations ("not_applicable.literal['full','zero']",
# "….decimal"): they are not keys the author wrote, so they are dropped and the alternatives merged.
_UNION_MEMBER = re.compile(r"^(literal\[.*\]|decimal|int|float|str|bool|list\[.*\]|dict\[.*\]|[A-Z]\w*)$")

_FIELDS_BY_MODEL = {
    "": set(Evidence.model_fields) - {"schema_"} | {"schema"},
    "ward": set(Ward.model_fields),
    "period": set(Period.model_fields),
    "documents": set(Document.model_fields),
    "notes": set(Note.model_fields),
}


def _literal_choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" in Vietnamese: "'a', 'b' hoặc 'c'"."""
    return re.sub(r"\s+or\s+(?=')", " hoặc ", expected)


def vietnamese_message(err: dict) -> str:
    """One of pydantic's errors in Vietnamese (what `translate` says for it), for callers that build
    their own problems from `ValidationError.errors()`."""
    return _message(err)


def _message(err: dict) -> str:
    typ = err["type"]
    if typ == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        sym = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}[typ]
        bound = next(iter(err.get("ctx", {}).values()), "")
        return f"phải {sym} {bound} (nhận được {err.get('input')!r})"
    ctx = err.get("ctx") or {}
    if typ == "too_short" and "min_length" in ctx:
        return f"có quá ít phần tử: cần ít nhất {ctx['min_length']} (có {ctx.get('actual_length', 0)})"
    if typ == "too_long" and "max_length" in ctx:
        return f"có quá nhiều phần tử: tối đa {ctx['max_length']} (có {ctx.get('actual_length', '?')})"
    if typ == "literal_error":
        return f"phải là một trong: {_literal_choices(str(err.get('ctx', {}).get('expected', '')))} (nhận được {err.get('input')!r})"
    # never pydantic's English ("Input should be …"): a type we have not worded yet is still said in Vietnamese
    return _MESSAGES.get(typ, f"giá trị không hợp lệ ({typ})")


def translate(exc: ValidationError, file: str, lines: dict, code: Optional[str] = None,
              hint_of=None, fields=None, within: tuple = ()) -> list[Problem]:
    """pydantic's English errors → Vietnamese problems with file:line and the dotted field.

    The alternatives of a union (a key taking a word or a number) are merged into one problem.
    `code` and `hint_of(loc)` let a caller (the pack loader) give every problem its code and a hint;
    `fields(loc)`, the keys allowed beside the one at `loc`, gives a misspelt key its did-you-mean (a
    record's own when not given). `within`: where in the file the validated part sits (("pack",) for
    a pack's `pack:` section validated alone)."""
    merged: dict[tuple, list] = {}
    for err in exc.errors(include_url=False):
        loc = within + tuple(x for x in err["loc"] if not (isinstance(x, str) and (x.startswith("function-")
                                                                          or _UNION_MEMBER.match(x))))
        merged.setdefault(loc, []).append(err)
    problems = []
    for loc, errs in merged.items():
        msg = "; hoặc ".join(dict.fromkeys(_message(e) for e in errs))
        hint = None
        if errs[0]["type"] == "extra_forbidden" and loc:
            parent = loc[0] if len(loc) > 1 and isinstance(loc[0], str) else ""
            known = fields(loc) if fields is not None else _FIELDS_BY_MODEL.get(parent, _FIELDS_BY_MODEL[""])
            hint = did_you_mean(str(loc[-1]), known)
        if hint_of is not None:
            hint = "; ".join(h for h in (hint, hint_of(loc)) if h)
        field = ".".join(str(x) for x in loc) if loc else None
        if loc and loc[0] == "facts" and len(loc) >= 2:
            field = f"facts.{loc[1]}" + ("".join(f".{x}" for x in loc[2:]) if len(loc) > 2 else "")
        problems.append(Problem(msg, file=file, line=line_of(lines, loc), field=field, hint=hint, code=code))
    return problems


WORKBOOK_SUFFIXES = (".xlsx", ".ods")  # read by scoring.workbook (an .ods through odfpy)


def load_evidence(path: str | Path) -> LoadedEvidence:
    """Read and shape-check one record (YAML or JSON). Raises EvidenceError with every problem found."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from .workbook import read_workbook  # optional format; kept apart so YAML users never import it

        return read_workbook(p)
    if suffix == ".xls":  # the binary Excel 97–2003 format: no maintained reader keeps its cells exact
        raise EvidenceError.one("tệp Excel 97–2003 (.xls) không được hỗ trợ", file=str(p),
                                hint="mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) → "
                                     "Sổ làm việc Excel (.xlsx), rồi dùng tệp .xlsx")
    try:
        data, lines, sha256 = load_document_hashed(p, "tệp hồ sơ minh chứng")
    except LoadFailure as exc:
        raise EvidenceError([exc.problem])
    return evidence_from_data(data, str(p), sha256, lines)


def evidence_from_data(data: Any, file: str, sha256: str, lines: Optional[dict] = None) -> LoadedEvidence:
    lines = {} if lines is None else lines
    if not isinstance(data, dict):
        raise EvidenceError.one("tệp hồ sơ phải là một bảng khóa: giá trị (ward, period, documents, facts)", file=file, line=1)
    try:
        record = Evidence.model_validate(data)
    except ValidationError as exc:
        raise EvidenceError(translate(exc, file, lines))
    return LoadedEvidence(path=file, sha256=sha256, record=record, lines=lines)
