"""Pins on durable-rules 2.0.28 and on the wrapper's answers to it (DOMAIN.md, "measured here").

Two kinds of test: *traps* pin what the C engine does on its own (so an upgrade that changes it is
noticed), and *guards* pin that scoring/engine.py keeps each trap out of reach of a user's input.
"""
from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
import threading
from pathlib import Path

import durable_rules_engine as dre
import pytest

from scoring import api, conditions, engine
from scoring.api import load_pack
from scoring.errors import EngineError, EvidenceError, PackError
from scoring.evidence import FactValue, evidence_from_data
from scoring.methods import Branch
from scoring.packstore import pack_files
from scoring.score import compile_pack

ROOT = Path(__file__).resolve().parent.parent.parent
QN_PACK = ROOT / "scoring" / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
ALL_PACKS = pack_files() + sorted((ROOT / "tests" / "oracle" / "packs").glob("*.yaml"))
SAMPLES = sorted((ROOT / "samples" / "quang-ngai").glob("*.yaml"))


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="module")
def qn():
    return load_pack(QN_PACK)


def records(n: int, seed: int = 7):
    """n valid records (plain data) for the Quảng Ngãi pack, from the oracle's generator (seeded)."""
    from oracle.packfile import load
    from oracle.records import Chooser, Plan, build
    from oracle.reference import Reference

    plan = Plan.of(Reference(load(QN_PACK)))
    rng = random.Random(seed)
    for _ in range(n):
        data, manual = build(Chooser(rng=rng), plan)
        yield data, manual


# -- traps: what durable does by itself --------------------------------------------------------------

@pytest.fixture
def ruleset():
    made = []

    def make(rules: dict):
        handle = dre.create_ruleset(f"pin_{len(made)}_{id(made)}", json.dumps(rules))
        made.append(handle)
        return handle

    yield make
    for h in made:
        dre.delete_ruleset(h)


def fire(handle, fact: dict, sid: str) -> tuple[int, list]:
    res = dre.assert_facts(handle, json.dumps([dict(fact, sid=sid, id="f")]))
    fired = []
    if res[0] == 0:
        action = dre.start_action_for_state(handle, res[1])
        while action:
            fired.extend(json.loads(action[1] if isinstance(action, tuple) else action))
            action = dre.complete_and_start_action(handle, res[1])
    dre.delete_state(handle, sid)
    return res[0], fired


def test_trap_comparisons_coerce_text_and_booleans(ruleset):
    """Why a string must never reach the engine: '30' ≥ 29, 'abc' > 5, '1' == 1 and True == 1 all match."""
    h = ruleset({"ge": {"all": [{"m": {"$gte": {"p": 29}}}]}, "gt": {"all": [{"m": {"$gt": {"x": 5}}}]},
                 "eq": {"all": [{"m": {"v": 1}}]}})
    assert fire(h, {"p": "30"}, "a") == (0, ["ge"])
    assert fire(h, {"x": "abc"}, "b") == (0, ["gt"])
    assert fire(h, {"v": "1"}, "c") == (0, ["eq"])
    assert fire(h, {"v": True}, "d") == (0, ["eq"])


def test_trap_an_or_fires_once_per_matching_branch(ruleset):
    """'a or b' with both true fires the rule twice: the veto reader must count distinct branches."""
    h = ruleset({"either": {"all": [{"m": {"$or": [{"$gt": {"a": 0}}, {"$gt": {"b": 0}}]}}]}})
    assert fire(h, {"a": 1, "b": 1}, "s1") == (0, ["either", "either"])
    assert fire(h, {"a": 1, "b": 0}, "s2") == (0, ["either"])


def test_trap_an_unmatched_fact_is_reported_not_ignored(ruleset):
    h = ruleset({"only": {"all": [{"m": {"k": "x"}}]}})
    assert fire(h, {"k": "y"}, "s")[0] == 1  # MessageNotHandled: nothing fired, nothing queued


