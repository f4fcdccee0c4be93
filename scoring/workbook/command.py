"""`dvcq template` and `dvcq convert`: the evidence workbook on the command line.

Options are declared here rather than imported from `scoring.cli`, which imports this module while
it is itself being imported.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import click

from ..errors import DvcqError, UsageError, did_you_mean
from ..output import write_atomic

YAML_SUFFIXES = (".yaml", ".yml", ".json")


def _pack(ident: str):
    """A pack by file path or by id among the packs in rules/ (or $DVCQ_RULES)."""
    from .. import api

    if Path(ident).is_file() or (os.path.lexists(ident) and not Path(ident).is_dir()):  # a FIFO: refused, named
        return api.load_pack(ident)
    known = [e.id for e in api.list_packs().usable]
    if ident in known:
        return api.load_pack(ident)
    raise UsageError.one(f"không có bộ tiêu chí '{ident}' (không phải tệp, không phải mã đã biết)", field="--rules",
                         hint=did_you_mean(ident, known))


def _suffix(path: str) -> str:
    return Path(path).suffix.lower()


@click.command()
@click.option("--rules", "rules", required=True, metavar="PACK.yaml|MÃ",
              help="Bộ tiêu chí (tệp hoặc mã, vd. quang-ngai-1211-2022) dùng để lập phiếu.")
@click.option("-o", "--output", required=True, metavar="PHIEU.xlsx", help="Tệp Excel sẽ tạo.")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp đã có (không bao giờ ghi đè tệp đầu vào).")
def template(rules, output, force):
    """Tạo phiếu Excel nhập hồ sơ minh chứng theo danh mục số liệu, văn bản của bộ tiêu chí.

    \b
    Ví dụ:
      dvcq template --rules quang-ngai-1211-2022 -o phieu.xlsx
      dvcq score phieu.xlsx            # sau khi điền phiếu
    """
    from .writer import template as build

    if _suffix(output) != ".xlsx":
        raise UsageError.one("phiếu nhập phải là tệp .xlsx", file=output)
    pack = _pack(rules)
    write_atomic(output, build(pack), protect=[rules, pack.path], force=force)
    click.echo(f"đã ghi {output} (bộ tiêu chí {pack.id} v{pack.meta.version})", err=True)


def _record_pack(ev, rules: Optional[str]):
    """The pack whose labels the workbook shows: --rules, else the one in force; none is not an error."""
    from .. import api

    if rules:
        return _pack(rules)
    try:
        return api.pack_in_force(ev)
    except DvcqError as exc:
        click.echo(f"cảnh báo: {exc.render()} — phiếu chỉ gồm các mã có trong hồ sơ, không có nhãn của bộ tiêu chí.",
                   err=True)
        return None


def _named_pack(meta: dict, rules: Optional[str]):
    """The pack given with --rules, else the one the workbook says it was made for (by id); None if unknown."""
    from .. import api

    if rules:
        return _pack(rules)
    pid = meta.get("pack.id")
    known = [e.id for e in api.list_packs().usable]
    return api.load_pack(pid) if pid in known else None


def _pack_note(meta: dict, rules: Optional[str]) -> list[str]:
    """Header lines naming the workbook's pack, and a warning when that pack has changed since."""
    if "pack.id" not in meta:
        return []
    pid, sha = meta["pack.id"], meta.get("pack.sha256", "")
    lines = [f"Phiếu lập theo bộ tiêu chí {pid} v{meta.get('pack.version', '?')} (sha256 {sha})"]
    current = _named_pack(meta, rules)
    if current is not None and current.id != pid:
        click.echo(f"cảnh báo: phiếu lập theo bộ tiêu chí {pid}, còn --rules là {current.id}", err=True)
    elif current is not None and sha and current.sha256 != sha:
        click.echo(f"cảnh báo: bộ tiêu chí {pid} đã thay đổi kể từ khi lập phiếu (phiên bản phiếu "
                   f"{meta.get('pack.version', '?')}, hiện tại {current.meta.version}): kiểm tra lại các mã số liệu",
                   err=True)
    return lines


@click.command()
@click.argument("source", metavar="TỆP")
@click.option("-o", "--output", required=True, metavar="TỆP_KẾT_QUẢ",
              help="phieu.xlsx (hoặc .ods) → hoso.yaml (hoặc .json); hoso.yaml → phieu.xlsx.")
@click.option("--rules", "rules", metavar="PACK.yaml|MÃ",
              help="Khi chuyển sang Excel: bộ tiêu chí cho nhãn và danh mục. Mặc định: bộ có hiệu lực cho tỉnh và kỳ "
                   "của hồ sơ.")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp đã có (không bao giờ ghi đè tệp đầu vào).")
def convert(source, output, rules, force):
    """Chuyển hồ sơ minh chứng giữa Excel (.xlsx) và YAML/JSON, không mất dữ liệu.

    \b
    Ví dụ:
      dvcq convert phieu.xlsx -o hoso.yaml
      dvcq convert samples/quang-ngai/pho-van-2023.yaml -o phieu.xlsx
    """
    src, dst = _suffix(source), _suffix(output)
    if src in (".xlsx", ".ods") and dst in YAML_SUFFIXES:
        from ..render.json import dumps
        from .reader import read
        from .yamlout import dump, record_data

        loaded, meta = read(source)
        if dst == ".json":
            text = dumps(record_data(loaded.record)) + "\n"
        else:
            header = [f"Chuyển từ {os.path.basename(source)} bằng `dvcq convert`."] + _pack_note(meta, rules)
            text = dump(loaded.record, header)
        named = _named_pack(meta, rules)
        write_atomic(output, text, protect=[source, rules, named.path if named else None], force=force)
    elif src in YAML_SUFFIXES and dst == ".xlsx":
        from ..evidence import load_evidence
        from .writer import build

        ev = load_evidence(source)
        pack = _record_pack(ev, rules)
        write_atomic(output, build(pack, ev.record), protect=[source, rules, pack.path if pack else None], force=force)
    else:
        raise UsageError.one(f"không chuyển được từ '{src or 'không đuôi'}' sang '{dst or 'không đuôi'}'",
                             file=output, hint="chuyển .xlsx → .yaml/.yml/.json hoặc .yaml/.yml/.json → .xlsx")
    click.echo(f"đã ghi {output}", err=True)
