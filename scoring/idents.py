"""Identifiers a rule author writes (vocabulary ids, parameter names): plain ASCII only.

`plаn.dvcq_annual` with a Cyrillic `а` looks exactly like `plan.dvcq_annual`, so a record that
uses the real id would be told it is unknown, and one that copied the look-alike would score
against a fact nobody can type. The rule is simple: a vocabulary id or parameter name is made of
`a-z`, `0-9`, `_` and `.`; any other character is refused, and a non-ASCII one is named with its
Unicode name (and the ASCII letter it imitates, when its name says so).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

IDENT = re.compile(r"[a-z0-9_.]+")
_LETTER = re.compile(r"^[A-Z -]+? (SMALL|CAPITAL) LETTER ([A-Z])$")


def describe_char(ch: str) -> str:
    """'а' (U+0430 CYRILLIC SMALL LETTER A, trông giống 'a')."""
    name = unicodedata.name(ch, "không có tên")
    text = f"'{ch}' (U+{ord(ch):04X} {name}"
    m = _LETTER.match(name)
    if m:
        text += f", trông giống '{m.group(2).lower() if m.group(1) == 'SMALL' else m.group(2)}'"
    return text + ")"


def non_ascii(ident: str) -> Optional[str]:
    """The first non-ASCII character of `ident`, described; None when the text is ASCII."""
    for ch in ident:
        if ord(ch) > 127:
            return describe_char(ch)
    return None


def ident_problem(ident: object) -> Optional[str]:
    """Why `ident` is not a valid vocabulary id or parameter name (Vietnamese), or None."""
    text = str(ident)
    if not text:
        return "mã rỗng; mã chỉ gồm a-z, 0-9, '_' và '.'"
    bad = non_ascii(text)
    if bad:
        return f"mã '{text}' chứa ký tự không phải ASCII {bad}; mã chỉ gồm a-z, 0-9, '_' và '.'"
    if not IDENT.fullmatch(text):
        wrong = next((c for c in text if not IDENT.fullmatch(c)), text[:1])
        return f"mã '{text}' chứa ký tự '{wrong}' không được phép; mã chỉ gồm a-z, 0-9, '_' và '.'"
    return None
