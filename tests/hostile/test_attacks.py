"""Issue 11: the CLI under attack. Each test names the item it holds.

Where the failure was a hang or a blow-up the command runs in a real process under a memory and a
time limit (attack_files.run_capped); elsewhere through click's CliRunner.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from scoring import output
from scoring.cli import main
from scoring.errors import DvcqError, UsageError

from .attack_files import (billion_laughs_docx, deep_docx, entity_docx, inflated_docx, paragraphs_docx, run_capped,
                           write_docx, body)
from .cases import QN_PACK, ROOT

SAMPLES = ROOT / "samples" / "quang-ngai"
SAMPLE = SAMPLES / "pho-van-2023.yaml"
REVIEW = SAMPLES / "reviews" / "pho-van-2023.review.yaml"


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of rules/ (DVCQ_RULES): a test that failed could otherwise overwrite the real one."""
    d = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", d)
    return d


def err_of(r) -> str:
    return r.stderr.decode("utf-8", "replace") if isinstance(r.stderr, bytes) else r.stderr


def assert_refused(r, *words):
    code = getattr(r, "exit_code", getattr(r, "returncode", None))
    err = err_of(r)
    assert code == 2, (code, err)
    assert "Traceback" not in err and "lỗi nội bộ" not in err, err
    for w in words:
        assert w in err, (w, err)


# -- items 1, 2: every file a command reads is protected from -o, --force or not --------------------

def test_score_never_overwrites_the_pack_it_chose(runner, rules_copy, tmp_path):
    pack = rules_copy / "quang-ngai" / "qd-1211-2022.yaml"
    before = pack.read_bytes()
    hard = tmp_path / "hard.json"
    os.link(pack, hard)
    sym = tmp_path / "sym.json"
    sym.symlink_to(pack)
    for target in (pack, hard, sym):
        r = runner.invoke(main, ["score", str(SAMPLE), "--format", "json", "-o", str(target), "--force"],
                          env={"DVCQ_RULES": str(rules_copy)})
        assert_refused(r, "không ghi đè lên tệp đầu vào", target.name)
    assert pack.read_bytes() == before


def test_score_never_overwrites_the_record_even_with_force(runner, tmp_path):
    rec = tmp_path / "hoso.yaml"
    shutil.copy(SAMPLE, rec)
    r = runner.invoke(main, ["score", str(rec), "--format", "json", "-o", str(rec), "--force"])
    assert_refused(r, "không ghi đè lên tệp đầu vào")
    assert rec.read_bytes() == SAMPLE.read_bytes()


def test_extract_never_overwrites_its_pack(runner, tmp_path):
    pack = tmp_path / "P.yaml"
    shutil.copy(QN_PACK, pack)
    report = tmp_path / "r.txt"
    report.write_text("BÁO CÁO\nKết quả năm 2023\n", encoding="utf-8")
    r = runner.invoke(main, ["extract", str(report), "--rules", str(pack), "-o", str(pack), "--force"])
    assert_refused(r, "không ghi đè lên tệp đầu vào", "P.yaml")
    assert pack.read_bytes() == QN_PACK.read_bytes()


def test_convert_never_overwrites_the_pack_the_workbook_names(runner, rules_copy, tmp_path):
    env = {"DVCQ_RULES": str(rules_copy)}
    book = tmp_path / "pv.xlsx"
    r = runner.invoke(main, ["convert", str(SAMPLE), "-o", str(book)], env=env)
    assert r.exit_code == 0, r.stderr
    pack = rules_copy / "quang-ngai" / "qd-1211-2022.yaml"
    before = pack.read_bytes()
    for target in (pack, tmp_path / "link.yaml"):
        if target != pack:
            target.symlink_to(pack)
        r = runner.invoke(main, ["convert", str(book), "-o", str(target), "--force"], env=env)
        assert_refused(r, "không ghi đè lên tệp đầu vào")
    assert pack.read_bytes() == before


def test_convert_to_workbook_never_overwrites_the_pack_it_chose(runner, rules_copy):
    pack = rules_copy / "quang-ngai" / "qd-1211-2022.yaml"
    link = rules_copy / "pack.xlsx"
    link.symlink_to(pack)
    before = pack.read_bytes()
    r = runner.invoke(main, ["convert", str(SAMPLE), "-o", str(link), "--force"], env={"DVCQ_RULES": str(rules_copy)})
    assert_refused(r, "không ghi đè lên tệp đầu vào")
    assert pack.read_bytes() == before


