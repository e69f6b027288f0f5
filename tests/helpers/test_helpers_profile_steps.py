"""Issue 9 §9: the helper profile in short steps, the home from a postal code and a map point,
never typed coordinates."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.helpers import postal
from sasaeai.helpers.models import HelperProfile
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit

STEP_URLS = [
    "/helpers/me/about/", "/helpers/me/home/", "/helpers/me/skills/", "/helpers/me/qualifications/",
    "/helpers/me/availability/", "/helpers/me/exceptions/", "/helpers/me/insurance/", "/helpers/me/identity/",
]
#: The most questions one step's form may ask (a formset row counts once).
MAX_FIELDS = 6


class _Forms(HTMLParser):
    """Visible field names per <form> (hidden inputs and the CSRF token left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {"action": a.get("action"), "visible": set(), "hidden": set()}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None and a.get("name"):
            name = re.sub(r"^rules-\d+-", "rules-N-", a["name"])
            kind = "hidden" if a.get("type") == "hidden" else "visible"
            self._current[kind].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def test_every_step_is_a_short_page(client_for, world):
    client = client_for(world["helper"])
    for url in STEP_URLS:
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert 'aria-current="step"' in html, url
        forms = [f for f in forms_of(html) if f["visible"] and f["action"] != "/i18n/setlang/"]
        assert forms or "identity" in url, url
        for f in forms:
            assert len(f["visible"]) <= MAX_FIELDS, (url, sorted(f["visible"]))


def test_the_old_single_page_is_an_overview_of_the_steps(client_for, world):
    r = client_for(world["helper"]).get("/helpers/me/")
    assert r.status_code == 200
    html = r.content.decode()
    assert not [f for f in forms_of(html) if f["visible"] and f["action"] != "/i18n/setlang/"]
    for url in STEP_URLS:
        assert f'href="{url}"' in html
    assert client_for(world["helper"]).post("/helpers/me/", {"radius_km": "2"}).status_code == 405


def test_saving_a_step_goes_to_the_next(client_for, world):
    r = client_for(world["helper"]).post("/helpers/me/about/", {"languages": ["ja"], "bio": "よろしく", "active": "on"})
    assert r.status_code == 302 and r["Location"] == "/helpers/me/home/"
    p = HelperProfile.objects.get(pk=world["profile"].pk)
    assert p.bio == "よろしく" and p.languages == ["ja"]
    # Fields of the other steps are untouched.
    assert p.skills == ["housework", "watch_talk"] and p.radius_km == 3.0


def test_home_step_never_asks_for_coordinates(client_for, world):
    html = client_for(world["helper"]).get("/helpers/me/home/").content.decode()
    home = next(f for f in forms_of(html) if f["action"] == "/helpers/me/home/")
    assert {"home_lat", "home_lon"} <= home["hidden"]
    assert not {"home_lat", "home_lon"} & home["visible"]
    assert "home_postal_code" in home["visible"] and "home_address" in home["visible"]
    assert "緯度" not in html and "経度" not in html
    assert 'id="home-map"' in html and "sasaeai/js/point_picker.js" in html and 'id="home-map-data"' in html


@pytest.mark.parametrize("raw", ["〒105-0011", "105-0011", "１０５－００１１", "105 0011", "1050011", "〒１０５ー００１１"])
def test_postal_lookup_accepts_common_spellings(client_for, world, raw):
    r = client_for(world["helper"]).post("/helpers/postal/", {"code": raw})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["postal_code"], body["display"]) == ("1050011", "105-0011")
    assert (body["prefecture"], body["city"], body["town"]) == ("東京都", "港区", "芝公園")
    assert body["address"] == "東京都港区芝公園"
    # 港区 is not a tenant here: the point falls back to the helper's area, marked approximate.
    assert body["point"] == {"lat": world["area1"].center_lat, "lon": world["area1"].center_lon,
                             "approximate": True, "source": "fallback"}


