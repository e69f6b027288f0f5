"""Notifications carry real links: absolute URLs built from SASAEAI_SITE_URL in the email body,
the inbox and the API (issue 9 §3)."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.notifications import notify
from sasaeai.notifications.links import absolute_url, clean_link
from sasaeai.notifications.models import Notification

SITE = "https://sasaeai.example.lg.jp"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE, SASAEAI_SITE_URL=SITE)
def test_email_body_carries_the_absolute_link(person):
    n = notify(person, "requests.message_received", {"request_id": 5, "url": "/requests/5/"})
    assert n.url == "/requests/5/"  # the record keeps the path
    assert n.absolute_url == f"{SITE}/requests/5/"
    assert len(mail.outbox) == 1
    assert f"{SITE}/requests/5/" in mail.outbox[0].body
    assert not re.search(r"(?<![\w/.:])/requests/5/", mail.outbox[0].body)  # no bare path


@override_settings(TASKS=IMMEDIATE, SASAEAI_SITE_URL=SITE + "/")
def test_email_without_link_in_its_template_still_gets_one(person):
    # helpers.suspended used to carry no link at all; a kind without a template and without a
    # url in the context points at the inbox.
    notify(person, "helpers.suspended", {"url": "/helpers/me/"})
    notify(person, "test.hello", {"subject": "件名", "body": "本文"})
    assert f"{SITE}/helpers/me/" in mail.outbox[0].body
    assert mail.outbox[1].body.endswith(f"{SITE}/notifications/")
    assert "//notifications" not in mail.outbox[1].body.replace("https://", "")


@override_settings(SASAEAI_SITE_URL=SITE)
def test_inbox_renders_each_notification_as_a_link_to_its_target(person, client_for):
    notify(person, "requests.helper_found", {"category": "買い物", "starts_at": "2026-12-01 10:00",
                                             "url": "/requests/7/"}, channel="in_app")
    notify(person, "test.hello", {"subject": "リンクなし"}, channel="in_app")
    html = client_for(person).get("/notifications/").content.decode()
    assert f'<a href="{SITE}/requests/7/">' in html
    assert re.search(rf'<a href="{re.escape(SITE)}/notifications/">リンクなし</a>', html)


@override_settings(SASAEAI_SITE_URL=SITE)
def test_api_lists_the_absolute_link(person, client_for):
    notify(person, "test.hello", {"subject": "x", "url": "/requests/9/"}, channel="in_app")
    body = client_for(person).get("/api/v1/notifications").json()
    item = body["items"][0] if isinstance(body, dict) else body[0]
    assert item["url"] == "/requests/9/" and item["absolute_url"] == f"{SITE}/requests/9/"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "//evil.example/x", "requests/5/", "ftp://x/"])
def test_links_that_are_not_site_paths_are_refused(person, bad):
    with pytest.raises(ValidationError) as exc:
        notify(person, "test.hello", {"subject": "x", "url": bad})
    assert exc.value.code == "invalid_link"
    assert not Notification.objects.exists()


@settings(max_examples=60, deadline=None)
@given(path=st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r\n\t "), max_size=60),
       site=st.sampled_from(["http://127.0.0.1:8123", "https://a.example.jp/", "http://localhost:8000"]))
def test_every_stored_link_becomes_a_url_on_the_configured_site(path, site):
    """Invariant: whatever path a sender passes, the stored link is refused or it turns into a
    URL on exactly the configured site (never another host)."""
    with override_settings(SASAEAI_SITE_URL=site):
        try:
            link = clean_link("/" + path)
        except ValidationError:
            assert path.startswith("/")  # only "//host" forms are refused
            return
        url = absolute_url(link)
        assert url.startswith(site.rstrip("/") + "/")
        assert url[len(site.rstrip("/")):] == link


def test_every_notification_link_in_the_code_is_a_page_of_this_site():
    """Every sender passes its target as a literal site path ("url": f"/…/{pk}/"); each one must
    resolve to a page (a typo would send people to a 404 from every email)."""
    from pathlib import Path

    from django.urls import Resolver404, resolve

    import sasaeai

    root = Path(sasaeai.__file__).parent
    found = {}
    for source in root.rglob("*.py"):
        if "notifications" in source.parts or "migrations" in source.parts:
            continue
        for path in re.findall(r'"url":\s*f?"(/[^"]*)"', source.read_text()):
            found[path] = source.relative_to(root)
    assert len(found) >= 7, found  # helpers (2), safety (visits, emergencies, incidents), requests (2)
    for path, source in found.items():
        concrete = re.sub(r"\{[^}]*\}", "1", path)
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"{source}: notification link {path} is not a page")


@override_settings(TASKS=IMMEDIATE, SASAEAI_SITE_URL=SITE)
def test_escalated_emergency_email_links_to_the_alert(make_municipality, make_user):
    """A real sender end to end: the emergency chain's email carries the absolute alert URL."""
    from sasaeai.residents.models import Resident
    from sasaeai.safety import emergency
    from sasaeai.tenancy.models import Role

    town = make_municipality(n_areas=1)
    area = town.areas.get(layer=2)
    sc2 = make_user(Role.COORDINATOR_L2, town, areas=[area])
    daughter = make_user(Role.PROXY, town)
    resident = Resident.objects.create(
        municipality=town, area=area, family_name="山田", given_name="花子", family_name_kana="やまだ",
        given_name_kana="はなこ", birth_date="1940-04-01", address="東京都テスト市本町1-2-3",
        postal_code="1900001", lat=35.66, lon=139.33, h3_cell="8844c0a305fffff", phone="0425000001")
    emergency.save_plan(resident, by=sc2, contacts=[
        {"kind": "family", "name": "山田一郎", "relation": "長女", "phone": "09011112222", "user_id": daughter.pk}])
    alert = emergency.raise_alert(by=sc2, resident=resident)
    (email,) = [m for m in mail.outbox if m.to == [daughter.email]]
    assert f"{SITE}/safety/emergencies/{alert.pk}/" in email.body
