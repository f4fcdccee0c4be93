"""Scoring methods: the one place to add a new kind of rule.

A method turns an item's YAML keys into (1) the *branches* the engine compiles into
durable-rules rules — each branch is `state == S` plus an optional integer range on one measure,
and the branches of one item never overlap, so exactly one fires; (2) the *fact* to assert for a
record (`derive`): a state and an exact integer measure computed here in Python, because
durable-rules compares with type coercion and binary floats; (3) the *points* for the branch that
fired (`award`), computed with `Fraction`/`Decimal`.

Methods hold data, never wording: a branch carries a `kind` and its `info` (bounds, deadline,
rounding), a derived fact its measure as `data`, an award the `basis` it was computed from;
scoring/render/sentences.py words them (and render/contract.py puts them in the JSON contract).

To add a method: write `methods/<name>.py` with a `Method` subclass whose `name` is the YAML
`method:` value, add it to `REGISTRY` below, and word its branch kinds and reasons in
render/sentences.py. Document it in docs/rule-format.md and docs/result-contract.md.
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


class InputUse:
    """One piece of evidence as a rule saw it (for the trail): data, worded by render.sentences.

    `data` holds what the wording needs (the fact with its unit, the document's number and date, the
    verifier's points and reason); `value` (the form written in the record) may be given as a
    function: a batch of 10,000 records never shows it.
    """

    __slots__ = ("id", "kind", "state", "data", "_display", "_value", "source")

    def __init__(self, id: str, kind: str, state: str, data: Optional[dict] = None, value: Any = None,
                 source: Optional[str] = None):
        self.id, self.kind, self.state, self.source = id, kind, state, source   # kind: fact | document | review
        self.data, self._value, self._display = data, value, None               # state: present | missing | not_applicable

    @property
    def display(self) -> str:
        """The evidence in words (render.sentences), made when first read."""
        if self._display is None:
            from ..render.sentences import input_display

            self._display = input_display(self)
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

    __slots__ = ("state", "measure", "inputs", "_exact", "data", "extra")

    def __init__(self, state: str, measure: int = 0, inputs: Optional[list[InputUse]] = None, exact=None,
                 data: Optional[dict] = None, extra: Optional[dict] = None):
        self.state, self.measure = state, measure
        self.inputs = [] if inputs is None else inputs
        self._exact = exact    # the exact ratio / count behind the measure: a Fraction, or (num, den)
        self.data = data       # the measure as the result shows it, e.g. {"num": 15, "den": 16}
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
                f"exact={self.exact!r}, data={self.data!r}, extra={self.extra!r})")


class Branch(NamedTuple):
    """One rule of an item (immutable; a NamedTuple because a dataclass costs ~1 ms to build at
    every start, and `dvcq score`'s start is measured — issue 6).

    `kind` names what the branch means (tier, deadline, missing, …) and `info` carries its data
    (the bounds as the pack wrote them, the deadline, the rounding); render.sentences words it."""

    key: str
    state: str
    lo: Optional[int] = None   # measure >= lo
    hi: Optional[int] = None   # measure < hi
    points: Optional[Decimal] = None  # None: computed by award()
    kind: str = ""
    info: Optional[dict] = None

    @property
    def label(self) -> str:
        from ..render.sentences import branch_label

        return branch_label(self)


class Award:
    """Points and the data they were computed from (`basis`: e.g. the exact product before
    rounding), which render.sentences turns into the reason."""

    __slots__ = ("points", "basis")

    def __init__(self, points: Decimal, basis: Optional[dict] = None):
        self.points, self.basis = points, ({} if basis is None else basis)


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
        return Award(branch.points if branch.points is not None else Decimal(0))

    # -- helpers shared by leaf methods ----------------------------------------------------
    def na_branch(self) -> Branch:
        return Branch("na", NA, points=self.item.na_points(), kind="na", info={"word": str(self.item.not_applicable)})

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
        return Branch("missing", MISSING, points=Decimal(0), kind="missing")

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
    def combine(self, awards: list[tuple["Bound", Award]], states: Optional[list[str]] = None) -> Award:
        """The item's award from its parts' awards, in part order; `states` are the parts' states
        (given | missing | not_applicable | pending), which `average` over applicable parts reads."""


def describe_fact(fid: str, fv: Optional[FactValue], pack: Pack) -> InputUse:
    if fv is None:
        return InputUse(fid, "fact", "missing")
    if fv.kind == "not_applicable":
        return InputUse(fid, "fact", "not_applicable", {"fact": fv}, {"not_applicable": True}, fv.source)
    fd = pack.vocabulary.facts.get(fid)
    return InputUse(fid, "fact", "present", {"fact": fv, "unit": fd.unit if fd is not None else None}, fv.written,
                    fv.source)


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
        composite.Average,
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


def _config_problem(err: dict, method: str, cls: type[Method], path_prefix: str) -> Problem:
    """One of pydantic's complaints about an item's keys, said for a pack author."""
    from ..evidence import vietnamese_message  # pydantic's English is never shown: the one translator

    kind = err["type"]
    from ..pack import pack_fields_at

    hint = did_you_mean(str(err["loc"][-1]), pack_fields_at(tuple(err["loc"]), cls.Config)) if kind == "extra_forbidden" else None
    return Problem({"extra_forbidden": f"khóa không dùng được với phương pháp {method}" + (f" ({hint})" if hint else ""),
                    "missing": f"phương pháp {method} cần khóa này"}.get(kind) or vietnamese_message(err),
                   field=f"{path_prefix}.{'.'.join(str(x) for x in err['loc'])}", code="P004",
                   hint=None if hint else f"xem docs/rule-format.md, mục 6 (phương pháp {method})")


def bind_item(item: Item, pack: Pack, path_prefix: str) -> Bound:
    """Choose the method by name and check the item's keys against it; PackError names the item."""
    cls = REGISTRY.get(item.method)
    if cls is None:
        hint = did_you_mean(item.method, REGISTRY)
        raise PackError.one(f"phương pháp chấm '{item.method}' không tồn tại", field=f"{path_prefix}.method",
                            hint=hint or f"các phương pháp: {', '.join(sorted(REGISTRY))}", code="P003")
    if "not_applicable" in item.model_fields_set and not cls.uses_not_applicable:
        raise PackError.one(
            f"phương pháp {item.method} không dùng khóa 'not_applicable' (" + {
                "checklist": "danh mục dùng 'none_applicable'", "per_item": "không phát sinh được tính là 0 trường hợp",
                "document_deadline": "văn bản không có trạng thái không phát sinh",
                "manual": "điểm do cấp thẩm định cho", "sum": "khai báo ở từng phần", "best_of": "khai báo ở từng phần",
                "average": "khai báo ở từng phần",
            }.get(item.method, "") + ")", field=f"{path_prefix}.not_applicable", code="P004")
    raw = item.config()
    try:
        cfg = cls.Config.model_validate(raw)
    except ValidationError as exc:
        raise PackError([_config_problem(err, item.method, cls, path_prefix) for err in exc.errors(include_url=False)])
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
