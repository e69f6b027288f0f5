"""Journey (issue 15 acceptance): a work coordinator fills a work-like task from ranked
candidates; the person placed then finds the work on their own page."""

import pytest

from tests.conftest import browser_login

from .conftest import make_person, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_work_coordinator_fills_a_work_like_task_from_ranked_candidates(browser, live_server, town, make_user):
    near_user, _near = make_person(town, make_user, "近藤 花子", lat=35.665, lon=139.33, skills=("cashier",))
    far_user, _far = make_person(town, make_user, "遠藤 次郎", lat=35.68, lon=139.33)
    make_person(town, make_user, "畑中 三郎", kinds=("farm",))
    task = make_task(town, slots=2, skills=["cashier"], title="レジ横の袋詰め")

    ctx = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(120_000)
    ctx.set_default_navigation_timeout(120_000)
    page = ctx.new_page()
    browser_login(page, live_server.url, town["work"])
    page.goto(live_server.url + "/work/")
    page.get_by_role("link", name="レジ横の袋詰め").click()
    candidates = page.locator("#candidates > li")
    assert candidates.count() == 2
    assert "近藤 花子" in candidates.nth(0).inner_text() and "得意：レジ・接客" in candidates.nth(0).inner_text()
    assert "遠藤 次郎" in candidates.nth(1).inner_text()
    assert "0.6 km" in candidates.nth(0).inner_text()
    page.get_by_role("button", name="近藤 花子さんに決定する").click()
    assert "近藤 花子さんをこの仕事に決定し、本人に知らせました。" in page.inner_text("main")
    page.get_by_role("button", name="遠藤 次郎さんに決定する").click()
    main = page.inner_text("main")
    assert "募集2人中2人決定" in main and "充足" in main
    assert "近藤 花子" in page.locator("#placements").inner_text()
    assert page.locator("#candidates").count() == 0  # filled: no more candidates
    ctx.clear_cookies()

    browser_login(page, live_server.url, near_user)
    page.goto(live_server.url + "/work/me/")
    assert "レジ横の袋詰め" in page.locator("#my-placements").inner_text()
    ctx.close()
    task.refresh_from_db()
    assert task.status == "filled" and task.placements.count() == 2
    assert far_user.work_interest.placements.count() == 1
