"""The ways a clerk may write one fact, in one place.

The evidence loader (`evidence.FactValue`), the JSON Schema (`schema.py`), the workbook reader
(`workbook/`) and `dvcq extract` all read these tables, so a spelling accepted by one is accepted
by all of them, and `tests/test_spellings.py` holds the loader and the schema to the same set.

    count       5                      {value: 5}
    yes/no      true / false           {value: true}
    rate        {num: 15, den: 16}     {percent: 93.75}
    checklist   {done: 9, total: 10, not_applicable: 1}
    did not arise ("không phát sinh")  not_applicable · không phát sinh · khong phat sinh · n/a
                                       (any case, spaces around and between words ignored)
                                       {not_applicable: true}

Every form may carry the proof keys `source`, `note`, `reason`, `confidence` (0–1), `review`.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

MAX_COUNT = 10**9          # no ward counts a billion of anything; larger is a typo or an attack
MAX_PERCENT = 10**6        # a rate declared unbounded still has a sane ceiling
MAX_PERCENT_DECIMALS = 30  # exact arithmetic on 1e-99999999 would not finish

META_KEYS = ("source", "note", "reason", "confidence", "review")
RATE_PAIR = ("num", "den")
RATE_PERCENT = "percent"
CHECKLIST = ("done", "total", "not_applicable")  # not_applicable: how many items did not arise (default 0)
VALUE = "value"                                   # {value: 5} or {value: true}
NOT_APPLICABLE_KEY = "not_applicable"             # {not_applicable: true}
VALUE_KEYS = (VALUE,) + RATE_PAIR + (RATE_PERCENT,) + CHECKLIST[:2] + (NOT_APPLICABLE_KEY,)

NOT_APPLICABLE_WORDS = ("not_applicable", "không phát sinh", "khong phat sinh", "n/a")
YES_WORDS = ("có", "co", "true", "yes", "x")      # workbook cells (YAML/JSON use true/false)
NO_WORDS = ("không", "khong", "false", "no")


def fold(text: str) -> str:
    """How written words are compared: NFC, case-folded, spaces around and between words collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def is_not_applicable(text: str) -> bool:
    return fold(text) in NOT_APPLICABLE_WORDS


def yes_no_word(text: str):
    """True / False for a yes or no word, None for anything else."""
    key = fold(text)
    return True if key in YES_WORDS else False if key in NO_WORDS else None


# -- the same words as a regular expression, for the JSON Schema ---------------------------------

# Every code point that folds to a letter of these words lies below U+3000 (Latin, Greek, the
# letterlike symbols such as the Kelvin sign); a test checks this against all of Unicode.
FOLD_SCAN_END = 0x3000


@lru_cache(maxsize=None)
def _folds_to(end: int = FOLD_SCAN_END) -> dict[str, list[str]]:
    """Each folded character → every single code point that folds to it (K, k and the Kelvin sign K)."""
    out: dict[str, list[str]] = {}
    for cp in range(end):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        f = unicodedata.normalize("NFC", ch).casefold()
        if len(f) == 1:
            out.setdefault(f, []).append(ch)
    return out


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(_escape(c) for c in sorted(set(chars))) + "]"


def _escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[/" else ch


def _letter(c: str) -> str:
    """A folded letter: any code point folding to it, or its decomposed form (o + ◌̂ for ô)."""
    same = _char_class(_folds_to()[c])
    decomposed = unicodedata.normalize("NFD", c)
    if len(decomposed) == 1:
        return same
    base, marks = decomposed[0], decomposed[1:]
    return f"(?:{same}|{_char_class(_folds_to()[base])}{''.join(marks)})"


@lru_cache(maxsize=1)
def not_applicable_pattern() -> str:
    """A regex (Python and ECMA-262) matching exactly the texts `is_not_applicable` accepts."""
    words = []
    for w in NOT_APPLICABLE_WORDS:
        words.append(r"\s+".join("".join(_letter(c) for c in part) for part in w.split(" ")))
    return r"^\s*(?:" + "|".join(words) + r")\s*$"
