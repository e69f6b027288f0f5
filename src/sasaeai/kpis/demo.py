"""Demo KPIs: coordinator tenures going back some years with one rotation in the running
fiscal year (a layer-2 SC left and a successor took over), and this year's SC survey
answered by every coordinator in post. Deterministic for the town's seed; idempotent (the
former SC is keyed by e-mail, tenures are set to the same dates, the survey is answered once
per person)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sasaeai.tenancy.models import Membership, Role

from .models import ScSurveyAnswer, ScSurveyParticipation
from .periods import fiscal_year_bounds, fiscal_year_of, today
from .services import SC_ROLES, survey_for

#: Satisfaction answers drawn for the demo (weights): most coordinators are fairly satisfied.
SATISFACTION = [(5, 3), (4, 5), (3, 2)]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def seed(town) -> dict[str, int]:
    from sasaeai.accounts.models import User
    from sasaeai.demo.generator import demo_email

    municipality = town.municipality
    rng = town.rng("kpis")
    now = today()
    fy_start, _fy_end = fiscal_year_bounds(fiscal_year_of(now))
    # The rotation: the former SC of the first area left a month and a half into the year
    # (or yesterday, early in April); the current SC of that area started the next day.
    left_on = min(fy_start + dt.timedelta(days=45), now - dt.timedelta(days=1))
    added = {"former_coordinators": 0, "survey_answers": 0}
    with transaction.atomic():
        current = list(Membership.objects.filter(municipality=municipality, role__in=SC_ROLES)
                       .select_related("user").prefetch_related("areas").order_by("user__email", "pk"))
        first_area = town.areas[0] if town.areas else None
        for i, m in enumerate(current):
            started = _at(now - dt.timedelta(days=365 * (2 + i % 4) + 30 * i))
            if m.role == Role.COORDINATOR_L2 and first_area is not None and first_area in m.areas.all():
                started = _at(left_on + dt.timedelta(days=1))
            Membership.history.filter(pk=m.pk).update(started_at=started)
        if first_area is not None:
            email = demo_email(town.scale, "former-sc2-1")
            former, created = User.objects.get_or_create(email=email, defaults={
                "display_name": f"{first_area.name} 前任SC", "furigana": "ぜんにん えすしー", "is_demo": True})
            if created:
                former.set_unusable_password()
                former.save(update_fields=["password"])
            if not Membership.history.filter(user=former, municipality=municipality).exists():
                old = Membership.history.create(user=former, municipality=municipality, role=Role.COORDINATOR_L2,
                                                started_at=_at(now - dt.timedelta(days=365 * 4)),
                                                ended_at=_at(left_on))
                old.areas.set([first_area])
                added["former_coordinators"] += 1
        survey = survey_for(municipality, fiscal_year_of(now))
        answered = set(ScSurveyParticipation.objects.filter(survey=survey).values_list("user_id", flat=True))
        values, weights = zip(*SATISFACTION, strict=True)
        for m in current:
            if m.user_id in answered:
                continue
            answered.add(m.user_id)
            ScSurveyParticipation.objects.create(survey=survey, user_id=m.user_id)
            ScSurveyAnswer.objects.create(
                survey=survey, satisfaction=rng.choices(values, weights)[0],
                evaluation_clear=rng.choice([2, 3, 3, 4]), support=rng.choice([3, 4, 4, 5]))
            added["survey_answers"] += 1
    return added
