"""The YAML loader: one construction path (`yamlio._build`) that either returns plain data or refuses
the file with a `LoadFailure` naming its line; never anything else, whatever the text.

The refusals users meet are tested through the CLI in tests/hostile/ (test_hostile.py,
test_yaml12.py); here, the loader on its own: exact values for every number form it accepts, and
no crash on a corpus of corner cases (the checked path it replaced crashed on `!!bool maybe` and
`!!int 1.5`). Derandomized: the same cases every run.
"""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from scoring import yamlio
from support import ROOT

CASES = [
    "a: 1\nb: [1, 2, {c: d}]\n",
    "x: 95.2\ny: 1e3\nz: -0.0\nw: .5\n",
    "x: .nan\n", "x: -.inf\n", "x: 1e-99999999\n", "x: " + "9" * 41 + "\n", "x: " + "1" * 40 + "\n",
    "x: 1_000\ny: 0x1F\nz: 0o17\nv: 017\nu: 1:30\nt: +5\ns: -0b101\n",
    "on: yes\noff: no\nt: true\nf: False\nT: TRUE\n",
    "x: !!bool yes\n", "x: !!bool maybe\n", "x: !!int '12'\n", "x: !!int 1.5\n", "x: !!str 5\n", "x: !!float 1\n",
    "d: 2023-02-30\ne: 2023-01-01 10:00:00\nf: !!timestamp 2023-01-01\n",
    "n: ~\nm: null\nk:\nj: Null\n",
    "a: 1\na: 2\n", "1: x\n1.0: y\n", "true: x\n1: y\n", "? [1, 2]\n: x\n", "? {a: 1}\n: x\n",
    "a: &x {b: 1}\nc: *x\n", "a: &s text\nb: *s\n", "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
    "c:\n  <<: {x: 1}\n  y: 2\n", "=: x\n", "x: =\n", "? &k a\n: 1\n*k : 2\n",
    "x: !!binary aGVsbG8=\n", "x: !!set {a, b}\n", "x: !!omap [{a: 1}]\n", "x: !!pairs [{a: 1}]\n",
    "x: !!python/object:os.system ls\n", "x: !custom 1\n", "!!map {a: 1}\n", "!!seq [1]\n", "!!str {a: 1}\n",
    "x: !!map [1]\n", "x: !!seq {a: 1}\n", "x: !!int {a: 1}\n",
    "- a\n- b\n", "just text\n", "42\n", "x: 'Phu\u031bo\u031b\u0300ng'\n", "Ph\u01b0\u1eddng: 'x'\n",
    "a: [" * 39 + "]" * 39 + "\n", "a: [" * 41 + "]" * 41 + "\n", "a:\n" + "".join("  " * i + "- \n" for i in range(1, 45)),
    "a: {b: 1, b: 2}\n", "[1, 1]\n", "{a: 1, [b]: 2}\n", "x: 1\n---\ny: 2\n", "x: [1, 2\n", "x:\t1\n",
]


def _generated_cases() -> list[str]:
    rng = random.Random(6)
    atoms = ["1", "1.5", "-2", "0x10", "yes", "no", "true", "~", "null", "2023-01-01", "'q'", '"\\u00e9"',
             "1e400", ".inf", "text here", "!!str 1", "!!int 2", "[]", "{}", "&a 1", "*a", "1:2:3", "0o7", "010", "+.5"]
    keys = ["a", "b", "c", "1", "true", "on", "<<", "=", "k k", "ph\u01b0\u1eddng", "&a x", "*a"]
    out = []
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(1, 6)):
            k = rng.choice(keys)
            v = rng.choice(atoms)
            if rng.random() < 0.3:
                v = "{" + ", ".join(f"{rng.choice(keys)}: {rng.choice(atoms)}" for _ in range(rng.randint(0, 3))) + "}"
            elif rng.random() < 0.2:
                v = "[" + ", ".join(rng.choice(atoms) for _ in range(rng.randint(0, 3))) + "]"
            lines.append(f"{k}: {v}")
        out.append("\n".join(lines) + "\n")
    return out


def _load(tmp_path, text: str):
    p = tmp_path / "case.yaml"
    p.write_text(text, encoding="utf-8")
    return yamlio.load_document(p, "tệp")


