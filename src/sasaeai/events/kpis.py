"""KPI indicators of the events app (plug-in of the KPI framework, `project_modules("kpis")`).
Keys `trial_volunteering_events` and `trial_volunteering_participants` replace the kpis app's
"no data yet" placeholders; the funnel and `sc_network_events` (SC network meetings and joint
trainings held as events) are new. `sc_training_sessions` belongs to the councils app."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Attendance, Event, EventType, FollowUp, FollowUpStatus

TRIAL = EventType.TRIAL_VOLUNTEERING
#: Registered as a helper within this many days of the trial counts as a conversion.
FUNNEL_DAYS = 90


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def _events(municipality, area, start, end, types):
    lo, hi = _bounds(start, end)
    qs = Event.objects.filter(municipality=municipality, event_type__in=types, starts_at__gte=lo,
                              starts_at__lt=hi, cancelled_at__isnull=True)
    if area is not None:
        qs = qs.filter(area=area)
    return qs


def _held_trials(municipality, area, start, end):
    """Trial events held: not cancelled, with at least one attendance."""
    return _events(municipality, area, start, end, [TRIAL]).filter(attendances__isnull=False).distinct()


def _trial_events(municipality, area, start, end):
    return _held_trials(municipality, area, start, end).count(), None


def _participants_records(municipality, area, start, end):
    """Distinct people who attended a trial event in the period."""
    att = Attendance.objects.filter(event__in=_held_trials(municipality, area, start, end))
    return get_user_model().objects.filter(pk__in=att.values("person_id")).order_by("pk")


def _participants(municipality, area, start, end):
    return _participants_records(municipality, area, start, end).count(), None


def _followups(municipality, area, start, end):
    return FollowUp.objects.filter(event__in=_held_trials(municipality, area, start, end)).order_by("pk")


def _followed_up(municipality, area, start, end):
    qs = _followups(municipality, area, start, end)
    return qs.filter(status=FollowUpStatus.DONE).count(), qs.count() or None


def _converted_records(municipality, area, start, end):
    qs = _followups(municipality, area, start, end)
    from django.db.models import DurationField, ExpressionWrapper, F

    gap = ExpressionWrapper(F("registered_helper_at") - F("event__starts_at"), output_field=DurationField())
    return qs.filter(registered_helper_at__isnull=False).annotate(gap=gap).filter(
        gap__lte=dt.timedelta(days=FUNNEL_DAYS))


def _converted(municipality, area, start, end):
    return _converted_records(municipality, area, start, end).count(), _followups(
        municipality, area, start, end).count() or None


def _sc_network_records(municipality, area, start, end):
    return _events(municipality, area, start, end, [EventType.JOINT_TRAINING, EventType.SC_NETWORK]).order_by(
        "starts_at", "pk")


def _sc_network(municipality, area, start, end):
    return _sc_network_records(municipality, area, start, end).count(), None


def _base(**kw):
    return {"period": "fiscal_year", "direction": "at_least", "per_area": True, "available": True, **kw}


def indicators() -> list[dict]:
    return [
        _base(key="trial_volunteering_events", unit="count", target=10,
              name=_("Trial volunteering events"),
              definition=_("Trial volunteering events (おためしボランティア) held in the fiscal year: not "
                           "cancelled, with at least one attendance. Source: the events register."),
              compute=_trial_events,
              records=lambda m, a, s, e: _held_trials(m, a, s, e).order_by("starts_at", "pk")),
        _base(key="trial_volunteering_participants", unit="count", target=100,
              name=_("Participants in trial volunteering"),
              definition=_("Different people recorded as attending a trial volunteering event in the fiscal "
                           "year (walk-ins included). Source: the events register's attendance."),
              compute=_participants, records=_participants_records),
        _base(key="trial_volunteering_followed_up", unit="percent", target=None,
              name=_("Trial participants followed up"),
              definition=_("Follow-ups done by the SC ÷ follow-ups created for participants of trial "
                           "volunteering events of the fiscal year. Source: the events register."),
              compute=_followed_up,
              records=lambda m, a, s, e: _followups(m, a, s, e).filter(status=FollowUpStatus.DONE)),
        _base(key="trial_volunteering_conversion", unit="percent", target=None,
              name=_("Trial participants who became helpers"),
              definition=_("Participants of trial volunteering events who registered as helpers within 90 "
                           "days ÷ all followed-up participants of the fiscal year. Source: the events register."),
              compute=_converted, records=_converted_records),
        _base(key="sc_network_events", unit="count", target=None,
              name=_("SC network and joint training events"),
              definition=_("SC network meetings and multi-agency joint trainings held in the fiscal year. "
                           "Source: the events register."),
              compute=_sc_network, records=_sc_network_records),
    ]
