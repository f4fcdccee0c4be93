"""Checking a .docx before python-docx parses it: a few kilobytes of zip can hold gigabytes of XML.

A .docx is a zip of XML parts. A 136 KB file of a million empty paragraphs kept python-docx busy
for minutes at gigabytes of memory; a part can also declare entities (billion laughs, or an entity
left unresolved, after which python-docx silently drops the rest of the run's text) or nest
elements thousands deep. So before the document is built we check, on the bytes already read:
the number of parts, their declared inflated sizes and the bytes actually inflated, then every XML
part with a streaming parser (no DTD accepted, no entity resolved, libxml2's depth limit kept,
elements and paragraphs counted). Word never writes a DTD into a .docx, so one is refused.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import UsageError

MAX_PARTS = 2_000
MAX_INFLATED = 100 * 1024 * 1024       # all parts together, declared and actually inflated
MAX_PARAGRAPHS = 100_000               # a 300-page report has ~10,000
MAX_ELEMENTS = 3_000_000
MAX_DEPTH = 200                        # Word's deepest nesting (tables in tables) is far below
W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
BAD = "tệp .docx bị hỏng hoặc không phải tài liệu Word (.docx)"
HINT = "mở bằng Word và lưu lại dưới dạng .docx"


def check_docx(raw: bytes, name: str) -> None:
    """Raise UsageError naming `name` if the .docx in `raw` is too large once inflated, or unsafe."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UsageError.one(BAD, file=name, hint=HINT) from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_PARTS:
            raise UsageError.one(f"tệp .docx có quá nhiều phần ({len(infos)}, tối đa {MAX_PARTS})", file=name)
        declared = sum(i.file_size for i in infos)
        if declared > MAX_INFLATED:
            raise UsageError.one(f"tệp .docx giải nén quá lớn ({declared} byte, tối đa {MAX_INFLATED}): "
                                 "nghi tệp hỏng hoặc độc hại", file=name)
        budget = [MAX_INFLATED, MAX_ELEMENTS, MAX_PARAGRAPHS]
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")):
                _check_part(z, info, name, budget)


def _check_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: list[int]) -> None:
    from lxml import etree

    try:
        with z.open(info) as fh:
            data = fh.read(budget[0] + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError):
        raise UsageError.one(BAD, file=name, hint=HINT) from None
    budget[0] -= len(data)
    if budget[0] < 0:
        raise UsageError.one(f"tệp .docx giải nén quá lớn (hơn {MAX_INFLATED} byte): nghi tệp hỏng hoặc độc hại",
                             file=name)
    where = f"{name} (phần {info.filename})"
    depth = 0
    try:
        events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False,
                                 huge_tree=False, no_network=True, load_dtd=False)
        first = True
        for event, el in events:
            if first:
                first = False
                if el.getroottree().docinfo.doctype:
                    raise UsageError.one("tài liệu có khai báo DTD/thực thể (<!DOCTYPE>), Word không bao giờ tạo ra: "
                                         "không đọc", file=where, hint=HINT)
            if event == "start":
                depth += 1
                budget[1] -= 1
                if depth > MAX_DEPTH:
                    raise UsageError.one(f"cấu trúc XML lồng quá sâu (hơn {MAX_DEPTH} cấp)", file=where)
                if budget[1] < 0:
                    raise UsageError.one(f"tài liệu có quá nhiều phần tử XML (hơn {MAX_ELEMENTS})", file=name)
                if el.tag == W_P:
                    budget[2] -= 1
                    if budget[2] < 0:
                        raise UsageError.one(f"tài liệu có quá nhiều đoạn văn (hơn {MAX_PARAGRAPHS})", file=name,
                                             hint="tách báo cáo thành nhiều tệp, hoặc lưu dưới dạng .txt")
            else:
                depth -= 1
                if depth > 1:  # keep memory flat: a finished element is not needed (the root is kept)
                    el.clear(keep_tail=True)
                    parent = el.getparent()
                    while parent is not None and el.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise UsageError.one(f"XML không hợp lệ: {exc}", file=where, hint=HINT) from None
