"""The rule store: which packs exist, and the one in force for a record's province and period.

Each pack file under the rules folder is read once into an index entry (id, province, dates,
status, replaces, path, sha256) from its `pack:` section alone; a pack is bound, linted and
compiled only when a command chooses it. A file that cannot be read or whose `pack:` section is
wrong is kept in the index as broken, with its error: `dvcq rules list` shows it, every other pack
still works. Entries are re-read when a file's size or modification time changes, and full packs
are kept by (path, sha256), so an edited pack takes effect at once, even in a long-running server.

The process's store is `STORE`; `reset()` forgets everything (tests, a server reloading packs).
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Optional

from .errors import PackError, Problem, UsageError, did_you_mean
from .evidence import LoadedEvidence, translate
from .pack import PACK_ID_PATTERN, Meta, Pack, pack_fields_at, read_pack_document, section_hint
from .yamlio import LoadFailure, load_text, read_hashed
from .units import province_hint, province_key, province_phrase
from .vietnamese import status_label
from .packload import load_parsed
from pydantic import ValidationError

ENV = "DVCQ_RULES"
PACK_ID = re.compile(PACK_ID_PATTERN)
SHIPPED = Path(__file__).resolve().parent / "rules"  # package data: installed with dvcq


def rules_dir() -> Path:
    """`$DVCQ_RULES`, else the packs shipped inside the package (`scoring/rules/`)."""
    env = os.environ.get(ENV)
    return Path(env) if env else SHIPPED


def norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


EXAMPLES = "examples"  # a folder of worked examples (status `example`): read by listings and --rules only


def pack_files(directory: Optional[Path] = None, examples: bool = True) -> list[Path]:
    """The pack files of a rules folder. Folders and files whose name starts with "_" are not packs
    (extract's cue tables). `examples=False` leaves out the `examples/` folder: choosing the pack
    for a real record never takes an example, so it need not read them — every file read there is
    paid by every `dvcq score`."""
    d = directory or rules_dir()
    if not d.is_dir():
        return []
    out = []
    for p in d.rglob("*.yaml"):
        parts = p.relative_to(d).parts
        if any(part.startswith("_") for part in parts) or (not examples and parts[0] == EXAMPLES):
            continue
        out.append(p)
    return sorted(out)


@dataclass(frozen=True)
class Entry:
    """One pack file of the index: its metadata, or the problems that make it unusable."""

    path: str
    sha256: Optional[str]
    meta: Optional[Meta] = None
    problems: tuple[Problem, ...] = ()
    parsed: Any = field(default=None, repr=False, compare=False)  # (data, lines): reused by the full load

    @property
    def broken(self) -> bool:
        return self.meta is None

    @property
    def id(self) -> Optional[str]:
        return self.meta.id if self.meta else None

    @property
    def province(self) -> Optional[str]:
        return self.meta.jurisdiction["province"] if self.meta else None


def read_entry(path: Path, whole: bool = False) -> Entry:
    """The index entry of one pack file, from its `pack:` section.

    A pack file opens with its `pack:` section (every shipped pack and example does): only those
    lines are parsed, by the same strict loader, so choosing the pack for a record does not parse
    every other pack of the folder in full. A file laid out otherwise, or whose head does not parse
    on its own, is parsed whole, as before; either way the chosen pack is parsed whole when loaded."""
    name = str(path)
    try:
        text, sha256 = read_hashed(path, "tệp bộ tiêu chí")
    except LoadFailure as exc:
        return Entry(name, None, problems=(exc.problem,))
    head = None if whole or path.suffix.lower() == ".json" else _pack_head(text)
    if head is not None:
        try:
            data, lines = load_text(head, name, "tệp bộ tiêu chí")
        except LoadFailure:
            data = None  # parsed whole below, where the problem is reported with the whole file
        section = data.get("pack") if isinstance(data, dict) else None
        if isinstance(section, dict):
            try:
                return Entry(name, sha256, Meta.model_validate(section))
            except ValidationError:
                pass  # reported from the whole file below, with its lines
    try:
        data, lines = load_text(text, name, "tệp bộ tiêu chí", json=path.suffix.lower() == ".json")
    except LoadFailure as exc:
        return Entry(name, None, problems=(exc.problem,))
    section = data.get("pack") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return Entry(name, sha256, problems=(Problem("tệp bộ tiêu chí thiếu phần 'pack' (mã, tỉnh, hiệu lực)",
                                                     file=name, line=1, field="pack"),))
    try:
        meta = Meta.model_validate(section)
    except ValidationError as exc:
        return Entry(name, sha256, problems=tuple(translate(exc, name, lines, code="P013", hint_of=section_hint,
                                                            fields=pack_fields_at, within=("pack",))))
    return Entry(name, sha256, meta, parsed=(data, lines))


_TOP_KEY = re.compile(r"^(?:[^\s#-]|-(?!\s))")  # a line at column 0 that is not a comment or a list item


def _pack_head(text: str) -> Optional[str]:
    """The file's lines up to the end of its `pack:` section, or None when other than one-line keys
    (`format: dvcq-pack/1`) stand before it. Comments and those keys are kept, so line numbers stay
    those of the file."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#") or line.strip() == "---" or line[0] in " \t":
            i += 1
            continue
        if re.match(r"^pack:\s*(#.*)?$", line):
            break
        if not re.match(r"^[A-Za-z_][\w.-]*:\s+[^\s#|>&*!{\[]", line):
            return None  # a section with a block value before `pack:`: read the whole file
        i += 1
    if i == len(lines):
        return None
    j = i + 1
    while j < len(lines) and not _TOP_KEY.match(lines[j]):
        j += 1
    return "\n".join(lines[:j]) + "\n"


