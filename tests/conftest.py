"""Shared fixtures. Plain helpers live in support.py."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from support import QN_PACK

@pytest.fixture(autouse=True)
def _fixed_terminal_width(monkeypatch):
    """Tables fit the terminal (COLUMNS, then the tty): the same width in every test run, whatever
    terminal or CI runner starts pytest (a test that is about the width sets its own)."""
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture(scope="session")
def qn_pack():
    from scoring import api

    return api.load_pack(QN_PACK)


@pytest.fixture
def runner():
    return CliRunner()
