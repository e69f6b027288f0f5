"""Printouts are cached per (municipality, area, categories, language, data version): the
second request is served from the cache, and any published change rebuilds it."""

from unittest import mock

import pytest
from django.test import Client

from sasaeai.directory import paper, printouts, services
from sasaeai.directory.models import Service, Status, Visibility

from .test_directory_paper import pdf_text


@pytest.mark.parametrize(("url", "builder"), [("/directory/paper/booklet.pdf", "booklet"),
                                              ("/directory/paper/calendar.pdf", "weekly_calendar")])
def test_second_request_is_served_from_cache_and_an_edit_invalidates_it(seeded_town, url, builder):
    m, area = seeded_town.municipality, seeded_town.areas[0]
    client = Client()
    query = {"m": m.pk, "area": area.pk}
    first = client.get(url, query)
    assert first.status_code == 200 and first["X-Printout-Cache"] == "miss"
    with mock.patch.object(paper, builder, side_effect=AssertionError("rebuilt")):
        second = client.get(url, query)
    assert second["X-Printout-Cache"] == "hit" and second.content == first.content
    # Another area is another printout; so is the whole town.
    other = {"m": m.pk, "area": seeded_town.areas[1].pk}
    assert client.get(url, other)["X-Printout-Cache"] == "miss"
    assert client.get(url, {"m": m.pk})["X-Printout-Cache"] == "miss"
    # A published edit changes the data version: the next request rebuilds, with the new name.
    service = Service.objects.filter(area=area, status=Status.PUBLISHED, visibility=Visibility.PUBLIC,
                                     schedules__kind="weekly").exclude(category__in=paper.OPENING_HOURS).first()
    services.save_service(by=None, municipality=m, service=service, values={
        **{k: getattr(service, k) for k in ("category", "visibility", "status")},
        "area": area, "name": "改名した体操の会"})
    third = client.get(url, query)
    assert third["X-Printout-Cache"] == "miss"
    assert "改名した体操の会" in "".join(pdf_text(third.content).split())
    assert client.get(url, query)["X-Printout-Cache"] == "hit"
    # The whole town shows the edit too; the other area's printout is still valid.
    assert client.get(url, {"m": m.pk})["X-Printout-Cache"] == "miss"
    assert client.get(url, other)["X-Printout-Cache"] == "hit"
    # Only the current version is kept on disk.
    kind = "booklet" if builder == "booklet" else "calendar"
    assert len(list(printouts.directory().glob(f"{kind}-m{m.pk}-*-a{area.pk}-*.pdf"))) == 1


def test_version_changes_with_unpublishing_and_geography(seeded_town):
    from sasaeai.geo.models import Landmark

    m = seeded_town.municipality
    v0 = printouts.data_version(m)
    service = Service.objects.filter(municipality=m, status=Status.PUBLISHED).first()
    services.save_service(by=None, municipality=m, service=service, values={
        "name": service.name, "category": service.category, "area": service.area,
        "visibility": service.visibility, "status": Status.ARCHIVED})
    v1 = printouts.data_version(m)
    assert v1 != v0
    # Moving a resource to another area changes both areas' versions.
    a, b = seeded_town.areas[0], seeded_town.areas[1]
    before = printouts.data_version(m, a), printouts.data_version(m, b)
    moving = Service.objects.filter(area=a, status=Status.PUBLISHED).first()
    services.save_service(by=None, municipality=m, service=moving, values={
        "name": moving.name, "category": moving.category, "area": b, "visibility": moving.visibility,
        "status": moving.status})
    after = printouts.data_version(m, a), printouts.data_version(m, b)
    assert after[0] != before[0] and after[1] != before[1]
    v2 = printouts.data_version(m)
    Landmark.objects.filter(municipality=m).first().delete()
    assert printouts.data_version(m) != v2 and printouts.data_version(m, a) != after[0]


def test_categories_and_language_are_part_of_the_key(seeded_town):
    m = seeded_town.municipality
    client = Client()
    assert client.get("/directory/paper/booklet.pdf", {"m": m.pk})["X-Printout-Cache"] == "miss"
    assert client.get("/directory/paper/booklet.pdf", {"m": m.pk, "category": "exercise"})["X-Printout-Cache"] == "miss"
    assert client.get("/directory/paper/booklet.pdf", {"m": m.pk, "category": "exercise"})["X-Printout-Cache"] == "hit"
    english = client.get("/directory/paper/booklet.pdf", {"m": m.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Printout-Cache"] == "miss"


def test_build_printouts_precomputes_every_area(seeded_town):
    from io import StringIO

    from django.core.management import call_command

    m = seeded_town.municipality
    out = StringIO()
    call_command("build_printouts", "--municipality", m.code, stdout=out)
    n = 2 * (1 + len(seeded_town.areas))
    assert f"{n} built, 0 already cached" in out.getvalue()
    client = Client()
    for area in seeded_town.areas:
        assert client.get("/directory/paper/booklet.pdf", {"m": m.pk, "area": area.pk})["X-Printout-Cache"] == "hit"
    assert client.get("/directory/paper/calendar.pdf", {"m": m.pk})["X-Printout-Cache"] == "hit"
    out = StringIO()
    call_command("build_printouts", "--municipality", m.code, stdout=out)
    assert f"0 built, {n} already cached" in out.getvalue()
