"""Scoring methods: the one place to add a new kind of rule.

A method turns an item's YAML keys into (1) the *branches* the engine compiles into
durable-rules rules — each branch is `state == S` plus an optional integer range on one measure,
and the branches of one item never overlap, so exactly one fires; (2) the *fact* to assert for a
record (`derive`): a state and an exact integer measure computed here in Python, because
durable-rules compares with type coercion and binary floats; (3) the *points* for the branch that
fired (`award`), computed with `Fraction`/`Decimal`.

To add a method: write `methods/<name>.py` with a `Method` subclass whose `name` is the YAML
`method:` value, and add it to `REGISTRY` below. Document it in docs/rule-format.md.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, NamedTuple, Optional

from pydantic import BaseModel, ValidationError

from ..errors import PackError, Problem, did_you_mean
from ..evidence import Evidence, FactValue
from ..pack import Item, Pack, fmt_number

RATE_SCALE = 10**6          # rates are resolved to 10⁻⁶ of the ratio: percent thresholds to 4 decimals
PERCENT_SCALE = RATE_SCALE // 100

# States a leaf fact can be in. `v` carries a measure; the others do not.
VALUE, MISSING, NA, ZERO, OUT, NODATE, PENDING = "v", "missing", "na", "zero", "out", "nodate", "pending"


def text(t) -> str:
    """Trail text is built only when shown: a method may give a string or a function making one."""
    return t() if callable(t) else t


class InputUse:
    """One piece of evidence as a rule saw it (for the trail).

    `display` and `value` may be given as functions: a batch of 10,000 records never shows them, and
    formatting them eagerly was a third of an evaluation.
    """

    __slots__ = ("id", "kind", "state", "_display", "_value", "source")

    def __init__(self, id: str, kind: str, state: str, display, value: Any = None, source: Optional[str] = None):
        self.id, self.kind, self.state, self.source = id, kind, state, source   # kind: fact | document | review
        self._display, self._value = display, value                             # state: present | missing | not_applicable

    @property
    def display(self) -> str:
        if callable(self._display):
            self._display = self._display()
        return self._display

    @property
    def value(self) -> Any:
        if callable(self._value):
            self._value = self._value()
        return self._value


class Derived:
    """An item's fact for one record: the state and measure the engine matches, and what the award
    and the trail need.

    A plain slots class, not a dataclass: one is made for every item of every record, and the
    generated constructor with its default factories was a sixth of deriving a fact.
    """

    __slots__ = ("state", "measure", "inputs", "_exact", "text", "extra")

    def __init__(self, state: str, measure: int = 0, inputs: Optional[list[InputUse]] = None, exact=None,
                 text: Any = "", extra: Optional[dict] = None):
        self.state, self.measure = state, measure
        self.inputs = [] if inputs is None else inputs
        self._exact = exact    # the exact ratio / count behind the measure: a Fraction, or (num, den)
        self.text = text       # how the measure was obtained, e.g. "15/16 = 93,75%" (or a function)
        self.extra = {} if extra is None else extra

    @property
    def exact(self) -> Optional[Fraction]:
        """Made a Fraction when first read: only proportional and checklist awards read it, and
        building one for every tier's count or rate was a fifth of deriving it."""
        e = self._exact
        if e.__class__ is tuple:
            e = self._exact = Fraction(*e)
        return e

    def __repr__(self) -> str:
        return (f"Derived(state={self.state!r}, measure={self.measure!r}, inputs={self.inputs!r}, "
                f"exact={self.exact!r}, text={self.text!r}, extra={self.extra!r})")


class Branch(NamedTuple):
    """One rule of an item (immutable; a NamedTuple because a dataclass costs ~1 ms to build at
    every start, and `dvcq score`'s start is measured — issue 6)."""

    key: str
    state: str
    lo: Optional[int] = None   # measure >= lo
    hi: Optional[int] = None   # measure < hi
    points: Optional[Decimal] = None  # None: computed by award()
    label: str = ""


class Award:
    """Points and the reason for them; the reason may be a function, called only when read."""

    __slots__ = ("points", "_reason")

    def __init__(self, points: Decimal, reason):
        self.points, self._reason = points, reason

    @property
    def reason(self) -> str:
        if callable(self._reason):
            self._reason = self._reason()
        return self._reason


