"""A per-user cache of checked packs, so a command does not re-read, re-check and re-lint an
unchanged rule pack at every start.

Why: loading the Quảng Ngãi pack (YAML, shape checks, method binding, lint, a trial compile) is
≈ 35 ms of a `dvcq score` run whose whole budget above bare imports is ≈ 100 ms (issue 6), and a
pack changes a few times a year while it is read at every command.

What makes a cached pack safe to reuse: the entry is keyed by the pack file's bytes (sha256), the
path it was named by (messages quote it), and a fingerprint of the code that checked it (every
module of `scoring`, by size and modification time, plus the Python and pydantic-core versions), so
editing the pack or upgrading dvcq misses the cache. An entry that cannot be read for any reason is
ignored and rewritten. Entries are pickles, which can carry code, so they are read only from a
folder owned by the current user and writable by nobody else; the folder is created with mode 0700.

Off with `DVCQ_NO_CACHE=1`; elsewhere with `DVCQ_CACHE_DIR=folder` (default
`$XDG_CACHE_HOME/dvcq`, else `~/.cache/dvcq`). Nothing a user wrote is ever written here.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Callable, Optional

CACHE_ENV = "DVCQ_CACHE_DIR"
OFF_ENV = "DVCQ_NO_CACHE"
FORMAT = b"dvcq-pack-cache/1"

_fingerprint: Optional[bytes] = None


def cache_dir() -> Optional[Path]:
    if os.environ.get(OFF_ENV, "").strip() not in ("", "0"):
        return None
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "dvcq"


def code_fingerprint() -> bytes:
    """Changes whenever any module of the package, Python or pydantic-core changes."""
    global _fingerprint
    if _fingerprint is None:
        import pydantic_core

        h = hashlib.sha256()
        h.update(f"{sys.version}|{pydantic_core.__version__}".encode())
        root = Path(__file__).resolve().parent
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(dirpath, name))
                    h.update(f"{os.path.relpath(os.path.join(dirpath, name), root)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        _fingerprint = h.digest()
    return _fingerprint


def _usable(directory: Path) -> bool:
    """Only a folder that is ours alone: someone else's pickle would run their code as us."""
    try:
        st = directory.stat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _entry(directory: Path, path: Path) -> Path:
    return directory / (hashlib.sha256(str(path).encode()).hexdigest()[:32] + ".pack.pickle")


def _key(path: Path, content: bytes) -> bytes:
    return hashlib.sha256(FORMAT + b"|" + str(path).encode() + b"|" + hashlib.sha256(content).digest()
                          + b"|" + code_fingerprint()).digest()


def load(path: Path, loader: Callable[[Path], object]):
    """`loader(path)`, or the pack it returned last time for the same bytes, path and code."""
    directory = cache_dir()
    if directory is None:
        return loader(path)
    from .files import Unreadable, read_bytes
    from .yamlio import MAX_BYTES

    try:
        content = read_bytes(path, "tệp bộ tiêu chí", MAX_BYTES)
    except Unreadable:
        return loader(path)  # the loader names the problem
    key = _key(path, content)
    entry = _entry(directory, path)
    if _usable(directory):
        try:
            with open(entry, "rb") as fh:
                if fh.read(len(key)) == key:
                    return pickle.load(fh)
        except Exception:  # a missing, truncated or stale entry: load afresh below
            pass
    pack = loader(path)
    _store(directory, entry, key, pack)
    return pack


def _store(directory: Path, entry: Path, key: bytes, pack) -> None:
    from .errors import DvcqError
    from .output import write_atomic

    try:
        data = pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return  # a pack that cannot be pickled is simply not cached
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _usable(directory):
            write_atomic(entry, key + data, force=True)
    except (OSError, DvcqError):
        pass  # a read-only home or a full disk costs speed, never a result
