"""Fixture cases for rule packs, written as YAML an official can read and extend.

Layout: `tests/packs/<pack-stem>/<item>.yaml` holds the cases of one item of the pack
`rules/**/<pack-stem>.yaml` (or of `tests/author_trial/<pack-stem>/<pack-stem>.yaml`, a pack kept with
its cases as test data); `grades.yaml` and `totals.yaml` hold the cases about grade bands,
vetoes, the bonus cap and the bounds of the total. Why YAML and not Python: the person who checks a
pack against the signed decision is a provincial official, not a programmer; a case is a ward's
figures and the points the decision gives for them, in the decision's own words (in the manner of
OpenFisca's YAML tests and sqlfluff's one-file-per-rule cases).

Every case is scored the way `dvcq score` scores a file (shape check, vocabulary check, engine), so
a case that passes here passes for a real ward. Each case is its own test, named
`<pack-stem>/<item>/<case>`. A case marked `xfail: "<why>"` documents an engine bug with the right
answer; it is a strict xfail, so fixing the bug makes the suite demand that the mark be removed.

Coverage is checked mechanically, from the pack file itself, so that a tier or a deadline added to a
pack without fixtures fails CI: every item has a case file, and every threshold of every `tiers`
rule (and every date of every `document_deadline` rule) has a case exactly on it and one just on the
other side. "Just" is the smallest step at the case's own precision: threshold − 1 for counts; for
rates, a value with no representable value between it and the threshold (num/den: (num+1)/den
reaches it; percent with d decimals: p + 10⁻ᵈ reaches it), written at a precision of at least 0.1
percentage point so that the engine's exactness is what the case tests; the next day for dates.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scoring import api
from scoring.evidence import FactValue, evidence_from_data, parse_date
from scoring.pack import DateSpec
from scoring.yamlio import LoadFailure, load_document

HERE = Path(__file__).resolve().parent
RULES = HERE.parent.parent / "scoring" / "rules"
# Packs written from the docs alone, as a provincial rule author would (issue 13's "Done when"): each
# folder holds the pack `<stem>.yaml` (status `example`, never shipped in rules/) beside its case files.
TRIALS = HERE.parent / "author_trial"
SPECIAL_FILES = {"grades", "totals"}   # case files about the whole result, not one item
FINE_RATE_STEP = Fraction(1, 10)       # percentage points: the coarsest "just below" a rate case may be

BASE_WARD = {"name": "Phường Thử", "district": "Thành phố Quảng Ngãi", "province": "Quảng Ngãi",
             "kind": "phuong", "residential_groups": 10}
BASE_PERIOD = {"year": 2023}


# -- the case file format ----------------------------------------------------------------------
class Expect(BaseModel):
    """What a case asserts. Only the keys written are checked."""

    model_config = ConfigDict(extra="forbid")
    points: Optional[Decimal] = None                    # the item's points (deductions negative)
    rule: Optional[Union[str, list[str]]] = None        # fired branch "TC5.4#t0"; a list: the parts'
    reason_contains: Optional[Union[str, list[str]]] = None
    missing: Optional[list[str]] = None                 # evidence listed as missing for the item
    parts: Optional[dict[str, Decimal]] = None          # points of each part ("a/b" for a part of a part)
    pending: Optional[list[str]] = None                 # ids of items awaiting the verifier
    items: Optional[dict[str, Decimal]] = None          # points of other items
    subtotal: Optional[Decimal] = None
    bonus: Optional[Decimal] = None
    deductions: Optional[Decimal] = None
    raw_total: Optional[Decimal] = None
    total: Optional[Decimal] = None
    grade: Optional[str] = None                         # grade id or label
    capped_from: Optional[str] = None                   # grade id or label; null: no veto capped it
    vetoes: Optional[list[str]] = None                  # ids of the vetoes that hold
    notices: Optional[list[str]] = None                 # "ineligible:<rule>", "date_cap:<rule>", "result_cap:<rule>", "quota",
                                                        # "applicability_unknown:<criterion or item>"
    applicability: Optional[str] = None                 # the item's: scored | exclude | full
    applicable_max: Optional[Decimal] = None            # the maximum left after exclusions (scale)
    rescaled: Optional[Decimal] = None                  # the criteria's points on the pack's scale


class Record(BaseModel):
    """The parts of an evidence record a case (or a file's `base:`) adds to the base record."""

    model_config = ConfigDict(extra="forbid")
    ward: dict[str, Any] = Field(default_factory=dict)
    period: dict[str, Any] = Field(default_factory=dict)
    status: Optional[str] = None
    facts: dict[str, Any] = Field(default_factory=dict)
    documents: list[dict[str, Any]] = Field(default_factory=list)
    manual: dict[str, tuple[Decimal, str]] = Field(default_factory=dict)


class Case(Record):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=80)
    description: Optional[str] = None
    without: list[str] = Field(default_factory=list)    # facts / documents of `base:` to drop
    use_base: bool = True                               # false: start from the bare ward and year
    expect: Expect
    xfail: Optional[str] = None

    def __repr__(self) -> str:  # pytest prints arguments of a failed test; the name is enough
        return f"Case({self.name!r})"


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str
    title: Optional[str] = None
    description: Optional[str] = None
    base: Record = Field(default_factory=Record)
    cases: list[Case] = Field(min_length=1)


