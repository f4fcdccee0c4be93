"""The scoring core carries data; only the renderers word it (issue 15: "one source of truth").

result.py, score.py and the methods may still write Vietnamese in the errors they raise (a pack
author reads those: "ngưỡng có quá 4 chữ số thập phân"), and in docstrings; any other string literal
with Vietnamese letters in them would be display text built outside scoring/render/sentences.py.
"""
from __future__ import annotations

import ast
import re

from support import ROOT

CORE = [ROOT / "scoring" / "result.py", ROOT / "scoring" / "score.py",
        *sorted((ROOT / "scoring" / "methods").glob("*.py"))]
# Letters only Vietnamese uses among the languages of this code (ASCII identifiers, English docs).
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _in_errors(tree: ast.AST) -> set[int]:
    """Every node inside a `raise` statement or an error being built (…Error(…), Problem(…), .one(…))."""
    out = set()
    for node in ast.walk(tree):
        is_error_call = isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and (node.func.id.endswith("Error") or node.func.id == "Problem"))
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "one"))
        if isinstance(node, ast.Raise) or is_error_call:
            out.update(id(n) for n in ast.walk(node))
    return out


def display_strings(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skip = _docstrings(tree) | _in_errors(tree)
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
            and VIETNAMESE.search(n.value)]


def test_core_builds_no_vietnamese_display_text():
    found = [f"{path.relative_to(ROOT)}:{line}: {text!r}" for path in CORE
             for line, text in display_strings(path.read_text(encoding="utf-8"))]
    assert not found, "display text outside scoring/render/sentences.py:\n" + "\n".join(found)


def test_the_check_finds_display_text_and_spares_errors():
    src = ('"""Tài liệu."""\n'
           'def f(x):\n'
           '    """Giải thích."""\n'
           '    if x:\n'
           '        raise ValueError(f"ngưỡng {x} sai")\n'
           '    return f"{x} → 3 điểm"\n')
    assert display_strings(src) == [(6, " → 3 điểm")]


def test_the_wording_lives_in_the_renderers():
    text = (ROOT / "scoring" / "render" / "sentences.py").read_text(encoding="utf-8")
    assert display_strings(text), "sentences.py should hold the wording the core no longer builds"
