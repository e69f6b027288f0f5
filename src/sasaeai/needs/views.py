"""Pages of the needs register and the gap map: parse → authorise → call a service → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt, show_refusal
from sasaeai.residents.selectors import residents_for_staff
from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import area_ids, primary_municipality

from . import export, gaps, imports, selectors, services
from .categories import NeedCategory, label, resource_categories
from .forms import ImportForm, NeedForm, StatusForm
from .models import Need, NeedLink, NeedStatus

PAGE_SIZE = 50


def _attempt(request, fn, success: str | None = None):
    """`attempt`, a refused right shown as a message as well. Returns (ok, result)."""
    return attempt(request, fn, success, refusal_as_message=True)


def _municipality(request, *, perm: str | None = None) -> Municipality | None:
    """?m=<id>, else the user's own municipality, else the first one (public gap map)."""
    wanted = request.GET.get("m") or request.POST.get("m")
    found = None
    if wanted and str(wanted).isdigit():
        found = Municipality.objects.filter(pk=int(wanted)).first()
    if found is None and request.user.is_authenticated:
        found = primary_municipality(request.user)
    if found is None:  # an operator (no municipality of their own) or a visitor
        found = Municipality.objects.order_by("code").first()
    if perm is not None and (found is None or not request.user.has_perm(perm, found)):
        raise PermissionDenied
    return found


def _areas_for(user, municipality: Municipality):
    qs = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name")
    scope = area_ids(user, municipality.pk, selectors.REGISTER_ROLES)
    return qs if scope is None else qs.filter(pk__in=scope)


def _visible_need(request, pk: int) -> Need:
    return get_object_or_404(selectors.needs_for(request.user).select_related(
        "area", "municipality", "resident", "recorded_by", "duplicate_of"), pk=pk)


def _log_read(request, need: Need) -> None:
    """A need naming a resident is care data: every read of it goes to the access log."""
    if need.resident_id:
        from sasaeai.safety.audit import record_access

        record_access(request, need.resident, ["need"], "care_coordination")


@login_required
def register(request):
    """困りごと台帳: the needs of the viewer's areas, filtered (also the gap table's drill-down)."""
    municipality = _municipality(request, perm="needs.view_register")
    params = {k: request.GET.get(k, "") for k in ("area", "category", "status", "q")}
    area = int(params["area"]) if params["area"].isdigit() else None
    category = params["category"] if params["category"] in NeedCategory.values else None
    status = params["status"] if params["status"] in [*NeedStatus.values, "active", "open", "unmet"] else None
    qs = selectors.register(request.user, municipality=municipality, area=area, category=category,
                            status=None if status in ("open", "unmet") else status, query=params["q"][:100])
    if status == "open":
        qs = qs.filter(status__in=[NeedStatus.NEW, NeedStatus.TRIAGED])
    elif status == "unmet":
        qs = qs.filter(status__in=[NeedStatus.UNMET, NeedStatus.ESCALATED])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for need in page:
        _log_read(request, need)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "needs/register.html", {
        "municipality": municipality, "page": page, "params": params, "query": query.urlencode(),
        "areas": _areas_for(request.user, municipality), "categories": NeedCategory.choices,
        "statuses": NeedStatus.choices, "can_import": request.user.has_perm("needs.import_needs", municipality),
    })


@login_required
def new(request):
    """電話・訪問後の受付: one page (optional resident search, then the need)."""
    municipality = _municipality(request, perm="needs.add_need")
    q = request.GET.get("q", "").strip()[:50]
    results, chosen = [], None
    if q:
        from sasaeai.requests.views import search_residents

        results = [r for r in search_residents(request.user, q) if r.municipality_id == municipality.pk][:20]
    wanted = request.POST.get("resident") or request.GET.get("resident")
    if wanted and str(wanted).isdigit():
        chosen = residents_for_staff(request.user).filter(pk=int(wanted)).select_related("area").first()
        if chosen is None:
            messages.error(request, _("This resident is not in your areas."))
    areas = _areas_for(request.user, municipality)
    form = NeedForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid() and not (wanted and chosen is None):
        data = form.cleaned_data
        ok, need = _attempt(request, lambda: services.need_create(
            by=request.user, municipality=municipality, category=data["category"], area=data["area"],
            description=data["description"], source=data["source"], urgency=data["urgency"],
            resident=chosen, noticed_on=data["noticed_on"]), _("The need was recorded."))
        if ok:
            if need.duplicate_of_id:
                messages.warning(request, _("This resident already has an unfinished need of this kind: "
                                            "check whether it is the same one."))
            return redirect("needs:detail", pk=need.pk)
    return render(request, "needs/new.html", {
        "municipality": municipality, "form": form, "q": q, "results": results, "chosen": chosen, "searched": bool(q),
    })