# -- items 4, 6: non-regular inputs (FIFO, /dev/zero symlink, directory) are refused at once ---------

def _zero(p: Path) -> Path:
    p.symlink_to("/dev/zero")
    return p


def _fifo(p: Path) -> Path:
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("make", [_zero, _fifo], ids=["dev-zero-symlink", "fifo"])
def test_non_regular_inputs_are_refused_in_a_real_process(make, tmp_path):
    bad_record = make(tmp_path / "hoso.yaml")
    bad_pack = make(tmp_path / "pack.yaml")
    bad_review = make(tmp_path / "td.review.yaml")
    bad_report = make(tmp_path / "bao-cao.txt")
    bad_docx = make(tmp_path / "bao-cao.docx")
    bad_result = make(tmp_path / "ket-qua.json")
    bad_book = make(tmp_path / "phieu.xlsx")
    cases = [
        (["score", bad_record], bad_record),
        (["validate", bad_record], bad_record),
        (["score", SAMPLE, "--rules", bad_pack], bad_pack),
        (["rules", "lint", bad_pack], bad_pack),
        (["verify", SAMPLE, "--review", bad_review], bad_review),
        (["extract", bad_report, "-o", tmp_path / "a.yaml"], bad_report),
        (["extract", bad_docx, "-o", tmp_path / "b.yaml"], bad_docx),
        (["extract", bad_report.with_name("ok.txt"), "--rules", bad_pack, "-o", tmp_path / "c.yaml"], bad_pack),
        (["audit", bad_result], bad_result),
        (["score", bad_book], bad_book),
    ]
    (tmp_path / "ok.txt").write_text("BÁO CÁO\n", encoding="utf-8")
    for args, culprit in cases:
        r = run_capped(*args)
        assert_refused(r, culprit.name, "không phải tệp")
        assert r.stdout == b""


def test_a_directory_named_as_a_record_is_refused(runner, tmp_path):
    d = tmp_path / "hoso.yaml"
    d.mkdir()
    assert_refused(runner.invoke(main, ["score", str(d)]), "thư mục", "hoso.yaml")


def test_api_refuses_a_device_record(tmp_path):
    from scoring import api

    with pytest.raises(DvcqError) as exc:
        api.load_record(_zero(tmp_path / "hoso.yaml"))
    assert "không phải tệp" in exc.value.render()


def test_a_file_larger_than_its_stat_says_is_cut_at_the_bound(tmp_path):
    """The bound holds on the read itself, not only on the size fstat reported."""
    from scoring.files import Unreadable, read_bytes

    p = tmp_path / "grow.yaml"
    p.write_bytes(b"a" * 100)
    assert read_bytes(p, "tệp", 100) == b"a" * 100
    with pytest.raises(Unreadable) as exc:
        read_bytes(p, "tệp", 99)
    assert "quá lớn" in exc.value.problem.message


# -- item 5, 14 and the dropped entity text: .docx bounds, before python-docx parses -----------------

@pytest.mark.parametrize("build, words", [
    (lambda p: paragraphs_docx(p, 1_000_000), ["quá nhiều đoạn văn"]),
    (lambda p: inflated_docx(p, 150 * 1024 * 1024), ["giải nén quá lớn"]),
    (billion_laughs_docx, ["DOCTYPE"]),
    (deep_docx, ["lồng quá sâu"]),
    (entity_docx, ["DOCTYPE"]),
], ids=["1M-paragraphs", "150MB-inflated", "billion-laughs", "5000-deep", "entity-in-run"])
def test_docx_bombs_are_refused_in_a_real_process(build, words, tmp_path):
    path = build(tmp_path / "bao-cao.docx")
    r = run_capped("extract", path, "-o", tmp_path / "draft.yaml")
    assert_refused(r, "bao-cao.docx", *words)
    assert not (tmp_path / "draft.yaml").exists()


def test_a_small_1m_paragraph_docx_stays_small(tmp_path):
    """The 1M-paragraph attack: its zip is ~100 KB, so the size limit alone never stopped it."""
    path = paragraphs_docx(tmp_path / "p.docx", 1_000_000)
    assert path.stat().st_size < 400 * 1024


