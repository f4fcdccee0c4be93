"""Shared fixtures. Plain helpers live in support.py."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from click.testing import CliRunner

from support import QN_PACK

# Every dvcq the tests start (in process or as a subprocess) caches packs here, not in ~/.cache.
_CACHE = tempfile.mkdtemp(prefix="dvcq-test-cache-")
os.environ["DVCQ_CACHE_DIR"] = _CACHE


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def qn_pack():
    from scoring.pack import load_pack

    return load_pack(QN_PACK)


@pytest.fixture
def runner():
    return CliRunner()
