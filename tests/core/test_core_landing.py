"""Issue 9 §9: the anonymous home page offers the search, the map and the municipality's phone
window, not only a log-in button."""

import re

from sasaeai.directory.models import Service


def _phone(m, phone="042-000-0000", hours="平日 8:30〜17:15", window="ささえ市 地域包括ケア推進課"):
    m.contact_phone, m.contact_hours, m.contact_window_name = phone, hours, window
    m.save()
    return m


def test_single_municipality_shows_search_map_and_phone_directly(client, make_municipality):
    m = _phone(make_municipality())
    html = client.get("/").content.decode()
    form = re.search(r'<form method="get" action="/directory/" role="search">(.*?)</form>', html, re.S)
    assert form, "search form posting to the directory search"
    assert 'name="q"' in form.group(1) and f'name="m" value="{m.pk}"' in form.group(1)
    assert f'href="/directory/map/?m={m.pk}"' in html
    assert 'href="tel:0420000000"' in html and "042-000-0000" in html
    assert "平日 8:30〜17:15" in html and "ささえ市 地域包括ケア推進課" in html
    assert "電話で相談" in html and "ログイン" in html
    assert 'id="landing-m"' not in html  # nothing to choose


def test_several_municipalities_let_the_visitor_choose(client, make_municipality):
    a = _phone(make_municipality(), phone="042-111-1111")
    b = _phone(make_municipality(), phone="0120-222-222", window="第二市 福祉課")
    html = client.get("/").content.decode()
    assert 'id="landing-m"' in html and f'value="{a.pk}"' in html and f'value="{b.pk}"' in html
    assert "042-111-1111" not in html and "0120-222-222" not in html
    assert "市町村を選ぶと電話番号が表示されます" in html
    html = client.get("/", {"m": b.pk}).content.decode()
    assert "0120-222-222" in html and "第二市 福祉課" in html and "042-111-1111" not in html
    assert f'href="/directory/map/?m={b.pk}"' in html and f'name="m" value="{b.pk}"' in html
    assert client.get("/", {"m": "999999"}).status_code == 200
    assert client.get("/", {"m": "x<script>"}).status_code == 200


def test_landing_in_english(client, make_municipality):
    _phone(make_municipality())
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ask by phone" in html and "Find support and gatherings" in html


def test_the_landing_search_reaches_the_directory(client, make_municipality):
    from sasaeai.directory.demo import seed
    from tests.directory.conftest import town_of

    m = make_municipality(n_areas=2)
    seed(town_of(m))
    public = Service.objects.filter(municipality=m, status="published", visibility="public").first()
    word = public.name.split(" ")[-1]
    response = client.get("/directory/", {"m": m.pk, "q": word})
    assert response.status_code == 200 and word in response.content.decode()
