"""Councils, members, meetings, the issue register, action plans and proposals: the rules of
the services, and the bad input the issue names (nothing written on refusal)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.councils import selectors, services
from sasaeai.councils.models import (
    Attendance,
    CouncilMember,
    IssueState,
    LocalIssue,
    Meeting,
    MeetingKind,
    PolicyProposal,
)
from tests.councils.conftest import code_of, on_agenda

pytestmark = pytest.mark.django_db


def _when(days=10, hour=14):
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour)))


def _resource(town, name="新しいサロン"):
    from sasaeai.directory.models import Service

    return Service.objects.create(municipality=town["m"], area=town["a1"], name=name, category="kayoi",
                                  status="published", visibility="public")


def test_a_council_per_area_only(town):
    with pytest.raises(ValidationError) as e:
        services.council_create(by=town["sc1"], area=town["a1"], name="二つ目")
    assert code_of(e.value) == "council_exists"


def test_a_layer2_coordinator_cannot_register_the_layer1_council(town, make_municipality):
    from sasaeai.councils.models import Council

    Council.objects.filter(pk=town["top"].pk).delete()
    with pytest.raises(PermissionDenied):
        services.council_create(by=town["sc2"], area=town["l1"], name="第1層")


def test_membership_flag_follows_the_affiliation_unless_given(town):
    assert town["seat"].counts_as_resident_private is True
    assert town["pro"].counts_as_resident_private is False
    m = services.member_add(by=town["sc2"], council=town["c1"], name="その他", affiliation=17,
                            term_start=dt.date(2025, 4, 1), counts_as_resident_private=True)
    assert m.counts_as_resident_private


@pytest.mark.parametrize("code", [0, 18, -1, "x", None])
def test_it_refuses_an_affiliation_outside_the_17(town, code):
    before = CouncilMember.objects.count()
    with pytest.raises(ValidationError) as e:
        services.member_add(by=town["sc2"], council=town["c1"], name="誰か", affiliation=code,
                            term_start=dt.date(2025, 4, 1))
    assert code_of(e.value) == "invalid_affiliation"
    assert CouncilMember.objects.count() == before


def test_the_database_refuses_an_affiliation_outside_the_17_too(town):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(council=town["c1"], name="x", affiliation=18, term_start=dt.date(2025, 4, 1))


def test_a_meeting_draws_its_agenda_from_the_register(town):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="買い物の足がない", source="needs",
                                 needs_summary="同様の相談が7件")
    meeting = services.meeting_create(by=town["sc2"], council=town["c1"], title="第3回", starts_at=_when(),
                                      place="公民館", issue_ids=[issue.pk], extra_items=["その他"])
    assert [a.title for a in meeting.agenda.all()] == ["買い物の足がない", "その他"]
    issue.refresh_from_db()
    assert issue.state == IssueState.ON_AGENDA


def test_an_agenda_issue_of_another_council_is_refused(town):
    other = services.issue_raise(by=town["sc1"], council=town["c2"], title="別地区", source="member")
    with pytest.raises(ValidationError) as e:
        services.meeting_create(by=town["sc2"], council=town["c1"], title="x", starts_at=_when(), place="公民館",
                                issue_ids=[other.pk])
    assert code_of(e.value) == "unknown_issue"
    assert not Meeting.objects.filter(title="x").exists()


def test_online_meetings_need_a_link_and_in_person_a_place(town):
    with pytest.raises(ValidationError) as e:
        services.meeting_create(by=town["sc2"], council=town["c1"], title="x", starts_at=_when(), format="online")
    assert code_of(e.value) == "link_required"
    with pytest.raises(ValidationError) as e:
        services.meeting_create(by=town["sc2"], council=town["c1"], title="x", starts_at=_when())
    assert code_of(e.value) == "place_required"


def test_attendance_of_a_non_member_marked_as_member_is_refused(town):
    meeting = services.meeting_create(by=town["sc2"], council=town["c1"], title="x", starts_at=_when(), place="公民館")
    outsider = services.member_add(by=town["sc1"], council=town["c2"], name="他地区の委員", affiliation=5,
                                   term_start=dt.date(2025, 4, 1))
    with pytest.raises(ValidationError) as e:
        services.attendance_record(by=town["sc2"], meeting=meeting, members={town["seat"].pk: True, outsider.pk: True})
    assert code_of(e.value) == "not_a_member"
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_member_out_of_term_on_the_day_is_not_a_member(town):
    meeting = services.meeting_create(by=town["sc2"], council=town["c1"], title="x", starts_at=_when(), place="公民館")
    services.member_end_term(by=town["sc2"], member=town["pro"], on=timezone.localdate())
    with pytest.raises(ValidationError) as e:
        services.attendance_record(by=town["sc2"], meeting=meeting, members={town["pro"].pk: True})
    assert code_of(e.value) == "not_a_member"


def test_attendance_records_members_and_guests(town):
    meeting = services.meeting_create(by=town["sc2"], council=town["c1"], title="x", starts_at=_when(), place="公民館")
    services.attendance_record(by=town["sc2"], meeting=meeting, members={town["seat"].pk: True, town["pro"].pk: False},
                               guests=[("商店会 田中", "商店会")])
    rows = list(meeting.attendance.order_by("pk"))
    assert [(r.member_id, r.guest_name, r.present) for r in rows] == [
        (town["seat"].pk, "", True), (town["pro"].pk, "", False), (None, "商店会 田中", True)]


def test_a_resolved_issue_needs_a_resolution(town):
    issue = on_agenda(town, services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="member"))
    with pytest.raises(ValidationError) as e:
        services.issue_move(by=town["sc2"], issue=issue, state=IssueState.RESOLVED)
    assert code_of(e.value) == "resolution_required"
    with pytest.raises(ValidationError) as e:
        services.issue_resolve(by=town["sc2"], issue=issue, kind="")
    assert code_of(e.value) == "resolution_required"
    with pytest.raises(ValidationError) as e:
        services.issue_resolve(by=town["sc2"], issue=issue, kind="new_resource")
    assert code_of(e.value) == "resource_required"
    issue.refresh_from_db()
    assert issue.state == IssueState.ON_AGENDA and issue.resolved_on is None


def test_the_database_refuses_a_resolved_issue_without_resolution(town):
    from django.db import IntegrityError, transaction

    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="member")
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalIssue.objects.filter(pk=issue.pk).update(state="resolved")


def test_resolving_by_a_new_resource_links_the_directory_entry(town):
    issue = on_agenda(town, services.issue_raise(by=town["sc2"], council=town["c1"], title="居場所がない",
                                                 source="needs"))
    service = _resource(town)
    issue = services.issue_resolve(by=town["sc2"], issue=issue, kind="new_resource", service=service,
                                   on=dt.date(2025, 10, 1))
    assert issue.state == IssueState.RESOLVED and issue.resolution_service == service
    assert list(service.resolved_issues.all()) == [issue]


def test_a_resolved_issue_cannot_move_again(town):
    issue = on_agenda(town, services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="member"))
    services.issue_resolve(by=town["sc2"], issue=issue, kind="partner", note="商店会が協力")
    with pytest.raises(ValidationError) as e:
        services.issue_move(by=town["sc2"], issue=issue, state=IssueState.ON_AGENDA)
    assert code_of(e.value) == "illegal_transition"
    fresh = services.issue_raise(by=town["sc2"], council=town["c1"], title="y", source="member")
    with pytest.raises(ValidationError) as e:
        services.issue_resolve(by=town["sc2"], issue=fresh, kind="other", note="x")
    assert code_of(e.value) == "illegal_transition", "an issue never discussed is not resolved through the council"


def test_escalation_puts_a_new_issue_before_the_layer1_council(town):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="交通空白地", source="needs")
    services.issue_move(by=town["sc2"], issue=issue, state=IssueState.ESCALATED)
    issue.refresh_from_db()
    assert issue.state == IssueState.ESCALATED and issue.escalated_to == town["top"]
    assert town["top"].issues.filter(title="交通空白地", state=IssueState.RAISED).exists()


def test_a_case_review_issue_needs_its_meeting(town):
    with pytest.raises(ValidationError) as e:
        services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="case_review")
    assert code_of(e.value) == "case_review_meeting_required"
    review = services.meeting_create(by=town["sc2"], council=town["c1"], title="個別ケース検討", place="包括",
                                     starts_at=_when(), kind=MeetingKind.CASE_REVIEW)
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="独居男性の孤立", source="case_review",
                                 meeting=review)
    assert issue.raised_at_meeting == review


def test_a_member_with_an_account_raises_issues_in_their_own_name(town):
    issue = services.issue_raise(by=town["member_user"], council=town["c1"], title="ゴミ出し", source="needs")
    assert issue.source == "member" and issue.raised_by_member == town["seat"]
    with pytest.raises(PermissionDenied):
        services.issue_raise(by=town["member_user"], council=town["c2"], title="x", source="member")


def test_issues_link_needs_through_generic_relations(town):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="needs",
                                 raised_from=[town["a1"]])
    link = issue.links.get()
    assert link.target == town["a1"] and link.purpose == "raised_from"


@pytest.mark.parametrize("value", [120, -1, 101, "abc"])
def test_progress_outside_0_100_is_refused(town, value):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="member")
    action = services.action_add(by=town["sc2"], issue=issue, title="調査")
    with pytest.raises(ValidationError) as e:
        services.action_update(by=town["sc2"], action=action, note="進んだ", progress=value)
    assert code_of(e.value) == "invalid_progress"
    action.refresh_from_db()
    assert action.progress == 0 and not action.timeline.exists()
    with pytest.raises(ValidationError):
        services.action_add(by=town["sc2"], issue=issue, title="y", progress=value)


def test_a_parent_progress_rolls_up_and_cannot_be_typed(town):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="member")
    parent = services.action_add(by=town["sc2"], issue=issue, title="移動販売の誘致")
    a = services.action_add(by=town["sc2"], issue=issue, title="事業者訪問", parent=parent)
    b = services.action_add(by=town["sc2"], issue=issue, title="停留所探し", parent=parent)
    services.action_update(by=town["sc2"], action=a, note="2社訪問", progress=50)
    services.action_update(by=town["sc2"], action=b, note="完了", status="done")
    issue.refresh_from_db()
    assert issue.state == IssueState.ACTION_PLAN
    tree = selectors.action_tree(issue)
    assert tree[0].progress == 75 and selectors.plan_progress(issue) == 75
    with pytest.raises(ValidationError) as e:
        services.action_update(by=town["sc2"], action=parent, note="x", progress=10)
    assert code_of(e.value) == "derived_progress"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 100), max_size=4), min_size=1, max_size=4))
def test_rolled_up_progress_stays_within_its_childrens_range(plan):
    """Decidim's rule: a parent's progress is the mean of its children's, so it never leaves
    [min, max] of them, and a plan's progress stays within 0–100 (built in memory, no database)."""
    from unittest import mock

    from sasaeai.councils.models import Action

    actions, pk = [], 0
    for children in plan:
        pk += 1
        parent = Action(pk=pk, title="p", progress=0, status="planned", position=pk)
        actions.append(parent)
        for value in children:
            pk += 1
            actions.append(Action(pk=pk, parent_id=parent.pk, title="c", progress=value, status="in_progress",
                                  position=pk))
    issue = mock.Mock()
    issue.actions.prefetch_related.return_value.order_by.return_value = actions
    tree = selectors.action_tree(issue)
    for node, children in zip(tree, plan, strict=True):
        if children:
            assert min(children) <= node.progress <= max(children)
        else:
            assert node.progress == 0
    total = selectors.plan_progress(issue)
    assert total is None or 0 <= total <= 100


