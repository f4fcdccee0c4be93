"""Standard output that tells the truth about whether the result was written.

Python's own stdout gave: `lỗi nội bộ` (exit 1) on a full device, a BrokenPipeError traceback
when a reader stopped early (`| head -c 100`), and exit 0 with nothing written when stdout was
closed. Here stdout is always UTF-8 (a JSON result is UTF-8 whatever PYTHONIOENCODING says; a
character the text cannot hold, such as a file name's undecodable byte, is written as an escape),
and a failed write is remembered and turned into an outcome:

- a closed pipe (EPIPE): silence and exit 141, what a shell reports for `cat` killed by SIGPIPE
  (128 + 13), so `set -o pipefail` still sees that not everything was delivered;
- any other failure (a full device, a closed stdout, an I/O error): a message on stderr, exit 2.
Never exit 0 when the result was not written.
"""
from __future__ import annotations

import errno
import io
import os
import sys
from typing import Callable, Optional

EXIT_PIPE = 141


class StdoutFailed(OSError):
    """Writing the result to stdout failed (the errno says why)."""


class _Stdout(io.FileIO):
    """fd 1, remembering the first failed write; `closed_fd` when fd 1 was closed at start."""

    failed: Optional[OSError] = None
    closed_fd = False

    def write(self, b):
        if self.closed_fd:
            exc = OSError(errno.EBADF, os.strerror(errno.EBADF))
        else:
            try:
                return super().write(b)
            except OSError as e:
                exc = e
        if self.failed is None:
            self.failed = exc
        raise StdoutFailed(exc.errno, exc.strerror)


def _occupy_standard_fds() -> None:
    """Open /dev/null on closed fds 0–2, so that no file opened later becomes 'stdout'."""
    while True:
        fd = os.open(os.devnull, os.O_RDWR)
        if fd > 2:
            os.close(fd)
            return


def install() -> Optional[_Stdout]:
    """Replace sys.stdout (the real one only: a test runner's capture is left alone)."""
    if sys.stdout is not None and sys.stdout is not sys.__stdout__:
        return None
    try:
        os.fstat(1)
        was_closed = False
    except OSError:
        was_closed = True
    _occupy_standard_fds()
    raw = _Stdout(1, "w", closefd=False)
    raw.closed_fd = was_closed
    tty = not was_closed and os.isatty(1)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", errors="backslashreplace",
                                  line_buffering=tty)
    return raw


def run(main: Callable[[], object]) -> None:
    """Run click's `main` (standalone: it ends in SystemExit) with the guarded stdout, then settle
    the exit code from what happened to stdout."""
    raw = install()
    if raw is None:
        main()
        return
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except StdoutFailed:
        code = 1
    try:
        sys.stdout.flush()
    except StdoutFailed:
        pass
    if raw.failed is None:
        sys.exit(code)
    sys.stdout = io.TextIOWrapper(open(os.devnull, "wb"), encoding="utf-8")  # nothing more to flush at exit
    if raw.failed.errno == errno.EPIPE:
        sys.exit(EXIT_PIPE)
    why = "đã bị đóng" if raw.closed_fd or raw.failed.errno == errno.EBADF else raw.failed.strerror
    try:
        print(f"lỗi: không ghi được kết quả ra đầu ra chuẩn (stdout): {why} (dùng -o TÊN_TỆP để ghi ra tệp)",
              file=sys.stderr)
    except Exception:
        pass
    sys.exit(2)
