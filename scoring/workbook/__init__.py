"""The ward clerk's Excel formats: the evidence-entry workbook (template, reading, conversion).

Ward offices work in Excel, not YAML. A workbook generated from a pack's vocabulary is filled by
the clerk and read back into exactly the record a YAML file would give, so every command accepts
either. openpyxl is imported only when a workbook is actually read or written.
"""
from __future__ import annotations


def read_workbook(path):
    """A filled evidence workbook → `LoadedEvidence` (raises `EvidenceError` naming sheet and cell)."""
    from .reader import read_workbook as _read

    return _read(path)
