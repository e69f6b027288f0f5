"""More records of every kind behind the KPI dashboard: `grow(municipality, fiscal_year)` copies a
few of the records each indicator's drill-down lists (with what makes them count: attendances,
follow-ups, parties, a placement, a fresh person where people are counted once), so every
indicator's drill-down has more rows afterwards and a query count that depends on the number
of records shows up as a difference (tests/kpis/test_kpis_dashboard.py)."""

from __future__ import annotations

import itertools

from django.db import models

from sasaeai.kpis import registry, selectors

_seq = itertools.count(1)


def clone(obj, **changes):
    """A saved copy of `obj` as a new row, `changes` applied. Unique values are renewed: emptied
    when nullable, drawn again from a generated default (a token, a uuid), else prefixed; so are the
    plain (non-relation) fields of a multi-field unique constraint (`demo_key`, `hsds_id`) when
    nullable or generated. `auto_now_add` stamps the copy now."""
    model = type(obj)
    new = model()
    together = {name for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
                for name in c.fields}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if f.unique or (f.name in together and not f.is_relation):
            if f.null:
                value = None
            elif f.has_default() and callable(f.default):
                value = f.get_default()
            elif f.unique:
                value = f"c{next(_seq)}{value}"
        setattr(new, f.attname, value)
    for name, value in changes.items():
        setattr(new, name, value)
    new.save()
    return new


def person(user):
    """Another person like `user` (a new e-mail address, no phone: both are unique)."""
    return clone(user, email=f"grown{next(_seq)}@example.test", phone=None)


def _records(key, municipality, fiscal_year, k):
    return list(selectors.records(registry.get(key), municipality, None, fiscal_year)[0][:k])


def _tenancy(m, fy, k):
    from sasaeai.tenancy.models import Membership

    for leaver in _records("sc_turnover", m, fy, k):
        ended = Membership.history.filter(user=leaver, municipality=m, ended_at__isnull=False).latest("ended_at")
        new = clone(ended, user=person(leaver))
        new.areas.set(ended.areas.all())


def _helpers(m, fy, k):  # also grows participation_share_65 (registered helpers)
    for profile in _records("new_helpers_under_65", m, fy, k):
        clone(profile, user=person(profile.user))


def _simple(m, fy, k):
    """Records that count by themselves: a copy is one more row."""
    for key in ("sc_satisfaction", "support_map_fresh", "council_issues_resolved", "council_resident_private_share",
                "council_policy_proposals", "sc_training_sessions", "sc_network_meetings", "multi_agency_meetings",
                "needs_recorded", "needs_connected_share", "needs_unmet", "sc_coordination_share",
                "sc_network_events"):
        for record in _records(key, m, fy, k):
            clone(record)


def _cases(m, fy, k):
    """Copies for residents without a case (one open case per resident)."""
    from sasaeai.residents.models import Resident

    free = iter(Resident.objects.filter(municipality=m, cases__isnull=True).order_by("pk")[:2 * k])
    for key in ("case_referrals_answered_in_14_days", "cases_closed_connected"):
        for case in _records(key, m, fy, k):
            clone(case, resident=next(free))


def _councils(m, fy, k):
    """A resolved issue for a layer-2 council that has none yet (the share is bounded by the councils)."""
    from sasaeai.councils.models import Council
    from sasaeai.tenancy.models import Area

    resolving = _records("council_layer2_resolving", m, fy, 100)
    issue = _records("council_issues_resolved", m, fy, 1)[0]
    for council in Council.objects.filter(municipality=m, area__layer=Area.Layer.DAILY_LIFE).exclude(
            pk__in=[c.pk for c in resolving])[:k]:
        clone(issue, council=council)


def _partners(m, fy, k):
    for agreement in _records("partner_agreements", m, fy, k):
        clone(agreement).parties.set(agreement.parties.all())


def _workactivity(m, fy, k):
    from sasaeai.workactivity.models import WorkParticipation

    start, end = selectors.records(registry.get("work_like_participants"), m, None, fy)[1:]
    for user in _records("work_like_participants", m, fy, k):
        seen = WorkParticipation.objects.filter(attended=True, placement__interest__user=user, date__gte=start,
                                                date__lte=end, placement__task__municipality=m).first()
        interest = clone(seen.placement.interest, user=person(user))
        clone(seen, placement=clone(seen.placement, interest=interest))


def _events(m, fy, k):
    for event in _records("trial_volunteering_events", m, fy, k):
        new, people = clone(event), {}
        for attendance in event.attendances.all():
            people[attendance.person_id] = person(attendance.person)
            clone(attendance, event=new, person=people[attendance.person_id], signup=None)
        for followup in event.followups.all():
            clone(followup, event=new, person=people.get(followup.person_id) or person(followup.person))


def _training(m, fy, k):
    for session in _records("training_sc_course_sessions", m, fy, k):
        event = clone(session.event)
        attendance = session.event.attendances.first()
        clone(attendance, event=event, person=person(attendance.person), signup=None)
        clone(session, event=event)
    for key in ("training_completions", "training_dementia_supporters"):
        for completion in _records(key, m, fy, k):
            clone(completion, person=person(completion.person))


def _worklife(m, fy, k):
    for key in ("worklife_still_employed_6_months", "worklife_still_employed_12_months"):
        for consultation in _records(key, m, fy, k):
            new = clone(consultation)
            for followup in consultation.follow_ups.all():
                clone(followup, consultation=new)


GROWERS = (_tenancy, _helpers, _simple, _cases, _councils, _partners, _workactivity, _events, _training, _worklife)


def grow(municipality, fiscal_year: int, k: int = 3) -> None:
    for fn in GROWERS:
        fn(municipality, fiscal_year, k)
