"""`dvcq batch`: score and rank a district's folder of records, verified where a review exists.

Options are declared here rather than imported from `scoring.cli`, which imports this module while
it is itself being imported.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..render import BATCH, binary, formats

FORMATS = formats(BATCH)
BINARY = {f for f in FORMATS if binary(f)}
from .run import MAX_JOBS


@click.command()
@click.argument("folder", metavar="THƯ_MỤC")
@click.option("--reviews", "reviews", metavar="THƯ_MỤC",
              help="Thư mục tệp thẩm định; mỗi tệp được ghép với hồ sơ theo mã nội dung review_of.record_sha256 "
                   "(và tên đơn vị, kỳ). Hồ sơ có thẩm định được xếp hạng theo điểm thẩm định.")
@click.option("--rules", "rules", metavar="PACK.yaml",
              help="Dùng một bộ tiêu chí cho mọi hồ sơ. Mặc định: mỗi hồ sơ dùng bộ có hiệu lực cho tỉnh và kỳ của nó.")
@click.option("--rules-dir", "rules_dir", metavar="DIR", help="Thư mục bộ tiêu chí (mặc định rules/ hoặc $DVCQ_RULES).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table: bảng xếp hạng; csv: cho bảng tính; json: dữ liệu (có niêm phong); markdown: báo cáo; "
                   "html: trang in A4 (biểu đồ, bảng xếp hạng, rồi báo cáo từng đơn vị, mỗi đơn vị một trang); "
                   "xlsx: tệp Excel (cần -o).")
@click.option("--csv-separator", "csv_separator", type=click.Choice([",", ";"]), default=",", show_default=True,
              help="Dấu phân cách cột của --format csv; Excel cài tiếng Việt cần ';'. Tệp csv luôn là UTF-8 có BOM "
                   "để Excel đọc đúng chữ tiếng Việt.")
@click.option("--csv-decimal-comma", is_flag=True,
              help="Viết số thập phân với dấu phẩy (10,5) trong --format csv, như Excel cài tiếng Việt đọc; "
                   "dùng cùng --csv-separator ';'.")
@click.option("--jobs", "jobs", type=click.IntRange(min=1, max=MAX_JOBS), metavar="N",
              help="Số tiến trình chấm song song (mặc định: số nhân CPU; không quá số nhân CPU và số hồ sơ; "
                   "thư mục nhỏ luôn chấm tuần tự).")
@click.option("--allow-other-province", is_flag=True,
              help="Cho phép chấm thử hồ sơ của tỉnh khác với bộ tiêu chí đã chọn (--rules).")
@click.option("--recursive", "-r", is_flag=True,
              help="Đọc cả hồ sơ trong các thư mục con (vd. mỗi huyện một thư mục trong thư mục của tỉnh).")
@click.option("--width", "width", type=click.IntRange(min=40), metavar="N",
              help="table: độ rộng bảng (số cột ký tự). Mặc định: độ rộng cửa sổ dòng lệnh.")
@click.option("--issuer", "issuer", metavar="ĐƠN_VỊ",
              help="html: cơ quan ban hành bảng xếp hạng (vd. \"UBND thị xã Đức Phổ\"). Mặc định: UBND huyện khi "
                   "mọi hồ sơ cùng một huyện, nếu không thì UBND tỉnh.")
@click.option("--date", "on", metavar="YYYY-MM-DD",
              help="html: ngày ghi trên bảng xếp hạng ('today': hôm nay). Mặc định: ngày thẩm định gần nhất, "
                   "không có thì để trống để ghi tay.")
@click.option("-o", "--output", metavar="FILE", help="Ghi kết quả vào tệp (ghi nguyên tử) thay vì stdout.")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp kết quả đã có (không bao giờ ghi đè tệp đầu vào).")
def batch(folder, reviews, rules, rules_dir, fmt, csv_separator, csv_decimal_comma, jobs, allow_other_province,
          recursive, width, issuer, on, output,
          force):
    """Chấm và xếp hạng mọi hồ sơ trong một thư mục (các phường, xã của một huyện trong một năm).

    In bảng xếp hạng (hạng, đơn vị, điểm tự chấm, điểm thẩm định, xếp loại, nội dung thay đổi
    nhiều nhất) và số đơn vị theo từng mức xếp loại; áp dụng quy tắc chung của bộ tiêu chí
    (chỉ tiêu mức cao nhất, không đủ điều kiện xếp loại). Hồ sơ lỗi được liệt kê kèm lỗi và không
    làm dừng các hồ sơ khác.

    Mã thoát: 0 khi mọi hồ sơ đều chấm được; 2 khi có hồ sơ/tệp thẩm định lỗi (kết quả vẫn được in);
    1 khi có lỗi nội bộ.

    \b
    Ví dụ:
      dvcq batch samples/quang-ngai --reviews samples/quang-ngai/reviews
      dvcq batch hoso/2023 --reviews thamdinh/2023 --format csv -o xephang-2023.csv
      dvcq batch hoso/2023 --format csv --csv-separator ';' --csv-decimal-comma -o xephang-excel.csv
      dvcq batch hoso/2023 --reviews thamdinh/2023 --format html -o xephang-2023.html
    """
    from ..cli import emit
    from .render import render
    from .run import progress_bar, record_files, review_files, run_batch

    if fmt in BINARY and not output:  # refused before scoring a whole district, not after
        raise UsageError.one(f"định dạng {fmt} là tệp nhị phân: cần -o TÊN_TỆP")
    if fmt != "csv" and (csv_separator != "," or csv_decimal_comma):
        raise UsageError.one("--csv-separator và --csv-decimal-comma chỉ dùng với --format csv")
    issued_on = _date(on)
    folder_p = Path(folder)
    results = fmt == "html"  # only the printed page carries each ward's full report
    reviews_p = Path(reviews) if reviews else None
    files = record_files(folder_p, recursive=recursive)
    bar = progress_bar(len(files))
    if bar is not None:
        with bar:
            result = run_batch(folder_p, reviews_p, rules, rules_dir, allow_other_province, jobs, bar.update,
                               results=results, files=files)
    else:
        result = run_batch(folder_p, reviews_p, rules, rules_dir, allow_other_province, jobs, results=results,
                           files=files)
    inputs = [str(p) for p in files] + ([str(p) for p in review_files(reviews_p)] if reviews_p else [])
    inputs += [rules] if rules else []
    inputs += sorted({p for g in result.groups for p in _pack_paths(g)})
    if fmt == "json":  # streamed: a large district's JSON is never held in memory whole
        from .render import render_json_chunks

        emit(render_json_chunks(result), output, protect=inputs, force=force)
    elif fmt == "csv":
        from .render import render_csv

        emit(render_csv(result, separator=csv_separator, decimal_comma=csv_decimal_comma), output, protect=inputs,
             force=force)
    else:
        options = {"table": {"width": width}, "html": {"issuer": issuer, "on": issued_on}}.get(fmt, {})
        emit(render(result, fmt, **options), output, protect=inputs, force=force)
    if result.failed:
        click.echo(f"cảnh báo: {len(result.failed)} hồ sơ/tệp lỗi không được xếp hạng (xem danh sách cuối bảng).",
                   err=True)
        sys.exit(1 if result.internal_errors else 2)


def _date(text):
    """`--date`: a date, 'today' (the wall clock, only when asked), or None."""
    import datetime

    if text is None:
        return None
    if text.strip().lower() == "today":
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError.one(f"ngày '{text}' không đúng dạng YYYY-MM-DD (vd. 2024-05-20) hoặc 'today'",
                             field="--date") from None


def _pack_paths(group) -> list[str]:
    return sorted({r.s.pack_path for r in group.rows})
