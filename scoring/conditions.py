"""Conditions written in rule packs ("staff.disciplined > 0 or security.hot_spots > 0").

Parsed with `ast` into a small allow-listed tree, never evaluated by Python: only comparisons of
a vocabulary identifier with a number, joined by and / or / not. Anything else (calls, attribute
tricks, subscripts, names outside the vocabulary) is refused at load with the offending text.
The tree is compiled to durable-rules JSON by `engine.py`; `negate` gives the complement so the
engine can always fire exactly one rule per condition.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal
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
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"biểu thức '{text}' sai cú pháp (cột {exc.offset})")
    return _convert(tree.body, text, vocabulary, 0)


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


def identifiers(node: Node) -> list[str]:
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
