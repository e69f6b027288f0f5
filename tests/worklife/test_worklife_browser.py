"""Journey (issue 17 acceptance): an employee opens the employer's link and asks for a
consultation; the care manager records it, completes the legal checklist with HR, makes a plan,
and hands the parent over to the support centre of another municipality with consent; HR sees
only references and counts."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, base, user):
    page.context.clear_cookies()
    browser_login(page, base, user)


def test_link_to_handover_and_hr_sees_only_counts(page, live_server, world):
    from sasaeai.worklife.models import Consultation, Handover

    base = live_server.url
    page.set_default_timeout(120_000)
    page.set_default_navigation_timeout(120_000)

    # 1. An employee (not logged in) opens the employer's link and asks.
    page.goto(f"{base}/worklife/c/{world['employer'].link_code}/")
    page.fill("input[name=employee_name]", "鈴木花子")
    page.fill("input[name=employee_contact]", "hanako@example.test")
    page.select_option("select[name=department_size]", "50_299")
    page.get_by_label("遠距離介護").check()
    page.fill("textarea[name=note]", "遠方の母が心配です")
    page.click("#send-request")
    assert "申込みを送りました" in page.inner_text("main")
    c = Consultation.objects.get()

    # 2. The care manager records the interview: the mother lives in another municipality.
    _switch(page, base, world["cm_user"])
    page.goto(f"{base}/worklife/consultations/")
    page.get_by_role("link", name=c.reference).click()
    page.click("#record-link")
    page.select_option("select[name=relation]", "child")
    page.select_option("select[name=care_level]", "care_1")
    page.select_option("select[name=family_area]", str(world["b_area"].pk))
    page.fill("textarea[name=family_situation]", "母は一人暮らしで、もの忘れが増えた")
    page.fill("textarea[name=wishes]", "仕事を続けたい")
    page.check("input[name=shared_with_employer]")
    page.click("#save-record")
    assert "面談を記録しました" in page.inner_text("main")
    c.refresh_from_db()
    assert c.status == "recorded" and c.family_municipality == world["b"]

    # 3. The care manager ticks "wishes confirmed" on the checklist.
    wishes = c.checklist.get(kind="wishes_confirmed")
    page.locator(f"#item-{wishes.pk} button").click()
    assert "項目の実施を記録しました" in page.inner_text("main")

    # 4. HR gives the individual notice and ticks it; HR sees the reference, never the employee.
    _switch(page, base, world["hr"])
    page.get_by_role("link", name="仕事と介護の両立チェックリスト").first.click()
    notice = c.checklist.get(kind="individual_notice")
    item = page.locator(f"#item-{notice.pk}")
    item.locator("select[name=method]").select_option("interview")
    item.get_by_label("介護休業制度").check()
    item.get_by_label("介護休業給付金").check()
    item.locator("button").click()
    main = page.inner_text("main")
    assert "項目の実施を記録しました" in main and c.reference in main
    for secret in ("鈴木花子", "hanako@example.test", "もの忘れ", "遠方の母"):
        assert secret not in page.content()
    notice.refresh_from_db()
    assert notice.done_on and notice.method == "interview" and notice.done_by == world["hr"]

    # 5. The care manager makes the plan (default follow-ups at 1 and 3 months).
    _switch(page, base, world["cm_user"])
    page.goto(f"{base}/worklife/consultations/{c.pk}/")
    page.click("#plan-link")
    page.fill("textarea[name=goals]", "介護保険の申請と見守りの体制を作り、仕事を続ける")
    page.fill("textarea[name=work_changes]", "2か月間テレワーク中心")
    page.click("#save-plan")
    assert "プランを保存しました" in page.inner_text("main")
    assert c.follow_ups.count() == 2

    # 6. With the employee's consent, hand over to the other municipality's support centre.
    page.locator("#handover-form select[name=kind]").select_option("support_center")
    page.click("#send-handover")
    assert "同意" in page.inner_text("main") and not Handover.objects.exists()  # refused without consent
    page.locator("#consent-form select[name=granted]").select_option("yes")
    page.locator("#consent-form").get_by_label("ご家族の状況と要介護度").check()
    page.locator("#consent-form select[name=basis]").select_option("written")
    page.click("#save-consent")
    page.locator("#handover-form select[name=kind]").select_option("support_center")
    page.click("#send-handover")
    assert "引き継ぎを送りました" in page.inner_text("main")
    h = Handover.objects.get()
    assert h.municipality == world["b"]

    # 7. The support centre of the other municipality sees only the consented part.
    _switch(page, base, world["centre_b"])
    page.goto(f"{base}/worklife/handovers/")
    page.locator("main a[href^='/worklife/handovers/']").first.click()
    main = page.inner_text("main")
    assert "もの忘れが増えた" in main and "鈴木花子" not in main and "仕事を続けたい" not in main
    page.click("#acknowledge")
    h.refresh_from_db()
    assert h.acknowledged_by == world["centre_b"]

    # 8. HR's page: counts only (one consultation is below k, so suppressed).
    _switch(page, base, world["hr"])
    page.goto(f"{base}/worklife/employers/{world['employer'].pk}/")
    assert page.inner_text("#count-total") == "–"
    assert "鈴木花子" not in page.content()
