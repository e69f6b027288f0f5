"""Concurrent accepts of a spot shift on PostgreSQL: twenty helpers accept a shift with three
places at the same moment — exactly three bookings, in three different seats (the request's
row lock and the (request, seat) constraint), the rest refused cleanly."""

import pytest

from sasaeai.requests import services
from sasaeai.requests.models import Booking, Offer, OfferStatus, RequestStatus
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

from .conftest import make_helper, tomorrow_at
from .facility import make_facility, spot_helper_skills

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_twenty_helpers_accept_a_three_place_shift_at_once(town, make_user):
    facility, staff = make_facility(town.municipality, make_user)
    helpers = [make_helper(town.municipality, lat=35.66 + i * 0.0005, skills=spot_helper_skills())
               for i in range(20)]
    req = services.create_facility_request(user=staff, facility=facility, area=town.areas[0],
                                           starts_at=tomorrow_at(13, 30), duration_minutes=120, slots=3)
    offers = services.offer_to(req, helpers, by=town.coordinator)
    results, errors = race([lambda o=o: services.accept_offer(o, user=o.helper.user) for o in offers])
    assert len(results) == 3, errors
    assert all(code in {"already_booked", "offer_withdrawn", "not_open"} for code in errors), errors
    assert sorted(Booking.objects.filter(request=req).values_list("seat", flat=True)) == [1, 2, 3]
    req.refresh_from_db()
    assert req.status == RequestStatus.BOOKED
    assert Offer.objects.filter(request=req, status=OfferStatus.ACCEPTED).count() == 3
    assert Offer.objects.filter(request=req, status=OfferStatus.PENDING).count() == 0
