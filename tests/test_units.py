"""Construct 2 of issue 13: kinds of unit as a clerk writes them, prefixed and unaccented province
names, the official unit code, and no empty district slot."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scoring import api
from scoring.cli import main
from scoring.errors import DvcqError

from support import QN_PACK, record


@pytest.mark.parametrize("written,kind", [("xã", "xa"), ("Phường", "phuong"), ("đặc khu", "dac_khu"),
                                          ("Đặc khu", "dac_khu"), ("Thị trấn", "thi_tran"), ("xa", "xa"),
                                          ("Sở, ngành", "so_nganh"), ("cơ quan cấp tỉnh", "co_quan_cap_tinh")])
def test_kinds_are_read_from_vietnamese_spellings(written, kind):
    data = record()
    data["ward"]["kind"] = written
    assert api.load_record(data).record.ward.kind == kind


def test_an_unknown_kind_names_the_accepted_ones():
    data = record()
    data["ward"]["kind"] = "huyện"
    with pytest.raises(DvcqError) as exc:
        api.load_record(data)
    msg = " ".join(p.message for p in exc.value.problems)
    assert "huyện" in msg and "dac_khu (Đặc khu)" in msg and "so_nganh" in msg


@pytest.mark.parametrize("province", ["Tỉnh Quảng Ngãi", "tỉnh quảng ngãi", "Quảng Ngãi"])
def test_prefixed_province_names_find_the_pack(province):
    data = record()
    data["ward"]["province"] = province
    assert api.pack_in_force(data).id == "quang-ngai-1211-2022"


@pytest.mark.parametrize("province,hint", [("Quang Ngai", "Quảng Ngãi"), ("Tinh Quang Ngai", "Quảng Ngãi"),
                                           ("TP Hue", "Huế")])
def test_an_unaccented_province_is_refused_with_a_did_you_mean(province, hint):
    data = record()
    data["ward"]["province"] = province
    with pytest.raises(DvcqError) as exc:
        api.pack_in_force(data)
    assert f"có phải '{hint}'" in exc.value.problems[0].hint


def test_a_pack_may_name_kinds_in_vietnamese_and_agencies(tmp_path):
    text = QN_PACK.read_text(encoding="utf-8").replace("applies_to: [phuong, xa, thi_tran]",
                                                        'applies_to: ["xã", "Phường", "đặc khu", "Sở, ngành"]', 1)
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    pack = api.load_pack(f)
    assert pack.meta.applies_to == ["xa", "phuong", "dac_khu", "so_nganh"]
    data = record()
    data["ward"].update(kind="đặc khu", name="Đặc khu Lý Sơn")
    assert api.score(data, pack).total >= 0
    data["ward"]["kind"] = "thị trấn"
    with pytest.raises(DvcqError) as exc:
        api.score(data, pack)
    assert "thi_tran" in exc.value.problems[0].message


def test_the_official_code_is_checked_against_the_2025_list():
    data = record()
    data["ward"].update(name="Đặc khu Lý Sơn", kind="đặc khu", code=21548)
    data["ward"].pop("district")
    assert api.load_record(data).record.ward.code == 21548
    for code, words in ((99999999, "không có trong danh mục"), (21211, "Xã Tịnh Khê")):
        data["ward"]["code"] = code
        with pytest.raises(DvcqError) as exc:
            api.load_record(data)
        assert words in " ".join(p.message for p in exc.value.problems)
    data["ward"].update(code=21548, province="Gia Lai")
    with pytest.raises(DvcqError) as exc:
        api.load_record(data)
    assert "không thuộc tỉnh Gia Lai" in " ".join(p.message for p in exc.value.problems)


def test_no_empty_district_slot_when_a_unit_has_no_district(runner, tmp_path):
    data = record()
    data["ward"].pop("district")
    p = tmp_path / "r.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["explain", str(p)])
    assert r.exit_code == 0, r.stderr
    assert "Phường Thử, Quảng Ngãi" in r.stdout and ", ," not in r.stdout


def test_scoring_does_not_import_the_unit_list():
    code = ("import sys; from scoring import api; api.score('samples/quang-ngai/pho-van-2023.yaml'); "
            "print('vietnam_provinces' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(QN_PACK.parents[3]))
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("year,district,refused", [(2025, None, True), (2025, "Huyện Sơn Tịnh", False),
                                                   (2026, None, False)])
def test_district_is_required_only_by_a_pack_that_asks_and_only_before_july_2025(tmp_path, year, district, refused):
    text = QN_PACK.read_text(encoding="utf-8").replace("  max_total: 100\n", "  max_total: 100\n  requires_district: true\n", 1)
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    data = record()
    data["period"] = {"year": year, "quarter": 2} if year == 2025 else {"year": year}
    data["ward"]["district"] = district
    if district is None:
        data["ward"].pop("district")
    pack = api.load_pack(f)
    if year == 2025:
        text2 = text.replace("period_kind: year", "period_kind: quarter", 1)
        f.write_text(text2, encoding="utf-8")
        pack = api.load_pack(f)
    if refused:
        with pytest.raises(DvcqError) as exc:
            api.check(data, pack)
        assert exc.value.problems[0].code == "V010"
    else:
        api.check(data, pack)


def test_a_code_with_leading_zeros_is_read_when_quoted(tmp_path):
    """The 2025 list prints codes with leading zeros ('00004', Phường Ba Đình). YAML 1.2 refuses an
    unquoted 00004 and its hint says to quote it, so the quoted code must be read, not refused again."""
    data = record()
    data["ward"].update(name="Phường Ba Đình", kind="phường", province="Hà Nội", code="00004")
    data["ward"].pop("district")
    assert api.load_record(data).record.ward.code == 4
    data["ward"]["code"] = "21548"
    data["ward"].update(name="Đặc khu Lý Sơn", kind="đặc khu", province="Quảng Ngãi")
    assert api.load_record(data).record.ward.code == 21548
    data["ward"]["code"] = "2154x"
    with pytest.raises(DvcqError) as exc:
        api.load_record(data)
    assert exc.value.problems[0].field == "ward.code" and "'00004'" in exc.value.problems[0].message
    data["ward"].update(code="00004")
    with pytest.raises(DvcqError) as exc:
        api.load_record(data)
    assert "mã đơn vị 00004 là Phường Ba Đình" in exc.value.problems[0].message


def test_a_prefixed_province_is_not_named_twice_in_messages():
    data = record()
    data["ward"].update(province="Tỉnh Quảng Ngãi", code=21548, name="Đặc khu Lý Sơn", kind="đặc khu")
    data["ward"].pop("district")
    data["period"] = {"year": 2030}
    with pytest.raises(DvcqError) as exc:
        api.pack_in_force(data)
    msg = exc.value.problems[0].message
    assert "của Tỉnh Quảng Ngãi có hiệu lực" in msg and "tỉnh Tỉnh" not in msg
    data["ward"]["province"] = "Tỉnh Gia Lai"
    with pytest.raises(DvcqError) as exc:
        api.load_record(data)
    assert "không thuộc Tỉnh Gia Lai" in exc.value.problems[0].message


def test_an_unaccented_province_against_a_given_pack_gets_a_did_you_mean(runner, tmp_path):
    """`--rules` skips the choice of pack, where the did-you-mean was given; the refusal must give it too."""
    data = record()
    data["ward"]["province"] = "Quang Ngai"
    p = tmp_path / "r.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["score", str(p), "--rules", str(QN_PACK)])
    assert r.exit_code == 2
    assert "có phải 'Quảng Ngãi'" in r.stderr and "tỉnh Quang Ngai" in r.stderr
