"""Demo training for the synthetic town: the usual courses (認知症サポーター養成講座, 生活支援
サポーター養成研修, SC 初任者研修・現任者研修, 普通救命講習), a year of sessions as events with
sign-ups and attendance, completions with certificates (helpers get the qualification, residents
who are not helpers yet keep it pending), and upcoming sessions to sign up for. Deterministic
for the town's seed; a second call adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sasaeai.events import services as event_services
from sasaeai.events.models import Event, SignUpStatus

from . import services
from .models import Course, CourseKind, CourseScope

#: (key, kind, scope, title, organiser, valid years, past sessions, participants per session)
COURSES = [
    ("dementia", CourseKind.DEMENTIA_SUPPORTER, CourseScope.MUNICIPAL, "認知症サポーター養成講座",
     "地域包括支援センター", None, 4, 12),
    ("life", CourseKind.LIFE_SUPPORT, CourseScope.MUNICIPAL, "生活支援サポーター養成研修", "社会福祉協議会",
     None, 2, 10),
    ("sc_initial", CourseKind.SC_INITIAL, CourseScope.PREFECTURAL, "生活支援コーディネーター初任者研修",
     "県 地域包括ケア推進課", None, 1, 3),
    ("sc_in_service", CourseKind.SC_IN_SERVICE, CourseScope.PREFECTURAL, "生活支援コーディネーター現任者研修",
     "県 地域包括ケア推進課", None, 3, 3),
    ("first_aid", CourseKind.FIRST_AID, CourseScope.MUNICIPAL, "普通救命講習", "消防署", 3, 2, 10),
]


def seed(town) -> dict[str, int]:
    m = town.municipality
    if Course.objects.filter(municipality=m, demo_key__isnull=False).exists():
        return {"courses": 0}
    with transaction.atomic():
        return _seed(town)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _seed(town) -> dict[str, int]:
    from sasaeai.accounts.models import User
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.tenancy.models import Role

    m, rng = town.municipality, town.rng("training")
    counts = {"courses": 0, "sessions": 0, "completions": 0, "applied": 0, "pending": 0}
    if not town.areas:
        return counts
    helpers = list(User.objects.filter(pk__in=HelperProfile.objects.filter(municipality=m).values("user_id"))
                   .order_by("pk")[:60])
    residents = list(User.objects.filter(memberships__municipality=m, memberships__role=Role.RESIDENT,
                                         helper_profile__isnull=True).order_by("pk").distinct()[:30])
    coordinators = list(User.objects.filter(memberships__municipality=m, memberships__role__in=[
        Role.COORDINATOR_L1, Role.COORDINATOR_L2]).order_by("pk").distinct()[:6])
    today = timezone.localdate()
    soon = timezone.now() + dt.timedelta(days=1)
    for key, kind, scope, title, organiser, years, n_past, size in COURSES:
        course = services.create_course(by=None, municipality=m, title=title, kind=kind, scope=scope,
                                        organiser_name=organiser, valid_years=years,
                                        description=f"{title}（デモ）", demo_key=f"{m.code}:course:{key}")
        counts["courses"] += 1
        pool = coordinators if course.is_sc_course else helpers + residents
        for i in range(n_past + 1):
            past = i < n_past
            area = town.areas[(i + len(key)) % len(town.areas)]
            day = today - dt.timedelta(days=330 - i * (300 // max(n_past, 1)) - len(key)) if past else \
                today + dt.timedelta(days=10 + 7 * (len(key) % 4))
            start = _at(day, rng.choice([10, 13]))
            session = services.add_session(
                by=None, course=course, starts_at=soon if past else start,
                ends_at=(soon if past else start) + dt.timedelta(hours=2), capacity=size + 5,
                area=None if course.is_sc_course else area,
                place="県庁 研修室" if course.is_sc_course else f"{area.name}地区センター",
                demo_key=f"{m.code}:course:{key}:{i}")
            counts["sessions"] += 1
            if not pool:
                continue
            chosen = rng.sample(pool, min(size, len(pool)))
            for person in chosen:
                if not event_services.selectors.events_for(person).filter(pk=session.event_id).exists():
                    continue
                event_services.sign_up(by=person, event=session.event, person=person)
            if not past:
                continue
            Event.objects.filter(pk=session.event_id).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
            session.event.refresh_from_db()
            for j, s in enumerate(session.event.signups.filter(status=SignUpStatus.CONFIRMED).order_by("pk")):
                if j % 7 == 6:  # did not come
                    continue
                c, created = services.record_completion(by=None, session=session, person=s.person,
                                                        demo_key=f"{m.code}:course:{key}:{i}:{j}")
                if created:
                    counts["completions"] += 1
                    counts["applied"] += bool(c.qualification_id and c.applied_at)
                    counts["pending"] += bool(course.grants and c.applied_at is None)
    return counts