@dataclass
class Index:
    """The entries of one rules folder, and what is wrong between them (replaces)."""

    directory: Path
    entries: list[Entry]

    @property
    def usable(self) -> list[Entry]:
        return [e for e in self.entries if not e.broken]

    def successor(self, entry: Entry) -> Optional[Entry]:
        """The pack of the same province that names `entry` in `replaces` (the earliest, if several)."""
        later = [e for e in self.usable if e.meta.replaces == entry.id and e.id != entry.id
                 and province_key(e.province) == province_key(entry.province)
                 and (e.meta.status != "example" or entry.meta.status == "example")]  # an example ends no real pack
        return min(later, key=lambda e: (e.meta.effective_from, e.id)) if later else None

    def end(self, entry: Entry) -> Optional[date]:
        """The last day `entry` governs: its `effective_to`, or the day before its successor starts
        (a decision that replaces another ends it), whichever comes first; None when open-ended."""
        ends = [entry.meta.effective_to] if entry.meta.effective_to else []
        nxt = self.successor(entry)
        if nxt is not None:
            ends.append(nxt.meta.effective_from - timedelta(days=1))
        return min(ends) if ends else None

    def in_force_on(self, entry: Entry, when: date) -> bool:
        end = self.end(entry)
        return entry.meta.effective_from <= when and (end is None or when <= end)

    def range_label(self, entry: Entry) -> str:
        end = self.end(entry)
        return f"{entry.meta.effective_from:%d/%m/%Y} – {end:%d/%m/%Y}" if end else \
            f"{entry.meta.effective_from:%d/%m/%Y} – nay"

    def overlaps(self, only: Optional[Entry] = None) -> list[Problem]:
        """Warnings: two packs of one province that govern the same kind of unit and period kind on
        the same day (neither ends the other by `effective_to` or `replaces`). Example packs never
        govern a real record, so they overlap nothing. `only`: the pairs that include that entry."""
        out: list[Problem] = []
        real = [e for e in self.usable if e.meta.status != "example"]
        for i, a in enumerate(real):
            for b in real[i + 1:]:
                if only is not None and only not in (a, b):
                    continue
                if province_key(a.province) != province_key(b.province) or a.meta.period_kind != b.meta.period_kind:
                    continue
                if not set(a.meta.applies_to) & set(b.meta.applies_to):
                    continue
                start = max(a.meta.effective_from, b.meta.effective_from)
                ends = [x for x in (self.end(a), self.end(b)) if x is not None]
                if ends and min(ends) < start:
                    continue
                first, second = sorted((a, b), key=lambda e: (e.meta.effective_from, e.id))
                out.append(Problem(
                    f"bộ tiêu chí {first.id} ({self.range_label(first)}) và {second.id} ({self.range_label(second)}) "
                    f"của {province_phrase(first.province)} cùng có hiệu lực từ {start:%d/%m/%Y}",
                    file=second.path, field="pack.replaces",
                    hint=f"ghi 'replaces: {first.id}' ở bộ mới hoặc 'effective_to' ở bộ cũ", code="W104"))
        return out

    def nearest(self, entries: list[Entry], when: date, count: int = 2) -> list[Entry]:
        """The packs whose period is closest to `when` (days from `when` to their range), nearest first."""
        def distance(e: Entry) -> int:
            end = self.end(e)
            if when < e.meta.effective_from:
                return (e.meta.effective_from - when).days
            return (when - end).days if end is not None and when > end else 0
        return sorted(entries, key=lambda e: (distance(e), e.meta.effective_from, e.id))[:count]

    def problems(self) -> tuple[list[Problem], list[Problem]]:
        """(errors, warnings): broken files, duplicate ids and `replaces` cycles are errors; a
        `replaces` naming a pack this folder does not hold is a warning (the old decision need not
        be installed)."""
        errors = [p for e in self.entries for p in e.problems]
        warnings: list[Problem] = []
        by_id: dict[str, Entry] = {}
        for e in self.usable:
            if e.id in by_id:  # `rules show ID` and `replaces` could not tell which one is meant
                errors.append(Problem(f"mã bộ tiêu chí '{e.id}' trùng với {by_id[e.id].path}", file=e.path,
                                      field="pack.id"))
            by_id.setdefault(e.id, e)
        for e in self.usable:
            r = e.meta.replaces
            if r is not None and r.strip() != e.id and r not in by_id:
                warnings.append(Problem(f"bộ tiêu chí {e.id} thay thế '{r}', bộ này không có trong {self.directory}",
                                        file=e.path, field="pack.replaces",
                                        hint=did_you_mean(r, [i for i in by_id if i != e.id])))
        reported: set[str] = set()
        for e in self.usable:
            chain, cur = [e.id], e
            while cur.meta.replaces in by_id and cur.meta.replaces.strip() != cur.id:
                nxt = cur.meta.replaces
                if nxt in chain:
                    cycle = chain[chain.index(nxt):] + [nxt]
                    if not reported & set(cycle):
                        errors.append(Problem("replaces tạo thành vòng: " + " → ".join(cycle), file=e.path,
                                              field="pack.replaces"))
                    reported.update(cycle)
                    break
                chain.append(nxt)
                cur = by_id[nxt]
        warnings.extend(self.overlaps())
        return errors, warnings


