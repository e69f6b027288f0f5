"""Journeys: a layer-2 coordinator logs a week of activities and sees the coordination
share; a successor coordinator, given the area when the predecessor's membership ended, opens
the handover briefing and finds the predecessor's notes and activity."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SASAEAI_SCREENSHOTS")
WEEK = [  # (weekday, duration button, function) — 6 of 8 hours on coordination: 75 %
    (0, "2時間", "ニーズと取組のマッチング"),
    (1, "2時間", "ネットワーク構築"),
    (2, "1時間", "直接支援"),
    (3, "2時間", "資源開発"),
    (4, "1時間", "事務"),
]


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


def test_a_coordinator_logs_a_week_and_sees_the_coordination_share(browser, page, live_server, make_municipality,
                                                                   make_user):
    from sasaeai.activity.models import ActivityEntry
    from sasaeai.tenancy.models import Area, Role

    town = make_municipality(n_areas=2, name="ささえ市")
    north = Area.objects.filter(municipality=town, layer=2).order_by("name").first()
    sc = make_user(Role.COORDINATOR_L2, town, areas=[north], display_name="北 SC")
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)  # last week: no day is in the future

    browser_login(page, live_server.url, sc)
    page.get_by_role("link", name="活動記録").first.click()
    page.wait_for_url("**/activity/")
    for weekday, duration, function in WEEK:
        day = monday + dt.timedelta(days=weekday)
        page.fill("input[name=date]", day.isoformat())
        page.get_by_label(duration, exact=True).check()
        page.get_by_label(function, exact=True).check()
        page.get_by_role("button", name="記録を保存").click()
        page.wait_for_selector(".message-success")
        assert "記録しました" in page.inner_text(".messages")
    assert ActivityEntry.objects.filter(recorded_by=sc).count() == 5

    # The page now shows last week: 8 hours, 75 % on coordination (target 70 %: met).
    assert monday.isoformat() in page.inner_text("#week-heading")
    share = page.inner_text("#week-share")
    assert "75.0%" in share and "達成" in share and "未達成" not in share
    table = page.inner_text("#timesheet")
    assert "8時間" in table
    _shot(page, "activity-week.png")

    # A 25th hour on Monday is refused with a message, and nothing is written.
    page.fill("input[name=date]", monday.isoformat())
    page.fill("input[name=other_minutes]", str(23 * 60))
    page.get_by_label("事務", exact=True).check()
    page.get_by_role("button", name="記録を保存").click()
    assert "1日は24時間です" in page.inner_text("#activity-form")
    assert ActivityEntry.objects.filter(recorded_by=sc).count() == 5


def test_a_successor_opens_the_handover_briefing(browser, page, live_server, make_municipality, make_user):
    from sasaeai.activity import services
    from sasaeai.activity.models import Function, NoteSection
    from sasaeai.directory.models import Service
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.models import Area, Role

    town = make_municipality(n_areas=2, name="ささえ市")
    north, south = Area.objects.filter(municipality=town, layer=2).order_by("name")
    admin = make_user(Role.MUNICIPAL_ADMIN, town)
    predecessor = make_user(Role.COORDINATOR_L2, town, areas=[north], display_name="前任 SC")
    other = make_user(Role.COORDINATOR_L2, town, areas=[south], display_name="南 SC")
    salon = Service.objects.create(municipality=town, area=north, name="北のふれあいサロン", category="salon",
                                   status="published", visibility="public",
                                   last_verified_at=timezone.now() - dt.timedelta(days=400))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.entry_create(by=predecessor, area=north, date=yesterday, minutes=90,
                          function=Function.RESOURCE_DEVELOPMENT, link_kind="directory.service", link_id=salon.pk)
    services.entry_create(by=other, area=south, date=yesterday, minutes=60, function=Function.OUTREACH,
                          note="南だけの話")
    services.note_save(by=predecessor, area=north, section=NoteSection.PEOPLE,
                       text="町会長の佐藤さんは火曜の定例会で会える", base_version=0)
    tenancy.membership_end(by=admin, membership=predecessor.memberships.get(), reason="異動")
    successor = make_user(Role.COORDINATOR_L2, town, areas=[north], display_name="後任 SC")

    browser_login(page, live_server.url, successor)
    page.get_by_role("link", name="引き継ぎ", exact=True).first.click()
    page.wait_for_url("**/handover/")
    page.get_by_role("link", name=north.name, exact=True).click()
    page.wait_for_selector("h1")
    assert f"引き継ぎ資料：{north.name}" in page.inner_text("h1")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "町会長の佐藤さんは火曜の定例会で会える" in body
    assert "前任 SC" in body and "北のふれあいサロン" in body  # the timeline and the stale resource
    assert "後任 SC" in body  # the people working in the area now
    assert "南だけの話" not in body and "南 SC" not in body
    _shot(page, "activity-handover.png")

    # The successor continues the notes from the predecessor's version.
    page.get_by_role("link", name="もっと見る：引き継ぎメモ").click()
    page.fill("#note-text-people", "町会長の佐藤さんは火曜の定例会で会える。副会長にも挨拶済み")
    page.get_by_role("button", name="「キーパーソンと連絡の取り方」を保存").click()
    page.wait_for_selector(".message-success")
    assert "副会長にも挨拶済み" in page.inner_text("#activity-notes")
