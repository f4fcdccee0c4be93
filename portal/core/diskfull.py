"""A full disk (ENOSPC, or the account's quota: EDQUOT) is a state of the server, not a bug: whoever
acted is told in Vietnamese what was not done, and the administrator finds a warning in the server's
log (gunicorn's stderr: `journalctl -u dvcq`) naming the file that could not be written. Any other
OSError stays an error of ours."""
from __future__ import annotations

import errno
import logging

LOG = logging.getLogger("portal.disk")


def is_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def noted(exc: BaseException, doing: str, path=None) -> bool:
    """Whether `exc` is a full disk; if so, a warning for the administrator says what it stopped and
    which file was not written: the error's own (a copy's destination is its second name), else `path`
    (a failed write(), unlike open(), names no file)."""
    if not is_full(exc):
        return False
    LOG.warning("đĩa đầy khi %s: %s (%s)", doing, exc.filename2 or exc.filename or path or "?", exc.strerror)
    return True
