"""YAML 1.2 numbers only, and no aliases at all (issue 15), through the CLI.

PyYAML reads YAML 1.1, where `010` is 8, `0x10` 16, `0b11` 3, `1_000` 1000 and `1:30` is 90
(sexagesimal): a ward's count or a pack's threshold written that way silently meant another number.
Every such number is now refused in records, packs and reviews with exit 2, naming the file, the
line and the field; the decimal forms YAML 1.1 and 1.2 agree on (and 1.2's `1e3`, `+5`, `.5`) still
read as before. A scalar alias (`district: *n`) is refused like a list or mapping alias.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import main

from .cases import BASE, QN_PACK, SAMPLE

REVIEW = SAMPLE.parent / "reviews" / "nguyen-nghiem-2023.review.yaml"
NOT_DECIMAL = ["010", "-010", "07", "0x10", "0b11", "0o17", "1_000", "1:30", "-1:30", "190:20:30.15", "01.5"]
WORDS = "số không đúng dạng YAML 1.2"


@pytest.fixture
def runner():
    return CliRunner()


def refused(result, path: Path, line: int, field: str, *words: str) -> str:
    err = result.stderr
    assert result.exit_code == 2, (result.exit_code, result.stdout, err, result.exception)
    assert result.stdout == "" and "Traceback" not in err, err
    assert f"{path.name}:{line}" in err, err
    assert field in err, err
    for w in words:
        assert w in err, (w, err)
    return err


@pytest.mark.parametrize("number", NOT_DECIMAL)
def test_record_count_in_a_block(number, tmp_path, runner):
    p = tmp_path / "count.yaml"
    p.write_text(BASE + f"facts:\n  staff.disciplined: {number}\n", encoding="utf-8")
    for command in ("score", "validate"):
        refused(runner.invoke(main, [command, str(p)]), p, 4, "facts.staff.disciplined", WORDS, f"'{number}'")


@pytest.mark.parametrize("number", ["010", "0x10", "1:30"])
def test_record_number_in_a_flow_mapping_names_its_own_key(number, tmp_path, runner):
    """`{year: 2023, quarter: 010}`: the field is the key that holds the number, not another on the line."""
    p = tmp_path / "flow.yaml"
    p.write_text(BASE.replace("residential_groups: 5", f"residential_groups: {number}"), encoding="utf-8")
    err = refused(runner.invoke(main, ["score", str(p)]), p, 1, "ward.residential_groups", WORDS)
    assert "'ward.name'" not in err and "'ward.kind'" not in err


def test_record_percent_written_as_time_of_day(tmp_path, runner):
    p = tmp_path / "percent.yaml"
    p.write_text(BASE + "facts:\n  reform.satisfaction:\n    percent: 1:30\n", encoding="utf-8")
    err = refused(runner.invoke(main, ["score", str(p)]), p, 5, "facts.reform.satisfaction.percent", WORDS)
    assert "'1:30'" in err  # the hint: quote it if it is text


def test_record_scalar_alias_is_refused(tmp_path, runner):
    p = tmp_path / "alias.yaml"
    p.write_text(BASE.replace('name: "Phường Thử", district: "TP Quảng Ngãi"',
                              'name: &n "Phường Thử", district: *n'), encoding="utf-8")
    assert "*n" in p.read_text(encoding="utf-8")
    for command in ("score", "validate"):
        refused(runner.invoke(main, [command, str(p)]), p, 1, "alias", "bí danh")


def test_record_merge_key_is_refused(tmp_path, runner):
    p = tmp_path / "merge.yaml"
    p.write_text(BASE.replace("period: {year: 2023}", "period: {<<: {year: 2023}}"), encoding="utf-8")
    refused(runner.invoke(main, ["score", str(p)]), p, 2, "period", "'<<'")


@pytest.mark.parametrize("bad,field", [
    ("{min: 1:35, points: 6}", "min"),       # 95 under YAML 1.1
    ("{min: 0x5F, points: 6}", "min"),       # 95 again
    ("{min: 95, points: 06}", "points"),     # 6 under YAML 1.1, refused as ambiguous
])
def test_pack_threshold(bad, field, tmp_path, runner):
    src = QN_PACK.read_text(encoding="utf-8")
    old = "- {min: 95, points: 6}"
    assert old in src
    p = tmp_path / "pack.yaml"
    p.write_text(src.replace(old, "- " + bad, 1), encoding="utf-8")
    line = src[: src.index(old)].count("\n") + 1
    for args in (["rules", "lint", str(p)], ["score", str(SAMPLE), "--rules", str(p)]):
        err = refused(runner.invoke(main, args), p, line, f".tiers.0.{field}", WORDS)
        assert "criteria." in err


def test_pack_scalar_alias_is_refused(tmp_path, runner):
    src = QN_PACK.read_text(encoding="utf-8")
    p = tmp_path / "pack.yaml"
    p.write_text(src.replace("  status: draft", "  status: &s draft\n  note: *s", 1), encoding="utf-8")
    line = src[: src.index("  status: draft")].count("\n") + 1
    refused(runner.invoke(main, ["rules", "lint", str(p)]), p, line, "alias", "bí danh")


def test_review_points(tmp_path, runner):
    src = REVIEW.read_text(encoding="utf-8")
    p = tmp_path / "r.review.yaml"
    p.write_text(src.replace("points: 1.5", "points: 1:30", 1), encoding="utf-8")
    line = src[: src.index("points: 1.5")].count("\n") + 1
    refused(runner.invoke(main, ["verify", str(SAMPLE), "--review", str(p)]), p, line, "findings.5.points", WORDS)


def test_decimal_forms_yaml_1_1_and_1_2_agree_on_still_score_the_same(tmp_path, runner):
    """`+97`, `97.0`, `9.7e1` and `970e-1` are all 97 in YAML 1.2: the result is the sample's."""
    src = SAMPLE.read_text(encoding="utf-8")
    assert "    percent: 97\n" in src

    def scored(text: str) -> dict:
        p = tmp_path / SAMPLE.name
        p.write_text(text, encoding="utf-8")
        r = runner.invoke(main, ["score", str(p), "--format", "json"])
        assert r.exit_code == 0, r.stderr
        out = json.loads(r.stdout)
        out.pop("evidence", None), out.pop("seal", None)  # both hash the bytes
        return out

    plain = scored(src)
    for written in ("+97", "97.0", "9.7e1", "970e-1", "97."):
        assert scored(src.replace("    percent: 97\n", f"    percent: {written}\n")) == plain, written
