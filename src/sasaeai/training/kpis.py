"""KPI indicators of the training app (plug-in of the KPI framework).

Who owns "SC training sessions per year": the councils app keeps `sc_training_sessions`
(council meetings of the type “SC training”, what councils record in their minutes); the
training register owns `training_sc_course_sessions`: sessions (events) of the SC initial and
in-service courses held in the fiscal year. Two sources, two keys — neither counts the other's
records, so nothing is counted twice. Completions and trained dementia supporters come from the
completions register. Each compute/records pair is a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SC_KINDS, Completion, CourseKind, CourseSession


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def _sc_sessions(municipality, area, start, end):
    """Sessions of SC courses held: not cancelled, started in the period, with an attendance."""
    lo, hi = _bounds(start, end)
    qs = CourseSession.objects.filter(course__municipality=municipality, course__kind__in=list(SC_KINDS),
                                      event__cancelled_at__isnull=True, event__starts_at__gte=lo,
                                      event__starts_at__lt=hi, event__attendances__isnull=False)
    if area is not None:
        qs = qs.filter(event__area=area)
    return qs.distinct().order_by("event__starts_at", "pk")


def _completions(municipality, area, start, end, kinds=None):
    qs = Completion.objects.filter(course__municipality=municipality, revoked_at__isnull=True,
                                   completed_on__gte=start, completed_on__lte=end)
    if kinds:
        qs = qs.filter(course__kind__in=list(kinds))
    if area is not None:
        qs = qs.filter(session__event__area=area)
    return qs.order_by("completed_on", "pk")


def _dementia(municipality, area, start, end):
    return _completions(municipality, area, start, end, [CourseKind.DEMENTIA_SUPPORTER])


def _count(records):
    def compute(municipality, area, start, end):
        return records(municipality, area, start, end).count(), None

    return compute


def _describe_session(s) -> list[str]:
    return [timezone.localtime(s.event.starts_at).strftime("%Y-%m-%d"), s.course.title]


def _describe_completion(c) -> list[str]:
    return [c.completed_on.isoformat(), c.course.title]


def _base(**kw):
    return {"period": "fiscal_year", "direction": "at_least", "per_area": True, "available": True, "order": 120, **kw}


def indicators() -> list[dict]:
    return [
        _base(key="training_sc_course_sessions", unit="count", target=4,
              name=_("SC training sessions (training register)"),
              definition=_("Sessions of the SC initial and in-service courses (生活支援コーディネーター初任者研修・"
                           "現任者研修) held in the fiscal year: not cancelled, with at least one attendance. "
                           "Source: the training register's course sessions (events). Council meetings of the "
                           "type “SC training” are counted separately."),
              compute=_count(_sc_sessions),
              records=lambda m, a, s, e: _sc_sessions(m, a, s, e).select_related("event", "course"),
              headers=(_("Date"), _("Course")), describe=_describe_session),
        _base(key="training_completions", unit="count", target=None,
              name=_("Course completions"),
              definition=_("Completions of courses recorded by the organisers in the fiscal year (withdrawn ones "
                           "left out). Source: the training register."),
              compute=_count(_completions),
              records=lambda m, a, s, e: _completions(m, a, s, e).select_related("course"),
              headers=(_("Completed on"), _("Course")), describe=_describe_completion),
        _base(key="training_dementia_supporters", unit="count", target=None,
              name=_("Dementia supporters trained"),
              definition=_("Completions of the dementia supporter course (認知症サポーター養成講座) in the fiscal "
                           "year. Source: the training register."),
              compute=_count(_dementia),
              records=lambda m, a, s, e: _dementia(m, a, s, e).select_related("course"),
              headers=(_("Completed on"), _("Course")), describe=_describe_completion),
    ]
