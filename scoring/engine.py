"""The durable-rules wrapper: the only module that imports durable.

We drive the C engine (`durable_rules_engine`) directly instead of `durable.lang`/`Host`, which
makes the measured traps in DOMAIN.md unreachable rather than merely avoided:

* no `Host`, so no timer threads that take actions away from the caller;
* actions are not Python callbacks run inside durable: durable only *queues* the name of the rule
  that matched, we read it back, so no exception can be swallowed by durable;
* every value asserted is an integer or a state word we built ourselves from validated evidence,
  never user text, so '1' == 1 coercion and float artefacts cannot change a match;
* every rule matches one fact (no joins: the 3.12 join segfault), no rule uses `$nex`;
* each item has its own field names, and the limits that hang or crash the C code (rules per
  ruleset, rules sharing a condition, distinct conditions per field, keys per fact, rules matching
  one fact) are checked in Python *before* `create_ruleset`;
* one session id per evaluation, its queued actions drained before `delete_state` (deleting a state
  with queued actions aborts the process), and rulesets compiled once per pack and reused (the
  scorer, `score.Scorer`, owns them and frees them on `reset()`);
* every call into durable holds one process-wide lock: the C engine keeps global state and is not
  re-entrant, so threads may score concurrently and only the durable calls take turns.
"""
from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from typing import NamedTuple, Optional

import durable_rules_engine as _dre

from . import conditions
from .errors import EngineError, PackError, Problem

# Limits measured on durable-rules 2.0.28 (DOMAIN.md), with a margin.
MAX_RULES = 4000            # error 106 at 4,096
MAX_BRANCHES_PER_ITEM = 60  # error 303 at 64 rules matching one fact
MAX_SHARED_CONDITION = 200  # 256 rules sharing one identical condition segfaults
MAX_DISTINCT_PER_FIELD = 400  # ≥ 513 distinct conditions on one field hangs set_rulesets
MAX_FACT_KEYS = 200         # error 302 past 253 keys in one fact
MAX_MEASURE = 2_000_000_000  # keep every number well inside what the C engine stores exactly

_ids = itertools.count(1)
_lock = threading.Lock()  # around every durable call: the C engine is not re-entrant


class RuleRef(NamedTuple):
    """What a compiled durable rule stands for (a NamedTuple: cheaper to define than a dataclass)."""

    kind: str        # "branch" | "veto"
    owner: object    # leaf uid, veto id, or ("applies", criterion or item id)
    key: str         # branch key, or "holds" / "clear"


