"""The one source of truth for the Vietnamese wording of a result.

The engine, the methods and `Result` carry data only: which branch fired (its key, bounds and
points), the exact measure, the dates compared, the state of the evidence, structured warnings.
Every reporter (table, Markdown, HTML, xlsx, JSON's `reason`/`display`/`warnings`, the trail of
`dvcq explain`) turns that data into sentences here, so a wording is written once and a tool that
reads the JSON can rely on the data rather than parse prose.
"""
from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Optional

from ..pack import fmt_number

VERB = {"issued_on": "ban hành", "sent_on": "gửi"}
STATE_TEXT = {"given": "có minh chứng", "missing": "thiếu minh chứng", "not_applicable": "không phát sinh",
              "pending": "chờ thẩm định"}


# -- small pieces ---------------------------------------------------------------------------------
def rounding(r) -> str:
    mode = {"down": "làm tròn xuống", "half_up": "làm tròn", "up": "làm tròn lên"}[r.mode]
    return f"{mode} đến bội số của {fmt_number(r.step)}"


UNIT_TEXT = {"quarter": "quý", "half": "nửa năm"}


def date_spec(spec) -> str:
    """'31/03 năm đánh giá', '01/12 năm trước', 'ngày 15 tháng thứ 1 của quý sau' — for labels that
    do not know the period yet."""
    if spec.unit != "year":
        word = UNIT_TEXT[spec.unit]
        which = {0: f"{word} đánh giá", -1: f"{word} trước", 1: f"{word} sau"}.get(
            spec.year_offset, f"{word} đánh giá {spec.year_offset:+d}")
        return f"ngày {spec.day:02d} tháng thứ {spec.month} của {which}"
    which = {0: "năm đánh giá", -1: "năm trước", 1: "năm sau"}.get(spec.year_offset, f"năm đánh giá {spec.year_offset:+d}")
    return f"{spec.day:02d}/{spec.month:02d} {which}"


def _when(spec, year: Optional[int], quarter: Optional[int] = None) -> str:
    """A deadline as the reader needs it: the real date once the period (year, quarter) is known."""
    if year is None or (spec.unit != "year" and quarter is None):
        return date_spec(spec)
    return spec.resolve(year, quarter).strftime("%d/%m/%Y")


def pct(ratio: Fraction) -> str:
    """93,75% when exact; ≈66,67% (marked) when the decimal does not end: thresholds use the exact value."""
    value = ratio * 100
    d = Decimal(value.numerator) / Decimal(value.denominator)
    q = d.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return f"{fmt_number(d)}%" if q == d else f"≈{fmt_number(q)}%"


def ratio(num: int, den: int) -> str:
    """'15/16 = 93,75%', or '20/21 ≈ 95,24%' when the percentage does not end."""
    p = pct(Fraction(num) / Fraction(den))   # den may be a decimal target (proportional `target: 2.5`)
    den = den if isinstance(den, int) else fmt_number(den)
    return f"{num}/{den} ≈ {p[1:]}" if p.startswith("≈") else f"{num}/{den} = {p}"


# -- branches -------------------------------------------------------------------------------------
def _bound(bounds: dict, key: str) -> str:
    return fmt_number(Decimal(bounds[key])) + ("%" if key.endswith("_percent") else "")


def span(bounds: dict) -> str:
    """'từ 90% đến dưới 95%', '≥ 95%', '= 0', '≤ 2' from a branch's bounds."""
    if "min" in bounds or "max" in bounds:  # a count: both bounds inclusive
        lo, hi = bounds.get("min", 0), bounds.get("max")
        if hi is None:
            return f"≥ {fmt_number(lo)}"
        if hi == lo:
            return f"= {fmt_number(lo)}"
        return f"≤ {fmt_number(hi)}" if lo == 0 else f"từ {fmt_number(lo)} đến {fmt_number(hi)}"
    above = "above_percent" in bounds
    low_key = "above_percent" if above else "min_percent"
    zero = not above and Decimal(bounds.get("min_percent", "0")) == 0
    low = f"trên {_bound(bounds, low_key)}" if above else f"từ {_bound(bounds, low_key)}"
    if "max_percent" in bounds:
        return f"≤ {_bound(bounds, 'max_percent')}" if zero else f"{low} đến {_bound(bounds, 'max_percent')}"
    if "below_percent" in bounds:
        return f"< {_bound(bounds, 'below_percent')}" if zero else f"{low} đến dưới {_bound(bounds, 'below_percent')}"
    return f"> {_bound(bounds, low_key)}" if above else f"≥ {_bound(bounds, low_key)}"


