"""`dvcq backup` / `dvcq restore`: the portal's database and data folder in one archive (issue 12).

Online: the portal keeps serving. The database is read first, in one snapshot transaction (REPEATABLE
READ on PostgreSQL; SQLite's WAL gives a reader a snapshot), as Django's portable JSON (dumpdata), so
an archive made on SQLite restores into PostgreSQL and back. The data folder is copied after: its
files are written before the rows that name them and never changed afterwards, so every file a row
of the snapshot names is already there. MANIFEST.json lists every member with its sha256; restore
checks them all before it writes anything, and only into an empty data folder and a database that
holds no portal data, so nothing existing is ever overwritten. Frozen packs live under the data
folder, so rounds are pointed at the restored copies.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

import click

from scoring.errors import UsageError

FOLDERS = ("files", "dossiers", "packs", "rounds")
FORMAT = "dvcq-backup/1"


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    try:
        import django
    except ImportError:
        raise UsageError.one("chưa cài phần cổng web: pip install 'dvcq[portal]'") from None
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise UsageError.one(str(exc)) from None


def _dump_database() -> bytes:
    from django.core.management import call_command
    from django.db import connection, transaction

    out = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command("dumpdata", "--natural-foreign", "--exclude", "contenttypes", "--exclude",
                     "auth.permission", "--exclude", "sessions", "--exclude", "admin.logentry",
                     "--exclude", "axes", stdout=out)
    return out.getvalue().encode("utf-8")


def make_backup(dest: Path) -> dict:
    """Write the archive to `dest` (which must not exist); return its manifest."""
    from django.conf import settings

    if dest.exists():
        raise UsageError.one("tệp sao lưu đã có, không ghi đè", file=str(dest), hint="chọn tên khác")
    data_dir = Path(settings.DATA_DIR)
    db = _dump_database()
    members: list[tuple[str, Path | bytes]] = [("db.json", db)]
    for folder in FOLDERS:
        root = data_dir / folder
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file() and not p.name.startswith(".dang-ghi-"):
                    members.append((f"data/{p.relative_to(data_dir).as_posix()}", p))
    manifest = {"format": FORMAT, "data_dir": str(data_dir), "files": {}}
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".dvcq-backup-", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:gz") as tar:
            for name, src in members:
                raw = src if isinstance(src, bytes) else src.read_bytes()
                manifest["files"][name] = hashlib.sha256(raw).hexdigest()
                _add(tar, name, raw)
            _add(tar, "MANIFEST.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        os.link(tmp, dest)  # fails rather than replace a file that appeared meanwhile
    finally:
        os.unlink(tmp)
    return manifest


def _add(tar: tarfile.TarFile, name: str, raw: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(raw)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(raw))


def _read_archive(src: Path) -> tuple[dict, dict[str, bytes]]:
    try:
        with tarfile.open(src, mode="r:gz") as tar:
            blobs = {}
            for m in tar.getmembers():
                if not m.isfile() or m.name.startswith("/") or ".." in Path(m.name).parts:
                    raise UsageError.one(f"phần '{m.name}' không hợp lệ trong tệp sao lưu", file=str(src))
                blobs[m.name] = tar.extractfile(m).read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UsageError.one(f"không đọc được tệp sao lưu: {exc}", file=str(src)) from None
    try:
        manifest = json.loads(blobs.pop("MANIFEST.json"))
    except (KeyError, ValueError):
        raise UsageError.one("tệp sao lưu thiếu MANIFEST.json", file=str(src)) from None
    if manifest.get("format") != FORMAT:
        raise UsageError.one(f"định dạng sao lưu không nhận ra: {manifest.get('format')!r}", file=str(src))
    if set(blobs) != set(manifest["files"]):
        raise UsageError.one("danh sách tệp trong sao lưu không khớp MANIFEST.json", file=str(src))
    for name, raw in blobs.items():
        if hashlib.sha256(raw).hexdigest() != manifest["files"][name]:
            raise UsageError.one(f"'{name}' đã bị sửa hoặc hỏng (sha256 không khớp)", file=str(src))
    return manifest, blobs


def restore_backup(src: Path) -> dict:
    """Restore into the configured (empty) data folder and database."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    manifest, blobs = _read_archive(src)
    data_dir = Path(settings.DATA_DIR)
    busy = [f for f in FOLDERS if (data_dir / f).exists() and any((data_dir / f).iterdir())]
    if busy:
        raise UsageError.one(f"thư mục dữ liệu đã có dữ liệu ({', '.join(busy)}); chỉ khôi phục vào thư mục trống",
                             file=str(data_dir))
    call_command("migrate", interactive=False, verbosity=0)
    from portal.core.models import Dossier, Round, Unit

    if Unit.objects.exists() or Round.objects.exists() or Dossier.objects.exists():
        raise UsageError.one("cơ sở dữ liệu đã có dữ liệu của cổng; chỉ khôi phục vào cơ sở dữ liệu trống",
                             hint="tạo cơ sở dữ liệu mới (DATABASE_URL) rồi chạy lại")
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "db.json"
        fixture.write_bytes(blobs.pop("db.json"))
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
            old = manifest["data_dir"].rstrip("/") + "/"
            for rnd in Round.objects.all():
                if rnd.pack_file.startswith(old):
                    Round.objects.filter(pk=rnd.pk).update(pack_file=str(data_dir / rnd.pack_file[len(old):]))
    for name, raw in blobs.items():
        dest = data_dir / name[len("data/"):]
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as fh:
            fh.write(raw)
    return {"files": len(blobs), "dossiers": Dossier.objects.count()}


@click.command()
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def backup(dest):
    """Sao lưu trực tuyến cổng chấm điểm (cơ sở dữ liệu và thư mục dữ liệu) vào tệp DEST (.tar.gz).

    Cổng vẫn chạy trong lúc sao lưu. Cấu hình như dvcq serve: DATABASE_URL, DVCQ_DATA_DIR."""
    _setup()
    m = make_backup(dest)
    click.echo(f"Đã sao lưu {len(m['files'])} tệp (gồm cơ sở dữ liệu) vào {dest}")


@click.command()
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(src):
    """Khôi phục cổng chấm điểm từ tệp sao lưu SRC vào thư mục dữ liệu và cơ sở dữ liệu trống.

    Mọi tệp được kiểm sha256 theo MANIFEST.json trước khi ghi; không ghi đè dữ liệu đang có."""
    _setup()
    out = restore_backup(src)
    click.echo(f"Đã khôi phục {out['dossiers']} hồ sơ và {out['files']} tệp")
