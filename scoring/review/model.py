"""The review file (tệp thẩm định): what a district found on one ward's record, each with a reason.

Read with the same strict loader as evidence (line numbers, exact decimals, NFC text) and checked
here for shape only; whether each finding fits the record and the pack is `apply.py`'s job.
Findings are parsed by hand rather than as a pydantic union so that a mistake names the finding
by its number and identifier, which is how a reviewer finds it in a long file.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import DvcqError, Problem, did_you_mean
from ..evidence import FactValue, Period, parse_date, translate
from ..yamlio import LoadFailure, line_of, load_document_hashed

SHA256 = re.compile(r"^[0-9a-f]{64}$")
KINDS = ("fact", "document", "item")
KIND_LABEL = {"fact": "số liệu", "document": "văn bản", "item": "nội dung"}
FINDING_KEYS = {
    "fact": {"fact", "verified", "accepted", "reason", "source"},
    "document": {"document", "accepted", "reason", "source"},
    "item": {"item", "points", "reason", "source"},
}


class ReviewError(DvcqError):
    """A review file that is unreadable, malformed, or does not fit its record (exit 2)."""


class ReviewOf(BaseModel):
    """Which record the review is of. `record_sha256` binds it to the record's content
    (scoring/canonical.py: a comment or a re-saved workbook keeps it); `evidence_sha256`, the older
    form, to the file's exact bytes. When both are given the content hash decides."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    ward: str = Field(min_length=1)
    period: Period
    record_sha256: Optional[str] = None
    evidence_sha256: Optional[str] = None

    @field_validator("record_sha256", mode="before")
    @classmethod
    def _record(cls, v):
        if not isinstance(v, str) or not SHA256.match(v.strip().lower()):
            raise ValueError("phải là mã nội dung hồ sơ (64 ký tự hex: evidence.record_sha256 trong kết quả "
                             "dvcq score --format json)")
        return v.strip().lower()

    @field_validator("evidence_sha256", mode="before")
    @classmethod
    def _sha(cls, v):
        if not isinstance(v, str) or not SHA256.match(v.strip().lower()):
            raise ValueError("phải là mã sha256 của tệp hồ sơ (64 ký tự hex, lấy bằng sha256sum)")
        return v.strip().lower()

    @model_validator(mode="after")
    def _bound(self):
        if self.record_sha256 is None and self.evidence_sha256 is None:
            raise ValueError("thiếu record_sha256 (mã nội dung hồ sơ: evidence.record_sha256 trong kết quả "
                             "dvcq score --format json)")
        return self

    @property
    def binding(self) -> tuple[str, str]:
        """("record", content hash) or, for an older review, ("evidence", file hash)."""
        return ("record", self.record_sha256) if self.record_sha256 else ("evidence", self.evidence_sha256)


