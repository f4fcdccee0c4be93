"""click's own usage errors and help reach the user in Vietnamese (click's gettext, our catalog), naming
what was wrong, with exit code 2; the catalog covers every click message and is what the .mo holds."""
from __future__ import annotations

import gettext
import io
import os
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from scoring.cli import DvcqGroup, main
from scoring.i18n import CATALOG, vietnamese

ROOT = Path(__file__).resolve().parents[1]
MO = CATALOG.with_suffix(".mo")
ENGLISH = ("Error", "Usage", "Try '", "Traceback", "Missing", "No such", "Invalid value", "Did you mean",
           "Got unexpected", "requires", "does not take", " is not ", "Options", "Commands")


def usage_error(runner, args, *identifiers, env=None):
    r = runner.invoke(main, args, prog_name="dvcq", env=env)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr, r.exception)
    assert isinstance(r.exception, SystemExit), r.exception
    assert r.stdout == ""
    assert r.stderr.splitlines()[-1].startswith("lỗi: "), r.stderr
    for word in ENGLISH:
        assert word not in r.stderr, (word, r.stderr)
    for ident in identifiers:
        assert ident in r.stderr, (ident, r.stderr)
    return r.stderr


def test_missing_argument_names_the_metavar_and_shows_vietnamese_usage(runner):
    err = usage_error(runner, ["score"], "lỗi: thiếu đối số 'HỒ_SƠ'.")
    assert err.splitlines()[:2] == ["Cách dùng: dvcq score [OPTIONS] HỒ_SƠ",
                                    "Xem 'dvcq score --help' để được hướng dẫn."]


def test_missing_argument_of_a_nested_command(runner):
    usage_error(runner, ["rules", "lint"], "thiếu đối số 'TỆP...'", "Xem 'dvcq rules lint --help'")


def test_missing_required_option_of_a_lazy_command(runner):
    usage_error(runner, ["verify", "hoso.yaml"], "thiếu tùy chọn '--review'.")
    usage_error(runner, ["extract", "baocao.pdf"], "thiếu tùy chọn '-o' / '--output'.")


def test_unknown_option_with_and_without_a_suggestion(runner):
    usage_error(runner, ["score", "--rul", "x.yaml"], "không có tùy chọn '--rul'.", "Có phải ý bạn là '--rules'?")
    err = usage_error(runner, ["score", "--bogus", "x.yaml"], "không có tùy chọn '--bogus'.")
    assert "Có phải" not in err
    usage_error(runner, ["--bogus"], "không có tùy chọn '--bogus'.", "Xem 'dvcq --help'")


def test_bad_choice_lists_the_allowed_values(runner):
    usage_error(runner, ["score", "x.yaml", "--format", "xml"],
                "giá trị không hợp lệ cho '--format': 'xml' không phải là một trong: "
                "'table', 'json', 'markdown', 'html', 'xlsx'.")
    usage_error(runner, ["explain", "x.yaml", "--format=pdf"], "'--format': 'pdf' không phải là một trong: 'text', 'json'.")


def test_bad_integer_and_out_of_range(runner, tmp_path):
    usage_error(runner, ["batch", str(tmp_path), "--jobs", "abc"], "'--jobs': 'abc' không phải là số hợp lệ.")
    usage_error(runner, ["batch", str(tmp_path), "--jobs", "0"], "'--jobs': 0 nằm ngoài khoảng cho phép 1<=x<=4096.")
    usage_error(runner, ["extract", "r.pdf", "-o", "x.yaml", "--year", "3000"], "'--year': 3000", "1945<=x<=2100")


def test_a_folder_where_a_file_path_is_required(runner, tmp_path):
    # no parameter uses click.Path(exists=True); extract's BÁO_CÁO is click.Path(dir_okay=False)
    usage_error(runner, ["extract", str(tmp_path), "-o", str(tmp_path / "x.yaml")],
                f"'BÁO_CÁO': '{tmp_path}' là thư mục, ở đây cần tệp.")


