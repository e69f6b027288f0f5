"""The safety demo seed is deterministic and idempotent."""

import pytest

from sasaeai.demo import generator
from sasaeai.demo.town import DemoTown
from sasaeai.safety import demo
from sasaeai.safety.models import ConsentEvent, EmergencyPlan, EscalationRuleSet, InsurancePolicy
from sasaeai.tenancy.models import Area, Municipality

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_gives_most_residents_matching_consent():
    generator.seed_demo("small", 1, with_apps=False)
    m = Municipality.objects.get(code=generator.with_check_digit("13991"))
    town = DemoTown(municipality=m, areas=list(Area.objects.filter(municipality=m, layer=2).order_by("name")),
                    seed=1, scale="small")
    first = demo.seed(town)
    assert first["consent_decisions"] > 0 and first["emergency_plans"] > 0
    snapshot = sorted(ConsentEvent.objects.values_list("resident_id", "purpose", "granted"))
    assert demo.seed(town) == {"consent_decisions": 0, "emergency_plans": 0, "insurance_policies": 0}
    assert sorted(ConsentEvent.objects.values_list("resident_id", "purpose", "granted")) == snapshot
    granted = ConsentEvent.objects.filter(purpose="matching", granted=True).count()
    assert granted / ConsentEvent.objects.filter(purpose="matching").count() > 0.8
    assert EscalationRuleSet.objects.filter(municipality=m).exists()
    assert InsurancePolicy.objects.filter(municipality=m).count() == 1
    assert EmergencyPlan.objects.filter(resident__municipality=m).exists()
