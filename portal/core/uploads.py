"""Attachments: what is accepted and how it is stored (issue 12).

A file's type is read from its bytes, never from its name: a PDF, PNG or JPEG by its signature, a
.docx or .xlsx by the parts inside the zip, and an Office zip is checked by the core's docxguard
(part count, inflated size, no DTD/entities, bounded depth) before it is kept, so a zip bomb or an
XML entity bomb is refused in bounded time and memory. The name the user gave is only a label: the
stored file is named by a random id inside DVCQ_DATA_DIR/files. Sizes are enforced while the body
is read (LimitedUploadHandler), so an oversized file is never written anywhere, and a file is written
to a temporary name, flushed and renamed, so a crash or a full disk never leaves a truncated file
under a name the database refers to. A request body too big to keep in memory is spooled by
SpoolUploadHandler: a full disk there drops the spooled file and the view says the disk is full, where
Django's own handler would end the request with a 500.
"""
from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler

from scoring.errors import DvcqError
from scoring.extract.docxguard import check_docx

from . import diskfull

TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LABEL = {".pdf": "PDF", ".png": "ảnh PNG", ".jpeg": "ảnh JPEG", ".docx": "Word (.docx)", ".xlsx": "Excel (.xlsx)"}
TMP_PREFIX = ".dang-ghi-"
DISK_FULL = ("Máy chủ hết chỗ lưu tệp; tệp chưa được nhận, hồ sơ không thay đổi. "
             "Hãy báo quản trị tỉnh và thử lại sau.")


class UploadRefused(Exception):
    """Why a file was not kept, in Vietnamese, naming the file."""


@dataclass(frozen=True)
class Accepted:
    raw: bytes
    ext: str
    content_type: str
    sha256: str
    label: str          # the user's file name, reduced to a harmless display name


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "files"


def display_name(name: str) -> str:
    """The last path component without control characters, at most 200 characters (never a path)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip().lstrip(".")
    return (base or "tep")[:200]


def sniff(raw: bytes) -> str | None:
    """The type the bytes are, as an extension (.pdf .png .jpeg .docx .xlsx), or None."""
    if raw.startswith(b"%PDF-"):
        return ".pdf"
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if raw.startswith(b"\xff\xd8\xff"):
        return ".jpeg"
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                names = set(z.namelist()[:5000])
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return ".docx"
            if "xl/workbook.xml" in names:
                return ".xlsx"
    return None


def accept(uploaded, *, existing: int) -> Accepted:
    """Check one uploaded file (Django's UploadedFile) for a dossier that already has `existing` files."""
    label = display_name(uploaded.name or "")
    limit = settings.UPLOAD_MAX_FILES_PER_DOSSIER
    if existing >= limit:
        raise UploadRefused(f"Hồ sơ đã có {existing} tệp đính kèm, tối đa {limit}; không nhận thêm '{label}'.")
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(f"Tệp '{label}' quá lớn ({uploaded.size} byte > {settings.UPLOAD_MAX_BYTES} byte).")
    raw = uploaded.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(raw) > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(f"Tệp '{label}' quá lớn (hơn {settings.UPLOAD_MAX_BYTES} byte).")
    ext = sniff(raw)
    if ext is None:
        raise UploadRefused(f"Tệp '{label}': chỉ nhận PDF, ảnh PNG/JPEG, .docx, .xlsx — nội dung không đúng loại "
                            "nào trong số đó (loại tệp được xét theo nội dung, không theo tên).")
    named = Path(label).suffix.lower().replace(".jpg", ".jpeg")
    if named != ext:
        raise UploadRefused(f"Tệp '{label}': tên ghi {named or '(không có đuôi)'} nhưng nội dung là {LABEL[ext]}; "
                            f"hãy đặt lại tên tệp cho đúng.")
    if ext in (".docx", ".xlsx"):
        try:
            check_docx(raw, label)
        except DvcqError as exc:
            why = "; ".join(p.message for p in exc.problems).replace("tệp .docx", f"tệp {ext}")
            raise UploadRefused(f"Tệp '{label}' bị từ chối: {why}.") from None
    return Accepted(raw, ext, TYPES[ext], hashlib.sha256(raw).hexdigest(), label)


def store(raw: bytes) -> str:
    """Write the bytes under a new random name; return the name. All or nothing, also on a full disk."""
    folder = files_dir()
    name = uuid.uuid4().hex
    tmp = folder / f"{TMP_PREFIX}{name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / name)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if diskfull.noted(exc, "lưu tệp đính kèm", tmp):
            raise UploadRefused(DISK_FULL) from None
        raise
    return name


def discard(name: str) -> None:
    """Remove a stored file whose database row was not written (the transaction failed)."""
    (files_dir() / name).unlink(missing_ok=True)


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a file larger than UPLOAD_MAX_BYTES is dropped while it streams
    in, before Django keeps it in memory or a temporary file; the view then says it was too large."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.dvcq_too_large = display_name(self.file_name or "")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class SpoolUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler (FILE_UPLOAD_TEMP_DIR) for bodies too big to keep in memory, except
    that a full disk drops the half-spooled file (closing a NamedTemporaryFile removes it) and marks the
    request (`dvcq_disk_full`), so the view answers with DISK_FULL instead of the request ending in a 500."""

    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError as exc:
            self._give_up(exc)

    def receive_data_chunk(self, raw_data, start):
        try:
            self.file.write(raw_data)
            self.file.flush()  # a full disk shows here, not later in file_complete's seek or in close
        except OSError as exc:
            self._give_up(exc)

    def _give_up(self, exc: OSError):
        f = getattr(self, "file", None)
        if not diskfull.noted(exc, "nhận tệp tải lên vào thư mục tạm", f.temporary_file_path() if f else None):
            raise exc  # any other error is left to Django, as its own handler would
        if f is not None:
            del self.file  # closed here; Django's parser closes what a handler still holds
            try:
                f.close()  # flushing the rest fails again on a full disk; the file is unlinked all the same
            except OSError:
                pass
        if self.request is not None:
            self.request.dvcq_disk_full = display_name(self.file_name or "")
        raise SkipFile()
