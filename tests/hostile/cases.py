"""The hostile inputs, as data: each case writes one file and names the words stderr must contain.

A case is (id, file name, builder, words). The builder takes the directory and the file path and
writes whatever it likes there (bytes, a symlink, a directory, nothing); the words are the field
(or, when the fault is the file itself, the reason) that the message must name.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
QN_PACK = ROOT / "scoring" / "rules" / "quang-ngai" / "qd-1211-2022.yaml"
SAMPLE = ROOT / "samples" / "quang-ngai" / "nguyen-nghiem-2023.yaml"
MARKER = "dvcq-hostile-marker"  # a file the YAML-tag and veto cases try to create via os.system

BASE = ('ward: {name: "Phường Thử", district: "TP Quảng Ngãi", province: "Quảng Ngãi", kind: phuong, '
        'residential_groups: 5}\nperiod: {year: 2023}\n')
BASE_JSON = {"ward": {"name": "Phường Thử", "province": "Quảng Ngãi", "kind": "phuong", "residential_groups": 5},
             "period": {"year": 2023}}


def text(body: str, encoding: str = "utf-8", prefix: bytes = b""):
    def build(d: Path, p: Path):
        p.write_bytes(prefix + body.encode(encoding))
    return build


def raw(data: bytes):
    def build(d: Path, p: Path):
        p.write_bytes(data)
    return build


def record(facts_yaml: str = "", docs_yaml: str = "", extra: str = ""):
    body = BASE + extra
    if facts_yaml:
        body += "facts:\n" + facts_yaml
    if docs_yaml:
        body += "documents:\n" + docs_yaml
    return text(body)


def json_text(body: str):
    return text(body)


def symlink_to_missing(d: Path, p: Path):
    p.symlink_to(d / "nowhere.yaml")


def symlink_loop(d: Path, p: Path):
    other = d / "loop-b.yaml"
    p.symlink_to(other)
    other.symlink_to(p)


def directory(d: Path, p: Path):
    p.mkdir()


def nothing(d: Path, p: Path):
    pass


def big_file(d: Path, p: Path):
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(BASE + "notes:\n")
        line = '  - {text: "' + "x" * 1000 + '"}\n'
        for _ in range(10 * 1024):
            fh.write(line)


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n" + BASE


def tag_apply(d: Path) -> str:
    return BASE + f"facts: !!python/object/apply:os.system ['touch {d / MARKER}']\n"


# id, file name, builder, words stderr must contain
RECORD_CASES = [
    ("latin-1", "latin1.yaml", text('ward: {name: "Phú Thạnh", province: "Quảng Ngãi"}\nperiod: {year: 2023}\n'
                                    .replace("ạ", "a").replace("ả", "a").replace("ã", "a"), "latin-1"),
     ["UTF-8", "latin1.yaml:1", "0xfa"]),
    ("utf-16-bom", "utf16.yaml", text(BASE, "utf-16"), ["UTF-8", "NUL"]),
    ("utf-16-le", "utf16le.yaml", text(BASE, "utf-16-le"), ["UTF-8", "NUL"]),
    ("utf-32", "utf32.yaml", text(BASE, "utf-32"), ["NUL"]),
    ("bom-keeps-lines", "bom.yaml", text(BASE + "facts:\n  staff.disciplined: -1\n", prefix=b"\xef\xbb\xbf"),
     ["bom.yaml:4", "facts.staff.disciplined"]),
    ("crlf-keeps-lines", "crlf.yaml", text((BASE + "facts:\n  staff.disciplined: -1\n").replace("\n", "\r\n")),
     ["crlf.yaml:4", "facts.staff.disciplined"]),
    ("cr-only", "cr.yaml", text((BASE + "facts:\n  staff.disciplined: -1\n").replace("\n", "\r")),
     ["facts.staff.disciplined"]),
    ("tab-indent", "tabs.yaml", text(BASE + "facts:\n\tstaff.disciplined: 0\n"), ["tabs.yaml:4", "tab"]),
    ("duplicate-key", "dup.yaml", record("  staff.disciplined: 0\n  staff.disciplined: 1\n"), ["dup.yaml:5", "bị lặp"]),
    ("duplicate-top-key", "dup2.yaml", text(BASE + "period: {year: 2024}\n"), ["'period' bị lặp"]),
    ("python-object-apply", "tag.yaml", None, ["thẻ YAML không được phép", "python/object/apply"]),
    ("python-name", "name.yaml", record("  staff.disciplined: !!python/name:os.system\n"), ["thẻ YAML", "facts.staff.disciplined"]),
    ("local-tag", "local.yaml", record("  staff.disciplined: !ruby/object 1\n"), ["thẻ YAML"]),
    ("binary-tag", "bin.yaml", record("  staff.disciplined: !!binary aGVsbG8=\n"), ["facts.staff.disciplined"]),
    ("billion-laughs", "lol.yaml", text(billion_laughs()), ["alias"]),
    ("merge-key", "merge.yaml", text("x: &x {kind: phuong}\n" + BASE.replace("kind: phuong,", "<<: *x,")), ["alias"]),
    ("huge-integer", "bigint.yaml", record("  staff.disciplined: " + "9" * 5000 + "\n"), ["quá dài", "facts.staff.disciplined"]),
    ("huge-exponent", "bigexp.yaml", record("  staff.disciplined: 1.0e+99999999\n"), ["quá lớn", "facts.staff.disciplined"]),
    ("tiny-exponent", "tinyexp.yaml", record("  reform.satisfaction: {percent: 1.0e-99999999}\n"),
     ["facts.reform.satisfaction.percent"]),
    ("count-above-limit", "bigcount.yaml", record("  staff.disciplined: 1000000000000\n"), ["quá lớn", "facts.staff.disciplined"]),
    ("year-huge", "year.yaml", text(BASE.replace("year: 2023", "year: 99999999999999")), ["period.year"]),
    ("yaml-nan", "nan.yaml", record("  reform.satisfaction: {percent: .nan}\n"), ["NaN", "facts.reform.satisfaction.percent"]),
    ("yaml-inf", "inf.yaml", record("  staff.disciplined: -.inf\n"), ["vô cực", "facts.staff.disciplined"]),
    ("json-nan", "nan.json", json_text(json.dumps(BASE_JSON)[:-1] + ', "facts": {"reform.satisfaction": {"percent": NaN}}}'),
     ["NaN", "nan.json"]),
    ("json-infinity", "inf.json", json_text(json.dumps(BASE_JSON)[:-1] + ', "facts": {"staff.disciplined": -Infinity}}'),
     ["vô cực"]),
    ("json-huge-integer", "bigint.json", json_text(json.dumps(BASE_JSON)[:-1] + ', "facts": {"staff.disciplined": ' + "9" * 5000 + "}}"),
     ["quá dài"]),
    ("json-duplicate-key", "dup.json", json_text('{"ward": {}, "ward": {}}'), ["bị lặp"]),
    ("json-lone-surrogate", "surrogate.json", json_text(json.dumps(BASE_JSON, ensure_ascii=False).replace("Phường Thử", "\\ud800")),
     ["ward.name", "Unicode"]),
    ("deep-yaml", "deep.yaml", text("a: " + "[" * 200 + "]" * 200 + "\n" + BASE), ["quá sâu"]),
    ("deep-yaml-block", "deepblock.yaml", text(BASE + "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n"),
     ["quá sâu"]),
    ("deep-json", "deep.json", json_text('{"a": ' + "[" * 100000 + "]" * 100000 + "}"), ["quá sâu"]),
    ("ten-megabytes", "big.yaml", big_file, ["quá lớn", "big.yaml"]),
    ("symlink-to-missing", "dangling.yaml", symlink_to_missing, ["không tìm thấy", "dangling.yaml"]),
    ("symlink-loop", "loop.yaml", symlink_loop, ["loop.yaml", "không đọc được"]),
    ("missing-file", "absent.yaml", nothing, ["không tìm thấy", "absent.yaml"]),
    ("directory", "adir.yaml", directory, ["thư mục", "adir.yaml"]),
    ("empty", "empty.yaml", text(""), ["rỗng"]),
    ("only-comments", "comments.yaml", text("# chỉ có chú thích\n\n   \n"), ["rỗng"]),
    ("top-level-list", "list.yaml", text("- ward\n- period\n"), ["bảng khóa"]),
    ("top-level-scalar", "scalar.yaml", text("hồ sơ\n"), ["bảng khóa"]),
    ("ward-is-text", "ward.yaml", text("ward: Phường Thử\nperiod: {year: 2023}\n"), ["'ward'", "bảng khóa"]),
    ("facts-is-list", "factslist.yaml", text(BASE + "facts: [1, 2]\n"), ["'facts'"]),
    ("documents-is-mapping", "docsmap.yaml", text(BASE + "documents: {id: plan.dvcq_annual}\n"), ["'documents'", "danh sách"]),
    ("year-as-text", "yeartext.yaml", text(BASE.replace("year: 2023", 'year: "2023"')), ["period.year"]),
    ("year-as-bool", "yearbool.yaml", text(BASE.replace("year: 2023", "year: true")), ["period.year"]),
    ("quarter-out-of-range", "quarter.yaml", text(BASE.replace("year: 2023", "year: 2023, quarter: 7")), ["period.quarter"]),
    ("impossible-date", "date.yaml", record(docs_yaml="  - {id: plan.dvcq_annual, issued_on: 2023-02-30}\n"),
     ["documents.0.issued_on", "không tồn tại"]),
    ("impossible-date-vn", "datevn.yaml", record(docs_yaml="  - {id: plan.dvcq_annual, issued_on: \"30/02/2023\"}\n"),
     ["documents.0.issued_on", "không tồn tại"]),
    ("datetime-not-date", "datetime.yaml", record(docs_yaml="  - {id: plan.dvcq_annual, issued_on: 2023-03-01T08:00:00}\n"),
     ["documents.0.issued_on"]),
    ("date-as-number", "datenum.yaml", record(docs_yaml="  - {id: plan.dvcq_annual, issued_on: 20230301}\n"),
     ["documents.0.issued_on"]),
    ("negative-count", "neg.yaml", record("  staff.disciplined: -3\n"), ["facts.staff.disciplined", "âm"]),
    ("fractional-count", "frac.yaml", record("  leadership.reviews_held: 1.5\n"), ["facts.leadership.reviews_held", "số nguyên"]),
    ("string-count", "strcount.yaml", record('  leadership.reviews_held: "2"\n'), ["facts.leadership.reviews_held"]),
    ("bool-count", "boolcount.yaml", record("  leadership.reviews_held: {value: 1, num: 2}\n"), ["facts.leadership.reviews_held"]),
    ("num-above-den", "numden.yaml", record("  petitions.settled: {num: 17, den: 16}\n"), ["facts.petitions.settled.num"]),
    ("rate-missing-den", "noden.yaml", record("  petitions.settled: {num: 3}\n"), ["facts.petitions.settled", "den"]),
    ("percent-above-100", "pct.yaml", record("  reform.satisfaction: {percent: 100.01}\n"), ["facts.reform.satisfaction.percent"]),
    ("negative-percent", "negpct.yaml", record("  reform.satisfaction: {percent: -5}\n"), ["facts.reform.satisfaction"]),
    ("done-plus-na-above-total", "checklist.yaml", record("  democracy.nd04_art4: {done: 9, total: 10, not_applicable: 2}\n"),
     ["facts.democracy.nd04_art4", "vượt tổng số"]),
    ("checklist-total-mismatch", "total.yaml", record("  democracy.nd04_art4: {done: 3, total: 12}\n"),
     ["facts.democracy.nd04_art4.total"]),
    ("pair-part-above-whole", "pair.yaml", record("  culture.cultural_residential_groups: 6\n"),
     ["facts.culture.cultural_residential_groups"]),
    ("unknown-fact-did-you-mean", "unknown.yaml", record("  petitions.setled: {num: 1, den: 2}\n"),
     ["facts.petitions.setled", "petitions.settled"]),
    ("unknown-document-did-you-mean", "unkdoc.yaml", record(docs_yaml="  - {id: plan.dvcq_anual}\n"),
     ["documents[0].id", "plan.dvcq_annual"]),
    ("fact-id-not-dotted", "factid.yaml", record("  Staff: 0\n"), ["Staff", "nhom.ten"]),
    ("integer-fact-key", "intkey.yaml", text(BASE + "facts: {1: 2}\n"), ["'1'", "nhom.ten"]),
    ("complex-key", "complex.yaml", text(BASE + "? [a, b]\n: 1\n"), ["khóa phải là chữ hoặc số"]),
    ("wrong-fact-type", "type.yaml", record("  petitions.settled: 5\n"), ["facts.petitions.settled", "tỷ lệ"]),
    ("unknown-value-key", "valu.yaml", record("  staff.disciplined: {valu: 3}\n"), ["facts.staff.disciplined", "'value'"]),
    ("unknown-top-field", "top.yaml", text(BASE + "factz: {}\n"), ["factz", "facts"]),
    ("sent-before-issued", "sent.yaml",
     record(docs_yaml="  - {id: report.dvcq_annual, issued_on: 2023-10-05, sent_on: 2023-10-01}\n"), ["documents[0].sent_on"]),
    ("control-character", "ctrl.yaml", text(BASE + 'notes: [{text: "a\x01b"}]\n'), ["ký tự điều khiển", "ctrl.yaml:3"]),
    ("nul-byte", "nul.yaml", raw(BASE.encode() + b"facts: {}\x00\n"), ["NUL"]),
    ("confidence-out-of-range", "conf.yaml", record("  staff.disciplined: {value: 0, confidence: 5}\n"), ["facts.staff.disciplined"]),
    ("status-wrong", "status.yaml", text(BASE + "status: 5\n"), ["status"]),
]


def pack_variant(old: str, new: str):
    def build(d: Path, p: Path):
        src = QN_PACK.read_text(encoding="utf-8")
        assert old in src, old
        p.write_text(src.replace(old, new.replace("{DIR}", str(d)), 1), encoding="utf-8")
    return build


VETO = 'when: "staff.disciplined > 0"'
PACK_CASES = [
    ("unknown-method", "p-method.yaml", pack_variant("method: yes_no\n        fact: reform.procedures_posted",
                                                    "method: yesno\n        fact: reform.procedures_posted"),
     ["P003", "TC3.2.method", "yes_no"]),
    ("unknown-parameter", "p-param.yaml", pack_variant("{by: plan_deadline_full,", "{by: plan_deadline_ful,"),
     ["P005", "TC1.1", "plan_deadline_full"]),
    ("unknown-fact", "p-fact.yaml", pack_variant("on: leadership.briefing_conferences", "on: leadership.briefing_conference"),
     ["P005", "TC1.2", "leadership.briefing_conferences"]),
    ("unknown-document", "p-doc.yaml", pack_variant("document: plan.dvcq_annual", "document: plan.dvcq_anual"),
     ["P005", "TC1.1", "plan.dvcq_annual"]),
    ("replaces-itself", "p-self.yaml", pack_variant("replaces: quang-ngai-436-2019", "replaces: quang-ngai-1211-2022"),
     ["L009", "pack.replaces"]),
    # composites may nest (issue 13: criterion → sub-criterion → item → part); one without parts may not
    ("nested-composite", "p-nested.yaml",
     pack_variant("method: best_of\n        parts:",
                  "method: best_of\n        parts:\n          - {id: self, title: x, max: 1, method: best_of, parts: []}"),
     ["P004", "TC1.3/self.parts"]),
    ("duplicate-item", "p-dup.yaml", pack_variant("      - id: TC1.2", "      - id: TC1.1"), ["P001", "TC1.1"]),
    ("veto-call", "p-call.yaml", pack_variant(VETO, "when: \"__import__('os').system('touch {DIR}/" + MARKER + "')\""),
     ["P010", "grades.xuat_sac.vetoes.V1.when", "Call"]),
    ("veto-dunder-attribute", "p-attr.yaml", pack_variant(VETO, 'when: "staff.disciplined.__class__ > 0"'),
     ["P010", "grades.xuat_sac.vetoes.V1.when", "__class__"]),
    ("veto-lambda", "p-lambda.yaml", pack_variant(VETO, 'when: "(lambda: 1)() > 0"'), ["P010", "V1.when"]),
    ("veto-subscript", "p-sub.yaml", pack_variant(VETO, 'when: "staff.disciplined[0] > 0"'), ["P010", "V1.when"]),
    ("veto-string", "p-str.yaml", pack_variant(VETO, "when: \"staff.disciplined > 'x'\""), ["P010", "V1.when"]),
    ("veto-unknown-fact", "p-vfact.yaml", pack_variant(VETO, 'when: "staff.disciplind > 0"'),
     ["P010", "V1.when", "staff.disciplined"]),
    ("veto-rate", "p-vrate.yaml", pack_variant(VETO, 'when: "petitions.settled > 0"'), ["P010", "V1.when"]),
    ("veto-infinity", "p-vinf.yaml", pack_variant(VETO, 'when: "staff.disciplined > 1e309"'),
     ["P010", "grades.xuat_sac.vetoes.V1.when", "điều kiện loại trừ 'V1'", "1e309", "vượt giới hạn"]),
    ("vocabulary-confusable", "p-cyr.yaml",
     pack_variant("    plan.dvcq_annual: {kind: KH", "    pl\u0430n.dvcq_annual: {kind: KH"),
     ["P012", "vocabulary.documents", "U+0430 CYRILLIC SMALL LETTER A", "trông giống 'a'"]),
    ("veto-long", "p-vlong.yaml", pack_variant(VETO, 'when: "' + " or ".join(["staff.disciplined > 0"] * 40) + '"'),
     ["P010", "V1.when"]),
    ("pack-python-tag", "p-tag.yaml",
     pack_variant("  status: draft", "  status: !!python/object/apply:os.system ['touch {DIR}/" + MARKER + "']"),
     ["thẻ YAML", "pack.status"]),
    ("pack-alias", "p-alias.yaml", pack_variant("parameters:", "x1: &a [a, a]\nx2: [*a, *a]\nparameters:"), ["alias"]),
    ("pack-huge-number", "p-huge.yaml", pack_variant("  max_total: 100", "  max_total: 1.0e+99999999"), ["pack.max_total"]),
    ("pack-quoted-tiny-step", "p-step.yaml",
     pack_variant('rounding: {step: "0.25", mode: down}', 'rounding: {step: "1e-99999999", mode: down}'),
     ["criteria.1.items.0.rounding.step"]),
    ("pack-quoted-huge-threshold", "p-thr.yaml", pack_variant("- {min: 95, points: 6}", '- {min: "1e99999999", points: 6}'),
     ["tiers.0.min"]),
    ("pack-nan-step", "p-nan.yaml", pack_variant('rounding: {step: "0.25", mode: down}', 'rounding: {step: "NaN", mode: down}'),
     ["TC2.1.rounding.step"]),
    ("pack-date-offset", "p-year.yaml", pack_variant('{date: "year-03-31"', '{date: "year-99-03-31"'),
     ["parameters.plan_deadline_full.date"]),
    ("pack-bad-date", "p-date.yaml", pack_variant('{date: "year-03-31"', '{date: "year-02-30"'),
     ["parameters.plan_deadline_full.date"]),
    ("pack-is-list", "p-list.yaml", text("- format\n- pack\n"), ["bảng khóa"]),
    ("pack-missing", "p-absent.yaml", nothing, ["không tìm thấy", "p-absent.yaml"]),
    ("pack-directory", "p-dir.yaml", directory, ["thư mục"]),
]

ALL_IDS = [c[0] for c in RECORD_CASES] + [c[0] for c in PACK_CASES]
assert len(set(ALL_IDS)) == len(ALL_IDS)


def build(case, d: Path) -> Path:
    cid, name, builder, _ = case
    p = d / name
    if builder is None:  # the os.system tag writes into this case's directory
        p.write_text(tag_apply(d), encoding="utf-8")
    else:
        builder(d, p)
    return p


def environment() -> dict:
    env = dict(os.environ)
    env.pop("DVCQ_DEBUG", None)
    return env
