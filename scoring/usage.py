"""click's usage errors, said in Vietnamese.

click raises its own errors (a missing argument, an unknown option, a value its type refuses) before
any of our code runs, and prints them in English. The project promise is a Vietnamese message that
names the option or argument and the bad value, with exit code 2, so `DvcqGroup` swaps each one for
a `VietnameseUsageError` built here.

The identifiers come from the exception's attributes (`param`, `option_name`, `possibilities`,
`command_name`) wherever click provides them. Where it does not (the rejected value of a
`BadParameter`, the leftover words of "unexpected extra argument", which of click's option
complaints a `BadOptionUsage` is) we match click's own message templates, run through click's
gettext exactly as click does; a message matching none of them is shown as it is, never dropped.
"""
from __future__ import annotations

import re
import string
from gettext import gettext, ngettext
from typing import Optional

import click
from click.exceptions import BadArgumentUsage, BadOptionUsage, BadParameter, MissingParameter, NoSuchOption

# `NoSuchCommand` is click >= 8.4; before that an unknown command is a plain UsageError with a message.
NoSuchCommand = getattr(click.exceptions, "NoSuchCommand", None)
NoArgsIsHelpError = getattr(click.exceptions, "NoArgsIsHelpError", None)

PREFIX = "Lỗi cách dùng"

_NUMBER_WORDS = {"integer": "số nguyên", "integer range": "số nguyên", "float": "số thực",
                 "float range": "số thực"}
_PATH_WORDS = {"File": "tệp", "Directory": "thư mục", "Path": "đường dẫn"}

# click's wording of a rejected value (types.py) -> ours. Placeholders are click's own names.
_VALUE_TEMPLATES = [
    ("{value!r} is not a valid {number_type}.", "{value} không phải {number_type} hợp lệ"),
    ("{value} is not in the range {range}.", "{value} nằm ngoài khoảng cho phép {range}"),
    ("{name} {filename!r} does not exist.", "{name} {filename} không tồn tại"),
    ("{name} {filename!r} is a file.", "{filename} là tệp, ở đây cần thư mục"),
    ("{name} {filename!r} is a directory.", "{filename} là thư mục, ở đây cần tệp"),
    ("{name} {filename!r} is not readable.", "không đọc được {name} {filename}"),
    ("{name} {filename!r} is not writable.", "không ghi được vào {name} {filename}"),
    ("{name} {filename!r} is not executable.", "không chạy được {name} {filename}"),
    ("{value!r} is not a valid boolean. Recognized values: {states}",
     "{value} không phải giá trị đúng/sai; dùng một trong: {states}"),
]


class VietnameseUsageError(click.UsageError):
    """A click usage error re-told in Vietnamese; click's `main` still prints it and exits 2."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(describe(original), original.ctx)
        self.original = original

    def show(self, file=None) -> None:
        lines = [f"{PREFIX}: {self.message}"]
        usage = usage_line(self.ctx)
        if usage:
            lines.append(usage)
        click.echo("\n".join(lines), file=file, err=file is None)


def translate(exc: click.UsageError) -> click.UsageError:
    """The error to raise instead of `exc`: itself when it is already ours or is really help text."""
    if isinstance(exc, VietnameseUsageError) or (NoArgsIsHelpError and isinstance(exc, NoArgsIsHelpError)):
        return exc
    return VietnameseUsageError(exc)


def describe(exc: click.UsageError) -> str:
    """One Vietnamese sentence naming what is wrong, without the "Lỗi cách dùng:" prefix."""
    if NoSuchCommand is not None and isinstance(exc, NoSuchCommand):
        return f"không có lệnh '{exc.command_name}'." + _suggest(exc.possibilities)
    if isinstance(exc, NoSuchOption):
        return f"không có tùy chọn {exc.option_name}." + _suggest(exc.possibilities)
    if isinstance(exc, MissingParameter):
        return _missing(exc)
    if isinstance(exc, BadParameter):
        return _bad_value(exc)
    if isinstance(exc, BadOptionUsage):
        return _option_usage(exc)
    if isinstance(exc, BadArgumentUsage):
        found = _match(exc.message, gettext("Argument {name!r} takes {nargs} values."))
        if found:
            return f"đối số {found['name']} cần {found['nargs']} giá trị."
        return exc.message
    return _plain(exc)


def usage_line(ctx: Optional[click.Context]) -> Optional[str]:
    """click's "Usage: ..." and "Try ... for help." lines as one Vietnamese line."""
    if ctx is None:
        return None
    pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
    line = f"Cách dùng: {ctx.command_path} {pieces}".rstrip()
    if ctx.command.get_help_option(ctx) is not None:
        help_name = max(ctx.command.get_help_option_names(ctx), key=len)
        line += f" — xem '{ctx.command_path} {help_name}'."
    return line


