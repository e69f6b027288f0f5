"""Journey: a 地域包括支援センター worker refers a resident; the area's SC accepts, records the
"what matters to me" conversation with ONS4 and a plan with options from the directory, connects
two options and closes the case — the ONS4 change is shown."""

import os

import pytest
from django.utils import timezone

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SASAEAI_SCREENSHOTS")


def _switch(page, base, user):
    page.context.clear_cookies()
    browser_login(page, base, user)


def test_referral_to_closure_with_the_ons4_change(page, live_server, town):
    from sasaeai.cases.models import Case
    from sasaeai.directory.models import Service

    Service.objects.create(municipality=town["m"], area=town["north"], name="いきいきサロン北",
                           category="salon", status="published")
    base = live_server.url
    page.set_default_timeout(120_000)  # the shared CI machine can be slow; the journey is what is tested
    page.set_default_navigation_timeout(120_000)
    resident = town["resident"]

    # 1. The support-centre worker refers the resident.
    _switch(page, base, town["centre"])
    page.get_by_role("link", name="利用者を紹介する").first.click()
    page.select_option("select[name=resident]", str(resident.pk))
    page.select_option("select[name=referrer_kind]", "support_center")
    page.fill("textarea[name=reason]", "短期集中予防サービスの終了後、外出が減っている。")
    page.click("#send-referral")
    assert "地区のコーディネーターに紹介を送りました" in page.inner_text("main")
    case = Case.objects.get(resident=resident)

    # 2. The area's SC sees the unanswered referral on the home page and accepts it.
    _switch(page, base, town["sc"])
    assert "未回答の紹介" in page.inner_text("main")
    page.locator(".case-referrals a").first.click()
    page.click("#accept-case")
    assert "ケースを受理しました" in page.inner_text("main")

    # 3. "What matters to me": free text, life domains, ONS4.
    page.click("#record-conversation")
    page.fill("textarea[name=what_matters]", "また友人とお茶を飲みに出かけたい。")
    page.fill("textarea[name=domain_people]", "近所の友人")
    page.fill("textarea[name=domain_places]", "公民館")
    for name, value in (("life_satisfaction", "4"), ("worthwhile", "5"), ("happiness", "3"), ("anxiety", "7")):
        page.fill(f"input[name={name}]", value)
    page.click("#save-conversation")

    # 4. The plan: one goal, a directory resource and another option; the person chooses.
    page.fill("input[name=text]", "週に一度は外でお茶を飲む")
    page.get_by_label("いきいきサロン北").check()
    page.fill("textarea[name=others]", "娘と喫茶店に行く")
    page.click("#save-goal")
    assert "目標を計画に追加しました" in page.inner_text("main")

    # 5. Connect both options.
    for select in page.locator(".option-form select[name=status]").all()[:1]:
        select.select_option("continuing")
    page.locator(".option-form button").first.click()
    page.locator(".option-form select[name=status]").nth(1).select_option("tried")
    page.locator(".option-form button").nth(1).click()
    case.refresh_from_db()
    assert case.status == "connected" and case.follow_ups.count() == 2
    main = page.inner_text("main")
    assert "続けている" in main and "試した" in main and "つながった" in main

    # 6. Close with ONS4 again: the change is shown.
    page.click("#close-case")
    page.select_option("select[name=outcome]", "connected_continuing")
    for name, value in (("life_satisfaction", "7"), ("worthwhile", "7"), ("happiness", "6"), ("anxiety", "4")):
        page.fill(f"input[name={name}]", value)
    page.click("#save-close")
    table = page.locator("#wellbeing").inner_text()
    assert "+3" in table and "+2" in table and "-3" in table and "良くなった" in table
    assert "終結" in page.inner_text("main")
    assert case.closed_on is None and Case.objects.get(pk=case.pk).closed_on == timezone.localdate()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "case-closed.png"), full_page=True)
