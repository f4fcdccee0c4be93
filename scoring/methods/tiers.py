"""Tiers on a count or a rate: "≥ 95% → 6; ≥ 90% → 5; … else 0", or "0 cases → 3"."""

from decimal import Decimal
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, model_validator

from ..pack import fmt_number
from . import VALUE, ZERO, Branch, Derived, LeafMethod
from ._shared import Measure, Pair, PointsWord, points_of


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    min: Optional[Decimal] = None
    max: Optional[Decimal] = None
    points: Decimal

    @model_validator(mode="after")
    def _bound(self):
        if self.min is None and self.max is None:
            raise ValueError("mỗi bậc cần 'min' hoặc 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"bậc có min {self.min} > max {self.max}")
        return self


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    on: Union[str, Pair]
    tiers: list[Tier]
    otherwise: Decimal = Decimal(0)
    zero_denominator: PointsWord = "zero"


class Tiers(LeafMethod):
    name = "tiers"
    uses_not_applicable = True
    Config = Config

    def setup(self) -> None:
        cfg = self.cfg
        if not cfg.tiers:
            raise ValueError("cần ít nhất một bậc trong 'tiers'")
        self.measure = Measure(self, cfg.on)
        where = f"{self.uid}.tiers"
        spans = []
        for t in cfg.tiers:
            lo = self.measure.threshold(t.min, where) if t.min is not None else 0
            hi = self.measure.threshold(t.max, where) + 1 if t.max is not None else None
            if self.measure.bounded and t.min is not None and t.min > 100:
                raise ValueError(f"{where}: bậc từ {fmt_number(t.min)}% không bao giờ đạt được — số liệu "
                                 f"'{cfg.on}' là tỷ lệ không vượt 100%; khai 'bounded: false' trong vocabulary nếu "
                                 "quyết định tính cả phần vượt (ví dụ thu ngân sách đạt 151% dự toán)")
            if t.points > self.item.max or t.points < 0:
                raise ValueError(f"{where}: bậc cho {fmt_number(t.points)} điểm, ngoài khoảng 0–{fmt_number(self.item.max)}")
            spans.append([lo, hi, t])
        spans.sort(key=lambda s: s[0])
        # A tier written with only `min` reaches up to the next tier's min.
        for i, s in enumerate(spans):
            if s[1] is None and s[2].max is None and i + 1 < len(spans):
                s[1] = spans[i + 1][0]
        for a, b in zip(spans, spans[1:]):
            if a[1] is None or a[1] > b[0]:
                raise ValueError(f"{where}: các bậc chồng lấn nhau (quanh ngưỡng {self.measure.show(b[0])})")
            if a[1] < b[0]:
                raise ValueError(f"{where}: các bậc có khoảng trống từ {self.measure.show(a[1])} đến dưới "
                                 f"{self.measure.show(b[0])}; dùng 'otherwise' cho phần còn lại")
        if cfg.otherwise > self.item.max or cfg.otherwise < 0:
            raise ValueError(f"{self.uid}.otherwise: ngoài khoảng 0–{fmt_number(self.item.max)}")
        self.spans = [(lo, hi, t) for lo, hi, t in spans]

    def inputs(self) -> list[str]:
        return self.measure.ids()

    def branches(self) -> list[Branch]:
        m, out = self.measure, []
        for i, (lo, hi, t) in enumerate(self.spans):
            out.append(Branch(f"t{i}", VALUE, lo if lo > 0 else None, hi, t.points, "tier", {"bounds": m.bounds(lo, hi)}))
        low, high = self.spans[0][0], self.spans[-1][1]
        o = self.cfg.otherwise
        if low > 0:
            out.append(Branch("below", VALUE, None, low, o, "below", {"bounds": m.bounds(0, low)}))
        if high is not None:
            out.append(Branch("above", VALUE, high, None, o, "above", {"bounds": m.bounds(high, None)}))
        out.append(self.missing_branch())
        out.append(self.na_branch())
        if self.measure.kind == "rate":
            out.append(Branch("zero", ZERO, points=points_of(self.cfg.zero_denominator, self.item.max), kind="zero"))
        return out

    def derive(self, ev) -> Derived:
        return self.measure.derive(ev)

    def monotone(self) -> bool:
        pts = [(lo, t.points) for lo, _, t in self.spans]
        if self.spans[0][0] > 0:
            pts.insert(0, (0, self.cfg.otherwise))
        if self.spans[-1][1] is not None:
            pts.append((self.spans[-1][1], self.cfg.otherwise))
        return all(a[1] <= b[1] for a, b in zip(pts, pts[1:]))
