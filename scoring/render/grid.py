"""The box-drawn grid of the terminal tables: tabulate's `simple_grid`, drawn without tabulate.

Why not tabulate itself: every `dvcq score` prints this grid, and tabulate cost that path ≈ 89 M of
its 972 M instructions (issue 15's start-up budget) — importing it (its module body, `html.entities`),
its per-cell type inference and multiline alignment, and the wrapping through its `_CustomTextWrap`,
which measures every word through an ANSI-stripping length. Our cells are plain `str` (NFC
Vietnamese, one column per code point), so the grid is a few string joins.

tabulate stays the reference: `simple_grid` gives byte for byte what
`tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True, colalign=colalign)`
gives and `wrap` the lines of `tabulate._CustomTextWrap(width=width).wrap(text)`, both compared with
tabulate on generated text in tests/render/test_grid.py. Any input outside what those tests prove
equal — an ANSI escape, a line separator other than "\\n" that `str.splitlines` honours, tabulate's
SEPARATING_LINE "\\x01", a cell that is not a `str`, ragged rows, an alignment other than left, right
or center — goes to tabulate itself (imported then, and only then), so the output is always
tabulate's.

Widths are measured with `len`, as tabulate measures them when the optional `wcwidth` package is
not installed (it is not among our dependencies): the same input gives the same table whatever else
is installed beside dvcq. (With `wcwidth` installed, tabulate would count a CJK character as two
columns; NFC Vietnamese is one column per code point either way.)
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Optional, Sequence

# the characters only tabulate handles as tabulate does: SEPARATING_LINE, ANSI escapes, and the line
# boundaries of str.splitlines other than "\n" (tabulate splits cells with both re "[\r\n]" and
# splitlines, and the two disagree on these)
_TABULATE_ONLY = frozenset("\x01\x1b\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SPEC = {"left": "<", "right": ">", "center": "^"}


def wrap(text: str, width: int, break_on_hyphens: bool = True, *, subsequent_indent: str = "",
         break_long_words: bool = True) -> list[str]:
    """The lines tabulate's wrapper gives for a cell: `_CustomTextWrap(width=width,
    break_on_hyphens=…).wrap(text)` measured with `len`.

    That is textwrap's greedy algorithm as tabulate configures it — tabs expanded and whitespace
    made spaces, text cut into words and runs of spaces by textwrap's own patterns (at hyphens
    between letters when `break_on_hyphens`), whitespace dropped at the start of every line but the
    first and at the end of every line, a word longer than a line cut at the line's end (never at a
    hyphen, unlike textwrap's own `_handle_long_word`). Text with an ANSI escape goes to tabulate's
    wrapper, which carries colours over to the next line. `subsequent_indent` and
    `break_long_words` are textwrap's options of those names; without a hyphen rule to differ on
    (`break_on_hyphens` or `break_long_words` false), the lines are `textwrap.wrap`'s too.

    The patterns are textwrap's compiled class attributes: `textwrap` is already loaded in every
    `dvcq` process (durable.engine → traceback → textwrap), so this costs no import."""
    if not isinstance(text, str) or "\x1b" in text:
        import tabulate

        return tabulate._CustomTextWrap(width=width, break_on_hyphens=break_on_hyphens, break_long_words=break_long_words,
                                        subsequent_indent=subsequent_indent).wrap(text)
    if width <= 0:
        raise ValueError("invalid width %r (must be > 0)" % width)
    from textwrap import TextWrapper as tw

    if "\t" in text:
        text = text.expandtabs(8)
    if "\n" in text or "\r" in text or "\x0b" in text or "\x0c" in text:
        text = text.translate(tw.unicode_whitespace_trans)
    # without a hyphen, textwrap's word pattern cuts exactly where its plain whitespace pattern does
    pattern = tw.wordsep_re if break_on_hyphens and "-" in text else tw.wordsep_simple_re
    # textwrap's chunks, as the offsets where each ends in `text`; a line is then a slice of `text`
    # and the chunks that fit on it are found by bisection, not one by one
    ends = list(accumulate(map(len, filter(None, pattern.split(text)))))
    n = len(ends)
    lines: list[str] = []
    room = width  # the first line's; the others have the indent's less
    i = pos = 0  # the next chunk, and where what is left of it starts (a long word is cut in pieces)
    while i < n:
        if lines:
            room = width - len(subsequent_indent)
            if not text[pos:ends[i]].strip():  # whitespace at the start of a line but the first
                pos = ends[i]
                i += 1
        start = pos
        j = bisect_right(ends, pos + room, i)  # chunks i … j-1 fit on the line
        last = ends[j - 2] if j - 2 >= i else start  # where the last of them starts
        stop = ends[j - 1] if j > i else start
        if j < n and ends[j] - stop > room:  # a word no line can hold
            if break_long_words:  # as much of it as fits here (at least a character)
                last, stop = stop, start + max(room, 1)
            elif j == i:  # whole, alone on its line
                last, stop = stop, ends[j]
                j += 1
        pos, i = stop, j
        if stop > start and not text[last:stop].strip():  # whitespace at the end of the line
            stop = last
        if stop > start:
            lines.append(subsequent_indent + text[start:stop] if lines else text[start:stop])
    return lines



def textwrap_lines(text: str, width: int, *, subsequent_indent: str = "", break_long_words: bool = True) -> list[str]:
    """The lines of `textwrap.wrap(text, width, break_on_hyphens=False, …)`: `wrap` without a hyphen
    rule is the same algorithm, without a wrapper object per call (compared with textwrap in
    tests/render/test_grid.py); text with an ANSI escape goes to textwrap itself, which counts the
    escape's characters where tabulate's wrapper (what `wrap` hands it to) would not."""
    if "\x1b" in text:
        import textwrap

        return textwrap.wrap(text, width, subsequent_indent=subsequent_indent, break_long_words=break_long_words,
                             break_on_hyphens=False)
    return wrap(text, width, False, subsequent_indent=subsequent_indent, break_long_words=break_long_words)

def _plain(rows, headers, colalign) -> bool:
    """Whether the grid below is proven to draw these exactly as tabulate would."""
    if type(headers) not in (list, tuple) or not headers or type(rows) not in (list, tuple):
        return False
    n = len(headers)
    if colalign is not None and (not rows or type(colalign) not in (list, tuple) or len(colalign) > n
                                 or any(a not in _SPEC for a in colalign)):
        return False  # (tabulate fails on an alignment for a table without rows: let it)
    for h in headers:
        if type(h) is not str or not _TABULATE_ONLY.isdisjoint(h):
            return False
    for row in rows:
        if type(row) not in (list, tuple) or len(row) != n:
            return False
        for c in row:
            if type(c) is not str or not _TABULATE_ONLY.isdisjoint(c):
                return False
    return True


def simple_grid(rows: Sequence[Sequence[str]], headers: Sequence[str],
                colalign: Optional[Sequence[str]] = None) -> str:
    """`tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True,
    colalign=colalign)`, byte for byte.

    What tabulate does for such a table: every cell stripped of surrounding whitespace; a column as
    wide as its widest line, and at least its header's widest line plus 2; headers kept as written
    (not stripped) and aligned like their column; 1 space of padding each side; a rule between
    rows. When any header or cell has a line break, tabulate lays out every row line by line, and a
    row whose cells are all empty then has no line at all — kept here too."""
    if not _plain(rows, headers, colalign):
        from tabulate import tabulate

        return tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True, colalign=colalign)
    n = len(headers)
    specs = [_SPEC[a] for a in (colalign or ())] + ["<"] * (n - len(colalign or ()))
    multiline = any("\n" in h for h in headers) or any("\n" in c for row in rows for c in row)
    heads = [h.split("\n") for h in headers]
    body = [[(c.split("\n") if c else []) if multiline else [c] for c in map(str.strip, row)] for row in rows]
    widths = [max(map(len, h)) + 2 for h in heads]
    for row in body:
        for i, lines in enumerate(row):
            for line in lines:
                if len(line) > widths[i]:
                    widths[i] = len(line)
    fmts = [f"{{:{s}{w}}}" for s, w in zip(specs, widths)]
    blanks = [" " * w for w in widths]

    def lines_of(cells: list[list[str]]) -> list[str]:
        depth = max(map(len, cells))
        return ["│ " + " │ ".join(fmts[i].format(c[k]) if k < len(c) else blanks[i] for i, c in enumerate(cells)) + " │"
                for k in range(depth)]

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    between = rule("├", "┼", "┤")
    out = [rule("┌", "┬", "┐")] + lines_of(heads) + [between]
    for k, row in enumerate(body):
        if k:
            out.append(between)
        out += lines_of(row)
    out.append(rule("└", "┴", "┘"))
    return "\n".join(out)
