"""The demo councils (every area, Q16 member mixes, a year of meetings, issues in every state,
two proposals; idempotent) and the KPI indicators the councils app declares: each computed on
constructed records, and each number equal to its drill-down's row count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaeai.councils import kpis, selectors, services
from sasaeai.councils.models import (
    Council,
    CouncilMember,
    IssueState,
    LocalIssue,
    Meeting,
    MeetingKind,
    PolicyProposal,
)
from sasaeai.demo.town import DemoTown
from sasaeai.tenancy.models import Area
from tests.councils.conftest import on_agenda

pytestmark = pytest.mark.django_db
FY = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def _town_of(m):
    return DemoTown(municipality=m, areas=list(Area.objects.filter(municipality=m, layer=2).order_by("name")),
                    seed=3, scale="small")


def test_demo_fills_every_area_and_is_idempotent(make_municipality):
    from sasaeai.councils.demo import seed
    from sasaeai.directory.demo import seed as seed_directory

    m = make_municipality(n_areas=4)
    town = _town_of(m)
    seed_directory(town)
    counts = seed(town)
    assert counts["councils"] == 5
    assert set(Council.objects.filter(municipality=m).values_list("area__layer", flat=True)) == {1, 2}
    assert Council.objects.filter(municipality=m, is_existing_gathering=True).exists()
    for council in Council.objects.filter(municipality=m):
        assert council.members.count() >= 3
    states = set(LocalIssue.objects.filter(municipality=m).values_list("state", flat=True))
    assert {"raised", "on_agenda", "action_plan", "resolved", "escalated", "proposal"} <= states
    assert LocalIssue.objects.filter(municipality=m, resolution_kind="new_resource",
                                     resolution_service__isnull=False).exists()
    assert PolicyProposal.objects.filter(municipality=m).count() == 2
    kinds = set(Meeting.objects.filter(municipality=m).values_list("kind", flat=True))
    assert kinds == set(MeetingKind.values)
    assert Meeting.objects.filter(municipality=m, starts_at__lt=timezone.now()).exclude(internal_minutes="").exists()
    share = selectors.resident_private_share(m, None, *FY)
    assert share[1] > 0
    before = Meeting.objects.count()
    assert seed(town) == {"councils": 0} and Meeting.objects.count() == before


def _indicator(key):
    return next(i for i in kpis.indicators() if i["key"] == key)


def _check(ind, m, area, expected_num, expected_den=None):
    num, den = ind["compute"](m, area, *FY)
    assert (num, den) == (expected_num, expected_den)
    assert ind["records"](m, area, *FY).count() == num


def test_every_indicator_declares_the_contract_fields():
    for ind in kpis.indicators():
        assert {"key", "name", "definition", "unit", "period", "target", "direction", "per_area", "available",
                "compute", "records"} <= set(ind)
        assert ind["unit"] in {"percent", "count", "score", "days"}
        assert str(ind["name"]) and str(ind["definition"])


def test_issues_resolved_counts_resolutions_in_the_fiscal_year(town):
    ind = _indicator("council_issues_resolved")
    _check(ind, town["m"], None, 0)
    for k, day in enumerate([dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1)]):
        i = on_agenda(town, services.issue_raise(by=town["sc1"], council=town["c1"], title=f"x{k}", source="member"))
        services.issue_resolve(by=town["sc1"], issue=i, kind="partner", on=day)
    open_one = services.issue_raise(by=town["sc1"], council=town["c2"], title="open", source="member")
    assert open_one.state == IssueState.RAISED
    _check(ind, town["m"], None, 2)
    _check(ind, town["m"], town["a1"], 2)
    _check(ind, town["m"], town["a2"], 0)


def test_layer2_councils_resolving_is_a_share_of_layer2_councils(town):
    ind = _indicator("council_layer2_resolving")
    _check(ind, town["m"], None, 0, 2)
    for k in range(2):  # two in the same council count once
        i = on_agenda(town, services.issue_raise(by=town["sc1"], council=town["c1"], title=f"x{k}", source="member"))
        services.issue_resolve(by=town["sc1"], issue=i, kind="partner", on=dt.date(2025, 6, 1))
    i = on_agenda(town, services.issue_raise(by=town["sc1"], council=town["top"], title="top", source="member"))
    services.issue_resolve(by=town["sc1"], issue=i, kind="partner", on=dt.date(2025, 6, 1))
    _check(ind, town["m"], None, 1, 2)


def test_resident_private_share_counts_members_in_term_without_observers(town):
    ind = _indicator("council_resident_private_share")
    # c1 has 自治会 (resident) and 包括 (not): 1 of 2.
    _check(ind, town["m"], None, 1, 2)
    services.member_add(by=town["sc1"], council=town["c2"], name="民生委員", affiliation=7, term_start=dt.date(2025, 4, 1))
    services.member_add(by=town["sc1"], council=town["c2"], name="警察", affiliation=13, role="observer",
                        term_start=dt.date(2025, 4, 1))
    services.member_add(by=town["sc1"], council=town["c2"], name="去年の委員", affiliation=5,
                        term_start=dt.date(2023, 4, 1), term_end=dt.date(2025, 3, 31))
    _check(ind, town["m"], None, 2, 3)
    _check(ind, town["m"], town["a2"], 1, 1)
    assert CouncilMember.objects.count() == 5


def test_policy_proposals_per_year(town):
    ind = _indicator("council_policy_proposals")
    for day in (dt.date(2025, 5, 1), dt.date(2026, 2, 1), dt.date(2025, 3, 31)):
        services.proposal_submit(by=town["sc1"], council=town["top"], title="p", text="t", addressee="市長",
                                 submitted_on=day)
    _check(ind, town["m"], None, 2)


@pytest.mark.parametrize("key,kind", [("sc_training_sessions", MeetingKind.SC_TRAINING),
                                      ("sc_network_meetings", MeetingKind.SC_NETWORK),
                                      ("multi_agency_meetings", MeetingKind.MULTI_AGENCY)])
def test_meetings_of_a_type_are_counted(town, key, kind):
    ind = _indicator(key)
    days = [dt.date(2025, 4, 10), dt.date(2025, 9, 1), dt.date(2026, 3, 30), dt.date(2026, 4, 2)]
    for n, day in enumerate(days):
        services.meeting_create(by=town["sc1"], council=town["top"], kind=kind, title=f"m{n}", place="市役所",
                                starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))
    services.meeting_create(by=town["sc1"], council=town["top"], kind=MeetingKind.COUNCIL, title="other",
                            place="市役所", starts_at=timezone.make_aware(dt.datetime(2025, 6, 1, 10)))
    _check(ind, town["m"], None, 3)
    _check(ind, town["m"], town["a1"], 0)


def test_no_indicator_query_count_grows_with_records(town):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            for ind in kpis.indicators():
                ind["compute"](town["m"], None, *FY)
                ind["records"](town["m"], None, *FY).count()
        return len(ctx.captured_queries)

    first = queries()
    for k in range(5):
        i = on_agenda(town, services.issue_raise(by=town["sc1"], council=town["c1"], title=f"x{k}", source="member"))
        services.issue_resolve(by=town["sc1"], issue=i, kind="partner", on=dt.date(2025, 6, 1))
        services.member_add(by=town["sc1"], council=town["c2"], name=f"m{k}", affiliation=5,
                            term_start=dt.date(2025, 4, 1))
    assert queries() == first
