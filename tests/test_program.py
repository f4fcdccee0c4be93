"""The `dvcq` console script's wrapper (scoring/program.py): same output and exit codes as the click
group it wraps, its process settings in the program only, never in a program importing `scoring`."""
from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

import scoring.cli
from scoring import program
from support import QN_SAMPLES, ROOT

SAMPLE = next(p for p in QN_SAMPLES if p.stem == "nguyen-nghiem-2023")
ENV = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}


def _run(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, env=ENV, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("args", [("score", str(SAMPLE.relative_to(ROOT))),
                                  ("score", str(SAMPLE.relative_to(ROOT)), "--format", "json"),
                                  ("score", "khong-co-tep.yaml")])
def test_the_program_prints_and_exits_as_the_click_group(args):
    ours, group = _run("scoring.program", *args), _run("scoring.cli", *args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (group.returncode, group.stdout, group.stderr)
    assert ours.returncode == (2 if "khong-co-tep.yaml" in args else 0)


def test_importing_the_library_changes_neither_the_environment_nor_the_collector():
    probe = ("import gc, os, scoring.api, scoring.cli, scoring.program\n"
             "print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'), gc.isenabled(), gc.get_freeze_count(), gc.get_threshold())")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    bare = subprocess.run([sys.executable, "-c", "import gc; print(gc.get_threshold())"], capture_output=True, text=True)
    assert out.stdout.split(" ", 3) == ["None", "True", "0", bare.stdout]  # the interpreter's own thresholds


def test_the_command_runs_with_plugins_off_and_the_collector_on(monkeypatch):
    """Collection resumes before the command runs (batch and serve run long), only less often for
    the youngest objects; plugins stay off."""
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "restored-after-the-test")
    seen = {}
    before = gc.get_threshold()

    def command():
        seen.update(enabled=gc.isenabled(), plugins=os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
                    gen0=gc.get_threshold()[0], older=gc.get_threshold()[1:])
        raise SystemExit(0)

    monkeypatch.setattr(scoring.cli, "main", command)
    try:
        with pytest.raises(SystemExit):
            program.main()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert seen == {"enabled": True, "plugins": "__all__", "gen0": program.GEN0, "older": before[1:]}
    assert gc.isenabled()


def test_pydantic_own_loader_answers_no_plugins_under_the_setting_the_program_uses():
    """The program gives pydantic the answer its loader would give with plugins off (`()`), without
    importing the loader's entry-point scanner; if a pydantic release changes what its loader
    exposes or answers, this fails instead of dvcq silently diverging from pydantic."""
    probe = ("import os, sys\nos.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
             "from pydantic.plugin import _schema_validator\n"
             "from pydantic.plugin._loader import get_plugins\n"
             "print(repr(tuple(get_plugins())), 'get_plugins' in _schema_validator.create_schema_validator.__code__.co_names)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["()", "True"]


def test_the_program_never_imports_the_plugin_scanner_and_a_library_user_keeps_it():
    probe = ("import sys\nfrom scoring import program\nprogram.plugins_off()\n"
             "from scoring import api\n"
             "r = api.score(api.load_record(sys.argv[1]))\n"
             "print(r.total, 'importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, str(SAMPLE)], capture_output=True, text=True, env=ENV,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[1] == "False"
    lib = ("import sys\nfrom scoring import api\nr = api.score(api.load_record(sys.argv[1]))\n"
           "print(r.total, 'site-packages' in (getattr(sys.modules['pydantic.plugin._loader'], '__file__', None) or ''))")
    out2 = subprocess.run([sys.executable, "-c", lib, str(SAMPLE)], capture_output=True, text=True, env=ENV,
                          cwd=ROOT, timeout=120)
    assert out2.returncode == 0, out2.stderr
    assert out2.stdout.split() == [out.stdout.split()[0], "True"]  # same total; pydantic's own loader