def _suggestions(request, need: Need, q: str) -> list:
    """Published resources that may answer the need: of its kind in its area first, then a search."""
    from sasaeai.directory import selectors as directory

    visible = directory.visible_services(request.user).filter(municipality_id=need.municipality_id)
    if q:
        found = directory.search(request.user, directory.SearchParams(q=q, municipality_id=need.municipality_id),
                                 queryset=visible)
        return list(found[:10])
    qs = visible.filter(category__in=resource_categories(need.category)).select_related("area")
    return list(qs.filter(area_id=need.area_id).order_by("name")[:8]) + list(
        qs.exclude(area_id=need.area_id).order_by("name")[:4])


@login_required
def detail(request, pk: int):
    need = _visible_need(request, pk)
    _log_read(request, need)
    manage = request.user.has_perm("needs.change_need", need)
    q = request.GET.get("q", "").strip()[:100]
    links = []
    for link in need.links.select_related("content_type"):
        target = link.target
        links.append({"link": link, "target": target, "kind": link.content_type.model,
                      "url": _target_url(link.content_type.model, target)})
    return render(request, "needs/detail.html", {
        "need": need, "manage": manage, "history": need.history.select_related("by"), "links": links,
        "suggestions": _suggestions(request, need, q) if manage else [], "q": q,
        "status_form": StatusForm(initial={"status": (need.allowed_statuses or [need.status])[0]}),
        "allowed": [(s, NeedStatus(s).label) for s in need.allowed_statuses],
        "category_label": label(need.category),
        "raise_issue_url": _raise_issue_url(request, need) if manage else None,
    })


def _raise_issue_url(request, need) -> str | None:
    """An unmet need can be taken to the area's council as a local issue (地域課題へ), where the
    viewer may raise one."""
    from django.apps import apps

    if need.status != NeedStatus.UNMET or not apps.is_installed("sasaeai.councils"):
        return None
    from sasaeai.councils.models import Council

    council = Council.objects.filter(area_id=need.area_id).first()
    if council is None or not request.user.has_perm("councils.raise_issue", council):
        return None
    return reverse("councils:issue_new", args=[council.pk]) + f"?need={need.pk}"


def _target_url(kind: str, target) -> str | None:
    if target is None:
        return None
    try:
        if kind == "service":
            return reverse("directory:detail", args=[target.pk])
        if kind == "helprequest":
            return reverse("requests:detail", args=[target.pk])
        if kind == "case":
            return reverse("cases:detail", args=[target.pk])
    except Exception:  # noqa: BLE001 - an app not installed
        return None
    return None


@login_required
@require_POST
def change_status(request, pk: int):
    need = _visible_need(request, pk)
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.need_change_status(
            need=need, by=request.user, to=form.cleaned_data["status"], note=form.cleaned_data["note"]),
            _("The status was changed."))
    else:
        messages.error(request, _("Choose the new status."))
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
def connect(request, pk: int):
    """つなぐ: to a directory resource (`service`) or a help request (`help_request`)."""
    from sasaeai.directory.selectors import visible_services
    from sasaeai.requests.selectors import requests_visible_to

    need = _visible_need(request, pk)
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied
    target = None
    for key, queryset in (("service", visible_services(request.user)),
                          ("help_request", requests_visible_to(request.user))):
        value = request.POST.get(key, "")
        if value.isdigit():
            target = queryset.filter(pk=int(value)).first()
            if target is None:
                messages.error(request, _("That record was not found."))
                return redirect("needs:detail", pk=need.pk)
    if target is None:
        messages.error(request, _("Choose what to connect the need to."))
        return redirect("needs:detail", pk=need.pk)
    _attempt(request, lambda: services.need_connect(need=need, by=request.user, target=target),
             _("The need was connected."))
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
def disconnect(request, pk: int, link_id: int):
    need = _visible_need(request, pk)
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied
    link = get_object_or_404(NeedLink, pk=link_id, need=need)
    _attempt(request, lambda: services.need_disconnect(link=link, by=request.user), _("The connection was removed."))
    return redirect("needs:detail", pk=need.pk)


@login_required
def import_page(request):
    """ニーズ調査などの一括取り込み (all or nothing, errors per row)."""
    municipality = _municipality(request, perm="needs.import_needs")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.sheet.MAX_BYTES:
                raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
            rows, errors = imports.read(upload.read(), upload.name, form.cleaned_data["encoding"])
            result = imports.import_needs(by=request.user, municipality=municipality, rows=rows, prior_errors=errors)
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            if result.written:
                messages.success(request, _("%(n)s needs were imported.") % {"n": result.created})
            else:
                messages.error(request, _("Nothing was imported: correct the rows below and upload the file again."))
    return render(request, "needs/import.html", {"municipality": municipality, "form": form, "result": result,
                                                 "columns": imports.COLUMNS, "required": imports.REQUIRED})


