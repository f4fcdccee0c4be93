"""Issue 13, construct 10: every pydantic error our pack models can produce is said in Vietnamese.

Rather than one case per message, this walks every model a pack file is checked with (the file, its
sections, and each scoring method's keys), feeds each field values of the wrong kinds, and requires
every error pydantic raises to have a worded Vietnamese message (not the fallback naming the type,
never pydantic's English)."""
from __future__ import annotations

import re
import typing
from decimal import Decimal
from typing import Annotated

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from scoring import pack as packmod
from scoring.evidence import vietnamese_message
from scoring.methods import REGISTRY

WRONG = [None, "x", "", -1, 0, 10 ** 12, 1.5, True, [], [1], ["x"], {}, {"a": 1}, "2020-13-45", "2020-01-01T10:00",
         "a" * 600, Decimal("NaN"), float("inf"), "1e5", "1.2345678901234567890123"]
ENGLISH = re.compile(r"\b(or|should|Input|must|valid|least|most)\b|literal\[")


def _nested(annotation):
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _nested(arg)


def pack_models() -> list[type[BaseModel]]:
    """Every model reachable from a pack file and from the methods' keys."""
    seen: list[type[BaseModel]] = []
    todo = [packmod.PackFile] + [cls.Config for cls in REGISTRY.values()]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        model.model_rebuild()
        seen.append(model)
        for f in model.model_fields.values():
            todo += [t for t in _nested(f.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    return seen


def produced_errors() -> list[dict]:
    errors = []
    for model in pack_models():
        for probe in ({}, {"khoa_la": 1}):  # missing keys, an unknown key
            try:
                model.model_validate(probe)
            except ValidationError as exc:
                errors += exc.errors(include_url=False)
        for name, f in model.model_fields.items():
            adapter = TypeAdapter(Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation)
            for value in WRONG:
                try:
                    adapter.validate_python(value)
                except ValidationError as exc:
                    errors += exc.errors(include_url=False)
    return errors


ERRORS = produced_errors()


def test_the_walk_reaches_the_models_and_their_constraints():
    assert len(pack_models()) > 15
    kinds = {e["type"] for e in ERRORS}
    assert {"missing", "extra_forbidden", "too_short", "literal_error", "decimal_parsing", "int_parsing",
            "string_type", "date_from_datetime_parsing", "greater_than_equal"} <= kinds, kinds


@pytest.mark.parametrize("kind", sorted({e["type"] for e in ERRORS}))
def test_every_error_kind_is_worded_in_vietnamese(kind):
    for err in [e for e in ERRORS if e["type"] == kind]:
        text = vietnamese_message(err)
        assert not text.startswith("giá trị không hợp lệ ("), f"{kind}: chưa có câu tiếng Việt ({err['msg']})"
        assert not ENGLISH.search(text), f"{kind}: {text}"


def test_an_empty_parts_list_is_refused_in_vietnamese_with_code_and_hint(runner, tmp_path):
    from scoring.cli import main

    from support import ROOT

    src = (ROOT / "rules" / "examples" / "nested-levels.yaml").read_text(encoding="utf-8")
    old = src[src.index("        parts:\n          - {id: tu_danh_gia"):src.index("      - id: TC1.3")]
    f = tmp_path / "p.yaml"
    f.write_text(src.replace(old, "        parts: []\n", 1), encoding="utf-8")
    r = runner.invoke(main, ["rules", "lint", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert "[P004]" in r.stderr and "TC1.2.parts" in r.stderr and "cần ít nhất 2" in r.stderr, r.stderr
    assert "docs/rule-format.md" in r.stderr
    assert not re.search(r"List should|at least", r.stderr), r.stderr
