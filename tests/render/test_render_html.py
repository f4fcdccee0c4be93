"""`dvcq score --format html`: one self-contained, printable page, checked in headless Chromium."""
from __future__ import annotations

import re
import struct
import subprocess
from html import escape
from html.parser import HTMLParser

import pytest

from scoring import api
from scoring.api import score as score_file
from scoring.cli import main
from scoring.render.html import ident, render

from printtools import chromium_run, pdf_pages, pdf_text, png_page, print_pdf, words_right_edge
from support import QN_PACK, QN_SAMPLES, SAMPLES, load, record

PHO_VAN = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"


class _Tags(HTMLParser):
    """Counts elements by tag and class, and keeps attributes that could fetch something."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def count(self, tag: str, cls: str | None = None) -> int:
        return sum(1 for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split()))


def _parse(text: str) -> _Tags:
    p = _Tags()
    p.feed(text)
    return p


def qn_labels(code: str) -> str:
    return api.load_pack(QN_PACK).fact_label(code)


@pytest.mark.parametrize("sample", QN_SAMPLES, ids=lambda p: p.stem)
def test_page_has_table_trail_chart_missing_evidence_and_next_grade(sample):
    result = score_file(sample)
    text = render(result)
    tags = _parse(text)
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"vi\">")
    assert '<meta charset="utf-8">' in text
    assert tags.count("table", "scores") == 1
    assert tags.count("tr", "item") == len(result.items) == tags.count("details")
    assert tags.count("svg", "chart") == 1
    assert tags.count("g", "bar") == len(result.criteria)  # one bar per criterion: points won and lost
    for c in result.criteria:
        assert f"{c.id}. " in text
    assert tags.count("ul", "missing") >= (1 if result.missing_evidence else 0)
    for m in result.missing_evidence:  # the label a clerk reads, the code beside it
        assert f"<code>{ident(m)}</code>" in text
        assert escape(qn_labels(m)) in text
    n = result.grade.next_grade
    if n and not n["blocked_by"]:
        from scoring.pack import fmt_number

        assert f"Còn thiếu để đạt “{n['label']}”" in text and f"{fmt_number(n['points_needed'])} điểm" in text
    if result.evidence["status"] == "in_progress":
        assert "Hồ sơ đang hoàn thiện" in text
    assert "BỘ TIÊU CHÍ DỰ THẢO" in text and result.pack["legal_basis"] in text


def test_page_fetches_nothing():
    text = render(score_file(PHO_VAN))
    tags = _parse(text)
    fetching = [(t, a) for t, a in tags.tags if t in ("link", "img", "iframe", "object", "embed")
                or (t == "script" and "src" in a)]
    assert fetching == []
    assert not re.search(r"@import|url\(|\bsrc=|\bhref=", text)
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) == {"http://www.w3.org/2000/svg"}  # a namespace name


def test_print_css_sets_a4_and_page_breaks():
    text = render(score_file(PHO_VAN))
    assert "@page { size: A4;" in text
    assert "break-before: page" in text and "break-inside: avoid" in text
    assert "beforeprint" in text  # folded trails are opened for the printout when asked
    assert "<body>" in text and 'class="with-trail"' not in text
    assert '<body class="with-trail">' in render(score_file(PHO_VAN), with_trail=True)


def test_page_opens_with_the_national_header_and_names_no_engine_internals():
    result = score_file(PHO_VAN)
    text = render(result)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND PHƯỜNG PHỔ VĂN" in text and "UBND THỊ XÃ ĐỨC PHỔ" in text
    assert "Phổ Văn, ngày ….. tháng ….. năm" in text  # blanks to fill: never the day it was printed
    for it in result.items:
        if it.rule:
            assert it.rule not in text  # "TC1.1#d0" is the engine's name for a branch
    assert "luật kích hoạt" not in text and "Phương pháp:" not in text
    assert "Cách chấm:</b> theo bậc" in text  # the method by its Vietnamese label
    assert "word-break: break-all" not in text and "overflow-wrap: anywhere" not in text



def test_user_text_is_escaped_and_output_is_stable(qn_pack):
    data = record(facts={"leadership.briefing_conferences": {"value": 1, "source": "<script>alert('x')</script> & co"}})
    data["ward"]["name"] = "Phường <b>Thử</b>"
    ev = load(data)
    text = render(api.score(ev, qn_pack))
    assert "<script>alert" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in text
    assert "Phường &lt;b&gt;Thử&lt;/b&gt;" in text and "<b>Thử</b>" not in text
    assert render(api.score(ev, qn_pack)) == text


def test_cli_html(tmp_path, runner):
    out = tmp_path / "bao-cao.html"
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert out.read_text(encoding="utf-8") == render(score_file(PHO_VAN))
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "html"])
    assert r.exit_code == 0 and r.stdout.startswith("<!DOCTYPE html>")


def _png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_chromium_renders_table_and_chart_and_keeps_a_screenshot(tmp_path, chromium, artifacts):
    page = tmp_path / "bao-cao.html"
    page.write_text(render(score_file(PHO_VAN)), encoding="utf-8")
    dom = chromium_run(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    tags = _parse(dom.stdout)
    assert tags.count("table", "scores") == 1 and tags.count("svg", "chart") == 1
    assert tags.count("rect") >= 8 and "Phường Phổ Văn" in dom.stdout and "Điểm đạt và điểm mất" in dom.stdout
    shot = artifacts / "bao-cao-pho-van.png"
    shot.unlink(missing_ok=True)
    run = chromium_run(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,2600",
                       "--hide-scrollbars", page.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr
    assert _png_size(shot) == (1100, 2600)
    assert shot.stat().st_size > 50_000  # a blank page compresses to a few kilobytes


PAGE_MARGIN_RIGHT_PT = 11 / 25.4 * 72  # @page margin-right: 11mm


@pytest.mark.parametrize("sample", [PHO_VAN, SAMPLES / "quang-ngai" / "truong-quang-trong-2023.yaml"],
                         ids=lambda p: p.stem)
def test_chromium_prints_the_report_on_at_most_four_a4_pages(sample, tmp_path, chromium, pdftotext, pdftoppm,
                                                             artifacts):
    result = score_file(sample)
    pdf = print_pdf(chromium, render(result), tmp_path, "bao-cao")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)  # A4 portrait
    assert pdf_pages(pdf) <= 4
    flat = " ".join(pdf_text(pdftotext, pdf).split())
    reading = " ".join(pdf_text(pdftotext, pdf, layout=False).split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  f"UBND {result.evidence['ward'].upper()}", "KẾT QUẢ TỰ CHẤM ĐIỂM CÔNG TÁC DÂN VẬN CHÍNH QUYỀN",
                  "TỔNG ĐIỂM", f"Xếp loại {result.grade.label}", "Minh chứng còn thiếu", "trạng thái: dự thảo",
                  "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN"):
        assert words in reading, words
    label = api.load_pack(QN_PACK).fact_label
    for m in result.missing_evidence:
        assert " ".join(label(m).split()) in reading
    assert "Cách chấm" not in flat and "luật kích hoạt" not in flat  # the trail stays on screen
    assert "#d0" not in flat and "#missing" not in flat and "tiers" not in flat
    edges = words_right_edge(pdftotext, pdf)
    assert edges and all(x <= w - PAGE_MARGIN_RIGHT_PT + 1 for x, w, _ in edges), \
        [t for x, w, t in edges if x > w - PAGE_MARGIN_RIGHT_PT + 1]  # nothing runs past the right margin
    png_page(pdftoppm, pdf, artifacts / f"giay-to-bao-cao-{sample.stem}.png")


def test_chromium_prints_the_trail_only_with_trail(tmp_path, chromium, pdftotext):
    result = score_file(PHO_VAN)
    pdf = print_pdf(chromium, render(result, with_trail=True), tmp_path, "bao-cao-giai-trinh")
    flat = " ".join(pdf_text(pdftotext, pdf).split())
    assert flat.count("Cách chấm:") >= len([i for i in result.items if not i.parts])  # every trail printed
    assert "Cách tính:" in flat and "#d0" not in flat
    assert pdf_pages(pdf) > 4  # the trail is long: that is why it is not printed by default


def test_cli_with_trail_and_a_folder(runner):
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "html", "--with-trail"])
    assert r.exit_code == 0 and '<body class="with-trail">' in r.stdout
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "html"])
    assert r.exit_code == 0 and "<body>" in r.stdout
    r = runner.invoke(main, ["score", str(SAMPLES / "quang-ngai")])
    assert r.exit_code == 2 and "thư mục" in r.stderr and "dvcq batch" in r.stderr and "Traceback" not in r.stderr
