from decimal import Decimal

import pytest

from scoring import conditions
from scoring.pack import FactDef

VOCAB = {"a.b": FactDef(type="count", label="a"), "c.d": FactDef(type="yesno", label="c"),
         "r.t": FactDef(type="rate", label="r")}


def test_parse_and_negate():
    node = conditions.parse("a.b > 0 or not c.d", VOCAB)
    assert conditions.identifiers(node) == ["a.b", "c.d"]
    neg = conditions.negate(node)
    for a in (0, 1, 5):
        for c in (0, 1):
            vals = {"a.b": Decimal(a), "c.d": Decimal(c)}
            assert conditions.holds(node, vals) != conditions.holds(neg, vals)


def test_reversed_comparison():
    assert conditions.parse("0 < a.b", VOCAB) == conditions.Cmp("a.b", ">", Decimal(0))


@pytest.mark.parametrize("text,word", [
    ("__import__('os').system('ls')", "không được phép"),
    ("a.b.__class__ > 0", "không có trong vocabulary"),
    ("a.b[0] > 1", "một vế phải là mã số liệu"),
    ("a.b > 'x'", "so sánh với một số"),
    ("a.b + 1 > 2", "một vế phải là mã số liệu"),
    ("1 < a.b < 3", "hai vế"),
    ("r.t > 5", "chỉ dùng số đếm"),
    ("lambda: 1", "không được phép"),
    ("a.b >", "sai cú pháp"),
    ("x.y > 0", "không có trong vocabulary"),
])
def test_refused(text, word):
    with pytest.raises(ValueError) as exc:
        conditions.parse(text, VOCAB)
    assert word in str(exc.value)
