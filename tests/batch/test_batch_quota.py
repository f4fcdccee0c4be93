"""The batch rules of a pack: ranking with ties, ineligibility, and the quota's edge cases."""
from __future__ import annotations

import dataclasses
import unicodedata
from decimal import Decimal

import pytest

from fixtures.records3 import BATCH_PACK, QN_PACK
from scoring.batch.ranking import rank_group
from scoring.batch.run import Scored
from scoring.errors import PackError
from scoring.api import load_pack


def variant(tmp_path, **changes):
    """The batch test pack with some quota lines replaced (e.g. percent="0", ties="keep_all")."""
    text = BATCH_PACK.read_text(encoding="utf-8")
    for key, value in changes.items():
        old = {"percent": "percent: 20", "ties": "ties: move_all", "rounding": "rounding: down"}[key]
        assert old in text
        text = text.replace(old, f"{key}: {value}")
    p = tmp_path / f"pack-{len(list(tmp_path.iterdir()))}.yaml"
    p.write_text(text, encoding="utf-8")
    return load_pack(p)


@pytest.fixture(scope="module")
def pack():
    return load_pack(BATCH_PACK)


def grade_of(pack, total):
    for g in sorted(pack.data.grades, key=lambda g: g.min, reverse=True):
        if total >= g.min:
            return g.id, g.label


def unit(pack, name, total, ineligible=()):
    total = Decimal(str(total))
    g = grade_of(pack, total)
    return Scored(file=f"{name}.json", ward=name, district="Huyện Thử", province="Tỉnh Thử Nghiệm",
                  period=(2023, None), status="final", pack_path=pack.path,
                  pack={"id": pack.id, "sha256": pack.sha256, "version": "1", "status": "in_force"},
                  evidence_sha256="0" * 64, self_total=total, self_grade=g, total=total, grade=g,
                  ineligible=list(ineligible))


def district(pack, totals):
    return [unit(pack, f"Phường {i:02d}", t) for i, t in enumerate(totals)]


def final(group):
    return [(r.s.ward, r.rank, r.grade[0]) for r in group.rows]


def counts(group):
    return {gid: n for gid, _, n in group.counts}


def test_quota_moves_the_lowest_ranked_top_units_and_names_them(pack):
    g = rank_group(pack, district(pack, [99, 97, 95, 93, 91, 85, 80, 75, 72, 71]))
    q = g.quota
    assert (q.base, q.allowed, q.before) == (10, 2, 5)
    assert [r.s.ward for r in q.moved] == ["Phường 02", "Phường 03", "Phường 04"]
    assert all(r.grade[0] == "tot" and "chỉ tiêu" in r.note for r in q.moved)
    assert counts(g)["xuat_sac"] == 2 and counts(g)["tot"] == 8
    assert [r.rank for r in g.rows] == list(range(1, 11))  # the quota changes grades, never ranks


def test_a_tie_across_the_quota_moves_whole_by_default(pack):
    g = rank_group(pack, district(pack, [99, 96, 96, 93, 80, 80, 80, 80, 80, 80]))
    assert g.quota.allowed == 2
    assert [r.s.total for r in g.quota.moved] == [96, 96, 93]
    assert counts(g)["xuat_sac"] == 1
    assert "cùng 1 đơn vị đồng hạng 2" in g.quota.moved[0].note


def test_a_tie_across_the_quota_stays_whole_with_keep_all(tmp_path):
    p = variant(tmp_path, ties="keep_all")
    g = rank_group(p, district(p, [99, 96, 96, 93, 80, 80, 80, 80, 80, 80]))
    assert [r.s.total for r in g.quota.moved] == [93]
    assert counts(g)["xuat_sac"] == 3


def test_a_tie_that_fits_exactly_is_kept(pack):
    g = rank_group(pack, district(pack, [96, 96, 80, 80, 80, 80, 80, 80, 80, 80]))
    assert g.quota.moved == [] and counts(g)["xuat_sac"] == 2


def test_a_quota_of_zero_moves_every_top_unit(tmp_path):
    p = variant(tmp_path, percent="0")
    g = rank_group(p, district(p, [99, 95, 91, 80, 70]))
    assert g.quota.allowed == 0 and len(g.quota.moved) == 3
    assert counts(g) == {"xuat_sac": 0, "tot": 5, "hoan_thanh": 0, "khong_hoan_thanh": 0, "": 0}


def test_fewer_top_units_than_the_quota_moves_none(pack):
    g = rank_group(pack, district(pack, [95, 88, 86, 84, 82, 80, 78, 76, 74, 72]))
    assert (g.quota.before, g.quota.allowed) == (1, 2)
    assert g.quota.moved == [] and counts(g)["xuat_sac"] == 1


