"""Journeys in a real browser (every outside request blocked): (a) a shop clerk reports a
watch-over alert on a phone-sized screen in at most three screens and the SC finds the new
need in the needs register; (b) a company registers, the layer-1 SC approves it, the company
answers a challenge, and its accepted proposal becomes a directory resource with the badge."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def block_outside(page, base_url):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())


def _context(browser, phone=False):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    ctx = browser.new_context(locale="ja-JP", viewport=size, is_mobile=phone, has_touch=phone)
    ctx.set_default_timeout(60_000)
    ctx.set_default_navigation_timeout(60_000)
    return ctx


def test_a_shop_clerk_reports_an_alert_on_a_phone_and_the_sc_sees_the_need(browser, live_server, town):
    from sasaeai.needs.models import Need

    ctx = _context(browser, phone=True)
    page = ctx.new_page()
    block_outside(page, live_server.url)
    browser_login(page, live_server.url, town["clerk"])
    screens = []
    page.on("framenavigated", lambda frame: screens.append(frame.url) if frame == page.main_frame else None)

    # Screen 1: the form, one column on the phone.
    page.goto(live_server.url + "/partners/alerts/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.get_by_label("郵便物や新聞がたまっている").check()
    page.get_by_label("昼も夜も電気がついたまま").check()
    page.fill("#place", "北町2丁目 青い屋根の家")
    page.select_option("#area", label=town["north"].name)
    page.get_by_role("button", name="送信").click()

    # Screen 2: the receipt — received, nothing about the household.
    page.wait_for_url("**/partners/alerts/")
    assert "ありがとうございます。受け付けました。" in page.inner_text("main")
    assert "青い屋根" not in page.content()
    assert len(screens) <= 3, screens
    ctx.close()

    need = Need.objects.get()
    assert need.category == "watching" and need.area_id == town["north"].pk
    ctx = _context(browser)
    page = ctx.new_page()
    block_outside(page, live_server.url)
    browser_login(page, live_server.url, town["sc"])
    page.goto(live_server.url + "/needs/")
    assert page.locator(f"a[href='/needs/{need.pk}/']").count() >= 1
    page.goto(f"{live_server.url}/needs/{need.pk}/")
    assert "青い屋根" in page.inner_text("main")
    ctx.close()


def test_a_company_registers_is_approved_answers_a_challenge_and_becomes_a_resource(browser, live_server, town,
                                                                                     make_user):
    from sasaeai.directory.models import Organization, Service
    from sasaeai.partners.models import Proposal, Registration
    from sasaeai.tenancy.models import Role

    org = Organization.objects.create(municipality=town["m"], name="ひかり生協")
    staff = make_user(Role.PARTNER, town["m"], display_name="生協の職員")
    org.members.add(staff)

    company = _context(browser)
    cpage = company.new_page()
    block_outside(cpage, live_server.url)
    browser_login(cpage, live_server.url, staff)
    # 1. The company registers and applies to the scheme.
    cpage.goto(live_server.url + "/partners/register/")
    cpage.select_option("#kind", value="coop")
    cpage.fill("#contact_name", "山田")
    cpage.fill("#branch_name", "本部")
    cpage.fill("#branch_address", f"{town['m'].name}中央1-2")
    cpage.get_by_role("button", name="保存").click()
    cpage.wait_for_selector(".apply-form")
    cpage.locator(".apply-form").first.get_by_role("button", name="申請する").click()
    assert "申請を送りました" in cpage.inner_text("main")
    registration = Registration.objects.get(partner__organization=org)

    # 2. The layer-1 SC approves it and writes a challenge.
    sc = _context(browser)
    spage = sc.new_page()
    block_outside(spage, live_server.url)
    browser_login(spage, live_server.url, town["l1"])
    spage.goto(live_server.url + "/partners/")
    spage.locator("#waiting").get_by_role("link", name="ひかり生協").click()
    spage.get_by_role("button", name="審査結果を保存する").click()
    assert "登録を承認しました。" in spage.inner_text("main")
    registration.refresh_from_db()
    assert registration.status == "registered"
    spage.goto(live_server.url + "/partners/challenges/new/")
    spage.select_option("#category", value="shopping")
    spage.select_option("#area", label=town["north"].name)
    spage.fill("#title", "北地区の買い物支援")
    spage.fill("#business_terms", "北地区で週1回、重い物の配達を望む声")
    spage.get_by_role("button", name="課題を公開する").click()
    spage.wait_for_url("**/partners/challenges/*/")
    challenge_url = spage.url

    # 3. The company answers the challenge with a proposal.
    cpage.goto(challenge_url)
    cpage.fill("#description", "生協の個配で週1回お届けします")
    cpage.fill("#area_text", "北地区")
    cpage.fill("#price", "配達料無料")
    cpage.get_by_role("button", name="提案を送る").click()
    cpage.wait_for_url("**/partners/proposals/*/")
    proposal = Proposal.objects.get(partner__organization=org)

    # 4. The SC accepts it (pilot) and puts it in the directory.
    spage.goto(f"{live_server.url}/partners/proposals/{proposal.pk}/")
    spage.get_by_role("button", name="審査結果を保存する").click()
    spage.wait_for_selector("#live-form")
    spage.get_by_role("button", name="資源マップに掲載する").click()
    spage.wait_for_selector("#resource-link")
    spage.click("#resource-link")
    spage.wait_for_url("**/directory/r/*/")
    assert spage.locator(".partner-badge").count() == 1
    proposal.refresh_from_db()
    assert proposal.status == "running"
    assert Service.objects.get(pk=proposal.resource_id).organization_id == org.pk
    # The company sees it running.
    cpage.reload()
    assert "実施中" in cpage.inner_text("#proposal-status")
    company.close()
    sc.close()
