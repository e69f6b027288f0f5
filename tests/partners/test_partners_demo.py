"""Demo partners: 20+ of every kind, some registrations expired, 6 agreements, a dozen alerts,
three challenges with proposals in every state; a second run adds nothing."""

import pytest

from sasaeai.partners import demo
from sasaeai.partners.models import (
    Agreement,
    PartnerKind,
    PartnerProfile,
    Proposal,
    ProposalStatus,
    Registration,
    WatchAlert,
)
from tests.directory.conftest import town_of

pytestmark = pytest.mark.django_db


def test_demo_partners(make_municipality, make_user):
    from sasaeai.tenancy.models import Role

    m = make_municipality(n_areas=3)
    make_user(Role.COORDINATOR_L1, m)
    town = town_of(m)
    counts = demo.seed(town)
    assert counts["partners"] >= 20
    assert set(PartnerProfile.objects.values_list("kind", flat=True)) == set(PartnerKind.values)
    assert Registration.objects.filter(status="expired").exists()
    assert set(Registration.objects.values_list("status", flat=True)) == {"registered", "expired", "applied",
                                                                          "declined"}
    assert Agreement.objects.count() == 6 and Agreement.objects.filter(type="comprehensive").count() == 1
    assert WatchAlert.objects.count() == 12
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert Proposal.objects.filter(status="running", resource__isnull=False).exists()
    assert demo.seed(town) == {"partners": 0}
