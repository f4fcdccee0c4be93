"""Finding rule packs and choosing the one in force for a record's province and period."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Optional

from . import packcache
from .errors import PackError, Problem, UsageError
from .evidence import LoadedEvidence
from .pack import Pack, load_pack

ENV = "DVCQ_RULES"


def rules_dir() -> Path:
    """`$DVCQ_RULES`, else the `rules/` folder beside the package (the repository layout)."""
    env = os.environ.get(ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "rules"


def norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def pack_files(directory: Optional[Path] = None) -> list[Path]:
    d = directory or rules_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.rglob("*.yaml") if not any(part.startswith("_") for part in p.relative_to(d).parts))


_loaded: dict[str, Pack] = {}   # resolved path → pack, for this process
_named: dict[str, Pack] = {}    # the path as given → the same pack: a batch asks once per record, and
                                # resolving (realpath) a path each time was measurable over 10,000


def load_cached(path: Path) -> Pack:
    pack = _named.get(str(path))
    if pack is None:
        key = str(path.resolve())
        if key not in _loaded:
            _loaded[key] = packcache.load(path, load_pack)
        pack = _named[str(path)] = _loaded[key]
    return pack


def all_packs(directory: Optional[Path] = None) -> list[Pack]:
    return [load_cached(p) for p in pack_files(directory)]


def check_applies(pack: Pack, ev: LoadedEvidence, allow_other_province: bool = False) -> None:
    """Refuse a pack that does not govern this record (province, kind of unit, period kind)."""
    rec = ev.record
    prov = pack.meta.jurisdiction["province"]
    if norm(prov) != norm(rec.ward.province) and not allow_other_province:
        raise UsageError([Problem(
            f"bộ tiêu chí {pack.id} áp dụng cho tỉnh {prov}, còn hồ sơ thuộc tỉnh {rec.ward.province}",
            file=ev.path, field="ward.province",
            hint="chọn bộ tiêu chí của tỉnh này, hoặc dùng --allow-other-province nếu cố ý chấm thử")])
    if rec.ward.kind not in pack.meta.applies_to:
        raise UsageError.one(f"bộ tiêu chí {pack.id} không áp dụng cho loại đơn vị '{rec.ward.kind}'",
                             file=ev.path, field="ward.kind")
    if pack.meta.period_kind == "year" and rec.period.quarter:
        raise UsageError.one(f"bộ tiêu chí {pack.id} chấm theo năm; hồ sơ là của {rec.period.label()}",
                             file=ev.path, field="period.quarter")


def select(ev: LoadedEvidence, directory: Optional[Path] = None) -> Pack:
    """The pack in force on the last day of the record's period for its province."""
    rec = ev.record
    packs = all_packs(directory)
    same = [p for p in packs if norm(p.meta.jurisdiction["province"]) == norm(rec.ward.province)]
    when = rec.period.end()
    live = [p for p in same if p.meta.in_force_on(when) and rec.ward.kind in p.meta.applies_to]
    if not live:
        if not same:
            known = sorted({p.meta.jurisdiction["province"] for p in packs})
            raise UsageError.one(
                f"chưa có bộ tiêu chí nào cho tỉnh {rec.ward.province}", file=ev.path, field="ward.province",
                hint=("các tỉnh đã có: " + ", ".join(known)) if known else f"thư mục {rules_dir()} không có bộ tiêu chí")
        listing = "; ".join(f"{p.id} ({p.meta.range_label()}, {p.meta.status})" for p in same)
        raise UsageError.one(
            f"không có bộ tiêu chí của tỉnh {rec.ward.province} có hiệu lực cho {rec.period.label()}",
            file=ev.path, field="period", hint=f"các bộ hiện có: {listing}")
    if len(live) > 1:
        rank = {"in_force": 0, "draft": 1, "repealed": 2}
        live.sort(key=lambda p: (rank[p.meta.status], -p.meta.effective_from.toordinal(), p.id))
        if rank[live[0].meta.status] == rank[live[1].meta.status] and live[0].meta.effective_from == live[1].meta.effective_from:
            raise PackError.one(
                f"nhiều bộ tiêu chí cùng có hiệu lực cho tỉnh {rec.ward.province}, {rec.period.label()}: "
                + ", ".join(p.id for p in live), hint="chỉ định bằng --rules")
    return live[0]