def test_unknown_command_with_suggestion(runner):
    err = usage_error(runner, ["scroe", "x.yaml"], "không có lệnh 'scroe'. Có phải ý bạn là 'score'?")
    assert err.startswith("Cách dùng: dvcq [OPTIONS] COMMAND [ARGS]...\n")
    usage_error(runner, ["rules", "shw"], "không có lệnh 'shw'.", "Có phải ý bạn là 'show'?")


def test_extra_arguments_are_listed(runner):
    usage_error(runner, ["score", "a.yaml", "b.yaml", "c.yaml"], "thừa đối số: b.yaml c.yaml")


def test_option_missing_its_value_and_flag_given_one(runner):
    usage_error(runner, ["score", "x.yaml", "-o"], "tùy chọn '-o' cần 1 giá trị đi kèm.")
    usage_error(runner, ["rules", "list", "--dir"], "tùy chọn '--dir' cần 1 giá trị đi kèm.")
    usage_error(runner, ["score", "--force=yes", "x.yaml"], "tùy chọn '--force' không nhận giá trị")


def test_the_machine_locale_does_not_matter(runner):
    # Vietnamese even where the environment asks for another language or none at all
    for env in ({"LANGUAGE": "fr_FR", "LC_ALL": "en_US.UTF-8"}, {"LANGUAGE": None, "LC_ALL": None,
                                                                "LC_MESSAGES": None, "LANG": None}):
        usage_error(runner, ["score"], "thiếu đối số 'HỒ_SƠ'", env=env)


def test_our_own_click_errors_pass_through_in_vietnamese(runner):
    # a command of ours raising click's errors with its own (Vietnamese) wording
    @click.group(cls=DvcqGroup)
    def cli():
        pass

    @cli.command()
    def plain():
        raise click.UsageError("tệp này cần -o")

    @cli.command()
    def param():
        raise click.BadParameter("phải là số chẵn", param_hint="--n")

    r = runner.invoke(cli, ["plain"], prog_name="dvcq")
    assert r.exit_code == 2 and r.stderr.endswith("\nlỗi: tệp này cần -o\n"), r.stderr
    r = runner.invoke(cli, ["param"], prog_name="dvcq")
    assert r.exit_code == 2 and r.stderr.endswith("\nlỗi: giá trị không hợp lệ cho --n: phải là số chẵn\n"), r.stderr


def test_version_is_vietnamese(runner):
    r = runner.invoke(main, ["--version"], prog_name="dvcq")
    assert r.exit_code == 0 and r.stdout == "dvcq, phiên bản 0.1.0\n", r.stdout


def _command_paths(group, ctx, prefix=()):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _command_paths(cmd, click.Context(cmd, info_name=name, parent=ctx), (*prefix, name))


HELP_ENGLISH = ("Usage:", "Options:", "Commands:", "Positional arguments", "Show this message and exit.",
                "Show the version and exit.", "[default:", "[required]", "env var:")


def test_every_help_page_is_vietnamese(runner):
    paths = dict(_command_paths(main, click.Context(main, info_name="dvcq")))
    # lazy commands and the nested `rules` group are all reached
    assert {("score",), ("extract",), ("batch",), ("verify",), ("audit",), ("template",), ("convert",),
            ("rules", "list"), ("rules", "show"), ("rules", "lint")} <= set(paths)
    pages = [((), main)] + list(paths.items())
    for _path, cmd in pages:
        # click keeps a command's help option (its names and its text) from the first context that
        # asked for it; other tests invoke commands such as `extract` directly, not through dvcq's
        # main, so start from what a fresh `dvcq ... --help` process has: none yet
        cmd._help_option = None
    for path, cmd in pages:
        for flag in ("--help", "-h"):
            r = runner.invoke(main, [*path, flag], prog_name="dvcq")
            assert r.exit_code == 0, (path, r.stdout, r.stderr)
            assert r.stdout.startswith(f"Cách dùng: {' '.join(('dvcq', *path))} "), (path, r.stdout)
            assert "\nTùy chọn:\n" in r.stdout and "  Hiện hướng dẫn này rồi thoát." in r.stdout.replace("\n", " ")
            if isinstance(cmd, click.Group):
                assert "\nLệnh:\n" in r.stdout, (path, r.stdout)
            for english in HELP_ENGLISH:
                assert english not in r.stdout, (path, english, r.stdout)
    # defaults and required options are labelled in Vietnamese too
    assert "[mặc định: table]" in runner.invoke(main, ["score", "--help"]).stdout
    assert "bắt" in runner.invoke(main, ["extract", "--help"]).stdout