def test_trap_live_sessions_are_capped_at_1024(ruleset):
    h = ruleset({"any": {"all": [{"m": {"k": 1}}]}})
    live = 0
    with pytest.raises(MemoryError):
        for i in range(1100):
            res = dre.assert_facts(h, json.dumps([{"sid": f"x{i}", "id": "f", "k": 1}]))
            action = dre.start_action_for_state(h, res[1])
            while action:
                action = dre.complete_and_start_action(h, res[1])
            live += 1
    assert live == 1024
    for i in range(live):
        dre.delete_state(h, f"x{i}")
    assert fire(h, {"k": 1}, "after") == (0, ["any"])  # deleting states frees the slots


# -- guards: what the wrapper makes of it ------------------------------------------------------------

def test_or_veto_with_every_branch_true_gives_one_answer(tmp_path):
    src = QN_PACK.read_text(encoding="utf-8").replace(
        'when: "staff.disciplined > 0"', 'when: "staff.disciplined > 0 or security.hot_spots > 0 or models.registered > 0"')
    path = tmp_path / "or.yaml"
    path.write_text(src, encoding="utf-8")
    pack = load_pack(path)
    data = {"ward": {"name": "P", "province": "Quảng Ngãi"}, "period": {"year": 2023},
            "facts": {"staff.disciplined": 1, "security.hot_spots": 2, "models.registered": 3}}
    result = api.score(data, pack)
    assert {v.id: v.holds for v in result.grade.vetoes}["V1"] is True


def test_an_exception_while_awarding_surfaces(qn, monkeypatch, runner):
    """Our actions run in Python after durable has matched: an error there is raised, never a 0."""
    from scoring.cli import main
    from scoring.methods.tiers import Tiers

    def broken(self, branch, derived):
        raise RuntimeError("award failed")

    monkeypatch.setattr(Tiers, "award", broken)
    data = next(records(1))[0]
    with pytest.raises(RuntimeError, match="award failed"):
        api.score(data, qn)
    r = runner.invoke(main, ["score", str(SAMPLES[0])])
    assert r.exit_code == 1 and "lỗi nội bộ" in r.stderr and "award failed" in r.stderr


def test_an_unmatched_state_is_an_engine_error(qn):
    cp = compile_pack(qn)
    uid = next(iter(cp.leaf_fields))
    with pytest.raises(EngineError):
        cp.run({uid: ("no-such-state", 0)}, {})
    assert cp.run({uid: ("missing", 0)}, {}) == {uid: ["missing"]}  # the session was cleaned up