@pytest.mark.parametrize("text", CASES + _generated_cases())
def test_data_or_a_located_refusal_never_a_crash(tmp_path, text):
    try:
        data, lines = _load(tmp_path, text)
    except yamlio.LoadFailure as exc:
        assert exc.problem.file.endswith("case.yaml") and exc.problem.line, exc.problem.render()
    else:
        assert data is not None and isinstance(lines, dict)


@pytest.mark.parametrize("written,value", [
    ("0", 0), ("7", 7), ("-7", -7), ("+7", 7), ("-0", 0), ("1" * 40, int("1" * 40)),
    ("1.5", Decimal("1.5")), ("95.20", Decimal("95.20")), ("-0.25", Decimal("-0.25")), ("+1.5", Decimal("1.5")),
    (".5", Decimal("0.5")), ("-.5", Decimal("-0.5")), ("1.", Decimal(1)), ("0.0", Decimal("0.0")),
    ("1e3", Decimal(1000)), ("1E3", Decimal(1000)), ("2.5e-1", Decimal("0.25")), ("1.0e+3", Decimal(1000)),
    ("!!float 1", Decimal(1)), ("!!int '12'", 12), ("!!str 010", "010"), ("'0x10'", "0x10"), ('"1:30"', "1:30"),
    ("12:75", "12:75"), ("0X10", "0X10"), ("1.2.3", "1.2.3"), ("1e", "1e"), ("true", True), ("False", False),
    ("no", "no"), ("=", "="), ("2023-02-30", "2023-02-30"),
])
def test_accepted_scalars_and_their_exact_values(tmp_path, written, value):
    data, _ = _load(tmp_path, f"x: {written}\n")
    assert data["x"] == value and type(data["x"]) is type(value), (written, data["x"])


@pytest.mark.parametrize("written", ["010", "07", "-010", "09", "01.5", "0x10", "-0x1F", "0b11", "0o17", "1_000",
                                     "1_0.5", "1:30", "-1:30", "1:30:00", "190:20:30.15"])
def test_numbers_yaml_1_1_reads_otherwise_are_refused_at_their_line_and_key(tmp_path, written):
    with pytest.raises(yamlio.LoadFailure) as info:
        _load(tmp_path, f"a: 1\nb:\n  c: [1, {{d: {written}}}]\n")
    pr = info.value.problem
    assert (pr.line, pr.field) == (3, "b.c.1.d") and "YAML 1.2" in pr.message and f"'{written}'" in pr.message


def test_aliases_of_every_kind_are_refused(tmp_path):
    for text in ("a: &n 5\nb: *n\n", "a: &s [1]\nb: *s\n", "a: &m {x: 1}\nb: *m\n", "? &k a\n: 1\n*k : 2\n"):
        with pytest.raises(yamlio.LoadFailure) as info:
            _load(tmp_path, text)
        assert "bí danh" in info.value.problem.message, text


def test_the_samples_and_the_pack_load(tmp_path):
    for p in [*(ROOT / "samples").glob("**/*.yaml"), *(ROOT / "rules").glob("**/*.yaml")]:
        data, _ = yamlio.load_document(p, "tệp")
        assert isinstance(data, dict), p


def test_the_resolver_memory_stays_bounded(tmp_path):
    text = "".join(f"k{i}: v{i}\n" for i in range(3 * yamlio._RESOLVED_MAX))
    p = tmp_path / "many.yaml"
    p.write_text(text, encoding="utf-8")
    data, _, _ = yamlio.load_document_hashed(p, "tệp")
    assert len(data) == 3 * yamlio._RESOLVED_MAX and len(yamlio._RESOLVED) <= yamlio._RESOLVED_MAX


@pytest.mark.parametrize("written,words", [("!!int abc", "không phải là số"), ("!!int 1.5", "không phải số nguyên"),
                                           ("!!int 0x10", "YAML 1.2"), ("!!bool yes", "true hoặc false"),
                                           ("!!binary aGk=", "thẻ YAML không được phép (!!binary)")])
def test_explicit_tags_are_held_to_the_same_rules(tmp_path, written, words):
    with pytest.raises(yamlio.LoadFailure) as info:
        _load(tmp_path, f"a:\n  b: {written}\n")
    pr = info.value.problem
    assert (pr.line, pr.field) == (2, "a.b") and words in pr.message, pr.render()