def test_an_ordinary_docx_still_reads(runner, tmp_path):
    path = write_docx(tmp_path / "bao-cao.docx", body(
        "<w:p><w:r><w:t>BÁO CÁO</w:t></w:r></w:p><w:p><w:r><w:t>Kết quả năm 2023: đã tổ chức 4 hội nghị.</w:t>"
        "</w:r></w:p>".encode()))
    r = runner.invoke(main, ["extract", str(path), "-o", str(tmp_path / "d.yaml")])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "d.yaml").exists()


# -- item 7: _glue is linear ------------------------------------------------------------------------

def test_glue_joins_cut_lines_as_before():
    from scoring.extract.reader import _glue

    lines = [("I. KẾT QUẢ", False, None), ("kinh tế - xã", False, None), ("hội phát triển.", False, None),
             ("tiếp theo", False, None), ("Mới", False, 2), ("a) mục", False, None), ("b) mục", False, None)]
    assert [t for t, _, _ in _glue(lines)] == ["I. KẾT QUẢ", "kinh tế - xã hội phát triển.", "tiếp theo",
                                              "Mới", "a) mục", "b) mục"]
    caps = [("ABCDE FGH", False, None), ("thường", False, None)]
    assert [t for t, _, _ in _glue(caps)] == ["ABCDE FGH", "thường"]
    mixed = [("Abcd", False, None), ("efgh", False, None), ("ijkl", False, None)]
    assert _glue(mixed) == [("Abcd efgh ijkl", False, None)]


@pytest.mark.slow
def test_thirty_thousand_glued_lines_in_a_real_process(tmp_path):
    report = tmp_path / "lines.txt"
    report.write_text("BÁO CÁO\n" + "".join(f"dòng {i} không có dấu câu\n" for i in range(30_000)), encoding="utf-8")
    r = run_capped("extract", report, "-o", tmp_path / "d.yaml", "--year", "2023")
    assert r.returncode == 0, err_of(r)


# -- item 9: exclusive creation without --force ------------------------------------------------------

def test_a_name_taken_after_the_check_is_not_overwritten(tmp_path, monkeypatch):
    """The race of two runs: the other run creates the file after this one looked."""
    target = tmp_path / "ket-qua.json"
    real_stat = output._stat

    def late(t, name):
        st = real_stat(t, name)
        target.write_text("kết quả của lần chạy kia", encoding="utf-8")  # the other run wins the race here
        return st

    monkeypatch.setattr(output, "_stat", late)
    with pytest.raises(UsageError) as exc:
        output.write_atomic(target, "của lần này")
    assert "đã tồn tại" in exc.value.render()
    assert target.read_text(encoding="utf-8") == "kết quả của lần chạy kia"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dvcq-")]


def test_two_runs_to_one_output_exactly_one_writes(tmp_path):
    for attempt in range(3):
        out = tmp_path / f"ket-qua-{attempt}.json"
        procs = []
        for _ in range(2):
            procs.append(subprocess.Popen([str(ROOT / ".venv" / "bin" / "dvcq"), "score", str(SAMPLE), "--format",
                                           "json", "-o", str(out)], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE))
        codes = [p.wait(timeout=90) for p in procs]
        for p in procs:
            p.stderr.close()
        assert sorted(codes) == [0, 2], codes
        json.loads(out.read_text(encoding="utf-8"))


# -- item 12, 16, 19: output paths and modes ---------------------------------------------------------

