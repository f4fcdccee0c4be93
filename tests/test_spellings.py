"""One set of spellings for a fact: `dvcq validate` and `dvcq schema --rules …` accept the same records.

The record's facts are drawn from every written form (bare values, each key combination, the
"không phát sinh" words in any case, spacing or Unicode normal form, wrong types, out-of-range
numbers, unknown keys); the record is written as JSON, validated by dvcq against the Quảng Ngãi
pack and by the `jsonschema` package against the schema the CLI prints, and both must agree.
Left out, because JSON Schema cannot say them (see scoring/schema.py): done + not_applicable > total,
num > den on a bounded rate, and the checks across facts (the facts drawn avoid V005 and V009).
"""
from __future__ import annotations

import datetime
import json
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from scoring import api, spellings
from scoring.cli import main
from scoring.errors import DvcqError
from scoring.workbook import cells

from support import QN_PACK, SAMPLES

BASE = {"ward": {"name": "Phường Thử", "district": "Thị xã Đức Phổ", "province": "Quảng Ngãi", "kind": "phuong",
                 "residential_groups": 5},
        "period": {"year": 2023}}
FACTS = {"leadership.briefing_conferences": "count", "reform.procedures_posted": "yesno",
         "petitions.settled": "rate", "budget.revenue_vs_estimate": "rate", "democracy.nd04_art4": "checklist"}


@pytest.fixture(scope="module")
def schema() -> dict:
    r = CliRunner().invoke(main, ["schema", "--rules", str(QN_PACK)])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def pack():
    return api.load_pack(QN_PACK)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def dvcq_accepts(record: dict, pack, workdir: Path) -> bool:
    path = workdir / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    try:
        api.check(path, pack)
    except DvcqError:
        return False
    return True


def schema_accepts(record: dict, schema: dict) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(json.loads(json.dumps(record)))


# -- what a clerk might write -----------------------------------------------------------------------

def _variants(word: str):
    def swap_case(s: str, flips: list[bool]) -> str:
        return "".join(c.upper() if f else c for c, f in zip(s, flips + [False] * len(s)))
    spaces = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\n"])
    return st.builds(lambda flips, a, b, inner, form: unicodedata.normalize(form, a + swap_case(word, flips).replace(" ", inner) + b),
                     st.lists(st.booleans(), max_size=len(word)), spaces, spaces,
                     st.sampled_from([" ", "  ", "\t ", "\u3000"]), st.sampled_from(["NFC", "NFD"]))


na_words = st.one_of(*[_variants(w) for w in spellings.NOT_APPLICABLE_WORDS])
near_words = st.sampled_from(["na", "n/a/", "không", "khong phat", "not applicable", "N.A", "không phát sinh.", "",
                              "kh\u0430ng phat sinh", "\u212aHONG PHAT SINH", "ſ", "yes", "true", "5"])
numbers = st.one_of(st.integers(-3, 12), st.sampled_from([0, 100, 101, spellings.MAX_COUNT, spellings.MAX_COUNT + 1,
                                                          spellings.MAX_PERCENT, spellings.MAX_PERCENT + 1]),
                    st.sampled_from([0.5, 2.0, 93.75, 99.99, 100.0, 100.5, -1.5, 1e7]))
scalars = st.one_of(numbers, st.booleans(), st.none(), st.text(max_size=5), na_words)
meta = st.fixed_dictionaries({}, optional={"source": st.one_of(st.text(max_size=8), st.integers(0, 2)),
                                           "confidence": st.one_of(st.sampled_from([0, 0.5, 1, 1.5, -0.1]), st.just("0.5"),
                                                                   st.booleans()),
                                           "review": st.one_of(st.booleans(), st.sampled_from(["yes", 1, "true"]))})
keyed = st.builds(lambda body, m: {**body, **m},
                  st.dictionaries(st.sampled_from(list(spellings.VALUE_KEYS) + ["bogus", "values"]), scalars, max_size=4),
                  meta)
