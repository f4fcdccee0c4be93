"""Where each vocabulary figure is stated: Vietnamese cues, one row per way of saying it.

A cue is a small regular expression *template* with named slots for the value — `{N}` a count,
`{N2}` a second count, `{FRAC}` "a/b", `{PCT}` "93,75%", `{NONE}` "không có / không phát sinh" —
and gaps that stay inside one clause: `{GAP0}` (≤ 25 characters), `{GAP}` (≤ 60), `{GAP2}`
(≤ 120), `{TXT}` (≤ 60, no digits, so a cue never jumps over another figure). The slots are read
by `numbers.py` (Babel), never by the cue. How a slot becomes a value is the row's `reads`:

    count        {N} is the count                      frac       {FRAC} is a rate num/den
    count_period {N}, or "năm <year>: n" if broken down pair       {N2} of {N} is a rate num/den
    frac_num     the numerator of {FRAC} is a count    pct        {PCT} is a rate in percent
    frac_den     the denominator of {FRAC} is a count  checklist  {FRAC} is done/total (+ n/a)
    yes / no     the sentence states it (or its lack)  none       {NONE}: zero, or not arisen
    at_least_one the act is stated without a number: 1 (needs review)
    two          "sơ kết, tổng kết" stated each year: 2 (needs review)
    groups       the sentence names n of the four groups of grassroots democracy as done

Patterns are matched, case-insensitively, against text whose tone marks are folded to the
modern placement ("hoá" → "hóa", "uỷ" → "ủy"), so they are written in the modern form.
The rows are a pack's data (rules/<province>/_extract/<pack>.cues.yaml, read by `cues.py`): adding a
way of saying something is adding a row there; no code changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .numbers import NONE_NOT_ARISEN, NONE_ZERO, NUMBER, QUALIFIERS

SLOTS = {
    "N": rf"(?P<n>{NUMBER})",
    "N2": rf"(?P<n2>{NUMBER})",
    "FRAC": r"(?P<num>\d{1,5})\s*/\s*(?P<den>\d{1,5})(?![\d/])",
    "PCT": rf"(?:(?P<q>{QUALIFIERS})\s+)?(?P<pct>{NUMBER})\s*%",
    "NONE": rf"(?P<none>{NONE_NOT_ARISEN}|{NONE_ZERO})",
    "GAP0": r"(?:[^.;!?%]|\.(?=\d)){0,25}?",
    "GAP": r"(?:[^.;!?%]|\.(?=\d)){0,60}?",
    "GAP2": r"(?:[^.;!?%]|\.(?=\d)){0,120}?",
    "TXT": r"[^.;!?%\d]{0,60}?",
    "TDP": r"(?:tổ dân phố|TDP|thôn)\b",
}

@dataclass(frozen=True)
class Cue:
    fact: str
    pattern: str
    reads: str
    confidence: float
    require: Optional[str] = None   # must also occur somewhere in the sentence
    exclude: Optional[str] = None   # must not occur anywhere in the sentence
    prefer: Optional[str] = None    # +0.1 confidence when it occurs (e.g. a total over a sub-total)
    note: Optional[str] = None      # written on the fact (why it needs a human)


# The four groups of grassroots democracy, as a report names them (for the `groups` reading).
DEMOCRACY_GROUPS = (
    r"công khai|dân biết",
    r"bàn và quyết định|dân bàn",
    r"tham gia ý kiến|lấy ý kiến|bàn và biểu quyết",
    r"giám sát|kiểm tra",
)

# "riêng nội dung thứ 10 ... không phát sinh": the items of a checklist that did not arise
CHECKLIST_NOT_ARISEN = r"(?:riêng|trừ|còn)\s+(?P<items>nội dung\s+(?:thứ\s+)?\d+(?:\s*(?:,|và)\s*(?:thứ\s+)?\d+)*){GAP2}(?:không phát sinh|chưa phát sinh|không phát hiện|không có)"

_SLOT_RE = re.compile(r"\{(" + "|".join(SLOTS) + r")\}")


def expand(template: str) -> str:
    """A cue template with its slots written out as regular expressions."""
    return _SLOT_RE.sub(lambda m: SLOTS[m.group(1)], template)


def compile_cue(template: str) -> re.Pattern:
    return re.compile(expand(template), re.IGNORECASE)


def cues_for(cues, facts: dict) -> list[tuple[Cue, re.Pattern]]:
    """The compiled cues (a pack's, from `cues.py`) of the identifiers a vocabulary has (ward.* always)."""
    out = []
    for cue in cues:
        if cue.fact in facts or cue.fact.startswith("ward."):
            out.append((cue, compile_cue(cue.pattern)))
    return out