def test_a_group_without_its_command_shows_vietnamese_help(runner):
    for args in ([], ["rules"]):
        r = runner.invoke(main, args, prog_name="dvcq")
        assert r.exit_code == 2
        out = r.stdout + r.stderr
        assert out.startswith("Cách dùng: dvcq") and "Lệnh:" in out and "Usage:" not in out, out


def test_the_switch_to_vietnamese_ends_with_the_command(runner):
    # a program importing dvcq, or running it in-process, keeps its own gettext domain and language
    before = (gettext.textdomain(), os.environ.get("LANGUAGE"))
    runner.invoke(main, ["score"], prog_name="dvcq")
    runner.invoke(main, ["--help"], prog_name="dvcq")
    assert (gettext.textdomain(), os.environ.get("LANGUAGE")) == before
    assert gettext.gettext("Usage:") == "Usage:"
    with vietnamese():
        assert gettext.gettext("Usage:") == "Cách dùng:"
        assert gettext.ngettext("Got unexpected extra argument ({args})",
                                "Got unexpected extra arguments ({args})", 2) == "thừa đối số: {args}"
    assert gettext.gettext("Usage:") == "Usage:"


@pytest.mark.parametrize("args, ident", [(["score"], "'HỒ_SƠ'"), (["scroe"], "'score'")])
def test_the_installed_entry_point_prints_vietnamese_on_stderr(args, ident):
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update(PYTHONPATH=str(ROOT), LANG="C.UTF-8")
    script = Path(sys.executable).with_name("dvcq")  # the console script of `pip install`
    command = [str(script)] if script.exists() else [sys.executable, "-m", "scoring.cli"]
    r = subprocess.run([*command, *args], capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("Cách dùng: ") and "\nlỗi: " in r.stderr and ident in r.stderr
    assert "Error:" not in r.stderr and "Usage:" not in r.stderr and "Traceback" not in r.stderr


# --- the catalog ---------------------------------------------------------------------------------

def _po():
    with open(CATALOG, "rb") as f:
        return read_po(f)


def _click_messages():
    """Every message click's installed source marks with _() / ngettext(), as Babel extracts them."""
    found = {msg for _f, _l, msg, _c, _ctx in extract_from_dir(os.path.dirname(click.__file__))}
    assert "Usage:" in found and ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)") in found
    return found


def test_every_click_message_has_a_vietnamese_translation():
    po = _po()
    translated = {m.id for m in po if m.id and m.string and (not isinstance(m.string, tuple) or all(m.string))}
    missing = sorted(map(str, _click_messages() - translated))
    assert not missing, f"click messages missing from {CATALOG} (translate them, then make catalog): {missing}"
    # passed through _() by core.py as extra["required"], which no extractor sees
    assert po.get("required").string == "bắt buộc"


def _fields(text):
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_translations_only_use_the_placeholders_click_fills_in():
    po = _po()
    assert not list(po.check()), list(po.check())  # Babel's checks: python-format, plural counts
    for m in po:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        given = set().union(*map(_fields, ids))
        for s in strings:
            assert _fields(s) <= given, (m.id, s)  # str.format would raise KeyError for the others
            assert unicodedata.normalize("NFC", s) == s, (m.id, s)


def test_the_compiled_catalog_is_the_po_file():
    compiled = io.BytesIO()
    write_mo(compiled, _po())
    shipped = MO.read_bytes()

    def table(data):
        cat = read_mo(io.BytesIO(data))
        return cat.plural_forms, sorted((str(m.id), str(m.string)) for m in cat if m.id)

    assert table(shipped) == table(compiled.getvalue()), f"{MO} is stale: run `make catalog` and commit it"
    generator = next(line for line in read_mo(io.BytesIO(shipped)).mime_headers if line[0] == "Generated-By")[1]
    if generator.strip() == next(line for line in _po().mime_headers if line[0] == "Generated-By")[1].strip():
        assert shipped == compiled.getvalue()  # same Babel: byte for byte
