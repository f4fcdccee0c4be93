"""`dvcq`: the command line. Parses options, calls the pipeline, hands the result to a renderer.

Exit codes: 0 ok; 2 bad input, bad rule file or usage; 1 internal error; 4 audit mismatch.
Results go to stdout (or -o FILE); messages to stderr.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__, registry
from .errors import DvcqError, EngineError, UsageError
from .output import write_atomic
from .pack import fmt_number, load_pack
from .render import available

FORMATS = available()

# Commands that live in their own packages, imported only when invoked (or listed by --help), so
# `dvcq score` does not pay for the extractor, the workbook code or the batch machinery.
LAZY_COMMANDS = {
    "extract": "scoring.extract.command:extract",
    "verify": "scoring.review.command:verify",
    "batch": "scoring.batch.command:batch",
    "audit": "scoring.audit.command:audit",
    "template": "scoring.workbook.command:template",
    "convert": "scoring.workbook.command:convert",
    "serve": "portal.command:serve",
}


class DvcqGroup(click.Group):
    """Turns our errors and click's usage errors into Vietnamese messages and exit codes instead
    of tracebacks, and loads the commands of LAZY_COMMANDS on demand.

    Usage errors are caught here rather than in each command because click raises them while
    parsing, before any command (lazy or nested under `rules`) runs: parsing the top-level
    options happens in `make_context`, everything below in `invoke`."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _vietnamese(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _vietnamese(exc) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
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


def _vietnamese(exc: click.UsageError) -> click.UsageError:
    from .usage import translate  # only on a usage error: `dvcq score` does not pay for it

    return translate(exc)


def emit(text, output: str | None, protect=(), force: bool = False) -> None:
    """Results to `output` (atomically) or stdout; `text` is str, bytes, or an iterable of str chunks."""
    if output:
        write_atomic(output, text, protect=protect, force=force)
        click.echo(f"đã ghi {output}", err=True)
    elif isinstance(text, bytes):
        raise UsageError.one("định dạng này là tệp nhị phân: cần -o TÊN_TỆP")
    elif isinstance(text, str):
        click.echo(text, nl=False)
    else:  # text chunks
        for chunk in text:
            click.echo(chunk, nl=False)


def render(result, fmt: str):
    from .render import render as r

    return r(result, fmt)


rules_option = click.option("--rules", "rules", metavar="PACK.yaml",
                            help="Tệp bộ tiêu chí. Mặc định: bộ có hiệu lực cho tỉnh và kỳ của hồ sơ, tìm trong "
                                 "thư mục rules/ (hoặc $DVCQ_RULES).")
other_option = click.option("--allow-other-province", is_flag=True,
                            help="Cho phép chấm thử hồ sơ của tỉnh khác với bộ tiêu chí đã chọn.")
output_option = click.option("-o", "--output", metavar="FILE", help="Ghi kết quả vào tệp (ghi nguyên tử) thay vì stdout.")
force_option = click.option("--force", is_flag=True, help="Cho phép ghi đè tệp kết quả đã có (không bao giờ ghi đè tệp đầu vào).")


