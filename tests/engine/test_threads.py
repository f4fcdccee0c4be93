"""A long-running server may score from several threads at once through `scoring.api`.

The process-wide caches (the pack store, the scorer's plans and compiled rulesets) are built under
their owners' locks; durable-rules is a C library with global state, so every call into it takes
one lock in `engine`, and nothing else does. Results must equal the sequential ones byte for byte,
even when the threads race to load and compile the same pack for the first time.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from scoring import api, engine
from scoring.render.json import dumps

from support import HUE_SAMPLE, QN_PACK, QN_SAMPLES, SAMPLES

REVIEWS = SAMPLES / "quang-ngai" / "reviews"
JOBS = [(s, None, {}) for s in QN_SAMPLES] + [
    (HUE_SAMPLE, None, {"pack": QN_PACK, "allow_other_province": True})] + [
    (SAMPLES / "quang-ngai" / r.name.replace(".review.yaml", ".yaml"), r, {}) for r in sorted(REVIEWS.glob("*.yaml"))]


def run(job) -> str:
    sample, review, kw = job
    if review is not None:
        return dumps(api.verify(sample, review, **kw).to_json_dict())
    return dumps(api.score(sample, **kw).to_json_dict())


@pytest.fixture
def durable_calls(monkeypatch):
    """Wrap every durable entry point: count rulesets created and freed, and the most calls ever in
    flight at once (a yield inside the wrapper gives another thread every chance to enter)."""
    state = {"inside": 0, "most": 0, "created": 0, "deleted": 0}
    guard = threading.Lock()

    def wrap(name):
        real = getattr(engine._dre, name)

        def call(*a):
            with guard:
                state["inside"] += 1
                state["most"] = max(state["most"], state["inside"])
                state["created"] += name == "create_ruleset"
                state["deleted"] += name == "delete_ruleset"
            time.sleep(0)  # let another thread run here if nothing serialises these calls
            try:
                return real(*a)
            finally:
                with guard:
                    state["inside"] -= 1
        monkeypatch.setattr(engine._dre, name, call)

    for name in ("create_ruleset", "assert_facts", "start_action_for_state", "complete_and_start_action",
                 "delete_state", "delete_ruleset"):
        wrap(name)
    return state


def test_threads_score_exactly_as_one_thread_does(durable_calls):
    api.reset()
    sequential = [run(job) for job in JOBS]
    api.reset()  # the threads race to index, load and compile the packs afresh
    durable_calls.update(created=0, deleted=0)
    rounds = 3
    start = threading.Barrier(8)

    def worker(offset: int) -> list[str]:
        start.wait()
        out = []
        for i in range(rounds * len(JOBS)):
            j = (i + offset) % len(JOBS)
            out.append((j, run(JOBS[j])))
        return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [r for f in [pool.submit(worker, k) for k in range(8)] for r in f.result()]
    assert len(results) == 8 * rounds * len(JOBS)
    for j, text in results:
        assert text == sequential[j], JOBS[j][0].name
    assert durable_calls["most"] == 1  # durable is entered by one thread at a time
    assert durable_calls["created"] - durable_calls["deleted"] == 1  # one live ruleset: a race's loser is freed
    api.reset()


def test_the_pure_python_work_runs_outside_the_durable_lock(monkeypatch, qn_pack):
    """Deriving facts and awarding points never hold the engine's lock: threads overlap there."""
    from scoring.methods.tiers import Tiers

    held = []
    real_derive, real_award = Tiers.derive, Tiers.award

    def derive(self, *a):
        held.append(engine._lock.locked())
        return real_derive(self, *a)

    def award(self, *a):
        held.append(engine._lock.locked())
        return real_award(self, *a)

    monkeypatch.setattr(Tiers, "derive", derive)
    monkeypatch.setattr(Tiers, "award", award)
    api.score(QN_SAMPLES[0], qn_pack)
    assert held and not any(held)