class PackStore:
    """The process's view of the rules folders: an index per folder, full packs loaded on demand."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[tuple, Entry]] = {}  # file path → (stat signature, entry)
        self._packs: dict[tuple[str, str], Pack] = {}       # (path as named, sha256) → pack

    def reset(self) -> None:
        with self._lock:
            self._entries, self._packs = {}, {}

    # -- the index ----------------------------------------------------------------------------
    def index(self, directory: Optional[Path] = None, whole: bool = False, examples: bool = True) -> Index:
        d = directory or rules_dir()
        return Index(d, [self._entry(p, whole) for p in pack_files(d, examples)])

    def _entry(self, path: Path, whole: bool = False) -> Entry:
        key = (str(path), whole)
        try:
            st = path.stat()
            sig = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            sig = None
        known = self._entries.get(key)
        if known is not None and sig is not None and known[0] == sig:
            return known[1]
        entry = read_entry(path, whole)
        if sig is not None:
            with self._lock:
                self._entries[key] = (sig, entry)
        return entry

    def overlaps_with(self, path: Path, directory: Optional[Path] = None) -> list[Problem]:
        """The W104 warnings that concern the file at `path`, as if it were in the rules folder."""
        d = directory or rules_dir()
        mine = self._entry(path)
        if mine.broken:
            return []
        others = [self._entry(p) for p in pack_files(d) if p.resolve() != path.resolve()]
        return Index(d, others + [mine]).overlaps(only=mine)

    # -- full packs ---------------------------------------------------------------------------
    def load(self, path: str | Path) -> Pack:
        """The checked pack at `path` (named as given in messages), loaded once per content."""
        p = Path(path)
        sha = _sha256(p)
        pack = self._packs.get((str(p), sha)) if sha else None
        if pack is None:
            data, lines, sha256 = read_pack_document(p)
            pack = self._publish(load_parsed(str(p), data, lines, sha256))
        return pack

    def load_entry(self, entry: Entry) -> Pack:
        if entry.broken:
            raise PackError(list(entry.problems))
        pack = self._packs.get((entry.path, entry.sha256))
        if pack is None:
            if entry.parsed is not None:
                data, lines = entry.parsed
                sha256 = entry.sha256
            else:  # the index read only the `pack:` section: now the whole file
                data, lines, sha256 = read_pack_document(entry.path)
            pack = self._publish(load_parsed(entry.path, data, lines, sha256))
        return pack

    def loaded(self, sha256: Optional[str]) -> Optional[Pack]:
        """A pack already loaded with these bytes (a reporter naming facts by their labels), else None."""
        with self._lock:
            return next((p for (_, sha), p in self._packs.items() if sha == sha256), None)

    def _publish(self, pack: Pack) -> Pack:
        with self._lock:
            return self._packs.setdefault((pack.path, pack.sha256), pack)

    def find(self, ident: str, directory: Optional[Path] = None) -> Pack:
        """A pack by file path, or by id among the folder's packs (did-you-mean when unknown).

        What cannot be an id (ids are lower-case letters, digits and dashes) is a path, and a path
        that cannot be read is reported as such by the loader."""
        if Path(ident).is_file() or not PACK_ID.match(ident):
            return self.load(ident)
        idx = self.index(directory)
        for e in idx.usable:
            if e.id == ident:
                return self.load_entry(e)
        raise UsageError.one(f"không có bộ tiêu chí '{ident}'", hint=did_you_mean(ident, [e.id for e in idx.usable]))

    def find_file(self, sha256: Optional[str], file: Optional[str], ident: Optional[str],
                  directory: Optional[Path] = None) -> Optional[Path]:
        """The file of a pack a sealed result names: the same bytes first, else the same name and id."""
        idx = self.index(directory)
        for e in idx.entries:
            if e.sha256 is not None and e.sha256 == sha256:
                return Path(e.path)
        for e in idx.entries:
            if Path(e.path).name == file and (e.broken or e.id == ident):
                return Path(e.path)
        return None

    def select(self, ev: LoadedEvidence, directory: Optional[Path] = None) -> Pack:
        """The pack in force on the last day of the record's period for its province."""
        rec = ev.record
        idx = self.index(directory, examples=False)
        usable = [e for e in idx.usable if e.meta.status != "example"]  # examples only by --rules
        same = [e for e in usable if province_key(e.province) == province_key(rec.ward.province)]
        when = rec.period.end()
        live = [e for e in same if idx.in_force_on(e, when) and rec.ward.kind in e.meta.applies_to]
        if not live:
            if not same:
                known = sorted({e.province for e in usable if e.meta.status != "example"})
                listed = ("các tỉnh đã có: " + ", ".join(known)) if known else f"thư mục {rules_dir()} không có bộ tiêu chí"
                close = province_hint(rec.ward.province, known)
                raise UsageError.one(
                    f"chưa có bộ tiêu chí nào cho {province_phrase(rec.ward.province)}", file=ev.path, field="ward.province",
                    hint=f"{close}; {listed}" if close else listed)
            kinds = [e for e in same if rec.ward.kind in e.meta.applies_to] or same
            listing = "; ".join(f"{e.id} ({idx.range_label(e)}, {status_label(e.meta.status)})"
                                for e in idx.nearest(kinds, when))
            raise UsageError.one(
                f"không có bộ tiêu chí của {province_phrase(rec.ward.province)} có hiệu lực cho {rec.period.label()} "
                f"(ngày {when:%d/%m/%Y})", file=ev.path, field="period", hint=f"các bộ gần nhất: {listing}")
        if len(live) > 1:
            rank = {"in_force": 0, "draft": 1, "repealed": 2, "example": 3}
            live.sort(key=lambda e: (rank[e.meta.status], -e.meta.effective_from.toordinal(), e.id))
            a, b = live[0].meta, live[1].meta
            if rank[a.status] == rank[b.status] and a.effective_from == b.effective_from:
                raise PackError.one(
                    f"nhiều bộ tiêu chí cùng có hiệu lực cho {province_phrase(rec.ward.province)}, {rec.period.label()}: "
                    + ", ".join(e.id for e in live), hint="chỉ định bằng --rules")
        return self.load_entry(live[0])