@click.group(cls=DvcqGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dvcq")
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
      DVCQ_NO_CACHE=1         không dùng bộ nhớ đệm bộ tiêu chí đã kiểm tra (~/.cache/dvcq)
      DVCQ_CACHE_DIR=THƯ_MỤC  nơi đặt bộ nhớ đệm đó
      DVCQ_DEBUG=1            in chi tiết khi có lỗi nội bộ
    """


@main.command()
@click.argument("evidence", metavar="HỒ_SƠ")
@rules_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table: bảng cho màn hình/in; json: dữ liệu cho công cụ khác; markdown: báo cáo; "
                   "html: trang báo cáo in được; xlsx: bảng tự chấm Excel (cần -o).")
@other_option
@output_option
@force_option
def score(evidence, rules, fmt, allow_other_province, output, force):
    """Chấm điểm một hồ sơ (YAML/JSON): điểm từng nội dung, tổng điểm, xếp loại.

    \b
    Ví dụ:
      dvcq score samples/quang-ngai/nguyen-nghiem-2023.yaml
      dvcq score hoso.yaml --format json -o ketqua.json
    """
    from .pipeline import prepare
    from .score import evaluate

    prep = prepare(evidence, rules, allow_other_province)
    result = evaluate(prep.pack, prep.evidence)
    emit(render(result, fmt), output, protect=[evidence, rules], force=force)


@main.command()
@click.argument("evidence", metavar="HỒ_SƠ")
@rules_option
@click.option("--rule", "rule", metavar="ID", help="Chỉ giải thích một nội dung (vd. TC5.4, B1, D2).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@other_option
def explain(evidence, rules, rule, fmt, allow_other_province):
    """Giải trình: nội dung nào, căn cứ nào, số liệu nào (kèm nguồn), cách tính và điểm được/mất.

    \b
    Ví dụ:
      dvcq explain samples/quang-ngai/pho-van-2023.yaml --rule TC5.4
    """
    from .explain import explain as trail
    from .pipeline import prepare
    from .score import evaluate

    prep = prepare(evidence, rules, allow_other_province)
    result = evaluate(prep.pack, prep.evidence)
    if rule:
        ids = [i.id for i in result.items] + [p.id for i in result.items for p in i.parts]
        if rule not in ids:
            from .errors import did_you_mean

            raise UsageError.one(f"không có nội dung '{rule}' trong bộ tiêu chí {prep.pack.id}", field="--rule",
                                 hint=did_you_mean(rule, ids))
    if fmt == "json":
        from .render.json import dumps

        data = result.to_json_dict()
        if rule:
            data["items"] = [i for i in data["items"] if i["id"] == rule]
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
    from .evidence import load_evidence
    from .pipeline import prepare

    ev = load_evidence(evidence)
    if not rules:
        try:
            registry.select(ev)
        except UsageError as exc:
            click.echo(f"cảnh báo: {exc.render()} — chỉ kiểm tra cấu trúc hồ sơ.", err=True)
            click.echo(f"{evidence}: cấu trúc hợp lệ (chưa đối chiếu bộ tiêu chí)")
            return
    prep = prepare(evidence, rules, allow_other_province, evidence=ev)
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
    """Các bộ tiêu chí: tỉnh, thời gian hiệu lực, trạng thái."""
    from tabulate import tabulate

    packs = sorted(registry.all_packs(Path(directory) if directory else None),
                   key=lambda p: (registry.norm(p.meta.jurisdiction["province"]), p.meta.effective_from, p.id))
    rows = [[p.id, p.meta.jurisdiction["province"], p.meta.range_label(), p.meta.status, p.meta.replaces or "",
             os.path.relpath(p.path)] for p in packs]
    click.echo(tabulate(rows, headers=["Mã", "Tỉnh", "Hiệu lực", "Trạng thái", "Thay thế", "Tệp"], disable_numparse=True))


def _find_pack(ident: str):
    if Path(ident).is_file():
        return load_pack(ident)
    packs = registry.all_packs()
    for p in packs:
        if p.id == ident:
            return p
    from .errors import did_you_mean

    raise UsageError.one(f"không có bộ tiêu chí '{ident}'", hint=did_you_mean(ident, [p.id for p in packs]))


@rules.command("show")
@click.argument("ident", metavar="MÃ_HOẶC_TỆP")
def rules_show(ident):
    """Xem một bộ tiêu chí: căn cứ, tiêu chí, nội dung, điểm tối đa, cách chấm."""
    from tabulate import tabulate

    p = _find_pack(ident)
    m = p.meta
    click.echo(f"{m.title}\n{m.legal_basis}\nMã: {m.id} v{m.version} — {m.status} — hiệu lực {m.range_label()}")
    if m.note:
        click.echo(f"Ghi chú: {m.note}")
    rows = []
    for sec, item, bound in p.items:
        leaves = list(bound.leaves())
        how = "; ".join(b.label for leaf in leaves for b in leaf.method.branches() if b.state == "v")
        rows.append([item.id, item.title, fmt_number(item.max), item.method, how])
    click.echo(tabulate(rows, headers=["Mã", "Nội dung", "Tối đa", "Phương pháp", "Cách chấm"],
                        maxcolwidths=[None, 40, None, None, 60], tablefmt="simple_grid", disable_numparse=True))
    for g in p.data.grades:
        v = "; ".join(f"{x.id}: {x.when}" for x in g.vetoes)
        click.echo(f"≥ {fmt_number(g.min)}: {g.label}" + (f" (loại trừ nếu {v})" if v else ""))


@rules.command("lint")
@click.argument("files", nargs=-1, required=True, metavar="TỆP...")
def rules_lint(files):
    """Kiểm tra bộ tiêu chí: tổng điểm, mã trùng, số liệu chưa khai báo, bậc chồng lấn/hở, mức không đạt được."""

    bad = False
    for f in files:
        try:
            p = load_pack(f)
        except DvcqError as exc:
            bad = True
            for pr in exc.problems:
                click.echo(f"lỗi: {pr.render()}", err=True)
            continue
        for w in p.warnings:
            click.echo(f"cảnh báo: {w.render()}", err=True)
        click.echo(f"{f}: hợp lệ ({len(p.items)} nội dung, {len(p.warnings)} cảnh báo)")
    if bad:
        sys.exit(2)


@main.command()
@rules_option
def schema(rules):
    """JSON Schema của hồ sơ minh chứng (để trình soạn thảo kiểm tra tệp YAML)."""
    from .render.json import dumps
    from .schema import evidence_schema

    click.echo(dumps(evidence_schema(load_pack(rules) if rules else None)))



if __name__ == "__main__":
    main()
