"""Scoring every record of a folder: one task per record, in worker processes for large folders.

Each record is scored exactly as `dvcq score` (or `dvcq verify` when a review matches it) would
score it alone: its own pack in force for its period, its own review. A record that fails is
reported with its problems and never stops the others. Workers receive file paths and return
small picklable outcomes; results come back in input order, so the output does not depend on
which process finished first. Packs are compiled once per process (registry and engine caches).
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Optional

from ..errors import DvcqError, UsageError
from ..vietnamese import period_label

RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".ods", ".xls")  # .xls: refused with how to convert
REVIEW_MARK = ".review."       # `x.review.yaml` is a review, never a record
PARALLEL_FROM = 100            # below this, starting worker processes costs more than it saves
CHUNK = 64                     # records per message to and from a worker (fewer, larger messages)
GC_THRESHOLD = 20_000          # a worker's first-generation threshold (Python's default: 700)
MAX_JOBS = 4096                # --jobs above this is a typing slip, refused; any value is capped below
RESULT_SCHEMAS = (b'"dvcq-result/1"', b'"dvcq-batch/1"')


@dataclass
class Scored:
    """One record's scores, as the ranking needs them (picklable, no engine objects).

    `result` (the verified `Result` when reviewed, else the self one) is kept only when asked for
    (`run_batch(results=True)`, for the printed per-ward reports): it is the bulk of the data a
    worker sends back, and every other output needs only the totals."""

    file: str
    ward: str
    district: Optional[str]
    province: str
    period: tuple[int, Optional[int], Optional[int]]  # Period.key(): (year, quarter, half)
    status: str
    pack_path: str
    pack: dict
    evidence_sha256: str
    self_total: Decimal
    self_grade: tuple[str, str]
    total: Decimal                                   # verified total when reviewed, else self total
    grade: tuple[str, str]                           # (id, label) of that score, before batch rules
    review: Optional[dict] = None                    # {file, sha256, reviewer, reviewed_on}
    verified_total: Optional[Decimal] = None
    verified_grade: Optional[tuple[str, str]] = None
    moved: list[tuple[str, Decimal]] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    ineligible: list[dict] = field(default_factory=list)   # [{id, reason, missing, source}]
    moved_points: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (id, self, verified)
    result: Optional[object] = None
    review_keys: list = field(default_factory=list)  # the review bindings this record matched
    content_sha256: Optional[str] = None             # its content hash, when some review binds by content


@dataclass
class Failed:
    file: str
    problems: list[str]
    internal: bool = False
    review_keys: list = field(default_factory=list)  # reviews it matched (two of them: why it failed)


@dataclass(frozen=True)
class Task:
    path: str
    display: str
    review: Optional[str]
    rules: Optional[str]
    rules_dir: Optional[str]
    allow_other_province: bool
    keep_result: bool = False


def record_files(folder: Path, recursive: bool = False) -> list[Path]:
    """The folder's record files in name order (the order of `sorted` on their paths: one folder).

    Read with `os.scandir`, and sorted on the names rather than on `Path` objects (10,000 records:
    0.5 s of comparisons before). Anything named like a record is listed, whatever it is: a FIFO, a
    dangling symlink or a symlink to a device then fails with its reason instead of vanishing from
    the ranking. Sub-folders are not records, and dvcq's own outputs (`-o` into the folder: JSON
    results, ranking and official-table workbooks) are skipped, so a second run does not read the
    first one's output as a record.

    `recursive`: the sub-folders' records too (one folder per district under a province's), each
    folder's in name order after its parent's; hidden and '_' folders are left out."""
    if not folder.is_dir():
        raise UsageError.one("không phải thư mục hồ sơ", file=str(folder))
    with os.scandir(folder) as it:
        entries = list(it)
    names = sorted(e.name for e in entries
                   if _suffix(e.name).lower() in RECORD_SUFFIXES and REVIEW_MARK not in e.name
                   and not e.name.startswith((".", "_", "~$")) and not _is_dir(e))
    out = [folder / n for n in names if not is_dvcq_output(folder / n)]
    if recursive:
        subs = sorted(e.name for e in entries if _is_dir(e) and not e.is_symlink() and not e.name.startswith((".", "_")))
        for sub in subs:
            out += record_files(folder / sub, recursive=True)
    return out


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_dvcq_output(path: Path) -> bool:
    """A file dvcq wrote as an output: a JSON result, or a ranking or official-table workbook (its
    document properties carry the mark, `workbook.marker`; the evidence template does not)."""
    name = path.name.lower()
    if name.endswith(".json"):
        return is_dvcq_result(path)
    if name.endswith(".xlsx"):
        from ..workbook.marker import SKIPPED_BY_BATCH, output_kind

        return output_kind(path) in SKIPPED_BY_BATCH
    return False


def is_dvcq_result(path: Path) -> bool:
    """A JSON file dvcq wrote (a sealed result or a batch ranking): its first key is the schema."""
    from ..files import peek

    head = peek(path, 256)
    if not head:
        return False
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    head = head[1:].lstrip()
    if not head.startswith(b'"schema"'):
        return False
    value = head[len(b'"schema"'):].lstrip()
    return value.startswith(b":") and value[1:].lstrip().startswith(RESULT_SCHEMAS)


def _suffix(name: str) -> str:
    """`Path(name).suffix`, without making a Path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def review_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise UsageError.one("không phải thư mục tệp thẩm định", file=str(folder))
    return sorted(p for p in folder.iterdir()  # not only regular files: a FIFO is listed as failed, not skipped
                  if not p.is_dir() and p.suffix.lower() in (".yaml", ".yml", ".json") and not p.name.startswith((".", "_")))