class CaseMismatch(AssertionError):
    """A case scored differently from what it expects; the only failure an `xfail:` case may show."""


@dataclass
class Loaded:
    stem: str          # pack stem
    path: Path
    data: Optional[CaseFile] = None
    error: Optional[str] = None

    def __repr__(self) -> str:
        return f"Loaded({self.stem}/{self.path.name})"


@lru_cache(maxsize=None)
def fixture_dirs() -> dict[str, Path]:
    """Pack stem → its case folder: tests/packs/<stem>/, then tests/author_trial/<stem>/."""
    out: dict[str, Path] = {}
    for root in (HERE, TRIALS):
        if not root.is_dir():
            continue
        for p in sorted(root.iterdir()):
            if p.is_dir() and not p.name.startswith(("_", ".")):
                if p.name in out:
                    raise LookupError(f"{p}: bộ tiêu chí '{p.name}' đã có ca kiểm thử ở {out[p.name]}")
                out[p.name] = p
    return out


def own_pack(stem: str) -> Optional[Path]:
    """The pack kept in its case folder (tests/author_trial/<stem>/<stem>.yaml), if any."""
    d = fixture_dirs()[stem]
    return d / f"{stem}.yaml" if d.parent == TRIALS else None


def pack_path(stem: str) -> Path:
    if own_pack(stem) is not None:
        return own_pack(stem)
    found = sorted(RULES.rglob(f"{stem}.yaml"))
    if len(found) != 1:
        raise LookupError(f"tests/packs/{stem}: cần đúng một bộ tiêu chí rules/**/{stem}.yaml, tìm thấy {len(found)}")
    return found[0]


@lru_cache(maxsize=None)
def pack_of(stem: str):
    return api.load_pack(pack_path(stem))


@lru_cache(maxsize=None)
def raw_pack(stem: str) -> dict:
    data, _ = load_document(pack_path(stem), "tệp bộ tiêu chí")
    return data


def pack_stems() -> list[str]:
    return sorted(fixture_dirs())


def rel(stem: str) -> str:
    """The case folder as the messages name it: tests/packs/<stem> or tests/author_trial/<stem>."""
    d = fixture_dirs()[stem]
    return f"tests/{d.parent.name}/{stem}"


@lru_cache(maxsize=None)
def case_files(stem: str) -> tuple[Loaded, ...]:
    out = []
    for path in sorted(fixture_dirs()[stem].glob("*.yaml")):
        if path == own_pack(stem):
            continue
        loaded = Loaded(stem, path)
        try:
            raw, _ = load_document(path, "tệp ca kiểm thử")
            loaded.data = CaseFile.model_validate(raw)
        except LoadFailure as exc:
            loaded.error = exc.problem.render()
        except ValidationError as exc:
            loaded.error = f"{path}: {exc}"
        out.append(loaded)
    return tuple(out)


