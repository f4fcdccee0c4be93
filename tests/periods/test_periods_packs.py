"""Several packs of one province over time: each record is scored by the pack in force for its period."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fixtures.records3 import PERIODS_DIR, tn_record, write
from scoring.cli import main


@pytest.fixture
def rules_env(monkeypatch):
    monkeypatch.setenv("DVCQ_RULES", str(PERIODS_DIR))


def pack_used(runner, path):
    r = runner.invoke(main, ["score", str(path), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout, parse_float=Decimal)["pack"]["id"]


@pytest.mark.parametrize("year,pack", [(2019, "tn-12-2019"), (2021, "tn-12-2019"), (2022, "tn-34-2022"),
                                       (2023, "tn-34-2022")])
def test_score_picks_the_pack_in_force_on_the_periods_last_day(runner, rules_env, tmp_path, year, pack):
    # 2022: the old decision was in force until 01/11/2022, the new one on 31/12/2022.
    assert pack_used(runner, write(tmp_path, f"r{year}", tn_record("Phường A", 10, 10, year=year))) == pack


def test_a_period_no_pack_covers_is_refused_naming_province_period_and_packs(runner, rules_env, tmp_path):
    p = write(tmp_path, "r2018", tn_record("Phường A", 10, 10, year=2018))
    r = runner.invoke(main, ["score", str(p)])
    assert r.exit_code == 2 and r.stdout == ""
    err = r.stderr
    assert "Tỉnh Thử Nghiệm" in err and "năm 2018" in err
    assert "tn-12-2019 (11/06/2019 – 01/11/2022, đã hết hiệu lực)" in err
    assert "tn-34-2022 (02/11/2022 – nay, đang có hiệu lực)" in err


def test_a_quarter_is_placed_by_its_own_last_day(runner, rules_env, tmp_path):
    p = write(tmp_path, "q", tn_record("Phường A", 10, 10, year=2019, quarter=1))
    r = runner.invoke(main, ["score", str(p)])
    assert r.exit_code == 2 and "quý 1/2019" in r.stderr  # 31/03/2019 is before the 2019 decision


def test_rules_list_shows_range_status_and_replacement(runner):
    r = runner.invoke(main, ["rules", "list", "--dir", str(PERIODS_DIR)])
    assert r.exit_code == 0
    lines = {line.split()[0]: line for line in r.stdout.splitlines() if line.startswith("tn-")}
    assert "11/06/2019 – 01/11/2022" in lines["tn-12-2019"] and "đã hết hiệu lực" in lines["tn-12-2019"]
    assert "02/11/2022 – nay" in lines["tn-34-2022"] and "đang có hiệu lực" in lines["tn-34-2022"]
    assert "tn-12-2019" in lines["tn-34-2022"].split("đang có hiệu lực")[1]  # the "Thay thế" column


def test_batch_scores_each_record_under_its_own_pack(runner, tmp_path):
    folder = tmp_path / "hoso"
    write(folder, "a-2021", tn_record("Phường A", 50, 20, year=2021))
    write(folder, "b-2021", tn_record("Phường B", 55, 20, year=2021))
    write(folder, "a-2023", tn_record("Phường A", 30, 20, year=2023))
    write(folder, "x-2018", tn_record("Phường X", 30, 20, year=2018))
    r = runner.invoke(main, ["batch", str(folder), "--rules-dir", str(PERIODS_DIR), "--format", "json"])
    assert r.exit_code == 2, r.stderr
    d = json.loads(r.stdout, parse_float=Decimal)
    groups = [(g["period"]["year"], g["pack"]["id"], [x["ward"] for x in g["ranking"]]) for g in d["groups"]]
    assert groups == [(2021, "tn-12-2019", ["Phường B", "Phường A"]), (2023, "tn-34-2022", ["Phường A"])]
    assert [f["file"] for f in d["failed"]] == ["x-2018.json"]
    assert "năm 2018" in d["failed"][0]["problems"][0]
