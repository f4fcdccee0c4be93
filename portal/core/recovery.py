"""After a crash (SIGKILL, power loss): remove what a killed request left half done, before serving.

A submission writes its version folder (dossiers/<id>/v<n>/) and then commits the row that names it;
an upload writes its file and then commits the row that names it. Killed in between, the database
rolls back, so the folder or file is an orphan that nothing refers to. `sweep` removes, under the
dossier's row lock (a running submission holds it), every version folder above the dossier's
committed version, and every stored file no Attachment names that is older than `min_age` seconds
(an upload in flight in another worker is younger). `dvcq serve` and the gunicorn master
(portal/gunicorn.conf.py) run it with min_age=0 before any worker serves.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction


def sweep(min_age: float = 600.0) -> dict:
    from .models import Attachment, Dossier
    from .uploads import TMP_PREFIX

    root = Path(settings.DATA_DIR)
    removed = {"versions": 0, "files": 0}
    dossiers = root / "dossiers"
    if dossiers.is_dir():
        for folder in dossiers.iterdir():
            if not folder.name.isdigit():
                continue
            with transaction.atomic():
                d = Dossier.objects.select_for_update().filter(pk=int(folder.name)).only("version").first()
                committed = d.version if d is not None else 0
                for v in folder.glob("v*"):
                    if v.name[1:].isdigit() and int(v.name[1:]) > committed:
                        shutil.rmtree(v, ignore_errors=True)
                        removed["versions"] += 1
    files = root / "files"
    if files.is_dir():
        now = time.time()
        known = set(Attachment.objects.values_list("stored", flat=True))
        for f in files.iterdir():
            if f.name in known or now - f.stat().st_mtime < min_age:
                continue
            if f.name.startswith(TMP_PREFIX) or len(f.name) == 32:
                f.unlink(missing_ok=True)
                removed["files"] += 1
    return removed
