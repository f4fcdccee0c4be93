"""`dvcq`: the command line. Parses options, calls `scoring.api`, hands the result to a renderer.

Exit codes: 0 ok; 2 bad input, bad rule file or usage; 1 internal error; 4 audit mismatch.
Results go to stdout (or -o FILE); messages to stderr.
"""
from __future__ import annotations

import os
import sys
import traceback

import click

from . import __version__
from .errors import DvcqError, EngineError, UsageError
from .i18n import vietnamese
from .files import shown
from .output import write_atomic
from .pack import fmt_number
from .render import available

FORMATS = available()

# Commands that live in their own packages, imported only when invoked (or listed by --help), so
# `dvcq score` does not pay for the extractor, the workbook code or the batch machinery.
LAZY_COMMANDS = {
    "extract": "scoring.extract.command:extract",
    "verify": "scoring.review.command:verify",
    "review": "scoring.review.command:review",
    "batch": "scoring.batch.command:batch",
    "audit": "scoring.audit.command:audit",
    "template": "scoring.workbook.command:template",
    "convert": "scoring.workbook.command:convert",
    "serve": "portal.command:serve",
    "backup": "portal.backup:backup",
    "restore": "portal.backup:restore",
}


class DvcqGroup(click.Group):
    """Runs every dvcq command with click speaking Vietnamese, turns our errors into Vietnamese
    messages and exit codes instead of tracebacks, and loads the commands of LAZY_COMMANDS on demand.

    click prints its own usage errors and help (exit 2 / 0) through its gettext messages;
    `main` is where every invocation enters (the console script, `python -m`, CliRunner), so the
    Vietnamese catalog is switched on there, around parsing, help and the command itself
    (see scoring/i18n.py)."""

    def main(self, *args, **kwargs):
        """In Vietnamese; run as a program, with a stdout that reports failed writes (scoring/stdio.py)."""
        with vietnamese():
            if not kwargs.get("standalone_mode", True):
                return super().main(*args, **kwargs)
            from .stdio import run

            return run(lambda: super(DvcqGroup, self).main(*args, **kwargs))

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        from .stdio import StdoutFailed

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, StdoutFailed):
            raise
        except DvcqError as exc:
            click.echo(f"lỗi: {exc.render()}" if len(exc.problems) == 1 else "lỗi:\n" + "\n".join(
                f"  - {p.render()}" for p in exc.problems), err=True)
            ctx.exit(exc.exit_code)
        except EngineError as exc:
            click.echo(f"lỗi nội bộ của bộ máy luật: {exc}", err=True)
            ctx.exit(1)
        except Exception as exc:  # a bug of ours: say so, keep the traceback for DVCQ_DEBUG
            if os.environ.get("DVCQ_DEBUG"):
                traceback.print_exc()
            click.echo(f"lỗi nội bộ ({type(exc).__name__}): {exc}. Đặt DVCQ_DEBUG=1 để xem chi tiết.", err=True)
            ctx.exit(1)


def labelled_status(status: str) -> str:
    """'dự thảo (draft)': the clerk's word first, the code a pack file spells beside it."""
    from .vietnamese import status_label

    label = status_label(status)
    return label if label == status else f"{label} ({status})"


def emit(text, output: str | None, protect=(), force: bool = False) -> None:
    """Results to `output` (atomically) or stdout; `text` is str, bytes, or an iterable of str chunks."""
    if output:
        write_atomic(output, text, protect=protect, force=force)
        click.echo(f"đã ghi {shown(output)}", err=True)
    elif isinstance(text, bytes):
        raise UsageError.one("định dạng này là tệp nhị phân: cần -o TÊN_TỆP")
    elif isinstance(text, str):
        click.echo(text, nl=False)
    else:  # text chunks
        for chunk in text:
            click.echo(chunk, nl=False)


def render(result, fmt: str, **options):
    from .render import render as r

    return r(result, fmt, **options)


rules_option = click.option("--rules", "rules", metavar="PACK.yaml",
                            help="Tệp bộ tiêu chí. Mặc định: bộ có hiệu lực cho tỉnh và kỳ của hồ sơ, tìm trong "
                                 "thư mục rules/ (hoặc $DVCQ_RULES).")
