"""Reading YAML and JSON files that users wrote, without trusting them.

Why our own loader and not `yaml.safe_load`: we need (1) line numbers for every key so an error
can say `file:line`, (2) numbers with a fraction read as exact `Decimal` (95.2 must stay 95.2),
(3) dates kept as text so an impossible date such as 2023-02-30 becomes a field error instead of
a crash inside PyYAML, (4) duplicate keys refused (PyYAML silently keeps the last one),
(5) aliases refused, so a "billion laughs" file cannot expand without bound, and (6) YAML 1.2's
numbers and booleans instead of PyYAML's YAML 1.1 ones (`010` is not 8, `1:30` is not 90, `no` is
not false). PyYAML composes the nodes; one walk (`_build`) turns them into data and refuses all of
the above at the node's line.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem
from .files import Unreadable, read_bytes

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40

# libyaml's parser when PyYAML was built with it (10× faster), else the pure-Python one. PyYAML
# composes the node tree; `_build` below is the only thing that turns nodes into data (PyYAML's
# constructors are never called), so every rule of what a file may hold is in one place.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_NULL, _BOOL, _TIME = "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"
_MAP, _SEQ, _MERGE = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge"
_NUMBER = "tag:dvcq:number"  # what the resolver gives any plain scalar that YAML 1.1 or 1.2 reads as a number


class _Loader(_Base):
    """Composes nodes; its resolver tags plain scalars (YAML 1.2 booleans, numbers, null, dates)."""


# A plain scalar that either YAML 1.1 (what PyYAML implements) or YAML 1.2 (the core schema) reads
# as a number. `_number` accepts the decimal forms the two agree on (plus 1.2's `1e3`, `-.5`) and
# refuses the rest, where the two disagree or the number is not decimal: `010` (8 in 1.1, 10 in
# 1.2), `0x10`, `0b11`, `0o17`, `1_000`, `1:30` (90 in 1.1, a string in 1.2). A file must not mean
# different numbers to different readers, nor a time of day silently become minutes.
_NUMBER_LIKE = re.compile(r"""^(?:
     [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
   | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+                                    # YAML 1.1 integers
   | [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)? | \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
   | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*                            # YAML 1.1 floats
   | [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+                                # YAML 1.2 integers
   | [-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?              # YAML 1.2 floats
   | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
)$""", re.X)
_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")

# YAML 1.2 booleans only: YAML 1.1 reads `on:`, `no`, `yes`, `off` as booleans, which silently
# turns a rule's `on:` key into True and a ward's answer "no" into False. YAML 1.1's `=` (value
# key) goes too: in 1.2 it is text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT, "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_NUMBER, _NUMBER_LIKE, list("-+0123456789."))


MAX_NUMBER_CHARS = 40  # digits a number may be written with
MAX_EXPONENT = 30      # |10-exponent| a number may reach: 1e-99999999 or 1.0e+99999999 would make
                       # int() or Fraction() of it run for hours (a file must not hang the command)


def number_problem(text: str, value: Decimal) -> str | None:
    """Why a written number is refused (too long, too large, too many decimals), or None."""
    if len(text) > MAX_NUMBER_CHARS:
        return f"số '{text[:20]}…' quá dài ({len(text)} ký tự, tối đa {MAX_NUMBER_CHARS})"
    if value.is_finite() and value and (value.adjusted() > MAX_EXPONENT or value.as_tuple().exponent < -MAX_EXPONENT):
        return f"số '{text}' quá lớn hoặc có quá nhiều chữ số thập phân"
    return None


def _refuse(problem: str, node, hint: str | None = None):
    return _Refused(problem, node, hint)


class _Refused(yaml.MarkedYAMLError):
    """A node the file may not hold; reported like PyYAML's own errors, at its line and field."""

    def __init__(self, problem: str, node, hint: str | None = None):
        super().__init__(problem=problem, problem_mark=node.start_mark)
        self.node, self.hint = node, hint


def _why_not_decimal(text: str) -> str:
    t = text.lstrip("+-")
    if "_" in t:
        return "YAML 1.1 bỏ qua dấu '_' trong số"
    if ":" in t:
        return "YAML 1.1 đọc số có dấu ':' theo hệ 60, 1:30 là 90"
    if t[:2] in ("0x", "0b", "0o"):
        return {"0x": "số hệ 16", "0b": "số hệ 2", "0o": "số hệ 8"}[t[:2]]
    return "số 0 ở đầu: YAML 1.1 đọc 010 là 8, YAML 1.2 là 10"


def _number(text: str, node, whole: bool = False):
    """A written number: int for an integer, exact Decimal for the rest; anything else refused."""
    if len(text) > MAX_NUMBER_CHARS:  # before any conversion: int() of 4,300+ digits raises, Decimal's are slow
        raise _refuse(f"số '{text[:20]}…' quá dài ({len(text)} ký tự, tối đa {MAX_NUMBER_CHARS})", node)
    if _INTEGER.fullmatch(text):
        return int(text)
    if text.lstrip("+-").lower() in (".inf", ".nan"):
        raise _refuse(f"giá trị '{text}' (NaN/vô cực) không phải là số hợp lệ", node)
    if whole or not _DECIMAL.fullmatch(text):
        if not _NUMBER_LIKE.match(text):  # text under an explicit !!int / !!float tag
            raise _refuse(f"'{text}' không phải là số", node)
        if whole and _DECIMAL.fullmatch(text):
            raise _refuse(f"'{text}' không phải số nguyên (thẻ !!int)", node)
        raise _refuse(f"số không đúng dạng YAML 1.2: '{text}' ({_why_not_decimal(text)})", node,
                      hint=f"viết số thập phân (vd. 16; -2; 1.5; 1e3), hoặc đặt trong dấu nháy nếu là văn bản: '{text}'")
    value = Decimal(text)
    problem = number_problem(text, value)
    if problem:
        raise _refuse(problem, node)
    return value


_BOOLS = {"true": True, "false": False}
_SCALAR_NODE, _MAPPING_NODE, _SEQUENCE_NODE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_normalize = unicodedata.normalize


def _scalar(n):
    """A scalar node's value: text (NFC), a YAML 1.2 number, true/false, null, or a date kept as text
    (so an impossible date such as 2023-02-30 becomes a field error later, not a crash here)."""
    tag, v = n.tag, n.value
    if tag == _STR:
        return _normalize("NFC", v)
    if tag == _NUMBER:
        if v.isdigit() and v.isascii() and v[0] != "0" and len(v) <= MAX_NUMBER_CHARS:
            return int(v)  # the common case, before any regular expression
        return _number(v, n)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        flag = _BOOLS.get(v.lower())
        if flag is None:
            raise _refuse(f"giá trị '{v}' không phải true hoặc false (thẻ !!bool)", n)
        return flag
    if tag == _TIME:
        return v
    if tag == _INT or tag == _FLOAT:  # written with an explicit !!int / !!float
        value = _number(v.strip(), n, whole=tag == _INT)
        return Decimal(value) if tag == _FLOAT else value
    raise _refuse(_tag_problem(tag), n)


def _tag_problem(tag: str) -> str:
    return f"thẻ YAML không được phép ({tag.replace('tag:yaml.org,2002:', '!!')})"


def _build(n, depth: int, seen: set):
    """The data of one node, with every rule of what a file may hold checked on the way.

    Refused with the node's line (as `_Refused`): an alias (the same node object reached twice,
    so a "billion laughs" file is refused before anything expands), nesting deeper than MAX_DEPTH,
    a duplicate key, a key that is a list or mapping, a merge key `<<` (YAML 1.1 only), any tag
    but the standard scalar, map and seq ones (so no `!!python/...` object is ever built), and
    every number that is not a YAML 1.2 decimal (`_number`).

    A module function, not a closure calling itself: such a closure is a reference cycle that held
    the document's node tree until the garbage collector ran, and batch workers (which collect
    rarely, on purpose) piled them up."""
    if id(n) in seen:
        raise _refuse(_ALIAS, n)
    seen.add(id(n))
    t = type(n)
    if t is _SCALAR_NODE:
        return _scalar(n)
    if depth > MAX_DEPTH:
        raise _refuse(f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", n)
    if t is _MAPPING_NODE:
        if n.tag != _MAP:
            raise _refuse(_tag_problem(n.tag), n)
        out = {}
        for k, v in n.value:  # scalars inline: this loop is most of reading a record
            if type(k) is not _SCALAR_NODE:
                raise _refuse(_ALIAS if id(k) in seen else "khóa phải là chữ hoặc số", k)
            if id(k) in seen:
                raise _refuse(_ALIAS, k)
            seen.add(id(k))
            if k.tag == _STR:
                key = _normalize("NFC", k.value)
            elif k.tag == _MERGE:  # `<<: *base` is refused as the alias it is; any other `<<` as a merge
                raise _refuse(_ALIAS, v) if id(v) in seen else _refuse(_MERGE_KEY, k)
            else:
                key = _scalar(k)
            if key in out:
                raise _refuse(f"khóa '{key}' bị lặp (đã có ở dòng {_first_line(n, key)})", k)
            if type(v) is _SCALAR_NODE and id(v) not in seen:
                seen.add(id(v))
                out[key] = _normalize("NFC", v.value) if v.tag == _STR else _scalar(v)
            else:
                out[key] = _build(v, depth + 1, seen)
        return out
    if n.tag != _SEQ:
        raise _refuse(_tag_problem(n.tag), n)
    return [_build(c, depth + 1, seen) for c in n.value]


_ALIAS = "bí danh YAML (alias '*') không được phép trong tệp này"
_MERGE_KEY = "khóa gộp '<<' (YAML 1.1) không được phép: viết đủ các khóa"


def _first_line(mapping, key) -> int:
    """The line of the first key of `mapping` equal to `key` (for the duplicate-key message only)."""
    for k, _ in mapping.value:
        if (_normalize("NFC", k.value) if k.tag == _STR else _scalar(k)) == key:
            return k.start_mark.line + 1
    return mapping.start_mark.line + 1


class _PyLoader(yaml.SafeLoader):
    """The same loader on PyYAML's pure-Python parser, for files with many flow brackets: libyaml
    composes nested `[`/`{` by C recursion and segfaults past ~20,000 levels, where Python's parser
    stops with a RecursionError that we report."""


_PyLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
MAX_C_BRACKETS = 10_000

_RESOLVED: dict[str, str] = {}   # plain scalar text → its implicit tag
_RESOLVED_MAX, _RESOLVED_LEN = 8192, 64


def _resolve(self, kind, value, implicit):
    """PyYAML's resolver, remembered per plain scalar: libyaml calls back into Python for every
    scalar, and a record repeats the same keys (`value`, `num`, fact ids) in every file. Exact
    because this loader has no path resolvers, so a plain scalar's tag depends on its text alone;
    bounded so that a run over many files does not grow with their distinct values."""
    if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = _Base.resolve(self, kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX and len(value) <= _RESOLVED_LEN:
                _RESOLVED[value] = tag
        return tag
    return _Base.resolve(self, kind, value, implicit)


_Loader.resolve = _resolve


def _path_to(root, target) -> tuple:
    """The key path of `target` (for a key node: its mapping's path and the key), found when a
    message needs it: `_build` keeps no paths, so reading a valid file pays nothing for this."""
    stack, seen = [(root, ())], set()
    while stack:
        n, path = stack.pop()
        if n is target:
            return path
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = _normalize("NFC", k.value) if isinstance(k, yaml.ScalarNode) else None
                if k is target:
                    return path + (key,) if key is not None else path
                stack.append((v, path + (key,)))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((c, path + (i,)) for i, c in enumerate(n.value))
    return ()


def _record_lines(node, path: tuple, lines: dict, depth: int = 0, seen: set | None = None) -> None:
    """Walk the composed node tree once and remember where each path starts (for messages only).

    It never refuses anything (`_build` does): a node reached a second time (an alias) is not walked
    again and nothing deeper than MAX_DEPTH is walked, so the walk stays linear on any file.
    """
    seen = set() if seen is None else seen
    if id(node) in seen or depth > MAX_DEPTH + 1:
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record_lines(value_node, path + (key,), lines, depth + 1, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            lines[path + (i,)] = child.start_mark.line + 1
            _record_lines(child, path + (i,), lines, depth + 1, seen)


class LazyLines(dict):
    """The path→line map, computed from the composed YAML only when a message asks for a line:
    a valid record never needs it, and building it was a tenth of reading a record."""

    def __init__(self, node=None):
        super().__init__()
        self._node = node

    def _fill(self) -> None:
        node, self._node = self._node, None
        if node is not None:
            _record_lines(node, (), self)

    def __contains__(self, key):
        self._fill()
        return super().__contains__(key)

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)

    def items(self):
        self._fill()
        return super().items()

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def __len__(self):
        self._fill()
        return super().__len__()


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _json_depth_ok(text: str) -> bool:
    depth = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best <= MAX_DEPTH


def _field_at(lines: dict, line: int) -> str | None:
    """The deepest key path starting on `line` (known once the document is composed), e.g. facts.x.y."""
    paths = [p for p, n in lines.items() if n == line and p]
    if not paths:
        return None
    keyed = [p for p in paths if isinstance(p[-1], str)]  # 'pack.status', not 'pack.status.0'
    path = max(keyed or paths, key=len)
    return ".".join(str(k) for k in path)


class LoadFailure(Exception):
    """Raised with a ready `Problem`; callers wrap it in the error class of their input kind."""

    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


def read_text(path: Path, what: str) -> str:
    """Read a user file as UTF-8 text (BOM and CRLF tolerated), bounded in size."""
    return _read(path, what)[0]


def _read(path: Path, what: str) -> tuple[str, str]:
    """The text and the sha256 of the bytes it came from: one read, so the hash is of what was parsed."""
    name = str(path)
    try:
        raw = read_bytes(path, what, MAX_BYTES)
    except Unreadable as exc:
        raise LoadFailure(exc.problem) from None
    sha256 = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise LoadFailure(Problem(f"{what} không phải tệp văn bản UTF-8 (có byte NUL)", file=name))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadFailure(
            Problem(f"{what} không phải UTF-8 hợp lệ (byte 0x{raw[exc.start]:02x})", file=name, line=line,
                    hint="lưu lại tệp với mã hóa UTF-8")
        )
    return text.replace("\r\n", "\n"), sha256


def load_document(path: Path, what: str) -> tuple[Any, dict]:
    """Parse a YAML or JSON file into plain data and a path→line map."""
    data, lines, _ = load_document_hashed(path, what)
    return data, lines


def load_document_hashed(path: Path, what: str) -> tuple[Any, dict, str]:
    """Parse a YAML or JSON file into plain data, a path→line map, and the sha256 of its bytes.

    JSON is parsed by `json` (exact `Decimal` for fractions, duplicate keys refused) since YAML 1.1
    and JSON disagree on corner cases; YAML by the strict loader above.
    """
    text, sha256 = _read(path, what)
    return (*load_text(text, str(path), what, json=path.suffix.lower() == ".json"), sha256)


def read_hashed(path: Path, what: str) -> tuple[str, str]:
    """A file's text and the sha256 of its bytes (bounded, regular files only): for a caller that
    parses part of it first (`load_text`)."""
    return _read(path, what)


def load_text(text: str, name: str, what: str, json: bool = False) -> tuple[Any, dict]:
    """`text` (read from the file `name`) parsed by the strict loader: plain data and its line map."""
    if not text.strip():
        raise LoadFailure(Problem(f"{what} rỗng", file=name))
    if json:
        return _load_json(text, name, what), {}
    loader = (_Loader if text.count("[") + text.count("{") < MAX_C_BRACKETS else _PyLoader)(text)
    lines: dict = {}
    node = None
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadFailure(Problem(f"{what} rỗng", file=name))
        lines = LazyLines(node)  # walked only if a message needs a line or a field
        data = _build(node, 0, set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "lỗi cú pháp YAML"
        if not isinstance(exc, _Refused) and ("expected" in problem or "found" in problem or "while" in problem):
            problem = f"lỗi cú pháp YAML: {problem}"
        bad_line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
        hint = getattr(exc, "hint", None)
        if "\t" in bad_line and not isinstance(exc, _Refused):
            hint = "YAML không cho phép ký tự tab để thụt lề: dùng dấu cách"
        if isinstance(exc, _Refused):  # the refused node's own path; none for an alias (reached twice)
            field = None if "bí danh" in problem else ".".join(str(k) for k in _path_to(node, exc.node)) or None
        else:
            field = _field_at(lines, mark.line + 1) if mark else None
        raise LoadFailure(Problem(problem, file=name, line=(mark.line + 1) if mark else None, hint=hint, field=field))
    except yaml.reader.ReaderError as exc:  # a control character: name it and its line, in Vietnamese
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1  # libyaml counts bytes
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        raise LoadFailure(Problem(f"ký tự điều khiển #x{exc.character:04X} không được phép trong tệp YAML"
                                  if isinstance(exc.character, int) else f"lỗi đọc YAML: {exc.reason}", file=name, line=line))
    except yaml.YAMLError as exc:
        raise LoadFailure(Problem(f"lỗi cú pháp YAML: {exc}", file=name))
    except RecursionError:
        raise LoadFailure(Problem("cấu trúc lồng nhau quá sâu", file=name))
    finally:
        loader.dispose()
    return data, lines


def _load_json(text: str, name: str, what: str) -> Any:
    if not _json_depth_ok(text):
        raise LoadFailure(Problem(f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", file=name))

    def pairs(items):
        out = {}
        for k, v in items:
            if k in out:
                raise LoadFailure(Problem(f"khóa '{k}' bị lặp", file=name))
            out[k] = v
        return out

    def bad_constant(c):
        raise LoadFailure(Problem(f"giá trị '{c}' (NaN/vô cực) không phải là số hợp lệ", file=name))

    def exact(text):
        value = Decimal(text)
        problem = number_problem(text, value)
        if problem:
            raise LoadFailure(Problem(problem, file=name))
        return value

    def whole(text):
        if len(text) > MAX_NUMBER_CHARS:
            raise LoadFailure(Problem(f"số '{text[:20]}…' quá dài ({len(text)} ký tự, tối đa {MAX_NUMBER_CHARS})", file=name))
        return int(text)

    try:
        data = json.loads(text, parse_float=exact, parse_int=whole, object_pairs_hook=pairs, parse_constant=bad_constant)
    except json.JSONDecodeError as exc:
        raise LoadFailure(Problem(f"lỗi cú pháp JSON: {exc.msg}", file=name, line=exc.lineno))
    except RecursionError:
        raise LoadFailure(Problem("cấu trúc lồng nhau quá sâu", file=name))
    return _nfc(data)


def line_of(lines: dict, loc: tuple) -> int | None:
    """The line of the deepest known prefix of `loc` (pydantic locations may go deeper than YAML)."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())