def branch_label(b, year: Optional[int] = None, quarter: Optional[int] = None) -> str:
    """A branch of a rule in words, e.g. 'từ 90% đến dưới 95% → 5 điểm'. With `year`, deadlines name
    the real dates of that period."""
    info, kind = b.info or {}, b.kind
    pts = fmt_number(b.points) if b.points is not None else None
    if kind == "tier":
        return f"{span(info['bounds'])} → {pts} điểm"
    if kind == "below":
        bd = info["bounds"]
        low = _bound(bd, "below_percent") if "below_percent" in bd else fmt_number(bd["max"] + 1)
        return f"dưới {low} → {pts} điểm"
    if kind == "above":
        return f"{span(info['bounds'])} → {pts} điểm"
    if kind == "missing":
        return "thiếu minh chứng → 0 điểm"
    if kind == "na":
        what = {"full": "tính đủ điểm", "zero": "không tính điểm"}.get(info["word"], f"tính {pts} điểm")
        return f"không phát sinh → {what} (theo quy tắc)"
    if kind == "zero":
        return f"không có trường hợp nào (mẫu số bằng 0) → {pts} điểm"
    if kind == "yes":
        return f"có → {pts} điểm"
    if kind == "no":
        return f"không → {pts} điểm"
    if kind == "ratio":
        return f"{fmt_number(info['max'])} × tỷ lệ đạt, {rounding(info['rounding'])}"
    if kind == "share":
        return f"{fmt_number(info['max'])} × số đã thực hiện / số phát sinh, {rounding(info['rounding'])}"
    if kind == "each_item":
        return f"{fmt_number(info['each'])} điểm mỗi nội dung, tối đa {fmt_number(info['max'])}"
    if kind == "all_na":
        return f"cả danh mục không phát sinh → {pts} điểm"
    if kind == "none_arose":
        return f"không nội dung nào phát sinh → {pts} điểm"
    if kind == "each_case":
        return f"{fmt_number(info['each'])} điểm mỗi trường hợp, tối đa {fmt_number(info['max'])}"
    if kind == "no_case":
        return "không có trường hợp nào → 0 điểm"
    if kind == "deadline":
        return f"đến hạn {_when(info['by'], year, quarter)} → {pts} điểm"
    if kind == "late":
        after = info.get("after")
        return f"sau hạn {_when(after, year, quarter)} → {pts} điểm" if after is not None else f"có văn bản → {pts} điểm"
    if kind == "early":
        return f"trước {_when(info['before'], year, quarter)}: không thuộc kỳ đánh giá → 0 điểm"
    if kind == "after":
        return f"sau {_when(info['after'], year, quarter)}: không thuộc kỳ đánh giá → 0 điểm"
    if kind == "out":
        return "ngày văn bản cách xa kỳ đánh giá → 0 điểm"
    if kind == "nodate":
        verb = VERB[info["date_field"]]
        return (f"không ghi ngày {verb} nên không xác định được văn bản thuộc kỳ đánh giá và đúng hạn → {pts} điểm "
                f"(ghi ngày {verb} vào hồ sơ để được chấm)")
    if kind == "pending":
        return (f"điểm do cấp thẩm định cho (0–{fmt_number(info['max'])}, bước {fmt_number(info['step'])}): "
                "chờ thẩm định")
    if kind == "given":
        return "điểm do cấp thẩm định cho"
    raise KeyError(f"branch kind {kind!r}")


