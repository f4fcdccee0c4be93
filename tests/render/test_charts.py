"""The SVG charts of the printed ranking: whole-number axes for counts, titles and labels never cut."""
from __future__ import annotations

import re
from decimal import Decimal

from scoring.render import charts


def _chart(values, title="Số đơn vị theo xếp loại", labels=None, **kw):
    labels = labels or [f"Mức {i}" for i in range(len(values))]
    rows = [charts.Row(label=lab, segments=[charts.Segment(Decimal(v), "#000", "số đơn vị")], text=str(v))
            for lab, v in zip(labels, values)]
    return charts.Chart(title, rows, max([Decimal(v) for v in values] + [Decimal(1)]), **kw)


def _axis(svg: str) -> list[str]:
    return re.findall(r'<text [^>]*font-size="10">([^<]*)</text>', svg)


def test_counts_get_whole_number_ticks():
    assert _axis(charts.svg(_chart([3, 1, 0]))) == ["0", "1", "2", "3"]
    assert _axis(charts.svg(_chart([7, 2]))) == ["0", "2", "4", "6", "8"]
    assert _axis(charts.svg(_chart([1]))) == ["0", "1"]
    assert _axis(charts.svg(_chart([23, 4]))) == ["0", "5", "10", "15", "20", "25"]
    assert _axis(charts.svg(_chart([140]))) == ["0", "50", "100", "150"]


def test_points_with_decimals_keep_quarters_of_the_scale():
    svg = charts.svg(_chart(["23.5", "10"]))
    assert _axis(svg) == ["0", "5,875", "11,75", "17,625", "23,5"]
    assert _axis(charts.svg(_chart([3, 1], whole=False))) == ["0", "0,75", "1,5", "2,25", "3"]


def test_ticks_never_exceed_five_intervals_and_end_on_the_scale_or_above():
    for top in range(1, 400):
        end, grid = charts.ticks(Decimal(top), whole=True)
        assert grid[0] == 0 and grid[-1] == end >= top and len(grid) - 1 <= 5
        assert all(g == g.to_integral_value() for g in grid)


def test_long_titles_and_labels_wrap_instead_of_being_cut():
    title = ("Tổng điểm sau thẩm định theo đơn vị — huyện Mộ Đức, tỉnh Quảng Ngãi, năm 2023, bộ tiêu chí "
             "Quyết định số 1211/QĐ-UBND ngày 15 tháng 12 năm 2022")
    label = "1. Thị trấn Mộ Đức và các khu dân cư mới sáp nhập theo nghị quyết của Ủy ban Thường vụ Quốc hội"
    svg = charts.svg(_chart([2], title=title, labels=[label], label_chars=32))
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert " ".join(texts).count("…") == 0
    joined = " ".join(texts)
    for word in (title + " " + label).split():
        assert word in joined, word
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert all(len(t) * 8 <= width for t in texts)  # no line runs past the right edge
    height = int(re.search(r'height="(\d+)"', svg).group(1))
    ys = [float(y) for y in re.findall(r'<text x="[^"]*" y="([\d.]+)"', svg)]
    assert max(ys) < height


def test_same_chart_same_bytes():
    assert charts.svg(_chart([3, 1])) == charts.svg(_chart([3, 1]))


def test_the_xlsx_grade_count_chart_has_a_whole_number_axis():
    import io
    import zipfile

    from scoring.render.batch_xlsx import render_ranking

    rows = [{"rank": i + 1, "ward": f"Phường {i}", "district": None, "self_total": Decimal(10 - i),
             "verified_total": None, "grade": "Tốt", "moved": [], "note": None} for i in range(3)]
    data = render_ranking(rows, {"Tốt": 3, "Khá": 0})
    z = zipfile.ZipFile(io.BytesIO(data))
    xml = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")
               and "Số đơn vị theo xếp loại" in z.read(n).decode())
    assert "<majorUnit val=\"1\"" in xml and "<max val=\"3\"" in xml and "<min val=\"0\"" in xml
    assert 'formatCode="0"' in xml