@login_required
def import_template(request):
    _municipality(request, perm="needs.import_needs")
    encoding = "shift_jis" if request.GET.get("encoding") == "shift_jis" else "utf-8"
    response = HttpResponse(imports.template_csv(encoding),
                            content_type=f"text/csv; charset={'Shift_JIS' if encoding == 'shift_jis' else 'utf-8'}")
    response["Content-Disposition"] = 'attachment; filename="needs-template.csv"'
    return response


def _gap_table(request):
    municipality = _municipality(request)
    if municipality is None:
        raise Http404
    viewer = gaps.viewer_for(request.user, municipality)
    return municipality, viewer, gaps.build(municipality, viewer)


def gap_page(request):
    """ギャップ表と地図: needs against supply per area and kind, suppressed for the viewer."""
    municipality, viewer, table = _gap_table(request)
    drill = request.user.is_authenticated and request.user.has_perm("needs.view_register", municipality)
    rows = []
    for area in table.areas:
        rows.append({"area": area, "band": table.area_bands[area.pk], "indicator": table.area_indicators[area.pk],
                     "cells": [table.cells[(area.pk, c)] for c in table.categories],
                     "totals": {m: table.row_totals[m][area.pk] for m in gaps.METRICS}})
    metric = request.GET.get("metric") if request.GET.get("metric") in gaps.METRICS else "open_needs"
    return render(request, "needs/gaps.html", {
        "municipality": municipality, "table": table, "rows": rows, "viewer": viewer, "drill": drill,
        "metric": metric, "metrics": [(m, gaps.METRIC_LABELS[m]) for m in gaps.METRICS],
        "categories": [(c, label(c)) for c in table.categories],
        "col_totals": [table.col_totals[metric][c] for c in table.categories], "total": table.totals[metric],
        "ranked": table.ranked(limit=10), "bands": sorted(gaps.BAND_LABELS.items()),
        "tiles": _tiles(), "k": viewer.k,
    })


def _tiles() -> dict:
    return {"url": getattr(settings, "SASAEAI_MAP_TILE_URL", ""),
            "attribution": getattr(settings, "SASAEAI_MAP_ATTRIBUTION", ""),
            "attribution_url": getattr(settings, "SASAEAI_MAP_ATTRIBUTION_URL", ""),
            "max_zoom": getattr(settings, "SASAEAI_MAP_MAX_ZOOM", 18)}


def gap_data(request):
    """The map's data: area outlines (geo app) with each area's gap band, and the needs per H3
    hexagon (suppressed like the table)."""
    from sasaeai.geo.selectors import feature_collection

    municipality, viewer, table = _gap_table(request)
    geo = feature_collection(municipality)
    for feature in geo["features"]:
        props = feature["properties"]
        if props.get("k") == "area" and props.get("id") in table.area_bands:
            props["b"] = table.area_bands[props["id"]]
    areas = [{"id": a.pk, "n": a.name, "lat": a.center_lat, "lon": a.center_lon, "b": table.area_bands[a.pk]}
             for a in table.areas]
    layer1 = municipality.layer1_area
    center = ({"lat": layer1.center_lat, "lon": layer1.center_lon} if layer1 else
              {"lat": table.areas[0].center_lat, "lon": table.areas[0].center_lon} if table.areas else
              {"lat": 35.68, "lon": 139.76})
    return JsonResponse({
        "geo": geo, "areas": areas, "hexagons": gaps.hexagons(municipality, viewer),
        "bands": {str(k): str(v) for k, v in gaps.BAND_LABELS.items()}, "center": {**center, "zoom": 13},
    })


def gap_export(request, fmt: str):
    municipality, viewer, table = _gap_table(request)
    stamp = f"gaps-{municipality.code}"
    if fmt == "xlsx":
        response = HttpResponse(export.as_xlsx(table),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{stamp}.xlsx"'
        return response
    if fmt in ("csv", "sjis"):
        encoding = "shift_jis" if fmt == "sjis" else "utf-8"
        response = HttpResponse(export.as_csv(table, encoding),
                                content_type=f"text/csv; charset={'Shift_JIS' if fmt == 'sjis' else 'utf-8'}")
        response["Content-Disposition"] = f'attachment; filename="{stamp}{"-sjis" if fmt == "sjis" else ""}.csv"'
        return response
    raise Http404
