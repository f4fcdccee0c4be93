"""`dvcq audit`: does a sealed JSON result still follow from its inputs? Exit 0 yes, 4 no."""
from __future__ import annotations

import click


@click.command()
@click.argument("result", metavar="KẾT_QUẢ.json")
@click.option("--evidence", "evidence", metavar="HỒ_SƠ",
              help="Tệp hồ sơ minh chứng. Mặc định: tệp có tên đã ghi trong kết quả, cạnh tệp kết quả hoặc ở thư mục hiện tại.")
@click.option("--rules", "rules", metavar="PACK.yaml",
              help="Tệp bộ tiêu chí. Mặc định: bộ có đúng mã băm (hoặc mã) đã ghi, trong rules/ (hoặc $DVCQ_RULES).")
@click.option("--review", "review", metavar="THẨM_ĐỊNH.yaml",
              help="Tệp thẩm định (với kết quả của dvcq verify). Mặc định: tệp có tên đã ghi trong kết quả.")
def audit(result, evidence, rules, review):
    """Kiểm tra niêm phong: tính lại kết quả từ hồ sơ, bộ tiêu chí (và thẩm định) rồi so sánh.

    Chỉ ra cái gì khác: kết quả bị sửa, hồ sơ thay đổi, bộ tiêu chí thay đổi, thẩm định thay đổi,
    hay bộ máy chấm thay đổi. Mã thoát: 0 khớp; 4 không khớp; 2 thiếu hoặc sai tệp.

    \b
    Ví dụ:
      dvcq score hoso.yaml --format json -o ketqua.json
      dvcq audit ketqua.json --evidence hoso.yaml
    """
    from ..errors import AuditMismatch, Problem
    from .check import audit as run, render_report

    report = run(result, evidence, rules, review)
    click.echo(render_report(report), nl=False)
    if not report.matches:
        # exit_code passed explicitly: the dataclass __init__ of DvcqError would reset it to 2
        raise AuditMismatch([Problem(c, file=result) for c in report.causes()], exit_code=4)
