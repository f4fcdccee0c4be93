"""Recomputing a sealed result and naming what differs.

A result's seal is the sha256 of its canonical body, and the body records the content hashes of
the pack, the evidence and the review and the engine version. So an audit can tell apart four
causes that a bare "does not match" would hide: the result file was edited (the seal no longer
fits its body), an input file changed (its hash differs from the recorded one), or the engine
changed (another version). Finally the result is recomputed from the files and compared in
full: a forged seal, or an engine that changed without a new version, shows there. Inputs are
bound by their contents: a renamed copy of the same bytes passes (a recorded file name is only a
label for finding the file). Differences name objects by their id (`TC5.4.points`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .. import result as result_module
from ..errors import DvcqError, UsageError
from ..files import MAX_INPUT, read_bytes
from ..render.json import seal_of, sealed
from .reading import read_result


CAUSE = {
    "result": "kết quả đã bị sửa",
    "evidence": "hồ sơ minh chứng đã thay đổi",
    "pack": "bộ tiêu chí đã thay đổi",
    "review": "tệp thẩm định đã thay đổi",
    "engine": "bộ máy chấm đã thay đổi",
    "recomputed": "kết quả tính lại khác kết quả đã ghi",
}


@dataclass
class Check:
    what: str            # result | evidence | pack | review | engine | recomputed
    ok: bool
    detail: str


@dataclass
class AuditReport:
    file: str
    checks: list[Check] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return all(c.ok for c in self.checks)

    def causes(self) -> list[str]:
        return [CAUSE[c.what] + f": {c.detail}" for c in self.checks if not c.ok]


def _sha(path: Path, what: str = "tệp đầu vào") -> str:
    return hashlib.sha256(read_bytes(path, what, MAX_INPUT, UsageError)).hexdigest()


def _locate(name: Any, given: Optional[str], near: list[Path], what: str, option: str) -> Path:
    if given:
        p = Path(given)
        if not p.is_file():
            raise UsageError.one(f"không tìm thấy {what}", file=given)
        return p
    if isinstance(name, str) and name and Path(name).name == name:
        for folder in near:
            p = folder / name
            if p.is_file():
                return p
    raise UsageError.one(f"không tìm thấy {what} '{name}' đã ghi trong kết quả (tìm ở: "
                         + ", ".join(str(f) for f in near) + ")", hint=f"chỉ định bằng {option}")


def _find_pack(recorded: dict, given: Optional[str]) -> Path:
    if given:
        return _locate(None, given, [], "bộ tiêu chí", "--rules")
    from ..packstore import STORE, rules_dir

    found = STORE.find_file(recorded.get("sha256"), recorded.get("file"), recorded.get("id"))
    if found is not None:  # the exact bytes first (the pack that produced the result), else name and id
        return found
    raise UsageError.one(f"không tìm thấy bộ tiêu chí '{recorded.get('id')}' trong {rules_dir()}",
                         hint="chỉ định bằng --rules")


def _diff(a: Any, b: Any, path: str, out: list[str], limit: int = 20) -> None:
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k == "seal" and not path:
                continue
            sub = f"{path}.{k}" if path else k
            if k not in a:
                out.append(f"{sub}: (không có) → {_short(b[k])}")
            elif k not in b:
                out.append(f"{sub}: {_short(a[k])} → (không có)")
            else:
                _diff(a[k], b[k], sub, out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        ids_a, ids_b = _ids(a), _ids(b)
        if ids_a is not None and ids_b is not None:  # items, criteria, parts, vetoes: named by their id
            for k in ids_a + [k for k in ids_b if k not in ids_a]:
                sub = k if path == "items" else f"{path}[{k}]"
                if k not in ids_b:
                    out.append(f"{sub}: {_short(a[ids_a.index(k)])} → (không có)")
                elif k not in ids_a:
                    out.append(f"{sub}: (không có) → {_short(b[ids_b.index(k)])}")
                else:
                    _diff(a[ids_a.index(k)], b[ids_b.index(k)], sub, out, limit)
            return
        for i in range(max(len(a), len(b))):
            sub = f"{path}[{i}]"
            if i >= len(a):
                out.append(f"{sub}: (không có) → {_short(b[i])}")
            elif i >= len(b):
                out.append(f"{sub}: {_short(a[i])} → (không có)")
            else:
                _diff(a[i], b[i], sub, out, limit)
    elif _canon(a) != _canon(b):
        out.append(f"{path}: {_short(a)} → {_short(b)}")


def _ids(xs: list) -> Optional[list[str]]:
    """The ids of a list of objects that each carry a distinct string `id`, else None."""
    ids = [x.get("id") if isinstance(x, dict) else None for x in xs]
    if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
        return ids
    return None


def _canon(v: Any) -> str:
    from ..render.json import dumps

    return dumps(v, indent=None, sort_keys=True)


def _short(v: Any) -> str:
    text = _canon(v)
    return text if len(text) <= 80 else text[:77] + "…"


def _recompute(pack_path: Path, evidence_path: Path, review_path: Optional[Path]) -> dict:
    from .. import api

    # The store keys packs by their bytes: a pack edited within this process is read afresh.
    # No jurisdiction check: the audit recomputes what the sealed result says was computed.
    prep = api.check(evidence_path, pack_path, jurisdiction=False)
    if review_path is None:
        return sealed(api.score(prep).to_json_dict())
    return sealed(api.verify(prep, review_path).to_json_dict())


def audit(result_path: str, evidence: Optional[str] = None, rules: Optional[str] = None,
          review: Optional[str] = None) -> AuditReport:
    rp = Path(result_path)
    data = read_result(rp)
    report = AuditReport(str(rp))
    near = [rp.parent, Path(".")]

    recorded_seal = data["seal"]["value"]
    body_seal = seal_of(data)
    report.checks.append(Check("result", recorded_seal == body_seal,
                               "niêm phong khớp nội dung" if recorded_seal == body_seal else
                               f"niêm phong ghi {recorded_seal[:12]}…, nội dung hiện tại cho {body_seal[:12]}…"))

    recorded_engine = str(data["engine"].get("version"))
    current = result_module.ENGINE_VERSION
    report.checks.append(Check("engine", recorded_engine == current,
                               f"phiên bản {current}" if recorded_engine == current else
                               f"kết quả tạo bởi phiên bản {recorded_engine}, hiện tại là {current}"))

    ev_path = _locate(data["evidence"].get("file"), evidence, near, "hồ sơ minh chứng", "--evidence")
    pack_path = _find_pack(data["pack"], rules)
    rv_path = None
    if "review" in data:
        rec = data["review"] if isinstance(data["review"], dict) else {}
        rv_near = near + [ev_path.parent, ev_path.parent / "reviews"]
        rv_path = _locate(rec.get("file"), review, rv_near, "tệp thẩm định", "--review")
    elif review:
        raise UsageError.one("kết quả này là kết quả tự chấm, không có thẩm định: bỏ --review", file=str(rp))

    def hashed(what: str, path: Path, recorded: dict, label: str):
        now, want = _sha(path, f"tệp {label}"), recorded.get("sha256")
        ok = now == want
        named = recorded.get("file")
        shown = f"{path}" + (f" (kết quả ghi tên {named})" if isinstance(named, str) and named != path.name else "")
        report.checks.append(Check(what, ok, f"{label} {shown}: sha256 khớp ({now[:12]}…)" if ok else
                                   f"{label} {shown}: sha256 đã ghi {str(want)[:12]}…, hiện tại {now[:12]}…"))

    hashed("evidence", ev_path, data["evidence"], "hồ sơ")
    hashed("pack", pack_path, data["pack"], "bộ tiêu chí")
    if rv_path is not None:
        hashed("review", rv_path, data["review"] if isinstance(data["review"], dict) else {}, "thẩm định")

    try:
        fresh = _recompute(pack_path, ev_path, rv_path)
    except DvcqError as exc:
        report.checks.append(Check("recomputed", False, "không tính lại được: " + "; ".join(
            p.render() for p in exc.problems)))
        return report
    for key in ("evidence", "pack", "review"):  # a file's name is a label: the seal binds its contents
        if isinstance(data.get(key), dict) and isinstance(fresh.get(key), dict) and "file" in fresh[key]:
            fresh[key]["file"] = data[key].get("file")
    _diff(data, fresh, "", report.differences)
    same = not report.differences
    inputs_ok = all(c.ok for c in report.checks)
    if same:
        detail = "tính lại từ các tệp trên cho đúng kết quả đã ghi"
    elif inputs_ok:
        detail = ("các tệp đầu vào và phiên bản không đổi mà kết quả tính lại vẫn khác: kết quả đã bị sửa rồi niêm "
                  "phong lại, hoặc bộ máy chấm thay đổi mà không đổi phiên bản")
    else:
        detail = f"khác ở {len(report.differences)}{'+' if len(report.differences) >= 20 else ''} chỗ (xem dưới)"
    report.checks.append(Check("recomputed", same, detail))
    return report


LABEL = {"result": "Niêm phong", "engine": "Bộ máy chấm", "evidence": "Hồ sơ minh chứng", "pack": "Bộ tiêu chí",
         "review": "Tệp thẩm định", "recomputed": "Tính lại"}


def render_report(r: AuditReport) -> str:
    lines = [f"Kiểm tra kết quả {r.file}"]
    for c in r.checks:
        lines.append(f"  {LABEL[c.what]}: {'khớp' if c.ok else 'KHÔNG KHỚP'} — {c.detail}")
    if r.differences:
        lines.append("  Khác biệt (kết quả đã ghi → tính lại):")
        lines += [f"    {d}" for d in r.differences]
    lines.append("KẾT LUẬN: " + ("KHỚP — kết quả tái lập đúng từ hồ sơ, bộ tiêu chí"
                                 + (", thẩm định" if any(c.what == "review" for c in r.checks) else "")
                                 + " và phiên bản bộ máy chấm đã ghi." if r.matches else
                                 "KHÔNG KHỚP — " + "; ".join(CAUSE[c.what] for c in r.checks if not c.ok) + "."))
    return "\n".join(lines) + "\n"
