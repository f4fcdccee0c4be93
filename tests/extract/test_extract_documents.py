"""Document citations: number, date, issuer, title, and which are the pack's documents."""
from __future__ import annotations

from datetime import date

import pytest

from scoring.extract.documents import find_documents, normalise_number, parse_citations
from scoring.extract.reader import Sentence, read_report
from scoring.extract.vocab import default_pack_path, load_vocabulary

VOCAB = load_vocabulary(default_pack_path())


def _cite(text: str):
    return parse_citations(Sentence(text, 0, 0))


@pytest.mark.parametrize("raw, number", [
    ("24/KH –UBND", "24/KH-UBND"),
    ("49/KH- UBND", "49/KH-UBND"),
    ("48- KH/TU", "48-KH/TU"),
    ("02/KH/KDV–UBND", "02/KH/KDV-UBND"),
])
def test_numbers_keep_their_form_without_spaces(raw, number):
    assert normalise_number(raw) == number


def test_a_ward_plan_with_date_and_title():
    c, = _cite("UBND phường ban hành Kế hoạch số 15/KH-UBND ngày 23/3/2023 về thực hiện quy chế dân chủ ở cơ sở "
               "và công tác dân vận chính quyền năm 2023.")
    assert (c.number, c.kind, c.issued_on, c.issuer_kind) == ("15/KH-UBND", "KH", date(2023, 3, 23), "ward")
    assert c.title == "thực hiện quy chế dân chủ ở cơ sở và công tác dân vận chính quyền năm 2023"


def test_long_date_and_explicit_issuer():
    c, = _cite("Tổ chức quán triệt Kế hoạch số 915/KH-UBND ngày 17 tháng 02 năm 2023 của Ủy ban nhân dân thành phố "
               "Huế về việc triển khai thực hiện công tác dân vận chính quyền năm 2023")
    assert c.issued_on == date(2023, 2, 17)
    assert c.issuer == "Ủy ban nhân dân thành phố Huế" and c.issuer_kind == "other"


def test_several_citations_in_one_sentence_take_the_nearest_actor():
    cs = _cite("Năm 2023, Đảng ủy ban hành Kế hoạch số 02/KH/KDV–UBND ngày 10/01/2023 về phối hợp thực hiện công tác "
               "dân vận năm 2023; UBND phường ban hành Kế hoạch số 24/KH –UBND ngày 17/3/2023 về thực hiện quy chế "
               "dân chủ cơ sở và công tác dân vận chính quyền năm 2023; Kế hoạch số 25/KH-UBND ngày 17/3/2023 về "
               "phát động phong trào thi đua “Dân vận khéo” năm 2023")
    assert [(c.number, c.issuer_kind) for c in cs] == [
        ("02/KH/KDV-UBND", "other"), ("24/KH-UBND", "ward"), ("25/KH-UBND", "ward")]


def _report(tmp_path, body: str):
    p = tmp_path / "r.txt"
    p.write_text("BÁO CÁO\n\nKết quả công tác năm 2023\n\nI. KẾT QUẢ\n\n" + body, encoding="utf-8")
    return read_report(p)


def test_mapping_by_title_and_issuer(tmp_path):
    r = _report(tmp_path,
                "Thực hiện Kế hoạch số 49/KH-UBND ngày 08/3/2023 của UBND thành phố Quảng Ngãi về việc thực hiện công "
                "tác dân vận chính quyền năm 2023.\n\nUBND phường ban hành Kế hoạch số 15/KH-UBND ngày 23/3/2023 về công "
                "tác dân vận chính quyền năm 2023; Kế hoạch số 17/KH-UBND ngày 12/4/2022 về công tác dân vận chính quyền "
                "năm 2022; Kế hoạch số 47/KH-UBND ngày 30/12/2022 cải cách hành chính phường năm 2023.\n")
    res = find_documents(r, VOCAB.documents, 2023, "UBND phường Thử", VOCAB.cues)
    assert res.found["plan.dvcq_annual"].number == "15/KH-UBND"
    assert res.found["plan.admin_reform_annual"].issued_on == date(2022, 12, 30)   # December before: in period
    assert not res.found["plan.admin_reform_annual"].review
    others = {o["number"]: o for o in res.others}
    assert "49/KH-UBND" in others                                  # the city's plan is not the ward's
    assert others["17/KH-UBND"]["note"] == "cùng loại plan.dvcq_annual nhưng của năm 2022"
    assert res.flags == []


def test_a_document_dated_after_the_period_is_flagged_for_review(tmp_path):
    r = _report(tmp_path, "UBND phường phân công đồng chí Chủ tịch UBND phường phụ trách công tác dân vận chính quyền "
                          "(Quyết định số 59/QĐ-UBND ngày 16/02/2024).\n")
    res = find_documents(r, VOCAB.documents, 2023, "UBND phường Thử", VOCAB.cues)
    d = res.found["decision.dvcq_lead_assignment"]
    assert d.number == "59/QĐ-UBND" and d.review
    assert "ngoài kỳ năm 2023" in res.flags[0]["problem"]


def test_a_document_mentioned_without_number_is_kept_for_review(tmp_path):
    r = _report(tmp_path, "UBND phường ban hành quyết định cử đồng chí Phó Chủ tịch UBND phường phụ trách công tác dân "
                          "vận chính quyền.\n")
    d = find_documents(r, VOCAB.documents, 2023, "UBND phường Thử", VOCAB.cues).found["decision.dvcq_lead_assignment"]
    assert d.number is None and d.issued_on is None and d.review
