"""The pack cache: a hit must give the very pack a fresh load gives; anything doubtful is a miss."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from scoring import packcache
from scoring.pack import load_pack
from scoring.render.json import render as render_json
from scoring.score import evaluate
from support import QN_PACK, QN_SAMPLES, ROOT


class Counting:
    def __init__(self):
        self.calls = 0

    def __call__(self, path):
        self.calls += 1
        return load_pack(path)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv(packcache.CACHE_ENV, str(d))
    monkeypatch.delenv(packcache.OFF_ENV, raising=False)
    return d


@pytest.fixture
def pack_copy(tmp_path):
    p = tmp_path / "qd.yaml"
    shutil.copyfile(QN_PACK, p)
    return p


def test_second_load_is_a_hit_and_scores_identically(cache, pack_copy):
    from scoring.evidence import load_evidence

    loader = Counting()
    fresh = packcache.load(pack_copy, loader)
    cached = packcache.load(pack_copy, loader)
    assert loader.calls == 1 and cached is not fresh
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    for sample in QN_SAMPLES:
        ev = load_evidence(sample)
        assert render_json(evaluate(cached, ev)) == render_json(evaluate(fresh, ev))
    assert [p.render() for p in cached.warnings] == [p.render() for p in fresh.warnings]
    assert cached.line("criteria", 0, "items", 0) == fresh.line("criteria", 0, "items", 0) is not None


def test_an_edited_pack_is_a_miss(cache, pack_copy):
    loader = Counting()
    packcache.load(pack_copy, loader)
    text = pack_copy.read_text(encoding="utf-8")
    pack_copy.write_text(text.replace("version:", "version: '9' #", 1), encoding="utf-8")
    pack = packcache.load(pack_copy, loader)
    assert loader.calls == 2 and pack.meta.version == "9"


def test_another_path_or_other_code_is_a_miss(cache, pack_copy, tmp_path, monkeypatch):
    loader = Counting()
    packcache.load(pack_copy, loader)
    other = tmp_path / "other.yaml"
    shutil.copyfile(pack_copy, other)
    assert packcache.load(other, loader).path == str(other)  # messages must name the file given
    monkeypatch.setattr(packcache, "_fingerprint", b"another version of dvcq")
    packcache.load(pack_copy, loader)
    assert loader.calls == 3


def test_a_damaged_entry_is_ignored_and_rewritten(cache, pack_copy):
    loader = Counting()
    packcache.load(pack_copy, loader)
    (entry,) = cache.glob("*.pickle")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    assert packcache.load(pack_copy, loader).id == "quang-ngai-1211-2022"
    assert loader.calls == 2 and len(entry.read_bytes()) > len(data) // 2
    packcache.load(pack_copy, loader)
    assert loader.calls == 2


def test_a_folder_others_can_write_is_never_read(cache, pack_copy):
    loader = Counting()
    cache.mkdir(mode=0o700)
    packcache.load(pack_copy, loader)
    os.chmod(cache, 0o777)
    packcache.load(pack_copy, loader)
    packcache.load(pack_copy, loader)
    assert loader.calls == 3


def test_off_switch_and_unwritable_folder(cache, pack_copy, monkeypatch, tmp_path):
    loader = Counting()
    monkeypatch.setenv(packcache.OFF_ENV, "1")
    packcache.load(pack_copy, loader)
    packcache.load(pack_copy, loader)
    assert loader.calls == 2 and not cache.exists()
    monkeypatch.delenv(packcache.OFF_ENV)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(packcache.CACHE_ENV, str(blocker / "cache"))  # cannot be created
    assert packcache.load(pack_copy, loader).id == "quang-ngai-1211-2022"


def test_a_bad_pack_is_reported_not_cached(cache, tmp_path):
    from scoring.errors import PackError

    bad = tmp_path / "bad.yaml"
    bad.write_text("format: dvcq-pack/1\npack: {}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PackError):
            packcache.load(bad, load_pack)
    assert not list(cache.glob("*.pickle")) if cache.exists() else True


def test_score_from_the_cache_avoids_the_slow_imports(cache):
    """The startup budget (issue 6) rests on these modules staying out of a cached `dvcq score`.
    (pydantic's model layer, and the importlib.metadata/tempfile its plugin loader imports on the first
    validation, are part of every command since the models are plain pydantic models: issue 15.)"""
    code = ("import sys\nfrom scoring.cli import main\n"
            "try:\n    main(['score', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m for m in ('difflib', 'openpyxl', 'babel') "
            "if m in sys.modules)), file=sys.stderr)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    sample = str(QN_SAMPLES[0])
    subprocess.run([sys.executable, "-c", code, sample], env=env, capture_output=True, check=True)  # fills the cache
    done = subprocess.run([sys.executable, "-c", code, sample], env=env, capture_output=True, text=True, check=True)
    assert "Điểm" in done.stdout
    assert done.stderr.strip().splitlines()[-1:] in ([], [""]), done.stderr