def record_data(cf: CaseFile, case: Case) -> dict:
    """Base record + the file's `base:` + the case; `without:` drops what `base:` brought in."""
    base = cf.base if case.use_base else Record()
    ward = {**BASE_WARD, **base.ward, **case.ward}
    period = {**BASE_PERIOD, **base.period, **case.period}
    facts = {**base.facts, **case.facts}
    docs = {d["id"]: d for d in base.documents}
    docs.update({d["id"]: d for d in case.documents})
    for ident in case.without:
        if ident == "ward.residential_groups":
            ward["residential_groups"] = None
        elif ident in facts:
            del facts[ident]
        elif ident in docs:
            del docs[ident]
        else:
            raise AssertionError(f"ca '{case.name}': without: '{ident}' không có trong hồ sơ để bỏ đi")
    data = {"ward": ward, "period": period, "facts": facts, "documents": list(docs.values())}
    status = case.status or base.status
    if status:
        data["status"] = status
    return data


# -- running one case --------------------------------------------------------------------------
def _params():
    out = []
    for stem in pack_stems():
        for lf in case_files(stem):
            if lf.data is None:
                out.append(pytest.param(lf, None, id=f"{stem}/{lf.path.stem}/invalid-file"))
                continue
            for case in lf.data.cases:
                marks = [pytest.mark.xfail(strict=True, raises=CaseMismatch, reason=case.xfail)] if case.xfail else []
                out.append(pytest.param(lf, case, id=f"{stem}/{lf.data.item}/{case.name}", marks=marks))
    return out


def _grade_names(pack, key: str) -> set[str]:
    for g in pack.data.grades:
        if key in (g.id, g.label):
            return {g.id, g.label}
    return {key}


def _num(d) -> str:
    return format(Decimal(d).normalize(), "f") if d is not None else "None"


def _part_paths(item, prefix: str = ""):
    """('part', result), ('part/sub', result), … for every part of a composite item, every level."""
    for p in item.parts:
        path = f"{prefix}{p.id}"
        yield path, p
        yield from _part_paths(p, path + "/")


