"""Reading a ward's report (.txt, .md, .docx) into sentences that know their section.

A report exported to text keeps each paragraph on one line, but page breaks cut some paragraphs
in two ("... kinh tế - xã" / "hội, an ninh ..."): a line that starts in lower case and follows a
line without closing punctuation is glued back. Markdown marks (headings, emphasis, bullets) are
dropped so that a quoted source reads like the report. Headings are numbered ("II.", "2.3.",
"a.") or written in capitals; a heading about next period's tasks ("NHIỆM VỤ, GIẢI PHÁP", "phương
hướng", "kiến nghị, đề xuất") marks its whole section as *future*: figures there are targets,
not results.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import UsageError
from ..files import read_bytes
from .docxguard import check_docx
from .text import clean_line, nfc

SUPPORTED = (".txt", ".md", ".docx")
MAX_BYTES = 20 * 1024 * 1024

_NUMBERED = re.compile(
    r"^(?:(?P<part>Phần\s+thứ\s+\w+)|(?P<roman>[IVX]{1,5})\s*[.\-–/)]|(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]?(?=\s|[^\d\s])|(?P<letter>[a-hđ])\s*[.)])\s*",
    re.IGNORECASE)
_FUTURE = re.compile(
    r"nhiệm vụ,?\s*giải pháp|phương hướng|nhiệm vụ trọng tâm|thời gian tới|kiến nghị,?\s*đề xuất|đề xuất,?\s*kiến nghị"
    , re.IGNORECASE)
_ABBREV = re.compile(r"(?:\b(?:TT|TP|Tp|ThS|TS|PGS|GS|Ô|Bà|Q|P|X|TX|St|v\.v|Th)|\.\.)$")
_TERMINAL = (".", "!", "?", ":", ";")


@dataclass(frozen=True)
class Sentence:
    text: str
    index: int
    paragraph: int
    section: str = ""
    future: bool = False


@dataclass
class Paragraph:
    text: str
    heading: bool = False
    level: int = 9


@dataclass
class Report:
    path: str
    name: str
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    kind: str = "report"            # "report" (results) or "plan" (tasks)
    kind_word: str = ""             # "BÁO CÁO", "KẾ HOẠCH" as printed
    header: list[str] = field(default_factory=list)   # lines before the title word
    title: str = ""                 # the subject line(s) after "BÁO CÁO"/"KẾ HOẠCH"
    raw: bytes = b""                # the file's bytes as read (once): the draft records their sha256

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.85


def heading_level(text: str, markdown: bool = False, style_level: Optional[int] = None) -> Optional[int]:
    """The level of a heading line (0 part, 1 roman/capitals, 2 '1.', 3 '1.1.', 4 'a.'), or None."""
    if style_level is not None:
        return style_level
    m = _NUMBERED.match(text)
    if m and len(text) <= 260:
        if m.group("part"):
            return 0
        if m.group("roman"):
            return 1
        if m.group("arabic"):
            return 1 + m.group("arabic").count(".") + 1
        return 5
    if _is_caps(text) and len(text) <= 200:
        return 1
    if markdown and len(text) <= 200:
        return 1
    return None


_ITEM = re.compile(r"[a-hđ]\s*[.)]\s")


def _glue(lines: list[tuple[str, bool, Optional[int]]]) -> list[tuple[str, bool, Optional[int]]]:
    """Glue a line cut by a page break back to its paragraph, in time linear in the text.

    A paragraph being glued is kept as its pieces and its letter counts (for `_is_caps`), so each
    line is looked at once: re-checking the grown paragraph on every line took 56 s for 30,000."""
    out: list[tuple[str, bool, Optional[int]]] = []
    pieces: list[str] = []             # the open paragraph (the last one of `out`), in pieces
    letters = upper = 0                # its letters and capitals
    for text, md, style in lines:
        if (pieces and text and text[0].islower() and not pieces[-1].endswith(_TERMINAL)
                and not (letters >= 4 and upper / letters > 0.85) and not _ITEM.match(text)):
            pieces.append(" " + text)
        else:
            if pieces:
                prev = out[-1]
                out[-1] = ("".join(pieces), prev[1], prev[2])
            out.append((text, md, style))
            pieces, letters, upper = [text], 0, 0
        for c in text:
            if c.isalpha():
                letters += 1
                upper += c.isupper()
    if pieces:
        prev = out[-1]
        out[-1] = ("".join(pieces), prev[1], prev[2])
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences end with . ! ? before a capital, a digit, a bullet or a quote; list numbers
    ("1.", "2.3.", "II.") and abbreviations ("TT.") are not ends."""
    out, start = [], 0
    for m in re.finditer(r"[.!?…]+[)\"”’]?\s+", text):
        nxt = text[m.end():m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "“\"(-+•"):
            continue
        head = text[start:m.start() + 1].strip()
        if re.fullmatch(r"(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-hđ])\.?", head, re.IGNORECASE):
            continue
        if _ABBREV.search(text[start:m.start()]):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _build(path: Path, lines: list[tuple[str, bool, Optional[int]]]) -> Report:
    paragraphs: list[Paragraph] = []
    for text, md, style in _glue([ln for ln in lines if ln[0]]):
        level = heading_level(text, md, style)
        paragraphs.append(Paragraph(text, level is not None, level if level is not None else 9))
    if not paragraphs:
        raise UsageError.one("báo cáo không có nội dung chữ nào để trích", file=str(path),
                             hint="kiểm tra lại tệp (tệp rỗng, hoặc .docx chỉ có ảnh chụp)")
    # the kind word ("BÁO CÁO" / "KẾ HOẠCH") near the top, and the subject line(s) that follow it
    kind, kind_word, header, title = "report", "", [], ""
    for i, p in enumerate(paragraphs[:12]):
        word = p.text.strip(" .:").upper()
        if word in ("BÁO CÁO", "KẾ HOẠCH"):
            kind = "plan" if word == "KẾ HOẠCH" else "report"
            kind_word = p.text.strip()
            header = [q.text for q in paragraphs[:i]]
            subject = []
            for q in paragraphs[i + 1:i + 5]:
                if _NUMBERED.match(q.text) or re.match(r"(?:Kính gửi|Căn cứ|Trên cơ sở)", q.text):
                    break
                if q.text.startswith("Thực hiện") and (len(q.text) > 160 or re.search(r"\bsố\s*\d", q.text)):
                    break
                subject.append(q.text)
            title = " ".join(subject)
            break
    # sections and sentences
    sentences: list[Sentence] = []
    stack: list[tuple[int, bool, str]] = []
    for pi, p in enumerate(paragraphs):
        if p.heading:
            while stack and stack[-1][0] >= p.level:
                stack.pop()
            future = bool(_FUTURE.search(p.text)) or (bool(stack) and stack[-1][1])
            stack.append((p.level, future, p.text))
        section = stack[-1][2] if stack else ""
        future = stack[-1][1] if stack else False
        for s in split_sentences(p.text):
            sentences.append(Sentence(s, len(sentences), pi, section, future))
    return Report(str(path), path.name, paragraphs, sentences, kind, kind_word, header, title)


