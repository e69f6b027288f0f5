"""The headline figure (share still employed 6 and 12 months after the interview) computed from
constructed cases, the k-suppressed counts, and a direct model-level check that nothing the
employer side reads reaches an employee's identity or a consultation's text."""

import datetime as dt
import itertools
import json

import pytest
from django.utils import timezone

from sasaeai.worklife import kpis, selectors
from sasaeai.worklife.models import Consultation, FollowUp
from sasaeai.worklife.services import add_months

pytestmark = pytest.mark.django_db


_n = itertools.count(1)


def _case(world, interviewed_on, *, left_on=None, employed_checks=(), status="closed"):
    n = next(_n)
    c = Consultation.objects.create(
        employer=world["employer"], contract=world["contract"], care_manager=world["cm"], status=status,
        employee_name=f"社員{n}", employee_contact="x", department_size="under_50", interviewed_on=interviewed_on,
        family_situation="秘密の状況", left_work_on=left_on, closed_on=interviewed_on if status == "closed" else None,
        outcome="kept_working" if status == "closed" else "")
    for d in employed_checks:
        FollowUp.objects.create(consultation=c, kind="employment", due_on=d, done_on=d, still_employed=True)
    return c


def test_retention_is_computed_from_the_cases(world):
    today = dt.date(2026, 12, 1)
    base = dt.date(2025, 11, 1)  # 13 months before
    _case(world, base, employed_checks=[add_months(base, 6), add_months(base, 12)])  # kept at 6 and 12
    _case(world, base, employed_checks=[add_months(base, 6)], left_on=add_months(base, 9))  # kept 6, left by 12
    _case(world, base, left_on=add_months(base, 2))  # left before 6
    _case(world, base)  # unknown: left out
    _case(world, base, employed_checks=[add_months(base, 5)])  # check too early: unknown
    _case(world, dt.date(2026, 9, 1), employed_checks=[dt.date(2026, 11, 1)])  # not 6 months yet
    _case(world, base, employed_checks=[add_months(base, 12)], status="withdrawn")  # withdrawn: out
    qs = Consultation.objects.all()
    assert selectors.retention(qs, 6, today) == (2, 3)
    assert selectors.retention(qs, 12, today) == (1, 3)


def test_the_kpi_indicator_uses_the_same_figure(world):
    base = add_months(timezone.localdate(), -7)
    _case(world, base, employed_checks=[add_months(base, 6)])
    _case(world, base, left_on=add_months(base, 1))
    six = next(i for i in kpis.indicators() if i["key"] == "worklife_still_employed_6_months")
    start, end = add_months(timezone.localdate(), -11), timezone.localdate()
    assert six["compute"](world["a"], None, start, end) == (1, 2)
    assert six["records"](world["a"], None, start, end).count() == 1


def test_counts_are_k_suppressed_with_complementary_cells(world):
    for _i in range(12):
        _case(world, timezone.localdate(), status="recorded")
    Consultation.objects.filter(pk=Consultation.objects.order_by("pk").first().pk).update(department_size="1000_plus")
    counts = selectors.employer_counts(world["employer"], k=10)
    sizes = {r["key"]: r["count"] for r in counts["by_size"]}
    assert sizes["1000_plus"] is None  # 1 < k
    assert sizes["under_50"] is None  # would reveal the 1 from the total
    assert counts["total"] == 12


EMPLOYER_SIDE_FORBIDDEN = ("employee_name", "employee_contact", "employee_user", "family_situation",
                           "work_situation", "wishes", "request_note", "outcome_note")


def test_no_employer_side_read_reaches_identity_or_text(world, recorded):
    from sasaeai.worklife import services

    c = recorded()
    services.plan_create(c, by=world["cm_user"], goals="秘密の目標")
    employer = world["employer"]
    rows = selectors.checklist_rows(employer)
    counts = selectors.employer_counts(employer)
    dumped = json.dumps({"rows": rows, "counts": counts}, default=str, ensure_ascii=False)
    for value in (c.employee_name, c.employee_contact, c.family_situation, c.wishes, c.work_situation, "秘密の目標"):
        assert value not in dumped
    for row in rows:
        assert not set(row) & set(EMPLOYER_SIDE_FORBIDDEN)
    # The checklist query selects no column of the consultation but its reference and id.
    sql = str(selectors.checklist_for_employer(employer).values("consultation__reference").query)
    for column in EMPLOYER_SIDE_FORBIDDEN:
        assert column not in sql
    # An HR contact is not a care manager: every consultation selector is empty for them.
    hr = world["hr"]
    assert not selectors.consultations_for(hr).exists()
    assert not selectors.follow_ups_due(hr, add_months(timezone.localdate(), 12)).exists()
    assert not selectors.handovers_for(hr).exists()
    assert selectors.care_manager_of(hr) is None
