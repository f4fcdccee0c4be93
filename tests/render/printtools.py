"""Driving LibreOffice, Chromium and pdftotext from tests, each in a throw-away profile."""
from __future__ import annotations

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


def pdf_text(pdftotext: str, pdf: Path) -> str:
    return subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                          check=True).stdout
