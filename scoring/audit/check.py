"""Recomputing a sealed result and naming what differs.

A result's seal is the sha256 of its canonical body, and the body records the content hashes of
the pack, the evidence and the review and the engine version. So an audit can tell apart four
causes that a bare "does not match" would hide: the result file was edited (the seal no longer
fits its body), an input file changed (its hash differs from the recorded one), or the engine
changed (another version). Inputs are bound by their contents: a renamed copy of the same bytes
passes (the recorded file name is only a label for finding it). Differences name items by id. Finally the result is recomputed from the files and compared in
full: a forged seal, or an engine that changed without a new version, shows there.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from .. import result as result_module
from ..errors import DvcqError, UsageError
from ..render.json import seal_of, sealed

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


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# A result is untrusted input. Its numbers are points, counts (≤ 10⁹), percents and dates: nothing needs
# more digits or a larger exponent than this, and a number beyond it (1e999999999) would take minutes
# to write out as digits; its nesting is a few levels (JSON nested 100,000 deep overflowed the stack).
MAX_DIGITS = 60
MAX_EXPONENT = 40
MAX_DEPTH = 32


def _number(text: str) -> Decimal:
    """A JSON number as an exact Decimal (checked by `_bounded`; parsing even 1e999999999 is instant)."""
    return Decimal(text)


def _integer(text: str):
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else Decimal(text)


def _bounded(data: Any, file: str) -> None:
    """Refuse NaN, infinities, numbers beyond MAX_DIGITS/MAX_EXPONENT and nesting beyond MAX_DEPTH,
    naming the field (iteratively: the walk itself must not recurse on a hostile depth)."""
    stack = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise UsageError.one(f"dữ liệu lồng nhau quá {MAX_DEPTH} cấp: không phải kết quả của dvcq",
                                     file=file, field=where or "(gốc)")
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in pairs:
                sub = (f"{where}.{k}" if where else str(k)) if isinstance(value, dict) else f"{where}[{k}]"
                stack.append((v, sub, depth + 1))
        elif isinstance(value, Decimal):
            if not value.is_finite():
                raise UsageError.one(f"giá trị {value} không phải số hữu hạn", file=file, field=where)
            digits = len(value.as_tuple().digits)
            if digits > MAX_DIGITS or abs(value.adjusted()) > MAX_EXPONENT:
                shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "…"
                raise UsageError.one(f"số {shown} quá lớn hoặc quá nhiều chữ số (tối đa {MAX_DIGITS} chữ số, "
                                     f"số mũ trong ±{MAX_EXPONENT})", file=file, field=where)


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|\n')


def _deep_line(text: str) -> Optional[int]:
    """The line where nesting first goes beyond MAX_DEPTH (strings skipped; no recursion)."""
    depth, line = 0, 1
    for m in _TOKENS.finditer(text):
        t = m.group()
        if t == "\n":
            line += 1
        elif t in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif t in "]}":
            depth -= 1
        else:
            line += t.count("\n")
    return None


def read_result(path: Path) -> dict:
    def pairs(items):
        out = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"khóa '{k}' bị lặp")
            out[k] = v
        return out

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError.one("không tìm thấy tệp kết quả", file=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError.one(f"không đọc được tệp kết quả: {exc}", file=str(path))
    try:
        data = json.loads(text, parse_float=_number, parse_int=_integer, parse_constant=_number,
                          object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise UsageError.one(f"không phải JSON hợp lệ: {exc.msg}", file=str(path), line=exc.lineno)
    except ValueError as exc:
        raise UsageError.one(str(exc), file=str(path))
    except RecursionError:
        raise UsageError.one(f"dữ liệu lồng nhau quá sâu (hơn {MAX_DEPTH} cấp): không phải kết quả của dvcq",
                             file=str(path), line=_deep_line(text), field="(cấu trúc JSON)")
    _bounded(data, str(path))
    if not isinstance(data, dict) or data.get("schema") != "dvcq-result/1":
        kind = data.get("schema") if isinstance(data, dict) else None
        hint = ("kết quả xếp hạng (dvcq batch) không tính lại được như một hồ sơ: kiểm tra từng kết quả "
                "dvcq score/verify --format json") if kind == "dvcq-batch/1" else None
        raise UsageError.one("không phải kết quả chấm điểm của dvcq (schema dvcq-result/1)", file=str(path), hint=hint)
    seal = data.get("seal")
    if not isinstance(seal, dict) or not isinstance(seal.get("value"), str):
        raise UsageError.one("kết quả không có niêm phong (seal)", file=str(path), field="seal",
                             hint="tạo lại kết quả bằng dvcq score/verify --format json")
    for key in ("pack", "evidence", "engine"):
        if not isinstance(data.get(key), dict):
            raise UsageError.one(f"kết quả thiếu mục '{key}'", file=str(path), field=key)
    return data


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
    from .. import registry
    from ..pack import load_pack

    files = registry.pack_files()
    for f in files:  # the exact bytes first: the pack that produced the result
        if _sha(f) == recorded.get("sha256"):
            return f
    for f in files:
        if f.name == recorded.get("file"):
            try:
                if load_pack(f).id == recorded.get("id"):
                    return f
            except DvcqError:
                return f
    raise UsageError.one(f"không tìm thấy bộ tiêu chí '{recorded.get('id')}' trong {registry.rules_dir()}",
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
    from .. import vocabulary
    from ..evidence import load_evidence
    from ..pack import load_pack
    from ..score import evaluate

    pack = load_pack(pack_path)  # not the cache: the file may have changed within this process
    ev = load_evidence(evidence_path)
    vocabulary.check(pack, ev)
    if review_path is None:
        return sealed(evaluate(pack, ev).to_json_dict())
    from ..review.model import load_review
    from ..review.verification import verify

    return sealed(verify(pack, ev, load_review(review_path)).to_json_dict())


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
        now, want = _sha(path), recorded.get("sha256")
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
