"""An SC posts an anonymous question in the exchange and an SC of another municipality answers
it, in a real browser (issue 16 acceptance): the second SC sees 「匿名のコーディネーター」, never
the name; the asker accepts the answer."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def block_outside(page, base_url):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())


def test_an_anonymous_question_answered_by_another_coordinator(page, browser, live_server, make_municipality,
                                                               make_user):
    from django.urls import reverse

    from sasaeai.exchange import services
    from sasaeai.exchange.models import Post
    from sasaeai.tenancy.models import Role

    a, b = make_municipality(name="ささえ市", is_synthetic=True), make_municipality(name="となり町", is_synthetic=True)
    operator = make_user(Role.OPERATOR, None)
    asker = make_user(Role.COORDINATOR_L1, a, display_name="佐藤花子")
    helper = make_user(Role.COORDINATOR_L2, b, areas=[b.areas.filter(layer=2).first()], display_name="鈴木一郎")
    space = services.create_space(by=operator, name="東京都SCの場", scope="prefecture", prefecture=a.prefecture)
    base = live_server.url
    block_outside(page, base)

    # The asker: one text box, ticked anonymous.
    browser_login(page, base, asker)
    page.goto(f"{base}{reverse('exchange:space', args=[space.pk])}")
    page.fill("#post-body", "移動支援の立ち上げで、最初に誰に相談しましたか？\n住民ドライバーの保険も悩んでいます。")
    page.get_by_label("匿名で投稿する", exact=False).first.check()
    page.locator("#post-form button[type=submit]").click()
    page.wait_for_selector("#threads a")
    question = Post.objects.get(thread__isnull=True)
    assert question.anonymous and question.author == asker
    assert question.title == "移動支援の立ち上げで、最初に誰に相談しましたか？"

    # Another municipality's SC sees the question as 「匿名のコーディネーター」 and answers it.
    other = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    other.set_default_timeout(30_000)
    sc2 = other.new_page()
    block_outside(sc2, base)
    try:
        browser_login(sc2, base, helper)
        sc2.goto(f"{base}{reverse('exchange:space', args=[space.pk])}")
        listing = sc2.locator("#threads").inner_text()
        assert "匿名のコーディネーター" in listing and "佐藤" not in listing
        sc2.get_by_role("link", name="移動支援の立ち上げで、最初に誰に相談しましたか？").click()
        sc2.wait_for_url(f"**{reverse('exchange:thread', args=[question.pk])}")
        assert sc2.locator(f"#post-{question.pk} .author").inner_text() == "匿名のコーディネーター"
        assert "佐藤花子" not in sc2.content()
        sc2.fill("#reply-body", "うちは社協と自治会長に最初に相談しました。保険は社協のボランティア保険です。")
        sc2.locator("#reply-form button[type=submit]").click()
        sc2.wait_for_selector(".exchange-post >> nth=1")
        assert "佐藤花子" not in sc2.content()
    finally:
        other.close()
    reply = Post.objects.get(thread=question)
    assert reply.author == helper and not reply.anonymous

    # The asker sees the signed answer and accepts it.
    page.goto(f"{base}{reverse('exchange:thread', args=[question.pk])}")
    assert "鈴木一郎" in page.locator(f"#post-{reply.pk} .author").inner_text()
    page.get_by_role("button", name="ベストアンサーに選ぶ").click()
    page.wait_for_selector(f"#post-{reply.pk} >> text=ベストアンサー")
    question.refresh_from_db()
    assert question.accepted_answer_id == reply.pk