def _sha256(path: Path) -> Optional[str]:
    """The hash that keys the loaded packs, read like any input (regular files only, bounded): a FIFO
    or a /dev/zero link given as a pack must not hang here before the loader refuses it."""
    from .files import Unreadable, read_bytes
    from .yamlio import MAX_BYTES

    try:
        return hashlib.sha256(read_bytes(path, "tệp bộ tiêu chí", MAX_BYTES)).hexdigest()
    except Unreadable:
        return None  # the loader names the problem


STORE = PackStore()


def check_applies(pack: Pack, ev: LoadedEvidence, allow_other_province: bool = False) -> None:
    """Refuse a pack that does not govern this record (province, kind of unit, period kind)."""
    rec = ev.record
    prov = pack.meta.jurisdiction["province"]
    if province_key(prov) != province_key(rec.ward.province) and not allow_other_province:
        close = province_hint(rec.ward.province, [prov])  # 'Quang Ngai' for 'Quảng Ngãi': a did-you-mean
        advice = "chọn bộ tiêu chí của tỉnh này, hoặc dùng --allow-other-province nếu cố ý chấm thử"
        raise UsageError([Problem(
            f"bộ tiêu chí {pack.id} áp dụng cho {province_phrase(prov)}, còn hồ sơ thuộc {province_phrase(rec.ward.province)}",
            file=ev.path, field="ward.province", hint=f"{close}; {advice}" if close else advice)])
    if rec.ward.kind not in pack.meta.applies_to:
        raise UsageError.one(f"bộ tiêu chí {pack.id} không áp dụng cho loại đơn vị '{rec.ward.kind}'",
                             file=ev.path, field="ward.kind")
    if pack.meta.period_kind == "year" and (rec.period.quarter or rec.period.half):
        raise UsageError.one(f"bộ tiêu chí {pack.id} chấm theo năm; hồ sơ là của {rec.period.label()}",
                             file=ev.path, field="period.quarter" if rec.period.quarter else "period.half")
    if pack.meta.period_kind == "quarter" and not rec.period.quarter:
        raise UsageError.one(f"bộ tiêu chí {pack.id} chấm theo quý; hồ sơ là của {rec.period.label()}",
                             file=ev.path, field="period.quarter", hint="ghi quý đánh giá: period: {year: …, quarter: 1…4}")
    if pack.meta.period_kind == "half" and not rec.period.half:
        raise UsageError.one(f"bộ tiêu chí {pack.id} chấm theo nửa năm; hồ sơ là của {rec.period.label()}",
                             file=ev.path, field="period.half", hint="ghi nửa năm đánh giá: period: {year: …, half: 1 hoặc 2}")
