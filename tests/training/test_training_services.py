"""Training services: courses, sessions as events, completions that verify a qualification
(idempotent, walk-ins, pending until the person registers as a helper), withdrawal, and the
certificate code check."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sasaeai.events.models import Attendance, EventType
from sasaeai.helpers.models import HelperProfile, HelperQualification
from sasaeai.helpers.selectors import verified_qualifications
from sasaeai.tenancy.models import Role
from sasaeai.training import selectors, services
from sasaeai.training.models import Completion, CourseSession

from .conftest import code_of, held

pytestmark = pytest.mark.django_db


def test_course_defaults_its_qualification_and_sessions_are_course_events(town):
    course, session = town["course"], town["session"]
    assert course.grants == "ninchisho_supporter"
    assert session.event.event_type == EventType.COURSE and session.event.municipality == town["m"]
    sc_course = services.create_course(by=town["sc"], municipality=town["m"], title="SC初任者研修",
                                       kind="sc_initial", scope="prefectural")
    assert sc_course.grants == ""
    start = timezone.now() + dt.timedelta(days=3)
    s = services.add_session(by=town["sc"], course=sc_course, starts_at=start, ends_at=start + dt.timedelta(hours=3),
                             capacity=10, place="県庁", is_public=True)
    assert s.event.is_public is False  # SC training is never listed for residents


def test_completion_verifies_the_qualification_once(town):
    helper = town["helper"]
    assert "ninchisho_supporter" not in verified_qualifications(helper)
    c, created = services.record_completion(by=town["sc"], session=town["session"], person=helper.user)
    assert created and c.applied_at and not c.walk_in
    q = HelperQualification.objects.get(profile=helper, code="ninchisho_supporter")
    assert q.status == "verified" and q.certificate_number == c.code and q.reviewed_by == town["sc"]
    assert "ninchisho_supporter" in verified_qualifications(helper)
    # Ticking again: the same completion, no second qualification, no second certificate.
    again, created = services.record_completion(by=town["sc"], session=town["session"], person=helper.user)
    assert not created and again.pk == c.pk
    assert HelperQualification.objects.filter(profile=helper, code="ninchisho_supporter").count() == 1
    assert Completion.objects.count() == 1
    assert Attendance.objects.filter(event=town["session"].event, person=helper.user, walk_in=False).count() == 1


def test_a_submitted_claim_is_verified_not_doubled(town):
    helper = town["helper"]
    HelperQualification.objects.create(profile=helper, code="ninchisho_supporter", status="submitted")
    c, _ = services.record_completion(by=town["sc"], session=town["session"], person=helper.user)
    qs = HelperQualification.objects.filter(profile=helper, code="ninchisho_supporter")
    assert qs.count() == 1 and qs.get().status == "verified" and c.qualification_id == qs.get().pk


def test_not_signed_up_needs_the_walk_in_flag(town):
    stranger = town["make_user"](Role.RESIDENT, town["m"])
    with pytest.raises(ValidationError) as exc:
        services.record_completion(by=town["sc"], session=town["session"], person=stranger)
    assert code_of(exc.value) == "not_signed_up"
    assert not Completion.objects.exists() and not Attendance.objects.exists()
    c, created = services.record_completion(by=town["sc"], session=town["session"], person=stranger, walk_in=True)
    assert created and c.walk_in
    assert Attendance.objects.get(person=stranger).walk_in


def test_before_the_session_nothing_is_recorded(town):
    start = timezone.now() + dt.timedelta(days=5)
    later = services.add_session(by=town["sc"], course=town["course"], starts_at=start,
                                 ends_at=start + dt.timedelta(hours=2), capacity=5, place="公民館")
    with pytest.raises(ValidationError) as exc:
        services.record_completion(by=town["sc"], session=later, person=town["helper"].user, walk_in=True)
    assert code_of(exc.value) == "session_not_started" and not Completion.objects.exists()


def test_only_the_organiser_records(town):
    with pytest.raises(PermissionDenied):
        services.record_completion(by=town["sc_other"], session=town["session"], person=town["helper"].user)
    with pytest.raises(PermissionDenied):
        services.record_completion(by=town["resident"], session=town["session"], person=town["resident"])
    assert not Completion.objects.exists()


def test_pending_until_the_person_registers_as_a_helper(town):
    resident = town["resident"]
    c, _ = services.record_completion(by=town["sc"], session=town["session"], person=resident)
    assert c.applied_at is None and c.qualification_id is None
    profile = HelperProfile.objects.create(user=resident, municipality=town["m"])
    c.refresh_from_db()
    assert c.applied_at is not None
    assert HelperQualification.objects.get(profile=profile).code == "ninchisho_supporter"
    assert "ninchisho_supporter" in verified_qualifications(profile)


def test_revoke_withdraws_certificate_and_qualification(town):
    c, _ = services.record_completion(by=town["sc"], session=town["session"], person=town["helper"].user)
    with pytest.raises(ValidationError) as exc:
        services.revoke_completion(by=town["sc"], completion=c, reason="  ")
    assert code_of(exc.value) == "reason_required"
    services.revoke_completion(by=town["sc"], completion=c, reason="記録の誤り")
    assert "ninchisho_supporter" not in verified_qualifications(town["helper"])
    assert selectors.verification(c.code)["state"] == "revoked"
    with pytest.raises(ValidationError):
        services.revoke_completion(by=town["sc"], completion=c, reason="again")


def test_expiry_of_a_first_aid_course(town):
    course = services.create_course(by=town["sc"], municipality=town["m"], title="普通救命講習", kind="first_aid",
                                    valid_years=3)
    start = timezone.now() + dt.timedelta(days=1)
    s = services.add_session(by=town["sc"], course=course, starts_at=start, ends_at=start + dt.timedelta(hours=3),
                             capacity=10, place="消防署")
    held(s)
    c, _ = services.record_completion(by=town["sc"], session=s, person=town["helper"].user, walk_in=True)
    assert c.expires_on == c.completed_on.replace(year=c.completed_on.year + 3)
    assert HelperQualification.objects.get(profile=town["helper"], code="first_aid").expires_on == c.expires_on


@pytest.mark.parametrize("field,value,code", [("title", " ", "required"), ("kind", "yoga", "invalid_kind"),
                                              ("grants", "wizard", "invalid_qualification"),
                                              ("valid_years", "-2", "invalid_validity"),
                                              ("scope", "galactic", "invalid_scope")])
def test_bad_course_input(town, field, value, code):
    kw = dict(by=town["sc"], municipality=town["m"], title="講座", kind="other")
    kw[field] = value
    before = CourseSession.objects.count(), town["course"].__class__.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_course(**kw)
    assert code_of(exc.value) == code
    assert (CourseSession.objects.count(), town["course"].__class__.objects.count()) == before


def test_verification_discloses_little(town):
    c, _ = services.record_completion(by=town["sc"], session=town["session"], person=town["resident"])
    v = selectors.verification(c.display_code.lower())
    assert v["valid"] and v["holder"] == "佐＊＊＊" and v["course"] == "認知症サポーター養成講座"
    assert "花子" not in str(v)
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in c.code)
    assert selectors.verification(fullwidth)["code"] == c.display_code
    assert selectors.verification("ZZZZ-ZZZZ-ZZZZ") is None
    assert selectors.verification("") is None and selectors.verification("x" * 500) is None


def test_other_municipality_cannot_read_courses(town, make_municipality, make_user):
    other = make_municipality(n_areas=1)
    stranger = make_user(Role.COORDINATOR_L1, other)
    assert not selectors.courses_for(stranger).exists()
    assert selectors.session_for(stranger, town["session"].pk) is None
    with pytest.raises(PermissionDenied):
        services.add_session(by=stranger, course=town["course"], starts_at=timezone.now(),
                             ends_at=timezone.now() + dt.timedelta(hours=1), capacity=3, place="x")


def test_an_existing_course_event_becomes_a_session(town):
    from sasaeai.events import services as event_services

    start = timezone.now() + dt.timedelta(days=4)
    ev = event_services.create_event(by=town["sc"], municipality=town["m"], area=town["a1"], title="講座",
                                     event_type="course", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                     capacity=5, place="公民館")[0]
    salon = event_services.create_event(by=town["sc"], municipality=town["m"], area=town["a1"], title="サロン",
                                        event_type="salon", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                        capacity=5, place="公民館")[0]
    s = services.attach_event(by=town["sc"], course=town["course"], event=ev)
    assert s.event == ev and s.course == town["course"]
    for event, code in ((ev, "already_session"), (salon, "invalid_type")):
        with pytest.raises(ValidationError) as exc:
            services.attach_event(by=town["sc"], course=town["course"], event=event)
        assert code_of(exc.value) == code
