"""The engine against the oracle on generated records: per-item points, total, vetoes and grade equal.

1,000 records per pack by default (fixed: `derandomize=True`); under `-m slow` the full size (10,000
per real pack, 3,000 per synthetic one) and a 100,000-record run with a fixed seed. Every run also
checks that the generator reached every branch of every rule, every grade, every veto both holding
and clear, and every veto actually capping its band (else "equal on 10,000 records" could mean
"equal on the easy ones": before the "best" profile no record reached the top two grades of the
Quảng Ngãi pack without a veto holding).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from scoring import api
from scoring.evidence import evidence_from_data
from scoring.packstore import pack_files

from .packfile import load
from .records import Plan
from .reference import Reference

HERE = Path(__file__).resolve().parent
RULE_PACKS = pack_files()
TEST_PACKS = sorted((HERE / "packs").glob("*.yaml"))
# Overridable for a quick local run or a longer hunt; CI uses the defaults.
CI_EXAMPLES = int(os.environ.get("DVCQ_ORACLE_EXAMPLES", 1_000))
FULL_EXAMPLES = int(os.environ.get("DVCQ_ORACLE_FULL_EXAMPLES", 10_000))
SYNTHETIC_FULL_EXAMPLES = int(os.environ.get("DVCQ_ORACLE_FULL_EXAMPLES", 3_000))
SLOW_EXAMPLES = int(os.environ.get("DVCQ_ORACLE_SLOW_EXAMPLES", 100_000))



def unreachable(pack) -> set:
    """Branches no valid record can take: a per_item checklist counts items, it never sees "none
    applicable" (that is the share mode's zero denominator). Every other branch must be hit."""
    return {f"{leaf.uid}#none" for _, _, bound in pack.items for leaf in bound.leaves()
            if leaf.method.name == "checklist" and leaf.method.cfg.mode == "per_item"}


def engine_view(result) -> dict:
    points = {}

    def note(it, path):
        points[path] = it.points
        for part in it.parts:   # parts at every level, by path
            note(part, f"{path}/{part.id}")

    for it in result.items:
        note(it, it.id)
    return {"points": points, "total": result.total, "grade": result.grade.id,
            "vetoes": {v.id: v.holds for v in result.grade.vetoes}}


def fired_rules(result) -> set:
    out = set()

    def note(r):
        if r.rule:
            out.add(r.rule)
        for p in r.parts:
            note(p)

    for it in result.items:
        note(it)
    return out


def all_rules(pack) -> set:
    return {f"{leaf.uid}#{b.key}" for _, _, bound in pack.items for leaf in bound.leaves()
            for b in leaf.method.branches()}


def outcomes(result) -> set:
    """What a result shows of the grading: the grade, each veto holding or clear, a band capped."""
    out = {("grade", result.grade.id)} | {("veto", v.id, v.holds) for v in result.grade.vetoes}
    if result.grade.capped_from:
        out.add(("capped", result.grade.capped_from))
    return out


def all_outcomes(pack) -> set:
    """Every grade reached, every veto seen holding and clear, every band with vetoes capped by one."""
    grades = pack.data.grades
    out = {("grade", g.id) for g in grades}
    for g in grades:
        if g.vetoes:
            out.add(("capped", g.label))
        for v in g.vetoes:
            out |= {("veto", v.id, True), ("veto", v.id, False)}
    return out


def compare(pack, ref: Reference, data: dict, manual: dict, fired: set | None = None,
            seen: set | None = None) -> None:
    ev = evidence_from_data(data, "generated.yaml", hashlib.sha256(repr(data).encode()).hexdigest())
    # the generator writes only valid records: a refusal is its bug
    result = api.score(ev, pack, manual=manual, allow_other_province=True)
    got = engine_view(result)
    want = ref.score(data, manual)
    bad = {k: (got["points"].get(k), v) for k, v in want.points.items() if got["points"].get(k) != v}
    assert not bad, f"engine vs oracle per item (engine, oracle): {bad}"
    assert set(got["points"]) == set(want.points)
    assert got["total"] == want.total, (got["total"], want.total)
    assert got["vetoes"] == want.vetoes
    assert got["grade"] == want.grade, (got["grade"], want.grade, got["total"])
    if fired is not None:
        fired.update(fired_rules(result))
    if seen is not None:
        seen.update(outcomes(result))


def _run(path: Path, examples: int, check_coverage: bool, rng_seed: int | None = None) -> None:
    pack = api.load_pack(path)
    ref = Reference(load(path))
    fired: set = set()
    seen: set = set()

    @settings(max_examples=examples, derandomize=rng_seed is None, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate, Phase.shrink))
    @given(Plan.of(ref).seeded())
    def check(case):
        data, manual = case
        compare(pack, ref, data, manual, fired, seen)

    if rng_seed is not None:
        check = seed(rng_seed)(check)
    check()
    if check_coverage:
        never = all_rules(pack) - fired - unreachable(pack)
        assert not never, f"the generator never reached these branches: {sorted(never)}"
        missed = all_outcomes(pack) - seen
        assert not missed, f"the generator never reached these grades / veto states: {sorted(missed, key=str)}"


@pytest.mark.parametrize("path", RULE_PACKS, ids=[p.stem for p in RULE_PACKS])
def test_engine_equals_oracle(path):
    _run(path, CI_EXAMPLES, check_coverage=True)


@pytest.mark.parametrize("path", TEST_PACKS, ids=[p.stem for p in TEST_PACKS])
def test_engine_equals_oracle_on_synthetic_packs(path):
    """Packs under tests/oracle/packs/ use the options the real packs do not (otherwise, max-only
    tiers, half_up/up rounding, per_item checklists, yes_no `no`, bonus trimming across items…)."""
    _run(path, CI_EXAMPLES, check_coverage=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", RULE_PACKS + TEST_PACKS, ids=[p.stem for p in RULE_PACKS + TEST_PACKS])
def test_engine_equals_oracle_full_size(path):
    _run(path, FULL_EXAMPLES if path in RULE_PACKS else SYNTHETIC_FULL_EXAMPLES, check_coverage=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", RULE_PACKS + TEST_PACKS, ids=[p.stem for p in RULE_PACKS + TEST_PACKS])
def test_engine_equals_oracle_nightly(path):
    _run(path, SLOW_EXAMPLES, check_coverage=False, rng_seed=20231231)
