"""Where each vocabulary figure is stated: Vietnamese cues, one row per way of saying it.

A cue is a small regular expression *template* with named slots for the value — `{N}` a count,
`{N2}` a second count, `{FRAC}` "a/b", `{PCT}` "93,75%", `{NONE}` "không có / không phát sinh" —
and gaps that stay inside one clause: `{GAP0}` (≤ 25 characters), `{GAP}` (≤ 60), `{GAP2}`
(≤ 120), `{TXT}` (≤ 60, no digits, so a cue never jumps over another figure). The slots are read
by `numbers.py` (Babel), never by the cue. How a slot becomes a value is the row's `reads`:

    count        {N} is the count                      frac       {FRAC} is a rate num/den
    count_period {N}, or "năm <year>: n" if broken down pair       {N2} of {N} is a rate num/den
    frac_num     the numerator of {FRAC} is a count    pct        {PCT} is a rate in percent
    frac_den     the denominator of {FRAC} is a count  checklist  {FRAC} is done/total (+ n/a)
    yes / no     the sentence states it (or its lack)  none       {NONE}: zero, or not arisen
    at_least_one the act is stated without a number: 1 (needs review)
    two          "sơ kết, tổng kết" stated each year: 2 (needs review)
    groups       the sentence names n of the four groups of grassroots democracy as done

Patterns are matched, case-insensitively, against text whose tone marks are folded to the
modern placement ("hoá" → "hóa", "uỷ" → "ủy"), so they are written in the modern form.
Adding a way of saying something is adding a row; no other code changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .numbers import NONE_NOT_ARISEN, NONE_ZERO, NUMBER, QUALIFIERS

SLOTS = {
    "N": rf"(?P<n>{NUMBER})",
    "N2": rf"(?P<n2>{NUMBER})",
    "FRAC": r"(?P<num>\d{1,5})\s*/\s*(?P<den>\d{1,5})(?![\d/])",
    "PCT": rf"(?:(?P<q>{QUALIFIERS})\s+)?(?P<pct>{NUMBER})\s*%",
    "NONE": rf"(?P<none>{NONE_NOT_ARISEN}|{NONE_ZERO})",
    "GAP0": r"(?:[^.;!?%]|\.(?=\d)){0,25}?",
    "GAP": r"(?:[^.;!?%]|\.(?=\d)){0,60}?",
    "GAP2": r"(?:[^.;!?%]|\.(?=\d)){0,120}?",
    "TXT": r"[^.;!?%\d]{0,60}?",
    "TDP": r"(?:tổ dân phố|TDP|thôn)\b",
}

# a conference of the Party committee is not the People's Committee's briefing
PARTY = r"(?:Đảng ủy|cấp ủy|Bí thư|Ban Chấp hành)\s*(?:phường\s*)?(?:đã\s*)?tổ chức|tổ chức\s+hội nghị\s+(?:cấp ủy|Ban Chấp hành|Đảng ủy)"


@dataclass(frozen=True)
class Cue:
    fact: str
    pattern: str
    reads: str
    confidence: float
    require: Optional[str] = None   # must also occur somewhere in the sentence
    exclude: Optional[str] = None   # must not occur anywhere in the sentence
    prefer: Optional[str] = None    # +0.1 confidence when it occurs (e.g. a total over a sub-total)
    note: Optional[str] = None      # written on the fact (why it needs a human)


# fmt: off
CUES: list[Cue] = [
    # --- the ward --------------------------------------------------------------------------
    Cue("ward.residential_groups", r"(?:có|gồm)\s+{N}\s+{TDP}(?!{GAP0}(?:đăng ký|tham gia|được|đạt|đã|thành lập|bố trí))", "count", 0.9),
    Cue("ward.residential_groups", r"{FRAC}\s*{TDP}", "frac_den", 0.6,
        note="suy ra từ mẫu số của một tỷ lệ trên toàn bộ tổ dân phố"),
    Cue("ward.residential_groups", r"{FRAC}\s*tổ\b(?!\s*(?:chức|liên gia|hòa giải|công tác))", "frac_den", 0.5,
        note="suy ra từ mẫu số của một tỷ lệ trên toàn bộ tổ"),

    # --- TC1 leadership --------------------------------------------------------------------
    Cue("leadership.briefing_conferences", r"tổ chức\s+{N}\s+(?:hội nghị|buổi|cuộc)\s+(?:triển khai|quán triệt)", "count", 0.85, exclude=PARTY),
    Cue("leadership.briefing_conferences", r"tổ chức\s+(?:các\s+)?(?:hội nghị\s+)?(?:triển khai,?\s*)?quán triệt", "at_least_one", 0.6,
        exclude=PARTY, note="báo cáo nêu có tổ chức quán triệt nhưng không nêu số hội nghị: ghi 01 (ít nhất)"),
    Cue("leadership.dvcq_lead_assigned",
        r"(?:phân công|cử)\s+(?:đồng chí\s+)?(?:Phó\s+Chủ tịch|Chủ tịch|lãnh đạo){GAP}phụ trách\s+(?:công tác\s+)?dân vận", "yes", 0.85),
    Cue("leadership.reviews_held", r"tổ chức\s+{N}\s+(?:hội nghị|lần|cuộc)\s+sơ kết", "count", 0.75),
    Cue("leadership.reviews_held", r"sơ kết\s+(?:06|6)\s+tháng{GAP}tổng kết\s+(?:năm|công tác)", "two", 0.7,
        require=r"đã tổ chức|tổ chức", note="báo cáo nêu có sơ kết 6 tháng và tổng kết năm: ghi 02"),
    Cue("leadership.reviews_held", r"(?:hàng|hằng) năm{GAP0}tổ chức\s+sơ kết,?\s*tổng kết", "two", 0.6,
        exclude=r"Dân vận khéo|thi đua", note="báo cáo nêu hằng năm có sơ kết, tổng kết: ghi 02 (sơ kết 6 tháng và tổng kết năm)"),

    # --- TC2 socio-economic tasks ----------------------------------------------------------
    Cue("socioeconomic.targets_met", r"{FRAC}\s*chỉ tiêu{GAP}(?:đạt|vượt)", "frac_num", 0.8),
    Cue("socioeconomic.targets_total", r"{FRAC}\s*chỉ tiêu{GAP}(?:đạt|vượt)", "frac_den", 0.8),
    Cue("socioeconomic.targets_met", r"(?:đạt và vượt|đạt|hoàn thành)\s+{FRAC}\s*chỉ tiêu", "frac_num", 0.8),
    Cue("socioeconomic.targets_total", r"(?:đạt và vượt|đạt|hoàn thành)\s+{FRAC}\s*chỉ tiêu", "frac_den", 0.8),
    Cue("budget.revenue_vs_estimate", r"thu ngân sách{GAP2}đạt\s+{PCT}\s*(?:so với\s+)?dự toán", "pct", 0.85),
    Cue("culture.cultural_residential_groups", r"{FRAC}\s*(?:{TDP}|tổ\b){GAP0}(?:đạt|được công nhận){GAP0}văn hóa", "frac_num", 0.85),
    Cue("culture.cultural_residential_groups", r"{N}\s*(?:{TDP}|khu dân cư){GAP0}(?:đạt|được công nhận)\s+(?:danh hiệu\s+)?(?:{TDP}\s*|khu dân cư\s*)?văn hóa", "count", 0.75),
    Cue("culture.cultural_households", r"{PCT}\s*(?:số\s+)?(?:hộ gia đình|gia đình|hộ)\b{GAP0}(?:đạt|được công nhận){GAP0}gia đình văn hóa", "pct", 0.85),
    Cue("culture.cultural_households", r"gia đình văn hóa{GAP0}(?:đạt\s+)?(?:tỷ lệ\s+)?{PCT}", "pct", 0.7),
    Cue("mobilization.legal_dissemination_sessions", r"{N}\s*(?:buổi|lượt|cuộc|đợt)\s+(?:tuyên truyền|phổ biến){GAP0}pháp luật", "count", 0.8),

    # --- TC3 administrative reform ---------------------------------------------------------
    Cue("reform.procedures_posted", r"chưa\s+(?:niêm yết|công khai){GAP}thủ tục", "no", 0.7),
    Cue("reform.procedures_posted", r"(?:niêm|niên|nghiêm) yết,?\s*công khai{GAP2}(?:thủ tục hành chính|TTHC)", "yes", 0.85, exclude=r"chưa\s+niêm yết"),
    Cue("reform.dossiers_on_time", r"{FRAC}\s*hồ sơ{GAP0}(?:đúng hạn|đúng hẹn|trước hạn)", "frac", 0.8),
    Cue("reform.dossiers_on_time", r"{PCT}\s*(?:hồ sơ\s*)?(?:được\s+)?(?:giải quyết\s*)?(?:đúng hạn|đúng hẹn|trước hạn|sớm hạn)", "pct", 0.8),
    Cue("reform.dossiers_on_time", r"(?:đúng hạn|đúng hẹn|trước hạn){GAP0}(?:đạt\s+)?(?:tỷ lệ\s+)?{PCT}", "pct", 0.75),
    Cue("reform.satisfaction", r"{PCT}\s*(?:người dân\s*|ý kiến\s*|phiếu\s*)?(?:rất\s+)?hài lòng", "pct", 0.8),
    Cue("reform.satisfaction", r"hài lòng{GAP2}(?:đạt|là|kết quả)\s+{PCT}(?!\s*(?:trên tổng|đúng hạn|trước hạn|đúng hẹn|hồ sơ))", "pct", 0.8),
    Cue("reform.founded_procedure_complaints", r"{NONE}\s*(?:trường hợp\s*)?(?:phản ánh|kiến nghị|khiếu nại){GAP}(?:thủ tục hành chính|TTHC)", "none", 0.85),
    Cue("reform.founded_procedure_complaints", r"(?:thủ tục hành chính|TTHC|một cửa){GAP2}{NONE}\s*(?:trường hợp\s*)?(?:nào\s*)?(?:khiếu nại|phản ánh)", "none", 0.7),
    Cue("reform.founded_procedure_complaints", r"{N}\s*(?:phản ánh|kiến nghị){TXT}có căn cứ", "count", 0.75),

    # --- TC4 grassroots democracy ----------------------------------------------------------
    Cue("democracy.groups", r"(?:công khai để|để)\s+(?:Nhân\s+)?dân\s+biết", "groups", 0.55,
        require=r"(?:được|đã)\s+(?:tổ chức\s+)?thực hiện",
        note="đếm các nhóm nội dung dân chủ được nêu là đã thực hiện trong cùng một câu"),
    Cue("democracy.groups", r"{FRAC}\s*nhóm nội dung", "checklist", 0.8),
    Cue("democracy.nd04_art4", r"Điều 4{GAP2}{FRAC}\s*nội dung", "checklist", 0.85),
    Cue("democracy.nd04_art4", r"{FRAC}\s*nội dung{GAP2}Điều 4\b", "checklist", 0.85),
    Cue("democracy.nd04_art6", r"Điều 6{GAP2}{FRAC}\s*nội dung", "checklist", 0.85),
    Cue("democracy.nd04_art6", r"{FRAC}\s*nội dung{GAP2}Điều 6\b", "checklist", 0.85),
    Cue("democracy.nd04_art7", r"Điều 7{GAP2}{FRAC}\s*nội dung", "checklist", 0.85),
    Cue("democracy.nd04_art7", r"{FRAC}\s*nội dung{GAP2}Điều 7\b", "checklist", 0.85),
    Cue("democracy.staff_consulted", r"{FRAC}\s*nội dung{GAP}cán bộ,?\s*công chức,?\s*(?:viên chức,?\s*)?(?:được\s+)?tham gia ý kiến", "checklist", 0.85),
    Cue("democracy.staff_conference_held", r"tổ chức\s+(?:các\s+)?hội nghị\s+(?:toàn thể\s+)?cán bộ,?\s*công chức", "yes", 0.85),
    Cue("democracy.staff_conference_held", r"hội nghị cán bộ,?\s*công chức{GAP}(?:được\s+)?tổ chức", "yes", 0.75),
    Cue("democracy.mediation_success", r"hòa giải thành\s+(?:công\s+)?{FRAC}", "frac", 0.85),
    Cue("democracy.mediation_success", r"hòa giải\s+{N}\s*(?:vụ|đơn|trường hợp)\s*\(?\s*(?:trong đó\s*)?(?:hòa giải\s*)?thành\s+(?:công\s+)?{N2}", "pair", 0.8),
    Cue("democracy.mediation_success", r"(?:tiếp nhận|nhận)\s+{N}\s*(?:vụ việc|vụ|đơn|trường hợp){TXT}hòa giải thành\s+(?:công\s+)?{N2}\s*(?:vụ|đơn|trường hợp)", "pair", 0.75,
        require=r"tổ hòa giải|hòa giải ở cơ sở"),

    # --- TC5 citizen reception and petitions -----------------------------------------------
    Cue("reception.schedule_published", r"(?:có|ban hành|công khai|niêm yết)\s+(?:lịch thông báo|lịch|thông báo){GAP0}tiếp công dân", "yes", 0.8),
    Cue("reception.schedule_published", r"lịch tiếp công dân{GAP}(?:được\s+)?(?:niêm yết|công khai|thông báo)", "yes", 0.8, exclude=r"chưa\s+(?:được\s+)?(?:niêm yết|công khai)"),
    Cue("reception.scheduled_sessions", r"tiếp công dân định kỳ{GAP0}(?:có|là|được)?\s*{N}\s*(?:lượt|buổi|cuộc|lần)", "count_period", 0.8),
    Cue("reception.scheduled_sessions", r"{N}\s*(?:buổi|cuộc|lượt)\s*tiếp công dân định kỳ", "count_period", 0.8),
    Cue("reception.mobile_groups_covered", r"lưu động{GAP0}(?:ở|tại)\s+{FRAC}\s*{TDP}", "frac_num", 0.85),
    Cue("reception.mobile_groups_covered", r"lưu động{GAP0}(?:ở|tại)\s+{N}\s*{TDP}", "count", 0.75),
    Cue("reception.dialogues", r"tổ chức\s+{N}\s*(?:cuộc|buổi|hội nghị)\s*(?:tiếp dân,?\s*)?đối thoại", "count", 0.8, exclude=r"Bí thư"),
    Cue("reception.dialogues", r"(?:hàng|hằng) năm{GAP}tổ chức\s+(?:hội nghị\s+)?đối thoại{GAP0}Chủ tịch", "at_least_one", 0.6,
        exclude=r"Bí thư", note="báo cáo nêu hằng năm có đối thoại nhưng không nêu số cuộc: ghi 01 (ít nhất)"),
    Cue("petitions.settled", r"(?:đã giải quyết|giải quyết xong|đã xử lý xong|đã xử lý)\s+(?:được\s+)?{FRAC}\s*(?:đơn|vụ|vụ việc|trường hợp)", "frac", 0.8,
        prefer=r"^\s*Tổng"),
    Cue("petitions.settled", r"(?:kết quả (?:xử lý|giải quyết) đơn|tỷ lệ giải quyết(?: đơn)?){GAP0}(?:đạt\s+)?{PCT}", "pct", 0.8),
    Cue("petitions.settled", r"(?:tiếp nhận|nhận)\s+{N}\s*đơn{TXT}(?:đã\s+)?(?:giải quyết|hòa giải thành|xử lý xong)\s+{N2}\s*đơn", "pair", 0.75),
    Cue("petitions.settled", r"(?:không (?:có|phát sinh|tiếp nhận))\s+đơn(?: thư)?\b", "none", 0.6, exclude=r"Đảng ủy|Bí thư|khiếu nại:|tố cáo:"),
    Cue("petitions.mass_or_overlevel_cases", r"{NONE}\s*(?:vụ việc\s*|vụ\s*|trường hợp\s*)?(?:khiếu kiện|khiếu nại)\s*(?:đông người|vượt cấp|kéo dài)", "none", 0.85),
    Cue("petitions.mass_or_overlevel_cases", r"{N}\s*(?:vụ việc|vụ)\s*(?:khiếu kiện|khiếu nại)\s*(?:đông người|vượt cấp|kéo dài)", "count", 0.8),
    Cue("petitions.mass_complaints", r"{NONE}\s*(?:vụ việc\s*|vụ\s*|trường hợp\s*)?(?:khiếu kiện|khiếu nại)\s*đông người", "none", 0.8),
    Cue("petitions.mass_complaints", r"{N}\s*(?:vụ việc|vụ)\s*(?:khiếu kiện|khiếu nại)\s*đông người", "count", 0.8),
    Cue("security.hot_spots", r"{NONE}\s*(?:các\s*)?điểm nóng", "none", 0.8),
    Cue("security.hot_spots", r"{N}\s*điểm nóng", "count", 0.75),

    # --- TC6 "Dân vận khéo" and communication ----------------------------------------------
    Cue("models.registered", r"(?:đăng ký|triển khai|thực hiện|xây dựng){TXT}{N}\s*mô hình", "count", 0.7, require=r"Dân vận khéo"),
    Cue("models.recognised", r"{N}\s*mô hình{TXT}(?:được công nhận|nhân rộng)", "count", 0.7),
    Cue("models.commended", r"{N}\s*mô hình{TXT}(?:được khen thưởng|được tặng|tặng\s+(?:Giấy khen|Bằng khen))", "count", 0.7),
    Cue("communication.dvcq_items", r"{N}\s*tin,?\s*bài{TXT}dân vận", "count", 0.7),
    Cue("communication.dvcq_items", r"dân vận{TXT}{N}\s*tin,?\s*bài", "count", 0.7),

    # --- TC7 coordination with the Front ---------------------------------------------------
    Cue("coordination.drafts_sent_for_comment", r"dự thảo{GAP}(?:gửi|lấy ý kiến|xin ý kiến){GAP}(?:Mặt trận|MTTQ|đoàn thể)", "yes", 0.8),
    Cue("coordination.front_sessions", r"{N}\s*(?:lần|buổi|cuộc)\s*làm việc{GAP0}(?:Mặt trận|MTTQ)", "count", 0.7),
    Cue("coordination.front_sessions", r"làm việc định kỳ{GAP}(?:Mặt trận|MTTQ){GAP}{N}\s*(?:lần|buổi|cuộc)", "count", 0.7),
    Cue("coordination.recommendations_addressed", r"kiến nghị{GAP}(?:Mặt trận|MTTQ|HĐND|giám sát){GAP}(?:giải quyết|trả lời){GAP0}{FRAC}", "frac", 0.7),
    Cue("coordination.recommendations_addressed", r"kiến nghị{GAP}(?:Mặt trận|MTTQ|HĐND|giám sát){GAP}(?:giải quyết|trả lời){GAP0}(?:đạt\s+)?{PCT}", "pct", 0.7),

    # --- TC8 staff -------------------------------------------------------------------------
    Cue("staff.dvcq_trained", r"bồi dưỡng{GAP2}{N}\s*(?:lượt người|lượt|cán bộ|người|công chức)\s*tham gia", "count", 0.75, require=r"dân vận"),
    Cue("staff.dvcq_trained", r"{N}\s*(?:lượt\s+)?(?:cán bộ|người|công chức)[^.;!?%\d]{0,40}?(?:tham gia|dự)\s+(?:các\s+)?lớp\s+(?:tập huấn|bồi dưỡng)", "count", 0.75, require=r"dân vận"),
    Cue("staff.disciplined", r"{NONE}\s*(?:trường hợp|cán bộ|công chức|CBCC){GAP}(?:vi phạm|kỷ luật|xử lý)", "none", 0.8),
    Cue("staff.disciplined", r"{N}\s*(?:cán bộ|công chức|trường hợp|CBCC){TXT}bị\s+(?:xử lý\s+)?kỷ luật", "count", 0.8),

    # --- bonus -----------------------------------------------------------------------------
    Cue("awards.dvcq_commendation", r"(?:được|đã được){TXT}(?:tặng|khen thưởng|Bằng khen|Giấy khen){TXT}(?:dân vận|dân chủ ở cơ sở|QCDC)", "yes", 0.6),
]
# fmt: on

# Counts that pile up over time: in a report covering several years, such a count is only taken
# when the sentence ties it to the period (or says "hằng năm"); rates, states and "none" hold.
FLOW = {
    "leadership.briefing_conferences", "leadership.reviews_held", "mobilization.legal_dissemination_sessions",
    "reception.scheduled_sessions", "reception.dialogues", "reception.mobile_groups_covered",
    "models.registered", "models.recognised", "models.commended", "communication.dvcq_items",
    "coordination.front_sessions", "staff.dvcq_trained", "reform.founded_procedure_complaints",
    "petitions.mass_or_overlevel_cases", "petitions.mass_complaints", "security.hot_spots", "staff.disciplined",
}

# The four groups of grassroots democracy, as a report names them (for the `groups` reading).
DEMOCRACY_GROUPS = (
    r"công khai|dân biết",
    r"bàn và quyết định|dân bàn",
    r"tham gia ý kiến|lấy ý kiến|bàn và biểu quyết",
    r"giám sát|kiểm tra",
)

# "riêng nội dung thứ 10 ... không phát sinh": the items of a checklist that did not arise
CHECKLIST_NOT_ARISEN = r"(?:riêng|trừ|còn)\s+(?P<items>nội dung\s+(?:thứ\s+)?\d+(?:\s*(?:,|và)\s*(?:thứ\s+)?\d+)*){GAP2}(?:không phát sinh|chưa phát sinh|không phát hiện|không có)"

_SLOT_RE = re.compile(r"\{(" + "|".join(SLOTS) + r")\}")


def expand(template: str) -> str:
    """A cue template with its slots written out as regular expressions."""
    return _SLOT_RE.sub(lambda m: SLOTS[m.group(1)], template)


def compile_cue(template: str) -> re.Pattern:
    return re.compile(expand(template), re.IGNORECASE)


def cues_for(facts: dict) -> list[tuple[Cue, re.Pattern]]:
    """The compiled cues of the identifiers a vocabulary has (ward.* always)."""
    out = []
    for cue in CUES:
        if cue.fact in facts or cue.fact.startswith("ward."):
            out.append((cue, compile_cue(cue.pattern)))
    return out
