"""Staff administration of a municipality: invite, change role and areas, end and restart a
membership, reset the second factor, edit areas. Every change is audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.notifications.models import Notification
from sasaeai.safety.models import AuditEvent
from sasaeai.tenancy import selectors, services
from sasaeai.tenancy.models import Area, Invitation, Membership, Role

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    admin = make_user(Role.MUNICIPAL_ADMIN, m)
    return {"m": m, "north": north, "south": south, "admin": admin}


def _code(excinfo) -> str:
    return excinfo.value.error_list[0].code if not hasattr(excinfo.value, "error_dict") else next(
        e.code for errs in excinfo.value.error_dict.values() for e in errs)


def _invite(town, role=Role.COORDINATOR_L2, areas=None, email="new.sc@example.test"):
    return services.staff_invite(by=town["admin"], municipality=town["m"], email=email, display_name="新人 さん",
                                 role=role, areas=[town["north"]] if areas is None else areas)


def _token(invitation) -> str:
    url = Notification.objects.filter(user=invitation.membership.user, kind="tenancy.invitation").latest("pk").context["url"]
    return url.rstrip("/").rsplit("/", 1)[1]


def test_it_invites_with_a_one_time_expiring_link_and_audits(town):
    invitation = _invite(town)
    user = invitation.membership.user
    assert not user.has_usable_password()
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=6)
    note = Notification.objects.get(user=user, kind="tenancy.invitation")
    assert note.channel == "email" and "/accounts/invitation/" in note.context["url"]
    assert "第2層" in note.body or "coordinator" in note.body
    token = _token(invitation)
    assert invitation.token_hash != token and services.token_hash(token) == invitation.token_hash
    event = AuditEvent.objects.get(action="staff.invited")
    assert event.actor == town["admin"] and event.municipality_id == town["m"].pk
    assert event.details["after"] == {"role": Role.COORDINATOR_L2, "areas": [town["north"].pk]}
    assert "new.sc@example.test" not in str(event.details)  # ids and codes only

    services.invitation_accept(token=token, password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(token=token, password=NEW_PASSWORD)
    assert _code(excinfo) == "invitation_used"


def test_it_refuses_an_expired_invitation(town):
    invitation = _invite(town)
    token = _token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(token=token, password=NEW_PASSWORD)
    assert _code(excinfo) == "invitation_expired"
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(token="not-a-token", password=NEW_PASSWORD)
    assert _code(excinfo) == "invitation_invalid"


def test_it_refuses_a_weak_password_and_keeps_the_link(town):
    invitation = _invite(town)
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(token=_token(invitation), password="short")
    assert _code(excinfo) == "password_invalid"
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_a_resent_invitation_voids_the_earlier_link(town):
    first = _invite(town)
    old_token = _token(first)
    services.invitation_resend(by=town["admin"], membership=first.membership)
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(token=old_token, password=NEW_PASSWORD)
    assert _code(excinfo) == "invitation_expired"
    services.invitation_accept(token=_token(Invitation.objects.latest("pk")), password=NEW_PASSWORD)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.RESIDENT, Role.HELPER, "nonsense"])
def test_it_never_grants_operator_or_non_staff_roles(town, role):
    with pytest.raises(ValidationError) as excinfo:
        _invite(town, role=role, areas=[])
    assert _code(excinfo) == "role_not_grantable"
    assert not Membership.history.filter(role=role, user__email="new.sc@example.test").exists()


def test_it_refuses_areas_of_another_municipality_and_a_layer2_coordinator_without_area(town, make_municipality):
    other = make_municipality()
    foreign = Area.objects.filter(municipality=other, layer=2).first()
    with pytest.raises(ValidationError) as excinfo:
        _invite(town, areas=[foreign])
    assert _code(excinfo) == "area_foreign"
    with pytest.raises(ValidationError) as excinfo:
        _invite(town, areas=[])
    assert _code(excinfo) == "areas_required"
    assert not Membership.history.filter(user__email="new.sc@example.test").exists()


def test_it_refuses_an_email_already_in_use(town, make_user):
    make_user(email="taken@example.test")
    with pytest.raises(ValidationError) as excinfo:
        _invite(town, email="Taken@example.test")
    assert _code(excinfo) == "email_in_use"


def test_admins_of_another_municipality_and_coordinators_cannot_manage(town, make_municipality, make_user):
    other = make_municipality()
    for outsider in (make_user(Role.MUNICIPAL_ADMIN, other), make_user(Role.COORDINATOR_L1, town["m"])):
        with pytest.raises(PermissionDenied):
            services.staff_invite(by=outsider, municipality=town["m"], email="x@example.test", display_name="x",
                                  role=Role.COORDINATOR_L1)
        assert not selectors.managed_memberships(outsider).filter(municipality=town["m"]).exists()


def test_an_operator_manages_every_municipality(town, make_user):
    operator = make_user(Role.OPERATOR, None)
    services.staff_invite(by=operator, municipality=town["m"], email="op-made@example.test", display_name="x",
                          role=Role.SUPPORT_CENTER, areas=[town["south"]])
    assert town["m"] in selectors.managed_municipalities(operator)


def test_changing_areas_keeps_the_membership_and_records_before_after(town, make_user):
    sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["north"]])
    membership = sc.memberships.get()
    same = services.membership_change(by=town["admin"], membership=membership, role=Role.COORDINATOR_L2,
                                      areas=[town["south"]], reason="異動")
    assert same.pk == membership.pk and [a.pk for a in same.areas.all()] == [town["south"].pk]
    event = AuditEvent.objects.get(action="staff.areas_changed")
    assert event.details == {"user_id": sc.pk, "before": {"role": "coordinator_l2", "areas": [town["north"].pk]},
                             "after": {"role": "coordinator_l2", "areas": [town["south"].pk]}, "reason": "異動"}


def test_changing_role_ends_one_membership_and_starts_another(town, make_user):
    sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["north"]])
    old = sc.memberships.get()
    new = services.membership_change(by=town["admin"], membership=old, role=Role.COORDINATOR_L1, areas=[])
    old.refresh_from_db()
    assert old.ended_at is not None and new.ended_at is None and new.role == Role.COORDINATOR_L1
    assert new.started_at == old.ended_at
    assert list(Membership.objects.filter(user=sc).values_list("role", flat=True)) == ["coordinator_l1"]
    assert AuditEvent.objects.get(action="staff.role_changed").details["ended_membership"] == old.pk


def test_at_least_one_municipal_admin_remains(town, make_user):
    own = town["admin"].memberships.get()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_end(by=town["admin"], membership=own, reason="退職")
    assert _code(excinfo) == "last_admin"
    with pytest.raises(ValidationError) as excinfo:
        services.membership_change(by=town["admin"], membership=own, role=Role.COORDINATOR_L1, areas=[])
    assert _code(excinfo) == "last_admin"
    second = make_user(Role.MUNICIPAL_ADMIN, town["m"])
    services.membership_end(by=second, membership=own, reason="退職")
    assert not Membership.objects.filter(user=town["admin"]).exists()


def test_deactivation_ends_access_at_once_and_keeps_the_record(town, make_user, client_for):
    sc = make_user(Role.COORDINATOR_L1, town["m"])
    client = client_for(sc)
    assert client.get(f"/municipalities/{town['m'].pk}/").status_code == 200
    membership = sc.memberships.get()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_end(by=town["admin"], membership=membership, reason="")
    assert _code(excinfo) == "reason_required"
    services.membership_end(by=town["admin"], membership=membership, reason="退職")
    assert client.get(f"/municipalities/{town['m'].pk}/").status_code == 404
    ended = Membership.history.get(pk=membership.pk)
    assert ended.ended_at is not None and ended.started_at <= ended.ended_at
    assert AuditEvent.objects.get(action="staff.deactivated").details["reason"] == "退職"

    again = services.membership_restart(by=town["admin"], membership=ended, reason="復職")
    assert again.pk != ended.pk and again.ended_at is None
    assert client.get(f"/municipalities/{town['m'].pk}/").status_code == 200
    assert Membership.history.filter(user=sc).count() == 2  # both periods kept (SC tenure)


def test_resetting_the_second_factor_makes_the_next_request_re_enrol(town, make_user, client_for):
    sc = make_user(Role.COORDINATOR_L1, town["m"])
    client = client_for(sc)
    assert client.get("/").status_code == 200
    removed = services.second_factor_reset(by=town["admin"], membership=sc.memberships.get(), reason="端末紛失")
    assert removed == 1 and not TOTPDevice.objects.filter(user=sc).exists()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    assert AuditEvent.objects.get(action="staff.second_factor_reset").details["devices_removed"] == 1


def test_area_edit_validates_and_audits_only_what_changed(town):
    area = town["north"]
    services.area_update(by=town["admin"], area=area, name="北部地区", name_kana="ほくぶちく",
                         center_lat=area.center_lat, center_lon=area.center_lon, population_65_plus=1234)
    event = AuditEvent.objects.get(action="area.changed")
    assert set(event.details["before"]) == {"name", "name_kana", "population_65_plus"}
    assert event.details["after"]["name"] == "北部地区"
    with pytest.raises(ValidationError):
        services.area_update(by=town["admin"], area=area, name=town["south"].name)
    with pytest.raises(ValidationError):
        services.area_update(by=town["admin"], area=area, center_lat=10.0)
    with pytest.raises(ValidationError) as excinfo:
        services.area_update(by=town["admin"], area=area, layer=1)
    assert _code(excinfo) == "field_not_editable"
    assert AuditEvent.objects.filter(action="area.changed").count() == 1


class _Rollback(Exception):
    pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(["end", "demote", "restart"]), st.integers(0, 2)), max_size=8))
def test_any_sequence_of_changes_keeps_a_municipal_admin(town, make_user, ops):
    """Invariant: whatever administrators do to each other, one stays in force."""
    from django.db import transaction

    try:
        with transaction.atomic():
            admins = [town["admin"], make_user(Role.MUNICIPAL_ADMIN, town["m"]),
                      make_user(Role.MUNICIPAL_ADMIN, town["m"])]
            for op, i in ops:
                target = Membership.history.filter(user=admins[i], municipality=town["m"]).latest("pk")
                actor = next((a for a in admins if Membership.objects.filter(
                    user=a, role=Role.MUNICIPAL_ADMIN).exists()), None)
                assert actor is not None
                try:
                    if op == "end":
                        services.membership_end(by=actor, membership=target, reason="x")
                    elif op == "demote":
                        services.membership_change(by=actor, membership=target, role=Role.COORDINATOR_L1, areas=[])
                    else:
                        services.membership_restart(by=actor, membership=target)
                except ValidationError:
                    pass
                assert Membership.objects.filter(municipality=town["m"], role=Role.MUNICIPAL_ADMIN).exists()
            raise _Rollback
    except _Rollback:
        pass