def run_case(lf: Loaded, case: Case) -> list[str]:
    """Score the case; return every mismatch (empty when the case holds)."""
    cf, pack = lf.data, pack_of(lf.stem)
    data = record_data(cf, case)
    if "province" not in {**(cf.base.ward if case.use_base else {}), **case.ward}:
        data["ward"]["province"] = pack.meta.jurisdiction["province"]  # a ward of the pack's own province
    digest = hashlib.sha256(repr(data).encode()).hexdigest()
    ev = evidence_from_data(data, f"{lf.path.name}#{case.name}", digest)
    manual = {**(cf.base.manual if case.use_base else {}), **case.manual}
    res = api.score(ev, pack, manual=manual or None)
    e, bad = case.expect, []

    def differ(what, want, got):
        bad.append(f"{what}: cần {want}, kết quả {got}")

    item = None
    if cf.item not in SPECIAL_FILES:
        item = res.item(cf.item)
        if e.points is not None and item.points != e.points:
            differ("điểm", _num(e.points), f"{_num(item.points)} ({item.rule or 'tổng hợp'}: {item.reason})")
        if e.rule is not None:
            got = item.rule if isinstance(e.rule, str) else [p.rule for p in item.parts]
            if got != e.rule:
                differ("nhánh", e.rule, got)
        for text in ([e.reason_contains] if isinstance(e.reason_contains, str) else e.reason_contains or []):
            if text not in item.reason:
                differ("lý do", f"chứa '{text}'", f"'{item.reason}'")
        if e.missing is not None and list(item.missing) != e.missing:
            differ("thiếu minh chứng", e.missing, list(item.missing))
        if e.applicability is not None:
            got = item.applicability["treatment"] if item.applicability is not None else "không khai báo"
            if got != e.applicability:
                differ("áp dụng", e.applicability, got)
        if e.parts is not None:
            every = {path: p.points for path, p in _part_paths(item)}
            got = {path: every.get(path, "không có phần này") for path in e.parts}  # the parts written
            if got != e.parts:
                differ("điểm các phần", {k: _num(v) for k, v in e.parts.items()},
                       {k: _num(v) if isinstance(v, Decimal) else v for k, v in got.items()})
    elif e.points is not None or e.rule is not None or e.missing is not None or e.parts is not None \
            or e.reason_contains is not None or e.applicability is not None:
        bad.append(f"{cf.item}.yaml không gắn với một nội dung: dùng expect.items thay cho points/rule/missing/parts")
    if e.pending is not None and [p["id"] for p in res.pending] != e.pending:
        differ("chờ thẩm định", e.pending, [p["id"] for p in res.pending])
    for iid, want in (e.items or {}).items():
        got = res.item(iid).points
        if got != want:
            differ(f"điểm {iid}", _num(want), f"{_num(got)} ({res.item(iid).reason})")
    for key in ("subtotal", "bonus", "deductions", "raw_total", "total"):
        want = getattr(e, key)
        if want is not None and getattr(res, key) != want:
            differ(key, _num(want), _num(getattr(res, key)))
    for key, field_ in (("applicable_max", "applicable_max"), ("rescaled", "rounded")):
        want = getattr(e, key)
        if want is not None:
            got = res.scale[field_] if res.scale is not None else None
            if got != want:
                differ(key, _num(want), _num(got))
    if e.grade is not None and res.grade.id not in _grade_names(pack, e.grade):
        differ("xếp loại", e.grade, f"{res.grade.label} (tổng {_num(res.total)})")
    if "capped_from" in e.model_fields_set:
        got = res.grade.capped_from
        if (e.capped_from is None) != (got is None) or (got is not None and got not in _grade_names(pack, e.capped_from)):
            differ("bị hạ từ mức", e.capped_from, got)
    if e.notices is not None:
        got = [w["code"] + (f":{w['rule']}" if "rule" in w else f":{w['owner']}" if "owner" in w else "")
               for w in res.warnings if w["code"] in ("ineligible", "date_cap", "result_cap", "quota", "applicability_unknown")]
        if got != e.notices:
            differ("điều kiện xếp loại", e.notices, got)
    if e.vetoes is not None:
        got = [v.id for v in res.grade.vetoes if v.holds]
        if got != e.vetoes:
            differ("điều kiện loại trừ đang áp dụng", e.vetoes, got)
    return bad


@pytest.mark.parametrize(("lf", "case"), _params())
def test_case(lf: Loaded, case: Optional[Case]):
    assert lf.error is None, lf.error
    bad = run_case(lf, case)
    if bad:
        raise CaseMismatch(f"{rel(lf.stem)}/{lf.path.name} › {case.name}\n  " + "\n  ".join(bad))


# -- the case files match their pack -----------------------------------------------------------
def pack_item_titles(stem: str) -> dict[str, str]:
    pack = pack_of(stem)
    return {item.id: item.title for _, item, _ in pack.items}


@pytest.mark.parametrize("stem", pack_stems())
def test_every_item_has_a_case_file(stem: str):
    files = {lf.path.stem for lf in case_files(stem)}
    items = set(pack_item_titles(stem))
    assert not items - files, f"nội dung chưa có tệp ca kiểm thử trong {rel(stem)}/: {sorted(items - files)}"
    assert not SPECIAL_FILES - files, f"thiếu {rel(stem)}/{{{','.join(sorted(SPECIAL_FILES - files))}}}.yaml"
    stray = files - items - SPECIAL_FILES
    assert not stray, f"tệp ca kiểm thử cho nội dung không có trong bộ tiêu chí: {sorted(stray)}"


@pytest.mark.parametrize("lf", [pytest.param(lf, id=f"{lf.stem}/{lf.path.stem}")
                                for stem in pack_stems() for lf in case_files(stem)])