def _read_text(path: Path, raw: bytes) -> list[tuple[str, bool, Optional[int]]]:
    for enc in ("utf-8-sig", "utf-16", "cp1258"):
        if enc == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise UsageError.one("không đọc được bảng mã của tệp", file=str(path), hint="lưu lại tệp dưới dạng UTF-8")
    if "\x00" in text:
        raise UsageError.one("tệp không phải văn bản thuần (có ký tự NUL)", file=str(path),
                             hint="dùng .txt, .md hoặc .docx")
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [(*clean_line(line), None) for line in text.split("\n")]


def _read_docx(path: Path, raw: bytes) -> list[tuple[str, bool, Optional[int]]]:
    check_docx(raw, str(path))  # sizes, part count, paragraphs, DTDs, depth: before python-docx parses
    try:
        import docx  # python-docx
        from lxml.etree import XMLSyntaxError
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise UsageError.one("thiếu thư viện python-docx để đọc .docx", file=str(path),
                             hint="cài đặt: pip install python-docx") from exc
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise UsageError.one("tệp .docx bị hỏng hoặc không phải tài liệu Word (.docx)", file=str(path),
                             hint="mở bằng Word và lưu lại dưới dạng .docx") from exc
    lines: list[tuple[str, bool, Optional[int]]] = []

    def add_paragraph(par) -> None:
        style = (par.style.name if par.style is not None else "") or ""
        level = None
        m = re.match(r"(?:Heading|Tiêu đề)\s*(\d)", style)
        if m:
            level = int(m.group(1))
        elif style == "Title":
            level = 0
        for piece in nfc(par.text).split("\n"):
            text, _ = clean_line(piece)
            lines.append((text, False, level))

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            seen = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    for par in cell.paragraphs:
                        add_paragraph(par)
        else:
            add_paragraph(block)
    return lines


def read_report(path: str | Path) -> Report:
    """Read a report; UsageError (in Vietnamese, naming the file) when it cannot be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        hint = "lưu lại dưới dạng .docx" if suffix == ".doc" else "dùng tệp .txt, .md hoặc .docx"
        raise UsageError.one(f"không hỗ trợ định dạng '{suffix or '(không có đuôi)'}'", file=str(p), hint=hint)
    raw = read_bytes(p, "tệp báo cáo", MAX_BYTES, UsageError)
    lines = _read_docx(p, raw) if suffix == ".docx" else _read_text(p, raw)
    report = _build(p, lines)
    report.raw = raw
    return report