def test_a_failure_mid_drain_releases_its_session():
    """A run that fails while reading the fired rules still drains and deletes its session: 1,100
    failing runs would otherwise exhaust the 1,024 live sessions, and DOMAIN.md measured that deleting
    a state with actions queued can abort the process. Run apart: an abort must not kill pytest."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from scoring.api import load_pack
from scoring.score import compile_pack, plan
pack = load_pack({str(QN_PACK)!r})
cp = compile_pack(pack)
leaves = {{uid: (next(b.state for b in bs if b.lo is None and b.hi is None), 0) for uid, bs in plan(pack).branches.items()}}
refs = cp.refs
cp.refs = {{}}
for _ in range(1100):
    try:
        cp.run(leaves, {{}})
        raise SystemExit("a run without its rule names succeeded")
    except KeyError:
        pass
cp.refs = refs
for _ in range(3):
    assert len(cp.run(leaves, {{}})) == len(leaves)
print("alive")
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "alive" in r.stdout, (r.returncode, r.stderr[-2000:])


def test_no_threads_leak_and_memory_and_sessions_stay_flat(qn):
    """1,500 records in one process (more than durable's 1,024 sessions): no thread started (no durable
    Host), the session cap never reached (one session per record, deleted), and resident memory flat after warm-up."""
    def rss_kb() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4

    batch = list(records(1500, seed=11))
    for data, manual in batch[:200]:  # warm-up: caches, the compiled ruleset, pydantic's validators
        api.score(data, qn, manual=manual)
    threads, before = threading.active_count(), rss_kb()
    for data, manual in batch:
        api.score(data, qn, manual=manual)
    assert threading.active_count() == threads
    assert not [t for t in threading.enumerate() if "durable" in t.name.lower() or "timer" in t.name.lower()]
    assert rss_kb() - before < 20 * 1024, "memory grows per record"


def test_firing_order_never_changes_a_result(qn):
    """Facts asserted in any order, and rules compiled in any order, fire the same branches."""
    cp = compile_pack(qn)
    from scoring.score import plan as score_plan

    pl = score_plan(qn)
    leaves = [(leaf.uid, pl.branches[leaf.uid]) for leaf in pl.leaves]
    random.Random(3).shuffle(leaves)
    shuffled = engine.CompiledPack(qn, leaves, list(reversed([(vid, node) for vid, node, _ in pl.vetoes])))
    try:
        rng = random.Random(5)
        for data, manual in records(300, seed=5):
            ev = api.load_record(data)
            leaf_facts = {}
            for leaf in pl.leaves:
                m = leaf.method
                d = m.derive(ev.record, manual.get(leaf.item.id)) if m.name == "manual" else m.derive(ev.record)
                leaf_facts[leaf.uid] = (d.state, d.measure)
            vetoes = {vid: {i: 0 for i in idents} for vid, _, idents in pl.vetoes}
            want = {k: sorted(v) for k, v in cp.run(leaf_facts, vetoes).items()}
            order = list(leaf_facts.items())
            rng.shuffle(order)
            assert {k: sorted(v) for k, v in cp.run(dict(order), vetoes).items()} == want
            assert {k: sorted(v) for k, v in shuffled.run(dict(order), vetoes).items()} == want
    finally:
        shuffled.close()


def test_record_and_pack_order_never_change_a_result(qn, tmp_path):
    from oracle.packfile import load

    src = load(QN_PACK)  # plain data, `on:` kept as a key; written back as JSON (numbers as text)
    src["criteria"] = [dict(c, items=list(reversed(c["items"]))) for c in reversed(src["criteria"])]
    src["grades"] = list(reversed(src["grades"]))
    path = tmp_path / "reordered.json"
    path.write_text(json.dumps(src, ensure_ascii=False, default=str), encoding="utf-8")
    reordered = load_pack(path)
    rng = random.Random(9)
    for raw, manual in records(200, seed=9):
        ev = api.load_record(raw)
        data = ev.record.model_dump(by_alias=True, exclude_none=True)
        data["facts"] = {k: v.written() for k, v in rng.sample(list(ev.record.facts.items()), len(ev.record.facts))}
        data["documents"] = rng.sample(data["documents"], len(data["documents"]))
        other = evidence_from_data(data, "r.yaml", ev.sha256)
        a, b, c = (api.score(ev, qn, manual=manual), api.score(other, qn, manual=manual),
                   api.score(ev, reordered, manual=manual))
        for x in (b, c):
            assert {i.id: i.points for i in x.items} == {i.id: i.points for i in a.items}
            assert (x.total, x.grade.id) == (a.total, a.grade.id)


@pytest.mark.parametrize("path", ALL_PACKS, ids=[p.stem for p in ALL_PACKS])
def test_compiled_rules_have_no_joins_and_no_nex(path):
    definition = json.loads(compile_pack(load_pack(path)).definition_json)
    assert definition
    for name, rule in definition.items():
        assert list(rule) == ["all"] and len(rule["all"]) == 1 and list(rule["all"][0]) == ["m"], name
    assert "$nex" not in json.dumps(definition) and "$ex" not in json.dumps(definition)


def test_text_never_reaches_the_engine_as_a_number():
    for written in ("1", {"value": "1"}, {"num": "1", "den": 2}, {"done": "1", "total": 2}, {"percent": "50"}):
        with pytest.raises(ValueError):
            FactValue.model_validate(written)
    with pytest.raises(EvidenceError):
        evidence_from_data({"ward": {"name": "P", "province": "Quảng Ngãi"}, "period": {"year": 2023},
                            "facts": {"staff.disciplined": "1"}}, "r.yaml", "0")
    for bad in ("1", 1.0, True, None):
        with pytest.raises(EngineError):
            engine._bounded(bad)


# -- size limits: our PackError, before durable is asked ---------------------------------------------

@pytest.fixture
def no_durable(monkeypatch):
    calls = []

    def refuse(name, definition):
        calls.append(name)
        raise AssertionError("durable must not be called for an oversized pack")

    monkeypatch.setattr(engine._dre, "create_ruleset", refuse)
    return calls


PACK_HEAD = """format: dvcq-pack/1
pack: {{id: limits-test, version: "1", title: "t", legal_basis: "t", jurisdiction: {{province: "Quảng Ngãi"}},
  applies_to: [phuong], period_kind: year, effective_from: 2000-01-01, status: draft, max_total: {total}}}
