"""Reading YAML and JSON files that users wrote, without trusting them.

Why our own loader and not `yaml.safe_load`: we need (1) line numbers for every key so an error
can say `file:line`, (2) numbers with a fraction read as exact `Decimal` (95.2 must stay 95.2),
(3) dates kept as text so an impossible date such as 2023-02-30 becomes a field error instead of
a crash inside PyYAML, (4) duplicate keys refused (PyYAML silently keeps the last one), and
(5) aliases refused, so a "billion laughs" file cannot expand without bound.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem
from .files import Unreadable, read_bytes

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40

# libyaml's parser when PyYAML was built with it (10× faster), else the pure-Python one. Either way
# the constructors and resolvers below are ours; aliases are caught by node identity in
# `_record_lines`, before anything is constructed, so a "billion laughs" file never expands.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe loading with exact numbers, textual dates, no aliases and no duplicate keys."""


# YAML 1.2 booleans only: YAML 1.1 reads `on:`, `no`, `yes`, `off` as booleans, which silently
# turns a rule's `on:` key into True and a ward's answer "no" into False.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


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


def _construct_float(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".nan", ".inf", "-.inf", "+.inf"):
        raise yaml.constructor.ConstructorError(
            None, None, f"giá trị '{text}' (NaN/vô cực) không phải là số hợp lệ", node.start_mark
        )
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(None, None, f"số không hợp lệ '{text}'", node.start_mark)
    problem = number_problem(text, value)
    if problem:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return value


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if len(text) > MAX_NUMBER_CHARS:  # Python refuses int() of 4,300+ digits with a bare ValueError
        raise yaml.constructor.ConstructorError(
            None, None, f"số '{text[:20]}…' quá dài ({len(text)} ký tự, tối đa {MAX_NUMBER_CHARS})", node.start_mark
        )
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_timestamp(loader, node):
    return loader.construct_scalar(node)


def _construct_str(loader, node):
    return unicodedata.normalize("NFC", loader.construct_scalar(node))


def _construct_mapping(loader, node, deep=False):
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, "cần một bảng khóa: giá trị", node.start_mark)
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    result = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "khóa phải là chữ hoặc số", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"khóa '{key}' bị lặp (đã có ở dòng {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


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
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _PyLoader(yaml.SafeLoader):
    """The same loader on PyYAML's pure-Python parser, for files with many flow brackets: libyaml
    composes nested `[`/`{` by C recursion and segfaults past ~20,000 levels, where Python's parser
    stops with a RecursionError that we report."""


_PyLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
_PyLoader.yaml_constructors = _Loader.yaml_constructors
MAX_C_BRACKETS = 10_000


def _record_lines(node, path: tuple, lines: dict, depth: int = 0, seen: set | None = None) -> None:
    """Walk the composed node tree once: remember where each path starts, refuse aliases.

    An alias is the same node object reached twice; refusing it here keeps the walk linear.
    """
    seen = set() if seen is None else seen
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "bí danh YAML (alias '*') không được phép trong tệp này", node.start_mark
            )
        seen.add(id(node))
    if depth > MAX_DEPTH:
        raise yaml.constructor.ConstructorError(
            None, None, f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", node.start_mark
        )
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


def _check_shape(node) -> None:
    """Refuse aliases (the same node reached twice) and nesting deeper than MAX_DEPTH, before
    anything is constructed; an iterative walk with no path bookkeeping (it runs on every file)."""
    seen: set = set()
    stack = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        if isinstance(n, yaml.ScalarNode):
            continue
        if id(n) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "bí danh YAML (alias '*') không được phép trong tệp này", n.start_mark)
        seen.add(id(n))
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", n.start_mark)
        if isinstance(n, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in n.value)
        else:
            stack.extend((c, depth + 1) for c in n.value)


class _Slow(Exception):
    """The fast construction met something it leaves to PyYAML's constructor (and its messages)."""


_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_NULL, _BOOL, _TIME = "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE, _VALUE = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"
_BOOLS = yaml.constructor.SafeConstructor.bool_values
_SCALAR_NODE, _MAPPING_NODE, _SEQUENCE_NODE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_normalize = unicodedata.normalize


