"""`wrap_columns` must give the lines tabulate's own `maxcolwidths` wrapping gives, for any text.

`wrap_columns` measures with `len`, as tabulate does without the optional `wcwidth` package; tabulate
is compared with `wcwidth` switched off, so this holds whether or not it is installed (what would
differ if it were: tests/render/test_grid.py)."""
from __future__ import annotations

import pytest
import tabulate as tab
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from scoring.render.common import wrap_columns

# Vietnamese (precomposed and decomposed), wide CJK, zero-width and control characters, long words
ALPHABET = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxy ÀẠẦỆỮờ   -–/(),.:;0123456789→≈…")
                           + ["e\u0301", "\u4e2d", "\u6587", "\u200b", "\t", "\n", "\x1b[1m", "\x1b[0m",
                              "Tổ_dân_phố_văn_hóa_tiêu_biểu"])
CELL = st.lists(ALPHABET, max_size=60).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=4), st.integers(3, 30), st.integers(3, 30))
def test_same_table_as_tabulate_wrapping(rows, w1, w2):
    table = [list(r) for r in rows]
    widths = [None, w1, w2]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tab, "wcwidth", None)
        mp.setattr(tab, "WIDE_CHARS_MODE", False)
        ours = tabulate(wrap_columns(table, widths), headers=["a", "b", "c"], tablefmt="simple_grid", disable_numparse=True)
        theirs = tabulate(table, headers=["a", "b", "c"], tablefmt="simple_grid", disable_numparse=True, maxcolwidths=widths)
    assert ours == theirs