other_option = click.option("--allow-other-province", is_flag=True,
                            help="Cho phép chấm thử hồ sơ của tỉnh khác với bộ tiêu chí đã chọn.")
output_option = click.option("-o", "--output", metavar="FILE", help="Ghi kết quả vào tệp (ghi nguyên tử) thay vì stdout.")
force_option = click.option("--force", is_flag=True, help="Cho phép ghi đè tệp kết quả đã có (không bao giờ ghi đè tệp đầu vào).")


# click fills in the help and the message of --version when the option is declared, not when it is shown
with vietnamese():
    version_option = click.version_option(__version__, prog_name="dvcq")


@click.group(cls=DvcqGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@version_option
def main():
    """Chấm điểm công tác dân vận chính quyền (DVCQ) cấp xã theo bộ tiêu chí của tỉnh.

    \b
    Quy trình thường dùng:
      dvcq validate samples/quang-ngai/pho-van-2023.yaml     # kiểm tra hồ sơ, liệt kê minh chứng còn thiếu
      dvcq score    samples/quang-ngai/pho-van-2023.yaml     # bảng điểm tự chấm và xếp loại
      dvcq explain  samples/quang-ngai/pho-van-2023.yaml --rule TC5.4   # vì sao nội dung được điểm này
      dvcq rules list                                        # các bộ tiêu chí và thời gian hiệu lực

    Mã thoát: 0 thành công; 2 hồ sơ/bộ tiêu chí/tùy chọn sai; 1 lỗi nội bộ.

    \b
    Biến môi trường:
      DVCQ_RULES=THƯ_MỤC      thư mục bộ tiêu chí (mặc định rules/)
      DVCQ_DEBUG=1            in chi tiết khi có lỗi nội bộ
    """


@main.command()
@click.argument("evidence", metavar="HỒ_SƠ")
@rules_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table: bảng cho màn hình/in; json: dữ liệu cho công cụ khác; markdown: báo cáo; "
                   "html: trang báo cáo in được; xlsx: bảng tự chấm Excel (cần -o).")
@click.option("--width", "width", type=click.IntRange(min=40), metavar="N",
              help="table: độ rộng bảng (số cột ký tự). Mặc định: độ rộng cửa sổ dòng lệnh.")
@click.option("--with-trail", is_flag=True,
              help="html: in cả phần giải trình từng nội dung (mặc định chỉ hiện trên màn hình, gấp lại).")
@other_option
@output_option
@force_option
def score(evidence, rules, fmt, width, with_trail, allow_other_province, output, force):
    """Chấm điểm một hồ sơ (YAML/JSON): điểm từng nội dung, tổng điểm, xếp loại.

    \b
    Ví dụ:
      dvcq score samples/quang-ngai/nguyen-nghiem-2023.yaml
      dvcq score hoso.yaml --format json -o ketqua.json
    """
    from . import api

    if os.path.isdir(evidence):
        raise UsageError.one("đây là một thư mục; 'dvcq score' chấm một hồ sơ", file=shown(evidence),
                             hint=f"để chấm và xếp hạng mọi hồ sơ trong thư mục: dvcq batch {shown(evidence)}")
    prep = api.check(evidence, rules, allow_other_province=allow_other_province,  # the pack chosen once
                     decide_applicability=False)
    result = api.score(prep)
    options = {"html": {"with_trail": with_trail}, "table": {"width": width}}.get(fmt, {})
    emit(render(result, fmt, **options), output, protect=[evidence, rules, prep.pack.path], force=force)


