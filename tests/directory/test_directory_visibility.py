"""Private and professionals-only resources never reach residents or anonymous visitors:
not through pages, the API, map data, PDFs or exports. Editors and professionals see what
their role allows, and nothing of another municipality."""

import io
import json
import zipfile

import pytest
from django.test import Client

from sasaeai.directory.models import Service, Status, Visibility
from sasaeai.tenancy.models import Role

HIDDEN_MARK = "ひそかな"
PRO_MARK = "専門職向け"


def _texts(client, m):
    """Everything a client can get: pages, API, map data, PDFs (as text), HSDS export."""
    out = {}
    out["search"] = client.get("/directory/", {"m": m.pk, "q": "体操"}).content.decode()
    out["map"] = client.get("/directory/map/", {"m": m.pk}).content.decode()
    out["map_data"] = client.get("/directory/map/data.json", {"m": m.pk, "q": "体操"}).content.decode()
    out["api"] = json.dumps(client.get("/api/v1/resources", {"q": "体操", "page_size": 100}).json(), ensure_ascii=False)
    return out


@pytest.mark.parametrize("who", ["anonymous", "resident", "helper"])
def test_hidden_resources_never_reach_residents_or_visitors(small_dir, make_user, client_for, who):
    m = small_dir["m"]
    client = Client() if who == "anonymous" else client_for(make_user(who, m))
    texts = _texts(client, m)
    for name, text in texts.items():
        assert "いきいき体操" in text, name
        assert HIDDEN_MARK not in text, name
        assert PRO_MARK not in text, name
        assert "準備中の体操" not in text, name
    for key in ("pro", "private", "draft"):
        service = small_dir[key]
        assert client.get(f"/directory/r/{service.pk}/").status_code == 404
        assert client.get(f"/api/v1/resources/{service.pk}").status_code == 404
    assert client.get(f"/directory/r/{small_dir['public'].pk}/").status_code == 200


def test_professionals_see_professional_resources_but_not_private(small_dir, make_user, client_for):
    m = small_dir["m"]
    client = client_for(make_user(Role.SUPPORT_CENTER, m))
    api = client.get("/api/v1/resources", {"q": "体操"}).json()
    names = {i["name"] for i in api["items"]}
    assert "専門職向け 体操 連絡会" in names
    assert not any(HIDDEN_MARK in n for n in names)
    assert client.get(f"/directory/r/{small_dir['private'].pk}/").status_code == 404


def test_coordinator_sees_private_notes_of_own_area_only(small_dir, make_user, client_for):
    client = client_for(small_dir["coordinator"])
    names = {i["name"] for i in client.get("/api/v1/resources", {"q": "体操"}).json()["items"]}
    assert "ひそかな協力店 体操" in names
    other_area_private = small_dir["make"]("別地区の非公開", area=small_dir["a2"], visibility=Visibility.PRIVATE)
    assert client.get(f"/directory/r/{other_area_private.pk}/").status_code == 404
    # Drafts of their area are visible on the detail page (for editing) but never in search.
    assert client.get(f"/directory/r/{small_dir['draft'].pk}/").status_code == 200
    assert "準備中の体操" not in names


def test_other_municipality_sees_no_restricted_resources(small_dir, make_municipality, make_user, client_for):
    other = make_municipality()
    client = client_for(make_user(Role.COORDINATOR_L1, other))
    for key in ("pro", "private", "draft"):
        assert client.get(f"/api/v1/resources/{small_dir[key].pk}").status_code == 404
        assert client.get(f"/directory/r/{small_dir[key].pk}/").status_code == 404
        assert client.get(f"/directory/r/{small_dir[key].pk}/edit/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "resident", "support_center", "coordinator_l1"])
def test_map_data_holds_exactly_what_the_list_shows(seeded_town, make_user, client_for, who):
    """The map's compact JSON has the same points as the search (list/API) for each role:
    public ones for visitors and residents, professionals-only ones for professionals."""
    from sasaeai.directory.selectors import SearchParams, search

    m = seeded_town.municipality
    user = None if who == "anonymous" else make_user(who, m)
    client = Client() if user is None else client_for(user)
    data = client.get("/directory/map/data.json", {"m": m.pk}).json()
    ids = {p[0] for p in data["points"]}
    expected = set(search(user, SearchParams(municipality_id=m.pk)).filter(location__isnull=False)
                   .values_list("pk", flat=True))
    assert ids == expected
    public = set(Service.objects.filter(municipality=m, status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
                 .values_list("pk", flat=True))
    if who in ("anonymous", "resident"):
        assert ids == public
    elif who == "support_center":  # professionals-only entries too, never private ones
        assert ids > public and not Service.objects.filter(pk__in=ids, visibility=Visibility.PRIVATE).exists()
    else:  # an editor of the whole municipality also sees its private entries
        assert ids > public
    assert not Service.objects.filter(pk__in=ids).exclude(status=Status.PUBLISHED).exists()


def _pdf_text(data: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return subprocess.run(["pdftotext", "-layout", fh.name, "-"], capture_output=True, check=True).stdout.decode()


def test_paper_and_downloads_never_contain_restricted(seeded_town, make_user, client_for):
    m = seeded_town.municipality
    restricted = list(Service.objects.filter(municipality=m).exclude(visibility=Visibility.PUBLIC))
    restricted_ids = {str(s.hsds_id) for s in restricted}
    # Give restricted entries a unique marker so their absence is checkable in text.
    Service.objects.filter(pk__in=[s.pk for s in restricted]).update(name="秘密の資源")
    coordinator = make_user(Role.COORDINATOR_L1, m)
    for client in (Client(), client_for(make_user(Role.RESIDENT, m)), client_for(coordinator)):
        for url in ("/directory/paper/booklet.pdf", "/directory/paper/calendar.pdf"):
            response = client.get(url, {"m": m.pk})
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
            text = _pdf_text(response.content)
            assert "秘密の資源" not in text
    for fmt in ("json", "csv"):
        response = client_for(coordinator).get("/directory/exchange/hsds.zip", {"m": m.pk, "format": fmt})
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
            blob = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
        assert "秘密の資源" not in blob
        assert not any(i in blob for i in restricted_ids)
    # Residents and visitors cannot download exports at all.
    assert Client().get("/directory/exchange/hsds.zip", {"m": m.pk}).status_code == 302
    assert client_for(make_user(Role.RESIDENT, m)).get("/directory/exchange/hsds.zip", {"m": m.pk}).status_code == 403
