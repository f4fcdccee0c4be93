"""scoring.shape must validate exactly as pydantic's BaseModel would for the same declarations.

Every model is declared twice from one function — once on pydantic's BaseModel, once on our
`Model` — and both are fed the same inputs: the results (or the errors' type, location and
message) must be equal. No `from __future__ import annotations` here: the declarations live in a
function, and real annotation objects keep both sides resolving the same types.
"""
import importlib
import pickle
import pkgutil
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Optional, Union

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring import shape


def declare(Base, ConfigDict, Field, field_validator, model_validator):
    class Sub(Base):
        model_config = ConfigDict(extra="forbid", frozen=True)
        num: str
        den: str

    class Item(Base):
        model_config = ConfigDict(extra="allow")
        id: str = Field(pattern=r"^[A-Z][0-9.]*$")
        max: Decimal = Field(ge=0)
        not_applicable: Union[Literal["full", "zero"], Decimal] = "zero"

    class Rec(Base):
        model_config = ConfigDict(extra="forbid")
        schema_: Optional[str] = Field(default=None, alias="schema")
        name: str = Field(min_length=1)
        year: int = Field(ge=1945, le=2100)
        quarter: Optional[int] = Field(default=None, ge=1, le=4)
        step: Decimal = Field(default=Decimal("0.5"), gt=0)
        kind: Literal["phuong", "xa"] = "phuong"
        when: Optional[date] = None
        on: Union[str, Sub]
        items: list[Item] = Field(default_factory=list)
        parts: list[Sub] = Field(default=[], min_length=0)
        facts: dict[str, int] = Field(default_factory=dict)
        extra: Optional[dict[str, Any]] = None
        flag: bool = False

        @field_validator("name", mode="before")
        @classmethod
        def _strip(cls, v):
            return v.strip() if isinstance(v, str) else v

        @field_validator("year", mode="after")
        @classmethod
        def _not_1999(cls, v):
            if v == 1999:
                raise ValueError("no 1999")
            return v

        @model_validator(mode="before")
        @classmethod
        def _shorthand(cls, raw):
            if isinstance(raw, str):
                return {"name": raw, "year": 2023, "on": "x.y"}
            return raw

        @model_validator(mode="after")
        def _consistent(self):
            if self.quarter == 4 and self.kind == "xa":
                raise ValueError("xa has no quarter 4")
            return self

    return Rec


P = declare(pydantic.BaseModel, pydantic.ConfigDict, pydantic.Field, pydantic.field_validator, pydantic.model_validator)
S = declare(shape.Model, shape.ConfigDict, shape.Field, shape.field_validator, shape.model_validator)


def outcome(cls, data):
    try:
        return "ok", cls.model_validate(data).model_dump()
    except pydantic.ValidationError as exc:
        return "error", [(e["type"], e["loc"], e["msg"]) for e in exc.errors(include_url=False)]


CASES = [
    {"name": " Phường ", "year": 2023, "on": "a.b"},
    {"name": "P", "year": 2023, "on": {"num": "a", "den": "b"}},
    {"name": "P", "year": 2023, "on": {"num": "a"}},
    {"name": "P", "year": 2023, "on": {"num": "a", "den": "b", "x": 1}},
    {"name": "", "year": 1944, "on": "a"},
    {"name": "P", "year": "2023", "on": "a"},
    {"name": "P", "year": 2023.5, "on": "a"},
    {"name": "P", "year": True, "on": "a"},
    {"name": "P", "year": 1999, "on": "a"},
    {"name": "P", "year": 2023, "on": "a", "quarter": 4, "kind": "xa"},
    {"name": "P", "year": 2023, "on": "a", "quarter": 0},
    {"name": "P", "year": 2023, "on": "a", "kind": "tinh"},
    {"name": "P", "year": 2023, "on": "a", "step": "0"},
    {"name": "P", "year": 2023, "on": "a", "step": "NaN"},
    {"name": "P", "year": 2023, "on": "a", "step": Decimal("Infinity")},
    {"name": "P", "year": 2023, "on": "a", "when": "2023-02-30"},
    {"name": "P", "year": 2023, "on": "a", "when": "2023-02-28"},
    {"name": "P", "year": 2023, "on": "a", "schema": "dvcq/1"},
    {"name": "P", "year": 2023, "on": "a", "schema_": "dvcq/1"},
    {"name": "P", "year": 2023, "on": "a", "items": [{"id": "TC1", "max": "4", "method": "tiers", "on": "x"}]},
    {"name": "P", "year": 2023, "on": "a", "items": [{"id": "tc1", "max": -1, "not_applicable": "half"}]},
    {"name": "P", "year": 2023, "on": "a", "items": [{"id": "T1", "max": 2, "not_applicable": "1.5"}]},
    {"name": "P", "year": 2023, "on": "a", "items": {"id": "T1"}},
    {"name": "P", "year": 2023, "on": "a", "facts": {"a.b": 1, "c.d": "x"}},
    {"name": "P", "year": 2023, "on": "a", "facts": [1]},
    {"name": "P", "year": 2023, "on": "a", "extra": {"k": [1, {"z": None}]}},
    {"name": "P", "year": 2023, "on": "a", "flag": "yes"},
    {"name": "P", "year": 2023, "on": "a", "unknown": 1},
    {"year": 2023},
    "Phường X",
    42,
    None,
    [],
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_same_outcome_as_pydantic(data):
    assert outcome(S, data) == outcome(P, data)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=6)
    | st.decimals(allow_nan=True, places=2, min_value=-10, max_value=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8)
