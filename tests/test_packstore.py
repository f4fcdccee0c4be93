"""The pack store: an index of every pack file's metadata, full packs loaded only when chosen,
broken files and bad `replaces` reported without stopping the other packs."""
from __future__ import annotations

import pytest

from scoring import api, packstore
from scoring.cli import main

from support import QN_PACK, QN_SAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
PHO_VAN = next(p for p in QN_SAMPLES if p.stem == "pho-van-2023")
QN_TEXT = QN_PACK.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def fresh_store():
    api.reset()
    yield
    api.reset()


@pytest.fixture
def loads(monkeypatch):
    """The files the store fully loads (bind, lint, compile), in order."""
    seen = []
    real = packstore.load_parsed

    def counting(name, *a):
        seen.append(name)
        return real(name, *a)

    monkeypatch.setattr(packstore, "load_parsed", counting)
    return seen


def other_pack(pack_id: str, province: str, replaces: str | None = None) -> str:
    text = QN_TEXT.replace("id: quang-ngai-1211-2022", f"id: {pack_id}", 1)
    text = text.replace('jurisdiction: {province: "Quảng Ngãi"}', f'jurisdiction: {{province: "{province}"}}', 1)
    return text.replace("replaces: quang-ngai-436-2019", f"replaces: {replaces or 'null'}", 1)


def rules_folder(tmp_path, monkeypatch, **files) -> object:
    d = tmp_path / "rules"
    (d / "qn").mkdir(parents=True)
    (d / "qn" / QN_PACK.name).write_text(QN_TEXT, encoding="utf-8")
    for name, text in files.items():
        (d / f"{name}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DVCQ_RULES", str(d))
    return d


def test_listing_reads_metadata_only_and_scoring_loads_only_the_chosen_pack(tmp_path, monkeypatch, runner, loads):
    rules_folder(tmp_path, monkeypatch, hue=other_pack("hue-test-2022", "Thừa Thiên Huế"),
                 dn=other_pack("dn-test-2022", "Đà Nẵng"))
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 0, r.stderr
    assert all(i in r.stdout for i in ("quang-ngai-1211-2022", "hue-test-2022", "dn-test-2022"))
    assert loads == []
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "json"])
    assert r.exit_code == 0 and r.stdout == (GOLDEN / "pho-van-2023.json").read_text(encoding="utf-8")
    assert [n.endswith(QN_PACK.name) for n in loads] == [True]
    runner.invoke(main, ["score", str(PHO_VAN)])
    assert len(loads) == 1  # loaded once per process and content


def test_a_broken_pack_is_listed_with_its_error_and_the_others_still_score(tmp_path, monkeypatch, runner):
    rules_folder(tmp_path, monkeypatch, garbage="pack: [unclosed\n",
                 nometa=other_pack("bad-meta-2022", "Huế").replace("effective_from: 2022-11-02", "effective_from: hôm qua"))
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 2
    rows = {line.split()[-1].rsplit("/", 1)[-1]: line for line in r.stdout.splitlines()[2:]}
    assert "quang-ngai-1211-2022" in rows[QN_PACK.name] and "dự thảo" in rows[QN_PACK.name]
    assert "lỗi" in rows["garbage.yaml"] and "lỗi" in rows["nometa.yaml"]
    assert "garbage.yaml" in r.stderr and "nometa.yaml" in r.stderr and "pack.effective_from" in r.stderr
    assert "Traceback" not in r.stderr
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (GOLDEN / "pho-van-2023.json").read_text(encoding="utf-8")
    r = runner.invoke(main, ["rules", "show", "quang-ngai-1211-2022"])
    assert r.exit_code == 0


def test_a_chosen_pack_that_fails_its_full_check_is_refused_with_exit_2(tmp_path, monkeypatch, runner):
    rules_folder(tmp_path, monkeypatch)
    bad = QN_TEXT.replace("max_total: 100", "max_total: 90", 1)
    (tmp_path / "rules" / "qn" / QN_PACK.name).write_text(bad, encoding="utf-8")
    r = runner.invoke(main, ["score", str(PHO_VAN)])
    assert r.exit_code == 2 and "L002" in r.stderr and QN_PACK.name in r.stderr


def test_replaces_naming_an_unknown_pack_is_a_warning(tmp_path, monkeypatch, runner):
    rules_folder(tmp_path, monkeypatch)
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 0
    assert "cảnh báo" in r.stderr and "quang-ngai-436-2019" in r.stderr and "pack.replaces" in r.stderr


