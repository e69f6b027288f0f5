"""Concurrent accepts on PostgreSQL with real parallel transactions (threads, one connection
each). SQLite serialises writers, so these run on PostgreSQL only."""

import pytest

from sasaeai.requests import services
from sasaeai.requests.models import Booking, BookingSlot, Offer, OfferStatus
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

from .conftest import make_helper, tomorrow_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_fifty_helpers_accept_one_request_at_once(town, new_request):
    helpers = [make_helper(town.municipality, lat=35.66 + i * 0.0005) for i in range(50)]
    req = new_request()
    offers = services.offer_to(req, helpers, by=town.coordinator)
    assert len(offers) == 50
    results, errors = race([lambda o=o: services.accept_offer(o, user=o.helper.user) for o in offers])
    assert len(results) == 1, errors
    assert Booking.objects.filter(request=req).count() == 1
    assert all(code in {"already_booked", "offer_withdrawn"} for code in errors), errors
    assert Offer.objects.filter(request=req, status=OfferStatus.ACCEPTED).count() == 1
    assert Offer.objects.filter(request=req, status=OfferStatus.PENDING).count() == 0


def test_one_helper_accepts_two_overlapping_offers_at_once(town, new_request):
    helper = town.helpers[0]
    for _round in range(5):
        a = new_request(starts_at=tomorrow_at(8 + 2 * _round), duration_minutes=90)
        b = new_request(starts_at=tomorrow_at(9 + 2 * _round), duration_minutes=60)
        oa = services.offer_to(a, [helper], by=town.coordinator)[0]
        ob = services.offer_to(b, [helper], by=town.coordinator)[0]
        results, errors = race([lambda oa=oa: services.accept_offer(oa, user=helper.user),
                                 lambda ob=ob: services.accept_offer(ob, user=helper.user)])
        assert len(results) == 1 and errors == ["double_booked"], (results, errors)
        assert Booking.objects.filter(request__in=[a, b]).count() == 1
    # Exactly the winners' slots were written (the losers' inserts rolled back entirely).
    bookings = Booking.objects.filter(helper=helper)
    assert bookings.count() == 5
    expected = sum(len(services.slot_starts(b.starts_at, b.ends_at)) for b in bookings)
    assert BookingSlot.objects.filter(helper=helper).count() == expected


def test_crossed_accepts_on_two_requests_never_deadlock(town, new_request):
    """Requests X and Y, each offered to helpers A and B; A accepts X while B accepts Y at the same
    moment. Each transaction withdraws the other helper's offer and notifies them: locking the
    helpers' user rows (select_related without of=) made the two wait on each other."""
    from sasaeai.residents.models import Proxy

    from .conftest import make_resident

    a, b = town.helpers[0], town.helpers[1]
    neighbour = make_resident(town.municipality, town.areas[0])  # X and Y for different residents
    Proxy.objects.create(resident=neighbour, user=town.proxy_user, relation="child", confirmed=True)
    for round_ in range(20):
        x = new_request(starts_at=tomorrow_at(10, days=1 + round_), duration_minutes=30)
        y = new_request(starts_at=tomorrow_at(10, days=1 + round_), duration_minutes=30, recipient=neighbour)
        ax, bx = services.offer_to(x, [a, b], by=town.coordinator)
        ay, by_ = services.offer_to(y, [a, b], by=town.coordinator)
        offer_a = ax if ax.helper_id == a.pk else bx
        offer_b = by_ if by_.helper_id == b.pk else ay
        results, errors = race([lambda o=offer_a: services.accept_offer(o, user=a.user),
                                 lambda o=offer_b: services.accept_offer(o, user=b.user)])
        assert errors == [] and len(results) == 2, (round_, errors)
        assert Booking.objects.get(request=x).helper_id == a.pk
        assert Booking.objects.get(request=y).helper_id == b.pk
        assert not Offer.objects.filter(request__in=[x, y], status=OfferStatus.PENDING).exists()