def test_case_file_header(lf: Loaded):
    assert lf.error is None, lf.error
    cf = lf.data
    assert cf.item == lf.path.stem, f"{lf.path.name}: item '{cf.item}' phải trùng tên tệp"
    names = [c.name for c in cf.cases]
    assert len(names) == len(set(names)), f"{lf.path.name}: tên ca bị trùng: {sorted({n for n in names if names.count(n) > 1})}"
    empty = [c.name for c in cf.cases if not c.expect.model_fields_set]
    assert not empty, f"{lf.path.name}: ca không kiểm tra điều gì (expect rỗng): {empty}"
    if cf.item in SPECIAL_FILES:
        return
    assert cf.title == pack_item_titles(lf.stem)[cf.item], (
        f"{lf.path.name}: title khác tên nội dung trong bộ tiêu chí: '{pack_item_titles(lf.stem)[cf.item]}'")
    assert all(c.expect.points is not None for c in cf.cases), (
        f"{lf.path.name}: mỗi ca cần expect.points: {[c.name for c in cf.cases if c.expect.points is None]}")


# -- coverage of thresholds and deadlines ------------------------------------------------------
@dataclass
class Edge:
    """One boundary of a rule and the cases seen on each side of it."""

    uid: str
    label: str              # e.g. "≥ 95%" or "hạn 31/03"
    on: list[str] = field(default_factory=list)
    beyond: list[str] = field(default_factory=list)


def leaf_specs(stem: str):
    """(item id, leaf uid, raw YAML of the leaf) for every scored rule of the pack, parts included."""
    data = raw_pack(stem)
    items = [it for c in data.get("criteria", []) for it in c.get("items", [])]
    for sec in ("bonus", "deductions"):
        items += (data.get(sec) or {}).get("items", [])
    def leaves(spec: dict, uid: str):
        if spec.get("method") in ("sum", "best_of", "average"):   # parts at every level of nesting
            for part in spec["parts"]:
                yield from leaves(part, f"{uid}/{part['id']}")
        else:
            yield uid, spec

    for it in items:
        for uid, spec in leaves(it, it["id"]):
            yield it["id"], uid, spec


def _fact(data: dict, fid: str) -> Optional[FactValue]:
    if fid in data["facts"]:
        return FactValue.model_validate(data["facts"][fid])
    if fid == "ward.residential_groups" and data["ward"].get("residential_groups") is not None:
        return FactValue.model_validate(data["ward"]["residential_groups"])
    return None


def case_measure(on, kind: str, data: dict) -> Optional[tuple[Fraction, Fraction]]:
    """(value, step at the case's precision) of a tiers input in a case record; percent for rates."""
    if isinstance(on, dict):
        a, b = _fact(data, on["num"]), _fact(data, on["den"])
        if a is None or b is None or a.kind != "count" or b.kind != "count" or b.value == 0:
            return None
        return Fraction(100 * a.value, b.value), Fraction(100, b.value)
    fv = _fact(data, on)
    if fv is None or fv.kind not in ("count", "rate"):
        return None
    if fv.kind == "count":
        return Fraction(fv.value), Fraction(1)
    if fv.percent is not None:
        return Fraction(fv.percent), Fraction(1, 10 ** max(0, -fv.percent.as_tuple().exponent))
    if fv.den == 0:
        return None
    return Fraction(100 * fv.num, fv.den), Fraction(100, fv.den)


def tier_edges(stem: str, uid: str, spec: dict, cases: list[tuple[str, dict]]) -> list[Edge]:
    on = spec["on"]
    kind = "rate" if isinstance(on, dict) else raw_pack(stem)["vocabulary"]["facts"][on]["type"]
    unit = "%" if kind == "rate" else ""
    edges = []
    for tier in spec["tiers"]:
        for side in ("min", "max"):
            if side not in tier:
                continue
            t = Fraction(tier[side])
            edge = Edge(uid, f"{'≥' if side == 'min' else '≤'} {_num(Decimal(str(tier[side])))}{unit}")
            for name, data in cases:
                m = case_measure(on, kind, data)
                if m is None:
                    continue
                value, step = m
                if value == t:
                    edge.on.append(name)
                fine = kind == "count" or step <= FINE_RATE_STEP
                if side == "min" and value < t <= value + step and fine:
                    edge.beyond.append(name)
                if side == "max" and value - step <= t < value and fine:
                    edge.beyond.append(name)
            edges.append(edge)
    return edges


