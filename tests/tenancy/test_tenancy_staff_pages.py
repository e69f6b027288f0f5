"""The staff and area administration pages: a municipal administrator of the municipality
(or an operator) manages; another municipality's administrator gets 404; coordinators too."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.notifications.models import Notification
from sasaeai.safety.models import AuditEvent
from sasaeai.tenancy.models import Area, Membership, Role


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    return {"m": m, "north": north, "south": south, "admin": make_user(Role.MUNICIPAL_ADMIN, m)}


def test_staff_list_shows_name_role_areas_second_factor_state_and_last_login(town, make_user, client_for):
    sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["north"]], display_name="佐藤 一郎")
    TOTPDevice.objects.create(user=sc, name="app", confirmed=True)
    html = client_for(town["admin"]).get(f"/municipalities/{town['m'].pk}/staff/").content.decode()
    assert "佐藤 一郎" in html and "第2層" in html and "地区1" in html
    assert "設定済み" in html and "有効" in html and "ログインなし" in html
    assert "coordinator_l2" not in html  # labels, never codes


def test_invite_page_sends_the_invitation(town, client_for):
    client = client_for(town["admin"])
    url = f"/municipalities/{town['m'].pk}/staff/invite/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "new@example.test", "display_name": "新人", "role": "coordinator_l2",
                                 "areas": [town["south"].pk]})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new@example.test")
    assert list(membership.areas.all()) == [town["south"]]
    assert Notification.objects.filter(user=membership.user, kind="tenancy.invitation").exists()
    refused = client.post(url, {"email": "x@example.test", "display_name": "x", "role": "coordinator_l2"})
    assert refused.status_code == 200 and "少なくとも1つ" in refused.content.decode()
    operator_role = client.post(url, {"email": "y@example.test", "display_name": "y", "role": "operator"})
    assert operator_role.status_code == 200 and not Membership.objects.filter(user__email="y@example.test").exists()


def test_membership_page_changes_deactivates_and_resets(town, make_user, client_for):
    sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["north"]])
    membership = sc.memberships.get()
    client = client_for(town["admin"])
    page = f"/staff/memberships/{membership.pk}/"
    assert client.get(page).status_code == 200
    assert client.post(page, {"role": "coordinator_l2", "areas": [town["south"].pk]}).status_code == 302
    assert client.post(page + "reset-second-factor/", {"reason": "機種変更"}).status_code == 302
    assert client.post(page + "deactivate/", {"reason": ""}).status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()  # refused without a reason
    assert client.post(page + "deactivate/", {"reason": "退職"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert client.get(page).status_code == 200  # ended memberships stay visible
    assert client.post(page + "reactivate/", {}).status_code == 302
    assert Membership.objects.filter(user=sc).count() == 1
    trail = client.get(f"/municipalities/{town['m'].pk}/staff-record/").content.decode()
    for label in ("地域の変更", "2段階認証のリセット", "無効化", "再有効化", "退職", "地区1 → 地区2"):
        assert label in trail, label
    assert AuditEvent.objects.filter(municipality_id=town["m"].pk).count() == 4


def test_area_pages_edit_and_add(town, client_for):
    client = client_for(town["admin"])
    assert client.get(f"/municipalities/{town['m'].pk}/areas/").status_code == 200
    edit = f"/areas/{town['north'].pk}/edit/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"name": "北部", "name_kana": "ほくぶ", "center_lat": "35.7", "center_lon": "139.3",
                                  "population_65_plus": "1200"})
    assert response.status_code == 302
    town["north"].refresh_from_db()
    assert town["north"].name == "北部" and town["north"].population_65_plus == 1200
    outside = client.post(edit, {"name": "北部", "center_lat": "10", "center_lon": "139.3", "population_65_plus": "1"})
    assert outside.status_code == 200 and "日本国外" in outside.content.decode()
    added = client.post(f"/municipalities/{town['m'].pk}/areas/", {"name": "東地区", "center_lat": "35.6",
                                                                    "center_lon": "139.4", "population_65_plus": "0"})
    assert added.status_code == 302 and Area.objects.get(name="東地区").parent.layer == 1


def test_other_municipality_admin_and_coordinators_get_404(town, make_municipality, make_user, client_for):
    sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["north"]])
    membership = sc.memberships.get()
    other_admin = make_user(Role.MUNICIPAL_ADMIN, make_municipality())
    coordinator = make_user(Role.COORDINATOR_L1, town["m"])
    for outsider in (other_admin, coordinator):
        client = client_for(outsider)
        for url in (f"/municipalities/{town['m'].pk}/staff/", f"/staff/memberships/{membership.pk}/",
                    f"/areas/{town['north'].pk}/edit/", f"/municipalities/{town['m'].pk}/staff-record/"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/staff/memberships/{membership.pk}/deactivate/", {"reason": "x"}).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert client_for(coordinator).get("/staff/").status_code == 404


def test_operator_picks_a_municipality(town, make_municipality, make_user, client_for):
    other = make_municipality()
    operator = make_user(Role.OPERATOR, None)
    html = client_for(operator).get("/staff/").content.decode()
    assert town["m"].name in html and other.name in html
    assert client_for(town["admin"]).get("/staff/").status_code == 302


def test_invitation_link_sets_password_then_asks_for_totp(town, client):
    from sasaeai.tenancy import services

    invitation = services.staff_invite(by=town["admin"], municipality=town["m"], email="inv@example.test",
                                       display_name="招待 花子", role=Role.COORDINATOR_L1)
    url = Notification.objects.get(kind="tenancy.invitation").context["url"]
    path = "/" + url.split("://", 1)[-1].split("/", 1)[1] if "://" in url else url
    page = client.get(path)
    assert page.status_code == 200 and "招待 花子" in page.content.decode()
    mismatch = client.post(path, {"password": "a-long-and-unusual-passphrase-42", "password_again": "other"})
    assert mismatch.status_code == 200
    done = client.post(path, {"password": "a-long-and-unusual-passphrase-42",
                              "password_again": "a-long-and-unusual-passphrase-42"})
    assert done.status_code == 302 and "/accounts/otp/" in done["Location"]
    assert client.get("/").status_code == 302  # TOTP enrolment first
    assert client.get(path).status_code == 404  # one time only
    invitation.membership.user.refresh_from_db()
    assert invitation.membership.user.has_usable_password()


def test_municipality_page_links_to_the_area_editor_for_administrators_only(town, make_user, client_for):
    url = f"/municipalities/{town['m'].pk}/"
    assert f"/municipalities/{town['m'].pk}/areas/" in client_for(town["admin"]).get(url).content.decode()
    coordinator = make_user(Role.COORDINATOR_L1, town["m"])
    assert f"/municipalities/{town['m'].pk}/areas/" not in client_for(coordinator).get(url).content.decode()
