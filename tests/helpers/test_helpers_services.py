"""Services: vetting (identity, suspension), ratings and flags, permissions, notifications queued."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from sasaeai.helpers import selectors, services
from sasaeai.helpers.models import HelperEvent, HelperRating, IdentityStatus
from sasaeai.helpers.selectors import matchable_profiles
from sasaeai.notifications.models import Notification, Status

from .conftest import verify_identity


def test_matchable_requires_identity_verification(world):
    assert world["profile"] not in matchable_profiles(world["a"].pk)
    services.submit_identity(world["profile"], world["helper"], "passport")
    assert world["profile"] not in matchable_profiles(world["a"].pk)
    verify_identity_profile = services.review_identity(world["profile"], world["coordinator"], True)
    assert verify_identity_profile.identity_verified_by == world["coordinator"]
    assert list(matchable_profiles(world["a"].pk)) == [world["profile"]]
    # Only the municipality's own helpers.
    assert world["profile"] not in matchable_profiles(world["b"].pk)


def test_identity_rejection_needs_reason_and_can_be_resubmitted(world):
    services.submit_identity(world["profile"], world["helper"], "passport")
    with pytest.raises(ValidationError):
        services.review_identity(world["profile"], world["coordinator"], False, "")
    p = services.review_identity(world["profile"], world["coordinator"], False, "photo does not match")
    assert p.identity_status == IdentityStatus.REJECTED and p.identity_verified_at is None
    services.submit_identity(p, world["helper"], "driving_licence")
    with pytest.raises(ValidationError) as exc:
        services.submit_identity(verify_identity(p, world["coordinator"]), world["helper"], "passport")
    assert exc.value.code == "identity_already_verified"


def test_suspension_removes_from_matching_at_once_and_reinstatement_restores(verified_world):
    w = verified_world
    assert w["profile"] in matchable_profiles(w["a"].pk)
    with pytest.raises(ValidationError):
        services.suspend(w["profile"], w["coordinator"], "")
    services.suspend(w["profile"], w["coordinator"], "Complaint under investigation")
    assert w["profile"] not in matchable_profiles(w["a"].pk)
    with pytest.raises(ValidationError) as exc:
        services.suspend(w["profile"], w["coordinator"], "again")
    assert exc.value.code == "already_suspended"
    services.reinstate(w["profile"], w["coordinator"], "Investigation closed, no fault")
    assert w["profile"] in matchable_profiles(w["a"].pk)
    kinds = list(HelperEvent.objects.filter(profile=w["profile"]).order_by("pk").values_list("kind", "reason"))
    assert ("suspended", "Complaint under investigation") in kinds
    assert ("reinstated", "Investigation closed, no fault") in kinds


def test_location_falls_back_to_area_centre_and_is_required(verified_world):
    w = verified_world
    p = services.update_profile(w["profile"], w["helper"], home_lat=None, home_lon=None)
    assert (p.home_lat, p.home_lon) == (w["area1"].center_lat, w["area1"].center_lon) == p.home_point
    assert p in matchable_profiles(w["a"].pk)
    p = services.update_profile(p, w["helper"], area=None, home_lat=None, home_lon=None)
    assert p.home_point is None and p not in matchable_profiles(w["a"].pk)


def test_new_helper_profile_takes_the_membership_area(make_user, world):
    user = make_user("helper", world["a"], areas=[world["area2"]])
    assert services.get_or_create_own_profile(user).area == world["area2"]


def test_paused_or_deactivated_helpers_are_not_matchable(verified_world):
    w = verified_world
    services.update_profile(w["profile"], w["helper"], active=False)
    assert not matchable_profiles(w["a"].pk).exists()
    services.update_profile(w["profile"], w["helper"], active=True)
    w["helper"].is_active = False
    w["helper"].save()
    assert not matchable_profiles(w["a"].pk).exists()


def test_only_coordinators_of_the_helpers_municipality_and_area_may_review(world):
    p = world["profile"]
    services.submit_identity(p, world["helper"], "passport")
    for outsider in (world["coordinator_b"], world["coordinator_l2_area2"], world["helper"], world["other_helper"]):
        with pytest.raises(PermissionDenied):
            services.review_identity(p, outsider, True)
        with pytest.raises(PermissionDenied):
            services.suspend(p, outsider, "no reason really")
    assert selectors.profile_for_staff(world["coordinator_b"], p.pk) is None
    assert selectors.profile_for_staff(world["coordinator_l2_area2"], p.pk) is None
    assert selectors.profile_for_staff(world["coordinator"], p.pk) == p


def test_helper_cannot_edit_another_helpers_profile(world):
    other = world["other_profile"]
    with pytest.raises(PermissionDenied):
        services.update_profile(other, world["helper"], radius_km=50)
    with pytest.raises(PermissionDenied):
        services.set_weekly_availability(other, world["helper"], [])
    with pytest.raises(PermissionDenied):
        services.submit_qualification(other, world["helper"], "first_aid")
    other.refresh_from_db()
    assert other.radius_km == 3.0


def test_profile_validation(world):
    p, h = world["profile"], world["helper"]
    for bad in ({"skills": ["flying"]}, {"skills": "housework"}, {"languages": ["日本語"]},
                {"radius_km": -1}, {"home_lat": None}, {"area": world["b"].areas.filter(layer=2).first()},
                {"subtasks": ["cleaning"], "skills": ["watch_talk"]}, {"suspended_at": None}):
        with pytest.raises(ValidationError):
            services.update_profile(p, h, **bad)
    p = services.update_profile(p, h, skills=["watch_talk", "housework", "housework"], subtasks=["garbage"],
                                languages=["ja", "en", "ja"], radius_km=2.5)
    assert p.skills == ["housework", "watch_talk"] and p.languages == ["ja", "en"]


def test_create_profile_requires_helper_membership(world, make_user):
    stranger = make_user()
    with pytest.raises(ValidationError) as exc:
        services.create_profile(stranger, world["a"])
    assert exc.value.code == "not_a_helper"
    assert services.get_or_create_own_profile(stranger) is None


# --- ratings ---------------------------------------------------------------------------------

def test_rolling_average_uses_last_twenty(world):
    p = world["profile"]
    for _ in range(20):
        p = services.record_rating(p, 1)
    assert p.rating_avg == 1.0 and p.flagged_at is not None
    for _ in range(20):
        p = services.record_rating(p, 5)
    assert p.rating_avg == 5.0 and p.rating_count == 40
    # The flag stays until a coordinator clears it.
    assert p.flagged_at is not None


def test_flag_below_threshold_not_above(world):
    p = world["profile"]
    for stars in (4, 4, 3):
        p = services.record_rating(p, stars)
    assert p.rating_avg == pytest.approx(3.67, abs=0.01) and p.flagged_at is None
    p = services.record_rating(p, 2)
    assert p.rating_avg == 3.25 and p.flagged_at is not None
    assert "3.25" in p.flag_reason
    assert selectors.flagged_profiles(world["coordinator"]).filter(pk=p.pk).exists()
    assert not selectors.flagged_profiles(world["coordinator_b"]).exists()
    p = services.clear_flag(p, world["coordinator"], "Talked with the helper")
    assert p.flagged_at is None


def test_safety_tag_flags_even_with_five_stars(world):
    p = services.record_rating(world["profile"], 5, ["unsafe", "late"])
    assert p.flagged_at is not None and "unsafe" in p.flag_reason
    assert HelperEvent.objects.filter(profile=p, kind="flagged").count() == 1


def test_new_flag_notifies_the_helpers_reviewers_only(world, make_user):
    l2_here = make_user("coordinator_l2", world["a"], areas=[world["area1"]])
    services.record_rating(world["profile"], 5, ["theft"])
    notified = set(Notification.objects.filter(kind="helpers.flagged").values_list("user_id", flat=True))
    assert notified == {world["coordinator"].pk, l2_here.pk}
    assert world["coordinator_b"].pk not in notified and world["coordinator_l2_area2"].pk not in notified
    n = Notification.objects.filter(kind="helpers.flagged").first()
    assert n.subject == "担い手について安全上の報告がありました" and n.status == Status.QUEUED
    assert world["helper"].display_name not in n.subject + n.body  # names stay on the page behind the link


def test_rating_input_validation_and_idempotent_source(world):
    p = world["profile"]
    for bad in (0, 6, 3.5, True, "5"):
        with pytest.raises(ValidationError):
            services.record_rating(p, bad)
    services.record_rating(p, 4, source="review:1")
    services.record_rating(p, 1, source="review:1")
    assert HelperRating.objects.filter(profile=p).count() == 1
    p.refresh_from_db()
    assert p.rating_avg == 4.0 and p.rating_count == 1


# --- notifications ---------------------------------------------------------------------------

def test_review_enqueues_notification_without_sending(world):
    q = services.submit_qualification(world["profile"], world["helper"], "first_aid")
    tasks_before = DBTaskResult.objects.count()
    services.review_qualification(q, world["coordinator"], True)
    n = Notification.objects.get(user=world["helper"], kind="helpers.qualification_reviewed")
    assert n.status == Status.QUEUED and n.channel == "email"
    assert DBTaskResult.objects.count() == tasks_before + 1
    assert DBTaskResult.objects.filter(args_kwargs__args=[n.pk]).exists()
    assert mail.outbox == []
    assert "普通救命講習" in n.subject or "First-aid" in n.subject