class Method(ABC):
    """What leaf and composite methods share: construction from an item and its checked keys."""

    name: ClassVar[str] = ""
    Config: ClassVar[type[BaseModel]]
    # Whether the item's `not_applicable:` key means anything to this method; where it does not,
    # writing it is refused at load rather than silently ignored.
    uses_not_applicable: ClassVar[bool] = False

    def __init__(self, item: Item, cfg: BaseModel, pack: Pack, uid: str):
        self.item, self.cfg, self.pack, self.uid = item, cfg, pack, uid
        self.setup()

    def setup(self) -> None:
        """Checks that need the pack (vocabulary types, parameters); raise ValueError to refuse."""

    def inputs(self) -> list[str]:
        return []

    def monotone(self) -> bool:
        """True when more of the measured thing never gives fewer points (property-tested)."""
        return True


class LeafMethod(Method):
    """A method the engine evaluates directly: branches compiled to rules, one fact per record."""

    @abstractmethod
    def branches(self) -> list[Branch]:
        """Every branch this item can take; together they cover every state and measure once."""

    @abstractmethod
    def derive(self, ev: Evidence) -> Derived:
        """The state and exact integer measure of this item's evidence in one record."""

    def award(self, branch: Branch, d: Derived) -> Award:
        """Default: a fixed-points branch."""
        return Award(branch.points if branch.points is not None else Decimal(0), branch.label)

    # -- helpers shared by leaf methods ----------------------------------------------------
    def na_branch(self) -> Branch:
        p = self.item.na_points()
        what = {"full": "tính đủ điểm", "zero": "không tính điểm"}.get(str(self.item.not_applicable),
                                                                       f"tính {fmt_number(p)} điểm")
        return Branch("na", NA, points=p, label=f"không phát sinh → {what} (theo quy tắc)")

    def read_fact(self, ev: Evidence, fid: str):
        """(value, trail entry, outcome): the outcome is the Derived for a missing or not-applicable
        fact, None when a value is present and the method measures it itself."""
        fv = ev.fact(fid)
        use = describe_fact(fid, fv, self.pack)
        if fv is None:
            return fv, use, Derived(MISSING, inputs=[use])
        if fv.kind == "not_applicable":
            return fv, use, Derived(NA, inputs=[use])
        return fv, use, None

    def missing_branch(self) -> Branch:
        return Branch("missing", MISSING, points=Decimal(0), label="thiếu minh chứng → 0 điểm")

    def fact_def(self, fid: str, types: tuple[str, ...]):
        fd = self.pack.vocabulary.facts.get(fid)
        if fd is None:
            hint = did_you_mean(fid, list(self.pack.vocabulary.facts))
            raise ValueError(f"số liệu '{fid}' không có trong vocabulary" + (f" ({hint})" if hint else ""))
        if fd.type not in types:
            raise ValueError(f"số liệu '{fid}' có kiểu {fd.type}, phương pháp {self.name} cần {' hoặc '.join(types)}")
        return fd


class CompositeMethod(Method):
    """An item made of parts (each a full item of its own); `combine` folds the parts' awards."""

    part_items: list[Item]
    parts: list["Bound"]

    @abstractmethod
    def combine(self, awards: list[tuple["Bound", Award]]) -> Award:
        """The item's award from its parts' awards, in part order."""


def describe_fact(fid: str, fv: Optional[FactValue], pack: Pack) -> InputUse:
    if fv is None:
        return InputUse(fid, "fact", "missing", "không có minh chứng")
    if fv.kind == "not_applicable":
        return InputUse(fid, "fact", "not_applicable", "không phát sinh" + (f" ({fv.reason})" if fv.reason else ""),
                        {"not_applicable": True}, fv.source)
    return InputUse(fid, "fact", "present", lambda: _display(fid, fv, pack), fv.written, fv.source)


def _display(fid: str, fv: FactValue, pack: Pack) -> str:
    if fv.kind == "count":
        unit = pack.vocabulary.facts[fid].unit if fid in pack.vocabulary.facts else None
        return fmt_number(fv.value) + (f" {unit}" if unit else "")
    if fv.kind == "yesno":
        return "có" if fv.flag else "không"
    if fv.kind == "rate" and fv.percent is not None:
        return f"{fmt_number(fv.percent)}%"
    if fv.kind == "rate":
        return ratio_text(fv.num, fv.den) if fv.den else f"{fv.num}/0"
    return f"{fv.done}/{fv.total}" + (f" ({fv.na_items} không phát sinh)" if fv.na_items else "")