def sha256_file(path: Path) -> Optional[str]:
    """The sha256 of a record's bytes (to match it with its review); None if it cannot be read, which
    scoring the record then reports."""
    from ..files import MAX_INPUT, Unreadable, read_bytes

    try:
        return hashlib.sha256(read_bytes(path, "tệp hồ sơ minh chứng", MAX_INPUT)).hexdigest()
    except Unreadable:
        return None


# The reviews of the running batch: binding ("record", content hash) | ("evidence", file hash) → review
# paths. Set in the parent for a serial run and in each worker by its initializer: a record is matched
# to its review where it is loaded anyway, so the content hash costs no second parse.
_REVIEWS: dict = {}


def _match_review(ev, display: str):
    """(review path or None, the bindings it matched, the record's content hash or None); a Failed
    when two reviews match one record."""
    kinds = {kind for kind, _ in _REVIEWS}
    keys, content = [], None
    if "record" in kinds:
        from ..canonical import record_sha256

        content = record_sha256(ev)
        keys.append(("record", content))
    if "evidence" in kinds:
        keys.append(("evidence", ev.sha256))
    hits = [(k, p) for k in keys for p in _REVIEWS.get(k, [])]
    matched = sorted({k for k, _ in hits})
    if len(hits) > 1:
        return Failed(display, [f"{display}: có {len(hits)} tệp thẩm định cho cùng hồ sơ này: "
                                + ", ".join(Path(p).name for _, p in hits) + " — chỉ giữ một"],
                      review_keys=matched), matched, content
    return (hits[0][1] if hits else None), matched, content


def score_task(task: Task):
    """Score one record (and its review); every failure becomes a `Failed`, never an exception."""
    try:
        return _score(task)
    except DvcqError as exc:
        return Failed(task.display, [p.render() for p in exc.problems] or [str(exc)])
    except ImportError as exc:
        if task.path.lower().endswith((".xlsx", ".ods")):  # the optional workbook reader is not installed
            return Failed(task.display, [f"{task.display}: chưa đọc được tệp Excel ở bản cài đặt này ({exc})"])
        return Failed(task.display, [f"lỗi nội bộ ({type(exc).__name__}): {exc}"], internal=True)
    except Exception as exc:  # our bug: keep going, but say so and make the run fail
        return Failed(task.display, [f"lỗi nội bộ ({type(exc).__name__}): {exc}"], internal=True)


_summaries: dict = {}     # (sha256, file) → the one pack summary dict this process sends


def _score(task: Task):
    """Load the record, find its review (`_REVIEWS`), score it. A failure after a review matched
    names the review's binding, so the review is not also listed as unmatched."""
    from .. import api

    try:
        ev = api.load_record(task.path)
    except DvcqError as exc:
        keys = [k for k in [("evidence", sha256_file(Path(task.path)))] if k in _REVIEWS]
        return Failed(task.display, [p.render() for p in exc.problems] or [str(exc)], review_keys=keys)
    review, matched, content = task.review, [], None
    if review is None and _REVIEWS:
        review, matched, content = _match_review(ev, task.display)
        if isinstance(review, Failed):
            return review
    try:
        return _score_loaded(task, ev, review, matched, content)
    except DvcqError as exc:
        return Failed(task.display, [p.render() for p in exc.problems] or [str(exc)], review_keys=matched)


