"""Demo: two care facilities with spot shifts in every state; deterministic and idempotent."""

import pytest

from sasaeai.demo.generator import seed_demo
from sasaeai.partners.models import PartnerKind, PartnerProfile
from sasaeai.requests import selectors
from sasaeai.requests.models import HelpRequest, RequestStatus

pytestmark = pytest.mark.django_db


def test_two_facilities_with_shifts_in_every_state():
    first = seed_demo("small", 1)
    assert first.get("requests.spot_facilities") == 2
    shifts = HelpRequest.objects.filter(facility__isnull=False)
    assert set(shifts.values_list("status", flat=True)) == set(RequestStatus.values), \
        sorted(set(shifts.values_list("status", flat=True)))
    facilities = PartnerProfile.objects.filter(kind=PartnerKind.CARE_PROVIDER, demo_key__startswith="spot-")
    assert facilities.count() == 2
    for partner in facilities:
        staff = partner.organization.members.get()
        own = selectors.facility_requests(staff)
        assert own.exists() and not own.exclude(facility__partner=partner).exists()
    assert shifts.filter(slots__gt=1, bookings__seat=2).exists()  # a shift with two helpers
    before = shifts.count()
    second = seed_demo("small", 1)
    assert all(v == 0 for k, v in second.items() if k.startswith("requests.")), second
    assert HelpRequest.objects.filter(facility__isnull=False).count() == before
