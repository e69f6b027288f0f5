"""The demo data: open, booked and completed requests; deterministic and idempotent."""

import pytest

from sasaeai.demo.generator import seed_demo
from sasaeai.requests.models import Booking, BookingStatus, HelpRequest, RequestStatus

pytestmark = pytest.mark.django_db


def test_demo_requests_seed_twice_adds_nothing():
    first = seed_demo("small", 1)
    assert first.get("requests.open", 0) > 0
    assert first.get("requests.completed", 0) > 0
    assert HelpRequest.objects.filter(status=RequestStatus.OPEN).exists()
    assert HelpRequest.objects.filter(status=RequestStatus.REVIEWED).exists()
    before = HelpRequest.objects.count(), Booking.objects.count()
    second = seed_demo("small", 1)
    assert all(v == 0 for k, v in second.items() if k.startswith("requests."))
    assert (HelpRequest.objects.count(), Booking.objects.count()) == before
    print({k: v for k, v in first.items() if k.startswith("requests.")},
          Booking.objects.filter(status=BookingStatus.BOOKED).count())
