"""The worklife services: requests through the employer's code, the interview, the legal
checklist, the plan and follow-ups, consent-bound handovers across municipalities, and the
bad inputs the issue names (clear errors, nothing written)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sasaeai.needs.models import Need
from sasaeai.worklife import services
from sasaeai.worklife.models import (
    ChecklistItem,
    Consultation,
    ConsultationStatus,
    FollowUp,
    Handover,
    HandoverConsent,
    Plan,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_an_employee_requests_a_consultation_with_the_employers_code(world, request_one):
    c = request_one(code=world["employer"].link_code.lower())
    assert c.status == ConsultationStatus.REQUESTED
    assert c.care_manager == world["cm"] and c.contract == world["contract"]
    assert c.employee_user is None


def test_it_refuses_an_unknown_code(world, request_one):
    with pytest.raises(ValidationError) as err:
        request_one(code="NOPE123456")
    assert err.value.code == "unknown_code"
    assert Consultation.objects.count() == 0


def test_it_refuses_a_consultation_for_an_employer_without_a_contract(world, request_one):
    with pytest.raises(ValidationError) as err:
        request_one(code=world["lapsed"].link_code)
    assert err.value.code == "no_contract"
    assert Consultation.objects.count() == 0


def test_a_contract_with_an_unverified_care_manager_does_not_count(world, request_one):
    world["contract"].care_manager.user.helper_profile.qualifications.update(status="rejected")
    with pytest.raises(ValidationError) as err:
        request_one()
    assert err.value.code == "no_contract"


def test_the_interview_opens_the_employers_case_duties(world, recorded):
    c = recorded()
    assert c.status == ConsultationStatus.RECORDED
    kinds = set(c.checklist.values_list("kind", flat=True))
    assert kinds == {"individual_notice", "wishes_confirmed", "measures_offered"}


def test_an_unshared_case_has_no_employer_duties(world, recorded):
    c = recorded(shared_with_employer=False)
    assert not c.checklist.exists()


def test_only_the_assigned_care_manager_records(world, request_one):
    c = request_one()
    for user in (world["other_cm_user"], world["hr"], world["unverified"]):
        with pytest.raises(PermissionDenied):
            services.consultation_record(c, by=user, interviewed_on=TODAY(), family_situation="x")
    c.refresh_from_db()
    assert c.status == ConsultationStatus.REQUESTED and c.family_situation == ""


def test_it_refuses_an_interview_before_the_request(world, request_one):
    c = request_one()
    with pytest.raises(ValidationError) as err:
        services.consultation_record(c, by=world["cm_user"], interviewed_on=TODAY() - dt.timedelta(days=3),
                                     family_situation="x")
    assert err.value.code == "date_order"


def test_hr_and_the_care_manager_complete_the_checklist(world, recorded):
    c = recorded()
    notice = c.checklist.get(kind="individual_notice")
    services.checklist_complete(notice, by=world["hr"], done_on=TODAY(), method="interview",
                                notice_items=["care_leave", "benefit"])
    notice.refresh_from_db()
    assert notice.done_on == TODAY() and notice.method == "interview" and notice.done_by == world["hr"]
    wishes = c.checklist.get(kind="wishes_confirmed")
    services.checklist_complete(wishes, by=world["cm_user"], done_on=TODAY())
    training = ChecklistItem.objects.create(employer=world["employer"], kind="training", due_on=TODAY())
    services.checklist_complete(training, by=world["hr"], done_on=TODAY() - dt.timedelta(days=300))


def test_it_refuses_a_checklist_date_before_the_consultation(world, recorded):
    c = recorded()
    item = c.checklist.get(kind="wishes_confirmed")
    with pytest.raises(ValidationError) as err:
        services.checklist_complete(item, by=world["hr"], done_on=TODAY() - dt.timedelta(days=1))
    assert err.value.code == "date_order"
    item.refresh_from_db()
    assert item.done_on is None


def test_the_individual_notice_needs_its_method_and_items(world, recorded):
    item = recorded().checklist.get(kind="individual_notice")
    with pytest.raises(ValidationError):
        services.checklist_complete(item, by=world["hr"], done_on=TODAY())
    with pytest.raises(ValidationError):
        services.checklist_complete(item, by=world["hr"], done_on=TODAY(), method="email")
    item.refresh_from_db()
    assert item.done_on is None


def test_hr_of_another_employer_cannot_tick(world, recorded, make_user):
    from sasaeai.worklife.models import Employer, EmployerContact

    stranger = make_user()
    other = Employer.objects.create(municipality=world["a"], name="他社", size_band="under_50")
    EmployerContact.objects.create(employer=other, user=stranger)
    item = recorded().checklist.get(kind="wishes_confirmed")
    with pytest.raises(PermissionDenied):
        services.checklist_complete(item, by=stranger, done_on=TODAY())


def test_a_plan_has_follow_ups_at_one_and_three_months_by_default(world, recorded):
    c = recorded()
    services.plan_create(c, by=world["cm_user"], goals="仕事を続けながら母の介護体制を作る",
                         leave_from=TODAY() + dt.timedelta(days=10), leave_until=TODAY() + dt.timedelta(days=40))
    c.refresh_from_db()
    assert c.status == ConsultationStatus.PLANNED
    dues = list(c.follow_ups.values_list("due_on", flat=True))
    assert dues == [services.add_months(TODAY(), 1), services.add_months(TODAY(), 3)]


def test_it_refuses_a_plan_follow_up_in_the_past(world, recorded):
    c = recorded()
    with pytest.raises(ValidationError) as err:
        services.plan_create(c, by=world["cm_user"], goals="x", follow_ups=[TODAY() - dt.timedelta(days=1)])
    assert err.value.code == "follow_up_in_past"
    assert not Plan.objects.exists() and not FollowUp.objects.exists()
    c.refresh_from_db()
    assert c.status == ConsultationStatus.RECORDED


def test_closing_schedules_employment_checks(world, recorded):
    c = recorded()
    services.plan_create(c, by=world["cm_user"], goals="x")
    services.consultation_close(c, by=world["cm_user"], outcome="changed_hours")
    c.refresh_from_db()
    assert c.status == ConsultationStatus.CLOSED
    assert list(c.follow_ups.values_list("kind", flat=True)) == ["employment", "employment"]


def test_leaving_work_at_closure_records_the_date(world, recorded):
    c = recorded()
    services.consultation_close(c, by=world["cm_user"], outcome="left_work")
    c.refresh_from_db()
    assert c.left_work_on == TODAY() and not c.follow_ups.exists()


def test_it_refuses_a_handover_without_consent(world, recorded):
    c = recorded()
    with pytest.raises(ValidationError) as err:
        services.handover_create(c, by=world["cm_user"], kind="support_center")
    assert err.value.code == "no_consent"
    services.consent_record(c, by=world["cm_user"], granted=True, scope=["situation"])
    services.consent_record(c, by=world["cm_user"], granted=False)
    with pytest.raises(ValidationError):
        services.handover_create(c, by=world["cm_user"], kind="need")
    assert not Handover.objects.exists() and not Need.objects.exists()


def test_a_handover_goes_to_the_centre_of_the_other_municipality_with_only_the_consented_scope(world, recorded):
    from sasaeai.notifications.models import Notification

    c = recorded()
    services.consent_record(c, by=world["cm_user"], granted=True, scope=["situation"], basis="written")
    h = services.handover_create(c, by=world["cm_user"], kind="support_center", note="週末に訪問希望")
    assert h.municipality == world["b"] and h.area == world["b_area"]
    assert h.shared["situation"] == "母は一人暮らしで要介護2"
    assert "employee_name" not in h.shared and "employee_contact" not in h.shared and "wishes" not in h.shared
    assert Notification.objects.filter(user=world["centre_b"], kind="worklife.handover").exists()
    assert not Notification.objects.filter(user=world["centre_a"], kind="worklife.handover").exists()
    from sasaeai.worklife import selectors

    assert list(selectors.handovers_for(world["centre_b"])) == [h]
    assert not selectors.handovers_for(world["centre_a"]).exists()


def test_a_handover_as_a_need_is_anonymous_in_the_receiving_register(world, recorded):
    c = recorded()
    services.consent_record(c, by=world["cm_user"], granted=True, scope=["situation", "contact"])
    h = services.handover_create(c, by=world["cm_user"], kind="need")
    need = h.need
    assert need.municipality == world["b"] and need.resident is None
    assert "山田" not in need.description and "090" not in need.description


def test_a_handover_needs_a_recorded_interview(world, request_one):
    c = request_one()
    HandoverConsent.objects.create(consultation=c, granted=True, scope=["situation"], basis="verbal")
    with pytest.raises(ValidationError) as err:
        services.handover_create(c, by=world["cm_user"], kind="support_center", municipality=world["b"],
                                 area=world["b_area"])
    assert err.value.code == "illegal_transition"


def test_overdue_duties_are_reminded_once(world, recorded):
    from sasaeai.notifications.models import Notification

    c = recorded()
    c.checklist.update(due_on=TODAY() - dt.timedelta(days=1))
    assert services.remind_overdue() == 3
    assert services.remind_overdue() == 0
    assert Notification.objects.filter(user=world["hr"], kind="worklife.checklist_overdue").count() == 3
    assert Notification.objects.filter(user=world["cm_user"], kind="worklife.checklist_overdue").count() == 3


def test_withdrawn_consultations_leave_the_checklist(world, recorded):
    from sasaeai.worklife import selectors

    c = recorded()
    assert len(selectors.checklist_rows(world["employer"])) == 3
    services.consultation_withdraw(c, by=world["cm_user"])
    assert selectors.checklist_rows(world["employer"]) == []


def test_the_receiving_centre_links_the_employee_as_the_parents_proxy(world, request_one):
    from sasaeai.residents.models import Proxy, Resident
    from sasaeai.safety.consent import Purpose, has_consent

    c = request_one(user=world["employee"])
    services.consultation_record(c, by=world["cm_user"], interviewed_on=TODAY(), relation="child",
                                 family_municipality=world["b"], family_area=world["b_area"],
                                 family_situation="母")
    services.consent_record(c, by=world["cm_user"], granted=True, scope=["situation"])
    h = services.handover_create(c, by=world["cm_user"], kind="proxy_request")
    mother = Resident.objects.create(municipality=world["b"], area=world["b_area"], family_name="山田",
                                     given_name="母", family_name_kana="やまだ", given_name_kana="はは",
                                     birth_date=dt.date(1945, 1, 1), address="B町1", lat=35.6, lon=139.3, h3_cell="x")
    with pytest.raises(ValidationError) as err:  # the consent does not cover the employee's contact
        services.handover_link_proxy(h, by=world["centre_b"], resident=mother)
    assert err.value.code == "no_consent"
    services.consent_record(c, by=world["cm_user"], granted=True, scope=["situation", "contact"])
    with pytest.raises(PermissionDenied):
        services.handover_link_proxy(h, by=world["centre_a"], resident=mother)
    link = services.handover_link_proxy(h, by=world["centre_b"], resident=mother)
    assert link.user == world["employee"] and link.relation == "child"
    assert Proxy.objects.filter(resident=mother, user=world["employee"]).exists()
    assert has_consent(mother, Purpose.WORK_CARE_HANDOVER)


def test_a_seminar_links_an_event_of_the_events_app(world):
    from sasaeai.events.models import Event

    start = timezone.now() + dt.timedelta(days=10)
    event = Event.objects.create(municipality=world["a"], event_type="information", title="介護保険の基礎",
                                 organiser_name="両立ケアマネ", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                 capacity=30)
    seminar = services.seminar_link(by=world["cm_user"], employer=world["employer"], event=event,
                                    topic="care_insurance")
    assert seminar.event == event and services.seminar_link(
        by=world["cm_user"], employer=world["employer"], event=event, topic="care_insurance") == seminar
    with pytest.raises(PermissionDenied):
        services.seminar_link(by=world["hr"], employer=world["employer"], event=event, topic="dementia")