def test_output_into_proc_names_the_output(runner, tmp_path):
    r = runner.invoke(main, ["score", str(SAMPLE), "--format", "json", "-o", "/proc/ket-qua.json"])
    assert_refused(r, "/proc/ket-qua.json")
    assert ".tmp" not in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_output_into_a_read_only_folder_names_the_output(runner, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        r = runner.invoke(main, ["score", str(SAMPLE), "--format", "json", "-o", str(ro / "k.json")])
        assert_refused(r, "k.json")
        assert ".tmp" not in r.stderr
    finally:
        ro.chmod(0o755)


def test_a_249_byte_output_name_works(runner, tmp_path):
    out = tmp_path / ("k" * 244 + ".json")
    assert len(out.name.encode()) == 249
    r = runner.invoke(main, ["score", str(SAMPLE), "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert out.exists()


def test_new_files_respect_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    old = os.umask(0o022)
    try:
        output.write_atomic(tmp_path / "a.json", "{}")
        assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644
        os.umask(0o077)
        output.write_atomic(tmp_path / "b.json", "{}")
        assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600
        (tmp_path / "a.json").chmod(0o640)
        output.write_atomic(tmp_path / "a.json", "{\"x\": 1}", force=True)
        assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o640
        assert (tmp_path / "a.json").read_text() == "{\"x\": 1}"
    finally:
        os.umask(old)


# -- item 17: temporaries of a killed run are cleaned at the next run in that folder ------------------

def test_a_killed_runs_temporary_is_cleaned_next_time(tmp_path):
    out = tmp_path / "ket-qua.json"
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-c",
                             "import sys, time\nfrom scoring.output import write_atomic\n"
                             "def chunks():\n    yield '{'\n    print('writing', flush=True)\n    time.sleep(300)\n"
                             "write_atomic(sys.argv[1], chunks())\n", str(out)],
                            stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout.readline() == b"writing\n"
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".dvcq-")]
    assert len(left) == 1
    output.clean_stale(tmp_path)  # the writer is alive and holds its lock: its file stays
    assert left[0].exists()
    proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()
    assert left[0].exists() and not out.exists()  # kill -9 leaves it behind...
    past = time.time() - 60
    os.utime(left[0], (past, past))
    output.write_atomic(out, "{}")                 # ...and the next write into the folder removes it
    assert not left[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ket-qua.json"]


def test_cleaning_leaves_files_that_are_not_ours(tmp_path):
    other = tmp_path / ".dvcq-notours.tmp"          # not our name pattern (8 hex characters)
    other.write_text("x")
    held = tmp_path / ".dvcq-0123abcd.tmp"
    held.write_text("x")
    past = time.time() - 60
    os.utime(held, (past, past))
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)                  # a live writer
    try:
        output.clean_stale(tmp_path)
    finally:
        os.close(fd)
    assert other.exists() and held.exists()


# -- item 15: undecodable file names, PYTHONIOENCODING=latin-1 -----------------------------------------

def test_undecodable_file_name_and_latin1_environment(tmp_path):
    name = os.fsencode(tmp_path) + b"/rec\xff.yaml"
    with open(name, "wb") as fh:
        fh.write(SAMPLE.read_bytes())
    for env in ({}, {"PYTHONIOENCODING": "latin-1"}):
        r = run_capped("score", os.fsdecode(name), "--format", "json", env=env)
        assert r.returncode == 0, err_of(r)
        data = json.loads(r.stdout.decode("utf-8"))
        assert data["evidence"]["file"].endswith("rec\udcff.yaml")
        table = run_capped("score", os.fsdecode(name), env=env)
        assert table.returncode == 0, err_of(table)
        table.stdout.decode("utf-8")
    out = tmp_path / "k.json"
    r = run_capped("score", os.fsdecode(name), "--format", "json", "-o", out, env={"PYTHONIOENCODING": "latin-1"})
    assert r.returncode == 0, err_of(r)
    json.loads(out.read_bytes().decode("utf-8"))
    bad = os.fsencode(tmp_path) + b"/bad\xfe.yaml"
    r = run_capped("score", os.fsdecode(bad), env={"PYTHONIOENCODING": "latin-1"})
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    assert b"bad\\xfe.yaml" in r.stderr or b"bad\\udcfe.yaml" in r.stderr, r.stderr


# -- item 20: stdout that cannot take the result -------------------------------------------------------

def test_stdout_to_dev_full_is_an_error(tmp_path):
    with open("/dev/full", "wb") as full:
        r = run_capped("score", SAMPLE, "--format", "json", stdout=full)
    assert r.returncode == 2, err_of(r)
    assert "đầu ra chuẩn" in err_of(r) and "lỗi nội bộ" not in err_of(r)


def test_closed_stdout_is_an_error_not_a_silent_success():
    r = run_capped(shell_cmd=f"DVCQ score {SAMPLE} >&-")
    assert r.returncode == 2, err_of(r)
    assert "đầu ra chuẩn" in err_of(r) and "đã bị đóng" in err_of(r)


def test_a_reader_that_stops_early_is_silence_and_141():
    r = run_capped(shell_cmd=f"DVCQ score {SAMPLE} --format html | head -c 100 >/dev/null; "
                             "echo ${PIPESTATUS[0]} >&2")
    assert err_of(r).strip() == "141", err_of(r)


# -- items 18, 21, 25: batch ------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["0", "-1", "99999999999999999999"])
def test_absurd_jobs_are_usage_errors(runner, jobs):
    r = runner.invoke(main, ["batch", str(SAMPLES), f"--jobs={jobs}"])
    assert_refused(r, "--jobs")


