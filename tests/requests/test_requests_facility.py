"""施設スポット支援 (issue 15 §6): a care facility posts a spot shift for N helpers with no
resident recipient; it is matched by the same engine and rules as a home visit, offered and
accepted the same way (N bookings ≤ N places), checked in and out at the facility, reviewed
both ways, and credited with points where the scheme says so. Facility staff see only their
own postings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.partners.models import PartnerKind
from sasaeai.requests import selectors, services
from sasaeai.requests.models import (
    Block,
    Booking,
    BookingStatus,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestStatus,
    Review,
)
from sasaeai.tenancy.models import Role
from tests.conftest import login_client

from .conftest import make_helper, soon, tomorrow_at
from .facility import make_facility, spot_helper_skills


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def spot(town, make_user):
    town.facility, town.facility_staff = make_facility(town.municipality, make_user)
    town.other_facility, town.other_staff = make_facility(town.municipality, make_user, name="デイサービスひまわり",
                                                          lat=35.664, lon=139.334)
    town.spot_helpers = [make_helper(town.municipality, lat=35.661 + i * 0.001, lon=139.331,
                                     skills=spot_helper_skills()) for i in range(3)]
    return town


def post(town, **kw):
    fields = dict(user=town.facility_staff, facility=town.facility, area=town.areas[0],
                  starts_at=tomorrow_at(13, 30), duration_minutes=120, slots=2, title="配膳・見守り")
    fields.update(kw)
    return services.create_facility_request(**fields)


def accept_as(profile, req):
    offer = Offer.objects.get(request=req, helper=profile)
    return services.accept_offer(offer, user=profile.user)


# --- the model ------------------------------------------------------------------------------------


def test_a_request_has_exactly_one_of_resident_and_facility(spot, new_request):
    req = new_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpRequest.objects.filter(pk=req.pk).update(facility=spot.facility)
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpRequest.objects.filter(pk=req.pk).update(recipient=None)
    shift = post(spot)
    assert shift.recipient_id is None and shift.facility_id == spot.facility.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpRequest.objects.filter(pk=shift.pk).update(recipient=spot.resident)


def test_a_home_visit_wants_one_helper(spot, new_request):
    req = new_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpRequest.objects.filter(pk=req.pk).update(slots=2)


def test_two_live_bookings_never_share_a_seat(spot):
    shift = post(spot)
    a, b = spot.spot_helpers[:2]
    Booking.objects.create(request=shift, helper=a, municipality=spot.municipality, starts_at=shift.starts_at,
                           ends_at=shift.ends_at, seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(request=shift, helper=b, municipality=spot.municipality, starts_at=shift.starts_at,
                               ends_at=shift.ends_at, seat=1)
    Booking.objects.create(request=shift, helper=b, municipality=spot.municipality, starts_at=shift.starts_at,
                           ends_at=shift.ends_at, seat=2)


def test_the_place_is_the_facility(spot):
    shift = post(spot)
    loc = spot.facility.location
    assert shift.place_point == (loc.lat, loc.lon)
    assert shift.place_kind == "facility" and spot.facility.name in shift.meeting_point
    assert shift.required_qualifications == []  # facility_spot needs no qualification by itself


# --- posting -------------------------------------------------------------------------------------


def test_only_the_facility_staff_may_post(spot, make_user):
    with pytest.raises(PermissionDenied):
        post(spot, user=spot.other_staff)  # another facility's staff
    with pytest.raises(PermissionDenied):
        post(spot, user=spot.coordinator)
    shop, clerk = make_facility(spot.municipality, make_user, name="北スーパー", kind=PartnerKind.SHOP)
    with pytest.raises(PermissionDenied):
        services.create_facility_request(user=clerk, facility=shop, area=spot.areas[0], starts_at=tomorrow_at(10),
                                         duration_minutes=120)
    assert not HelpRequest.objects.filter(facility__isnull=False).exists()


@pytest.mark.parametrize("kw, field, code", [
    ({"slots": 0}, "slots", "bad_slots"),
    ({"slots": 21}, "slots", "bad_slots"),
    ({"duration_minutes": 45}, "duration_minutes", "bad_duration"),
    ({"starts_at": timezone.now() - dt.timedelta(hours=1)}, "starts_at", "in_past"),
    ({"required_qualifications": ["nope"]}, "required_qualifications", "bad_qualification"),
])
def test_bad_input_is_refused_and_nothing_is_written(spot, kw, field, code):
    with pytest.raises(ValidationError) as exc:
        post(spot, **kw)
    assert field in exc.value.error_dict
    assert exc.value.error_dict[field][0].code == code
    assert not HelpRequest.objects.exists()


def test_a_facility_without_a_map_place_is_refused(spot, make_user):
    branch, staff = make_facility(spot.municipality, make_user, name="小規模多機能あおば", with_location=False)
    with pytest.raises(ValidationError) as exc:
        services.create_facility_request(user=staff, facility=branch, area=spot.areas[0],
                                         starts_at=tomorrow_at(10), duration_minutes=120)
    assert exc.value.error_dict["facility"][0].code == "facility_without_location"


def test_an_area_of_another_municipality_is_refused(spot, make_municipality):
    other = make_municipality(n_areas=1)
    with pytest.raises(ValidationError) as exc:
        post(spot, area=other.areas.first())
    assert "area" in exc.value.error_dict


# --- matching: the same engine and rules ------------------------------------------------------------


def test_matching_uses_skill_qualification_distance_and_blocks(spot):
    shift = post(spot)
    far = make_helper(spot.municipality, lat=35.9, lon=139.9, skills=spot_helper_skills())
    no_skill = spot.helpers[0]  # the town's helpers do not offer facility spot help
    candidates, rejections = services.rank_candidates(shift, limit=20)
    ids = {c.profile.pk for c in candidates}
    assert {h.pk for h in spot.spot_helpers} <= ids
    assert far.pk not in ids and no_skill.pk not in ids
    services.block(facility=spot.facility, helper=spot.spot_helpers[0], side=Block.Side.RECIPIENT,
                   by=spot.facility_staff)
    candidates, _ = services.rank_candidates(shift, limit=20)
    assert spot.spot_helpers[0].pk not in {c.profile.pk for c in candidates}
    assert services.hard_refusals(shift, spot.spot_helpers[0]) == ["blocked"]
    # A block of one facility does not block the other, nor any resident.
    other = post(spot, user=spot.other_staff, facility=spot.other_facility)
    assert services.hard_refusals(other, spot.spot_helpers[0]) == []


def test_a_required_qualification_is_enforced(spot):
    shift = post(spot, required_qualifications=["first_aid"])
    candidates, _ = services.rank_candidates(shift, limit=20)
    assert candidates == []
    assert "missing_qualification" in services.hard_refusals(shift, spot.spot_helpers[0])


def test_one_definition_of_busy_a_home_visit_makes_the_helper_busy_for_the_shift(spot, new_request):
    helper = spot.spot_helpers[0]
    home = new_request(starts_at=tomorrow_at(14), duration_minutes=60, category="watch_talk")
    services.offer_to(home, [helper], by=spot.coordinator)
    services.accept_offer(Offer.objects.get(request=home, helper=helper), user=helper.user)
    shift = post(spot)  # 13:30–15:30 overlaps 14:00–15:00
    candidates, _ = services.rank_candidates(shift, limit=20)
    assert helper.pk not in {c.profile.pk for c in candidates}
    # Offered anyway by hand, the database refuses the accept with the same slots.
    services.offer_to(shift, [helper], by=spot.coordinator)
    with pytest.raises(ValidationError) as exc:
        accept_as(helper, shift)
    assert exc.value.code == "double_booked"
    assert not Booking.objects.filter(request=shift).exists()


def test_a_booked_shift_makes_the_helper_busy_for_a_home_visit(spot, new_request):
    helper = spot.spot_helpers[0]
    shift = post(spot)
    services.offer_to(shift, [helper], by=spot.coordinator)
    accept_as(helper, shift)
    home = new_request(starts_at=tomorrow_at(15), duration_minutes=60, category="watch_talk")
    candidates, _ = services.rank_candidates(home, limit=20)
    assert helper.pk not in {c.profile.pk for c in candidates}


# --- offers, seats, the shift ----------------------------------------------------------------------


def test_two_places_two_helpers_then_full(spot):
    shift = post(spot, slots=2)
    a, b, c = spot.spot_helpers
    offers = services.offer_to_top(shift, by=spot.facility_staff, n=3)
    assert len(offers) == 3
    accept_as(a, shift)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.OFFERED  # one place left, still offered
    assert Offer.objects.filter(request=shift, status=OfferStatus.PENDING).count() == 2
    accept_as(b, shift)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.BOOKED
    assert sorted(Booking.objects.filter(request=shift).values_list("seat", flat=True)) == [1, 2]
    assert Offer.objects.get(request=shift, helper=c).status == OfferStatus.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        accept_as(c, shift)
    assert exc.value.code == "offer_withdrawn"
    assert Booking.objects.filter(request=shift).count() == 2


def test_the_whole_shift_check_in_out_review_both_ways(spot):
    shift = post(spot, slots=2, starts_at=soon(30))
    a, b = spot.spot_helpers[:2]
    services.offer_to(shift, [a, b], by=spot.coordinator)
    ba, bb = accept_as(a, shift), accept_as(b, shift)
    services.check_in(ba, user=a.user)  # no community-standards step: no resident
    shift.refresh_from_db()
    assert shift.status == RequestStatus.IN_PROGRESS
    services.check_in(bb, user=b.user)
    services.check_out(ba, user=a.user)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.IN_PROGRESS  # b is still there
    services.check_out(bb, user=b.user)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.COMPLETED
    services.review(ba, user=spot.facility_staff, stars=5, tags=["kind"])
    services.review(ba, user=a.user, stars=4, tags=["clear_instructions"])
    services.review(bb, user=spot.facility_staff, stars=4)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.COMPLETED  # b has not reviewed yet
    services.review(bb, user=b.user, stars=5)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.REVIEWED
    assert Review.objects.filter(booking__request=shift).count() == 4
    a.refresh_from_db()
    assert a.rating_count == 1
    with pytest.raises(PermissionDenied):
        services.review(ba, user=spot.other_staff, stars=1)


def test_a_partly_filled_shift_goes_ahead_with_the_helpers_it_has(spot):
    shift = post(spot, slots=3, starts_at=soon(30))
    a, b, c = spot.spot_helpers
    services.offer_to(shift, [a, b, c], by=spot.coordinator)
    booking = accept_as(a, shift)
    services.check_in(booking, user=a.user)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.IN_PROGRESS
    assert not Offer.objects.filter(request=shift, status=OfferStatus.PENDING).exists()


def test_a_helper_giving_a_place_back_reopens_it(spot):
    shift = post(spot, slots=1)
    a = spot.spot_helpers[0]
    services.offer_to(shift, [a], by=spot.coordinator)
    booking = accept_as(a, shift)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.BOOKED
    services.helper_cancel(booking, user=a.user, reason="体調不良")
    shift.refresh_from_db()
    assert shift.status == RequestStatus.OPEN
    assert booking.slots.count() == 0


def test_cancelling_the_shift_releases_every_booking(spot):
    shift = post(spot, slots=2)
    a, b = spot.spot_helpers[:2]
    services.offer_to(shift, [a, b], by=spot.coordinator)
    accept_as(a, shift)
    accept_as(b, shift)
    services.cancel_request(shift, user=spot.facility_staff, reason="行事の中止")
    assert set(Booking.objects.filter(request=shift).values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    with pytest.raises(PermissionDenied):
        services.cancel_request(post(spot), user=spot.other_staff, reason="x")


def test_a_weekly_shift_spawns_next_week(spot):
    shift = post(spot, slots=1, starts_at=soon(30), recurrence="weekly")
    a = spot.spot_helpers[0]
    services.offer_to(shift, [a], by=spot.coordinator)
    booking = accept_as(a, shift)
    services.check_in(booking, user=a.user)
    services.check_out(booking, user=a.user)
    nxt = HelpRequest.objects.exclude(pk=shift.pk).get(facility=spot.facility)
    assert nxt.starts_at == shift.starts_at + dt.timedelta(days=7)
    assert (nxt.status, nxt.slots, nxt.recipient_id) == (RequestStatus.OPEN, 1, None)


# --- points -----------------------------------------------------------------------------------------


def _scheme(municipality, **rule):
    from sasaeai.points import services as points
    from sasaeai.points.models import ActivityKind

    scheme = points.scheme_create(municipality=municipality, name="ボランティアポイント")
    points.terms_set(scheme=scheme, valid_from=dt.date(2020, 4, 1), daily_cap=500, yearly_cap=8000,
                     year_basis="fiscal", expiry_years=1, min_redemption=100, needs_confirmation=False,
                     registered_helpers_only=False, residents_only=False)
    points.rule_set(scheme=scheme, activity=ActivityKind.BOOKING, valid_from=dt.date(2020, 4, 1), points=200,
                    min_minutes=30, **rule)
    return scheme


def _completed_shift(spot):
    shift = post(spot, slots=1, starts_at=soon(30))
    a = spot.spot_helpers[0]
    services.offer_to(shift, [a], by=spot.coordinator)
    booking = accept_as(a, shift)
    services.check_in(booking, user=a.user)
    services.check_out(booking, user=a.user)
    return booking


def test_points_are_credited_for_a_shift_where_the_scheme_says_so(spot):
    from sasaeai.points.models import Credit

    _scheme(spot.municipality)
    booking = _completed_shift(spot)
    assert Credit.objects.filter(booking=booking).count() == 1


def test_no_points_when_the_scheme_excludes_facility_spot_help(spot):
    from sasaeai.points import services as points
    from sasaeai.points.models import ActivityKind, Credit

    scheme = _scheme(spot.municipality)
    points.rule_set(scheme=scheme, activity=ActivityKind.BOOKING, valid_from=dt.date(2020, 4, 1), points=200,
                    category="facility_spot", active=False)
    booking = _completed_shift(spot)
    assert not Credit.objects.filter(booking=booking).exists()
    assert points.credit_booking(booking) == []


# --- who sees what ----------------------------------------------------------------------------------


def test_facility_staff_see_only_their_own_postings(spot, new_request):
    mine = post(spot)
    theirs = post(spot, user=spot.other_staff, facility=spot.other_facility)
    home = new_request()
    assert set(selectors.facility_requests(spot.facility_staff)) == {mine}
    visible = set(selectors.requests_visible_to(spot.facility_staff))
    assert mine in visible and theirs not in visible and home not in visible
    assert {u.pk for u in selectors.recipient_side_users(mine)} == {spot.facility_staff.pk}


def test_an_ended_partner_membership_loses_access(spot):
    from sasaeai.tenancy.models import Membership

    mine = post(spot)
    Membership.objects.filter(user=spot.facility_staff, role=Role.PARTNER).update(ended_at=timezone.now())
    staff = User.objects.get(pk=spot.facility_staff.pk)  # a new request: memberships are read afresh
    assert not selectors.facility_requests(staff).exists()
    assert not selectors.is_facility_staff(staff, mine)


# --- pages and API ---------------------------------------------------------------------------------


def test_pages_post_list_and_see_the_booked_helpers(spot):
    c = login_client(spot.facility_staff)
    assert c.get("/requests/facility/").status_code == 200
    page = c.get("/requests/facility/new/")
    assert page.status_code == 200
    day = timezone.localtime(tomorrow_at(13)).date()
    r = c.post("/requests/facility/new/", {
        "facility": spot.facility.pk, "area": spot.areas[0].pk, "title": "レク補助", "date": day.isoformat(),
        "time": "13:30", "duration_minutes": 120, "slots": 2, "recurrence": "once", "payment_kind": "free"})
    assert r.status_code == 302
    shift = HelpRequest.objects.get(facility=spot.facility)
    assert (shift.slots, shift.duration_minutes) == (2, 120)
    r = c.post(f"/requests/facility/{shift.pk}/find/")
    assert r.status_code == 302
    accept_as(spot.spot_helpers[0], shift)
    page = c.get(f"/requests/facility/{shift.pk}/").content.decode()
    assert spot.spot_helpers[0].user.display_name in page
    assert "1 / 2" in page
    # The request page sends facility staff to their own page; other facilities get 404.
    assert c.get(f"/requests/{shift.pk}/")["Location"] == f"/requests/facility/{shift.pk}/"
    other = login_client(spot.other_staff)
    assert other.get(f"/requests/facility/{shift.pk}/").status_code == 404
    assert other.get(f"/requests/{shift.pk}/").status_code == 404


def test_the_form_shows_errors_and_writes_nothing(spot):
    c = login_client(spot.facility_staff)
    day = timezone.localtime(timezone.now()).date() - dt.timedelta(days=1)
    r = c.post("/requests/facility/new/", {
        "facility": spot.facility.pk, "area": spot.areas[0].pk, "date": day.isoformat(), "time": "13:30",
        "duration_minutes": 120, "slots": 2, "recurrence": "once", "payment_kind": "free"})
    assert r.status_code == 200
    assert "errorlist" in r.content.decode()
    assert not HelpRequest.objects.exists()
    r = c.post("/requests/facility/new/", {"facility": "x", "slots": "99"})
    assert r.status_code == 200 and not HelpRequest.objects.exists()


def test_pages_refuse_other_roles(spot):
    for user in (spot.coordinator, spot.proxy_user, spot.spot_helpers[0].user):
        c = login_client(user)
        assert c.get("/requests/facility/").status_code == 403
        assert c.get("/requests/facility/new/").status_code == 403


def test_the_helper_sees_the_facility_on_the_request_and_booking_pages(spot):
    shift = post(spot, slots=1)
    a = spot.spot_helpers[0]
    services.offer_to(shift, [a], by=spot.coordinator)
    c = login_client(a.user)
    assert spot.facility.name in c.get(f"/requests/{shift.pk}/").content.decode()
    assert c.get("/requests/helper/offers/").status_code == 200
    booking = accept_as(a, shift)
    page = c.get(f"/requests/bookings/{booking.pk}/").content.decode()
    assert spot.facility.address in page
    assert c.get("/requests/helper/schedule/").status_code == 200
    # The coordinator's request page works too (no resident, no consent to ask for).
    assert login_client(spot.coordinator).get(f"/requests/{shift.pk}/").status_code == 200


def test_a_no_show_on_a_shift_leaves_the_others_to_finish_it(spot):
    shift = post(spot, slots=2, starts_at=soon(30))
    a, b = spot.spot_helpers[:2]
    services.offer_to(shift, [a, b], by=spot.coordinator)
    ba, bb = accept_as(a, shift), accept_as(b, shift)
    services.check_in(ba, user=a.user)
    Booking.objects.filter(pk=bb.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    services.mark_no_show(bb, by=spot.coordinator)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.IN_PROGRESS
    services.check_out(ba, user=a.user)
    shift.refresh_from_db()
    assert shift.status == RequestStatus.COMPLETED
    assert Booking.objects.get(pk=bb.pk).status == BookingStatus.NO_SHOW


def test_the_facility_staff_home_shows_this_weeks_shifts_and_open_places(spot, make_user):
    """The facility staff's work for today on their home page: the coming week's shifts with
    the helpers booked against the places, another facility's postings never."""
    week = post(spot, slots=2, title="配膳・見守り")
    post(spot, title="来月の夏祭り", starts_at=tomorrow_at(10, days=10))
    post(spot, user=spot.other_staff, facility=spot.other_facility, title="ひまわりの入浴補助")
    services.offer_to_top(week, by=spot.facility_staff, n=3)
    accept_as(spot.spot_helpers[0], week)
    home = login_client(spot.facility_staff).get("/", headers={"accept-language": "ja"}).content.decode()
    assert "今週のスポット募集" in home and 'id="facility-shifts-panel"' in home
    assert f'href="/requests/facility/{week.pk}/"' in home and "配膳・見守り" in home
    assert "担い手 2 人中 1 人決定" in home and "あと 1 人募集中" in home
    assert "来月の夏祭り" not in home and "ひまわりの入浴補助" not in home
    assert 'href="/requests/facility/new/"' in home
    # A partner-role user who is no facility's staff gets no such panel.
    plain = make_user(Role.PARTNER, spot.municipality)
    assert "今週のスポット募集" not in login_client(plain).get("/", headers={"accept-language": "ja"}).content.decode()