def _fast_document(loader, node):
    """The document's data as `_check_shape` + `construct_document` would give it, built in one walk
    with none of PyYAML's per-node bookkeeping (a third of reading a record went there).

    It builds only what a valid file holds (text, numbers, booleans, null, dates as text, mappings,
    sequences). Anything else — an alias, nesting past MAX_DEPTH, a duplicate key, a merge key, a
    refused number, any other tag — raises `_Slow`, and the caller runs the checked path, which
    refuses the file with its usual message and line. So a file this accepts is one that path
    accepts too, with equal data."""
    return _fast_build(node, 0, loader, set())


def _fast_build(n, depth: int, loader, seen: set):
    """One node of `_fast_document`. A module function, not a closure calling itself: such a closure
    is a reference cycle that held the loader and the document's node tree until the garbage
    collector ran, and batch workers (which collect rarely, on purpose) piled them up."""
    t = type(n)
    tag = n.tag
    if t is _SCALAR_NODE:
        if tag == _STR:
            return _normalize("NFC", n.value)
        if tag == _INT:
            v = n.value
            if v.isdigit() and v.isascii() and v[0] != "0" and len(v) <= MAX_NUMBER_CHARS:
                return int(v)  # what construct_yaml_int makes of plain decimal digits
            return _construct_int(loader, n)
        if tag == _NULL:
            return None
        if tag == _FLOAT:
            return _construct_float(loader, n)
        if tag == _BOOL:
            return _BOOLS[n.value.lower()]
        if tag == _TIME:
            return n.value
        raise _Slow
    if depth > MAX_DEPTH or id(n) in seen:
        raise _Slow
    seen.add(id(n))
    if t is _MAPPING_NODE:
        if tag != _MAP:
            raise _Slow
        out = {}
        for k, v in n.value:
            if type(k) is not _SCALAR_NODE:
                raise _Slow
            ktag = k.tag
            if ktag == _STR:
                key = _normalize("NFC", k.value)
            elif ktag == _MERGE or ktag == _VALUE:
                raise _Slow
            else:
                key = _fast_build(k, depth + 1, loader, seen)
            if key in out:
                raise _Slow
            out[key] = (_normalize("NFC", v.value) if type(v) is _SCALAR_NODE and v.tag == _STR
                        else _fast_build(v, depth + 1, loader, seen))
        return out
    if t is _SEQUENCE_NODE and tag == _SEQ:
        return [_fast_build(c, depth + 1, loader, seen) for c in n.value]
    raise _Slow


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
    name = str(path)
    if not text.strip():
        raise LoadFailure(Problem(f"{what} rỗng", file=name))
    if path.suffix.lower() == ".json":
        return _load_json(text, name, what), {}, sha256
    loader = (_Loader if text.count("[") + text.count("{") < MAX_C_BRACKETS else _PyLoader)(text)
    lines: dict = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadFailure(Problem(f"{what} rỗng", file=name))
        try:
            data = _fast_document(loader, node)
        except Exception:  # noqa: BLE001 — anything unusual: the checked path decides, with its message
            _check_shape(node)  # refused before any line map exists: a refused tree is never walked
            lines = LazyLines(node)  # a constructor error below is reported with its field
            data = loader.construct_document(node)
        else:
            lines = LazyLines(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "lỗi cú pháp YAML"
        if "could not determine a constructor" in str(exc):
            tag = re.search(r"'([^']*)'", exc.problem or "")
            shown = tag.group(1).replace("tag:yaml.org,2002:", "!!") if tag else ""
            problem = f"thẻ YAML không được phép ({shown})" if shown else "thẻ YAML không được phép"
        elif "expected" in problem or "found" in problem or "while" in problem:
            problem = f"lỗi cú pháp YAML: {problem}"
        bad_line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
        hint = "YAML không cho phép ký tự tab để thụt lề: dùng dấu cách" if "\t" in bad_line else None
        raise LoadFailure(Problem(problem, file=name, line=(mark.line + 1) if mark else None, hint=hint,
                                  field=_field_at(lines, mark.line + 1) if mark and not re.search("bị lặp|bí danh", problem) else None))
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
    return data, lines, sha256


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
