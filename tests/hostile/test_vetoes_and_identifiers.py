"""Issue 11 regressions: a huge number in a veto and a look-alike letter in an identifier.

`x > 1e309` was parsed as float infinity and failed later, in English ("cannot convert Infinity to
integer"), on no line; a vocabulary id with a Cyrillic `а` linted clean. Both are now refused at
load, in Vietnamese, on the line of the offending text, naming the veto or the character.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring import api
from scoring.cli import main
from scoring.errors import PackError

from .cases import QN_PACK


def _variant(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    src = QN_PACK.read_text(encoding="utf-8")
    assert old in src
    out = src.replace(old, new, 1)
    p = tmp_path / "pack.yaml"
    p.write_text(out, encoding="utf-8")
    return p, out[: out.index(new)].count("\n") + 1


@pytest.mark.parametrize("number", ["1e309", "-1e309", "1e308", "10000000000"])
def test_veto_number_out_of_range_is_named_on_its_line(tmp_path, number):
    p, line = _variant(tmp_path, 'when: "staff.disciplined > 0"', f'when: "staff.disciplined > {number}"')
    with pytest.raises(PackError) as exc:
        api.load_pack(p)
    (pr,) = exc.value.problems
    assert (pr.code, pr.line, pr.field) == ("P010", line, "grades.xuat_sac.vetoes.V1.when")
    assert "'V1'" in pr.message and number in pr.message and "vượt giới hạn" in pr.message
    assert "Infinity" not in pr.message and "convert" not in pr.message


def test_veto_number_in_range_still_loads(tmp_path):
    p, _ = _variant(tmp_path, 'when: "staff.disciplined > 0"', 'when: "staff.disciplined > 1000000000"')
    assert api.load_pack(p).conditions["V1"].value == 10**9


@pytest.mark.parametrize("fake, look_alike, name", [
    ("pl\u0430n.dvcq_annual", "\u0430", "CYRILLIC SMALL LETTER A"),
    ("plan.dvcq_ann\u03bfal", "\u03bf", "GREEK SMALL LETTER OMICRON"),
    ("plan.dvcq_\uff41nnual", "\uff41", "FULLWIDTH LATIN SMALL LETTER A"),
])
def test_vocabulary_id_with_a_look_alike_letter_is_refused(tmp_path, fake, look_alike, name):
    p, line = _variant(tmp_path, "    plan.dvcq_annual: {kind: KH", f"    {fake}: {{kind: KH")
    result = CliRunner().invoke(main, ["rules", "lint", str(p)])
    assert result.exit_code == 2, result.output
    assert f"{p.name}:{line} [P012]" in result.stderr
    assert f"U+{ord(look_alike):04X} {name}" in result.stderr
    assert "Traceback" not in result.stderr


def test_identifier_with_a_capital_or_space_is_refused(tmp_path):
    p, line = _variant(tmp_path, "    plan.dvcq_annual: {kind: KH", '    "Plan dvcq": {kind: KH')
    with pytest.raises(PackError) as exc:
        api.load_pack(p)
    assert [(pr.code, pr.line) for pr in exc.value.problems] == [("P012", line)]
    assert "'P'" in exc.value.problems[0].message


def test_a_record_with_a_look_alike_id_is_told_which_character(tmp_path):
    from .cases import SAMPLE

    text = SAMPLE.read_text(encoding="utf-8")
    for old, new, code in [("  - id: plan.dvcq_annual\n", "  - id: pl\u0430n.dvcq_annual\n", "[V006]"),
                           ("  petitions.settled:", "  p\u0435titions.settled:", "facts")]:
        p = tmp_path / "record.yaml"
        assert old in text
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
        r = CliRunner().invoke(main, ["validate", str(p)])
        assert r.exit_code == 2 and code in r.stderr and "CYRILLIC SMALL LETTER" in r.stderr, r.stderr
