"""Reading a filled evidence workbook into the same validated record a YAML file gives.

Every problem names the file, the sheet and the cell ("phieu.xlsx, trang 'Số liệu', ô F7"), and
all problems are collected before failing, so a clerk fixes the workbook in one pass. Each row is
checked on its own (type, exactness, which columns its kind of figure uses) and then the whole
record goes through the same pydantic model as YAML, so the two inputs cannot disagree.
"""
from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Optional

from openpyxl import load_workbook

from ..files import read_bytes
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ..errors import EvidenceError, Problem, did_you_mean
from ..evidence import FACT_ID, Document, Evidence, FactValue, LoadedEvidence, address_of, translate
from ..spellings import is_not_applicable
from . import cells as C
from . import layout as L

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024  # a zip bomb stops here, before openpyxl inflates it
HEADER_SCAN = 10
MAX_COLUMNS = 100  # headers are looked for in the first 100 columns; the layout has 16


@dataclass
class Sheet:
    ws: Any
    title: str
    header_row: int
    layout: list[L.Column]
    columns: dict[str, int]          # column key → column index
    unknown: dict[int, str] = field(default_factory=dict)  # column index → header not in the layout


class _Reader:
    def __init__(self, wb, raw: bytes, name: str):
        self.wb, self.raw, self.name = wb, raw, name
        self.values_wb = None
        self.problems: list[Problem] = []
        self.addr: dict[str, str] = {}      # record field → "trang 'X', ô B3"

    # -- addressing -------------------------------------------------------------------------
    def where(self, sheet: str, row: Optional[int] = None, col: Optional[int] = None) -> str:
        out = f"{self.name}, trang '{sheet}'"
        if row is not None and col is not None:
            out += f", ô {get_column_letter(col)}{row}"
        elif row is not None:
            out += f", dòng {row}"
        return out

    def fail(self, message: str, sheet: str, row: Optional[int] = None, col: Optional[int] = None,
             fld: Optional[str] = None, hint: Optional[str] = None) -> None:
        self.problems.append(Problem(message, file=self.where(sheet, row, col), field=fld, hint=hint))

    # -- cells ------------------------------------------------------------------------------
    def raw_value(self, sh: Sheet, row: int, col: int) -> Any:
        cell = sh.ws.cell(row, col)
        v = cell.value
        if cell.data_type == "f":  # a formula (array formulas too): its value is the one Excel last computed
            if self.values_wb is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.values_wb = load_workbook(io.BytesIO(self.raw), data_only=True)
            v = self.values_wb[sh.title].cell(row, col).value
            if v is None:
                raise C.CellError("ô chứa công thức nhưng chưa có kết quả đã tính: mở tệp bằng Excel hoặc LibreOffice "
                                  "rồi lưu lại, hoặc nhập thẳng giá trị")
        return v

    def get(self, sh: Sheet, row: int, key: str, parse: Callable[..., Any], fld: Optional[str] = None,
            ok: Optional[list] = None) -> Any:
        """The parsed value of column `key` on `row` (None if absent/blank); a bad cell is recorded."""
        col = sh.columns.get(key)
        if col is None:
            return None
        try:
            v = self.raw_value(sh, row, col)
            if parse is C.decimal:
                return C.decimal(v, sh.ws.cell(row, col).number_format)
            return parse(v)
        except C.CellError as exc:
            self.fail(str(exc), sh.title, row, col, fld)
            if ok is not None:
                ok.append(False)
            return None

    def has_data(self, sh: Sheet, row: int, keys) -> bool:
        for k in keys:
            col = sh.columns.get(k)
            if col is not None and not C.is_blank(sh.ws.cell(row, col).value):
                return True
        return False

    # -- sheets -----------------------------------------------------------------------------
    def sheet(self, title: str, columns: list[L.Column], required: tuple[str, ...]) -> Optional[Sheet]:
        ws = self._find_sheet(title)
        if ws is None:
            names = [w.title for w in self.wb.worksheets]
            self.fail("tệp không có trang này (không phải phiếu lập bằng `dvcq template`?)", title,
                      hint=did_you_mean(title, names))
            return None
        id_header = next((c.header for c in columns if c.key == "id"), columns[0].header)  # notes: no code column
        for r in range(1, min(HEADER_SCAN, ws.max_row) + 1):
            heads = {c: C.word(ws.cell(r, c).value) for c in range(1, min(ws.max_column, MAX_COLUMNS) + 1)}
            if any(h and L.norm(h) == L.norm(id_header) for h in heads.values()):
                sh = Sheet(ws, ws.title, r, columns, {})
                for c, h in heads.items():
                    if not h:
                        continue
                    col = L.column_by_header(columns, h)
                    if col is None:
                        sh.unknown[c] = h
                    elif col.key in sh.columns:
                        self.fail(f"cột '{h}' xuất hiện hai lần", ws.title, r, c)
                    else:
                        sh.columns[col.key] = c
                for key in required:
                    if key not in sh.columns:
                        header = next(x.header for x in columns if x.key == key)
                        self.fail(f"thiếu cột '{header}' ở dòng tiêu đề", ws.title, r)
                return sh
        self.fail(f"không tìm thấy dòng tiêu đề (ô có chữ '{id_header}') trong {HEADER_SCAN} dòng đầu", title)
        return None

    def _find_sheet(self, title: str):
        for ws in self.wb.worksheets:
            if L.norm(ws.title) == L.norm(title):
                return ws
        return None

    def rows(self, sh: Sheet):
        """Data rows; beyond MAX_ROWS a non-empty row is an error (a runaway sheet, not evidence)."""
        limit = sh.header_row + L.MAX_ROWS
        if sh.ws.max_row > limit:
            # openpyxl keeps only the cells present in the file in `_cells`: scanning it avoids
            # creating a million empty cells for a sheet with one stray value at row 1,048,576.
            beyond = sorted(r for (r, _), cell in sh.ws._cells.items() if r > limit and not C.is_blank(cell.value))
            if beyond:
                self.fail(f"quá nhiều dòng (tối đa {L.MAX_ROWS} dòng dữ liệu)", sh.title, beyond[0])
        for r in range(sh.header_row + 1, min(sh.ws.max_row, limit) + 1):
            for c, h in sh.unknown.items():
                if not C.is_blank(sh.ws.cell(r, c).value):
                    cols = [x.header for x in sh.layout]
                    self.fail(f"cột '{h}' không thuộc mẫu phiếu nên giá trị này sẽ bị bỏ qua", sh.title, r, c,
                              hint=did_you_mean(h, cols) or "xóa giá trị hoặc chuyển sang cột 'Ghi chú'")
            yield r

    # -- the record -------------------------------------------------------------------------
    def ward(self) -> tuple[dict, dict, Optional[str]]:
        ward: dict[str, Any] = {}
        period: dict[str, Any] = {}
        status = None
        sh = self.sheet(L.SHEET_WARD, L.WARD_COLUMNS, ("id", "value"))
        if sh is None:
            return ward, period, status
        known = {f[0] for f in L.WARD_FIELDS}
        parsers = {"ward.kind": lambda v: C.choice(v, L.KIND_WORDS, "loại đơn vị"),
                   "ward.residential_groups": C.integer, "period.year": C.integer, "period.quarter": C.integer,
                   "period.half": C.integer,
                   "status": lambda v: C.choice(v, L.STATUS_WORDS, "tình trạng hồ sơ")}
        seen: dict[str, int] = {}
        for r in self.rows(sh):
            fid = self.get(sh, r, "id", C.word)
            if fid is None:
                if self.has_data(sh, r, ("value",)):
                    self.fail("có giá trị nhưng thiếu mã trường ở cột 'Mã trường'", sh.title, r, sh.columns["id"])
                continue
            if fid not in known:
                self.fail(f"mã trường '{fid}' không có trong mẫu phiếu", sh.title, r, sh.columns["id"],
                          hint=did_you_mean(fid, known))
                continue
            if fid in seen:
                self.fail(f"mã trường '{fid}' bị lặp (đã có ở dòng {seen[fid]})", sh.title, r, sh.columns["id"])
                continue
            seen[fid] = r
            self.addr[fid] = self.where(sh.title, r, sh.columns["value"])
            v = self.get(sh, r, "value", parsers.get(fid, C.text), fid)
            if v is None:
                continue
            if fid == "status":
                status = v
            elif fid.startswith("period."):
                period[fid.split(".", 1)[1]] = v
            else:
                ward[fid.split(".", 1)[1]] = v
        self.addr.setdefault("ward", self.where(L.SHEET_WARD))
        if "quarter" in period and "half" in period:  # the record refuses both: name the cells it is about
            self.addr["period"] = f"{self.addr['period.quarter']} và {self.addr['period.half'].rsplit(', ', 1)[1]}"
        self.addr.setdefault("period", self.where(L.SHEET_WARD))
        return ward, period, status

    def documents(self) -> list[dict]:
        out: list[dict] = []
        sh = self.sheet(L.SHEET_DOCS, L.DOC_COLUMNS, ("id",))
        if sh is None:
            return out
        data_keys = ("number", "issued_on", "sent_on", "issuer", "title", "source", "note") + L.DRAFT_KEYS
        parsers = {"number": C.text, "issuer": C.text, "title": C.text, "source": C.text, "note": C.text,
                   "issued_on": C.day, "sent_on": C.day, "confidence": C.decimal, "review": C.yes_no}
        for r in self.rows(sh):
            i = len(out)
            flag = self.get(sh, r, "present", C.yes_no, f"documents[{i}]")
            filled = self.has_data(sh, r, data_keys)
            did = self.get(sh, r, "id", C.word)
            if not filled and flag is not True:
                continue
            if flag is False:
                self.fail("ghi \"không\" ở cột 'Đã có văn bản' nhưng dòng lại có số liệu văn bản: sửa một trong hai",
                          sh.title, r, sh.columns["present"], f"documents[{i}]")
                continue
            if did is None:
                self.fail("văn bản thiếu mã ở cột 'Mã văn bản'", sh.title, r, sh.columns["id"])
                continue
            doc: dict[str, Any] = {"id": did}
            for key in data_keys:
                v = self.get(sh, r, key, parsers[key], f"documents[{i}].{key}")
                if v is not None:
                    doc[key] = v
            for key in ("id",) + data_keys:
                if key in sh.columns:
                    self.addr[f"documents.{i}.{key}"] = self.where(sh.title, r, sh.columns[key])
            self.addr[f"documents.{i}"] = self.where(sh.title, r)
            try:
                Document.model_validate(doc)
            except ValidationError as exc:
                for e in exc.errors(include_url=False):
                    key = str(e["loc"][0]) if e["loc"] else "id"
                    self.fail(e["msg"], sh.title, r, sh.columns.get(key, sh.columns["id"]), f"documents[{i}].{key}")
                continue
            out.append(doc)
        return out

    def facts(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        rows_of: dict[str, int] = {}
        sh = self.sheet(L.SHEET_FACTS, L.FACT_COLUMNS, ("id",))
        if sh is None:
            return out
        for r in self.rows(sh):
            fid = self.get(sh, r, "id", C.word)
            written = self._fact_row(sh, r, fid or "?")
            if written is None:
                continue
            if fid is None:
                self.fail("số liệu thiếu mã ở cột 'Mã số liệu'", sh.title, r, sh.columns["id"])
                continue
            if not FACT_ID.match(fid):
                self.fail(f"mã số liệu '{fid}' không đúng dạng nhom.ten (vd. petitions.settled)", sh.title, r,
                          sh.columns["id"], f"facts.{fid}")
                continue
            if fid in rows_of:
                self.fail(f"mã số liệu '{fid}' bị lặp (đã có ở dòng {rows_of[fid]})", sh.title, r, sh.columns["id"],
                          f"facts.{fid}")
                continue
            rows_of[fid] = r
            if written is not False:
                out[fid] = written
                self.addr[f"facts.{fid}"] = self.where(sh.title, r)
                for key, col in (("value", "value"), ("num", "num"), ("den", "den"), ("percent", "percent"),
                                 ("done", "done"), ("total", "total"), ("not_applicable", "na_items")):
                    if key in written and col in sh.columns:  # a fault in a figure is shown at its cell
                        self.addr[f"facts.{fid}.{key}"] = self.where(sh.title, r, sh.columns[col])
        return out

    def _fact_row(self, sh: Sheet, r: int, fid: str):
        """The row's written form; None for an empty row; False when the row had errors (already recorded)."""
        fld = f"facts.{fid}"
        ok: list = []
        typ = self.get(sh, r, "type", lambda v: C.choice(v, L.TYPE_BY_WORD, "loại số liệu"), fld, ok)
        value_col = sh.columns.get("value")
        raw = None
        if value_col is not None:
            try:
                raw = self.raw_value(sh, r, value_col)
            except C.CellError as exc:
                self.fail(str(exc), sh.title, r, value_col, fld)
                ok.append(False)
        na = isinstance(raw, str) and is_not_applicable(raw)
        vals: dict[str, Any] = {}
        if raw is not None and not na and not C.is_blank(raw):
            as_flag = typ == "yesno" or (typ is None and (isinstance(raw, bool) or
                                                          (isinstance(raw, str) and not raw.strip().isdigit())))
            try:
                vals["value"] = C.yes_no(raw) if as_flag else C.integer(raw)
            except C.CellError as exc:
                self.fail(str(exc), sh.title, r, value_col, f"{fld}.value")
                ok.append(False)
        for key in ("num", "den", "done", "total", "na_items"):
            v = self.get(sh, r, key, C.integer, f"{fld}.{key}", ok)
            if v is not None:
                vals[key] = v
        pct = self.get(sh, r, "percent", C.decimal, f"{fld}.percent", ok)
        if pct is not None:
            vals["percent"] = pct
        meta: dict[str, Any] = {}
        for key, parse in (("reason", C.text), ("source", C.text), ("note", C.text), ("confidence", C.decimal),
                           ("review", C.yes_no)):
            v = self.get(sh, r, key, parse, f"{fld}.{key}", ok)
            if v is not None:
                meta[key] = v
        if ok:
            return False
        if typ == "checklist" and set(vals) == {"total"} and not na:
            vals = {}  # the template fills the pack's total: alone it is not evidence
        if not vals and not na:
            if meta:
                self.fail("dòng có nguồn/ghi chú nhưng chưa nhập giá trị", sh.title, r, value_col or sh.columns["id"], fld)
                return False
            return None
        col = lambda key: sh.columns.get(key, sh.columns["id"])  # noqa: E731
        if na:
            extra = [k for k in vals if not (typ == "checklist" and k == "total")]
            if extra:
                self.fail(f"đã ghi \"{L.NOT_APPLICABLE}\" thì không nhập thêm số liệu ở cột này", sh.title, r,
                          col(extra[0]), f"{fld}.{extra[0]}")
                return False
            written: dict[str, Any] = {"not_applicable": True}
        else:
            kind = typ or self._infer(vals)
            allowed = L.TYPE_COLUMNS[kind]
            stray = [k for k in L.VALUE_KEYS if k in vals and k not in allowed]
            if stray:
                self.fail(f"số liệu loại '{L.TYPE_WORDS[kind]}' không dùng cột "
                          f"'{next(c.header for c in L.FACT_COLUMNS if c.key == stray[0])}'", sh.title, r,
                          col(stray[0]), f"{fld}.{stray[0]}")
                return False
            written = self._written(kind, vals, sh, r, fld)
            if written is None:
                return False
        written.update(meta)
        try:
            FactValue.model_validate(written)
        except ValidationError as exc:
            first = next((k for k in ("done", "num", "percent", "value") if k in vals), "value")
            for e in exc.errors(include_url=False):
                msg = str(e.get("ctx", {}).get("error", e["msg"])) if e["type"] == "value_error" else e["msg"]
                loc_key = str(e["loc"][0]) if e["loc"] and str(e["loc"][0]) in sh.columns else first
                self.fail(msg, sh.title, r, col(loc_key), fld)
            return False
        return written

    @staticmethod
    def _infer(vals: dict) -> str:
        if "value" in vals:
            return "yesno" if isinstance(vals["value"], bool) else "count"
        if vals.keys() & {"num", "den", "percent"}:
            return "rate"
        return "checklist"

    def _written(self, kind: str, vals: dict, sh: Sheet, r: int, fld: str) -> Optional[dict]:
        col = lambda key: sh.columns.get(key, sh.columns["id"])  # noqa: E731
        if kind in ("count", "yesno"):
            v = vals.get("value")
            if kind == "count" and isinstance(v, bool):
                self.fail("số liệu loại 'số đếm' cần số nguyên, không phải có/không", sh.title, r, col("value"), fld)
                return None
            return {"value": v}
        if kind == "rate":
            if "percent" in vals:
                if "num" in vals or "den" in vals:
                    self.fail("nhập tử số và mẫu số, hoặc tỷ lệ %, không nhập cả hai", sh.title, r, col("percent"),
                              f"{fld}.percent")
                    return None
                return {"percent": vals["percent"]}
            for key, what in (("num", "tử số"), ("den", "mẫu số")):
                if key not in vals:
                    self.fail(f"tỷ lệ thiếu {what} (cần cả tử số và mẫu số, hoặc chỉ tỷ lệ %)", sh.title, r, col(key),
                              f"{fld}.{key}")
                    return None
            return {"num": vals["num"], "den": vals["den"]}
        for key, what in (("done", "số nội dung đã thực hiện"), ("total", "tổng số nội dung")):
            if key not in vals:
                self.fail(f"danh mục thiếu {what}", sh.title, r, col(key), f"{fld}.{key}")
                return None
        return {"done": vals["done"], "total": vals["total"], "not_applicable": vals.get("na_items", 0)}

    def notes(self) -> list[dict]:
        out: list[dict] = []
        sh = self.sheet(L.SHEET_NOTES, L.NOTE_COLUMNS, ("text",))
        if sh is None:
            return out
        for r in self.rows(sh):
            t = self.get(sh, r, "text", C.text, f"notes[{len(out)}].text")
            s = self.get(sh, r, "source", C.text, f"notes[{len(out)}].source")
            if t is None:
                if s is not None:
                    self.fail("có nguồn nhưng chưa có nội dung ghi chú", sh.title, r, sh.columns["text"])
                continue
            out.append({"text": t, **({"source": s} if s is not None else {})})
        return out

    def meta(self) -> dict[str, Any]:
        ws = self._find_sheet(L.SHEET_META)
        out: dict[str, Any] = {}
        if ws is None:
            return out
        for r in range(1, min(ws.max_row, 10_000) + 1):
            k, v = C.word(ws.cell(r, 1).value), ws.cell(r, 2).value
            if k is None:
                continue
            v = C.text(v)
            if k == "record.extraction":
                out[k] = out.get(k, "") + (v or "")
            elif v is not None:
                out[k] = v
        if "record.extraction" in out:
            try:
                out["record.extraction"] = json.loads(out["record.extraction"], parse_float=Decimal)
            except ValueError:
                self.fail("dữ liệu trích xuất (record.extraction) bị hỏng", L.SHEET_META)
        if out.get("format") not in (None, L.FORMAT):
            self.fail(f"phiếu có định dạng '{out['format']}', phiên bản này đọc '{L.FORMAT}'", L.SHEET_META)
        return out


def _open(p: Path):
    """The workbook and the bytes openpyxl reads (an .ods is first copied into an .xlsx workbook)."""
    name = str(p)
    raw = read_bytes(p, "tệp hồ sơ minh chứng", MAX_BYTES, EvidenceError)
    if p.suffix.lower() == ".ods":
        from . import odsio

        wb = odsio.to_workbook(raw, name)
        converted = io.BytesIO()
        wb.save(converted)  # so that reading cached formula values finds the same cells
        return wb, converted.getvalue(), raw
    not_xlsx = "không phải tệp Excel .xlsx hợp lệ (tệp .xls cũ, tệp có mật khẩu hoặc tệp hỏng): mở bằng Excel/LibreOffice " \
               "rồi lưu lại dạng .xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise EvidenceError.one("tệp Excel giải nén quá lớn (nghi tệp hỏng hoặc độc hại)", file=name)
    except zipfile.BadZipFile:
        raise EvidenceError.one(not_xlsx, file=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            wb = load_workbook(io.BytesIO(raw), data_only=False)
    except EvidenceError:
        raise
    except Exception:  # openpyxl raises many types for a damaged package; all mean the same to a clerk
        raise EvidenceError.one(not_xlsx, file=name)
    return wb, raw, raw


def read(path: str | Path) -> tuple[LoadedEvidence, dict]:
    """The record and the workbook's metadata (the pack it was made for)."""
    p = Path(path)
    wb, raw, original = _open(p)
    rd = _Reader(wb, raw, str(p))
    meta = rd.meta()
    ward, period, status = rd.ward()
    data: dict[str, Any] = {}
    if "record.schema" in meta:
        data["schema"] = meta["record.schema"]
    data.update(ward=ward, period=period)
    if status is not None:
        data["status"] = status
    data["documents"] = rd.documents()
    data["facts"] = rd.facts()
    data["notes"] = rd.notes()
    if isinstance(meta.get("record.extraction"), dict):
        data["extraction"] = meta["record.extraction"]
    # The ward sheet is checked on its own first, so its faults are listed with the rows' faults.
    skeleton = {k: data[k] for k in ("schema", "ward", "period", "status") if k in data}
    for model_data in ([skeleton] if rd.problems else [data]):
        try:
            record = Evidence.model_validate(model_data)
        except ValidationError as exc:
            for pr in translate(exc, str(p), {}):
                pr.file = address_of(rd.addr, pr.field) or f"{p}, trang '{L.SHEET_WARD}'"
                rd.problems.append(pr)
    if rd.problems:
        raise EvidenceError(rd.problems)
    made_for = {k.split(".", 1)[1]: str(meta[k]) for k in ("pack.id", "pack.version", "pack.sha256") if k in meta}
    return LoadedEvidence(path=str(p), sha256=hashlib.sha256(original).hexdigest(), record=record,
                          made_for=made_for or None, addresses=rd.addr), meta


def read_workbook(path: str | Path) -> LoadedEvidence:
    return read(path)[0]
