"""click's own usage errors reach the user in Vietnamese, naming what was wrong, with exit code 2."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from scoring.cli import main
from scoring.usage import describe

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ("Error:", "Usage:", "Try '", "Traceback", "Missing ", "No such", "Invalid value", "Did you mean")


def usage_error(runner, args, *identifiers):
    r = runner.invoke(main, args, prog_name="dvcq")
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr, r.exception)
    assert isinstance(r.exception, SystemExit), r.exception
    assert r.stdout == ""
    assert r.stderr.startswith("Lỗi cách dùng: "), r.stderr
    for word in ENGLISH:
        assert word not in r.stderr, (word, r.stderr)
    for ident in identifiers:
        assert ident in r.stderr, (ident, r.stderr)
    return r.stderr


def test_missing_argument_names_the_metavar_and_shows_vietnamese_usage(runner):
    err = usage_error(runner, ["score"], "thiếu đối số HỒ_SƠ.")
    assert err.splitlines()[1] == "Cách dùng: dvcq score [OPTIONS] HỒ_SƠ — xem 'dvcq score --help'."


def test_missing_argument_of_a_nested_command(runner):
    usage_error(runner, ["rules", "lint"], "thiếu đối số TỆP...", "dvcq rules lint --help")


def test_missing_required_option_of_a_lazy_command(runner):
    usage_error(runner, ["verify", "hoso.yaml"], "thiếu tùy chọn --review.")
    usage_error(runner, ["extract", "baocao.pdf"], "thiếu tùy chọn -o / --output.")


def test_unknown_option_with_and_without_a_suggestion(runner):
    usage_error(runner, ["score", "--rul", "x.yaml"], "không có tùy chọn --rul.", "Có phải ý bạn là '--rules'?")
    err = usage_error(runner, ["score", "--bogus", "x.yaml"], "không có tùy chọn --bogus.")
    assert "Có phải" not in err
    usage_error(runner, ["--bogus"], "không có tùy chọn --bogus.", "xem 'dvcq --help'")


def test_bad_choice_lists_the_allowed_values(runner):
    usage_error(runner, ["score", "x.yaml", "--format", "xml"],
                "--format: 'xml' không phải một trong: table, json, markdown, html, xlsx.")
    usage_error(runner, ["explain", "x.yaml", "--format=pdf"], "--format: 'pdf' không phải một trong: text, json.")


def test_bad_integer_and_out_of_range(runner, tmp_path):
    usage_error(runner, ["batch", str(tmp_path), "--jobs", "abc"], "--jobs: 'abc' không phải số nguyên hợp lệ.")
    usage_error(runner, ["batch", str(tmp_path), "--jobs", "0"], "--jobs: 0 nằm ngoài khoảng cho phép 1<=x<=4096.")
    usage_error(runner, ["extract", "r.pdf", "-o", "x.yaml", "--year", "3000"], "--year: 3000", "1945<=x<=2100")


def test_a_folder_where_a_file_path_is_required(runner, tmp_path):
    # no parameter uses click.Path(exists=True); extract's BÁO_CÁO is click.Path(dir_okay=False)
    usage_error(runner, ["extract", str(tmp_path), "-o", str(tmp_path / "x.yaml")],
                f"BÁO_CÁO: '{tmp_path}' là thư mục, ở đây cần tệp.")


def test_unknown_command_with_suggestion(runner):
    err = usage_error(runner, ["scroe", "x.yaml"], "không có lệnh 'scroe'.", "Có phải ý bạn là 'score'?")
    assert "Cách dùng: dvcq [OPTIONS] COMMAND [ARGS]..." in err
    usage_error(runner, ["rules", "shw"], "không có lệnh 'shw'.", "Có phải ý bạn là 'show'?")


def test_extra_arguments_are_listed(runner):
    usage_error(runner, ["score", "a.yaml", "b.yaml", "c.yaml"], "thừa đối số: b.yaml c.yaml.")


def test_option_missing_its_value_and_flag_given_one(runner):
    usage_error(runner, ["score", "x.yaml", "-o"], "tùy chọn -o cần một giá trị đi kèm.")
    usage_error(runner, ["rules", "list", "--dir"], "tùy chọn --dir cần một giá trị đi kèm.")
    usage_error(runner, ["score", "--force=yes", "x.yaml"], "tùy chọn --force không nhận giá trị")


def test_help_and_version_are_untouched(runner):
    r = runner.invoke(main, ["score", "--help"], prog_name="dvcq")
    assert r.exit_code == 0 and r.stdout.startswith("Usage: dvcq score [OPTIONS] HỒ_SƠ")
    r = runner.invoke(main, ["--version"], prog_name="dvcq")
    assert r.exit_code == 0 and "dvcq" in r.stdout


def test_unrecognised_messages_pass_through_unchanged():
    # e.g. a command of ours raising click.UsageError with its own (Vietnamese) wording
    assert describe(click.UsageError("tệp này cần -o")) == "tệp này cần -o"
    assert describe(click.BadParameter("phải là số chẵn", param_hint="--n")) == "--n: phải là số chẵn."


@pytest.mark.parametrize("args, ident", [(["score"], "HỒ_SƠ"), (["scroe"], "'score'")])
def test_the_installed_entry_point_prints_vietnamese_on_stderr(args, ident):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "scoring.cli", *args], capture_output=True, text=True,
                       encoding="utf-8", env=env, cwd=ROOT)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("Lỗi cách dùng: ") and ident in r.stderr
    assert "Error:" not in r.stderr and "Traceback" not in r.stderr
