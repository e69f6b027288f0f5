"""Journey: a layer-2 SC opens the issue register, plans a meeting with an issue on its agenda,
records attendance (a member and a guest) and the minutes, then resolves the issue by linking a
new directory resource — and the KPI "issues resolved" moves by one. A resident then reads the
meeting's public summary, but not the internal minutes."""

import datetime as dt

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_sc_prepares_a_meeting_and_resolves_an_issue_and_a_resident_reads_only_the_summary(
    browser, page, live_server, make_municipality, make_user,
):
    from django.utils import timezone

    from sasaeai.councils import kpis, services
    from sasaeai.councils.models import LocalIssue, Meeting
    from sasaeai.directory.models import Service
    from sasaeai.tenancy.models import Area, Role

    town = make_municipality(n_areas=2, name="ささえ市")
    north = Area.objects.filter(municipality=town, layer=2).order_by("name").first()
    sc = make_user(Role.COORDINATOR_L2, town, areas=[north], display_name="北 第2層SC")
    resident = make_user(Role.RESIDENT, town, display_name="住民 花子")
    council = services.council_create(by=sc, area=north, name="北地区支え合い協議体")
    chair = services.member_add(by=sc, council=council, name="自治会長 山田", affiliation=5, role="chair",
                                term_start=dt.date(2024, 4, 1))
    issue = services.issue_raise(by=sc, council=council, title="坂の上の団地で買い物に行けない", source="needs",
                                 needs_summary="同様の相談が12件")
    salon = Service.objects.create(municipality=town, area=north, name="団地の移動販売", category="mobile_sales",
                                   status="published", visibility="public")
    resolved = next(i for i in kpis.indicators() if i["key"] == "council_issues_resolved")
    today = timezone.localdate()
    fy_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    fy = (fy_start, dt.date(fy_start.year + 1, 3, 31))
    before = resolved["compute"](town, None, *fy)[0]

    # The SC opens the register and puts the issue on a new meeting's agenda.
    browser_login(page, live_server.url, sc)
    page.goto(live_server.url + "/councils/issues/")
    page.get_by_role("link", name="坂の上の団地で買い物に行けない").click()
    page.get_by_role("link", name="新しい会議の議題にする").click()
    page.wait_for_url("**/meetings/new/**")
    assert page.get_by_label("坂の上の団地で買い物に行けない").is_checked()
    page.fill("#id_title", "第3回 北地区支え合い協議体")
    page.fill("#id_date", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_start", "14:00")
    page.fill("#id_place", "北地区センター")
    page.click("form#meeting-form button[type=submit]")
    page.wait_for_url("**/councils/meetings/*/")
    assert "会議を予定しました。" in page.inner_text("main")
    assert "坂の上の団地で買い物に行けない" in page.inner_text("#agenda")
    meeting = Meeting.objects.get(council=council)

    # Attendance: the chair is present, a guest from the shopping street came.
    page.check(f"input[name=member_{chair.pk}][value=present]")
    page.fill("#guest-name", "商店会 田中")
    page.fill("#guest-org", "北商店会")
    page.click("form#attendance-form button[type=submit]")
    assert "出欠を記録しました。" in page.inner_text("main")
    # Minutes: internal and public.
    page.fill("#id_internal_minutes", "内部：団地の個別相談の傾向を包括から報告（匿名）")
    page.fill("#id_public_summary", "団地の買い物について話し合い、移動販売を呼ぶことにしました。")
    page.fill("#id_decisions", "移動販売事業者に依頼する")
    page.click("form#minutes-form button[type=submit]")
    assert "議事録を保存しました。" in page.inner_text("main")

    # Resolve the issue by linking the new resource of the directory.
    page.get_by_role("link", name="坂の上の団地で買い物に行けない").click()
    page.select_option("#id_resolution_kind", "new_resource")
    page.select_option("#id_service", str(salon.pk))
    page.click("form#resolve-form button[type=submit]")
    assert "課題を解決にしました。" in page.inner_text("main")
    assert page.inner_text("#issue-state") == "解決済み"
    assert "団地の移動販売" in page.inner_text("#resolution")
    issue.refresh_from_db()
    assert issue.resolution_service_id == salon.pk
    assert LocalIssue.objects.get(pk=issue.pk).state == "resolved"
    assert resolved["compute"](town, None, *fy)[0] == before + 1
    assert resolved["records"](town, None, *fy).count() == before + 1

    # A resident reads the public summary, never the internal minutes.
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    rp = context.new_page()
    browser_login(rp, live_server.url, resident)
    rp.goto(live_server.url + "/")
    rp.get_by_role("link", name="協議体だより").first.click()
    rp.get_by_role("link", name="北地区支え合い協議体: 第3回 北地区支え合い協議体").click()
    text = rp.inner_text("main")
    assert "移動販売を呼ぶことにしました" in text
    assert "内部：" not in text and "移動販売事業者に依頼する" not in text
    response = rp.goto(live_server.url + f"/councils/meetings/{meeting.pk}/")
    assert response.status == 404
    assert "内部：" not in rp.content()
    context.close()