def _cmp_json(node, fields: dict) -> dict:
    if isinstance(node, conditions.Cmp):
        f = fields[node.ident]
        v = int(node.value) if node.value == node.value.to_integral_value() else float(node.value)
        op = {">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "!=": "$neq"}.get(node.op)
        return {f: v} if op is None else {op: {f: v}}
    key = "$and" if isinstance(node, conditions.And) else "$or"
    return {key: [_cmp_json(p, fields) for p in node.parts]}


class CompiledPack:
    """A pack's rules inside one durable ruleset. Build once per pack per process; reuse."""

    def __init__(self, pack, leaves: list, vetoes: list, applicability: list = ()):
        """`leaves`: [(uid, [Branch])]; `vetoes`: [(veto_id, condition tree)]; `applicability`:
        [(criterion or item id, condition tree)] — compiled as vetoes are, and reported under the
        owner `("applies", id)` so that an id can never meet a veto's or a leaf's."""
        self.pack = pack
        self.refs: dict[str, RuleRef] = {}
        self.leaf_fields: dict[str, tuple[str, str]] = {}
        self.veto_fields: dict[str, tuple[str, dict]] = {}
        definition: dict[str, dict] = {}
        problems: list[Problem] = []
        n = 0
        for li, (uid, branches) in enumerate(leaves):
            kf, vf = f"k{li}", f"v{li}"
            self.leaf_fields[uid] = (kf, vf)
            if len(branches) > MAX_BRANCHES_PER_ITEM:
                problems.append(Problem(f"nội dung {uid} có {len(branches)} nhánh chấm, tối đa {MAX_BRANCHES_PER_ITEM}",
                                        field=uid, code="E101"))
                continue
            for b in branches:
                conds = [{kf: b.state}]
                if b.lo is not None:
                    conds.append({"$gte": {vf: b.lo}})
                if b.hi is not None:
                    conds.append({"$lt": {vf: b.hi}})
                for bound in (b.lo, b.hi):
                    if bound is not None and not (0 <= bound <= MAX_MEASURE):
                        problems.append(Problem(f"nội dung {uid}: ngưỡng {bound} vượt giới hạn của bộ máy luật",
                                                field=uid, code="E102"))
                name = f"r{n}"
                n += 1
                definition[name] = {"all": [{"m": {"$and": conds}}]}
                self.refs[name] = RuleRef("branch", uid, b.key)
        self.applies_fields: dict[str, tuple[str, dict]] = {}
        conds = [("veto", vid, node, f"w{vi}", self.veto_fields) for vi, (vid, node) in enumerate(vetoes)]
        conds += [("applies", owner, node, f"a{ai}", self.applies_fields) for ai, (owner, node) in enumerate(applicability)]
        for kind, vid, node, tag, where in conds:
            idents = conditions.identifiers(node)
            if len(idents) + 2 > MAX_FACT_KEYS:
                problems.append(Problem(f"điều kiện {vid} dùng quá nhiều số liệu ({len(idents)})", field=vid, code="E103"))
                continue
            fields = {ident: f"{tag}_{j}" for j, ident in enumerate(idents)}
            kf = f"k{tag}"
            where[vid] = (kf, fields)
            owner = vid if kind == "veto" else ("applies", vid)
            for key, tree in (("holds", node), ("clear", conditions.negate(node))):
                name = f"r{n}"
                n += 1
                definition[name] = {"all": [{"m": {"$and": [{kf: "v"}, _cmp_json(tree, fields)]}}]}
                self.refs[name] = RuleRef(kind, owner, key)
        self.definition_json = json.dumps(definition, ensure_ascii=False, sort_keys=True)
        problems.extend(self._check_limits(definition, self.definition_json))
        if problems:
            raise PackError(problems)
        self._create()

    def _create(self) -> None:
        pack = self.pack
        self.name = f"dvcq_{pack.id}_{next(_ids)}".replace("-", "_")
        with _lock:
            try:
                self.handle = _dre.create_ruleset(self.name, self.definition_json)
            except Exception as exc:  # durable reports bare codes; name the pack
                raise EngineError(f"durable-rules từ chối bộ luật biên dịch từ {pack.id}: {exc}") from exc
        self._sids = itertools.count(1)
        # The JSON of every fact, written around its two changing parts (state, measure): building
        # a record's facts as dicts and dumping them with `json` was a sixth of running the engine.
        self._leaf_json = {uid: (f'","{kf}":', f',"{vf}":') for uid, (kf, vf) in self.leaf_fields.items()}

    @staticmethod
    def _check_limits(definition: dict, text: str | None = None) -> list[Problem]:
        """`text`: the definition as JSON when the caller has it (dumping it again cost ~3 ms a pack)."""
        probs = []
        if len(definition) > MAX_RULES:
            probs.append(Problem(f"bộ tiêu chí sinh ra {len(definition)} luật, tối đa {MAX_RULES}", code="E104"))
        shared: Counter = Counter()
        per_field: dict[str, set] = {}
        example: dict = {}
        if text is None:
            text = json.dumps(definition, ensure_ascii=False)
        if "$nex" in text:  # a rule made of $nex loops forever in the C engine
            probs.append(Problem("luật dùng $nex (không được phép)", code="E105"))
        for rule in definition.values():
            if len(rule["all"]) != 1:  # joins segfault on Python 3.12
                probs.append(Problem("luật nối nhiều sự kiện (join) không được phép", code="E106"))
            for cond in _flatten(rule["all"][0]["m"]):
                key = _cond_key(cond)  # what json.dumps(cond, sort_keys=True) tells apart, 10× cheaper
                example.setdefault(key, cond)
                shared[key] += 1
                fld = _field_of(cond)
                per_field.setdefault(fld, set()).add(key)
        # the most shared condition (max, not most_common(1): that imports heapq into every start)
        worst = max(shared.items(), key=lambda kv: kv[1], default=None)
        if worst is not None and worst[1] > MAX_SHARED_CONDITION:
            shown = json.dumps(example[worst[0]], sort_keys=True)
            probs.append(Problem(f"{worst[1]} luật cùng dùng một điều kiện {shown}, tối đa {MAX_SHARED_CONDITION}",
                                 code="E107"))
        for fld, keys in per_field.items():
            if len(keys) > MAX_DISTINCT_PER_FIELD:
                probs.append(Problem(f"trường {fld} có {len(keys)} điều kiện khác nhau, tối đa {MAX_DISTINCT_PER_FIELD}",
                                     code="E108"))
        return probs

    def run(self, leaf_facts: dict[str, tuple[str, int]], veto_values: dict[str, dict[str, int]],
            applies_values: Optional[dict[str, dict[str, int]]] = None) -> dict:
        """Assert one record's facts in one call; return {owner: [branch keys fired]} (an
        applicability condition's owner is `("applies", id)`; only those given values are asserted).

        The facts are the JSON array `[{"sid", "id", <state field>, <measure field>}, …]` (and one
        fact per veto), written directly: a state is one of the methods' state words and a measure
        an integer checked by `_bounded`, so the text is what `json.dumps` of those dicts would parse
        back to."""
        sid = f"s{next(self._sids)}"
        head = f'{{"sid":"{sid}","id":"'
        parts = []
        leaf_json = self._leaf_json
        for i, (uid, (state, measure)) in enumerate(leaf_facts.items()):
            kpart, vpart = leaf_json[uid]
            parts.append(f"{head}f{i}{kpart}{_json_str(state)}{vpart}{_bounded(measure):d}}}")
        for i, (vid, values) in enumerate(veto_values.items()):
            kf, fields = self.veto_fields[vid]
            if len(fields) + 3 > MAX_FACT_KEYS:
                raise EngineError(f"sự kiện có {len(fields) + 3} khóa, vượt giới hạn {MAX_FACT_KEYS}")
            body = "".join(f',"{fname}":{_bounded(values[ident]):d}' for ident, fname in fields.items())
            parts.append(f'{head}w{i}","{kf}":"v"{body}}}')
        for i, (owner, values) in enumerate((applies_values or {}).items()):
            kf, fields = self.applies_fields[owner]
            body = "".join(f',"{fname}":{_bounded(values[ident]):d}' for ident, fname in fields.items())
            parts.append(f'{head}a{i}","{kf}":"v"{body}}}')
        facts_json = "[" + ",".join(parts) + "]"
        refs = self.refs
        fired: dict[str, list[str]] = {}
        with _lock:
            drained = False
            state_handle = None
            try:
                result = _dre.assert_facts(self.handle, facts_json)
                state_handle = result[1] if len(result) > 1 else None
                if result[0] == 1:
                    raise EngineError("một số liệu không khớp luật nào (nhánh chấm không phủ hết các trường hợp)")
                if result[0] == 2:
                    raise EngineError("số liệu bị gửi trùng vào bộ máy luật")
                if result[0] != 0:
                    raise EngineError(f"durable-rules trả mã lỗi {result[0]}")
                action = _dre.start_action_for_state(self.handle, state_handle)
                while action:
                    ref = refs[_rule_name(action[1] if isinstance(action, tuple) else action)]
                    fired.setdefault(ref.owner, []).append(ref.key)
                    action = _dre.complete_and_start_action(self.handle, state_handle)
                drained = True
            finally:
                if not drained and isinstance(state_handle, int):
                    self._drain(state_handle)
                _dre.delete_state(self.handle, sid)
        return fired

    def _drain(self, state_handle: int) -> None:
        """Complete whatever is still queued: deleting a state with queued actions aborts the process."""
        try:
            action = _dre.start_action_for_state(self.handle, state_handle)
            while action:
                action = _dre.complete_and_start_action(self.handle, state_handle)
        except Exception:
            pass

    def close(self) -> None:
        with _lock:
            if getattr(self, "handle", None) is not None:
                _dre.delete_ruleset(self.handle)
                self.handle = None


def _rule_name(message: str) -> str:
    """The matched rule's name from an action message '{"r12":{"m":{…the fact…}}}'.

    Durable sends the whole matched fact with every action; we only need the name, which we chose
    ourselves (r<digits>), so we read it instead of decoding the JSON (7% of an evaluation).
    """
    if not message.startswith('{"r'):
        raise EngineError(f"thông điệp hành động không đúng dạng: {message[:40]!r}")
    end = message.index('"', 2)
    return message[2:end]


def _bounded(v: int) -> int:
    if v.__class__ is not int and (not isinstance(v, int) or isinstance(v, bool)):
        raise EngineError(f"giá trị gửi vào bộ máy luật phải là số nguyên, nhận {v!r}")
    return v if -MAX_MEASURE <= v <= MAX_MEASURE else max(-MAX_MEASURE, min(MAX_MEASURE, v))


_JSON_STRS: dict[str, str] = {}


def _json_str(word: str) -> str:
    """A state word as a JSON string (the methods use a handful; each is encoded once)."""
    out = _JSON_STRS.get(word) if isinstance(word, str) else None
    if out is None:
        out = json.dumps(word)
        if isinstance(word, str) and len(_JSON_STRS) < 64:
            _JSON_STRS[word] = out
    return out


def _flatten(cond: dict):
    if "$and" in cond or "$or" in cond:
        for c in cond.get("$and", cond.get("$or")):
            yield from _flatten(c)
    else:
        yield cond


def _cond_key(v):
    """A hashable stand-in for a condition's canonical JSON: equal exactly when the JSON texts are
    (so 1, 1.0 and true stay apart, and key order does not matter)."""
    if isinstance(v, dict):
        return ("{", tuple(sorted((k, _cond_key(x)) for k, x in v.items())))
    if isinstance(v, list):
        return ("[", tuple(_cond_key(x) for x in v))
    return (v.__class__.__name__, v)


def _field_of(cond: dict) -> str:
    k, v = next(iter(cond.items()))
    if k.startswith("$") and isinstance(v, dict):
        return next(iter(v))
    return k
