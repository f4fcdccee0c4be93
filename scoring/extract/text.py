"""Text normalisation shared by the extractor: NFC, whitespace, markdown marks, tone-mark folding.

Vietnamese has two conventions for placing the tone mark on an open "oa", "oe", "uy" ("hoá" and
"hóa", "uỷ" and "ủy"); reports mix them freely. Patterns are written in the modern form and matched
against a *folded* copy of the text in which old-style pairs are rewritten. Folding replaces two
characters by two characters, so every position in the folded text is the same position in the
original and a match can be cut out of the original sentence unchanged.
"""
from __future__ import annotations

import re
import unicodedata

# old-style placement → modern placement (same length: 2 characters each)
_FOLD_PAIRS = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# only at the end of a syllable ("hoá", "uỷ"; not "thoại", "hoạt") and not after q ("quý" is modern)
_FOLD_RE = re.compile("(?<![qQ])(?:" + "|".join(_FOLD_PAIRS) + r")(?![^\W\d_])", re.IGNORECASE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fold_one(m: re.Match) -> str:
    s = m.group(0)
    out = _FOLD_PAIRS[s.lower()]
    return out.upper() if s.isupper() else (out[0].upper() + out[1:] if s[0].isupper() else out)


def fold(text: str) -> str:
    """Modern tone-mark placement; same length as the input (positions are preserved)."""
    folded = _FOLD_RE.sub(_fold_one, text)
    assert len(folded) == len(text)
    return folded


def strip_accents(text: str) -> str:
    """ASCII-ish skeleton used only to group spelling variants of one name (Phổ/Phố/Phở)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_BULLETS = re.compile(r"^(?:\s*(?:[-+•▪◦●]|\*(?=\s))\s+)+")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b]+")


def clean_line(line: str) -> tuple[str, bool]:
    """One line without markdown heading marks, emphasis stars or bullets; and whether it was a
    markdown heading."""
    heading = bool(_MD_HEADING.match(line))
    line = _MD_HEADING.sub("", line)
    line = line.replace("*", "")
    line = _BULLETS.sub("", line)
    line = line.replace("\\", "") if line.endswith("\\") else line
    return _SPACES.sub(" ", line).strip(), heading


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces (for comparing quotes)."""
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()
