"""Writing result files safely: atomically, and never over an input or an existing file by accident."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Union

from .errors import UsageError


def write_atomic(path: Union[str, Path], data: Union[str, bytes, Iterable[str]], protect: Iterable[Union[str, Path]] = (),
                 force: bool = False) -> None:
    """Write via a temporary file in the same folder and `os.replace`, so a crash leaves the old file.

    `protect` lists the command's inputs: writing over one of them is refused even with `force`.
    """
    target = Path(path)
    for p in protect:
        try:
            if p and target.exists() and Path(p).exists() and os.path.samefile(target, p):
                raise UsageError.one(f"không ghi đè lên tệp đầu vào {p}", file=str(target),
                                     hint="chọn một tên tệp kết quả khác")
        except OSError:
            pass
    if target.exists() and not force:
        raise UsageError.one("tệp kết quả đã tồn tại", file=str(target), hint="dùng --force để ghi đè, hoặc chọn tên khác")
    if target.is_dir():
        raise UsageError.one("đường dẫn kết quả là một thư mục", file=str(target))
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError.one("thư mục chứa tệp kết quả không tồn tại", file=str(target))
    import tempfile  # only when a file is written: most commands print to stdout

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (str, bytes)):
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:  # text chunks (a streamed JSON batch): written as they are made
                for chunk in data:
                    fh.write(chunk.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
