"""Every problem code dvcq reports, in one table: code, severity, meaning, and where it is raised.

A rule author looks a code up in docs/rule-format.md; that table is generated from this one
(`python -m scoring.lintcodes --write docs/rule-format.md`), and a test fails when the two differ,
when a `code="…"` in the package is missing here, or when a code here is raised nowhere or has no
case under tests/lint_cases/.

Families: P0xx the pack as loaded (items, methods, vetoes, identifiers, batch rules); L0xx the
pack as a whole (`lint.py`); W1xx pack warnings; E1xx the limits of the durable-rules engine
(`engine.py`; from a pack they surface as L008 naming the E code); V0xx a record checked against a
pack's vocabulary (`vocabulary.py`); W0xx record warnings.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, NamedTuple


class Code(NamedTuple):
    code: str
    severity: Literal["lỗi", "cảnh báo"]
    doc: str       # one line, Vietnamese
    raised_in: str  # module (and function) that reports it


E, W = "lỗi", "cảnh báo"

_TABLE = [
    Code("P001", E, "mã nội dung bị trùng", "pack.load_pack"),
    Code("P002", E, "nội dung thiếu `source` (căn cứ pháp lý)", "pack.load_pack"),
    Code("P003", E, "phương pháp chấm không tồn tại (kèm gợi ý tên gần đúng)", "methods.bind_item"),
    Code("P004", E, "thiếu khóa hoặc khóa không dùng được với phương pháp (kể cả `not_applicable` ở phương pháp không đọc nó)",
         "methods.bind_item"),
    Code("P005", E, "phương pháp từ chối nội dung: số liệu/văn bản/tham số không có, sai loại, bậc chồng lấn hoặc "
                    "có khoảng trống, điểm ngoài 0…max, các phần không cộng đúng", "methods.bind_item"),
    Code("P010", E, "điều kiện loại trừ nằm ngoài ngôn ngữ cho phép (hoặc một số vượt giới hạn)", "pack.load_pack"),
    Code("P011", E, "mã điều kiện loại trừ bị trùng", "pack.load_pack"),
    Code("P012", E, "mã không phải ASCII `[a-z0-9_.]` (ký tự dễ nhầm được nêu tên Unicode)", "pack._identifier_problems"),
    Code("P013", E, "tệp bộ tiêu chí sai cấu trúc: thiếu khóa, khóa thừa, sai kiểu hoặc giá trị ngoài danh sách cho phép",
         "pack.parse_pack"),
    Code("P020", E, "quy tắc `batch` trỏ tới mức xếp loại hoặc mã không có, hoặc chỉ tiêu không hợp lý",
         "batch.rules.BatchRules.check"),
    Code("P021", E, "điều kiện xếp loại (`eligibility`) trỏ tới văn bản, hạn hoặc mức không có, không có đúng một "
                    "kết quả, hoặc không có đúng một dạng (`when:` hay `document:` + `later_than:`)", "packload.bind"),
    Code("P022", E, "`applies_if.kinds`: loại đơn vị không có, không nằm trong `applies_to` của bộ tiêu chí, hoặc danh sách rỗng",
         "applicability.declared"),
    Code("P023", E, "`applies_if.when`: điều kiện ngoài ngôn ngữ cho phép, mã không có trong vocabulary, hoặc không phải "
                    "số liệu về đơn vị (`unit.*`)", "applicability.declared"),
    Code("P024", E, "`if_not_applicable` không kèm `applies_if`, `applies_if` rỗng, hoặc khai báo ở một phần, điểm thưởng, "
                    "điểm trừ", "applicability.declared"),
    Code("P025", E, "điều kiện trên kết quả chấm (`points(…)`, `max(…)`, `total`) trỏ tới tiêu chí/nội dung không có "
                    "(kèm gợi ý), không tuyến tính, dùng số liệu trong phép tính với điểm, hoặc chỉ so sánh hằng số",
         "packload.bind"),
    Code("L001", E, "`max` của tiêu chí khác tổng `max` các nội dung", "lint.lint"),
    Code("L002", E, "`max_total` khác tổng `max` các tiêu chí", "lint.lint"),
    Code("L003", E, "mức xếp loại không thể đạt (ngưỡng trùng hoặc vượt `max_total`)", "lint.lint"),
    Code("L004", E, "thiếu mức xếp loại thấp nhất (`min: 0`, không có điều kiện loại trừ)", "lint.lint"),
    Code("L005", E, "`effective_to` trước `effective_from`", "lint.lint"),
    Code("L006", E, "mã tiêu chí bị trùng", "lint.lint"),
    Code("L007", E, "`max` của một nội dung điểm thưởng/điểm trừ vượt trần của phần đó, hoặc trần không dương", "lint.lint"),
    Code("L008", E, "bộ tiêu chí vượt giới hạn của bộ máy luật durable-rules (nêu mã E1xx)", "lint.lint"),
    Code("L009", E, "`replaces` trỏ tới chính bộ tiêu chí", "lint.lint"),
    Code("L010", E, "điểm cho trạng thái đặc biệt (`not_applicable`, `zero_denominator`, `none_applicable`) nằm ngoài 0…max",
         "lint.lint"),
    Code("L011", E, "mọi nội dung của các tiêu chí đều có thể bị loại khỏi điểm tối đa (`if_not_applicable: exclude`)",
         "lint.lint"),
    Code("L012", E, "ngày theo quý/nửa năm (`quarter+1-01-15`, `half-06-31`…) trong bộ tiêu chí chấm theo năm, "
                    "hoặc ngày theo quý trong bộ chấm theo nửa năm",
         "lint.lint"),
    Code("W101", W, "số liệu khai báo trong vocabulary nhưng không nội dung nào dùng", "lint.lint"),
    Code("W102", W, "nội dung cho ít điểm hơn khi số liệu được thưởng tăng lên", "lint.lint"),
    Code("W103", W, "tham số khai báo nhưng không nội dung nào dùng", "lint.lint"),
    Code("W104", W, "hai bộ tiêu chí của một tỉnh cùng có hiệu lực một ngày (thiếu `replaces` hoặc `effective_to`)",
         "packstore.Index.overlaps"),
    Code("W105", W, "một phép so sánh trên kết quả chấm luôn đúng hoặc không bao giờ đúng (điểm nằm trong 0…max)",
         "lint._decided_comparisons"),
    Code("E101", E, "một nội dung có quá nhiều nhánh chấm", "engine.CompiledPack"),
    Code("E102", E, "ngưỡng của một nhánh vượt giới hạn số của bộ máy luật", "engine.CompiledPack"),
    Code("E103", E, "điều kiện loại trừ dùng quá nhiều số liệu", "engine.CompiledPack"),
    Code("E104", E, "bộ tiêu chí sinh ra quá nhiều luật", "engine.CompiledPack._check_limits"),
    Code("E105", E, "luật dùng `$nex` (không được phép)", "engine.CompiledPack._check_limits"),
    Code("E106", E, "luật nối nhiều sự kiện (join)", "engine.CompiledPack._check_limits"),
    Code("E107", E, "quá nhiều luật dùng chung một điều kiện", "engine.CompiledPack._check_limits"),
    Code("E108", E, "quá nhiều điều kiện khác nhau trên một trường", "engine.CompiledPack._check_limits"),
    Code("V001", E, "hồ sơ dùng mã số liệu không có trong bộ tiêu chí (kèm gợi ý)", "vocabulary.check"),
    Code("V002", E, "số liệu sai dạng so với vocabulary (vd. số đếm thay cho tỷ lệ)", "vocabulary.check"),
    Code("V003", E, "tỷ lệ vượt 100% ở số liệu không khai `bounded: false`", "vocabulary.check"),
    Code("V004", E, "`total` của danh mục khác số nội dung bộ tiêu chí quy định", "vocabulary.check"),
    Code("V005", E, "số tổ dân phố ghi hai lần khác nhau", "vocabulary.check"),
    Code("V006", E, "hồ sơ dùng mã văn bản không có trong bộ tiêu chí (kèm gợi ý)", "vocabulary.check"),
    Code("V007", E, "một văn bản khai báo hai lần", "vocabulary.check"),
    Code("V008", E, "ngày gửi trước ngày ban hành", "vocabulary.check"),
    Code("V009", E, "tử số lớn hơn mẫu số ở tỷ lệ dựng từ hai số đếm", "vocabulary.check"),
    Code("V010", E, "bộ tiêu chí cần tên huyện (`requires_district`) cho kỳ trước 01/07/2025 mà hồ sơ không ghi",
         "vocabulary.check"),
    Code("W001", W, "thiếu minh chứng bộ tiêu chí cần (sẽ mất điểm)", "vocabulary.check"),
    Code("W002", W, "văn bản chấm theo ngày nhưng không ghi ngày (được 0 điểm như ngày xấu nhất)", "vocabulary.check"),
]

CODES: dict[str, Code] = {c.code: c for c in _TABLE}
assert len(CODES) == len(_TABLE), "a code is listed twice"

START = "<!-- lintcodes:start (generated by `python -m scoring.lintcodes --write docs/rule-format.md`) -->"
END = "<!-- lintcodes:end -->"


def markdown() -> str:
    """The table docs/rule-format.md shows, in registry order."""
    rows = ["| mã | mức | ý nghĩa | nơi kiểm tra |", "|---|---|---|---|"]
    for c in _TABLE:
        doc = c.doc.replace("|", "\\|")
        rows.append(f"| {c.code} | {c.severity} | {doc} | `scoring.{c.raised_in}` |")
    return "\n".join(rows) + "\n"


def with_table(doc: str) -> str:
    """`doc` with the text between the markers replaced by the generated table."""
    if START not in doc or END not in doc:
        raise ValueError(f"thiếu dấu mốc {START!r} … {END!r}")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown()}{END}{tail}"


def main(argv: list[str]) -> int:
    if argv == ["--markdown"]:
        sys.stdout.write(markdown())
        return 0
    if len(argv) == 2 and argv[0] in ("--write", "--check"):
        path = Path(argv[1])
        old = path.read_text(encoding="utf-8")
        new = with_table(old)
        if argv[0] == "--check":
            if new != old:
                sys.stderr.write(f"{path}: bảng mã lỗi khác sổ đăng ký; chạy python -m scoring.lintcodes --write {path}\n")
                return 1
            return 0
        if new != old:
            path.write_text(new, encoding="utf-8")
        return 0
    sys.stderr.write("dùng: python -m scoring.lintcodes --markdown | --write TỆP.md | --check TỆP.md\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
