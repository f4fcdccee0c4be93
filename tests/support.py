"""Plain helpers shared by tests (importable as `support`: pytest's pythonpath includes tests/)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "scoring" / "rules"  # package data; `rules/` at the root links here
QN_PACK = RULES / "quang-ngai" / "qd-1211-2022.yaml"
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
    """A record from plain data, named as a file would be in messages."""
    from scoring import api

    return api.load_record(data, name=name)


def score_dict(pack, data: dict, manual=None):
    from scoring import api

    return api.score(data, pack, manual=manual)
