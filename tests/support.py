"""Plain helpers shared by tests (importable as `support`: pytest's pythonpath includes tests/)."""
from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QN_PACK = ROOT / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
SAMPLES = ROOT / "samples"
QN_SAMPLES = sorted((SAMPLES / "quang-ngai").glob("*.yaml"))
HUE_SAMPLE = SAMPLES / "thua-thien-hue" / "phuong-hue-2023.yaml"

BASE_WARD = {"name": "Phường Thử", "district": "Thành phố Quảng Ngãi", "province": "Quảng Ngãi",
             "kind": "phuong", "residential_groups": 10}


def record(facts=None, documents=None, **extra) -> dict:
    data = {"ward": dict(BASE_WARD), "period": {"year": 2023}, "documents": documents or [], "facts": facts or {}}
    data.update(extra)
    return data


def load(data: dict, name: str = "test.yaml"):
    from scoring.evidence import evidence_from_data

    return evidence_from_data(data, name, hashlib.sha256(repr(data).encode()).hexdigest())


def score_dict(pack, data: dict, manual=None):
    from scoring import vocabulary
    from scoring.score import evaluate

    ev = load(data)
    vocabulary.check(pack, ev)
    return evaluate(pack, ev, manual=manual)