# -- measures and reasons -------------------------------------------------------------------------
def measure(method: str, m: Optional[dict]) -> str:
    """How the measure was obtained, e.g. '15/16 = 93,75%' ('' when there is none)."""
    if not m:
        return ""
    if "date_field" in m:  # a document's date
        verb, when = VERB[m["date_field"]], m.get("date")
        number = m.get("number")
        if when is None:
            return f"văn bản {number}" if number else "có văn bản"  # the branch says the date is missing
        if m.get("out"):
            return f"{verb} ngày {when.strftime('%d/%m/%Y')}"
        return f"{number + ' ' if number else ''}{verb} ngày {when.strftime('%d/%m/%Y')}"
    if method == "checklist":
        if "applicable" not in m:
            return f"{m['count']}/{m['total']} nội dung"
        if m["applicable"] == 0:
            return f"0/{m['total']} nội dung phát sinh"
        return f"{m['done']}/{m['applicable']} nội dung phát sinh đã thực hiện"
    if method == "per_item":
        return f"{m['count']} trường hợp"
    if "reason" in m:  # points given by the verifier
        return m["reason"]
    if "percent" in m:
        return f"{fmt_number(m['percent'])}%"
    if "den" in m:
        return f"{m['num']}/0" if m["den"] == 0 else ratio(m["num"], m["den"])
    if "count" in m:
        return fmt_number(m["count"])
    return ""


def counted_unit(it) -> Optional[str]:
    """The unit of the one counted fact a tiered item is measured by ('hội nghị'), from the pack's
    vocabulary, when it has one."""
    facts = [u for u in it.inputs if u.kind == "fact" and (u.data or {}).get("unit")]
    return facts[0].data["unit"] if len(facts) == 1 else None


def reason_with_units(it) -> str:
    """The reason as a clerk reads it on paper: a count carries its unit ('1 hội nghị — bậc ≥ 1 →
    3 điểm'). The JSON's `reason` stays `reason(it)`, which tools already read."""
    if it.parts or it.method != "tiers" or not it.measure or "count" not in it.measure:
        return it.reason
    unit = counted_unit(it)
    if not unit:
        return it.reason
    return f"{fmt_number(it.measure['count'])} {unit} — bậc {branch_label(it.branch, it.basis.get('year'), it.basis.get('quarter'))}"


def _exact(p) -> str:
    """A part's points as a composite above it counts them: exact when an average left them unrounded."""
    u = p.basis.get("unrounded")
    return fmt_number(p.points) if u is None or u == p.points else _fraction(u)


def _fraction(x: Fraction) -> str:
    shown = fmt_number(x)
    return f"{x.numerator}/{x.denominator} ({shown})" if shown.startswith("≈") else shown


def composite_reason(it) -> str:
    """sum: 'a: 1 + b: 0,5 = 1,5 điểm'; best_of: the chosen part's reason; average: the mean of
    the parts' shares, which parts it counted and the one rounding at the end."""
    b = it.basis
    if it.method == "sum":
        text = " + ".join(f"{p.title}: {_exact(p)}" for p in it.parts)
        if "unrounded" in b:
            return f"{text} = {_fraction(b['unrounded'])} → {fmt_number(it.points)} điểm ({rounding(b['rounding'])})"
        return f"{text} = {fmt_number(b['total'])} điểm"
    if it.method == "best_of":
        chosen = it.parts[b["chosen"]]
        return f"lấy phần cao nhất — {chosen.title}: {chosen.reason}"
    skipped = [p.title for p in it.parts if p.id not in b["counted"]]
    if b.get("none_applicable"):
        return f"không phần nào phát sinh → {fmt_number(it.points)} điểm"
    counted = [p for p in it.parts if p.id in b["counted"]]
    same = all(p.max == it.max for p in counted)
    terms = " + ".join((_exact(p) if same else f"{_exact(p)}/{fmt_number(p.max)}") for p in counted)
    head = (f"trung bình {len(counted)} phần ({terms}) / {len(counted)}" if same else
            f"{fmt_number(it.max)} × trung bình tỷ lệ điểm {len(counted)} phần ({terms}) / {len(counted)}")
    text = f"{head} = {_fraction(b['unrounded'])} → {fmt_number(it.points)} điểm ({rounding(b['rounding'])})"
    if skipped:
        text += "; không tính phần không phát sinh: " + ", ".join(skipped)
    return text


