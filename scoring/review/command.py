"""`dvcq verify`: a district's review applied to one ward's record, self vs verified.

Options are declared here rather than imported from `scoring.cli`, which imports this module while
it is itself being imported.
"""
from __future__ import annotations

import click

from ..render import VERIFICATION, formats

FORMATS = formats(VERIFICATION)


@click.command()
@click.argument("evidence", metavar="HỒ_SƠ")
@click.option("--review", "review", metavar="THẨM_ĐỊNH.yaml", required=True,
              help="Tệp kết luận thẩm định của cấp huyện cho đúng hồ sơ này (review_of.record_sha256: mã nội dung hồ sơ).")
@click.option("--rules", "rules", metavar="PACK.yaml",
              help="Tệp bộ tiêu chí. Mặc định: bộ có hiệu lực cho tỉnh và kỳ của hồ sơ, tìm trong "
                   "thư mục rules/ (hoặc $DVCQ_RULES).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table: bảng so sánh cho màn hình/in; json: dữ liệu (có niêm phong); markdown: báo cáo; "
                   "html: biên bản thẩm định in A4, cơ quan thẩm định ký; "
                   "xlsx: bảng điểm thẩm định chính thức (Excel, cần -o).")
@click.option("--allow-other-province", is_flag=True,
              help="Cho phép chấm thử hồ sơ của tỉnh khác với bộ tiêu chí đã chọn.")
@click.option("--width", "width", type=click.IntRange(min=40), metavar="N",
              help="table: độ rộng bảng (số cột ký tự). Mặc định: độ rộng cửa sổ dòng lệnh.")
@click.option("-o", "--output", metavar="FILE", help="Ghi kết quả vào tệp (ghi nguyên tử) thay vì stdout.")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp kết quả đã có (không bao giờ ghi đè tệp đầu vào).")
def verify(evidence, review, rules, fmt, allow_other_province, width, output, force):
    """Thẩm định: áp dụng kết luận của cấp huyện vào hồ sơ; so sánh điểm tự chấm và điểm thẩm định.

    Mỗi kết luận (số liệu, văn bản, hoặc điểm dành cho cấp thẩm định) phải có lý do. Thẩm định lập
    cho hồ sơ khác (mã nội dung, tên đơn vị hoặc kỳ không khớp) bị từ chối.

    \b
    Ví dụ:
      dvcq verify samples/quang-ngai/pho-van-2023.yaml \\
          --review samples/quang-ngai/reviews/pho-van-2023.review.yaml
      dvcq verify hoso.yaml --review thamdinh.yaml --format json -o ketqua-thamdinh.json
      dvcq verify hoso.yaml --review thamdinh.yaml --format xlsx -o bang-diem-tham-dinh.xlsx
    """
    from .. import api
    from ..cli import emit
    from .render import render

    if fmt == "xlsx" and not output:  # refused before scoring, not after
        from ..errors import UsageError

        raise UsageError.one("định dạng xlsx là tệp nhị phân: cần -o TÊN_TỆP")
    prep = api.check(evidence, rules, allow_other_province=allow_other_province)
    result = api.verify(prep, review)
    options = {"width": width} if fmt == "table" else {}
    emit(render(result, fmt, **options), output, protect=[evidence, review, rules or prep.pack.path], force=force)


@click.group()
def review():
    """Phiếu thẩm định: lập phiếu từ hồ sơ để cấp thẩm định (cấp huyện; từ 01/07/2025 cấp tỉnh) điền kết luận."""


@review.command("new")
@click.argument("evidence", metavar="HỒ_SƠ")
@click.option("-o", "--output", required=True, metavar="THẨM_ĐỊNH.yaml|.xlsx",
              help="Tệp phiếu sẽ tạo: .yaml (sửa bằng trình soạn thảo) hoặc .xlsx (điền bằng Excel/LibreOffice).")
@click.option("--rules", "rules", metavar="PACK.yaml",
              help="Tệp bộ tiêu chí. Mặc định: bộ có hiệu lực cho tỉnh và kỳ của hồ sơ.")
@click.option("--allow-other-province", is_flag=True,
              help="Cho phép chấm thử hồ sơ của tỉnh khác với bộ tiêu chí đã chọn.")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp đã có (không bao giờ ghi đè tệp đầu vào).")
def review_new(evidence, output, rules, allow_other_province, force):
    """Lập phiếu thẩm định cho một hồ sơ: đơn vị, kỳ, mã nội dung hồ sơ (record_sha256) đã điền sẵn;
    mỗi số liệu, văn bản, nội dung kèm giá trị hồ sơ tự báo cáo, tự chấm và chỗ ghi kết luận.

    Phiếu .yaml: bỏ dấu # ở các kết luận cần ghi. Phiếu .xlsx: ghi lý do ở dòng có kết luận.
    Điền cơ quan thẩm định và ngày thẩm định, rồi chạy dvcq verify HỒ_SƠ --review PHIẾU.

    \b
    Ví dụ:
      dvcq review new samples/quang-ngai/pho-van-2023.yaml -o thamdinh.yaml
      dvcq review new hoso.xlsx -o thamdinh.xlsx
    """
    from pathlib import Path

    from .. import api
    from ..cli import emit
    from ..errors import UsageError
    from .skeleton import skeleton_xlsx, skeleton_yaml

    suffix = Path(output).suffix.lower()
    if suffix not in (".yaml", ".yml", ".xlsx"):
        raise UsageError.one("phiếu thẩm định phải là tệp .yaml, .yml hoặc .xlsx", file=output)
    prep = api.check(evidence, rules, allow_other_province=allow_other_province)
    result = api.score(prep)
    data = skeleton_xlsx(prep, result) if suffix == ".xlsx" else skeleton_yaml(prep, result)
    emit(data, output, protect=[evidence, rules or prep.pack.path], force=force)
