"""Issue 12's load figures for the portal, on loopback only: gunicorn (portal/gunicorn_conf.py) over a
fresh data folder, driven by locust (bench/locustfile.py), then checked from the database.

  1. 50 clerks saving evidence forms and reading live scores: p95 < 300 ms, 0 errors.
  2. A deadline surge: every commune (300) signs in, attaches a 2 MB PDF and submits, arrivals spread
     evenly over the window (issue: 10 minutes; --surge-seconds scales it down): 0 errors, 0 lost
     submissions, every submission sealed.
  3. Live scoring of one record inside the server process (services.live_score, the view's own call):
     median ≤ 20 ms.

    .venv/bin/python bench/portal_load.py [--db sqlite|postgres://…] [--units 300] [--users 50]
        [--form-seconds 60] [--surge-seconds 600] [--workers 5] [--keep DIR]

Needs `pip install locust gunicorn` (the bench extra). Prints a table, locust's failures by type when
there are any, and the figures as JSON. The run works in a temporary folder (data folder, gunicorn.log,
locust's form_*/surge_* CSV files and logs), removed at the end; --keep DIR runs in DIR instead (new or
empty) and keeps it, to find out what an error was. With --db postgres://USER@HOST:PORT/DB the run
creates a database of its own next to DB (DB itself is only connected to) and drops it at the end,
also when the run fails.
"""
from __future__ import annotations

import argparse
import contextlib
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
import urllib.parse
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


def _database_url(url: str, name: str) -> str:
    """The same server, user and options, another database."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))


def fresh_postgres(url: str) -> tuple[str, str]:
    """Create an empty database for this run on the server `url` names: (its name, its URL)."""
    import psycopg

    name = f"dvcq_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, _database_url(url, name)


def drop_postgres(url: str, name: str) -> None:
    """Drop the run's database; FORCE ends any session still open on it (PostgreSQL 13+)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    with open(f"{out}.log", "w", encoding="utf-8") as log:
        subprocess.run(cmd, env=env, check=True, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 600)
    rows = {r["Name"]: r for r in csv.DictReader(open(f"{out}_stats.csv", encoding="utf-8"))}
    agg = rows["Aggregated"]
    return {"requests": int(agg["Request Count"]), "failures": int(agg["Failure Count"]),
            "p50_ms": float(agg["50%"]), "p95_ms": float(agg["95%"]), "rps": float(agg["Requests/s"]),
            "by_name": {k: {"n": int(v["Request Count"]), "p95_ms": float(v["95%"]), "fail": int(v["Failure Count"])}
                        for k, v in rows.items() if k != "Aggregated"},
            "failures_by_type": failures_by_type(out)}


def failures_by_type(out: Path) -> list[dict]:
    """locust's <out>_failures.csv: one row per request name and error, most frequent first."""
    path = Path(f"{out}_failures.csv")
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as fh:
        rows = [{"n": int(r["Occurrences"]), "request": f"{r['Method']} {r['Name']}", "error": r["Error"]}
                for r in csv.DictReader(fh)]
    return sorted(rows, key=lambda r: (-r["n"], r["request"], r["error"]))


def print_failures(phase: str, figures: dict) -> None:
    for f in figures["failures_by_type"]:
        print(f"  {phase} failure ×{f['n']}: {f['request']}: {f['error']}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_folder(keep: str | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="dvcq-bench-"))
    work = Path(keep).resolve()
    if work.exists() and (not work.is_dir() or any(work.iterdir())):
        raise SystemExit(f"bench: --keep {keep}: the folder must be new or empty (nothing is overwritten)")
    work.mkdir(parents=True, exist_ok=True)
    return work


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--form-seconds", type=int, default=60)
    ap.add_argument("--surge-seconds", type=int, default=600)
    ap.add_argument("--workers", type=int, default=5)
    ap.add_argument("--keep", metavar="DIR", help="run in DIR (new or empty) and keep it: gunicorn.log, locust's "
                    "form_*/surge_* CSV files (…_failures.csv) and logs, the data folder; a PostgreSQL "
                    "database is dropped all the same")
    a = ap.parse_args()

    work = run_folder(a.keep)
    pg_name = None
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DVCQ_", "DATABASE_URL"))}
        env.update(DJANGO_SETTINGS_MODULE="portal.settings", DVCQ_DATA_DIR=str(work / "data"),
                   DVCQ_SECRET_KEY=secrets.token_urlsafe(50), DVCQ_INSECURE_COOKIES="1",
                   DVCQ_BENCH_PASSWORD=PASSWORD, DVCQ_BENCH_UNITS=str(a.units), DVCQ_WORKERS=str(a.workers))
        if a.db != "sqlite":
            pg_name, env["DATABASE_URL"] = fresh_postgres(a.db)
        os.environ.update(env)
        (work / "data").mkdir()
        figures = measure(a, work, env)
    finally:
        if "django.db" in sys.modules:  # this process's own sessions (prepare, the checks); FORCE ends any other
            from django.db import connections

            with contextlib.suppress(Exception):
                connections.close_all()
        if pg_name is not None:
            drop_postgres(a.db, pg_name)
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"bench: the run's folder is kept in {work}", file=sys.stderr)
    report(a, figures)
    return 0


def measure(a, work: Path, env: dict) -> dict:
    prepare(a.units)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    with open(work / "gunicorn.log", "w") as log:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:portal.gunicorn_conf", "-b",
                                   f"127.0.0.1:{port}", "portal.wsgi"], env=env, cwd=ROOT, stdout=log,
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
        stop(server)

    from portal.core.models import Dossier

    bench = Dossier.objects.filter(unit__code__startswith="bench-")
    sealed = sum(1 for d in bench.filter(state="submitted") if len(d.seal) == 64 and d.result_json
                 and (Path(env["DVCQ_DATA_DIR"]) / "dossiers" / str(d.pk) / f"v{d.version}" / "result.json").is_file())
    with_file = bench.filter(attachments__isnull=False).distinct().count()
    return {"db": "sqlite" if a.db == "sqlite" else "postgresql", "workers": a.workers, "form": form,
            "surge": {**surge, "window_s": a.surge_seconds, "communes": a.units, "submitted_and_sealed": sealed,
                      "with_attachment": with_file, "lost": a.units - sealed},
            "live_score_median_ms": round(live_score_median(), 2), "load_average": os.getloadavg()}


def report(a, figures: dict) -> None:
    form, surge = figures["form"], figures["surge"]
    sealed = surge["submitted_and_sealed"]
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
    if form["failures_by_type"] or surge["failures_by_type"]:
        print("locust's failures by type (request: error):")
        print_failures("forms", form)
        print_failures("surge", surge)
        if a.keep is None:
            print("  (run again with --keep DIR to keep gunicorn.log and locust's CSV files)")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
