"""The worklife demo: three employers of different sizes, two verified work-support care
managers, 40 consultations in every state, one cross-municipality handover; idempotent."""

import pytest

from sasaeai.demo import generator
from sasaeai.worklife import demo, selectors
from sasaeai.worklife.models import Consultation, ConsultationStatus, Employer, Handover

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_is_idempotent():
    generator.seed_demo("small", 1, with_apps=False)
    town = generator.build_town("small", 1)
    assert demo.seed(town) == {"consultations": 40}
    assert demo.seed(town) == {"consultations": 0}
    assert Consultation.objects.count() == 40
    assert set(Consultation.objects.values_list("status", flat=True)) == set(ConsultationStatus.values)
    assert sorted(Employer.objects.values_list("size_band", flat=True)) == ["1000_plus", "50_299", "under_50"]
    assert selectors.qualified_care_managers().count() == 2
    handover = Handover.objects.get()
    assert handover.municipality != town.municipality
    assert handover.consultation.employer.municipality == town.municipality
    centre = handover.municipality and selectors.handovers_for(
        handover.municipality.memberships.get(role="support_center").user)
    assert list(centre) == [handover]