def reason(it) -> str:
    """The 'căn cứ chấm điểm' of an item, from its method, branch, measure and basis."""
    app = it.applicability
    if app is not None and not app["applies"]:
        return applicability(app, it.max)
    if it.parts:
        return composite_reason(it)
    b, basis, method = it.branch, it.basis, it.method
    year = basis.get("year")
    label = branch_label(b, year, basis.get("quarter"))
    text = measure(method, it.measure)
    pts = fmt_number(it.basis.get("points", it.points))
    if method == "tiers":
        return f"{text} — bậc {label}" if text else label
    if method == "document_deadline":
        return f"{text}: {label}" if text else label
    if "exact" in basis and method == "proportional":
        share = basis["share"]
        shown = f"{share.numerator}/{share.denominator}" if share.denominator != 1 else fmt_number(share)
        if share > 1:   # above the target: the points stop at the item's max
            return f"{text}; vượt chỉ tiêu, điểm tối đa {fmt_number(it.max)} → {pts} điểm"
        return (f"{text}; {fmt_number(it.max)} × {shown} = {fmt_number(basis['exact'])} → {pts} điểm "
                f"({rounding(basis['rounding'])})")
    if "exact" in basis and method == "checklist":
        return (f"{text}: {fmt_number(it.max)} × {text.split(' ')[0]} = {fmt_number(basis['exact'])} → {pts} điểm "
                f"({rounding(basis['rounding'])})")
    if "raw" in basis and method == "checklist":
        capped = f" (tối đa {fmt_number(it.max)})" if basis["raw"] > it.max else ""
        return f"{text} × {fmt_number(basis['each'])} = {fmt_number(basis['raw'])}{capped} → {pts} điểm"
    if "raw" in basis and method == "per_item":
        capped = f" (tối đa {fmt_number(it.max)})" if basis["raw"] > it.max else ""
        return f"{it.measure['count']} × {fmt_number(basis['each'])} = {fmt_number(basis['raw'])}{capped} → {pts} điểm"
    if method == "manual" and b.kind == "given":
        return f"cấp thẩm định cho {pts}/{fmt_number(it.max)} điểm: {text}"
    if method in ("proportional", "checklist") and text:
        return f"{text}: {label}"
    return label


def dates_compared(deadline, given, date_field: str) -> str:
    """'hạn so sánh: 31/03/2023; ngày ban hành: 23/03/2023' (either may be unknown)."""
    shown = given.strftime("%d/%m/%Y") if given else "không rõ"
    head = f"hạn so sánh: {deadline.strftime('%d/%m/%Y')}; " if deadline else ""
    return f"{head}ngày {VERB[date_field]}: {shown}"


def points_range(top) -> str:
    """The points a verifier may give: '0–4'."""
    return f"0–{fmt_number(top)}"


def adjustment(cap: dict) -> str:
    if cap.get("section") == "deductions":
        return (f"trừ {fmt_number(cap['to'])} thay vì {fmt_number(cap['from'])} "
                f"do trần điểm trừ {fmt_number(cap['cap'])}")
    return (f"giảm từ {fmt_number(cap['from'])} xuống {fmt_number(cap['to'])} "
            f"do trần điểm thưởng {fmt_number(cap['cap'])}")


# -- inputs ---------------------------------------------------------------------------------------
def input_display(u) -> str:
    """How one piece of evidence reads in the trail: '15/16 = 93,75%', 'không có minh chứng', …"""
    d = u.data or {}
    if u.kind == "points":  # a computed result a condition read: 'TC5: 8/20 điểm'
        return points_read(d["points"], d["max"])
    if u.kind == "review":
        return f"{fmt_number(d['points'])} điểm: {d['reason']}"
    if u.kind == "document":
        if u.state == "missing":
            return "không có văn bản"
        when = d.get("date")
        parts = [p for p in (d.get("number"), f"{VERB[d['date_field']]} ngày {when.strftime('%d/%m/%Y')}" if when else None) if p]
        return ", ".join(parts) or "có văn bản (không rõ số, ngày)"
    if u.state == "missing":
        return "không có minh chứng"
    fv = d["fact"]
    if u.state == "not_applicable":
        return "không phát sinh" + (f" ({fv.reason})" if fv.reason else "")
    if fv.kind == "count":
        unit = d.get("unit")
        return fmt_number(fv.value) + (f" {unit}" if unit else "")
    if fv.kind == "yesno":
        return "có" if fv.flag else "không"
    if fv.kind == "rate" and fv.percent is not None:
        return f"{fmt_number(fv.percent)}%"
    if fv.kind == "rate":
        return ratio(fv.num, fv.den) if fv.den else f"{fv.num}/0"
    return f"{fv.done}/{fv.total}" + (f" ({fv.na_items} không phát sinh)" if fv.na_items else "")


