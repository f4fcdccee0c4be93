"""Driving LibreOffice, Chromium and pdftotext from tests, each in a throw-away profile."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path


def to_pdf(soffice: str, src: Path, outdir: Path, fmt: str = "pdf") -> Path:
    """Convert with LibreOffice headless, in a private profile so parallel runs do not collide."""
    profile = outdir / "lo-profile"
    proc = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                           "--convert-to", fmt, str(src), "--outdir", str(outdir)],
                          capture_output=True, text=True, timeout=180)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert proc.returncode == 0 and out.exists(), f"LibreOffice không chuyển được {src}: {proc.stdout}{proc.stderr}"
    return out


def chromium_run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=180)


def pdf_text(pdftotext: str, pdf: Path, layout: bool = True) -> str:
    """The text of `pdf`; `layout=False` reads columns one after the other rather than side by side."""
    return subprocess.run([pdftotext, *(["-layout"] if layout else []), str(pdf), "-"], capture_output=True, text=True, timeout=60,
                          check=True).stdout


def print_pdf(chromium: str, html: str, workdir: Path, name: str) -> Path:
    """`html` printed to A4 by headless Chromium as a clerk's browser would (no header/footer)."""
    page = workdir / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    pdf = workdir / f"{name}.pdf"
    run = chromium_run(chromium, workdir / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert run.returncode == 0 and pdf.exists(), run.stderr
    return pdf


def pdf_pages(pdf: Path) -> int:
    """The page count, read from the page tree (Chromium writes one /Type /Pages with /Count)."""
    counts = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf.read_bytes())
    assert counts, f"{pdf}: không đọc được số trang"
    return max(int(a or b) for a, b in counts)


def words_right_edge(pdftotext: str, pdf: Path) -> list[tuple[float, float, str]]:
    """(right edge of each word, page width, word) from pdftotext's bounding boxes."""
    out = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    return [(float(x), width, w) for x, w in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" '
                                                         r'yMax="[\d.]+">([^<]*)</word>', out)]


def png_page(pdftoppm: str, pdf: Path, out: Path, page: int = 1, dpi: int = 100) -> Path:
    """One page of `pdf` as a PNG (what the README shows and a reviewer looks at): at 100 dpi, since
    at 60 the marks on capitals (Ủ, À, Ĩ in "ỦY BAN", "HÒA", "NGHĨA") fall below a pixel and vanish."""
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(out.with_suffix(""))], capture_output=True, timeout=60, check=True)
    return out