def deadline_edges(stem: str, uid: str, spec: dict, cases: list[tuple[str, dict]]) -> list[Edge]:
    params = raw_pack(stem).get("parameters", {})

    def spec_of(ref: str) -> DateSpec:
        return DateSpec.parse(params[ref]["date"] if ref in params else ref)

    bounds = [(spec_of(t["by"]), +1, f"hạn {t['by']} ({spec_of(t['by']).human()})") for t in spec.get("tiers", [])]
    if spec.get("not_after"):
        bounds.append((spec_of(spec["not_after"]), +1, f"không sau {spec_of(spec['not_after']).human()}"))
    if spec.get("not_before"):
        bounds.append((spec_of(spec["not_before"]), -1, f"không trước {spec_of(spec['not_before']).human()}"))
    edges = []
    for ds, direction, label in bounds:
        edge = Edge(uid, label)
        for name, data in cases:
            doc = next((d for d in data["documents"] if d["id"] == spec["document"]), None)
            raw = doc.get(spec.get("date", "issued_on")) if doc else None
            if raw is None:
                continue
            when = parse_date(raw) if isinstance(raw, str) else raw
            limit = ds.resolve(int(data["period"]["year"]), data["period"].get("quarter"))
            if when == limit:
                edge.on.append(name)
            if when == limit + timedelta(days=direction):
                edge.beyond.append(name)
        edges.append(edge)
    return edges


def edges_of(stem: str, item_id: str, uid: str, spec: dict, cases: list[tuple[str, dict]]) -> list[Edge]:
    if spec.get("method") == "tiers":
        return tier_edges(stem, uid, spec, cases)
    if spec.get("method") == "document_deadline":
        return deadline_edges(stem, uid, spec, cases)
    return []


def cases_for(stem: str, item_id: str) -> list[tuple[str, dict]]:
    for lf in case_files(stem):
        if lf.data is not None and lf.data.item == item_id:
            return [(c.name, record_data(lf.data, c)) for c in lf.data.cases]
    return []


def gaps(edges: list[Edge]) -> list[str]:
    out = []
    for e in edges:
        if not e.on:
            out.append(f"{e.uid} {e.label}: chưa có ca đúng bằng ngưỡng")
        if not e.beyond:
            out.append(f"{e.uid} {e.label}: chưa có ca ngay phía bên kia ngưỡng (sát nhất theo độ chính xác của ca)")
    return out


@pytest.mark.parametrize(("stem", "item_id", "uid", "spec"), [
    pytest.param(stem, item_id, uid, spec, id=f"{stem}/{uid}")
    for stem in pack_stems() for item_id, uid, spec in leaf_specs(stem)
    if spec.get("method") in ("tiers", "document_deadline")
])
def test_every_threshold_has_a_case_on_each_side(stem, item_id, uid, spec):
    edges = edges_of(stem, item_id, uid, spec, cases_for(stem, item_id))
    assert edges, f"{uid}: không đọc được ngưỡng nào từ bộ tiêu chí"
    missing = gaps(edges)
    assert not missing, f"{rel(stem)}/{item_id}.yaml:\n  " + "\n  ".join(missing)


def applicability_owners(stem: str) -> list[tuple[str, str]]:
    """(item id, where declared) for every criteria item under an `applies_if`, its own or its criterion's."""
    out = []
    for c in raw_pack(stem).get("criteria", []):
        for it in c.get("items", []):
            if "applies_if" in it:
                out.append((it["id"], it["id"]))
            elif "applies_if" in c:
                out.append((it["id"], c["id"]))
    return out


@pytest.mark.parametrize(("stem", "item_id", "owner"), [
    pytest.param(stem, item_id, owner, id=f"{stem}/{item_id}")
    for stem in pack_stems() for item_id, owner in applicability_owners(stem)
])
def test_every_applicability_has_a_case_for_both_outcomes(stem, item_id, owner):
    """An item that applies only to some units has a case where it applies and one where it does not."""
    lf = next(lf for lf in case_files(stem) if lf.data is not None and lf.data.item == item_id)
    seen = {c.expect.applicability for c in lf.data.cases}
    assert "scored" in seen, f"{rel(stem)}/{item_id}.yaml: cần một ca có expect.applicability: scored ({owner})"
    assert seen & {"exclude", "full"}, (f"{rel(stem)}/{item_id}.yaml: cần một ca đơn vị không thuộc diện áp dụng "
                                        f"(expect.applicability: exclude hoặc full) ({owner})")


