"""KPI indicators owned by the councils app (shared contract, see docs/councils.md). Targets
are seed 003's defaults. Each compute/records pair runs a fixed number of aggregate queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import MeetingKind


def _count(qs_fn):
    def compute(municipality, area, start, end):
        return qs_fn(municipality, area, start, end).count(), None

    return compute


def _meetings(kind):
    def records(municipality, area, start, end):
        return selectors.meetings_of_kind(municipality, area, start, end, kind)

    return records


def _indicator(key, name, definition, unit, target, records, compute=None, *, direction="at_least", per_area=True):
    return {"key": key, "name": name, "definition": definition, "unit": unit, "period": "fiscal_year",
            "target": target, "direction": direction, "per_area": per_area, "available": True,
            "compute": compute or _count(records), "records": records}


def indicators() -> list[dict]:
    return [
        _indicator(
            "council_issues_resolved", _("Local issues resolved through councils"),
            _("Number of local issues of the register whose state became “resolved” (with a recorded "
              "resolution) in the period, over all councils of the municipality or the area's council. "
              "Source: councils' local issue register."),
            "count", 10, selectors.issues_resolved),
        _indicator(
            "council_layer2_resolving", _("Layer-2 councils that resolved an issue"),
            _("Layer-2 councils with at least one issue resolved in the period, divided by all layer-2 "
              "councils. Target: every layer-2 council resolves at least one issue a year. Source: councils and "
              "the local issue register."),
            "percent", 100, selectors.layer2_councils_with_resolution, selectors.layer2_councils_resolving),
        _indicator(
            "council_resident_private_share", _("Residents and private organisations among council members"),
            _("Council members (observers left out) in term during the period who count as residents or private "
              "organisations, divided by all such members. Source: council member lists (affiliation of the "
              "SC survey Q16 and the resident/private flag)."),
            "percent", 50, selectors.resident_private_members, selectors.resident_private_share),
        _indicator(
            "council_policy_proposals", _("Policy proposals submitted"),
            _("Number of policy proposals (政策提言) submitted by councils in the period, whatever their "
              "outcome. Source: councils' policy proposals."),
            "count", 2, selectors.proposals_submitted),
        _indicator(
            "sc_training_sessions", _("SC training sessions"),
            _("Number of meetings of the type “SC training” held in the period. Source: council meetings."),
            "count", 4, _meetings(MeetingKind.SC_TRAINING)),
        _indicator(
            "sc_network_meetings", _("SC network meetings"),
            _("Number of meetings of the type “SC network meeting” held in the period. Source: council meetings."),
            "count", 6, _meetings(MeetingKind.SC_NETWORK)),
        _indicator(
            "multi_agency_meetings", _("Multi-agency joint training or meetings"),
            _("Number of meetings of the type “multi-agency joint training or meeting” held in the period. "
              "Source: council meetings."),
            "count", 4, _meetings(MeetingKind.MULTI_AGENCY)),
    ]


def report_sections(municipality, fiscal_year: int) -> list[dict]:
    """The annual programme report's council sections (実施報告): the issues resolved through
    the councils and the policy proposals of the fiscal year. No personal data: issues and
    proposals are of the area, and the register asks for no names."""
    from sasaeai.kpis.periods import fiscal_year_bounds

    from .models import ResolutionKind

    start, end = fiscal_year_bounds(fiscal_year)
    kinds = dict(ResolutionKind.choices)
    issues = (selectors.issues_resolved(municipality, None, start, end)
              .select_related("council", "resolution_service").order_by("resolved_on", "pk"))
    proposals = selectors.proposals_submitted(municipality, None, start, end).select_related("council").order_by(
        "submitted_on", "pk")
    return [
        {"title": _("Local issues resolved through the councils"),
         "columns": [_("Council"), _("Local issue"), _("Resolved on"), _("How it was resolved"),
                     _("Resource in the directory")],
         "rows": [[i.council.name, i.title, i.resolved_on.isoformat() if i.resolved_on else "",
                   str(kinds.get(i.resolution_kind, "")), i.resolution_service.name if i.resolution_service else ""]
                  for i in issues]},
        {"title": _("Policy proposals"),
         "columns": [_("Council"), _("Proposal"), _("Addressed to"), _("Submitted on"), _("Status"),
                     _("Plan it was reflected in")],
         "rows": [[p.council.name, p.title, p.addressee, p.submitted_on.isoformat(), p.get_status_display(),
                   p.plan] for p in proposals]},
    ]
