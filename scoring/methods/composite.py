"""Items made of parts: `sum` (6-month report 1 + annual report 1) and `best_of` (a written
decision 3, else an assignment without a document 1). Each part is a full item with its own id,
max and method; the trail shows every part."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ..pack import Item, fmt_number
from . import Award, CompositeMethod


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    parts: list[Item] = Field(min_length=2)


class _Composite(CompositeMethod):
    Config = Config

    def setup(self) -> None:
        self.part_items = []
        seen = set()
        for p in self.cfg.parts:
            if p.id in seen:
                raise ValueError(f"{self.uid}: phần '{p.id}' bị trùng")
            seen.add(p.id)
            if p.method in ("sum", "best_of"):
                raise ValueError(f"{self.uid}/{p.id}: phần không được là {p.method} lồng nhau")
            if p.source is None:
                p.source = self.item.source
            self.part_items.append(p)
        self.check_max([p.max for p in self.part_items])

    def inputs(self) -> list[str]:
        return []


class Sum(_Composite):
    name = "sum"

    def check_max(self, maxes) -> None:
        if sum(maxes) != self.item.max:
            raise ValueError(f"{self.uid}: tổng điểm tối đa của các phần ({fmt_number(sum(maxes))}) "
                             f"khác max của nội dung ({fmt_number(self.item.max)})")

    def combine(self, awards) -> Award:
        total = sum((a.points for _, a in awards), Decimal(0))
        return Award(total, {"total": total})


class BestOf(_Composite):
    name = "best_of"

    def check_max(self, maxes) -> None:
        if max(maxes) != self.item.max:
            raise ValueError(f"{self.uid}: điểm tối đa lớn nhất của các phần ({fmt_number(max(maxes))}) "
                             f"khác max của nội dung ({fmt_number(self.item.max)})")

    def combine(self, awards) -> Award:
        best = max(a.points for _, a in awards)
        chosen = next(i for i, (_, a) in enumerate(awards) if a.points == best)  # first of equals wins: part order
        return Award(best, {"chosen": chosen, "part": awards[chosen][0].item.id})
