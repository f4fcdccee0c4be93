"""`grid.simple_grid` and `grid.wrap` must give what tabulate gives, for any text.

tabulate is the oracle: the terminal tables are drawn without it (render/grid.py), and these compare
both with it on generated text — Vietnamese (precomposed), spaces, hyphens and dashes, slashes, long
words, empty and multiline cells, and the characters only tabulate handles (ANSI escapes, line
separators other than "\\n", its SEPARATING_LINE), for which the grid hands over to tabulate.

Our grid measures with `len`, which is what tabulate does when the optional `wcwidth` package is
not installed. tabulate is compared here with `wcwidth` switched off, so the comparisons hold
whether or not it is installed; `test_wide_characters_if_wcwidth_were_installed` shows what would
differ if it were.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
import tabulate as tab
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.render.grid import simple_grid, wrap

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "samples/quang-ngai/nguyen-nghiem-2023.yaml"

WORDS = ["Quyết", "định", "UBND", "xã", "Tổ", "dân", "phố", "văn", "hóa", "1211/QĐ-UBND", "KH-UBND", "a-b",
         "--", "—", "–", "/", "→", "(và", "QCDC)", "02/11/2022", "Tổ_dân_phố_văn_hóa_tiêu_biểu_cấp_xã", "True"]
PIECES = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxy ÀẠẦỆỮờ   -–—/(),.:;0123456789")
                         + WORDS + [" ", "  ", "\n", "\n", " \n ", "\t", "\xa0", "-", "---"])
ODD = st.sampled_from(["\x1b[1m", "\x1b[0m", "\x1b", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85",
                       "\u2028", "\u2029", "\x01", "\u4e2d", "\u200b"])
TEXT = st.lists(PIECES, max_size=40).map("".join)
ODD_TEXT = st.lists(st.one_of(PIECES, PIECES, PIECES, ODD), max_size=30).map("".join)


def theirs(rows, headers, colalign):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tab, "wcwidth", None)
        mp.setattr(tab, "WIDE_CHARS_MODE", False)
        try:
            return tab.tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True, colalign=colalign)
        except Exception as e:  # what tabulate refuses, the grid refuses the same way
            return type(e)


def ours(rows, headers, colalign):
    try:
        return simple_grid(rows, headers, colalign)
    except Exception as e:
        return type(e)


def their_lines(text, width, break_on_hyphens=True, **options):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tab, "wcwidth", None)
        return tab._CustomTextWrap(width=width, break_on_hyphens=break_on_hyphens, **options).wrap(text)


ALIGN = st.sampled_from(["left", "right", "center"])
HEADER = st.sampled_from(["Mã", "Nội dung", "Tối đa", "Căn cứ\nchấm điểm", "", " Điểm ", "Hạng\n"])


@st.composite
def tables(draw, cell=st.one_of(TEXT, TEXT, TEXT, st.just(""))):
    """Mostly tables the grid draws itself; some with alignments only tabulate takes (or refuses)."""
    n = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(cell, min_size=n, max_size=n), max_size=4))
    headers = draw(st.lists(st.one_of(HEADER, cell), min_size=n, max_size=n))
    colalign = draw(st.one_of(st.lists(ALIGN, min_size=n, max_size=n), st.lists(ALIGN, min_size=n, max_size=n),
                              st.none(), st.lists(ALIGN, max_size=n),
                              st.lists(st.sampled_from(["left", "right", "center", "decimal", None]), max_size=n + 1)))
    return rows, headers, colalign


@settings(max_examples=200, deadline=None, derandomize=True)
@given(tables())
def test_simple_grid_is_tabulates(table):
    rows, headers, colalign = table
    assert ours(rows, headers, colalign) == theirs(rows, headers, colalign)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(tables(cell=st.one_of(TEXT, ODD_TEXT, st.just(""), st.just("\x01"))))
def test_tables_with_what_only_tabulate_handles(table):
    rows, headers, colalign = table
    assert ours(rows, headers, colalign) == theirs(rows, headers, colalign)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.one_of(TEXT, st.integers(), st.none(), st.binary(max_size=4)), min_size=3, max_size=3),
                max_size=3))
def test_cells_that_are_not_text_are_drawn_by_tabulate(rows):
    assert ours(rows, ["a", "b", "c"], None) == theirs(rows, ["a", "b", "c"], None)


@pytest.mark.parametrize("rows, headers, colalign", [
    ([], ["Mã", "Nội dung"], None),                            # no rows: the headers in a frame
    ([], ["Mã", "Nội dung"], ["left", "right"]),               # … where tabulate refuses alignments
    ([["", ""], ["a", "b"]], ["Mã", "Nội dung"], None),        # an empty row, one line of spaces
    ([["", ""], ["a\nb", "c"]], ["Mã", "Nội dung"], None),     # the same row in a multiline table: no line at all
    ([["a", "b"]], ["Mã\n", "Nội\ndung"], ["center"]),         # headers not stripped: a trailing empty header line
    ([["a", "b"]], ["Mã", "Nội dung"], ["right"] * 3),         # more alignments than columns: tabulate refuses
    ([["a", "b"]], ["Mã", "Nội dung"], ["right", "decimal"]),  # an alignment the grid does not draw
    ([["a", "b", "c"]], ["Mã", "Nội dung"], None),             # fewer headers than columns
    ([["1", "2"]], [], None),                                  # no headers: tabulate's own layout
])
def test_edges(rows, headers, colalign):
    assert ours(rows, headers, colalign) == theirs(rows, headers, colalign)


# str.splitlines' line boundaries other than "\n", ANSI escapes, tabulate's SEPARATING_LINE
LINE_BREAKS = ["\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
assert all(len(f"a{c}b".splitlines()) == 2 for c in LINE_BREAKS)


@pytest.mark.parametrize("odd", LINE_BREAKS + ["\x1b", "\x1b[1m", "\x01"])
def test_each_character_only_tabulate_handles(odd):
    """Each in the middle of a cell, of a header, at a cell's edge, in tables with and without line breaks."""
    for extra in ("", "\n"):
        rows = [[f"a{odd}b", f"Tổ dân phố{extra}"], [odd, f"{odd} x {odd}"]]
        headers = [f"Mã{odd}số", "Nội dung"]
        for hs in (headers, ["Mã", "Nội dung"]):
            assert ours(rows, hs, ["left", "right"]) == theirs(rows, hs, ["left", "right"])
        assert wrap(f"một{odd}hai ba-bốn {odd}", 4) == their_lines(f"một{odd}hai ba-bốn {odd}", 4)