def test_a_proposal_turns_its_issues_into_a_proposal(town):
    issue = services.issue_raise(by=town["sc1"], council=town["top"], title="移動支援の制度化", source="member")
    p = services.proposal_submit(by=town["sc1"], council=town["top"], title="移動支援", text="制度化を求める",
                                 addressee="市長", submitted_on=dt.date(2025, 11, 1), issues=[issue.pk])
    issue.refresh_from_db()
    assert issue.state == IssueState.PROPOSAL and list(p.issues.all()) == [issue]
    with pytest.raises(ValidationError) as e:
        services.proposal_decide(by=town["sc1"], proposal=p, status="reflected")
    assert code_of(e.value) == "plan_required"
    services.proposal_decide(by=town["sc1"], proposal=p, status="reflected", plan="第9期介護保険事業計画")
    assert PolicyProposal.objects.get(pk=p.pk).plan == "第9期介護保険事業計画"


def test_a_resident_and_another_areas_coordinator_cannot_write(town, make_user):
    from sasaeai.tenancy.models import Role

    other_sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["a2"]])
    with pytest.raises(PermissionDenied):
        services.meeting_create(by=town["resident"], council=town["c1"], title="x", starts_at=_when(), place="p")
    with pytest.raises(PermissionDenied):
        services.meeting_create(by=other_sc, council=town["c1"], title="x", starts_at=_when(), place="p")


def test_notice_goes_to_members_with_an_account(town):
    from sasaeai.notifications.models import Notification

    meeting = services.meeting_create(by=town["sc2"], council=town["c1"], title="第4回", starts_at=_when(),
                                      place="公民館")
    assert services.meeting_notify(by=town["sc2"], meeting=meeting) == 1
    n = Notification.objects.get(user=town["member_user"], kind="councils.meeting_notice")
    assert "地区1協議体" in n.subject and f"/councils/meetings/{meeting.pk}/" in n.url
