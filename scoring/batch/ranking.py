"""Ranking a district's scored records and applying the pack's batch rules.

Records are grouped by the pack that scored them and their period (a folder may hold two years,
each under its own decision). Within a group: units ruled ineligible are not ranked; the others
are ranked by total (equal totals share a rank; the ward's NFC name in Vietnamese alphabetical order,
then its file, only fixes the printing order), then the quota, if the pack has one, moves the lowest-ranked units of the limited
grade down, naming each one. A tie that straddles the quota is never split by name: by default the
whole tie moves (`ties: move_all`, never exceeding the quota), or the whole tie stays (`keep_all`).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from ..pack import fmt_number
from .rules import DEFAULT_INELIGIBLE_LABEL
from .run import Failed, Scored


PROVISIONAL = "hồ sơ đang hoàn thiện: điểm tạm tính"


@dataclass
class Row:
    s: Scored
    rank: Optional[int]                 # None: not ranked (ineligible)
    grade: tuple[str, str]              # final (id, label), after the batch rules
    note: str = ""
    quota_moved: bool = False
    provisional: bool = False           # ranked apart, among the unfinished ("tạm tính") records only


@dataclass
class QuotaReport:
    grade: str
    grade_label: str
    to_label: str
    percent: Decimal
    of_label: str
    rounding: str
    ties: str
    source: str
    base: int                           # units graded at least `of` before the quota
    allowed: int
    before: int                         # units in the limited grade before the quota
    moved: list[Row] = field(default_factory=list)


@dataclass
class Group:
    pack: dict
    period: tuple[int, Optional[int], Optional[int]]  # (year, quarter, half): H1 and H2 are ranked apart
    rows: list[Row]
    grades: list[tuple[str, str]]       # pack order, best first
    counts: list[tuple[str, str, int]]  # (grade id, label, units) after the batch rules; "" = ineligible
    ineligible_label: str = DEFAULT_INELIGIBLE_LABEL
    quota: Optional[QuotaReport] = None
    provisional_counts: list[tuple[str, str, int]] = field(default_factory=list)  # grades of the provisional

    @property
    def ranked(self) -> list[Row]:
        """The finished units that are ranked (the provisional ones are not among them)."""
        return [r for r in self.rows if r.rank is not None and not r.provisional]

    @property
    def main(self) -> list[Row]:
        """The main table: the ranked units, then the ineligible ones."""
        return [r for r in self.rows if not r.provisional]

    @property
    def provisional(self) -> list[Row]:
        """The unfinished records' own table, in their own rank order."""
        return [r for r in self.rows if r.provisional]


@dataclass
class BatchResult:
    groups: list[Group]
    failed: list[Failed]
    unmatched_reviews: list[dict]
    records: int

    @property
    def internal_errors(self) -> bool:
        return any(f.internal for f in self.failed)


# Vietnamese dictionary order: letters with breve, circumflex, horn and đ are letters of their own;
# tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng). Plain code-point order would put
# "Phường Ánh Dương" after "Phường Yên Phú".
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def _char_key(ch: str) -> tuple[tuple[int, int], int]:
    """(primary, tone) of one casefolded character."""
    parts = unicodedata.normalize("NFD", ch)
    letter = unicodedata.normalize("NFC", "".join(c for c in parts if not unicodedata.combining(c)
                                                  or c in _LETTER_MARKS))
    tone = next((_TONES[c] for c in parts if c in _TONES), 0)
    if letter in _ALPHABET:
        return (1, _ALPHABET.index(letter)), tone
    return (0 if not letter.isalpha() else 2, ord(letter[0]) if letter else 0), tone


_CHAR_KEYS: dict[str, tuple] = {}   # a district's names use a few dozen characters: each is worked out once


def vi_key(text: str) -> tuple:
    primary, tones = [], []
    for ch in unicodedata.normalize("NFC", text).casefold():
        k = _CHAR_KEYS.get(ch)
        if k is None:
            k = _CHAR_KEYS[ch] = _char_key(ch)
        primary.append(k[0])
        tones.append(k[1])
    return tuple(primary), tuple(tones)


def name_key(s: Scored) -> tuple:
    """Printing order within equal totals: Vietnamese order of the NFC name, then the name, then the file."""
    name = unicodedata.normalize("NFC", s.ward)
    return (vi_key(name), name, s.file)