def test_coverage_check_notices_a_missing_side():
    """The coverage test must be able to fail: drop TC5.4's just-below-95% case and it must object."""
    stem = "qd-1211-2022"
    spec = next(s for i, u, s in leaf_specs(stem) if u == "TC5.4")
    cases = cases_for(stem, "TC5.4")
    full = edges_of(stem, "TC5.4", "TC5.4", spec, cases)
    assert not gaps(full)
    at95 = next(e for e in full if e.label == "≥ 95%")
    reduced = [(n, d) for n, d in cases if n not in at95.beyond]
    assert any("≥ 95%" in g and "bên kia" in g for g in gaps(edges_of(stem, "TC5.4", "TC5.4", spec, reduced)))
    reduced = [(n, d) for n, d in cases if n not in at95.on]
    assert any("≥ 95%" in g and "đúng bằng" in g for g in gaps(edges_of(stem, "TC5.4", "TC5.4", spec, reduced)))
    grown = {**spec, "tiers": spec["tiers"] + [{"min": 50, "points": 1}]}   # a tier added without fixtures
    assert [g for g in gaps(edges_of(stem, "TC5.4", "TC5.4", grown, cases)) if "≥ 50%" in g] == [
        "TC5.4 ≥ 50%: chưa có ca đúng bằng ngưỡng",
        "TC5.4 ≥ 50%: chưa có ca ngay phía bên kia ngưỡng (sát nhất theo độ chính xác của ca)"]


def test_coarse_rate_is_not_just_below():
    """94% is one step below 95% at whole-percent precision, but too coarse to prove exactness."""
    stem = "qd-1211-2022"
    spec = next(s for i, u, s in leaf_specs(stem) if u == "TC5.4")
    data = {"ward": BASE_WARD, "period": BASE_PERIOD, "documents": []}
    coarse = [("p94", {**data, "facts": {"petitions.settled": {"percent": 94}}}),
              ("r18", {**data, "facts": {"petitions.settled": {"num": 18, "den": 19}}})]
    at95 = next(e for e in edges_of(stem, "TC5.4", "TC5.4", spec, coarse) if e.label == "≥ 95%")
    assert at95.beyond == []
    fine = [("p", {**data, "facts": {"petitions.settled": {"percent": Decimal("94.9")}}})]
    assert next(e for e in edges_of(stem, "TC5.4", "TC5.4", spec, fine) if e.label == "≥ 95%").beyond == ["p"]


def test_case_file_format_refuses_typos():
    """A misspelt key must not silently make a case assert nothing."""
    with pytest.raises(ValidationError):
        CaseFile.model_validate({"item": "TC5.4", "cases": [{"name": "x", "expect": {"point": 6}}]})
    with pytest.raises(ValidationError):
        CaseFile.model_validate({"item": "TC5.4", "cases": [{"name": "x", "fact": {}, "expect": {"points": 6}}]})


def test_the_record_in_the_rule_format_docs_is_scored_by_the_trial_pack(tmp_path):
    """docs/rule-format.md §12 shows an author a whole record; it must stay one the format accepts."""
    import re

    text = (HERE.parent.parent / "docs" / "rule-format.md").read_text(encoding="utf-8")
    section = text[text.index("## 12. Records"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    record = tmp_path / "ly-son.yaml"
    record.write_text(block, encoding="utf-8")   # read as `dvcq validate` reads a file (YAML 1.2)
    prep = api.check(record, pack_path("xa-2-cap-2026"))
    assert prep.checked.missing == []
    res = api.score(prep)
    assert res.item("TC2.2").points == Decimal("48.5") and [p["id"] for p in res.pending] == ["TC3.1"]
