"""Writing result files safely: atomically, never over an input, never over a file by accident.

- Inputs are protected by identity, not by name: a target is refused when it is the same file
  (st_dev, st_ino) or the same resolved path as anything the command read, `--force` or not.
- Without `--force` the final name is claimed with `link()`, which fails if the name exists: two
  runs writing the same `-o` at once cannot both succeed (a check-then-rename lost one result).
  With `--force` the temporary file replaces the target with `rename()`, keeping the old file
  intact until the new one is complete, and keeping its permission bits.
- New files get 0666 minus the umask, as any program's would.
- The temporary file has a short name (`.dvcq-XXXXXXXX.tmp`: a 249-byte output name still fits
  the 255-byte limit) and is locked (`flock`) while it is written: a run killed with -9 leaves it
  unlocked, and the next write into that folder removes it (once a few seconds old).
- Every failure to write is a `UsageError` naming the output path (exit 2), never the temporary.
"""
from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Iterable, Optional, Union

from .errors import UsageError
from .files import shown

TMP_PREFIX = ".dvcq-"
TMP_SUFFIX = ".tmp"
_TMP_LEN = len(TMP_PREFIX) + 8 + len(TMP_SUFFIX)
STALE_AFTER_S = 2   # younger temporaries are left alone: a writer may not have locked its file yet
_NO_LINK = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}

PathLike = Union[str, Path]


def write_atomic(path: PathLike, data: Union[str, bytes, Iterable[str]], protect: Iterable[Optional[PathLike]] = (),
                 force: bool = False) -> None:
    """Write `data` (str, bytes, or an iterable of str chunks written as they come) to `path`.

    `protect` lists every file the command read: writing over one of them is refused even with `force`."""
    target = Path(path)
    name = shown(target)
    refuse_inputs(target, protect)
    existing = _stat(target, name)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise UsageError.one("đường dẫn kết quả là một thư mục", file=name)
    if existing is not None and not force:
        raise UsageError.one("tệp kết quả đã tồn tại", file=name, hint="dùng --force để ghi đè, hoặc chọn tên khác")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError.one("thư mục chứa tệp kết quả không tồn tại", file=name)
    clean_stale(directory)
    try:
        fd, tmp = _create_temp(directory)
    except OSError as exc:
        raise _cannot_write(exc, name) from None
    try:
        try:
            _write_all(fd, data)
            if force and existing is not None and stat.S_ISREG(existing.st_mode):
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            os.fsync(fd)
            if force:
                os.replace(tmp, target)
            else:
                _claim(tmp, target, name)
        except OSError as exc:
            raise _cannot_write(exc, name) from None
    finally:
        os.close(fd)  # releases the lock
        try:
            os.unlink(tmp)
        except OSError:
            pass


def refuse_inputs(target: Path, protect: Iterable[Optional[PathLike]]) -> None:
    """UsageError if `target` is one of the inputs: same inode, or same path once resolved."""
    try:
        st = os.stat(target)
        ident = (st.st_dev, st.st_ino)
    except OSError:
        ident = None
    real = os.path.realpath(target)
    for p in protect:
        if not p:
            continue
        try:
            pst = os.stat(p)
            same = ident is not None and (pst.st_dev, pst.st_ino) == ident
        except OSError:
            same = False
        if same or os.path.realpath(p) == real:
            raise UsageError.one(f"không ghi đè lên tệp đầu vào {shown(p)}", file=shown(target),
                                 hint="chọn một tên tệp kết quả khác")


def _stat(target: Path, name: str) -> Optional[os.stat_result]:
    try:
        return os.stat(target)
    except FileNotFoundError:
        if os.path.islink(target):  # a dangling symlink: `link()` would fail on it, `replace()` would drop it
            return os.lstat(target)
        return None
    except OSError as exc:
        raise _cannot_write(exc, name) from None


def _cannot_write(exc: OSError, name: str) -> UsageError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "thư mục không cho phép ghi: chọn thư mục khác"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "đĩa đầy"
    else:
        hint = None
    return UsageError.one(f"không ghi được tệp kết quả: {exc.strerror or exc}", file=name, hint=hint)


def _create_temp(directory: Path) -> tuple[int, Path]:
    import fcntl

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = directory / f"{TMP_PREFIX}{secrets.token_hex(4)}{TMP_SUFFIX}"
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies, as for any new file
        except FileExistsError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # a file system without locks: the file is still ours and removed below
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "không tạo được tệp tạm", str(directory))


def _write_all(fd: int, data) -> None:
    def put(b: bytes) -> None:
        view = memoryview(b)
        while view:
            n = os.write(fd, view)
            view = view[n:]

    if isinstance(data, bytes):
        put(data)
    elif isinstance(data, str):
        put(data.encode("utf-8", "backslashreplace"))
    else:  # text chunks (a streamed JSON batch): written as they are made, in ~1 MB writes
        buf: list[bytes] = []
        size = 0
        for chunk in data:
            b = chunk.encode("utf-8", "backslashreplace")
            buf.append(b)
            size += len(b)
            if size >= 1 << 20:
                put(b"".join(buf))
                buf, size = [], 0
        put(b"".join(buf))


def _claim(tmp: Path, target: Path, name: str) -> None:
    """Give the complete temporary file its final name, failing if that name exists by now."""
    try:
        os.link(tmp, target, follow_symlinks=False)
        return
    except FileExistsError:
        raise UsageError.one("tệp kết quả đã tồn tại (vừa được tạo bởi một lệnh khác)", file=name,
                             hint="dùng --force để ghi đè, hoặc chọn tên khác") from None
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
    # no hard links here (FAT, some network shares): claim the name with O_EXCL, then rename over it
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
    except FileExistsError:
        raise UsageError.one("tệp kết quả đã tồn tại (vừa được tạo bởi một lệnh khác)", file=name,
                             hint="dùng --force để ghi đè, hoặc chọn tên khác") from None
    os.replace(tmp, target)


def clean_stale(directory: Path) -> None:
    """Remove our temporary files left in `directory` by a killed run: ours (our name pattern, our
    uid, a regular file) and no longer locked by a live writer."""
    import fcntl

    try:
        with os.scandir(directory) as it:
            names = [e.name for e in it if e.name.startswith(TMP_PREFIX) and e.name.endswith(TMP_SUFFIX)
                     and len(e.name) == _TMP_LEN]
    except OSError:
        return
    for n in names:
        p = directory / n
        try:
            fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
                continue
            if time.time() - st.st_mtime < STALE_AFTER_S:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live run is writing it
            now = os.lstat(p)
            if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                os.unlink(p)
        except OSError:
            pass
        finally:
            os.close(fd)