def build(outcomes: list[Scored], failed: list[Failed], unmatched: list[dict]) -> BatchResult:
    from .. import api

    groups: dict[tuple, list[Scored]] = {}
    for s in outcomes:
        groups.setdefault((s.period, s.pack["id"], s.pack["sha256"]), []).append(s)
    out = []
    for key in sorted(groups, key=lambda k: (k[0][0], k[0][1] or 0, k[0][2] or 0, k[1], k[2])):
        members = groups[key]
        pack = api.load_pack(members[0].pack_path)
        out.append(rank_group(pack, members))
    return BatchResult(out, sorted(failed, key=lambda f: f.file), unmatched, len(outcomes) + len(failed))


def rank_group(pack, members: list[Scored]) -> Group:
    grades = [(g.id, g.label) for g in sorted(pack.data.grades, key=lambda g: g.min, reverse=True)]
    order = {gid: i for i, (gid, _) in enumerate(grades)}
    labels = dict(grades)
    rules = pack.data.batch
    label_ne = rules.ineligible_label if rules else DEFAULT_INELIGIBLE_LABEL

    eligible = sorted((s for s in members if not s.ineligible), key=lambda s: (-s.total, name_key(s)))
    rows = _ranked([s for s in eligible if s.status != "in_progress"], provisional=False)
    unfinished = _ranked([s for s in eligible if s.status == "in_progress"], provisional=True)

    report = None
    if rules is not None and rules.quota is not None:
        q = rules.quota
        target = rules.target(pack)
        base = sum(1 for r in rows if order[r.grade[0]] <= order[q.of_at_least])
        allowed = q.allowed(base)
        top = [r for r in rows if r.grade[0] == q.grade]
        report = QuotaReport(q.grade, labels[q.grade], labels[target], q.percent, labels[q.of_at_least], q.rounding,
                             q.ties, q.source, base, allowed, len(top))
        if len(top) > allowed:
            kept, stop = 0, False
            i = 0
            while i < len(top):
                j = i
                while j < len(top) and top[j].s.total == top[i].s.total:
                    j += 1
                tie = top[i:j]
                fits = kept + len(tie) <= allowed
                if not stop and (fits or (q.ties == "keep_all" and kept < allowed)):
                    kept += len(tie)
                else:
                    stop = True
                    for r in tie:
                        r.grade = (target, labels[target])
                        r.quota_moved = True
                        moved = (f"chuyển xuống '{labels[target]}' do chỉ tiêu '{labels[q.grade]}' (tối đa {allowed} "
                                 f"đơn vị = {fmt_number(q.percent)}% của {base})"
                                 + (f", cùng {len(tie) - 1} đơn vị đồng hạng {r.rank}" if len(tie) > 1 else ""))
                        r.note = "; ".join(x for x in (r.note, moved) if x)
                        report.moved.append(r)
                i = j

    for s in sorted((s for s in members if s.ineligible), key=name_key):
        why = "; ".join(f"{x['id']}: {x['reason']}" + (f" (thiếu {', '.join(x['missing'])})" if x["missing"] else "")
                        for x in s.ineligible)  # a late date or a rule on results has nothing missing to name
        rows.append(Row(s, None, ("", label_ne), why))

    counts = [(gid, label, sum(1 for r in rows if r.rank is not None and r.grade[0] == gid)) for gid, label in grades]
    n_ne = sum(1 for r in rows if r.rank is None)
    if n_ne or (rules and rules.ineligible):
        counts.append(("", label_ne, n_ne))
    pcounts = [(gid, label, sum(1 for r in unfinished if r.grade[0] == gid)) for gid, label in grades] if unfinished else []
    return Group(members[0].pack, members[0].period, rows + unfinished, grades, counts, label_ne, report, pcounts)


def _ranked(members: list[Scored], provisional: bool) -> list[Row]:
    """Rows for `members` (sorted best first) ranked among themselves; equal totals share a rank."""
    rows: list[Row] = []
    rank, prev = 0, None
    for i, s in enumerate(members):
        if s.total != prev:
            rank, prev = i + 1, s.total
        rows.append(Row(s, rank, s.grade, PROVISIONAL if provisional else "", provisional=provisional))
    return rows