vocabulary:
  facts:
    k.n: {{type: count, label: "n"}}
criteria:
  - id: C
    title: "c"
    max: {total}
    items:
{items}
grades:
  - {{id: low, label: "low", min: 0}}
"""


def tiers_item(i: int, n: int) -> str:
    tiers = ", ".join(f"{{min: {t}, points: 1}}" for t in range(1, n + 1))
    return f"      - {{id: I{i}, title: t, max: 1, source: s, method: tiers, on: k.n, tiers: [{tiers}]}}"


def test_an_item_with_300_tiers_is_refused_before_durable(tmp_path, no_durable):
    path = tmp_path / "tiers300.yaml"
    path.write_text(PACK_HEAD.format(total=1, items=tiers_item(0, 300)), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(path)
    assert "L008" in exc.value.render() and f"tối đa {engine.MAX_BRANCHES_PER_ITEM}" in exc.value.render()
    assert no_durable == []


def test_a_pack_of_more_than_4000_rules_is_refused_before_durable(tmp_path, no_durable):
    items = "\n".join(tiers_item(i, 50) for i in range(80))  # 80 × 53 branches = 4,240 rules
    path = tmp_path / "rules4000.yaml"
    path.write_text(PACK_HEAD.format(total=80, items=items), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(path)
    assert "L008" in exc.value.render() and f"tối đa {engine.MAX_RULES}" in exc.value.render()
    assert no_durable == []


def _branches(n: int, lo: int = 0) -> list:
    return [Branch(f"b{i}", "v", lo + i, lo + i + 1) for i in range(n)]


@pytest.mark.parametrize("leaves,vetoes,code", [
    ([("x", _branches(engine.MAX_BRANCHES_PER_ITEM + 1))], [], "E101"),
    ([("x", _branches(2, engine.MAX_MEASURE))], [], "E102"),
    ([], [("V", conditions.Or(tuple(conditions.Cmp(f"f.x{i}", ">", 0) for i in range(engine.MAX_FACT_KEYS))))], "E103"),
    ([(f"x{j}", _branches(engine.MAX_BRANCHES_PER_ITEM)) for j in range(engine.MAX_RULES // engine.MAX_BRANCHES_PER_ITEM + 1)],
     [], "E104"),
], ids=["branches-per-item", "measure-bound", "fact-keys", "rules-per-ruleset"])
def test_compiled_pack_limits(qn, no_durable, leaves, vetoes, code):
    with pytest.raises(PackError) as exc:
        engine.CompiledPack(qn, leaves, vetoes)
    assert code in {p.code for p in exc.value.problems}
    assert no_durable == []


@pytest.mark.parametrize("definition,code", [
    ({f"r{i}": {"all": [{"m": {"$and": [{"k": "v"}, {f"f{i}": i}]}}]} for i in range(engine.MAX_SHARED_CONDITION + 1)}, "E107"),
    ({f"r{i}": {"all": [{"m": {"$gte": {"f": i}}}]} for i in range(engine.MAX_DISTINCT_PER_FIELD + 1)}, "E108"),
    ({"r": {"all": [{"m": {"$nex": {"f": 1}}}]}}, "E105"),
    ({"r": {"all": [{"m": {"k": 1}}, {"m": {"k": 2}}]}}, "E106"),
], ids=["shared-condition", "distinct-per-field", "nex", "join"])
def test_limit_checker(definition, code):
    """Limits no valid pack can reach through the compiler (its fields are per item and per veto,
    and a condition is at most 500 characters); the checker still refuses them."""
    assert code in {p.code for p in engine.CompiledPack._check_limits(copy.deepcopy(definition))}


def test_samples_validate_before_durable(qn):
    """Every record the engine sees has been through the vocabulary check: counts are ints."""
    for sample in SAMPLES:
        ev = api.check(sample, qn).record
        for fv in ev.record.facts.values():
            for attr in ("value", "num", "den", "done", "total", "na_items"):
                v = getattr(fv, attr)
                assert v is None or type(v) is int
