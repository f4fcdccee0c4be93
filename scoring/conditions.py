"""Conditions written in rule packs ("staff.disciplined > 0 or security.hot_spots > 0").

Parsed with `ast` into a small allow-listed tree, never evaluated by Python: only comparisons of
a vocabulary identifier with a number, joined by and / or / not. Anything else (calls, attribute
tricks, subscripts, names outside the vocabulary) is refused at load with the offending text.
The tree is compiled to durable-rules JSON by `engine.py`; `negate` gives the complement so the
engine can always fire exactly one rule per condition.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple, Union

from .errors import did_you_mean
from .spellings import MAX_COUNT
from .vietnamese import fmt_number

OPS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
LIMIT = MAX_COUNT  # a count is at most 10^9; the engine stores up to 2·10^9 exactly
NEGATE = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}


class Cmp(NamedTuple):
    """identifier <op> number (a NamedTuple: cheaper to define than a dataclass at every start)."""

    ident: str
    op: str
    value: Decimal


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


Node = Union[Cmp, And, Or]


def _ident(node: ast.AST, text: str) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise ValueError(f"biểu thức '{text}': chỉ được dùng mã số liệu (vd. staff.disciplined)")
    parts.append(node.id)
    return ".".join(reversed(parts))


def _number(node: ast.AST, text: str) -> Decimal:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_number(node.operand, text)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = Decimal(str(node.value))  # 1e309 is parsed as float('inf'): never a count to compare with
        if not value.is_finite() or abs(value) > LIMIT:
            shown = ast.get_source_segment(text.strip(), node) or str(node.value)
            raise ValueError(f"biểu thức '{text}': số {shown} vượt giới hạn (tối đa {fmt_number(LIMIT)} "
                             "theo giá trị tuyệt đối)")
        return value
    if isinstance(node, ast.Constant) and type(node.value) is bool:
        return Decimal(int(node.value))
    raise ValueError(f"biểu thức '{text}': chỉ được so sánh với một số")


def parse(text: str, vocabulary: dict) -> Node:
    """Parse and check one condition; ValueError (Vietnamese) on anything outside the grammar."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("điều kiện rỗng")
    if len(text) > 500:
        raise ValueError("điều kiện quá dài (tối đa 500 ký tự)")
    _slipped_call(text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"biểu thức '{text}' sai cú pháp (cột {exc.offset})")
    return _convert(tree.body, text, vocabulary, 0)


def _slipped_call(text: str) -> None:
    """'point(TC4)', 'Points(TC4)': a slip for a term over results, refused with the word it meant
    (ast would only say that one side must be a fact)."""
    for m in _CALL.finditer(text):
        import difflib  # only for a message: not paid by every pack that loads

        close = difflib.get_close_matches(m.group(1).lower(), ["points", "max"], n=1, cutoff=0.6)
        if close and m.group(1) not in ("points", "max"):
            raise ResultTermError(f"biểu thức '{text}': '{m.group(1)}(…)' không có trong ngôn ngữ điều kiện; "
                                  f"có phải ý bạn là '{close[0]}(…)'?")


