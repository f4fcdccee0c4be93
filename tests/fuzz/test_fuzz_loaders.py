"""Fuzzing the loaders for a fixed budget (derandomized: the same inputs every run).

Whatever the bytes, `load_evidence` and `load_pack` either succeed or raise a `DvcqError` (exit 2
with a message); a record that loads then goes through the vocabulary check and the engine with the
same promise. Anything else (a bare ValueError, decimal.Overflow, RecursionError, a hang) is a bug:
fix it in scoring/ and add the input to `regressions/`, which `test_regressions` replays.
"""
from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import api
from scoring.errors import DvcqError
from scoring.evidence import evidence_from_data, load_evidence
from scoring.api import load_pack

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
QN_PACK = ROOT / "scoring" / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
SAMPLES = sorted((ROOT / "samples" / "quang-ngai").glob("*.yaml"))
# CI: 300 fixed inputs per test. A longer hunt: DVCQ_FUZZ_EXAMPLES=20000 (then inputs are random).
EXPLORE = int(os.environ.get("DVCQ_FUZZ_EXAMPLES", "0"))
BUDGET = settings(max_examples=EXPLORE or 300, derandomize=not EXPLORE, database=None, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])

# Characters that steer YAML and JSON parsers into their corners.
SPECIAL = list("&*!|>{}[],:-#%@`'\"?\t\r\n\\ ") + ["\x00", "\ufeff", "\u2028", "\x85", "<<", "---", "...", "!!", "e+99999999",
                                                  ".nan", "9" * 50, "\ud800", "ả"]


@pytest.fixture(scope="module")
def qn():
    return load_pack(QN_PACK)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _load_either(path: Path) -> None:
    try:
        load_evidence(path)
    except DvcqError:
        pass


def _mutate(text: str, edits) -> str:
    chars = list(text)
    for pos, op, piece in edits:
        i = pos % (len(chars) + 1)
        if op == "insert":
            chars[i:i] = list(piece)
        elif op == "delete":
            del chars[i:i + len(piece)]
        else:
            chars[i:i + 1] = list(piece)
    return "".join(chars)


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(("insert", "delete", "replace")),
                           st.sampled_from(SPECIAL) | st.text(max_size=3)), min_size=1, max_size=6)


@BUDGET
@given(st.binary(max_size=3000), st.sampled_from((".yaml", ".json", ".yml")))
def test_arbitrary_bytes_as_a_record(workdir, data, suffix):
    path = workdir / f"bytes{suffix}"
    path.write_bytes(data)
    _load_either(path)


@BUDGET
@given(st.sampled_from(SAMPLES), EDITS)
def test_mutated_sample_records(workdir, qn, sample, edits):
    path = workdir / "mutated.yaml"
    path.write_text(_mutate(sample.read_text(encoding="utf-8"), edits), encoding="utf-8", errors="surrogatepass")
    try:
        api.score(path, qn, allow_other_province=True)
    except DvcqError:
        pass


SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.integers() | st.text(max_size=12)
           | st.decimals(allow_nan=True, allow_infinity=True) | st.floats() | st.dates(date(1, 1, 1), date(9999, 12, 31))
           | st.sampled_from(["not_applicable", "n/a", "không phát sinh", "2023-02-30", "31/12/2023", "1e400", "NaN"]))
KEYS = st.sampled_from(["value", "num", "den", "percent", "done", "total", "not_applicable", "id", "issued_on", "sent_on",
                        "year", "quarter", "name", "province", "kind", "residential_groups", "source", "confidence",
                        "staff.disciplined", "petitions.settled", "democracy.nd04_art4", "plan.dvcq_annual"]) | st.text(max_size=8)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=12)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


def _set(data, path, value):
    if not path:
        return value
    parent = data
    for k in path[:-1]:
        parent = parent[k]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


_DELETE = object()


@BUDGET
@given(st.sampled_from(SAMPLES), st.lists(st.tuples(st.integers(0, 10**6), VALUES | st.just(_DELETE)), min_size=1, max_size=4))
def test_mutated_record_data_through_the_engine(qn, sample, changes):
    """Structure-aware: replace or delete values deep inside a real record, then score it."""
    data = yaml.load(sample.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for pick, value in changes:
        paths = list(_paths(data))
        path = paths[pick % len(paths)]
        if not path and value is _DELETE:
            continue
        data = _set(data, path, copy.deepcopy(value))
    try:
        ev = evidence_from_data(data, "fuzz.yaml", hashlib.sha256(repr(data).encode()).hexdigest())
        api.score(ev, qn, allow_other_province=True)
    except DvcqError:
        pass


@BUDGET
@given(EDITS)
def test_mutated_pack(workdir, edits):
    path = workdir / "pack.yaml"
    path.write_text(_mutate(QN_PACK.read_text(encoding="utf-8"), edits), encoding="utf-8", errors="surrogatepass")
    try:
        load_pack(path)
    except DvcqError:
        pass
    finally:  # each variant compiles its own ruleset: free them, 300 would hold ~170 MB
        api.reset()


@BUDGET
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_as_a_pack(workdir, data):
    path = workdir / "bytes-pack.yaml"
    path.write_bytes(data)
    try:
        load_pack(path)
    except DvcqError:
        pass


REGRESSIONS = sorted((HERE / "regressions").glob("*"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_regressions(path, qn):
    """Inputs that once crashed a loader: each must now be refused with a DvcqError."""
    loader = load_pack if path.name.startswith("pack-") else load_evidence
    with pytest.raises(DvcqError):
        ev = loader(path)
        if loader is load_evidence:
            api.score(ev, qn, allow_other_province=True)
