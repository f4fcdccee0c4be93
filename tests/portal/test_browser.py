"""Browser journeys (Playwright driving Debian's Chromium against pytest-django's live server):
the whole round, one account after another, ending with the auditor's download passing `dvcq audit`.
Screenshots go to tests/artifacts/portal/; axe checks the main pages for serious accessibility faults."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ART = Path(__file__).resolve().parents[1] / "artifacts" / "portal"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"không có {CHROMIUM} (cài bằng scripts/install-system-deps.sh)"),
    pytest.mark.django_db(transaction=True),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    sp = pytest.importorskip("playwright.sync_api")
    with sp.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def site(live_server, settings, tmp_path):
    from portal.core.demo import load_demo
    from portal.core.models import Dossier, Round

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(n_generated=2)
    ART.mkdir(parents=True, exist_ok=True)
    return {"url": live_server.url, "round": Round.objects.get(),
            "d": Dossier.objects.get(unit__name="Phường Phổ Văn")}


def _login(browser, site, username, width=1280, axe=False):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True, locale="vi-VN")
    page = ctx.new_page()
    page.set_default_timeout(10000)
    page.goto(site["url"] + "/dang-nhap/")
    if axe:
        _axe(page, "dang-nhap")
    page.fill("#id_username", username)
    page.fill("#id_password", "dvcq-demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _axe(page, name):
    from axe_playwright_python.sync_playwright import Axe

    res = Axe().run(page)
    bad = [v for v in res.response["violations"] if v["impact"] in ("serious", "critical")]
    (ART / f"axe-{name}.txt").write_text(res.generate_report(), encoding="utf-8")
    assert not bad, f"{name}: " + res.generate_snapshot()


# what sticks out of a phone-width page, for the failure message
WIDE = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _shot(page, name, full=False):
    page.screenshot(path=str(ART / f"{name}.png"), full_page=full)


def test_whole_round_in_the_browser(browser, site, tmp_path):
    from click.testing import CliRunner

    from scoring.cli import main

    from .conftest import close_submissions

    d = site["d"]
    url = site["url"]
    # 1. clerk: live score as values change (htmx autosave), a file, the xlsx out and back in
    page = _login(browser, site, "canbo.phovan", axe=True)
    assert f"/ho-so/{d.pk}/" in page.url
    page.goto(url + "/ho-so/")
    _axe(page, "danh-sach")
    page.goto(f"{url}/ho-so/{d.pk}/")
    total = page.locator("#diem .total strong")
    before = total.inner_text()
    page.fill("[name='fact|reception.dialogues|value']", "2")
    page.locator("[name='fact|reception.dialogues|value']").blur()
    page.wait_for_selector("#diem .ok")
    after = total.inner_text()
    assert before != after, (before, after)
    _shot(page, "01-can-bo-nhap-lieu")
    _axe(page, "ho-so")
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% ke hoach\n")
    page.select_option("#target", "plan.dvcq_annual")
    page.set_input_files("#tep", str(pdf))
    page.click("button:has-text('Đính kèm')")
    page.wait_for_selector("text=Đã đính kèm")
    assert page.locator("a", has_text="ke-hoach.pdf").count() == 1
    with page.expect_download() as dl:
        page.click("text=Tải tệp Excel đã điền sẵn")
    xlsx = tmp_path / "ho-so.xlsx"
    dl.value.save_as(xlsx)
    page.set_input_files("#xlsx-tep", str(xlsx))
    page.click("button:has-text('Tải lên Excel')")
    page.wait_for_selector("text=Đã nhận số liệu")
    assert page.locator("[name='fact|reception.dialogues|value']").input_value() == "2"
    _shot(page, "02-can-bo-excel")
    page.context.close()
    phone = _login(browser, site, "canbo.phovan", width=390)
    _shot(phone, "03-dien-thoai", full=False)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.context.close()

    # 2. leader submits → receipt with the seal
    page = _login(browser, site, "lanhdao.phovan")
    page.click("text=Nộp hồ sơ >> nth=-1")
    page.wait_for_selector("text=Biên nhận nộp hồ sơ")
    d.refresh_from_db()
    assert d.seal and d.seal in page.content()
    _shot(page, "04-bien-nhan")
    _axe(page, "bien-nhan")
    page.context.close()

    # 3. after the deadline the verifier records a finding and returns the dossier
    close_submissions(site["round"])
    page = _login(browser, site, "thamdinh")
    page.goto(f"{url}/ho-so/{d.pk}/tham-dinh/")
    _axe(page, "tham-dinh")
    page.select_option("#kind", "fact")
    page.fill("#ident", "petitions.settled")
    page.fill("#verified", "14/16")
    page.fill("#reason", "Đơn tố cáo chưa có văn bản kết luận để đối chiếu.")
    page.click("text=Ghi kết luận >> nth=-1")
    page.wait_for_selector("text=Đã ghi kết luận")
    # the verifier corrects the finding before returning (a reason for the change is required)
    page.click("summary:has-text('Sửa hoặc xóa kết luận')")
    page.fill("[id^=verified-]", "13/16")
    page.fill("[id^=why-]", "Đếm lại theo sổ tiếp nhận.")
    page.click("button:has-text('Sửa kết luận')")
    page.wait_for_selector("text=Đã sửa kết luận")
    _axe(page, "tham-dinh-sua")
    _shot(page, "05a-tham-dinh-sua-ket-luan", full=True)
    page.fill("#general", "Bổ sung báo cáo công tác DVCQ 6 tháng.")
    page.click("button:has-text('Trả lại')")
    page.wait_for_selector("text=Đã trả lại hồ sơ")
    _shot(page, "05-tham-dinh-tra-lai")
    page.context.close()

    # 4. the clerk completes (without JavaScript: the Save button), the leader resubmits
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(url + "/dang-nhap/")
    page.fill("#id_username", "canbo.phovan")
    page.fill("#id_password", "dvcq-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Bổ sung báo cáo công tác DVCQ 6 tháng.")
    page.fill("[name='document|report.dvcq_6month|number']", "120/BC-UBND")
    page.fill("[name='document|report.dvcq_6month|sent_on']", "25/05/2023")
    page.click("text=Lưu nháp")
    page.wait_for_selector("text=Đã lưu bản nháp")
    assert page.locator("#lich-su td", has_text="1").count() >= 1   # the first sealed version is listed
    _shot(page, "06-can-bo-bo-sung-khong-js")
    ctx.close()
    page = _login(browser, site, "lanhdao.phovan")
    page.click("text=Nộp lại hồ sơ >> nth=-1")
    page.wait_for_selector("text=Biên nhận nộp hồ sơ")
    page.context.close()

    # 5. the verifier verifies; 6. the admin publishes
    page = _login(browser, site, "thamdinh")
    page.goto(f"{url}/ho-so/{d.pk}/tham-dinh/")
    page.click("text=Xác nhận và niêm phong")
    page.wait_for_selector("text=Đã xác nhận kết quả thẩm định")
    _shot(page, "07-da-tham-dinh")
    page.context.close()
    page = _login(browser, site, "quantri")
    for path, name in ((f"/quan-tri/dot/{site['round'].pk}/", "doi-thoi-han"), ("/quan-tri/don-vi/", "don-vi")):
        page.goto(url + path)
        _axe(page, name)
    page.goto(f"{url}/dot/{site['round'].pk}/xep-hang/")
    page.click("text=Công bố xếp hạng")
    page.wait_for_selector("text=Đã công bố kết quả xếp hạng")
    assert page.locator("td", has_text="Phường Phổ Văn").count() == 1
    assert page.locator("text=Đơn vị chưa nộp (không xếp hạng)").count() == 1
    _shot(page, "08-xep-hang")
    _axe(page, "xep-hang")
    # the admin's other pages: rounds (the public-ranking switch), accounts; the own-password page
    for path, name in (("/quan-tri/dot/", "dot"), ("/quan-tri/tai-khoan/", "tai-khoan"),
                       ("/tai-khoan/mat-khau/", "mat-khau")):
        page.goto(url + path)
        _axe(page, name)
    page.goto(url + "/quan-tri/dot/")
    page.check("#public-1")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")          # the Save button, reached by keyboard
    page.wait_for_selector("text=Đã lưu thiết lập")
    page.context.close()
    phone = _login(browser, site, "quantri", width=390)
    for path, name in (("/quan-tri/tai-khoan/", "tai-khoan"), ("/quan-tri/dot/", "dot"), ("/tai-khoan/mat-khau/", "mat-khau")):
        phone.goto(url + path)
        _shot(phone, f"10-dien-thoai-{name}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 400, (name, phone.evaluate(WIDE))
    phone.context.close()
    # an anonymous visitor on a phone, without JavaScript, reads the published ranking
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = ctx.new_page()
    page.goto(f"{url}/dot/{site['round'].pk}/xep-hang/")
    assert page.locator("td", has_text="Phường Phổ Văn").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.keyboard.press("Tab")                         # keyboard: the first stop skips the menu
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua menu"
    page.keyboard.press("Enter")
    assert page.url.endswith("#noi-dung")
    _shot(page, "08b-xep-hang-khach-dien-thoai")
    ctx.close()

    # 7. the auditor downloads the sealed package; `dvcq audit` passes on it outside the portal
    page = _login(browser, site, "kiemtoan")
    page.goto(f"{url}/nhat-ky/")
    assert page.locator("code", has_text="verify").count() >= 1
    _shot(page, "09-nhat-ky")
    _axe(page, "nhat-ky")
    page.goto(f"{url}/ho-so/{d.pk}/")
    with page.expect_download() as dl:
        page.click("text=Tải gói niêm phong (.zip)")
    z = tmp_path / "goi.zip"
    dl.value.save_as(z)
    page.context.close()
    out = tmp_path / "goi"
    zipfile.ZipFile(z).extractall(out)
    for name in ("result.json", "verified.json"):
        r = CliRunner().invoke(main, ["audit", str(out / name), "--rules", str(out / "qd-1211-2022.yaml")])
        assert r.exit_code == 0, r.output
    assert any(p.name.endswith("ke-hoach.pdf") for p in (out / "dinh-kem").iterdir())
