"""Builders for the issue-11 attacks: .docx bombs, non-regular files, and a capped real process."""
from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

from .cases import ROOT, environment

DVCQ = ROOT / ".venv" / "bin" / "dvcq"
MEMORY_LIMIT = 2 * 1024**3
TIME_LIMIT_S = 90          # a cap, not a speed target: a case needing this long is hanging
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_capped(*args, env: dict | None = None, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
               cwd: Path = ROOT, shell_cmd: str | None = None) -> subprocess.CompletedProcess:
    """`dvcq ARGS` in a real process under a memory limit and a time limit (bytes out, not text)."""
    exe = [str(DVCQ)] if DVCQ.exists() else [sys.executable, "-m", "scoring.cli"]
    full_env = environment()
    full_env.update(env or {})
    if shell_cmd is not None:
        return subprocess.run(["bash", "-c", shell_cmd.replace("DVCQ", " ".join(exe))], stdout=stdout,
                              stderr=subprocess.PIPE, stdin=stdin, timeout=TIME_LIMIT_S, preexec_fn=_limit_memory,
                              env=full_env, cwd=cwd)
    return subprocess.run(exe + [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args], stdout=stdout,
                          stderr=subprocess.PIPE, stdin=stdin, timeout=TIME_LIMIT_S, preexec_fn=_limit_memory,
                          env=full_env, cwd=cwd)


def base_docx() -> dict[str, bytes]:
    """The parts of a valid .docx made by python-docx (one paragraph)."""
    import docx

    d = docx.Document()
    d.add_paragraph("BÁO CÁO")
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_docx(path: Path, document_xml: bytes, extra: dict[str, bytes] | None = None) -> Path:
    parts = base_docx()
    parts["word/document.xml"] = document_xml
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def body(inner: bytes, prolog: bytes = b"") -> bytes:
    return (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + prolog
            + f'<w:document xmlns:w="{W}"><w:body>'.encode() + inner + b"</w:body></w:document>")


def paragraphs_docx(path: Path, n: int) -> Path:
    """n empty paragraphs: a few hundred KB of zip, n elements for python-docx to build."""
    return write_docx(path, body(b"<w:p/>" * n))


def billion_laughs_docx(path: Path) -> Path:
    ents = [b'<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">'.encode() for i in range(1, 10)]
    prolog = b"<!DOCTYPE w:document [" + b"".join(ents) + b"]>"
    return write_docx(path, body(b"<w:p><w:r><w:t>&a9;</w:t></w:r></w:p>", prolog))


def deep_docx(path: Path, depth: int = 5000) -> Path:
    return write_docx(path, body(b"<w:p>" + b"<w:r>" * depth + b"</w:r>" * depth + b"</w:p>"))


def entity_docx(path: Path) -> Path:
    """A run whose text continues after an entity: python-docx kept only the text before it."""
    prolog = b'<!DOCTYPE w:document [<!ENTITY xa "x">]>'
    return write_docx(path, body("<w:p><w:r><w:t>Trước &xa; SAU THỰC THỂ</w:t></w:r></w:p>".encode(), prolog))


def inflated_docx(path: Path, size: int) -> Path:
    """A part that inflates to `size` bytes of zeros (a few KB of zip)."""
    parts = base_docx()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        with z.open("word/media/zeros.bin", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(size // len(block)):
                fh.write(block)
    return path