def test_postal_lookup_refuses_unknown_and_malformed_codes_in_both_languages(client_for, world):
    client = client_for(world["helper"])
    r = client.post("/helpers/postal/", {"code": "999-9999"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert r.status_code == 404 and r.json()["code"] == "unknown_postal_code"
    assert "郵便番号が見つかりません" in r.json()["message"]
    r = client.post("/helpers/postal/", {"code": "999-9999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["message"].startswith("This postal code was not found")
    r = client.post("/helpers/postal/", {"code": "12-34"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert r.status_code == 400 and r.json()["code"] == "invalid_postal_code"
    assert "7けた" in r.json()["message"]
    assert client.get("/helpers/postal/").status_code == 405


def test_postal_lookup_needs_a_login(client):
    r = client.post("/helpers/postal/", {"code": "1050011"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@given(digits=st.text(alphabet="0123456789", min_size=7, max_size=7), mark=st.sampled_from(["", "〒", "〒 "]),
       dash=st.sampled_from(["", "-", "－", "ー", "‐", " "]), wide=st.booleans())
def test_normalize_reads_any_spelling_of_seven_digits(digits, mark, dash, wide):
    text = f"{mark}{digits[:3]}{dash}{digits[3:]}"
    if wide:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert postal.normalize(text) == digits


@given(st.text(max_size=12))
def test_normalize_accepts_only_seven_digits(text):
    try:
        code = postal.normalize(text)
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "code", None) == "invalid_postal_code"
    else:
        assert re.fullmatch(r"[0-9]{7}", code)


def _minato(make_municipality):
    """港区 (JIS 13103) as a tenant with a daily-life area named after a town of 芝公園's code."""
    m = make_municipality(code=with_check_digit("13103"), name="港区", prefecture="13")
    tenancy.create_area(municipality=m, name="芝公園", center_lat=35.6545, center_lon=139.7480)
    return m


def test_home_without_a_map_point_is_placed_from_the_postal_code(client_for, make_municipality, make_user):
    from sasaeai.helpers import services

    m = _minato(make_municipality)
    user = make_user("helper", m)
    services.create_profile(user, m)
    r = client_for(user).post("/helpers/me/home/", {"home_postal_code": "〒105-0011", "home_address": "東京都港区芝公園",
                                                    "radius_km": "3", "travel_mode": "walk"})
    assert r.status_code == 302, r.content.decode()[:1500]
    p = HelperProfile.objects.get(user=user)
    assert p.home_postal_code == "1050011" and p.home_address == "東京都港区芝公園"
    assert (p.home_lat, p.home_lon) == (35.6545, 139.7480)  # the area named in the town


def test_a_new_postal_code_moves_an_unmoved_point_but_a_placed_point_wins(client_for, world):
    client = client_for(world["helper"])
    base = {"radius_km": "3", "travel_mode": "walk", "area": world["area2"].pk}
    # The marker was placed on the map: the hidden fields carry the point, it is kept.
    r = client.post("/helpers/me/home/", {**base, "home_postal_code": "1050011", "home_lat": "35.671234",
                                          "home_lon": "139.341234"})
    assert r.status_code == 302
    p = HelperProfile.objects.get(pk=world["profile"].pk)
    assert (p.home_lat, p.home_lon) == (35.671234, 139.341234)
    # A new postal code with the point left where it was (no JavaScript): approximate again.
    r = client.post("/helpers/me/home/", {**base, "home_postal_code": "1900022", "home_lat": "35.671234",
                                          "home_lon": "139.341234"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.home_lat, p.home_lon) == (world["area2"].center_lat, world["area2"].center_lon)


def test_a_point_outside_japan_is_refused(client_for, world):
    r = client_for(world["helper"]).post("/helpers/me/home/", {
        "radius_km": "3", "travel_mode": "walk", "home_lat": "48.85", "home_lon": "2.35"})
    assert r.status_code == 400
    assert "地図で日本の中に地点を置いてください" in r.content.decode()
    p = HelperProfile.objects.get(pk=world["profile"].pk)
    assert (p.home_lat, p.home_lon) == (35.66, 139.33)


def test_a_malformed_postal_code_is_a_field_error(client_for, world):
    r = client_for(world["helper"]).post("/helpers/me/home/", {"radius_km": "3", "travel_mode": "walk",
                                                               "home_postal_code": "12-34"})
    assert r.status_code == 400
    assert "7けた" in r.content.decode()


def test_the_api_takes_a_postal_code_and_refuses_a_point_outside_japan(client_for, world):
    import json

    c = client_for(world["helper"])

    def patch(body):
        r = c.patch("/api/v1/helpers/me", data=json.dumps(body), content_type="application/json")
        return r.status_code, r.json()

    status, body = patch({"home_postal_code": "〒１０５－００１１", "home_address": "東京都港区芝公園"})
    assert status == 200 and body["home_postal_code"] == "1050011" and body["home_address"] == "東京都港区芝公園"
    status, body = patch({"home_postal_code": "12-34"})
    assert status == 400 and body["code"] == "invalid_postal_code" and "home_postal_code" in body["fields"]
    status, body = patch({"home_lat": 48.85, "home_lon": 2.35})
    assert status == 400 and body["code"] == "home_outside_japan"
