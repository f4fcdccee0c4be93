"""System tools the print tests drive (installed by scripts/install-system-deps.sh).

A test that needs one is skipped, with the install command in the reason, when it is absent:
the formats themselves are still tested without them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
INSTALL = "chạy scripts/install-system-deps.sh (apt-get install libreoffice-calc chromium fonts-dejavu-core poppler-utils)"


def _tool(*names: str) -> str:
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    pytest.skip(f"không có {' / '.join(names)} trên máy này: {INSTALL}")


@pytest.fixture(scope="session")
def soffice():
    return _tool("soffice", "libreoffice")


@pytest.fixture(scope="session")
def chromium():
    return _tool("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def pdftotext():
    return _tool("pdftotext")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def pdftoppm():
    return _tool("pdftoppm")
