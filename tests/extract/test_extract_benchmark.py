"""Precision and recall on the seed reports against the hand-made expected lists; floors must hold."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from scoring.extract.measure import EXPECTED, SEEDS, measure, table
from scoring.extract.reader import read_report
from scoring.extract.text import squash
from scoring.extract.vocab import default_pack_path, load_vocabulary

HERE = Path(__file__).resolve().parent
FLOORS = yaml.safe_load((HERE / "floors.yaml").read_text(encoding="utf-8"))
HELDOUT = HERE / "fixtures" / "heldout"
HELDOUT_EXPECTED = HERE / "expected_heldout"
VOCAB = load_vocabulary(default_pack_path())


def _expected_files():
    return sorted(EXPECTED.glob("*.yaml")) + sorted(HELDOUT_EXPECTED.glob("*.yaml"))


@pytest.mark.parametrize("path", _expected_files(), ids=lambda p: p.stem)
def test_expected_lists_quote_their_report(path):
    """The hand-made lists must quote the report exactly and use the pack's identifiers."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = (SEEDS if path.parent == EXPECTED else HELDOUT) / spec["seed"]
    text = squash(read_report(report).text).casefold()
    ids = set(VOCAB.facts) | set(VOCAB.documents) | {"ward.name", "ward.district", "ward.province"}
    for item in spec["items"]:
        assert item["id"] in ids, item
        quotes = item["quote"] if isinstance(item["quote"], list) else [item["quote"]]
        assert any(squash(q).casefold() in text for q in quotes), item


@pytest.fixture(scope="module")
def seed_scores():
    return {s.seed: s for s in measure()}


@pytest.fixture(scope="module")
def heldout_scores():
    return {s.seed: s for s in measure(HELDOUT, HELDOUT_EXPECTED)}


def _floor(x: float) -> float:
    return math.floor(x * 100 + 1e-9) / 100


@pytest.mark.parametrize("seed", sorted(FLOORS["seeds"]))
def test_seed_floors(seed, seed_scores):
    s, floor = seed_scores[seed], FLOORS["seeds"][seed]
    assert _floor(s.precision) >= floor["precision"], (s.wrong, table(list(seed_scores.values())))
    assert _floor(s.recall) >= floor["recall"], (s.misses, table(list(seed_scores.values())))


@pytest.mark.parametrize("name", sorted(FLOORS["heldout"]))
def test_heldout_floors(name, heldout_scores):
    s, floor = heldout_scores[name], FLOORS["heldout"][name]
    assert _floor(s.precision) >= floor["precision"], s.wrong
    assert _floor(s.recall) >= floor["recall"], s.misses


def test_every_seed_has_a_floor(seed_scores):
    assert set(seed_scores) == set(FLOORS["seeds"])


def test_table_is_markdown(seed_scores):
    out = table(list(seed_scores.values())).splitlines()
    assert out[0].startswith("| seed |") and out[-1].startswith("| **all (micro)** |")