def test_workers_are_capped_at_cpus_and_records(monkeypatch):
    from scoring.batch import run

    seen = []

    class FakePool:
        def __init__(self, processes, initializer=None, initargs=()):
            seen.append(processes)

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def imap(self, fn, tasks, chunksize=1):
            return map(fn, tasks)

    class Ctx:
        Pool = FakePool

    monkeypatch.setattr(run, "PARALLEL_FROM", 1)
    monkeypatch.setattr(run.multiprocessing, "get_context", lambda method: Ctx)
    monkeypatch.setattr(run, "default_jobs", lambda: 2)
    from scoring import api

    api.batch(SAMPLES, jobs=1000)
    assert seen == [2]
    monkeypatch.setattr(run, "default_jobs", lambda: 64)
    api.batch(SAMPLES, jobs=1000)
    assert seen[-1] == len(run.record_files(SAMPLES))


def test_batch_lists_fifos_and_bad_symlinks_as_failed(tmp_path):
    folder = tmp_path / "hoso"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "pho-van-2023.yaml")
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    r = run_capped("batch", folder, "--format", "json")
    assert r.returncode == 2, err_of(r)
    failed = {f["file"]: " ".join(f["problems"]) for f in json.loads(r.stdout)["failed"]}
    assert set(failed) == {"fifo.yaml", "zero.yaml", "dangling.yaml"}
    assert "ống dẫn" in failed["fifo.yaml"] and "thiết bị" in failed["zero.yaml"]
    assert "không tìm thấy" in failed["dangling.yaml"]


def test_batch_into_its_own_folder_twice(runner, tmp_path):
    folder = tmp_path / "hoso"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("reviews"))
    out = folder / "ket-qua.json"
    first = runner.invoke(main, ["batch", str(folder), "--format", "json", "-o", str(out)])
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(main, ["batch", str(folder), "--format", "json", "-o", str(out)])
    assert_refused(again, "đã tồn tại")
    second = runner.invoke(main, ["batch", str(folder), "--format", "json", "-o", str(out), "--force"])
    assert second.exit_code == 0, second.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["failed"] == []
    single = folder / "mot.json"
    r = runner.invoke(main, ["score", str(folder / "pho-van-2023.yaml"), "--format", "json", "-o", str(single)])
    assert r.exit_code == 0, r.stderr
    from scoring.batch.run import record_files

    assert single not in record_files(folder) and out not in record_files(folder)


def test_verify_and_extract_never_overwrite_the_review_or_the_report(runner, tmp_path):
    review = tmp_path / "td.review.yaml"
    shutil.copy(REVIEW, review)
    r = runner.invoke(main, ["verify", str(SAMPLE), "--review", str(review), "--format", "json", "-o", str(review),
                             "--force"])
    assert_refused(r, "không ghi đè lên tệp đầu vào")
    assert review.read_bytes() == REVIEW.read_bytes()
    report = tmp_path / "r.txt"
    report.write_text("BÁO CÁO\nKết quả năm 2023\n", encoding="utf-8")
    r = runner.invoke(main, ["extract", str(report), "-o", str(report), "--force"])
    assert_refused(r, "không ghi đè lên tệp đầu vào")
    assert report.read_text(encoding="utf-8") == "BÁO CÁO\nKết quả năm 2023\n"


def test_api_and_template_name_a_fifo_pack(runner, tmp_path):
    from scoring import api

    fifo = _fifo(tmp_path / "p.yaml")
    with pytest.raises(DvcqError) as exc:
        api.load_pack(fifo)
    assert "ống dẫn" in exc.value.render()
    r = runner.invoke(main, ["template", "--rules", str(fifo), "-o", str(tmp_path / "t.xlsx")])
    assert_refused(r, "p.yaml", "ống dẫn")


@pytest.mark.parametrize("code", [13, 30, 28])  # EACCES, EROFS, ENOSPC
def test_a_folder_that_refuses_the_write_names_the_output(tmp_path, monkeypatch, code):
    def refuse(directory):
        raise OSError(code, os.strerror(code), str(directory / ".dvcq-0123abcd.tmp"))

    monkeypatch.setattr(output, "_create_temp", refuse)
    with pytest.raises(UsageError) as exc:
        output.write_atomic(tmp_path / "ket-qua.json", "{}")
    text = exc.value.render()
    assert "ket-qua.json" in text and ".tmp" not in text and "không ghi được" in text
