"""Vietnamese numbers, percentages, fractions, count tuples, dates and 'none' words."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from scoring.extract.numbers import (
    NotANumber, find_dates, find_fractions, find_numbers, find_percents, find_tuples, none_word, parse_date,
    parse_fraction, parse_number, parse_percent, parse_tuple,
)


@pytest.mark.parametrize("text, value", [
    ("7.538", Decimal(7538)),
    ("7.967.592.178", Decimal(7967592178)),
    ("93,75", Decimal("93.75")),
    ("100,57", Decimal("100.57")),
    ("05", Decimal(5)),
    ("1220", Decimal(1220)),
])
def test_numbers_in_the_vietnamese_way(text, value):
    assert parse_number(text) == value


def test_a_grouping_dot_is_never_read_as_a_decimal_point():
    with pytest.raises(NotANumber):
        parse_number("1.5")  # neither 1.5 nor 15: refused


def test_amounts_in_a_sentence():
    found = [v for v, _, _ in find_numbers("Tổng giá trị sản xuất ước đạt: 2.190 tỷ đồng; thu 7.967.592.178 đồng")]
    assert found == [Decimal(2190), Decimal(7967592178)]


@pytest.mark.parametrize("text, value, decimals, qualifier", [
    ("tỷ lệ giải quyết 93,75%", Decimal("93.75"), 2, None),
    ("đạt 100%", Decimal(100), 0, None),
    ("ước đạt 100,57 % kế hoạch năm", Decimal("100.57"), 2, "ước đạt"),
    ("có trên 97% hộ gia đình", Decimal(97), 0, "trên"),
])
def test_percentages(text, value, decimals, qualifier):
    p = parse_percent(text)
    assert (p.value, p.decimals, p.qualifier) == (value, decimals, qualifier)


@pytest.mark.parametrize("text, num, den, unit", [
    ("Tổng số đơn đã giải quyết 15/16 đơn", 15, 16, "đơn"),
    ("tiếp công dân lưu động ở 4/5 Tổ dân phố", 4, 5, "Tổ"),
    ("đã thực hiện 09/10 nội dung", 9, 10, "nội"),
    ("có 06/06 TDP được công nhận", 6, 6, "TDP"),
])
def test_fractions_with_a_unit(text, num, den, unit):
    f = parse_fraction(text)
    assert (f.num, f.den, f.unit) == (num, den, unit)


def test_fraction_percent_is_exact():
    assert parse_fraction("15/16 đơn").percent() == Decimal("93.75")
    assert parse_fraction("14/15 đơn").percent() == Decimal("93.33")


@pytest.mark.parametrize("text", [
    "báo cáo năm gửi trước ngày 10/10/2023",
    "trước ngày 10/10",
    "Tháng 02/2023, UBND phường tổ chức hội nghị",
    "ngày 11/11",
])
def test_dates_and_months_are_not_fractions(text):
    assert find_fractions(text) == []


def test_count_tuples_are_not_ratios():
    t = parse_tuple("tổng số lượt tiếp là: 32 lượt/ 48 người/ 62 vụ, trong đó")
    assert t.parts == ((32, "lượt"), (48, "người"), (62, "vụ"))
    assert find_tuples("Năm 2023 nhận 22 đơn/21 vụ")[0].parts == ((22, "đơn"), (21, "vụ"))
    assert find_fractions("Năm 2023 nhận 22 đơn/21 vụ") == []


@pytest.mark.parametrize("text, value", [
    ("Kế hoạch số 15/KH-UBND ngày 23/3/2023", date(2023, 3, 23)),
    ("ngày 02 tháng 11 năm 2022 của UBND tỉnh", date(2022, 11, 2)),
    ("Quyết định số 59/QĐ-UBND ngày 16/02/2024", date(2024, 2, 16)),
    ("Nghị quyết số 10-NQ/TU ngày2/10/2019", date(2019, 10, 2)),
])
def test_dates(text, value):
    assert parse_date(text) == value


def test_impossible_dates_are_not_dates():
    assert find_dates("ngày 31/2/2023") == []


@pytest.mark.parametrize("text, kind", [
    ("Tiếp công dân đột xuất: không có.", "zero"),
    ("không có trường hợp nào vi phạm", "zero"),
    ("riêng nội dung thứ 10 thì phường không phát sinh", "not_arisen"),
    ("không để phát sinh điểm nóng", "not_arisen"),
    ("đạt 100%", None),
])
def test_words_for_none(text, kind):
    assert none_word(text) == kind


def test_percentages_in_a_sentence_in_order():
    ps = find_percents("kết quả 100% hài lòng, kết quả giải quyết thủ tục hành chính đạt 95% đúng hạn")
    assert [p.value for p in ps] == [Decimal(100), Decimal(95)]


@given(st.integers(min_value=0, max_value=10**12))
def test_babel_grouping_round_trips(n):
    assert parse_number(format_decimal(n, locale="vi")) == n


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_babel_decimal_comma_round_trips(d):
    text = format_decimal(d, format="#,##0.00", locale="vi")
    assert parse_number(text) == d