def _score_loaded(task: Task, ev, review: Optional[str], matched: list, content: Optional[str]):
    from .. import api

    prep = api.check(ev, task.rules, allow_other_province=task.allow_other_province, rules_dir=task.rules_dir,
                     decide_applicability=False)  # scored below: the check's missing list is not read
    pack = prep.pack
    own = api.score(prep)
    rec = ev.record
    # One summary object for every record of a pack: pickled once per message, not once per record.
    summary = _summaries.setdefault((own.pack.get("sha256"), own.pack.get("file")), own.pack)
    out = Scored(task.display, rec.ward.name, rec.ward.district, rec.ward.province,
                 rec.period.key(), rec.status, pack.path, summary, ev.sha256,
                 own.total, (own.grade.id, own.grade.label), own.total, (own.grade.id, own.grade.label),
                 missing_evidence=list(own.missing_evidence), pending=[p["id"] for p in own.pending],
                 review_keys=matched, content_sha256=content)
    final_record, final_result = rec, own
    if review:
        from ..review.model import load_review

        rv = load_review(review)
        v = api.verify(prep, rv, self_result=own)
        r = v.verified
        out.review = {"file": Path(review).name, "sha256": rv.sha256, "reviewer": rv.head.reviewer.unit,
                      "reviewed_on": rv.head.reviewed_on.isoformat()}
        out.verified_total, out.verified_grade = r.total, (r.grade.id, r.grade.label)
        out.total, out.grade = r.total, (r.grade.id, r.grade.label)
        out.moved = [(c.id, c.delta) for c in v.moved()]
        out.moved_points = [(c.id, c.self_points, c.verified_points) for c in v.moved()]
        out.missing_evidence = list(r.missing_evidence)
        out.pending = [p["id"] for p in r.pending]
        final_record, final_result = v.evidence.record, r
    rules = pack.data.batch
    if rules is not None:
        for rule in rules.ineligible:
            missing = rule.missing(final_record)
            if missing:
                out.ineligible.append({"id": rule.id, "reason": rule.reason, "missing": missing, "source": rule.source})
    for w in final_result.warnings:  # the pack's eligibility rules on dates, as score and verify show them
        if w["code"] == "ineligible":
            out.ineligible.append({"id": w["rule"], "reason": w["reason"],
                                   "missing": [] if "when" in w or w["given"] else [w["document"]],
                                   "source": w["source"]})
    if task.keep_result:
        out.result = final_result.materialize()  # plain text only: it may cross to the parent process
    return out


def run_tasks(tasks: list[Task], jobs: int, progress: Optional[Callable[[int], None]] = None,
              reviews: Optional[dict] = None) -> list:
    """Outcomes in task order. `jobs` > 1 and a large folder: worker processes. `reviews`: the
    bindings → review paths each record is matched against where it is loaded (see `_REVIEWS`).

    Forked on Linux: a worker starts in milliseconds with the modules already imported, and the
    parent holds no thread or engine session at that moment (the engine never starts threads, and
    each evaluation deletes its session). Elsewhere spawned, which re-imports the main module."""
    shared: dict = {}
    jobs = max(1, min(jobs, default_jobs(), len(tasks)))  # more workers than CPUs or records only cost
    reviews = reviews or {}
    if jobs <= 1 or len(tasks) < PARALLEL_FROM:
        out = []
        _REVIEWS.clear()
        _REVIEWS.update(reviews)
        try:
            for t in tasks:
                out.append(_compact(score_task(t), shared))
                if progress:
                    progress(1)
        finally:
            _REVIEWS.clear()
        return out
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    chunk = max(1, min(CHUNK, len(tasks) // (jobs * 8)))
    out = []
    with ctx.Pool(processes=jobs, initializer=_worker_start, initargs=(reviews,)) as pool:
        for res in pool.imap(score_task, tasks, chunksize=chunk):
            out.append(_compact(res, shared))
            if progress:
                progress(1)
    return out


def _worker_start(reviews: Optional[dict] = None) -> None:
    """A worker's garbage collector: what it inherited (the modules, and the pack when forked) is
    frozen out of every collection, and young collections run less often. Scoring a record makes
    thousands of short-lived containers and few cycles; the default thresholds spent a tenth of a
    worker's time collecting. Also the reviews of the run, to match each record to its own."""
    _REVIEWS.clear()
    _REVIEWS.update(reviews or {})
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)


def _compact(res, shared: dict):
    """Keep one copy of what every outcome repeats (the pack summary, identifiers, unit names).

    Each outcome arrives from a worker as its own unpickled objects: 10,000 records held 10,000
    copies of the pack summary and ~300,000 identifier strings, 40 MB the ranking never needed.
    """
    if isinstance(res, Scored):
        key = (res.pack.get("sha256"), res.pack.get("file"))
        res.pack = shared.setdefault(key, res.pack)
        res.missing_evidence = [sys.intern(x) for x in res.missing_evidence]
        res.pending = [sys.intern(x) for x in res.pending]
        res.moved = [(sys.intern(i), d) for i, d in res.moved]
        for name in ("district", "province", "status", "pack_path"):
            v = getattr(res, name)
            if isinstance(v, str):
                setattr(res, name, sys.intern(v))
    return res


def default_jobs() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:
        n = os.cpu_count() or 1
    return max(1, n)


def progress_bar(total: int):
    """A progress bar on stderr for a person watching a terminal; nothing at all otherwise."""
    import click

    if total < 2 or not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label="Đang chấm", file=sys.stderr, show_pos=True, show_eta=True)


