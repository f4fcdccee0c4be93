"""`dvcq batch --format csv` for Excel: UTF-8 with a BOM, `;` and decimal commas for a Vietnamese locale,
and LibreOffice (standing in for Excel) reading the file as numbers and Vietnamese text."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from fixtures.records3 import QN
from scoring.cli import main


def run(runner, *extra, code=0):
    r = runner.invoke(main, ["batch", str(QN), "--reviews", str(QN / "reviews"), "--format", "csv", *extra])
    assert r.exit_code == code, r.stdout + r.stderr
    return r


def test_the_default_csv_starts_with_a_bom_and_uses_comma_and_point(runner):
    out = run(runner).stdout
    assert out.startswith("\ufeffbo_tieu_chi,ky,hang,")
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    hoa = next(r for r in rows if r["don_vi"] == "Phường Phổ Hòa")
    assert hoa["diem"] == "23.5"


def test_semicolon_and_decimal_comma_for_vietnamese_excel(runner, tmp_path):
    path = tmp_path / "xephang.csv"
    run(runner, "--csv-separator", ";", "--csv-decimal-comma", "-o", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfbo_tieu_chi;ky;hang;")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    hoa = next(r for r in rows if r["don_vi"] == "Phường Phổ Hòa")
    assert hoa["diem"] == "23,5"
    nghiem = next(r for r in rows if r["don_vi"] == "Phường Nguyễn Nghiêm")
    assert nghiem["thay_doi_nhieu_nhat"].startswith("TC4.1 -4,5")
    assert "." not in nghiem["thay_doi_nhieu_nhat"].replace("TC", "").split(" ")[1]


def test_csv_options_with_another_format_are_refused(runner):
    r = runner.invoke(main, ["batch", str(QN), "--format", "table", "--csv-separator", ";"])
    assert r.exit_code == 2 and "--format csv" in r.stderr


def test_help_documents_the_excel_options(runner):
    out = runner.invoke(main, ["batch", "--help"]).stdout
    assert "--csv-separator" in out and "--csv-decimal-comma" in out and "BOM" in out


def test_libreoffice_reads_the_vietnamese_csv_as_numbers(runner, tmp_path):
    """Opened with the Vietnamese settings a clerk's Excel has (`;`, decimal comma, UTF-8): the totals are
    numbers (a SUM works on them) and the names keep their diacritics."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("không có soffice: chạy scripts/install-system-deps.sh")
    path = tmp_path / "xephang.csv"
    run(runner, "--csv-separator", ";", "--csv-decimal-comma", "-o", str(path))
    # import filter: separator 59 (;), quote 34, charset 76 (UTF-8), start row 1, language vi-VN
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--infilter=CSV:59,34,76,1,,1066", "--convert-to", "xlsx", str(path), "--outdir", str(tmp_path)],
                   capture_output=True, timeout=180, check=True)
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "xephang.xlsx").active
    header = [c.value for c in ws[1]]
    assert header[0] == "bo_tieu_chi"  # the BOM is not part of the first name
    col = header.index("diem") + 1
    ward = header.index("don_vi") + 1
    values = {ws.cell(r, ward).value: ws.cell(r, col).value for r in range(2, ws.max_row + 1)}
    assert values["Phường Phổ Hòa"] == 23.5 and isinstance(values["Phường Nguyễn Nghiêm"], (int, float))
    assert Decimal(repr(values["Phường Phổ Hòa"])) == Decimal("23.5")