# -- applicability by unit ------------------------------------------------------------------------
def _fact_value(v) -> str:
    if v is None:
        return "không có minh chứng"
    if isinstance(v, bool):
        return "có" if v else "không"
    return fmt_number(v)


def _labelled(text: str, labels: dict) -> str:
    """A condition with each unit fact's id replaced by its vocabulary label, as a clerk reads it."""
    if not labels:
        return text
    ids = sorted(labels, key=len, reverse=True)
    return re.sub(r"(?<![\w.])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w.])",
                  lambda m: labels[m.group(1)], text)


def applicability_condition(app: dict) -> str:
    """'cho loại đơn vị Sở, ngành và khi Cơ quan có bộ phận một cửa' — the declaration in the words of
    the vocabulary (the ids of an older result, without labels, as written)."""
    from ..units import KINDS

    cond = app["condition"]
    out = []
    if cond["kinds"] is not None:
        out.append("cho loại đơn vị " + ", ".join(KINDS[k] for k in cond["kinds"]))
    if cond["when"] is not None:
        out.append(f"khi {_labelled(cond['when'], cond.get('labels') or {})}")
    return " và ".join(out)


def applicability_unit(app: dict) -> str:
    """What the unit is, as compared: 'đơn vị: Sở, ngành; unit.has_one_stop_desk = không'."""
    from ..units import KINDS

    facts = app["unit"]["facts"]
    shown = [f"loại {KINDS[app['unit']['kind']]}"] if app["condition"]["kinds"] is not None else []
    labels = app["condition"].get("labels") or {}
    shown += [f"{labels.get(k, k)}: {_fact_value(v)}" for k, v in facts.items()]
    return "; ".join(shown)


def applicability(app: dict, top=None) -> str:
    """Why an item (or criterion) applies or not to this unit, and what that did to its points."""
    whose = "tiêu chí " + app["owner"] + " " if app["level"] == "criterion" else ""
    head = f"{whose}chỉ áp dụng {applicability_condition(app)}"
    unit = applicability_unit(app)
    if app["applies"] and app["missing"]:
        return (f"{head}: chưa xác định được ({'thiếu ' + ', '.join(app['missing'])}) → chấm như có áp dụng; "
                "bổ sung minh chứng về đơn vị")
    if app["applies"]:
        return f"{head}; đơn vị thuộc diện áp dụng ({unit})"
    if app["treatment"] == "full":
        got = f" → tính đủ {fmt_number(top)} điểm" if top is not None else " → tính đủ điểm"
        return f"{head}; đơn vị không thuộc diện áp dụng ({unit}){got} (theo quy tắc)"
    return (f"{head}; đơn vị không thuộc diện áp dụng ({unit}) → không chấm, loại khỏi điểm tối đa"
            + (f" ({fmt_number(top)} điểm)" if top is not None else "") + "; tổng điểm được quy đổi về thang điểm")


def applicability_declared(rule, max_total) -> str:
    """A pack's `applies_if` as `dvcq rules show` lists it: what it applies to and what happens otherwise."""
    cond = {"condition": {"kinds": list(rule.kinds) if rule.kinds is not None else None, "when": rule.when,
                          "labels": dict(rule.labels)}}
    what = ("tiêu chí " if rule.level == "criterion" else "nội dung ") + rule.owner
    then = ("tính đủ điểm tối đa" if rule.treatment == "full" else
            f"loại khỏi điểm tối đa, tổng điểm quy đổi về thang {fmt_number(max_total)} điểm")
    written = f" (applies_if.when: {rule.when})" if rule.when is not None and rule.labels else ""
    return f"Áp dụng: {what} chỉ áp dụng {applicability_condition(cond)}{written}; đơn vị khác: {then}"


