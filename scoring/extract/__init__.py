"""Drafting an evidence record from a ward's own narrative report (`dvcq extract`).

    reader     .txt / .md / .docx → sentences with their section
    numbers    Vietnamese numbers, percentages, fractions, dates (Babel)
    patterns   cue templates: the slots a cue writes values into
    cues       a pack's cue table (rules/<tỉnh>/_extract/<pack>.cues.yaml), checked against the pack
    facts      applying the cues; placing each value in time
    documents  citations ("Kế hoạch số 15/KH-UBND ngày 23/3/2023 …") and the pack's documents
    ward       the ward, district, province and the period
    checks     contradictions (a stated rate its own counts do not give)
    draft      the draft record and its YAML
    command    the click command
    measure    precision and recall against the hand-made expected lists of the seeds
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .draft import Extraction, extract, record_of, to_yaml
from .reader import read_report
from .vocab import Vocabulary, default_pack_path, load_vocabulary


def extract_file(path: str | Path, vocab: Optional[Vocabulary] = None, **overrides) -> Extraction:
    """Read a report and draft its record (the default pack's vocabulary when none is given)."""
    report = read_report(path)
    return extract(report, vocab or load_vocabulary(default_pack_path()), report.raw, **overrides)


__all__ = ["Extraction", "Vocabulary", "extract", "extract_file", "load_vocabulary", "read_report", "record_of", "to_yaml"]