class Reviewer(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    unit: str = Field(min_length=1)
    name: Optional[str] = None
    title: Optional[str] = None


class ReviewHead(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    schema_: Optional[str] = Field(default=None, alias="schema")
    review_of: ReviewOf
    reviewer: Reviewer
    reviewed_on: date
    findings: list[Any] = []
    note: Optional[str] = None

    _date = field_validator("reviewed_on", mode="before")(classmethod(lambda cls, v: parse_date(v)))

    @field_validator("findings", mode="before")
    @classmethod
    def _none(cls, v):
        return [] if v is None else v


@dataclass
class Finding:
    """One finding. `number` is 1-based, as a reviewer counts them in the file."""

    number: int
    kind: str                        # fact | document | item
    ident: str
    reason: str
    line: Optional[int] = None
    source: Optional[str] = None
    verified: Optional[FactValue] = None   # fact: the value the district accepts
    accepted: Optional[bool] = None        # fact/document: False rejects it
    points: Optional[Decimal] = None       # item: points reserved to the verifier

    def label(self) -> str:
        return f"kết luận #{self.number} ({KIND_LABEL[self.kind]} {self.ident})"

    def to_json(self) -> dict:
        out: dict[str, Any] = {"number": self.number, "kind": self.kind, "id": self.ident}
        if self.verified is not None:
            out["verified"] = self.verified.written()
        if self.accepted is not None:
            out["accepted"] = self.accepted
        if self.points is not None:
            out["points"] = self.points
        out["reason"] = self.reason
        if self.source:
            out["source"] = self.source
        return out


@dataclass
class LoadedReview:
    path: str
    sha256: str
    head: ReviewHead
    findings: list[Finding]
    lines: dict

    def line(self, *loc) -> Optional[int]:
        return line_of(self.lines, loc)

    def summary(self) -> dict:
        """What a result records about the review (its hash binds the result to this exact file)."""
        h = self.head
        return {
            "file": Path(self.path).name,
            "sha256": self.sha256,
            "review_of": {"ward": h.review_of.ward,
                          "period": h.review_of.period.fields(),
                          **({"record_sha256": h.review_of.record_sha256} if h.review_of.record_sha256 else {}),
                          **({"evidence_sha256": h.review_of.evidence_sha256} if h.review_of.evidence_sha256 else {})},
            "reviewer": {"unit": h.reviewer.unit, "name": h.reviewer.name, "title": h.reviewer.title},
            "reviewed_on": h.reviewed_on.isoformat(),
        }


def load_review(path: str | Path) -> LoadedReview:
    """Read and shape-check a review file; ReviewError lists every problem with file:line."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        return _load_form(p)
    try:
        data, lines, sha256 = load_document_hashed(p, "tệp thẩm định")
    except LoadFailure as exc:
        raise ReviewError([exc.problem])
    return review_from_data(data, str(p), lines, sha256)


def _load_form(p: Path) -> LoadedReview:
    """The Excel form of `dvcq review new`, read into the data a YAML review holds and checked the same
    way; a problem names the form's row instead of a line."""
    import hashlib

    from ..files import MAX_INPUT, read_bytes
    from .skeleton import form_data, read_form

    raw = read_bytes(p, "tệp thẩm định", MAX_INPUT, ReviewError)
    data, where = form_data(read_form(raw, str(p)))
    try:
        return review_from_data(data, str(p), {}, hashlib.sha256(raw).hexdigest())
    except ReviewError as exc:
        for pr in exc.problems:
            m = re.match(r"kết luận #(\d+)", pr.message)
            if m and int(m.group(1)) - 1 in where:
                pr.file = f"{p}, trang 'Thẩm định', {where[int(m.group(1)) - 1]}"
        raise


def review_from_data(data: Any, name: str, lines: dict, sha256: str) -> LoadedReview:
    """Validate a review's data (from YAML, JSON or the Excel form): every problem, with its place."""
    if not isinstance(data, dict):
        raise ReviewError.one("tệp thẩm định phải là một bảng khóa: giá trị (review_of, reviewer, reviewed_on, findings)",
                              file=name, line=1)
    try:
        head = ReviewHead.model_validate(data)
    except ValidationError as exc:
        problems = translate(exc, name, lines)
        for pr, err in zip(problems, exc.errors(include_url=False)):
            if err["type"] == "extra_forbidden":  # translate's hints know evidence fields, not ours
                pr.hint = did_you_mean(str(err["loc"][-1]), _fields_for(err["loc"][:-1]))
        raise ReviewError(problems)
    problems: list[Problem] = []
    findings = [f for i, raw in enumerate(head.findings) if (f := _finding(i, raw, name, lines, problems))]
    if problems:
        raise ReviewError(problems)
    return LoadedReview(name, sha256, head, findings, lines)


def _fields_for(loc: tuple) -> set[str]:
    models = {(): ReviewHead, ("review_of",): ReviewOf, ("reviewer",): Reviewer, ("review_of", "period"): Period}
    model = models.get(tuple(loc), ReviewHead)
    return {(f.alias or n) for n, f in model.model_fields.items()}


def _finding(i: int, raw: Any, file: str, lines: dict, problems: list[Problem]) -> Optional[Finding]:
    n = i + 1
    line = line_of(lines, ("findings", i))

    def bad(msg, key=None, hint=None, who=f"kết luận #{n}"):
        problems.append(Problem(f"{who}: {msg}", file=file, line=line_of(lines, ("findings", i, key)) if key else line,
                                hint=hint))

    if not isinstance(raw, dict):
        bad("phải là một bảng khóa: giá trị, vd. {fact: petitions.settled, verified: {num: 14, den: 16}, reason: \"…\"}")
        return None
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) != 1:
        bad("cần đúng một trong các khóa fact (số liệu), document (văn bản), item (nội dung)"
            + (f"; đang có {', '.join(kinds)}" if kinds else ""))
        return None
    kind = kinds[0]
    ident = raw[kind]
    if not isinstance(ident, str) or not ident.strip():
        bad(f"'{kind}' phải là một mã (vd. petitions.settled, TC6.2)", kind)
        return None
    ident = ident.strip()
    who = f"kết luận #{n} ({KIND_LABEL[kind]} {ident})"
    before = len(problems)
    for key in raw:
        if key not in FINDING_KEYS[kind]:
            bad(f"khóa '{key}' không dùng được với kết luận về {KIND_LABEL[kind]}", key,
                did_you_mean(str(key), FINDING_KEYS[kind]), who)
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        bad("thiếu lý do (reason): mỗi kết luận thẩm định phải nêu lý do", "reason" if "reason" in raw else None, who=who)
    source = raw.get("source")
    if source is not None and not isinstance(source, str):
        bad("'source' phải là chuỗi văn bản", "source", who=who)
    accepted = raw.get("accepted")
    if "accepted" in raw and not isinstance(accepted, bool):
        bad(f"'accepted' phải là true hoặc false (nhận được {accepted!r})", "accepted", who=who)
    f = Finding(n, kind, ident, reason.strip() if isinstance(reason, str) else "", line,
                source if isinstance(source, str) else None, accepted=accepted if isinstance(accepted, bool) else None)
    if kind == "fact":
        if "verified" in raw:
            if accepted is False:
                bad("không thể vừa bác bỏ (accepted: false) vừa ghi giá trị thẩm định (verified)", "verified", who=who)
            try:
                f.verified = FactValue.model_validate(raw["verified"])
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    msg = str(err.get("ctx", {}).get("error", err["msg"])) if err["type"] == "value_error" else err["msg"]
                    bad(f"giá trị thẩm định không hợp lệ: {msg}", "verified", who=who)
        elif accepted is not False:
            bad("cần 'verified' (giá trị cấp thẩm định công nhận) hoặc 'accepted: false' (không công nhận số liệu)",
                who=who)
    elif kind == "document":
        if "accepted" not in raw:
            bad("cần 'accepted: true' (công nhận) hoặc 'accepted: false' (không công nhận văn bản)", who=who)
    else:
        pts = raw.get("points")
        if "points" not in raw:
            bad("cần 'points' (số điểm cấp thẩm định cho)", who=who)
        elif isinstance(pts, bool) or not isinstance(pts, (int, Decimal)) or not Decimal(pts).is_finite():
            bad(f"'points' phải là một số (nhận được {pts!r})", "points", who=who)
        else:
            f.points = Decimal(pts)
    return f if len(problems) == before else None
