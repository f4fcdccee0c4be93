"""Reading a user's input file safely: the one place dvcq turns a path into bytes.

A path can name anything: a FIFO (opening it for reading waits for a writer, forever), a symlink
to `/dev/zero` (its size is 0 and reading it never ends), a directory, a file that grows while we
read it. So every input is opened once, without blocking, and judged on the open handle (`fstat`,
not a second look at the path, which may have changed): only a regular file is read, and never
more than the limit given, whatever its size said. Everything else is a `Problem` naming the file.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Optional, Union

from .errors import DvcqError, Problem

PathLike = Union[str, "os.PathLike[str]"]
CHUNK = 1 << 20
MAX_INPUT = 20 * 1024 * 1024     # the largest input any command reads (an .xlsx record, a report)

_KINDS = ((stat.S_ISFIFO, "một ống dẫn (FIFO)"), (stat.S_ISCHR, "một thiết bị ký tự (vd. /dev/zero)"),
          (stat.S_ISBLK, "một thiết bị khối"), (stat.S_ISSOCK, "một socket"))


class Unreadable(Exception):
    """An input that cannot be read as a file: carries the ready `Problem`."""

    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


def shown(path: PathLike) -> str:
    """A file name as messages and results show it: bytes that are not UTF-8 (kept by Python as
    lone surrogates) become visible escapes, so printing or encoding the name never fails."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _kind(mode: int) -> Optional[str]:
    if stat.S_ISDIR(mode):
        return "một thư mục"
    for test, word in _KINDS:
        if test(mode):
            return word
    return None if stat.S_ISREG(mode) else "không phải tệp thường"


def _fail(message: str, path: PathLike, error: Optional[type], hint: Optional[str] = None):
    problem = Problem(message, file=shown(path), hint=hint)
    if error is None:
        return Unreadable(problem)
    return error([problem])


def open_regular(path: PathLike, what: str, error: Optional[type[DvcqError]] = None) -> int:
    """An fd open for reading on a regular file, or raise (`error` given: that DvcqError, else `Unreadable`).

    O_NONBLOCK: opening a FIFO returns at once (and is then refused) instead of waiting for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        hint = "liên kết tượng trưng trỏ tới tệp không tồn tại" if os.path.islink(path) else None
        raise _fail(f"không tìm thấy {what}", path, error, hint) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _fail(f"không đọc được {what}: vòng lặp liên kết tượng trưng", path, error) from None
        raise _fail(f"không đọc được {what}: {exc.strerror}", path, error) from None
    try:
        st = os.fstat(fd)
        kind = _kind(st.st_mode)
        if kind is not None:
            hint = "cần một tệp" if kind == "một thư mục" else "chỉ đọc tệp thường, không đọc thiết bị, ống dẫn hay socket"
            raise _fail(f"{what} là {kind}, không phải tệp", path, error, hint)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: PathLike, what: str, limit: int, error: Optional[type[DvcqError]] = None) -> bytes:
    """The whole content of a regular file of at most `limit` bytes.

    The size is checked on the open handle first (a quick refusal), and the read itself stops at
    `limit` + 1 bytes: a file that grows, or lies about its size, is still refused."""
    fd = open_regular(path, what, error)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise _fail(f"{what} quá lớn ({size} byte, tối đa {limit} byte)", path, error)
        parts, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        if got > limit:
            raise _fail(f"{what} quá lớn (hơn {limit} byte)", path, error)
        return b"".join(parts)
    except OSError as exc:
        raise _fail(f"không đọc được {what}: {exc.strerror}", path, error) from None
    finally:
        os.close(fd)


def peek(path: PathLike, size: int) -> Optional[bytes]:
    """The first `size` bytes of a regular file; None for anything that is not one or cannot be read."""
    try:
        fd = open_regular(path, "tệp")
    except Unreadable:
        return None
    try:
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    """A regular file, symlinks followed, without opening it (a listing's quick look)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