def composite_declared(bound) -> str:
    """How a `sum`, `best_of` or `average` makes its points, for the 'Cách chấm' column of `dvcq rules
    show` (the parts' own rows say how each part is scored)."""
    m = bound.method
    if m.name == "sum":
        return "cộng điểm các phần"
    if m.name == "best_of":
        return "lấy điểm của phần cao nhất (bằng nhau: phần đứng trước)"
    cfg = m.cfg
    over = ("các phần có phát sinh (phần không phát sinh không tính vào mẫu số)" if cfg.over == "applicable"
            else "tất cả các phần (phần thiếu minh chứng tính 0)")
    word = cfg.none_applicable
    none = ("đủ điểm" if word == "full" else "0 điểm" if word == "zero" else f"{fmt_number(Decimal(str(word)))} điểm")
    return (f"{fmt_number(bound.item.max)} × bình quân tỷ lệ điểm của {over}, {rounding(m.rounding())} một lần ở cuối"
            + (f"; không phần nào phát sinh → {none}" if cfg.over == "applicable" else ""))


def quota_declared(batch, pack) -> str:
    """A pack's `batch.quota` as `dvcq rules show` lists it, with the bands' labels (ids in brackets)."""
    q = batch.quota
    label = {g.id: g.label for g in pack.data.grades}
    named = lambda gid: f"'{label.get(gid, gid)}' ({gid})"  # noqa: E731
    how = {"down": "làm tròn xuống", "up": "làm tròn lên", "half_up": "làm tròn"}[q.rounding]
    return (f"Chỉ tiêu: mức {named(q.grade)} tối đa {fmt_number(q.percent)}% số đơn vị xếp loại từ "
            f"{named(q.of_at_least)} trở lên ({how}); vượt thì chuyển xuống {named(batch.target(pack))} ({q.source})")


def eligibility_declared(rule, pack) -> str:
    """An `eligibility` rule as `dvcq rules show` lists it, in the words of the decision: the
    document's label and the deadline's date ("Hồ sơ tự đánh giá gửi sau 15/12 năm đánh giá"), the
    band's label, with the pack's ids in brackets for the author who looks for them in the file."""
    if rule.when is not None:
        cond = rule.when
    else:
        doc = pack.vocabulary.documents.get(rule.document)
        verb = "gửi" if rule.date == "sent_on" else "ban hành"
        spec = pack.date_param(rule.later_than, rule.id)
        named = f" ({rule.later_than})" if rule.later_than in pack.parameters else ""
        cond = (f"{doc.label if doc is not None else rule.document} ({rule.document}) {verb} sau "
                f"{date_spec(spec)}{named}, hoặc không gửi")
    if rule.outcome:
        then = "không đủ điều kiện xếp loại"
    else:
        band = next((g for g in pack.data.grades if g.id == rule.at_most), None)
        then = f"tối đa mức '{band.label if band is not None else rule.at_most}' ({rule.at_most})"
    return f"Điều kiện {rule.id}: {cond} → {then} ({rule.reason}; {rule.source})"


NOT_APPLYING = "không áp dụng cho đơn vị"   # an item's state in the trail when its unit is outside it


def scale_title(sc: dict, with_max: bool = False) -> str:
    """The label of the rescaled row: 'Quy đổi về thang 100 điểm' ('… (tối đa áp dụng 85)')."""
    return (f"Quy đổi về thang {fmt_number(sc['to'])} điểm"
            + (f" (tối đa áp dụng {fmt_number(sc['applicable_max'])})" if with_max else ""))


def no_rescale_line(sc: dict) -> str:
    return f"Mọi nội dung đều áp dụng cho đơn vị: không quy đổi thang điểm ({fmt_number(sc['raw'])}/{fmt_number(sc['to'])})."