@main.command()
@click.argument("evidence", metavar="HỒ_SƠ")
@rules_option
@click.option("--rule", "rule", metavar="ID", help="Chỉ giải thích một nội dung (vd. TC5.4, TC1.3/a, TC5.4#t0, B1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@other_option
def explain(evidence, rules, rule, fmt, allow_other_province):
    """Giải trình: nội dung nào, căn cứ nào, số liệu nào (kèm nguồn), cách tính và điểm được/mất.

    \b
    Ví dụ:
      dvcq explain samples/quang-ngai/pho-van-2023.yaml --rule TC5.4
    """
    from . import api
    from .explain import explain as trail

    prep = api.check(evidence, rules, allow_other_province=allow_other_province, decide_applicability=False)
    result = api.score(prep)
    if rule:
        from .explain import find_part

        rule = find_part(result, rule, prep.pack.id)  # a part at any level: trail ids and fired rules accepted
    if fmt == "json":
        from .render.json import dumps

        data = result.to_json_dict()
        if rule:  # the whole top item: the JSON contract's items are top-level
            data["items"] = [i for i in data["items"] if i["id"] == rule.split("/", 1)[0]]
        click.echo(dumps(data))
    else:
        click.echo(trail(result, rule), nl=False)


@main.command()
@click.argument("evidence", metavar="HỒ_SƠ")
@rules_option
@other_option
def validate(evidence, rules, allow_other_province):
    """Kiểm tra hồ sơ: cấu trúc, mã số liệu, kiểu giá trị; liệt kê minh chứng còn thiếu (cảnh báo).

    Không có bộ tiêu chí cho tỉnh của hồ sơ thì chỉ kiểm tra cấu trúc.
    """
    from . import api

    ev = api.load_record(evidence)
    if not rules:
        try:
            api.pack_in_force(ev)
        except UsageError as exc:
            click.echo(f"cảnh báo: {exc.render()} — chỉ kiểm tra cấu trúc hồ sơ.", err=True)
            click.echo(f"{evidence}: cấu trúc hợp lệ (chưa đối chiếu bộ tiêu chí)")
            return
    prep = api.check(ev, rules, allow_other_province=allow_other_province)
    for w in prep.checked.warnings:
        click.echo(f"cảnh báo: {w.render()}", err=True)
    n = len(prep.checked.missing)
    click.echo(f"{evidence}: hợp lệ theo bộ tiêu chí {prep.pack.id}"
               + (f"; thiếu {n} minh chứng (xem cảnh báo)" if n else "; đủ minh chứng"))


@main.group()
def rules():
    """Bộ tiêu chí: liệt kê, xem, kiểm tra (lint)."""


@rules.command("list")
@click.option("--dir", "directory", metavar="DIR", help="Thư mục bộ tiêu chí (mặc định rules/ hoặc $DVCQ_RULES).")
def rules_list(directory):
    """Các bộ tiêu chí: tỉnh, thời gian hiệu lực, trạng thái; bộ bị lỗi được liệt kê kèm lỗi."""
    from tabulate import tabulate

    from . import api
    from .units import province_key

    index = api.list_packs(directory, whole=True)  # every file parsed whole: a broken body is listed too
    entries = sorted(index.usable, key=lambda e: (province_key(e.province), e.meta.effective_from, e.id))
    rows = [[e.id, e.province, index.range_label(e), labelled_status(e.meta.status), e.meta.replaces or "",
             os.path.relpath(e.path)] for e in entries]
    rows += [["?", "", "", "lỗi", "", os.path.relpath(e.path)] for e in index.entries if e.broken]
    click.echo(tabulate(rows, headers=["Mã", "Tỉnh", "Hiệu lực", "Trạng thái", "Thay thế", "Tệp"], disable_numparse=True))
    errors, warnings = index.problems()
    for w in warnings:
        click.echo(f"cảnh báo: {w.render()}", err=True)
    for pr in errors:
        click.echo(f"lỗi: {pr.render()}", err=True)
    if errors:
        sys.exit(2)


def _find_pack(ident: str):
    from . import api

    return api.load_pack(ident)


@rules.command("show")
@click.argument("ident", metavar="MÃ_HOẶC_TỆP")
def rules_show(ident):
    """Xem một bộ tiêu chí: căn cứ, tiêu chí, nội dung, điểm tối đa, cách chấm."""
    from tabulate import tabulate

    from .vietnamese import method_label, status_label

    p = _find_pack(ident)
    m = p.meta
    click.echo(f"{m.title}\n{m.legal_basis}\nMã: {m.id} v{m.version} — {labelled_status(m.status)} — hiệu lực {m.range_label()}")
    if m.note:
        click.echo(f"Ghi chú: {m.note}")
    rows = []

    def how(bound) -> str:
        return "; ".join(b.label for leaf in bound.leaves() for b in leaf.method.branches() if b.state == "v")

    from .render.sentences import composite_declared

    from .render.common import part_label

    def add(bound, depth: int, label: str, mark: str = "") -> None:
        it = bound.item
        rows.append([label, ("  " * depth) + it.title, fmt_number(it.max), f"{method_label(it.method)} ({it.method})",
                     composite_declared(bound) if bound.parts else how(bound)])
        for k, part in enumerate(bound.parts):  # a), b) as decisions letter them; b.1), b.2) below b), as `score` prints
            sub = part_label(mark, k)
            add(part, depth + 1, f"{'  ' * depth}{sub} {part.item.id}", sub)

    by_item = {id(item): bound for _, item, bound in p.items}
    for c in p.data.criteria:
        rows.append([c.id, c.title.upper(), fmt_number(c.max), "", ""])
        for item in c.items:
            if id(item) in by_item:
                add(by_item[id(item)], 0, item.id)
    for sec, word in (("bonus", "ĐIỂM THƯỞNG"), ("deductions", "ĐIỂM TRỪ")):
        section = getattr(p.data, sec)
        if section:
            cap = f"trần {fmt_number(section.cap)}" if section.cap is not None else ""
            rows.append(["", f"{word}: {section.title}", cap, "", ""])
            for item in section.items:
                if id(item) in by_item:
                    add(by_item[id(item)], 0, item.id)
    click.echo(tabulate(rows, headers=["Mã", "Nội dung", "Tối đa", "Phương pháp", "Cách chấm"],
                        maxcolwidths=[None, 40, None, None, 60], tablefmt="simple_grid", disable_numparse=True))
    if p.applicability:
        from .render.sentences import applicability_declared

        for rule in p.applicability:
            click.echo(applicability_declared(rule, m.max_total))
    for g in p.data.grades:
        v = "; ".join(f"{x.id}: {x.when}" for x in g.vetoes)
        click.echo(f"≥ {fmt_number(g.min)}: {g.label}" + (f" (loại trừ nếu {v})" if v else ""))
    from .render.sentences import eligibility_declared

    for r in p.data.eligibility:
        click.echo(eligibility_declared(r, p))
    b = p.data.batch
    if b is not None:
        if b.quota is not None:
            from .render.sentences import quota_declared

            click.echo(quota_declared(b, p))
        for r in b.ineligible:
            click.echo(f"{b.ineligible_label} ({r.id}) nếu thiếu: {', '.join(r.requires)} — {r.reason} ({r.source})")


@rules.command("lint")
@click.argument("files", nargs=-1, required=True, metavar="TỆP...")
def rules_lint(files):
    """Kiểm tra bộ tiêu chí: tổng điểm, mã trùng, số liệu chưa khai báo, bậc chồng lấn/hở, mức không đạt được."""

    from . import api

    bad = False
    for f in files:
        try:
            p = api.load_pack(f)
        except DvcqError as exc:
            bad = True
            for pr in exc.problems:
                click.echo(f"lỗi: {pr.render()}", err=True)
            continue
        warnings = list(p.warnings) + api.pack_overlaps(f)
        for w in warnings:
            click.echo(f"cảnh báo: {w.render()}", err=True)
        click.echo(f"{f}: hợp lệ ({len(p.items)} nội dung, {len(warnings)} cảnh báo)")
    if bad:
        sys.exit(2)


@main.command()
@rules_option
def schema(rules):
    """JSON Schema của hồ sơ minh chứng (để trình soạn thảo kiểm tra tệp YAML)."""
    from . import api
    from .render.json import dumps
    from .schema import evidence_schema

    click.echo(dumps(evidence_schema(api.load_pack(rules) if rules else None)))



if __name__ == "__main__":
    main()