def _convert(node: ast.AST, text: str, vocab: dict, depth: int) -> Node:
    if depth > 20:
        raise ValueError(f"biểu thức '{text}' lồng nhau quá sâu")
    if isinstance(node, ast.BoolOp):
        parts = tuple(_convert(v, text, vocab, depth + 1) for v in node.values)
        return And(parts) if isinstance(node.op, ast.And) else Or(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return negate(_convert(node.operand, text, vocab, depth + 1))
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise ValueError(f"biểu thức '{text}': mỗi phép so sánh chỉ có hai vế")
        op = OPS.get(type(node.ops[0]))
        if op is None:
            raise ValueError(f"biểu thức '{text}': phép so sánh không được hỗ trợ")
        left, right = node.left, node.comparators[0]
        if isinstance(left, (ast.Name, ast.Attribute)):
            ident, value = _ident(left, text), _number(right, text)
        elif isinstance(right, (ast.Name, ast.Attribute)):
            ident, value, op = _ident(right, text), _number(left, text), FLIP[op]
        else:
            raise ValueError(f"biểu thức '{text}': một vế phải là mã số liệu")
        _check_ident(ident, text, vocab)
        return Cmp(ident, op, value)
    if isinstance(node, (ast.Name, ast.Attribute)):  # a bare yes/no identifier means "is yes"
        ident = _ident(node, text)
        _check_ident(ident, text, vocab)
        if vocab[ident].type != "yesno":
            raise ValueError(f"biểu thức '{text}': '{ident}' là số đếm, cần một phép so sánh (vd. {ident} > 0)")
        return Cmp(ident, "==", Decimal(1))
    kind = type(node).__name__
    raise ValueError(f"biểu thức '{text}': thành phần '{kind}' không được phép (chỉ so sánh, and, or, not)")


def _check_ident(ident: str, text: str, vocab: dict) -> None:
    if ident not in vocab:
        hint = did_you_mean(ident, vocab)
        raise ValueError(f"biểu thức '{text}': mã số liệu '{ident}' không có trong vocabulary"
                         + (f" ({hint})" if hint else ""))
    fd = vocab[ident]
    if getattr(fd, "type", None) not in ("count", "yesno"):
        raise ValueError(f"biểu thức '{text}': '{ident}' là {fd.type}; điều kiện chỉ dùng số đếm hoặc có/không")


def negate(node: Node) -> Node:
    if isinstance(node, Cmp):
        return Cmp(node.ident, NEGATE[node.op], node.value)
    if isinstance(node, And):
        return Or(tuple(negate(p) for p in node.parts))
    return And(tuple(negate(p) for p in node.parts))


def identifiers(node) -> list[str]:
    """The vocabulary identifiers a condition reads (for a condition over results, its facts only)."""
    if isinstance(node, ResultCondition):
        return [i for i in identifiers(node.tree) if not i.startswith(TERM)]
    if isinstance(node, Cmp):
        return [node.ident]
    out: list[str] = []
    for p in node.parts:
        for i in identifiers(p):
            if i not in out:
                out.append(i)
    return out


def holds(node: Node, values: dict) -> bool:
    """Plain evaluation, used only to cross-check the engine and by tests; never on pack text."""
    if isinstance(node, Cmp):
        v = values[node.ident]
        return {">": v > node.value, ">=": v >= node.value, "<": v < node.value, "<=": v <= node.value,
                "==": v == node.value, "!=": v != node.value}[node.op]
    if isinstance(node, And):
        return all(holds(p, values) for p in node.parts)
    return any(holds(p, values) for p in node.parts)


def describe(node: Node, labels=None) -> str:
    if isinstance(node, Cmp):
        return f"{node.ident} {node.op} {node.value}"
    sep = " và " if isinstance(node, And) else " hoặc "
    return "(" + sep.join(describe(p) for p in node.parts) + ")"


# -- conditions over computed results ("points(TC2) < max(TC2) / 2", "total < 70") -----------------
# A veto, a grade cap or an eligibility rule may read what scoring computed: `points(X)` (the points
# of a criterion, an item or a part, by the id the trail prints), `max(X)` (its maximum, a constant of
# the pack, folded at load) and `total`. Each comparison is reduced at load to a linear form
# Σ cᵢ·points(Xᵢ) + c₀ compared with 0 (constant factors only: anything non-linear is refused). After
# the totals exist, the form is computed exactly (Fractions) and only its sign (−1, 0, 1) is asserted
# into the rules engine, which decides the and/or/not around it as it does for the vetoes on facts.

RESULT_WORDS = re.compile(r"\b(?:points|max)\s*\(|\btotal\b")
_BARE_REF = re.compile(r"\b(points|max)\(\s*([A-Za-z][A-Za-z0-9_.\-/]*)\s*\)")
_CALL = re.compile(r"\b([A-Za-z_]+)\s*\(")
_ARG_QUOTED = re.compile(r"\b(points|max)\('([^'()]*)'\)")  # the rewriting above, undone for messages
TOTAL = "total"
TERM = "#"  # the identifiers of computed comparisons start with it; vocabulary ids never do


class ResultTermError(ValueError):
    """A condition over results that reads an unknown id, is non-linear or compares constants."""


class Term(NamedTuple):
    """One comparison over results, as Σ coeff·points(id) + const, compared with 0 by its `Cmp`."""

    coeffs: tuple   # ((id, Fraction), …) in the order written; id 'total' for the total
    const: Fraction
    text: str       # the comparison as written (normalised), for the trail
    ints: tuple = ()  # the same form times the common denominator: (((id, int), …), int); see `make`

    @classmethod
    def make(cls, coeffs: tuple, const: Fraction, text: str) -> "Term":
        den = math.lcm(const.denominator, *(c.denominator for _, c in coeffs))
        ints = (tuple((i, int(c * den)) for i, c in coeffs), int(const * den))
        return cls(coeffs, const, text, ints)

    def sign(self, points: dict) -> int:
        """−1, 0 or 1: the sign of the form for `points` (id → Decimal), computed exactly in integers
        (the form scaled by a positive denominator has the same sign; Fractions were 3× slower)."""
        coeffs, num = self.ints
        den = 1
        for i, a in coeffs:
            n, d = points[i].as_integer_ratio()
            num, den = num * d + a * n * den, den * d
        return (num > 0) - (num < 0)

    def bounds(self, ranges: dict) -> tuple[Fraction, Fraction]:
        """The least and greatest value of the form when each id ranges over `ranges[id]` (lo, hi)."""
        lo = hi = self.const
        for i, c in self.coeffs:
            a, b = (Fraction(x) for x in ranges[i])
            lo, hi = lo + min(c * a, c * b), hi + max(c * a, c * b)
        return lo, hi


@dataclass(frozen=True)
class ResultCondition:
    """A condition that reads computed results: the tree the engine compiles (its comparisons over
    results named '#0', '#1', …) and the linear form of each."""

    tree: Node
    terms: tuple  # ((term id, Term), …)

    def reads(self) -> list[str]:
        """The ids whose points the condition reads, in the order written ('total' included)."""
        out: list[str] = []
        for _, t in self.terms:
            for i, _c in t.coeffs:
                if i not in out:
                    out.append(i)
        return out


def reads_results(text) -> bool:
    """Whether a condition's text uses `points(…)`, `max(…)` or `total` (then `parse_results` reads it)."""
    return isinstance(text, str) and bool(RESULT_WORDS.search(text))


def parse_results(text: str, vocabulary: dict, scope: dict, max_total: Decimal) -> ResultCondition:
    """Parse and type-check a condition over results. `scope`: id → max of every criterion, item and
    part the condition may name. ValueError (Vietnamese) on anything outside the grammar."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("điều kiện rỗng")
    if len(text) > 500:
        raise ValueError("điều kiện quá dài (tối đa 500 ký tự)")
    if TOTAL in vocabulary:
        raise ResultTermError(f"biểu thức '{text}': vocabulary có số liệu tên '{TOTAL}', trùng với tổng điểm; "
                              "đổi tên số liệu đó")
    _slipped_call(text)
    src = _BARE_REF.sub(lambda m: f"{m.group(1)}('{m.group(2)}')", text.strip())  # TC1.1 is not a Python name
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"biểu thức '{text}' sai cú pháp (cột {exc.offset})")
    terms: list = []
    ctx = (src, vocabulary, scope, max_total, terms)
    try:
        return ResultCondition(_rconvert(tree.body, ctx, 0), tuple(terms))
    except ValueError as exc:  # quote the condition as the author wrote it, not as rewritten for `ast`
        raise type(exc)(_ARG_QUOTED.sub(r"\1(\2)", str(exc))) from None


def _has_result(node: ast.AST) -> bool:
    return any((isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("points", "max"))
               or (isinstance(n, ast.Name) and n.id == TOTAL) for n in ast.walk(node))


def _rconvert(node: ast.AST, ctx, depth: int) -> Node:
    src, vocab = ctx[0], ctx[1]
    if depth > 20:
        raise ValueError(f"biểu thức '{src}' lồng nhau quá sâu")
    if isinstance(node, ast.BoolOp):
        parts = tuple(_rconvert(v, ctx, depth + 1) for v in node.values)
        return And(parts) if isinstance(node.op, ast.And) else Or(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return negate(_rconvert(node.operand, ctx, depth + 1))
    if isinstance(node, ast.Compare) and _has_result(node):
        if len(node.ops) != 1:
            raise ValueError(f"biểu thức '{src}': mỗi phép so sánh chỉ có hai vế")
        op = OPS.get(type(node.ops[0]))
        if op is None:
            raise ValueError(f"biểu thức '{src}': phép so sánh không được hỗ trợ")
        lc, lk = _linear(node.left, ctx, depth + 1)
        rc, rk = _linear(node.comparators[0], ctx, depth + 1)
        coeffs = dict(lc)
        for i, c in rc.items():
            coeffs[i] = coeffs.get(i, Fraction(0)) - c
        coeffs = {i: c for i, c in coeffs.items() if c != 0}
        shown = ast.get_source_segment(src, node) or src
        if not coeffs:
            raise ResultTermError(f"biểu thức '{src}': '{shown}' chỉ so sánh các hằng số (luôn đúng hoặc luôn sai)")
        terms = ctx[4]
        tid = f"{TERM}{len(terms)}"
        terms.append((tid, Term.make(tuple(coeffs.items()), lk - rk, shown)))
        return Cmp(tid, op, Decimal(0))
    if isinstance(node, (ast.Compare, ast.Name, ast.Attribute)):
        return _convert(node, src, vocab, depth)
    kind = type(node).__name__
    raise ValueError(f"biểu thức '{src}': thành phần '{kind}' không được phép (chỉ so sánh, and, or, not)")


def _linear(node: ast.AST, ctx, depth: int) -> tuple[dict, Fraction]:
    """(id → coefficient, constant) of a linear expression over results; ResultTermError otherwise."""
    src, vocab, scope, max_total, _ = ctx
    if depth > 20:
        raise ValueError(f"biểu thức '{src}' lồng nhau quá sâu")
    if isinstance(node, ast.Constant) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
                                          and isinstance(node.operand, ast.Constant)):
        return {}, Fraction(_number(node, src))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        c, k = _linear(node.operand, ctx, depth + 1)
        return ({i: -v for i, v in c.items()}, -k) if isinstance(node.op, ast.USub) else (c, k)
    if isinstance(node, ast.Name) and node.id == TOTAL:
        return {TOTAL: Fraction(1)}, Fraction(0)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("points", "max"):
        if (len(node.args) != 1 or node.keywords or not isinstance(node.args[0], (ast.Constant, ast.Name))
                or not isinstance(getattr(node.args[0], "value", getattr(node.args[0], "id", None)), str)):
            raise ResultTermError(f"biểu thức '{src}': {node.func.id}(…) nhận đúng một mã tiêu chí hoặc nội dung, "
                                  f"vd. {node.func.id}(TC2)")
        ref = node.args[0].value if isinstance(node.args[0], ast.Constant) else node.args[0].id
        if ref == TOTAL:
            if node.func.id == "points":
                return {TOTAL: Fraction(1)}, Fraction(0)
            return {}, Fraction(max_total)
        if ref not in scope:
            if ref in vocab:
                raise ResultTermError(f"biểu thức '{src}': '{ref}' là số liệu, không phải tiêu chí hay nội dung; "
                                      f"so sánh trực tiếp (vd. {ref} > 0)")
            hint = did_you_mean(ref, list(scope) + [TOTAL])
            raise ResultTermError(f"biểu thức '{src}': không có tiêu chí hay nội dung '{ref}'" + (f" ({hint})" if hint else ""))
        if node.func.id == "max":
            return {}, Fraction(scope[ref])  # a constant of the pack
        return {ref: Fraction(1)}, Fraction(0)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        lc, lk = _linear(node.left, ctx, depth + 1)
        rc, rk = _linear(node.right, ctx, depth + 1)
        shown = ast.get_source_segment(src, node) or src
        if isinstance(node.op, (ast.Add, ast.Sub)):
            s = 1 if isinstance(node.op, ast.Add) else -1
            out = dict(lc)
            for i, c in rc.items():
                out[i] = out.get(i, Fraction(0)) + s * c
            return out, lk + s * rk
        if isinstance(node.op, ast.Mult):
            if lc and rc:
                raise ResultTermError(f"biểu thức '{src}': '{shown}' nhân hai đại lượng thay đổi (không tuyến tính); "
                                      "chỉ được nhân với một hằng số")
            c, k, f = (rc, rk, lk) if not lc else (lc, lk, rk)
            return {i: v * f for i, v in c.items()}, k * f
        if rc:
            raise ResultTermError(f"biểu thức '{src}': '{shown}' chia cho một đại lượng thay đổi (không tuyến tính); "
                                  "chỉ được chia cho một hằng số")
        if rk == 0:
            raise ResultTermError(f"biểu thức '{src}': '{shown}' chia cho 0")
        return {i: v / rk for i, v in lc.items()}, lk / rk
    if isinstance(node, (ast.Name, ast.Attribute)):
        ident = _ident(node, src)
        raise ResultTermError(f"biểu thức '{src}': số liệu '{ident}' chỉ được so sánh trực tiếp với một số, "
                              "không dùng trong phép tính với điểm")
    kind = type(node).__name__
    raise ResultTermError(f"biểu thức '{src}': thành phần '{kind}' không được phép trong phép tính với điểm "
                          "(chỉ số, points(…), max(…), total, + − × ÷ hằng số)")