def scale_line(sc: dict) -> Optional[str]:
    """'Quy đổi về thang 100: 72 × 100/90 = 80 → 80 (làm tròn …)'; None when nothing was taken out."""
    if not sc["excluded"]:
        return None
    exact = sc["exact"]
    shown = _fraction(exact) if exact.denominator != 1 else fmt_number(exact)
    return (f"Quy đổi về thang {fmt_number(sc['to'])} điểm (loại khỏi điểm tối đa: {', '.join(sc['excluded'])}): "
            f"{fmt_number(sc['raw'])} × {fmt_number(sc['to'])}/{fmt_number(sc['applicable_max'])} = {shown} → "
            f"{fmt_number(sc['rounded'])} điểm ({rounding(sc['rounding'])})")


# -- warnings -------------------------------------------------------------------------------------
def warning(w: dict) -> str:
    code = w["code"]
    if code == "draft_pack":
        return f"Bộ tiêu chí {w['pack']} đang ở trạng thái DỰ THẢO (draft): {w['note'] or ''}".strip()
    if code == "other_pack":
        mf = w["made_for"]
        return (f"Phiếu nhập được lập theo bộ tiêu chí {mf.get('id', '?')} v{mf.get('version', '?')}, khác bộ đang dùng "
                f"{w['pack']} v{w['version']}: kiểm tra lại các mã số liệu trước khi nộp.")
    if code == "in_progress":
        return "Hồ sơ đang hoàn thiện (in_progress): kết quả là tạm tính."
    if code == "pending_manual":
        return "Có điểm chờ cấp thẩm định: " + ", ".join(f"{p['id']} (0–{fmt_number(p['max'])})" for p in w["items"])
    if code == "applicability_unknown":
        what = ("tiêu chí " if w["level"] == "criterion" else "nội dung ") + w["owner"]
        return (f"Chưa xác định được {what} có áp dụng cho đơn vị hay không (thiếu {', '.join(w['missing'])}): "
                "chấm như có áp dụng.")
    if code == "total_clamped":
        return f"Tổng điểm {fmt_number(w['raw_total'])} được giới hạn trong khoảng 0–{fmt_number(w['max_total'])}."
    if code in ("ineligible", "result_cap") and "when" in w:  # a rule on computed results
        head = (f"{w['label'].upper()}" if code == "ineligible"
                else f"Xếp loại tối đa '{w['grade']}' (điểm đạt '{w['from']}')")
        return f"{head}: {w['reason']} ({w['when']}: {results_read(w['read'])}; {w['rule']}, {w['source']})."
    if code in ("ineligible", "date_cap"):
        if not w["submitted"]:
            why = f"không nộp văn bản {w['document']}"
        elif w["given"] is None:
            why = f"văn bản {w['document']} không ghi ngày {VERB[w['date']]}"
        else:
            why = f"{w['document']} {VERB[w['date']]} ngày {_dmy(w['given'])}, sau hạn {_dmy(w['deadline'])}"
        head = (f"{w['label'].upper()}" if code == "ineligible"
                else f"Xếp loại tối đa '{w['grade']}' (điểm đạt '{w['from']}')")
        return f"{head}: {w['reason']} ({why}; {w['rule']}, {w['source']})."
    if code == "quota":
        return (f"Mức '{w['grade']}' còn chịu chỉ tiêu: tối đa {fmt_number(w['percent'])}% số đơn vị xếp loại từ "
                f"'{w['of_at_least']}' trở lên ({w['source']}); kết quả chính thức sau khi cấp trên xếp hạng.")
    raise KeyError(f"warning code {code!r}")


def points_read(points, top) -> str:
    """A computed result as a condition read it: '8/20 điểm' ('tổng' reads the same way)."""
    return f"{fmt_number(points)}/{fmt_number(top)} điểm"


def results_read(read: list) -> str:
    """What a rule on results read: 'TC5 = 8/20 điểm, tổng = 85/100 điểm, staff.disciplined = 1'."""
    out = []
    for r in read:
        name = "tổng điểm" if r["id"] == "total" else r["id"]
        if "points" in r:
            out.append(f"{name} = {points_read(r['points'], r['max'])}")
        else:
            value = r.get("value")
            out.append(f"{name} = {'không có minh chứng (tính 0)' if value is None else value}")
    return ", ".join(out)


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def warnings(ws: list) -> list[str]:
    return [warning(w) for w in ws]