def run_batch(folder: Path, reviews: Optional[Path] = None, rules: Optional[str] = None,
              rules_dir: Optional[str] = None, allow_other_province: bool = False, jobs: Optional[int] = None,
              progress: Optional[Callable[[int], None]] = None, results: bool = False,
              files: Optional[list[Path]] = None):
    """Score a folder and rank it: a `ranking.BatchResult`. Only a missing or empty folder raises.

    `results`: keep each record's scoring `Result` on its `Scored` (for the per-ward printed reports).
    `files`: `record_files(folder)` when the caller has listed it already."""
    from ..packstore import norm
    from ..review.model import load_review
    from .ranking import build

    files = record_files(folder) if files is None else files
    if not files:
        raise UsageError.one("thư mục không có hồ sơ nào (.yaml, .yml, .json, .xlsx, .ods)", file=str(folder),
                             hint="tệp *.review.* là tệp thẩm định, không phải hồ sơ")
    failed: list[Failed] = []
    by_sha: dict[tuple[str, str], list] = {}   # ("record", content hash) | ("evidence", file hash) → reviews
    if reviews is not None:
        for rp in review_files(reviews):
            try:
                rv = load_review(rp)
            except DvcqError as exc:
                failed.append(Failed(f"{rp.name} (tệp thẩm định)", [p.render() for p in exc.problems]))
                continue
            by_sha.setdefault(rv.head.review_of.binding, []).append(rv)
    tasks = [Task(str(f), f.name, None, rules, rules_dir, allow_other_province, results) for f in files]
    outcomes = run_tasks(tasks, jobs if jobs is not None else default_jobs(), progress,
                         {k: [rv.path for rv in rvs] for k, rvs in by_sha.items()})
    scored = [o for o in outcomes if isinstance(o, Scored)]
    failed += [o for o in outcomes if isinstance(o, Failed)]
    used = {k for o in outcomes for k in o.review_keys}
    content = {s.file: s.content_sha256 for s in scored if s.content_sha256}  # for the stale-review message

    # One unit, one record: two files for the same ward and period would be ranked twice.
    units: dict[tuple, list[Scored]] = {}
    for s in scored:
        units.setdefault((norm(s.ward), norm(s.district or ""), s.period), []).append(s)
    dup = {id(s) for group in units.values() if len(group) > 1 for s in group}
    for group in units.values():
        if len(group) > 1:
            names = ", ".join(s.file for s in group)
            for s in group:
                failed.append(Failed(s.file, [f"{s.file}: {s.ward} ({period_label(s.period, 'bare')}) có nhiều hồ sơ trong thư mục: {names}"
                                              " — chỉ để lại một"]))
    scored = [s for s in scored if id(s) not in dup]

    # A review whose record is not in the folder (by content, or byte for byte for an older review):
    # stale (the record changed) or stray.
    unmatched = []
    stale: set[int] = set()
    for key, rvs in sorted(by_sha.items()):
        if key in used:
            continue
        kind, sha = key
        label = "mã nội dung" if kind == "record" else "sha256"
        for rv in rvs:
            of = rv.head.review_of
            hits = [s for s in scored if s.review is None and norm(s.ward) == norm(of.ward)
                    and s.period == of.period.key()]
            for s in hits:
                stale.add(id(s))
                now = content.get(s.file, "?") if kind == "record" else s.evidence_sha256
                failed.append(Failed(s.file, [
                    f"{Path(rv.path).name}: tệp thẩm định lập cho một phiên bản khác của hồ sơ {s.file} "
                    f"({label} {sha[:12]}…, hồ sơ hiện tại {now[:12]}…): hồ sơ đã thay đổi sau khi "
                    "thẩm định — thẩm định lại hoặc dùng đúng tệp đã thẩm định"]))
            if not hits:
                unmatched.append({"file": Path(rv.path).name, "ward": of.ward,
                                  "period": of.period.fields(),
                                  f"{kind}_sha256": sha})
    scored = [s for s in scored if id(s) not in stale]
    return build(scored, failed, unmatched)
