"""KPI pages: the dashboard per municipality and area, the drill-down behind a number, the
targets, the operator's side-by-side view, the SC survey and the annual report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sasaeai.tenancy.models import Area
from sasaeai.tenancy.selectors import memberships_of

from . import registry, report, selectors, services
from .presentation import met_text, number, period_text, target_text, unit_text, value_text
from .svg import sparkline


def _viewer(request):
    """The municipality, area and fiscal year the page is about (404 for one not in scope)."""
    municipalities = selectors.viewable_municipalities(request.user)
    if not municipalities.exists():
        raise PermissionDenied(_("The indicators are for the municipality's staff."))
    raw = request.GET.get("m") or request.POST.get("m")
    if raw:
        try:
            municipality = municipalities.get(pk=int(raw))
        except (ValueError, municipalities.model.DoesNotExist):
            raise Http404 from None
    else:
        municipality = municipalities.first()
    area = None
    raw_area = request.GET.get("area")
    if raw_area:
        try:
            area = Area.objects.get(pk=int(raw_area), municipality=municipality, layer=Area.Layer.DAILY_LIFE)
        except (ValueError, Area.DoesNotExist):
            raise Http404 from None
    years = services.fiscal_years(municipality)
    fiscal_year = selectors.current_fiscal_year()
    raw_year = request.GET.get("fy") or request.POST.get("fy")
    if raw_year:
        try:
            fiscal_year = services.check_fiscal_year(municipality, raw_year)
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
    return municipality, area, fiscal_year, years


def _query(municipality, area, fiscal_year) -> str:
    q = f"?m={municipality.pk}&fy={fiscal_year}"
    return q + (f"&area={area.pk}" if area is not None else "")


def _row(request, m, municipality, area, fiscal_year):
    i = m.indicator
    value = value_text(m)
    return {
        "m": m, "key": i.key, "name": i.name, "definition": i.definition, "value": value,
        "target": target_text(i, m.target), "met": met_text(m), "unit": unit_text(i.unit),
        "period": period_text(i.period),
        "trend_svg": sparkline(m.trend, m.target, _("Trend of %(name)s by month") % {"name": i.name}),
        "trend_text": [(first, number(v, i.unit) if v is not None else "—") for first, v in m.trend],
        "drill_url": (reverse("kpis:records", args=[i.key]) + _query(municipality, area, fiscal_year)
                      if i.available and m.applicable and selectors.can_drill(request.user, municipality, area)
                      else None),
    }


@login_required
def dashboard(request):
    """KPIダッシュボード: every indicator of the municipality (or one layer-2 area)."""
    municipality, area, fiscal_year, years = _viewer(request)
    measures = selectors.dashboard(municipality, area, fiscal_year)
    rows = [_row(request, m, municipality, area, fiscal_year) for m in measures]
    return render(request, "kpis/dashboard.html", {
        "municipality": municipality, "area": area, "fiscal_year": fiscal_year, "years": years,
        "rows": rows, "areas": Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name"),
        "municipalities": selectors.viewable_municipalities(request.user)[:200],
        "can_set_targets": selectors.can_set_targets(request.user, municipality),
        "met_count": sum(1 for m in measures if m.met), "measured": sum(1 for m in measures if m.met is not None),
        "query": _query(municipality, None, fiscal_year),
        "is_operator_view": selectors.viewable_municipalities(request.user).count() > 1,
    })


@login_required
def records(request, key: str):
    """The records behind one number (only for those whose scope holds them)."""
    indicator = registry.get(key)
    if indicator is None:
        raise Http404
    municipality, area, fiscal_year, _years = _viewer(request)
    if not selectors.can_drill(request.user, municipality, area):
        raise PermissionDenied(_("The records behind this number are outside your area."))
    m = selectors.measure(indicator, municipality, area, fiscal_year, selectors.targets_for(municipality, fiscal_year))
    rows, total = [], 0
    if indicator.available and m.applicable:
        qs, _start, _end = selectors.records(indicator, municipality, area, fiscal_year)
        total = qs.count()
        rows = [selectors.describe(indicator, r) for r in qs[: selectors.DRILL_LIMIT]]
    return render(request, "kpis/records.html", {
        "indicator": indicator, "m": m, "value": value_text(m), "target": target_text(indicator, m.target),
        "municipality": municipality, "area": area, "fiscal_year": fiscal_year, "rows": rows, "total": total,
        "headers": [str(h) for h in indicator.headers] or [_("Record")], "limit": selectors.DRILL_LIMIT,
        "back": reverse("kpis:dashboard") + _query(municipality, area, fiscal_year),
    })


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    """目標値の設定: the municipality's targets for one fiscal year (administrators)."""
    municipality, _area, fiscal_year, years = _viewer(request)
    if not selectors.can_set_targets(request.user, municipality):
        raise PermissionDenied(_("Only the municipality's administrators set targets."))
    if request.method == "POST":
        try:
            if request.POST.get("reset"):
                services.target_reset(municipality=municipality, key=request.POST.get("key", ""),
                                      fiscal_year=request.POST.get("fiscal_year"))
                messages.success(request, _("The target is back to the default."))
            else:
                services.target_set(municipality=municipality, key=request.POST.get("key", ""),
                                    fiscal_year=request.POST.get("fiscal_year"), target=request.POST.get("target"),
                                    by=request.user)
                messages.success(request, _("The target was saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reverse("kpis:targets") + f"?m={municipality.pk}&fy={fiscal_year}")
        return redirect(reverse("kpis:targets") + f"?m={municipality.pk}&fy={request.POST.get('fiscal_year')}")
    own = selectors.targets_for(municipality, fiscal_year)
    rows = [{"i": i, "default": target_text(i, i.target), "own": own.get(i.key),
             "unit": unit_text(i.unit)} for i in registry.indicators()]
    return render(request, "kpis/targets.html", {
        "municipality": municipality, "fiscal_year": fiscal_year, "years": years, "rows": rows,
    })


@login_required
def compare(request):
    """The indicators of every municipality in scope side by side (an operator: all)."""
    municipalities = list(selectors.viewable_municipalities(request.user)[:50])
    if not municipalities:
        raise PermissionDenied(_("The indicators are for the municipality's staff."))
    fiscal_year = selectors.current_fiscal_year()
    try:
        fiscal_year = int(request.GET.get("fy") or fiscal_year)
    except ValueError:
        pass
    table = [(i, [{"value": value_text(m), "met": met_text(m), "target": target_text(i, m.target), "ok": m.met}
                  for m in measures])
             for i, measures in selectors.compare(municipalities, fiscal_year)]
    return render(request, "kpis/compare.html", {
        "municipalities": municipalities, "table": table, "fiscal_year": fiscal_year,
    })


def _sc_municipality(request):
    for m in memberships_of(request.user):
        if m.role in services.SC_ROLES and m.municipality_id is not None:
            return m.municipality
    raise PermissionDenied(_("Only the municipality's coordinators answer this survey."))


@login_required
@require_http_methods(["GET", "POST"])
def survey(request):
    """SC満足度調査: the coordinator's anonymous yearly survey."""
    municipality = _sc_municipality(request)
    if request.method == "POST":
        try:
            services.survey_answer(user=request.user, municipality=municipality,
                                   satisfaction=request.POST.get("satisfaction"),
                                   evaluation_clear=request.POST.get("evaluation_clear"),
                                   support=request.POST.get("support"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("kpis:survey")
        messages.success(request, _("Thank you. Your answer was recorded without your name."))
        return redirect("kpis:survey")
    return render(request, "kpis/survey.html", {
        "municipality": municipality, "fiscal_year": selectors.current_fiscal_year(),
        "answered": services.has_answered(request.user, municipality),
        "questions": [("satisfaction", _("How satisfied are you with your work as a coordinator?")),
                      ("evaluation_clear", _("Do you know how your work is evaluated?")),
                      ("support", _("How well does the municipality support your work?"))],
        "scale": [(1, _("1 — not at all")), (2, "2"), (3, "3"), (4, "4"), (5, _("5 — very much"))],
    })


@login_required
def report_pdf(request):
    municipality, _area, fiscal_year, _years = _viewer(request)
    response = HttpResponse(report.pdf(municipality, fiscal_year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kpi-report-{municipality.code}-{fiscal_year}.pdf"'
    return response


@login_required
def report_xlsx(request):
    municipality, _area, fiscal_year, _years = _viewer(request)
    response = HttpResponse(
        report.xlsx(municipality, fiscal_year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="kpi-report-{municipality.code}-{fiscal_year}.xlsx"'
    return response
