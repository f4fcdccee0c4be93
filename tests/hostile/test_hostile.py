"""Every hostile input through the CLI: exit 2, stdout empty, the file and the field (or the fault)
named in stderr, no traceback, nothing executed, and no hang (an alarm fails a case that would
block; the crash-prone ones also run in a real subprocess below, under a memory limit)."""
from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.cli import main

from .cases import MARKER, PACK_CASES, RECORD_CASES, ROOT, SAMPLE, build, environment, text

HANG_GUARD_S = 60  # not a speed target: a case that needs this long is hanging


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture
def guard():
    def alarm(signum, frame):
        raise TimeoutError("hostile input hung the command")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_GUARD_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def check(result, path: Path, words: list[str]) -> None:
    out, err = result.stdout, result.stderr
    assert result.exit_code == 2, (result.exit_code, out, err, result.exception)
    assert "Traceback" not in out + err
    assert "lỗi nội bộ" not in err
    assert path.name in err, err
    for w in words:
        assert w in err, (w, err)
    assert not (path.parent / MARKER).exists(), "a YAML tag or an expression ran a command"


def test_at_least_thirty_kinds():
    assert len(RECORD_CASES) + len(PACK_CASES) >= 30


@pytest.mark.parametrize("case", RECORD_CASES, ids=[c[0] for c in RECORD_CASES])
def test_hostile_record(case, tmp_path, guard, runner):
    path = build(case, tmp_path)
    for command in (["score", str(path)], ["validate", str(path)]):
        check(runner.invoke(main, command), path, case[3])


@pytest.mark.parametrize("case", PACK_CASES, ids=[c[0] for c in PACK_CASES])
def test_hostile_pack(case, tmp_path, guard, runner):
    path = build(case, tmp_path)
    check(runner.invoke(main, ["score", str(SAMPLE), "--rules", str(path)]), path, case[3])
    check(runner.invoke(main, ["rules", "lint", str(path)]), path, case[3])


# -- a real process: crashes (segfault, abort) and runaway memory cannot hide in CliRunner ----------

DVCQ = ROOT / ".venv" / "bin" / "dvcq"
MEMORY_LIMIT = 2 * 1024**3


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_dvcq(*args: str) -> subprocess.CompletedProcess:
    exe = [str(DVCQ)] if DVCQ.exists() else [sys.executable, "-m", "scoring.cli"]
    return subprocess.run(exe + list(args), capture_output=True, text=True, timeout=HANG_GUARD_S,
                          preexec_fn=_limit_memory, env=environment(), cwd=ROOT)


# libyaml composes nested flow collections by C recursion: 2,000,000 levels used to segfault.
DEEP_FLOW = ("deep-flow-2M", "deepflow.yaml", text("a: " + "[" * 2_000_000 + "]" * 2_000_000 + "\n"), ["quá sâu"])
DEEP_MAPPING = ("deep-mapping-600k", "deepmap.yaml", text("a: " + "{a: " * 600_000 + "1" + "}" * 600_000 + "\n"), ["quá sâu"])
SUBPROCESS_CASES = [DEEP_FLOW, DEEP_MAPPING] + [c for c in RECORD_CASES if c[0] in (
    "billion-laughs", "huge-exponent", "tiny-exponent", "json-huge-integer", "ten-megabytes", "python-object-apply",
    "symlink-loop", "deep-json", "latin-1")]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c[0] for c in SUBPROCESS_CASES])
def test_hostile_record_in_a_real_process(case, tmp_path):
    path = build(case, tmp_path)
    r = run_dvcq("score", str(path))
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stdout + r.stderr and r.stdout == ""
    assert path.name in r.stderr
    for w in case[3]:
        assert w in r.stderr, (w, r.stderr)
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize("case", [c for c in PACK_CASES if c[0] in ("veto-call", "pack-python-tag", "pack-quoted-tiny-step")],
                         ids=lambda c: c[0])
def test_hostile_pack_in_a_real_process(case, tmp_path):
    path = build(case, tmp_path)
    r = run_dvcq("score", str(SAMPLE), "--rules", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr and path.name in r.stderr, r.stderr
    assert not (tmp_path / MARKER).exists()
