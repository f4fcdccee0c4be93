"""Building blocks several methods share: how an input is measured, and points written as words."""

from decimal import Decimal
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict

from ..evidence import Evidence
from ..pack import fmt_number
from ..vietnamese import plain_number
from . import MISSING, NA, PERCENT_SCALE, VALUE, ZERO, Derived, describe_fact, percent_threshold, rate_measure

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
    bounded: bool = True   # false: num may exceed den (achieved above the target, revenue 151% of estimate)


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
            self.bounded = on.bounded
        else:
            fd = method.fact_def(on, ("count", "rate"))
            self.kind, self.bounded = fd.type, fd.type == "rate" and fd.bounded

    @property
    def scale(self) -> int:
        return PERCENT_SCALE if self.kind == "rate" else 1

    def ids(self) -> list[str]:
        return [self.on.num, self.on.den] if isinstance(self.on, Pair) else [self.on]

    def threshold(self, value: Decimal, where: str) -> int:
        if self.kind == "rate":
            return percent_threshold(value, where)
        if Decimal(value) != Decimal(value).to_integral_value():
            raise ValueError(f"{where}: ngưỡng của số đếm phải là số nguyên (nhận được {value})")
        return int(value)

    def show(self, threshold_int: int) -> str:
        if self.kind == "rate":
            return f"{fmt_number(Decimal(threshold_int // 2) / PERCENT_SCALE)}%"
        return fmt_number(threshold_int)

    def bounds(self, lo: Optional[int], hi: Optional[int]) -> dict:
        """A branch's range [lo, hi) in measure units as the pack means it: counts as inclusive
        integers (`min`, `max`); rates as exact decimal percent strings, `min_percent`/`max_percent`
        inclusive and `above_percent`/`below_percent` exclusive (odd units come from an inclusive
        `max`, see rate_measure)."""
        out: dict = {}
        if self.kind != "rate":
            out["min"] = lo or 0
            if hi is not None:
                out["max"] = hi - 1
            return out
        lo = lo or 0
        out["above_percent" if lo % 2 else "min_percent"] = plain_number(Decimal(lo // 2) / PERCENT_SCALE)
        if hi is not None:
            if hi % 2:
                out["max_percent"] = plain_number(Decimal((hi - 1) // 2) / PERCENT_SCALE)
            else:
                out["below_percent"] = plain_number(Decimal(hi // 2) / PERCENT_SCALE)
        return out

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
                return Derived(ZERO, inputs=uses, data={"num": fn.value, "den": 0})
            return Derived(VALUE, rate_measure(fn.value, fd.value), uses, (fn.value, fd.value),
                           {"num": fn.value, "den": fd.value})
        fv, use, outcome = self.method.read_fact(ev, self.on)
        if outcome:
            return outcome
        if self.kind == "count":
            return Derived(VALUE, fv.value, [use], (fv.value, 1), {"count": fv.value})
        if fv.percent is not None:
            n, d = fv.percent.as_integer_ratio()
            return Derived(VALUE, rate_measure(n, 100 * d), [use], (n, 100 * d), {"percent": fv.percent})
        if fv.den == 0:
            return Derived(ZERO, inputs=[use], data={"num": fv.num, "den": 0})
        return Derived(VALUE, rate_measure(fv.num, fv.den), [use], (fv.num, fv.den), {"num": fv.num, "den": fv.den})




def optional_points(v: Optional[Decimal]) -> Optional[Decimal]:
    return None if v is None else Decimal(v)
