"""One Vietnamese number formatter: 12.345 and 10,5, exact; the fast path below 1000 equals Babel."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from scoring.vietnamese import LOCALE, STATUS_LABELS, fmt_number, plain_number

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value, text", [
    (Decimal("12345"), "12.345"), (Decimal("10.5"), "10,5"), (Decimal("93.75"), "93,75"), (4, "4"),
    (Decimal("1234567.125"), "1.234.567,125"), (Decimal("-1234.5"), "-1.234,5"), (Decimal("4.00"), "4"),
    (Decimal("1E+5"), "100.000"), (Decimal("0.000001"), "0,000001"), (Fraction(2, 3), "≈0,6667"),
    (Fraction(1, 4), "0,25"), (Fraction(5000, 3), "≈1.666,6667"), (Decimal("999.99"), "999,99"),
])
def test_samples(value, text):
    assert fmt_number(value) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12, places=6))
def test_every_value_reads_as_babel_writes_it_exactly(d):
    expected = format_decimal(d.normalize() if d != d.to_integral_value() else Decimal(int(d)), locale=LOCALE,
                              decimal_quantization=False)
    assert fmt_number(d) == expected.replace("\u2212", "-")
    assert Decimal(fmt_number(d).replace(".", "").replace(",", ".")) == d  # exact: nothing rounded


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**9, max_value=10**9, places=8))
def test_plain_number_is_exact_machine_text(d):
    text = plain_number(d)
    assert Decimal(text) == d and "E" not in text and "," not in text
    assert not ("." in text and text.endswith("0"))


def test_every_method_and_fact_kind_has_one_label():
    from scoring.methods import REGISTRY
    from typing import get_args

    from scoring.evidence import FactKind
    from scoring.vietnamese import FACT_KIND_LABELS, METHOD_LABELS

    assert set(METHOD_LABELS) == set(REGISTRY)
    assert set(FACT_KIND_LABELS) == set(get_args(FactKind))


def test_rules_show_names_the_method_in_vietnamese():
    from click.testing import CliRunner

    from scoring.cli import main

    r = CliRunner().invoke(main, ["rules", "show", "quang-ngai-1211-2022"])
    assert r.exit_code == 0 and "theo bậc (tiers)" in r.stdout and "danh mục (checklist)" in r.stdout


def test_non_finite_is_refused():
    for bad in (Decimal("Infinity"), Decimal("NaN")):
        with pytest.raises(ValueError):
            fmt_number(bad)
        with pytest.raises(ValueError):
            plain_number(bad)


def test_no_other_copy_of_the_formatters_or_the_status_labels():
    """The display/plain formatting and the status words are spelt in scoring/vietnamese.py only."""
    for path in (ROOT / "scoring").rglob("*.py"):
        if path.name == "vietnamese.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '.replace(".", ",")' not in text, path
        assert 'format(d.normalize(), "f")' not in text and 'format(q.normalize(), "f")' not in text, path
        for label in STATUS_LABELS.values():
            assert f'"{label}"' not in text, (path, label)
