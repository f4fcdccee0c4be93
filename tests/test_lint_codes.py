"""The problem-code registry (scoring/lintcodes.py) is the only list of codes, and it is true.

* every code the package raises (`code="…"`, `err("…"`, any string literal shaped like a code) is
  registered, and every registered code is raised somewhere;
* every code has a case under tests/lint_cases/<CODE>.yaml that makes dvcq report it;
* docs/rule-format.md's table is exactly what the registry generates.

A case edits the Quảng Ngãi pack (`pack:`) or the Nguyễn Nghiêm sample against it (`record:`) with
`set` / `delete` / `append` on a key path, or, for the engine's own limits that no pack compiled by
dvcq can reach, gives the durable-rules definition (`definition:`) or the compiled leaves and
vetoes (`compiled:`); `"{i}"` and `repeat: N` build the N-fold ones. A case about the packs of one
rules folder (`folder:`) gives each pack as a list of edits of the Quảng Ngãi pack.
"""
from __future__ import annotations

import ast
import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring import api, conditions, engine, lintcodes
from scoring.errors import DvcqError
from scoring.methods import Branch
from scoring.vietnamese import plain_number
from scoring.yamlio import load_document

from support import QN_PACK, ROOT

CASES = ROOT / "tests" / "lint_cases"
SAMPLE = ROOT / "samples" / "quang-ngai" / "nguyen-nghiem-2023.yaml"
DOC = ROOT / "docs" / "rule-format.md"
CODE_SHAPE = re.compile(r"^[A-Z]\d{3}$")


def _raised_codes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "scoring").rglob("*.py"):
        if path.name == "lintcodes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_SHAPE.match(node.value):
                found.setdefault(node.value, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_code_raised_is_registered_and_every_registered_code_is_raised():
    raised = _raised_codes()
    assert sorted(set(raised) - set(lintcodes.CODES)) == [], "raised but not in scoring/lintcodes.py"
    assert sorted(set(lintcodes.CODES) - set(raised)) == [], "registered but raised nowhere"
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "scoring").rglob("*.py"))
    assert set(re.findall(r'code="([A-Z]\d{3})"', text)) <= set(lintcodes.CODES)


def test_registry_entries_are_well_formed():
    for c in lintcodes.CODES.values():
        assert CODE_SHAPE.match(c.code) and c.doc and "\n" not in c.doc
        assert (c.severity == "cảnh báo") == c.code.startswith("W"), c
        module = c.raised_in.split(".")[0]
        assert (ROOT / "scoring" / f"{module}.py").exists() or (ROOT / "scoring" / module).is_dir(), c


def test_every_code_has_a_case():
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(lintcodes.CODES)


def test_rule_format_doc_table_is_generated_from_the_registry():
    doc = DOC.read_text(encoding="utf-8")
    assert lintcodes.with_table(doc) == doc, "run: python -m scoring.lintcodes --write docs/rule-format.md"
    for code in lintcodes.CODES:
        assert f"| {code} |" in doc


def test_doc_check_fails_on_a_stale_table(tmp_path, capsys):
    stale = tmp_path / "doc.md"
    stale.write_text(DOC.read_text(encoding="utf-8").replace("| L001 |", "| L000 |"), encoding="utf-8")
    assert lintcodes.main(["--check", str(stale)]) == 1
    assert lintcodes.main(["--write", str(stale)]) == 0
    assert lintcodes.main(["--check", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


# -- running the cases ---------------------------------------------------------------------------

def _edit(data, ops: list[dict]):
    data = copy.deepcopy(data)
    for op in ops:
        verb = next(k for k in ("set", "delete", "append") if k in op)
        *parents, last = op[verb]
        node = data
        for key in parents:
            node = node[key]
        if verb == "set":
            node[last] = op["value"]
        elif verb == "delete":
            del node[last]
        else:
            node[last].append(op["value"])
    return data


def _expand(template, i: int):
    if isinstance(template, str):
        return i if template == "{i}" else template.replace("{i}", str(i))
    if isinstance(template, dict):
        return {_expand(k, i): _expand(v, i) for k, v in template.items()}
    if isinstance(template, list):
        return [_expand(v, i) for v in template]
    return template


def _repeated(spec: dict) -> dict:
    out = {}
    for key, value in spec.items():
        value = dict(value)
        n = value.pop("repeat", None)
        for i in range(n or 1):
            out[_expand(key, i) if n else key] = _expand(value, i) if n else value
    return out


def _codes(problems) -> set[str]:
    """A problem's own code, and an engine code named in its hint (L008 carries the E1xx)."""
    out = set()
    for p in problems:
        out.add(p.code)
        out.update(re.findall(r"\b[A-Z]\d{3}\b", p.hint or ""))
    return out


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", plain_number(v)))


def _read(path: Path):
    """Read as dvcq does (`on:` is a key, not YAML 1.1's true; numbers are exact)."""
    return load_document(path, "tệp")[0]


def _write(tmp_path: Path, name: str, data) -> Path:
    p = tmp_path / name
    p.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _reported(case: dict, tmp_path: Path) -> set[str]:
    if "definition" in case:
        return _codes(engine.CompiledPack._check_limits(_repeated(case["definition"])))
    if "compiled" in case:
        spec = case["compiled"]
        leaves = []
        for leaf in spec.get("leaves", []):
            lo = leaf.get("lo", 0)
            branches = [Branch(f"b{j}", "v", lo + j, lo + j + 1) for j in range(leaf["branches"])]
            leaves += [(_expand(leaf["uid"], i), branches) for i in range(leaf.get("repeat", 1))]
        vetoes = [(v["id"], conditions.Or(tuple(conditions.Cmp(f"f.x{j}", ">", Decimal(0)) for j in range(v["facts"]))))
                  for v in spec.get("vetoes", [])]
        try:
            engine.CompiledPack(api.load_pack(QN_PACK), leaves, vetoes)
        except DvcqError as exc:
            return _codes(exc.problems)
        return set()
    if "folder" in case:  # problems between the packs of one rules folder (each entry: one pack's edits)
        d = tmp_path / "rules"
        d.mkdir()
        for i, edits in enumerate(case["folder"]):
            _write(d, f"pack{i}.yaml", _edit(_read(QN_PACK), edits))
        errors, warnings = api.list_packs(d).problems()
        return _codes(errors + warnings)
    pack_data = _read(QN_PACK)
    try:
        pack = api.load_pack(_write(tmp_path, "pack.yaml", _edit(pack_data, case.get("pack", []))))
    except DvcqError as exc:
        return _codes(exc.problems)
    reported = _codes(pack.warnings)
    if "record" in case:
        record = _edit(_read(SAMPLE), case["record"])
        try:
            reported |= _codes(api.check(_write(tmp_path, "record.yaml", record), pack).checked.warnings)
        except DvcqError as exc:
            reported |= _codes(exc.problems)
    return reported


@pytest.mark.parametrize("code", sorted(lintcodes.CODES))
def test_case_reports_its_code(code, tmp_path):
    case = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
    assert case["code"] == code
    assert code in _reported(case, tmp_path)


def test_the_unedited_pack_and_sample_report_none_of_the_error_codes(tmp_path):
    """So each case's code comes from its edit, not from the base it edits."""
    reported = _reported({"pack": [], "record": []}, tmp_path)
    assert {c for c in reported if lintcodes.CODES[c].severity == "lỗi"} == set()
    assert "W101" not in reported and "W102" not in reported and "W103" not in reported
