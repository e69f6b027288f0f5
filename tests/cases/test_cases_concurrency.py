"""Two SCs answer the same referral at the same moment (PostgreSQL, real parallel
transactions): exactly one answer wins, the other is refused — nothing is overwritten."""

import pytest

from sasaeai.cases import services
from sasaeai.cases.models import Case, CaseEvent, CaseStatus
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_two_scs_accepting_and_declining_at_once_never_overwrite_each_other(town, new_resident):
    for round_ in range(6):
        resident = new_resident(town["m"], town["north"])
        case = services.refer(by=town["centre"], resident=resident, referrer_kind="doctor", reason="通院の付き添い")
        first, second = (town["sc"], town["sc2"]) if round_ % 2 else (town["sc2"], town["sc"])
        results, errors = race([
            lambda pk=case.pk, by=first: services.accept(pk, by=by),
            lambda pk=case.pk, by=second: services.decline(pk, by=by, reason="介護保険で対応"),
        ])
        assert len(results) == 1 and errors == ["illegal_transition"], (results, errors)
        case.refresh_from_db()
        winner = results[0]
        assert case.status == winner.status
        if case.status == CaseStatus.ACCEPTED:
            assert case.coordinator_id == first.pk and case.decline_reason == ""
        else:
            assert case.coordinator_id is None and case.decline_reason == "介護保険で対応"
        assert case.version == 2
        answers = CaseEvent.objects.filter(case=case).exclude(to_status=CaseStatus.REFERRED)
        assert answers.count() == 1


def test_two_scs_accepting_at_once_leave_one_coordinator(town, new_resident):
    resident = new_resident(town["m"], town["north"])
    case = services.refer(by=town["centre"], resident=resident, referrer_kind="doctor", reason="x")
    results, errors = race([lambda: services.accept(case.pk, by=town["sc"]),
                            lambda: services.accept(case.pk, by=town["sc2"])])
    assert len(results) == 1 and errors == ["illegal_transition"]
    assert Case.objects.get(pk=case.pk).coordinator_id == results[0].coordinator_id


def test_two_referrals_of_one_resident_at_once_make_one_case(town, new_resident):
    resident = new_resident(town["m"], town["north"])
    results, errors = race([
        lambda: services.refer(by=town["centre"], resident=resident, referrer_kind="doctor", reason="a"),
        lambda: services.refer(by=town["sc"], resident=resident, referrer_kind="family", reason="b"),
    ])
    assert len(results) == 1 and errors == ["already_open"], errors
    assert Case.objects.filter(resident=resident).count() == 1