@pytest.mark.parametrize("rounding,allowed", [("down", 0), ("half_up", 1), ("up", 1)])
def test_rounding_of_the_quota_in_a_small_district(tmp_path, rounding, allowed):
    p = variant(tmp_path, rounding=rounding)
    g = rank_group(p, district(p, [95, 92, 80]))  # 20% of 3 = 0.6
    assert g.quota.allowed == allowed
    assert counts(g)["xuat_sac"] == allowed


def test_equal_totals_share_a_rank_and_print_in_vietnamese_name_order(pack):
    nfd = unicodedata.normalize("NFD", "Phường Ánh Dương")  # written decomposed: sorted as its NFC form
    members = [unit(pack, "Phường Bình Minh", 80), unit(pack, "Xã Đông Sơn", 80), unit(pack, nfd, 80),
               unit(pack, "Phường Yên Phú", 80), unit(pack, "Xã Dũng Tiến", 80), unit(pack, "Phường An", 85),
               unit(pack, "Phường Cát", 70)]
    g = rank_group(pack, members)
    assert [(r.s.ward, r.rank) for r in g.rows] == [
        ("Phường An", 1), (nfd, 2), ("Phường Bình Minh", 2), ("Phường Yên Phú", 2), ("Xã Dũng Tiến", 2),
        ("Xã Đông Sơn", 2), ("Phường Cát", 7)]
    again = rank_group(pack, list(reversed(members)))
    assert final(again) == final(g)


def test_vietnamese_order_puts_tones_after_letters():
    from scoring.batch.ranking import vi_key

    words = ["ơ", "o", "ô", "ả", "a", "á", "à", "ạ", "ã", "ă", "đa", "da", "e"]
    assert sorted(words, key=vi_key) == ["a", "à", "ả", "ã", "á", "ạ", "ă", "da", "đa", "e", "o", "ô", "ơ"]


def test_ineligible_units_are_not_ranked_nor_counted_in_the_quota(pack):
    why = [{"id": "K1", "reason": "Không có kế hoạch năm", "missing": ["doc.plan"], "source": "x"}]
    members = district(pack, [99, 95, 80, 80, 80]) + [unit(pack, "Phường Zeta", 100, why)]
    g = rank_group(pack, members)
    assert g.quota.base == 5 and g.quota.allowed == 1
    last = g.rows[-1]
    assert (last.s.ward, last.rank, last.grade[1]) == ("Phường Zeta", None, "Không đủ điều kiện xếp loại")
    assert "K1: Không có kế hoạch năm (thiếu doc.plan)" in last.note
    assert counts(g)[""] == 1 and sum(counts(g).values()) == 6


def test_a_pack_without_batch_rules_only_ranks():
    qn = load_pack(QN_PACK)
    g = rank_group(qn, [unit(qn, "Phường A", 95), unit(qn, "Phường B", 96)])
    assert g.quota is None and [r.rank for r in g.rows] == [1, 2]
    assert "" not in counts(g)


@pytest.mark.parametrize("old,new,needle", [
    ("grade: xuat_sac\n", "grade: xuat_sacc\n", "'xuat_sac'"),
    ("requires: [doc.plan]", "requires: [doc.plann]", "'doc.plan'"),
    ("grade: xuat_sac\n", "grade: hoan_thanh\n", "thấp hơn mức 'tot'"),
    ("percent: 20", "percent: 120", "100"),
])
def test_batch_section_is_checked_at_load(tmp_path, old, new, needle):
    text = BATCH_PACK.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "bad.yaml"
    p.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(p)
    rendered = exc.value.render()
    assert "bad.yaml:" in rendered and "batch" in rendered
    if needle:
        assert needle in rendered


def test_provisional_units_are_ranked_apart_outside_the_counts_and_the_quota(pack):
    """Issue 10: an in_progress ("tạm tính") record neither takes a finished unit's place nor a share
    of the quota: its own table, its own ranks, its own counts."""
    members = district(pack, [99, 97, 95, 80, 75])
    members += [dataclasses.replace(unit(pack, name, t), status="in_progress")
                for name, t in (("Phường Tạm A", 100), ("Phường Tạm B", 96))]
    g = rank_group(pack, members)
    assert [(r.s.ward, r.rank) for r in g.ranked] == [(f"Phường {i:02d}", i + 1) for i in range(5)]
    assert [(r.s.ward, r.rank, r.grade[0]) for r in g.provisional] == [
        ("Phường Tạm A", 1, "xuat_sac"), ("Phường Tạm B", 2, "xuat_sac")]
    assert all(r.provisional and "tạm tính" in r.note and not r.quota_moved for r in g.provisional)
    q = g.quota
    assert (q.base, q.allowed, q.before) == (5, 1, 3)  # the two provisional top scores are not in the base
    assert [r.s.ward for r in q.moved] == ["Phường 01", "Phường 02"]
    assert counts(g)["xuat_sac"] == 1 and sum(counts(g).values()) == 5
    assert {gid: n for gid, _, n in g.provisional_counts}["xuat_sac"] == 2
    assert g.main == g.ranked and g.rows == g.ranked + g.provisional
