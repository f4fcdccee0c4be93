"""load → validate → choose pack → evaluate, as every command needs it (and nothing more)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import registry, vocabulary
from .evidence import LoadedEvidence, load_evidence
from .pack import Pack
from .result import Result
from .score import evaluate


@dataclass
class Prepared:
    pack: Pack
    evidence: LoadedEvidence
    checked: vocabulary.Checked


def prepare(evidence_path: str | Path, rules: Optional[str | Path] = None, allow_other_province: bool = False,
            evidence: Optional[LoadedEvidence] = None) -> Prepared:
    ev = evidence or load_evidence(evidence_path)
    pack = registry.load_cached(Path(rules)) if rules else registry.select(ev)
    registry.check_applies(pack, ev, allow_other_province)
    checked = vocabulary.check(pack, ev)
    return Prepared(pack, ev, checked)


def score_file(evidence_path: str | Path, rules: Optional[str | Path] = None,
               allow_other_province: bool = False) -> Result:
    prep = prepare(evidence_path, rules, allow_other_province)
    return evaluate(prep.pack, prep.evidence)
