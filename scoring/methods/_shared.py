"""Building blocks several methods share: how an input is measured, and points written as words."""

from decimal import Decimal
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict

from ..evidence import Evidence
from ..pack import fmt_number
from . import MISSING, NA, PERCENT_SCALE, VALUE, ZERO, Derived, describe_fact, rate_measure, ratio_text

PointsWord = Union[Literal["full", "zero"], Decimal]


def points_of(word: PointsWord, max_points: Decimal) -> Decimal:
    if word == "full":
        return max_points
    if word == "zero":
        return Decimal(0)
    return Decimal(word)


class Pair(BaseModel):
    """A rate made of two count facts, e.g. cultural groups / all residential groups."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    num: str
    den: str


class Measure:
    """Turns the input of a rule (a count, a rate, or a pair of counts) into a state and an integer.

    Counts are measured as themselves; rates as floor(ratio · 10⁶), so a percent threshold p is the
    integer p · 10⁴ and "exactly on the threshold" compares equal with no float in sight.
    """

    def __init__(self, method, on: Union[str, Pair]):
        self.method, self.on = method, on
        if isinstance(on, Pair):
            method.fact_def(on.num, ("count",))
            method.fact_def(on.den, ("count",))
            self.kind = "rate"
        else:
            self.kind = method.fact_def(on, ("count", "rate")).type

    @property
    def scale(self) -> int:
        return PERCENT_SCALE if self.kind == "rate" else 1

    def ids(self) -> list[str]:
        return [self.on.num, self.on.den] if isinstance(self.on, Pair) else [self.on]

    def threshold(self, value: Decimal, where: str) -> int:
        if self.kind == "rate":
            from . import percent_threshold

            return percent_threshold(value, where)
        if Decimal(value) != Decimal(value).to_integral_value():
            raise ValueError(f"{where}: ngưỡng của số đếm phải là số nguyên (nhận được {value})")
        return int(value)

    def show(self, threshold_int: int) -> str:
        if self.kind == "rate":
            return f"{fmt_number(Decimal(threshold_int // 2) / PERCENT_SCALE)}%"
        return fmt_number(threshold_int)

    def derive(self, ev: Evidence) -> Derived:
        pack = self.method.pack
        if isinstance(self.on, Pair):
            fn, fd = ev.fact(self.on.num), ev.fact(self.on.den)
            uses = [describe_fact(self.on.num, fn, pack), describe_fact(self.on.den, fd, pack)]
            if fn is None or fd is None:
                return Derived(MISSING, inputs=uses)
            if fn.kind == "not_applicable" or fd.kind == "not_applicable":
                return Derived(NA, inputs=uses)
            if fd.value == 0:
                return Derived(ZERO, inputs=uses, text=f"{fn.value}/0")
            return Derived(VALUE, rate_measure(fn.value, fd.value), uses, (fn.value, fd.value),
                           lambda: ratio_text(fn.value, fd.value))
        fv, use, outcome = self.method.read_fact(ev, self.on)
        if outcome:
            return outcome
        if self.kind == "count":
            return Derived(VALUE, fv.value, [use], (fv.value, 1), lambda: fmt_number(fv.value))
        if fv.percent is not None:
            n, d = fv.percent.as_integer_ratio()
            return Derived(VALUE, rate_measure(n, 100 * d), [use], (n, 100 * d), lambda: f"{fmt_number(fv.percent)}%")
        if fv.den == 0:
            return Derived(ZERO, inputs=[use], text=f"{fv.num}/0")
        return Derived(VALUE, rate_measure(fv.num, fv.den), [use], (fv.num, fv.den), lambda: ratio_text(fv.num, fv.den))


def zero_label(word: PointsWord, max_points: Decimal) -> str:
    p = points_of(word, max_points)
    return f"không có trường hợp nào (mẫu số bằng 0) → {fmt_number(p)} điểm"


def optional_points(v: Optional[Decimal]) -> Optional[Decimal]:
    return None if v is None else Decimal(v)