def _name(param: click.Parameter, ctx: Optional[click.Context]) -> str:
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return param.make_metavar(ctx) if ctx is not None else (param.human_readable_name or "")


def _suggest(possibilities) -> str:
    if not possibilities:
        return ""
    if len(possibilities) == 1:
        return f" Có phải ý bạn là '{possibilities[0]}'?"
    return " Có phải ý bạn là một trong: " + ", ".join(f"'{p}'" for p in sorted(possibilities)) + "?"


def _missing(exc: MissingParameter) -> str:
    param = exc.param
    kind = exc.param_type or (param.param_type_name if param is not None else "parameter")
    word = {"argument": "đối số", "option": "tùy chọn"}.get(kind, "tham số")
    if param is not None:
        text = _sentence(f"thiếu {word} {_name(param, exc.ctx)}")
        if isinstance(param.type, click.Choice):
            text += " Chọn một trong: " + ", ".join(map(str, param.type.choices)) + "."
        return text
    hint = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint or ())
    text = f"thiếu {word} {hint}." if hint else f"thiếu {word}."
    return text + (f" {exc.message}" if exc.message else "")


def _bad_value(exc: BadParameter) -> str:
    if exc.param is not None:
        where = _name(exc.param, exc.ctx)
    elif exc.param_hint is not None:
        where = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    else:
        where = "giá trị"
    return _sentence(f"{where}: {_value_problem(exc)}")


def _value_problem(exc: BadParameter) -> str:
    kind = getattr(exc.param, "type", None)
    if isinstance(kind, click.Choice):
        mark = "\x00"
        template = kind.get_invalid_choice_message(_Mark(mark), exc.ctx)
        before, _, after = template.partition(mark)
        message = exc.message
        if message.startswith(before) and message.endswith(after) and len(message) >= len(before) + len(after):
            value = message[len(before):len(message) - len(after)]
            return f"{value} không phải một trong: " + ", ".join(map(str, kind.choices))
    for english, vietnamese in _VALUE_TEMPLATES:
        found = _match(exc.message, gettext(english))
        if found:
            if "number_type" in found:
                found["number_type"] = _NUMBER_WORDS.get(found["number_type"], found["number_type"])
            if "name" in found:
                found["name"] = _PATH_WORDS.get(found["name"], found["name"])
            return vietnamese.format(**found)
    return exc.message


def _sentence(text: str) -> str:
    """`text` ending in a full stop, without doubling one that a metavar like TỆP... brings."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _option_usage(exc: BadOptionUsage) -> str:
    name = exc.option_name
    if _match(exc.message, gettext("Option {name!r} does not take a value.")):
        return f"tùy chọn {name} không nhận giá trị (là cờ bật/tắt)."
    for n in (1, 2):
        found = _match(exc.message, ngettext("Option {name!r} requires an argument.",
                                             "Option {name!r} requires {nargs} arguments.", n))
        if found:
            return f"tùy chọn {name} cần {found.get('nargs', 'một')} giá trị đi kèm."
    return f"tùy chọn {name}: {exc.message}"


def _plain(exc: click.UsageError) -> str:
    for n in (1, 2):
        found = _match(exc.message, ngettext("Got unexpected extra argument ({args})",
                                             "Got unexpected extra arguments ({args})", n))
        if found:
            return f"thừa đối số: {found['args']}."
    if exc.message == gettext("Missing command."):
        return "thiếu lệnh."
    found = _match(exc.message, gettext("No such command {name!r}."))  # click < 8.4
    if found:
        return f"không có lệnh {found['name']}."
    return exc.message


class _Mark(str):
    """A stand-in value whose repr is the bare marker, to locate the value in click's template."""

    def __repr__(self) -> str:
        return str(self)


def _match(message: str, template: str) -> Optional[dict]:
    """The placeholder values of `template` (a str.format template) found in `message`, or None."""
    pattern, seen = "", set()
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if field is not None:
            pattern += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
            seen.add(field)
    found = re.fullmatch(pattern, message, flags=re.DOTALL)
    return found.groupdict() if found else None
