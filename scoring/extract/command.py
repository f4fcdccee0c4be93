"""`dvcq extract REPORT -o draft.yaml [--rules PACK]`: draft a record from a ward's report."""
from __future__ import annotations

from pathlib import Path

import click

from ..output import write_atomic
from .draft import extract as build_draft
from .draft import to_yaml
from .reader import read_report
from .vocab import default_pack_path, load_vocabulary


def _summary(draft: dict) -> str:
    facts = draft["facts"]
    docs = draft["documents"]
    ext = draft["extraction"]
    review = [k for k, v in facts.items() if v.get("review")] + [d["id"] for d in docs if d.get("review")]
    lines = [
        f"trích được {len(facts)} số liệu, {len(docs)} văn bản của bộ tiêu chí "
        f"({len(ext['other_documents'])} văn bản khác được dẫn)",
        f"không tìm thấy: {len(ext['absent'])} mục (xem extraction.absent)",
        f"cần người kiểm tra: {len(review)} mục có review: true; {len(ext['flags'])} cảnh báo (xem extraction.flags)",
    ]
    if "name" not in draft["ward"]:
        lines.append("chưa có tên phường: dùng --ward \"Phường …\" để bản nháp hợp lệ")
    return "\n".join(lines)


@click.command("extract")
@click.argument("report", metavar="BÁO_CÁO", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp hồ sơ nháp (YAML) sẽ ghi ra (ghi nguyên tử).")
@click.option("--rules", "rules", metavar="PACK.yaml", type=click.Path(dir_okay=False, path_type=Path),
              help="Bộ tiêu chí cho biết cần trích số liệu nào. Mặc định: rules/quang-ngai/qd-1211-2022.yaml.")
@click.option("--year", type=click.IntRange(1945, 2100), help="Năm của kỳ báo cáo (mặc định: đọc từ tên báo cáo).")
@click.option("--province", metavar="TỈNH", help="Tên tỉnh, khi báo cáo không nêu hoặc nêu sai.")
@click.option("--ward", metavar="TÊN", help="Tên phường/xã, vd. \"Phường Phổ Văn\", khi báo cáo không nêu.")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp kết quả đã có.")
def extract(report: Path, output: Path, rules: Path | None, year: int | None, province: str | None,
            ward: str | None, force: bool) -> None:
    """Soạn hồ sơ minh chứng NHÁP từ báo cáo của phường (.txt, .md, .docx).

    \b
    Mỗi số liệu tìm được kèm câu nguồn (source) và độ tin cậy (confidence); số liệu
    chưa chắc có review: true. Số liệu không tìm thấy được liệt kê ở extraction.absent,
    mâu thuẫn trong báo cáo và số liệu ngoài kỳ ở extraction.flags. Không tự điền
    số liệu báo cáo không nêu.
    \b
    Ví dụ:
      dvcq extract bao-cao-2023.docx -o pho-van-2023.yaml
      dvcq validate pho-van-2023.yaml
    """
    pack_path = rules or default_pack_path()
    vocab = load_vocabulary(pack_path)
    parsed = read_report(report)
    result = build_draft(parsed, vocab, parsed.raw, year=year, province=province, ward=ward)
    write_atomic(output, to_yaml(result.draft), protect=(report, pack_path), force=force)
    click.echo(f"đã ghi {output}", err=True)
    click.echo(_summary(result.draft), err=True)