def test_fallbacks_hand_over_to_tabulate():
    rows = [["\x1b[31mđỏ\x1b[0m", "a"], ["x\u2028y", "b"], [tab.SEPARATING_LINE, ""]]
    assert simple_grid(rows, ["Màu", "Chữ"], ["left", "right"]) == theirs(rows, ["Màu", "Chữ"], ["left", "right"])


@settings(max_examples=250, deadline=None, derandomize=True)
@given(st.one_of(TEXT, TEXT, ODD_TEXT), st.integers(1, 30), st.booleans())
def test_wrap_is_tabulates_wrapper(text, width, hyphens):
    assert wrap(text, width, hyphens) == their_lines(text, width, hyphens)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.one_of(TEXT, ODD_TEXT.filter(lambda t: "\x1b" not in t)), st.integers(1, 30))
def test_wrap_without_hyphens_is_textwraps(text, width):
    """The review table wraps reasons as `textwrap.wrap(…, break_on_hyphens=False)` did."""
    assert wrap(text, width, break_on_hyphens=False) == textwrap.wrap(text, width, break_on_hyphens=False)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.one_of(TEXT, ODD_TEXT.filter(lambda t: "\x1b" not in t)), st.integers(1, 30),
       st.sampled_from(["", " ", "    ", "  - ", " " * 12]), st.booleans(), st.booleans())
def test_wrap_with_an_indent_is_textwraps(text, width, indent, long_words, hyphens):
    """Sentences under the table (`wrap_lines`): continuation lines indented, long words kept whole;
    the same lines as tabulate's wrapper with those options, and as textwrap's where no hyphen rule
    differs (textwrap alone cuts a long word after a hyphen)."""
    options = dict(subsequent_indent=indent, break_long_words=long_words)
    lines = wrap(text, width, hyphens, **options)
    if len(indent) < width:  # (tabulate's wrapper loops for ever on a one-letter word with no room)
        assert lines == their_lines(text, width, hyphens, **options)
    if not (hyphens and long_words):
        assert lines == textwrap.wrap(text, width, break_on_hyphens=hyphens, **options)


def test_wrap_refuses_a_width_below_one_as_textwrap_does():
    for width in (0, -3):
        with pytest.raises(ValueError):
            wrap("chữ", width)
        with pytest.raises(ValueError):
            their_lines("chữ", width)


class _FakeWcwidth:
    """What `wcwidth.wcswidth` counts for these characters: two columns for an East Asian wide one."""

    @staticmethod
    def wcswidth(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    wcwidth = wcswidth


def test_wide_characters_if_wcwidth_were_installed(monkeypatch):
    """With `wcwidth` installed, tabulate counts a CJK character as two columns; the grid keeps
    counting code points, so its output never depends on what else is installed. For NFC
    Vietnamese — all the text dvcq prints — both count one column per character and agree."""
    monkeypatch.setattr(tab, "wcwidth", _FakeWcwidth)
    monkeypatch.setattr(tab, "WIDE_CHARS_MODE", True)
    vietnamese = [["TC1.1", "Hội nghị quán triệt, triển khai văn bản chỉ đạo", "4"]]
    headers = ["Mã", "Nội dung", "Điểm"]
    assert simple_grid(vietnamese, headers, ["left", "left", "right"]) == tab.tabulate(
        vietnamese, headers=headers, tablefmt="simple_grid", disable_numparse=True, colalign=["left", "left", "right"])
    wide = [["\u4e2d\u6587", "a"]]
    ours_wide = simple_grid(wide, ["x", "y"])
    assert ours_wide == theirs(wide, ["x", "y"], None)  # by code points, as without wcwidth
    assert ours_wide != tab.tabulate(wide, headers=["x", "y"], tablefmt="simple_grid", disable_numparse=True)


def test_dvcq_score_does_not_import_tabulate():
    """The score table is drawn without tabulate: `dvcq score` never imports it (issue 15)."""
    code = ("import sys\n"
            f"sys.argv = ['dvcq', 'score', {SAMPLE!r}]\n"
            "from scoring.program import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('tabulate' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "┌" in done.stdout and done.stderr.strip().splitlines()[-1] == "False"