def test_replaces_forming_a_cycle_is_an_error(tmp_path, monkeypatch, runner):
    rules_folder(tmp_path, monkeypatch, a=other_pack("cyc-a-2022", "Huế", replaces="cyc-b-2022"),
                 b=other_pack("cyc-b-2022", "Huế", replaces="cyc-a-2022"))
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 2
    assert "cyc-a-2022 → cyc-b-2022 → cyc-a-2022" in r.stderr or "cyc-b-2022 → cyc-a-2022 → cyc-b-2022" in r.stderr
    assert r.stderr.count("vòng") == 1  # one cycle, reported once
    assert runner.invoke(main, ["score", str(PHO_VAN)]).exit_code == 0


def test_an_edited_pack_takes_effect_at_once(tmp_path, monkeypatch):
    d = rules_folder(tmp_path, monkeypatch)
    first = api.score(PHO_VAN)
    path = d / "qn" / QN_PACK.name
    path.write_text(QN_TEXT.replace('version: "0.1.0"', 'version: "0.1.1"', 1), encoding="utf-8")
    second = api.score(PHO_VAN)
    assert first.pack["version"] == "0.1.0" and second.pack["version"] == "0.1.1"
    assert first.pack["sha256"] != second.pack["sha256"]


def test_a_rules_path_that_is_not_a_file_is_reported_as_a_file(runner, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    r = runner.invoke(main, ["score", str(PHO_VAN), "--rules", str(missing)])
    assert r.exit_code == 2 and str(missing) in r.stderr
    r = runner.invoke(main, ["rules", "show", "quang-ngai-1211"])
    assert r.exit_code == 2 and "quang-ngai-1211-2022" in r.stderr  # an id: did-you-mean


def test_two_files_with_one_id_are_reported(tmp_path, monkeypatch, runner):
    rules_folder(tmp_path, monkeypatch, copy=QN_TEXT)
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 2 and "'quang-ngai-1211-2022' trùng" in r.stderr and "copy.yaml" in r.stderr


def test_choosing_a_pack_parses_only_the_other_files_pack_sections(tmp_path, monkeypatch, runner):
    """The index reads a file's `pack:` section; a body that does not parse is found by the listing
    (which parses every file whole) and when that pack is chosen, never while choosing another."""
    broken_body = other_pack("hue-test-2022", "Thừa Thiên Huế").replace("criteria:", "criteria:\n  - {id: X, y: [1, 2}\n", 1)
    rules_folder(tmp_path, monkeypatch, hue=broken_body)
    assert packstore._pack_head(QN_TEXT) is not None and "criteria:" not in packstore._pack_head(QN_TEXT)
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (GOLDEN / "pho-van-2023.json").read_text(encoding="utf-8")
    assert [e.id for e in api.list_packs().usable] == ["hue-test-2022", "quang-ngai-1211-2022"]
    r = runner.invoke(main, ["rules", "list"])
    assert r.exit_code == 2 and "hue.yaml" in r.stderr and "lỗi cú pháp YAML" in r.stderr


def test_a_pack_not_opening_with_its_pack_section_is_read_whole():
    assert packstore._pack_head("criteria:\n  - x\npack:\n  id: a\n") is None
    assert packstore._pack_head("# c\nformat: dvcq-pack/1\npack:\n  id: a\ncriteria: []\n") == \
        "# c\nformat: dvcq-pack/1\npack:\n  id: a\n"


def test_choosing_a_pack_never_reads_the_examples_folder_and_an_example_ends_no_real_pack(tmp_path, monkeypatch, runner):
    """Examples are used only by --rules or by id: the automatic choice does not read `examples/`
    (a broken file there cannot stop scoring, and every file read there would be paid by every
    `dvcq score`); an example that names a real pack in `replaces` does not end it."""
    d = rules_folder(tmp_path, monkeypatch)
    (d / "examples").mkdir()
    (d / "examples" / "broken.yaml").write_text("pack: [khong, dung\n", encoding="utf-8")
    later = other_pack("qn-example-later", "Quảng Ngãi", replaces="quang-ngai-1211-2022")
    later = later.replace("status: draft", "status: example", 1).replace("effective_from: 2022-", "effective_from: 2023-", 1)
    (d / "examples" / "later.yaml").write_text(later, encoding="utf-8")
    read = []
    real = packstore.read_entry
    monkeypatch.setattr(packstore, "read_entry", lambda path, whole=False: read.append(path.parent.name) or real(path, whole))
    assert api.score(api.load_record(PHO_VAN)).pack["id"] == "quang-ngai-1211-2022"
    assert "examples" not in read
    listing = runner.invoke(main, ["rules", "list"])
    assert "broken.yaml" in listing.stdout + listing.stderr and "qn-example-later" in listing.stdout
    idx = api.list_packs(whole=True)
    qn = next(e for e in idx.usable if e.id == "quang-ngai-1211-2022")
    assert idx.successor(qn) is None