checklists = st.builds(lambda done, total, na, m: {"done": done, "total": total, **({} if na is None else {"not_applicable": na}), **m},
                       st.integers(0, 10), st.sampled_from([9, 10, 11]), st.one_of(st.none(), st.integers(0, 3), st.booleans()),
                       meta)
pairs = st.builds(lambda n, d, m: {"num": n, "den": d, **m}, st.integers(0, 20), st.integers(0, 20), meta)
written = st.one_of(scalars, keyed, checklists, pairs, st.builds(lambda w: {"not_applicable": w}, st.one_of(st.booleans(), na_words)),
                    st.lists(st.integers(0, 3), max_size=2))


def _cross_field(fid: str, v) -> bool:
    """The cases JSON Schema cannot express (scoring/schema.py lists them)."""
    if not isinstance(v, dict):
        return False
    ints = lambda k: isinstance(v.get(k), int) and not isinstance(v.get(k), bool)  # noqa: E731
    if ints("done") and ints("total"):
        na = v.get("not_applicable", 0)
        if isinstance(na, int) and not isinstance(na, bool) and v["done"] + na > v["total"]:
            return True
    return fid == "petitions.settled" and ints("num") and ints("den") and v["num"] > v["den"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(facts=st.dictionaries(st.sampled_from(sorted(FACTS)), written, max_size=3))
@example(facts={"reform.procedures_posted": " KHÔNG  PHÁT SINH "})
@example(facts={"reform.procedures_posted": unicodedata.normalize("NFD", "Không phát sinh")})
@example(facts={"reform.procedures_posted": "N/A"})
@example(facts={"reform.procedures_posted": "n / a"})
@example(facts={"petitions.settled": {"percent": 100.5}})
@example(facts={"budget.revenue_vs_estimate": {"percent": 100.5}})
@example(facts={"democracy.nd04_art4": {"done": 3, "total": 9}})
@example(facts={"leadership.briefing_conferences": {"value": 2, "review": "yes"}})
@example(facts={"leadership.briefing_conferences": {"value": 2, "confidence": "0.5"}})
def test_validate_and_schema_accept_the_same_records(facts, schema, pack, workdir):
    assume(not any(_cross_field(k, v) for k, v in facts.items()))
    record = {**BASE, "facts": facts}
    assert dvcq_accepts(record, pack, workdir) == schema_accepts(record, schema), record


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


@pytest.mark.parametrize("path", sorted((SAMPLES / "quang-ngai").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_is_accepted_by_both(path, schema):
    from scoring.yamlio import load_document

    api.check(path, QN_PACK)
    data = load_document(path, "hồ sơ")[0]
    assert jsonschema.Draft202012Validator(schema).is_valid(_jsonable(data))


# -- one spelling table for every reader --------------------------------------------------------------

@given(word=na_words)
def test_the_not_applicable_words_are_read_alike_everywhere(word):
    assert spellings.is_not_applicable(word)
    from scoring.evidence import FactValue

    assert FactValue.model_validate(word).kind == "not_applicable"


def test_the_schema_pattern_knows_every_code_point_that_folds_to_its_letters():
    """The fast scan below U+3000 finds the same look-alikes as a scan of all of Unicode."""
    letters = {c for w in spellings.NOT_APPLICABLE_WORDS for c in w if c != " "}
    letters |= {unicodedata.normalize("NFD", c)[0] for c in letters}
    fast, full = spellings._folds_to(), spellings._folds_to(0x110000)
    assert {c: fast[c] for c in letters} == {c: full[c] for c in letters}


def test_workbook_yes_no_words_come_from_the_table():
    for w in spellings.YES_WORDS:
        assert cells.yes_no(w.upper()) is True
    for w in spellings.NO_WORDS:
        assert cells.yes_no(f" {w} ") is False
    with pytest.raises(cells.CellError):
        cells.yes_no("có lẽ")
