"""`make` says what to install when there is no C compiler, before pip's build log (durable-rules
is compiled from source). Runs only the Makefile's `check-compiler` rule, never the install."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from support import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", str(ROOT), "check-compiler", *args],
                          capture_output=True, text=True, timeout=60)


def test_a_missing_compiler_is_named_in_vietnamese_and_english_with_what_to_install():
    r = check("CC=/nonexistent/bin/gcc")
    assert r.returncode != 0
    assert "không tìm thấy trình biên dịch C" in r.stdout
    assert "no C compiler found" in r.stdout
    assert "apt-get install gcc python3-dev" in r.stdout
    assert "/nonexistent/bin/gcc" in r.stdout


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler on this machine")
def test_a_present_compiler_passes_silently():
    r = check("CC=cc")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


def test_the_setup_rule_runs_the_check_before_pip():
    recipe = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), ".venv/.installed"], capture_output=True, text=True,
                            timeout=60).stdout
    assert recipe.index("check-compiler") < recipe.index("pip install")
