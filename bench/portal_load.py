"""Issue 12's load figures for the portal, on loopback only: gunicorn (portal/gunicorn_conf.py) over a
fresh data folder, driven by locust (bench/locustfile.py), then checked from the database.

  1. 50 clerks saving evidence forms and reading live scores: p95 < 300 ms, 0 errors.
  2. A deadline surge: every commune (300) signs in, attaches a 2 MB PDF and submits, arrivals spread
     evenly over the window (issue: 10 minutes; --surge-seconds scales it down): 0 errors, 0 lost
     submissions, every submission sealed.
  3. Live scoring of one record inside the server process (services.live_score, the view's own call):
     median ≤ 20 ms.

    .venv/bin/python bench/portal_load.py [--db sqlite|postgres://…] [--units 300] [--users 50]
        [--form-seconds 60] [--surge-seconds 600] [--workers 5]

Needs `pip install locust gunicorn` (the bench extra). Prints a table and the figures as JSON.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-dvcq-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres(url: str) -> str:
    import psycopg

    name = f"dvcq_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def prepare(n: int) -> None:
    """Demo round and data, plus n communes each with a clerk, a leader and a draft dossier."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from portal.core.demo import load_demo
    from portal.core.models import Dossier, Profile, Round, Unit

    call_command("migrate", interactive=False, verbosity=0)
    load_demo(n_generated=0)
    rnd = Round.objects.get()
    sample = Dossier.objects.get(unit__code="mau-phovan")
    User = get_user_model()
    pw = make_password(PASSWORD)
    units = Unit.objects.bulk_create([Unit(province=rnd.province, name=f"Xã Thử Tải {i:03d}", code=f"bench-{i:03d}",
                                           kind="xa", source="bench") for i in range(n)])
    users = User.objects.bulk_create([User(username=f"{r}.{i:03d}", password=pw) for i in range(n)
                                      for r in ("bench", "truong")])
    Profile.objects.bulk_create([Profile(user=u, role="clerk" if u.username.startswith("bench") else "leader",
                                         unit=units[int(u.username.split(".")[1])]) for u in users])
    for u in units:
        ev = dict(sample.evidence)
        ev["ward"] = {**ev.get("ward", {}), "name": u.name, "kind": "xa"}
        Dossier.objects.create(unit=u, round=rnd, evidence=ev)


def live_score_median(repeat: int = 200) -> float:
    from portal.core import services as S
    from portal.core.models import Dossier

    d = Dossier.objects.select_related("round", "unit__province").filter(unit__code__startswith="bench-").first()
    S.live_score(d)  # the pack is compiled once per process, as in a worker
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result, problems = S.live_score(d)
        times.append(time.perf_counter() - t)
        assert result is not None, problems
    return statistics.median(times) * 1000


def locust(host: str, user_class: str, users: int, rate: float, seconds: int, out: Path, env: dict) -> dict:
    cmd = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), user_class, "--headless",
           "-u", str(users), "-r", f"{rate:g}", "-t", f"{seconds}s", "--host", host, "--csv", str(out),
           "--only-summary", "--stop-timeout", "60", "--exit-code-on-error", "0"]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=seconds + 600)
    rows = {r["Name"]: r for r in csv.DictReader(open(f"{out}_stats.csv", encoding="utf-8"))}
    agg = rows["Aggregated"]
    return {"requests": int(agg["Request Count"]), "failures": int(agg["Failure Count"]),
            "p50_ms": float(agg["50%"]), "p95_ms": float(agg["95%"]), "rps": float(agg["Requests/s"]),
            "by_name": {k: {"n": int(v["Request Count"]), "p95_ms": float(v["95%"]), "fail": int(v["Failure Count"])}
                        for k, v in rows.items() if k != "Aggregated"}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--form-seconds", type=int, default=60)
    ap.add_argument("--surge-seconds", type=int, default=600)
    ap.add_argument("--workers", type=int, default=5)
    a = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dvcq-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVCQ_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", DVCQ_DATA_DIR=str(work / "data"),
               DVCQ_SECRET_KEY=secrets.token_urlsafe(50), DVCQ_INSECURE_COOKIES="1",
               DVCQ_BENCH_PASSWORD=PASSWORD, DVCQ_BENCH_UNITS=str(a.units), DVCQ_WORKERS=str(a.workers))
    if a.db != "sqlite":
        env["DATABASE_URL"] = fresh_postgres(a.db)
    os.environ.update(env)
    (work / "data").mkdir()
    prepare(a.units)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:portal.gunicorn_conf", "-b", f"127.0.0.1:{port}",
                               "portal.wsgi"], env=env, cwd=ROOT, stdout=open(work / "gunicorn.log", "w"),
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(host + "/dang-nhap/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        form = locust(host, "FormUser", a.users, max(1, a.users / 10), a.form_seconds, work / "form", env)
        surge = locust(host, "SurgeUser", a.units, a.units / a.surge_seconds, a.surge_seconds + 60, work / "surge", env)
    finally:
        server.terminate()
        server.wait(timeout=60)

    from portal.core.models import Dossier

    bench = Dossier.objects.filter(unit__code__startswith="bench-")
    sealed = sum(1 for d in bench.filter(state="submitted") if len(d.seal) == 64 and d.result_json
                 and (Path(env["DVCQ_DATA_DIR"]) / "dossiers" / str(d.pk) / f"v{d.version}" / "result.json").is_file())
    with_file = bench.filter(attachments__isnull=False).distinct().count()
    figures = {"db": "sqlite" if a.db == "sqlite" else "postgresql", "workers": a.workers, "form": form,
               "surge": {**surge, "window_s": a.surge_seconds, "communes": a.units, "submitted_and_sealed": sealed,
                         "with_attachment": with_file, "lost": a.units - sealed},
               "live_score_median_ms": round(live_score_median(), 2), "load_average": os.getloadavg()}
    print(f"{'figure':<52} {'measured':>14}  target")
    print(f"{'forms: p95 (ms), ' + str(a.users) + ' users, ' + str(a.form_seconds) + ' s':<52} "
          f"{form['p95_ms']:>14.0f}  < 300")
    for name in ("/ho-so/N/ (lưu + điểm)", "/ho-so/N/ (xem)", "/dang-nhap/ POST"):
        if name in form["by_name"]:
            print(f"{'  ' + name + ': p95 (ms)':<52} {form['by_name'][name]['p95_ms']:>14.0f}")
    print(f"{'forms: errors / requests':<52} {str(form['failures']) + ' / ' + str(form['requests']):>14}  0")
    print(f"{'surge: errors / requests':<52} {str(surge['failures']) + ' / ' + str(surge['requests']):>14}  0")
    print(f"{'surge: p95 (ms)':<52} {surge['p95_ms']:>14.0f}")
    print(f"{'surge: lost (of ' + str(a.units) + ', window ' + str(a.surge_seconds) + ' s)':<52} "
          f"{a.units - sealed:>14}  0")
    print(f"{'live score of one record in the server: median (ms)':<52} {figures['live_score_median_ms']:>14}  ≤ 20")
    print(json.dumps(figures, ensure_ascii=False))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
