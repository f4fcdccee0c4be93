"""Scoring never depends on HOME or on the user's account: `dvcq score` in a real process with HOME
unset, with an empty environment (`env -i PATH=…`), with HOME pointing nowhere usable, and as a uid
that has no account. The pack cache that lived in ~/.cache (and unpickled files from there) is gone;
these keep anything like it from coming back."""
from __future__ import annotations

import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .cases import ROOT

SAMPLE = ROOT / "samples" / "quang-ngai" / "pho-van-2023.yaml"
GOLDEN = (ROOT / "tests" / "golden" / "pho-van-2023.json").read_text(encoding="utf-8")
DVCQ = Path(sys.executable).parent / "dvcq"
PATH = f"{Path(sys.executable).parent}:/usr/bin:/bin"


def score(env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(DVCQ), "score", str(SAMPLE), "--format", "json"], env=env, cwd="/",
                          capture_output=True, text=True, timeout=120, **kw)


def assert_scored(r: subprocess.CompletedProcess) -> None:
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout == GOLDEN and "Traceback" not in r.stderr


def test_score_with_home_unset():
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    assert_scored(score(env))


def test_score_in_an_empty_environment():
    """`env -i PATH=…`: no HOME, USER, LANG, TMPDIR or anything else a process usually inherits."""
    assert_scored(score({"PATH": PATH}))


def test_score_with_home_unusable_writes_nothing_there(tmp_path):
    a_file = tmp_path / "home-is-a-file"
    a_file.write_text("", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    for home in (tmp_path / "missing", a_file, locked):
        assert_scored(score({"PATH": PATH, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}))
    assert not (tmp_path / "missing").exists() and list(locked.iterdir()) == []


def test_score_leaves_a_writable_home_untouched(tmp_path):
    """Nothing is cached or written under HOME (the old pack cache wrote ~/.cache/dvcq/*.pickle)."""
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": PATH, "HOME": str(home)}
    assert_scored(score(env))
    assert_scored(score(env))
    assert list(home.rglob("*")) == []


def _free_uid() -> int:
    for uid in range(54321, 54400):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    pytest.skip("no free uid")


def _reachable_by_others(path: Path) -> bool:
    """Can any user run this interpreter (every folder on the way searchable by others)?"""
    real = Path(os.path.realpath(path))
    return all(p.stat().st_mode & stat.S_IXOTH for p in [real, *real.parents])


def test_score_as_a_uid_with_no_account():
    """A uid without a passwd entry, HOME unset: `Path.home()` would raise there, so nothing may call it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run as another uid")
    needed = [Path(sys.executable), DVCQ, SAMPLE, ROOT / "scoring"]
    if not all(_reachable_by_others(p) for p in needed):
        pytest.skip(f"{os.path.realpath(sys.executable)} is not reachable by other users on this machine")
    uid = _free_uid()
    assert_scored(score({"PATH": PATH}, user=uid, group=uid))
