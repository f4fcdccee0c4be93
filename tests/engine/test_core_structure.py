"""The scoring core's structure (issue 15): one door, frozen packs, one-way imports, owned caches.

These read the source (imports, calls) or the objects the core builds; behaviour is pinned by the
golden and CLI tests, which these changes keep byte-identical.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from scoring import api
from scoring.pack import Pack
from scoring.score import SCORER

from support import QN_PACK, QN_SAMPLES, ROOT, record

SCORING = ROOT / "scoring"


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        if ".venv" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, tree: ast.AST):
    """(imported module, names) for every import in the file, at any depth (late ones too)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            yield mod, [a.name for a in node.names]


def test_nothing_outside_scoring_imports_evaluate():
    offenders = []
    for folder in ("tests", "bench", "scripts"):
        for path, tree in _modules(ROOT / folder):
            for mod, names in _imports(path, tree):
                if mod == "scoring.score" and "evaluate" in names:
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_only_the_api_and_the_batch_worker_call_evaluate():
    callers = set()
    for path, tree in _modules(SCORING):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "evaluate":
                callers.add(_module_name(path))
    assert callers <= {"scoring.api", "scoring.batch.run", "scoring.score"}
    assert "scoring.api" in callers
    assert not (SCORING / "pipeline.py").exists() and not (SCORING / "registry.py").exists()


CORE = ("scoring.pack", "scoring.lint", "scoring.methods", "scoring.score", "scoring.packload", "scoring.engine",
        "scoring.vocabulary", "scoring.conditions", "scoring.packstore")


def _core(name: str):
    for c in CORE:
        if name == c or name.startswith(c + "."):
            return c
    return None


def test_the_core_modules_import_each_other_in_one_direction():
    """No cycle between pack, lint, methods, score and the loader, counting late imports: a late
    import is how the old cycle was hidden (pack → methods → pack, lint → score → pack)."""
    graph: dict[str, set] = {c: set() for c in CORE}
    for path, tree in _modules(SCORING):
        src = _core(_module_name(path))
        if src is None:
            continue
        for mod, names in _imports(path, tree):
            targets = [mod] + [f"{mod}.{n}" for n in names]
            for t in targets:
                dst = _core(t)
                if dst is not None and dst != src:
                    graph[src].add(dst)
    seen, stack = set(), []

    def visit(n):
        if n in stack:
            raise AssertionError("import cycle: " + " → ".join(stack[stack.index(n):] + [n]))
        if n in seen:
            return
        stack.append(n)
        for m in sorted(graph[n]):
            visit(m)
        stack.pop()
        seen.add(n)

    for n in CORE:
        visit(n)


def test_a_pack_is_frozen_and_scoring_writes_nothing_onto_it():
    pack = api.load_pack(QN_PACK)
    before = dict(pack.__dict__)
    for sample in QN_SAMPLES:
        api.score(sample, pack)
    api.check(record(), pack)
    assert pack.__dict__ == before
    for name, value in (("_plan", 1), ("engine_form", 1), ("items", [])):
        with pytest.raises(AttributeError):
            setattr(pack, name, value)
    with pytest.raises(TypeError):
        pack.conditions["V9"] = None
    assert isinstance(pack.items, tuple) and isinstance(pack.warnings, tuple)


def test_the_scorer_owns_plans_and_rulesets_and_reset_frees_them():
    pack = api.load_pack(QN_PACK)
    want = [api.score(s, pack).to_json_dict() for s in QN_SAMPLES]
    compiled = SCORER.compiled(pack)
    assert SCORER.plan(pack) is SCORER.plan(pack) and SCORER.compiled(pack) is compiled
    api.reset()
    assert compiled.handle is None  # the durable ruleset was deleted, not leaked
    again = api.load_pack(QN_PACK)
    assert again is not pack and SCORER.compiled(again) is not compiled
    got = [api.score(s, again).to_json_dict() for s in QN_SAMPLES]
    assert json.dumps(got, default=str) == json.dumps(want, default=str)


def test_lint_errors_and_engine_limits_are_reported_together(tmp_path):
    """Loading is parse → bind → lint → compile; the compile step's limits come back as L008
    beside the linter's own errors, in one refusal naming the file."""
    from scoring import engine
    from scoring.errors import PackError

    src = QN_PACK.read_text(encoding="utf-8").replace("max_total: 100", "max_total: 99", 1)
    assert "max_total: 99" in src
    path = tmp_path / "p.yaml"
    path.write_text(src, encoding="utf-8")
    old = engine.MAX_RULES
    engine.MAX_RULES = 10
    try:
        with pytest.raises(PackError) as info:
            api.load_pack(path)
    finally:
        engine.MAX_RULES = old
        api.reset()
    codes = [p.code for p in info.value.problems]
    assert "L002" in codes and codes[-1] == "L008"
    assert all(p.file == str(path) for p in info.value.problems)


def test_api_score_takes_a_dict_and_a_pack_like_a_file(tmp_path):
    pack = api.load_pack(QN_PACK)
    data = record(facts={"staff.disciplined": 0, "petitions.settled": {"num": 19, "den": 20}})
    from support import score_dict

    assert score_dict(pack, data).total == api.score(api.load_record(data), pack).total
    assert isinstance(pack, Pack)