def pct(ratio: Fraction) -> str:
    """93,75% when exact; ≈66,67% (marked) when the decimal does not end: thresholds use the exact value."""
    value = ratio * 100
    d = Decimal(value.numerator) / Decimal(value.denominator)
    q = d.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return f"{fmt_number(d)}%" if q == d else f"≈{fmt_number(q)}%"


def ratio_text(num: int, den: int) -> str:
    """'15/16 = 93,75%', or '20/21 ≈ 95,24%' when the percentage does not end."""
    p = pct(Fraction(num, den))
    return f"{num}/{den} ≈ {p[1:]}" if p.startswith("≈") else f"{num}/{den} = {p}"


def rate_measure(num: int, den: int) -> int:
    """For the ratio num/den (den > 0): 2·floor(ratio·10⁶), plus 1 when ratio·10⁶ is not a whole number.

    With thresholds written as 2·T this makes every comparison exact, not only "≥ min": the ratio is
    ≥ T ⇔ measure ≥ 2T; ≤ T ⇔ measure ≤ 2T; < T ⇔ measure < 2T. (A plain floor would count
    50.00005% as ≤ 50%.) Computed in integers, not with a Fraction: it runs on every rate of every
    record, and the Fraction product was a tenth of deriving one.
    """
    q, r = divmod(num * RATE_SCALE, den)
    return 2 * q + (1 if r else 0)



def percent_threshold(p: Decimal, where: str) -> int:
    scaled = Decimal(p) * PERCENT_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{where}: ngưỡng {fmt_number(p)}% có quá 4 chữ số thập phân")
    return 2 * int(scaled)  # in the units of rate_measure


from . import checklist, composite, document_deadline, manual, per_item, proportional, tiers, yes_no  # noqa: E402

REGISTRY: dict[str, type[Method]] = {
    m.name: m
    for m in (
        document_deadline.DocumentDeadline,
        yes_no.YesNo,
        tiers.Tiers,
        proportional.Proportional,
        checklist.Checklist,
        per_item.PerItem,
        manual.Manual,
        composite.Sum,
        composite.BestOf,
    )
}


@dataclass
class Bound:
    """An item with its method; composite items hold their parts."""

    uid: str
    item: Item
    method: Method
    parts: list["Bound"] = field(default_factory=list)

    def leaves(self):
        if self.parts:
            for p in self.parts:
                yield from p.leaves()
        else:
            yield self


def bind_item(item: Item, pack: Pack, path_prefix: str) -> Bound:
    """Choose the method by name and check the item's keys against it; PackError names the item."""
    cls = REGISTRY.get(item.method)
    if cls is None:
        hint = did_you_mean(item.method, REGISTRY)
        raise PackError.one(f"phương pháp chấm '{item.method}' không tồn tại", field=f"{path_prefix}.method",
                            hint=hint or f"các phương pháp: {', '.join(sorted(REGISTRY))}", code="P003")
    if "not_applicable" in item.model_fields_set and not cls.uses_not_applicable:
        why = {"checklist": "danh mục dùng 'none_applicable'", "per_item": "không phát sinh được tính là 0 trường hợp",
               "document_deadline": "văn bản không có trạng thái không phát sinh",
               "manual": "điểm do cấp thẩm định cho", "sum": "khai báo ở từng phần", "best_of": "khai báo ở từng phần"}
        raise PackError.one(f"phương pháp {item.method} không dùng khóa 'not_applicable' ({why.get(item.method, '')})",
                            field=f"{path_prefix}.not_applicable", code="P004")
    raw = item.config()
    try:
        cfg = cls.Config.model_validate(raw)
    except ValidationError as exc:
        probs = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(x) for x in err["loc"])
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                hint = did_you_mean(str(err["loc"][-1]), cls.Config.model_fields)
                msg = f"khóa không dùng được với phương pháp {item.method}" + (f" ({hint})" if hint else "")
            elif err["type"] == "missing":
                msg = f"phương pháp {item.method} cần khóa này"
            elif err["type"] == "value_error":
                msg = str(err.get("ctx", {}).get("error", msg))
            probs.append(Problem(msg, field=f"{path_prefix}.{loc}", code="P004"))
        raise PackError(probs)
    try:
        method = cls(item, cfg, pack, path_prefix)
    except ValueError as exc:
        raise PackError.one(str(exc), field=path_prefix, code="P005")
    parts = []
    for sub in getattr(method, "part_items", []):
        parts.append(bind_item(sub, pack, f"{path_prefix}/{sub.id}"))
    bound = Bound(path_prefix, item, method, parts)
    if parts:
        method.parts = parts
    return bound
