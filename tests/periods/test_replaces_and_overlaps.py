"""Construct 9 of issue 13: `replaces` ends the old pack the day before the new one starts, two packs
of one province governing the same day are warned about (W104), and a record no pack covers is
refused naming the nearest packs."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from scoring import api
from scoring.cli import main
from scoring.errors import UsageError

from support import QN_PACK, record

QN_TEXT = QN_PACK.read_text(encoding="utf-8")


def pack_text(pack_id: str, start: str, replaces: str | None = None, end: str | None = None,
              status: str = "in_force") -> str:
    text = QN_TEXT.replace("id: quang-ngai-1211-2022", f"id: {pack_id}", 1)
    text = text.replace("effective_from: 2022-11-02", f"effective_from: {start}", 1)
    text = text.replace("effective_to: 2025-06-30", f"effective_to: {end or 'null'}", 1)
    text = text.replace("status: draft", f"status: {status}", 1)
    return text.replace("replaces: quang-ngai-436-2019", f"replaces: {replaces or 'null'}", 1)


@pytest.fixture(autouse=True)
def fresh_store():
    api.reset()
    yield
    api.reset()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    d = tmp_path / "rules"
    d.mkdir()
    monkeypatch.setenv("DVCQ_RULES", str(d))
    return d


def chosen(year, quarter=None):
    data = record()
    data["period"] = {"year": year} | ({"quarter": quarter} if quarter else {})
    return api.pack_in_force(data).id


def test_replaces_ends_the_old_pack_the_day_before_the_new_one(folder, runner):
    (folder / "old.yaml").write_text(pack_text("qn-old-2022", "2022-11-02"), encoding="utf-8")
    (folder / "new.yaml").write_text(pack_text("qn-new-2024", "2024-12-31", replaces="qn-old-2022"), encoding="utf-8")
    assert chosen(2023) == "qn-old-2022"
    assert chosen(2024) == "qn-new-2024"        # 31/12/2024: the new one's first day
    (folder / "new.yaml").write_text(pack_text("qn-new-2024", "2025-01-01", replaces="qn-old-2022"), encoding="utf-8")
    assert chosen(2024) == "qn-old-2022"        # 31/12/2024: the old one's last day
    assert chosen(2025) == "qn-new-2024"
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 0 and "W104" not in r.stderr, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("qn-old-2022"))
    assert "02/11/2022 – 31/12/2024" in line


def test_overlapping_packs_of_one_province_are_warned_about(folder, runner, tmp_path):
    (folder / "a.yaml").write_text(pack_text("qn-a-2022", "2022-11-02"), encoding="utf-8")
    b = folder / "b.yaml"
    b.write_text(pack_text("qn-b-2024", "2024-01-01"), encoding="utf-8")
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 0
    assert "W104" in r.stderr and "qn-a-2022" in r.stderr and "qn-b-2024" in r.stderr and "01/01/2024" in r.stderr
    lint = runner.invoke(main, ["rules", "lint", str(b)])
    assert lint.exit_code == 0 and "W104" in lint.stderr and "replaces: qn-a-2022" in lint.stderr
    # ended by its effective_to the day before: no overlap; a day later: overlap
    (folder / "a.yaml").write_text(pack_text("qn-a-2022", "2022-11-02", end="2023-12-31"), encoding="utf-8")
    assert "W104" not in runner.invoke(main, ["rules", "list"]).stderr
    (folder / "a.yaml").write_text(pack_text("qn-a-2022", "2022-11-02", end="2024-01-01"), encoding="utf-8")
    assert "W104" in runner.invoke(main, ["rules", "list"]).stderr


def test_an_example_pack_overlaps_nothing_and_is_never_chosen(folder, runner):
    (folder / "a.yaml").write_text(pack_text("qn-a-2022", "2022-11-02"), encoding="utf-8")
    (folder / "ex.yaml").write_text(pack_text("qn-example", "2020-01-01", status="example"), encoding="utf-8")
    r = runner.invoke(main, ["rules", "list"])
    assert "W104" not in r.stderr and "ví dụ minh họa" in r.stdout
    with pytest.raises(UsageError) as exc:
        chosen(2021)
    assert "qn-example" not in str(exc.value.problems[0].hint) and "qn-a-2022" in exc.value.problems[0].hint
    assert chosen(2023) == "qn-a-2022"
    # only by name
    assert api.score(record(), "qn-example").pack["id"] == "qn-example"


def test_a_period_no_pack_covers_names_the_nearest_packs(folder, runner, tmp_path):
    for i, start in enumerate(["2010-01-01", "2014-01-01", "2018-01-01"]):
        prev = f"qn-p{i - 1}" if i else None
        (folder / f"p{i}.yaml").write_text(pack_text(f"qn-p{i}", start, replaces=prev,
                                                     end="2021-12-31" if i == 2 else None), encoding="utf-8")
    p = tmp_path / "r.json"
    data = record()
    data["period"] = {"year": 2023}
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["score", str(p)])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert "năm 2023" in r.stderr and "31/12/2023" in r.stderr
    assert "qn-p2 (01/01/2018 – 31/12/2021" in r.stderr and "qn-p1 (01/01/2014 – 31/12/2017" in r.stderr
    assert "qn-p0" not in r.stderr  # the farthest one is not listed
