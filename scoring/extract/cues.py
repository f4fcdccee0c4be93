"""A pack's extraction cues: per-pack data beside the pack, checked against it when read.

The cues name a pack's identifiers (`petitions.settled`, `plan.dvcq_annual`), so they belong to
the pack, not to the code: for `rules/<province>/<pack>.yaml` they live in
`rules/<province>/_extract/<pack>.cues.yaml`. The pack listing skips every path with a part starting
with "_" (packstore.pack_files), so this file is never taken for a pack.

Checked when read, every problem with file:line: the format, the pack id, each cue's fact (in
the pack's vocabulary, or `ward.*`), its reading, its confidence (0–1), and that its pattern
compiles once its slots are written out; each document rule's id, kinds and patterns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, Optional

from ..errors import PackError, Problem
from ..evidence import translate
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ..yamlio import LoadFailure, line_of, load_document
from .documents import DocRule
from .patterns import Cue, expand

FORMAT = "dvcq-extract/1"
FOLDER = "_extract"
Reads = Literal["count", "count_period", "frac_num", "frac_den", "frac", "pair", "pct", "checklist", "yes", "no",
                "none", "at_least_one", "two", "groups"]


class CueRow(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    fact: str
    pattern: str = Field(min_length=1)
    reads: Reads
    confidence: Decimal = Field(ge=0, le=1)
    require: Optional[str] = None
    exclude: Optional[str] = None
    prefer: Optional[str] = None
    note: Optional[str] = None


class DocRuleRow(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    kinds: list[str] = Field(min_length=1)
    all: list[str] = Field(min_length=1)
    none: list[str] = Field(default_factory=list)
    year_in_title: bool = True
    use_context: bool = False


class Uncited(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    pattern: str = Field(min_length=1)


class DocumentCues(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    plan: Optional[str] = None
    rules: list[DocRuleRow] = Field(default_factory=list)
    uncited: list[Uncited] = Field(default_factory=list)


class CueFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    format: Literal["dvcq-extract/1"]
    pack: str
    flow: list[str] = Field(default_factory=list)
    cues: list[CueRow] = Field(default_factory=list)
    documents: DocumentCues = Field(default_factory=DocumentCues)


@dataclass(frozen=True)
class CueSet:
    """What the extractor reads for one pack."""

    cues: tuple[Cue, ...] = ()
    flow: frozenset = frozenset()
    doc_rules: tuple[DocRule, ...] = ()
    uncited: tuple[tuple[str, str], ...] = ()
    plan_document: Optional[str] = None


def cue_path(pack_path: str | Path) -> Path:
    p = Path(pack_path)
    return p.parent / FOLDER / f"{p.stem}.cues.yaml"  # its own stem: never found by a search for the pack's


def load_cues(pack) -> CueSet:
    """The cues beside `pack` (a loaded Pack); none when the pack has no cue file."""
    path = cue_path(pack.path)
    if not path.is_file():
        return CueSet()
    try:
        data, lines = load_document(path, "tệp gợi ý trích xuất")
    except LoadFailure as exc:
        raise PackError([exc.problem])
    name = str(path)
    if not isinstance(data, dict):
        raise PackError.one("tệp gợi ý trích xuất phải là một bảng khóa: giá trị", file=name, line=1)
    try:
        cf = CueFile.model_validate(data)
    except ValidationError as exc:
        raise PackError(translate(exc, name, lines))
    problems = list(_check(cf, pack, name, lines))
    if problems:
        raise PackError(problems)
    return CueSet(
        cues=tuple(Cue(c.fact, c.pattern, c.reads, float(c.confidence), c.require, c.exclude, c.prefer, c.note) for c in cf.cues),
        flow=frozenset(cf.flow),
        doc_rules=tuple(DocRule(r.id, tuple(r.kinds), tuple(r.all), tuple(r.none), r.year_in_title, r.use_context)
                        for r in cf.documents.rules),
        uncited=tuple((u.id, u.pattern) for u in cf.documents.uncited),
        plan_document=cf.documents.plan,
    )


def _check(cf: CueFile, pack, name: str, lines):
    def problem(msg, *loc):
        return Problem(msg, file=name, line=line_of(lines, loc), field=".".join(str(x) for x in loc))

    if cf.pack != pack.id:
        yield problem(f"tệp gợi ý viết cho bộ tiêu chí '{cf.pack}', không phải '{pack.id}'", "pack")
    facts, docs = pack.vocabulary.facts, pack.vocabulary.documents
    for i, fid in enumerate(cf.flow):
        if fid not in facts:
            yield problem(f"mã số liệu '{fid}' không có trong vocabulary của {pack.id}", "flow", i)
    for i, c in enumerate(cf.cues):
        if c.fact not in facts and not c.fact.startswith("ward."):
            yield problem(f"mã số liệu '{c.fact}' không có trong vocabulary của {pack.id}", "cues", i, "fact")
        for key in ("pattern", "require", "exclude", "prefer"):
            bad = _regex_problem(getattr(c, key), template=key == "pattern")
            if bad:
                yield problem(bad, "cues", i, key)
    if cf.documents.plan is not None and cf.documents.plan not in docs:
        yield problem(f"mã văn bản '{cf.documents.plan}' không có trong vocabulary của {pack.id}", "documents", "plan")
    for i, r in enumerate(cf.documents.rules):
        if r.id not in docs:
            yield problem(f"mã văn bản '{r.id}' không có trong vocabulary của {pack.id}", "documents", "rules", i, "id")
        for key in ("all", "none"):
            for j, pat in enumerate(getattr(r, key)):
                bad = _regex_problem(pat)
                if bad:
                    yield problem(bad, "documents", "rules", i, key, j)
    for i, u in enumerate(cf.documents.uncited):
        if u.id not in docs:
            yield problem(f"mã văn bản '{u.id}' không có trong vocabulary của {pack.id}", "documents", "uncited", i, "id")
        bad = _regex_problem(u.pattern, template=True)
        if bad:
            yield problem(bad, "documents", "uncited", i, "pattern")


def _regex_problem(pattern: Optional[str], template: bool = False) -> Optional[str]:
    if pattern is None:
        return None
    try:
        re.compile(expand(pattern) if template else pattern, re.IGNORECASE)
    except re.error as exc:
        return f"biểu thức '{pattern[:60]}' không hợp lệ: {exc.msg} (vị trí {exc.pos})"
    return None