fields = st.sampled_from(["name", "year", "quarter", "step", "kind", "when", "on", "items", "parts", "facts",
                          "extra", "flag", "schema", "zzz"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.fixed_dictionaries({"name": st.just("P"), "year": st.just(2023), "on": st.just("a")}),
       st.dictionaries(fields, json_like, max_size=4))
def test_same_outcome_as_pydantic_generated(base, changes):
    data = {**base, **changes}
    assert outcome(S, data) == outcome(P, data)


def test_fields_set_extra_copy_and_frozen():
    r = S.model_validate({"name": "P", "year": 2023, "on": {"num": "a", "den": "b"},
                          "items": [{"id": "T1", "max": 1, "method": "yes_no"}]})
    assert r.model_fields_set == {"name", "year", "on", "items"}
    assert r.items[0].model_extra == {"method": "yes_no"}
    assert r.model_dump(by_alias=True)["schema"] is None
    c = r.model_copy(update={"name": "Q"})
    assert (c.name, r.name) == ("Q", "P") and "name" in c.model_fields_set
    with pytest.raises(TypeError):
        r.on.num = "z"
    assert hash(r.on) == hash(S.model_validate({"name": "P", "year": 2023, "on": {"num": "a", "den": "b"}}).on)


def test_pickle_round_trip_keeps_fields_set_and_extra():
    """Batch workers and the pack cache pickle records and packs."""
    from scoring.evidence import load_evidence
    from scoring.pack import Item

    rec = load_evidence("samples/quang-ngai/nguyen-nghiem-2023.yaml").record
    back = pickle.loads(pickle.dumps(rec))
    assert back == rec and back.model_fields_set == rec.model_fields_set
    item = Item.model_validate({"id": "T1", "title": "t", "max": 1, "method": "yes_no", "fact": "a.b"})
    back = pickle.loads(pickle.dumps(item))
    assert back.model_extra == {"fact": "a.b"} and back.model_fields_set == item.model_fields_set


def test_init_validates():
    Sub = type(S.model_validate({"name": "P", "year": 2023, "on": {"num": "a", "den": "b"}}).on)
    assert Sub(num="a", den="b").den == "b"
    with pytest.raises(pydantic.ValidationError):
        Sub(num="a")


def test_unsupported_annotation_is_refused_when_first_used():
    class Odd(shape.Model):
        when: complex

    with pytest.raises(TypeError, match="not supported"):
        Odd.model_validate({"when": 1})
    with pytest.raises(TypeError):
        shape.Field(max_length=3)


def _all_models():
    for info in pkgutil.walk_packages(scoring.__path__, "scoring."):
        importlib.import_module(info.name)
    seen, todo = [], list(shape.Model.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("scoring.") and cls not in seen:
            seen.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(seen, key=lambda c: (c.__module__, c.__qualname__))


@pytest.mark.parametrize("model", _all_models(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_model_of_dvcq_builds(model):
    """Validators are built on first use; build each here so an unsupported annotation fails a test,
    not a user's command."""
    assert model._get_validator() is not None
