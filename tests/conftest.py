"""Shared fixtures. Plain helpers live in support.py."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from support import QN_PACK

@pytest.fixture(scope="session")
def qn_pack():
    from scoring import api

    return api.load_pack(QN_PACK)


@pytest.fixture
def runner():
    return CliRunner()
