"""What the pages, the API and the briefing show of a case (no writes)."""

from __future__ import annotations

from django.utils.translation import pgettext

from sasaeai.safety.audit import record_access

from .models import ONS4_QUESTIONS, Case, WellbeingMoment
from .services import LOG_FIELDS

#: ONS4 anxiety: a lower answer is better.
LOWER_IS_BETTER = {"anxiety"}


def log_reads(request_or_user, cases, fields=LOG_FIELDS, purpose: str = "care_coordination") -> None:
    """A case is care data: every case shown is one access-log entry for its resident."""
    for case in cases:
        record_access(request_or_user, case.resident, fields, purpose)


def wellbeing_change(case: Case) -> dict:
    """ONS4 at the conversation and at closure, per question, with the change."""
    scores = {w.moment: w for w in case.wellbeing.all()}
    before, after = scores.get(WellbeingMoment.CONVERSATION), scores.get(WellbeingMoment.CLOSURE)
    rows = []
    for key, question in ONS4_QUESTIONS:
        b = getattr(before, key) if before else None
        a = getattr(after, key) if after else None
        change = a - b if a is not None and b is not None else None
        if change is None or change == 0:
            verdict = pgettext("wellbeing", "no change") if change == 0 else ""
        else:
            better = change < 0 if key in LOWER_IS_BETTER else change > 0
            verdict = pgettext("wellbeing", "better") if better else pgettext("wellbeing", "worse")
        rows.append({"key": key, "question": str(question), "before": b, "after": a, "change": change,
                     "change_text": (f"{change:+d}" if change is not None else ""), "verdict": verdict})
    return {"before": before, "after": after, "rows": rows, "complete": before is not None and after is not None}


def resident_name(case: Case) -> str:
    return f"{case.resident.family_name} {case.resident.given_name}"
