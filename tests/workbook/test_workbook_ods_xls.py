"""Workbooks saved by LibreOffice as .ods are read like .xlsx; an .xls is refused with how to convert it."""
from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

from scoring import api
from scoring.cli import main
from scoring.errors import EvidenceError
from scoring.evidence import load_evidence
from scoring.workbook.writer import build

from support import QN_SAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _to_ods(xlsx, tmp_path):
    if not SOFFICE:
        pytest.skip("không có soffice: chạy scripts/install-system-deps.sh (apt-get install libreoffice-calc)")
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "ods", str(xlsx), "--outdir", str(tmp_path)], capture_output=True, timeout=180,
                   check=True)
    out = xlsx.with_suffix(".ods")
    assert zipfile.ZipFile(out).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    return out


@pytest.mark.parametrize("sample", QN_SAMPLES[:1], ids=lambda p: p.stem)
def test_a_workbook_saved_as_ods_by_libreoffice_gives_the_same_record_and_score(sample, tmp_path, qn_pack):
    ev = load_evidence(sample)
    xlsx = tmp_path / "phieu.xlsx"
    xlsx.write_bytes(build(qn_pack, ev.record))
    ods = _to_ods(xlsx, tmp_path)
    back = api.load_record(ods)
    assert back.record == ev.record
    assert back.sha256 != load_evidence(xlsx).sha256  # the .ods file's own bytes identify it
    assert api.score(ods, qn_pack).total == api.score(sample, qn_pack).total


def test_convert_reads_ods(tmp_path, runner, qn_pack):
    ev = load_evidence(QN_SAMPLES[0])
    xlsx = tmp_path / "phieu.xlsx"
    xlsx.write_bytes(build(qn_pack, ev.record))
    ods = _to_ods(xlsx, tmp_path)
    r = runner.invoke(main, ["convert", str(ods), "-o", str(tmp_path / "hoso.yaml")])
    assert r.exit_code == 0, r.stderr
    assert load_evidence(tmp_path / "hoso.yaml").record == ev.record


def test_a_damaged_ods_names_the_file_and_how_to_fix_it(tmp_path, runner):
    bad = tmp_path / "phieu.ods"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    r = runner.invoke(main, ["score", str(bad)])
    assert r.exit_code == 2
    assert "phieu.ods" in r.stderr and ".ods hợp lệ" in r.stderr and "Traceback" not in r.stderr


def test_xls_is_refused_with_how_to_save_as_xlsx_never_as_a_text_file(tmp_path, runner):
    xls = tmp_path / "phieu.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # the OLE2 signature of an .xls
    with pytest.raises(EvidenceError) as exc:
        load_evidence(xls)
    assert ".xlsx" in exc.value.problems[0].render()
    r = runner.invoke(main, ["score", str(xls)])
    assert r.exit_code == 2
    assert "phieu.xls" in r.stderr and "Excel 97–2003 (.xls)" in r.stderr and "Lưu thành" in r.stderr
    assert "UTF-8" not in r.stderr
