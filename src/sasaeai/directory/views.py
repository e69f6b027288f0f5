"""Pages of the directory: search list, map, detail, editing, suggestions and moderation,
history, paper (booklet and weekly calendar) and the exchange (upload/download) page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import primary_municipality

from . import hsds, imports, paper, printouts, selectors, services, template
from .forms import ImportForm, ReviewForm, ScheduleFormSet, SearchForm, ServiceForm, SuggestionForm
from .models import CATEGORY_JA, Category, ImportJob, Service, Suggestion
from .schedules import describe

PAGE_SIZE = 20
MAP_LIMIT = 5000


def _municipality(request) -> Municipality | None:
    """The municipality whose directory is shown: ?m=<id>, else the user's own, else the only one."""
    wanted = request.GET.get("m") or request.POST.get("m")
    qs = Municipality.objects.all()
    if wanted and str(wanted).isdigit():
        found = qs.filter(pk=int(wanted)).first()
        if found:
            return found
    if request.user.is_authenticated:
        mine = primary_municipality(request.user)
        if mine:
            return mine
    with_public = qs.filter(pk__in=selectors.public_services().values("municipality_id"))
    return with_public.first() if with_public.count() == 1 else with_public.order_by("code").first()


def _search(request, municipality):
    areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name") \
        if municipality else Area.objects.none()
    home = selectors.home_of(request.user)
    form = SearchForm(request.GET or None, areas=areas, has_home=home is not None)
    params = selectors.SearchParams(municipality_id=municipality.pk if municipality else None)
    near = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        params.q = d["q"]
        params.category = d["category"] or None
        params.area_id = d["area"].pk if d["area"] else None
        params.target = d["target"] or None
        params.cost = d["cost"] or None
        params.open_at = d["open_at"]
        if d.get("near_home") and home:
            near = home
        elif d.get("lat") is not None and d.get("lon") is not None:
            try:
                from .models import validate_in_japan

                validate_in_japan(d["lat"], d["lon"])
                near = (d["lat"], d["lon"])
            except ValidationError as exc:
                form.add_error(None, exc)
        params.near = near
        params.radius_km = d["radius_km"] or 3.0
    qs = selectors.search(request.user, params)
    return form, qs, near, params


def _items(results, near) -> list[dict]:
    """The page's results (SearchResult rows) with distance and up to three opening times."""
    results = list(results)
    schedules = selectors.schedules_by_service([r.pk for r in results])
    return [{"service": r, "distance_km": selectors.distance_km(r, near),
             "when": [describe(s) for s in schedules[r.pk][:3]]} for r in results]


def search_page(request):
    """地域資源をさがす: the searchable list."""
    municipality = _municipality(request)
    form, _qs, near, params = _search(request, municipality)
    results = selectors.search_results(request.user, params)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "directory/search.html", {
        "municipality": municipality, "form": form, "page": page, "near": near,
        "items": _items(page.object_list, near), "query": query.urlencode(),
        "is_coordinator": selectors.is_coordinator(request.user),
    })


def map_page(request):
    """支え合いマップ: a small page; the points (clustered), the outlines and the landmarks come
    from `map_data` as compact JSON. Beside the map, the first page of the same results."""
    municipality = _municipality(request)
    form, _qs, near, params = _search(request, municipality)
    page = Paginator(selectors.search_results(request.user, params), PAGE_SIZE).get_page(1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "directory/map.html", {
        "municipality": municipality, "form": form, "page": page, "near": near,
        "items": _items(page.object_list, near), "query": query.urlencode(),
        "categories": [(c.value, c.label) for c in Category], "tiles": _tiles(),
    })


def _tiles() -> dict:
    return {"url": getattr(settings, "SASAEAI_MAP_TILE_URL", ""),
            "attribution": getattr(settings, "SASAEAI_MAP_ATTRIBUTION", ""),
            "attribution_url": getattr(settings, "SASAEAI_MAP_ATTRIBUTION_URL", ""),
            "max_zoom": getattr(settings, "SASAEAI_MAP_MAX_ZOOM", 18)}


def map_data(request):
    """The map's data as compact JSON: `points` are `[id, lat, lon, category index, name]`
    (the same search and visibility as the list and the API), `categories` the legend
    `[code, label]`, `geo` a GeoJSON FeatureCollection of outlines and landmarks."""
    from sasaeai.geo.models import Landmark
    from sasaeai.geo.selectors import feature_collection

    municipality = _municipality(request)
    _form, qs, near, _params = _search(request, municipality)
    codes = list(Category.values)
    index = {c: i for i, c in enumerate(codes)}
    rows = list(qs.filter(location__isnull=False)
                .values_list("pk", "location__lat", "location__lon", "category", "name")[:MAP_LIMIT + 1])
    truncated = len(rows) > MAP_LIMIT
    points = [[pk, round(lat, 5), round(lon, 5), index.get(cat, -1), name]
              for pk, lat, lon, cat, name in rows[:MAP_LIMIT]]
    area = municipality.layer1_area if municipality else None
    if near:
        center = {"lat": near[0], "lon": near[1], "zoom": 15}
    elif area:
        center = {"lat": area.center_lat, "lon": area.center_lon, "zoom": 13}
    else:
        center = {"lat": 35.68, "lon": 139.76, "zoom": 13}
    return JsonResponse({
        "categories": [[c, str(Category(c).label)] for c in codes],
        "kinds": {k: str(label) for k, label in Landmark.Kind.choices},
        "points": points, "truncated": truncated, "near": bool(near), "center": center,
        "detail": reverse("directory:detail", args=[0]),
        "geo": feature_collection(municipality) if municipality else {"type": "FeatureCollection", "features": []},
    }, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _service_for_view(request, pk) -> Service:
    qs = selectors.visible_services(request.user, published_only=False).select_related(
        "location", "area", "organization", "municipality", "verified_by").prefetch_related("schedules")
    return get_object_or_404(qs, pk=pk)


def detail(request, pk: int):
    service = _service_for_view(request, pk)
    can_edit = selectors.can_edit(request.user, service)
    return render(request, "directory/detail.html", {
        "service": service, "can_edit": can_edit, "schedules": [describe(s) for s in service.schedules.all()],
        "stale": service.is_stale(), "category_ja": CATEGORY_JA.get(service.category),
    })


def _save_form(request, service: Service | None, municipality: Municipality):
    areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name")
    form = ServiceForm(request.POST or None, instance=service, areas=areas, municipality=municipality)
    initial = [{"kind": s.kind, "weekday": s.weekday, "week_of_month": s.week_of_month, "date": s.date,
                "opens_at": s.opens_at, "closes_at": s.closes_at, "valid_from": s.valid_from, "valid_to": s.valid_to,
                "closed_on_holidays": s.closed_on_holidays, "note": s.note}
               for s in service.schedules.all()] if service else []
    formset = ScheduleFormSet(request.POST or None, initial=initial, prefix="schedule")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {k: v for k, v in form.cleaned_data.items()}
        values["tags"] = [t for t in values.get("tags", "").replace("、", ",").split(",") if t.strip()]
        schedules = [dict(f.cleaned_data) for f in formset.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.cleaned_data.get("unused")]
        for row in schedules:
            row.pop("DELETE", None)
        try:
            saved = services.save_service(by=request.user, municipality=municipality, values=values,
                                          schedules=schedules, service=service)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("The resource was saved."))
            return redirect("directory:detail", saved.pk)
    return render(request, "directory/edit.html", {"form": form, "formset": formset, "service": service,
                                                   "municipality": municipality,
                                                   "point_map": _point_map(service, municipality)})


def _point_map(service: Service | None, municipality: Municipality) -> dict:
    """Where the place picker's pin starts: the saved place, else the area or town centre."""
    loc = service.location if service and service.location_id else None
    centre = (service.area if service and service.area_id else None) or municipality.layer1_area
    lat, lon = (loc.lat, loc.lon) if loc else ((centre.center_lat, centre.center_lon) if centre else (35.68, 139.76))
    return {"lat": lat, "lon": lon, "zoom": 16 if loc else 14, "placed": bool(loc),
            "tile_url": getattr(settings, "SASAEAI_MAP_TILE_URL", ""),
            "attribution": getattr(settings, "SASAEAI_MAP_ATTRIBUTION", ""),
            "postal_url": reverse("helpers:postal")}


def _attach(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def edit(request, pk: int):
    service = _service_for_view(request, pk)
    if not selectors.can_edit(request.user, service):
        raise PermissionDenied
    return _save_form(request, service, service.municipality)


@login_required
def create(request):
    municipality = _municipality(request)
    if not request.user.has_perm("directory.add_service", municipality):
        raise PermissionDenied
    return _save_form(request, None, municipality)


@login_required
def manage(request):
    """Resources the user edits (all states), least recently verified first: the working list
    of a coordinator or of a provider organisation's staff."""
    if not (selectors.is_coordinator(request.user) or selectors.organization_ids(request.user)):
        raise PermissionDenied
    qs = selectors.editable_services(request.user).select_related("area", "municipality", "organization")
    status = request.GET.get("status")
    if status in {"draft", "published", "archived"}:
        qs = qs.filter(status=status)
    if request.GET.get("stale"):
        qs = qs.filter(pk__in=Service.objects.stale().values("pk"))
    review = bool(request.GET.get("review"))
    if review:
        qs = selectors.needing_review(qs)
    ordered = qs.order_by(F("last_verified_at").asc(nulls_first=True), "name", "pk")
    page = Paginator(ordered, 50).get_page(request.GET.get("page"))
    return render(request, "directory/manage.html", {"page": page, "status": status, "review": review,
                                                     "municipality": _municipality(request),
                                                     "stale": bool(request.GET.get("stale"))})


@login_required
@require_POST
def verify(request, pk: int):
    service = _service_for_view(request, pk)
    services.verify(service, by=request.user)
    messages.success(request, _("Marked as verified today."))
    return redirect(request.POST.get("next") or reverse("directory:detail", args=[pk]))


@login_required
def history(request, pk: int):
    service = _service_for_view(request, pk)
    if not selectors.can_edit(request.user, service):
        raise PermissionDenied
    labels = services.field_labels()
    records = [
        {"record": r, "changes": [(labels.get(k, k), v[0], v[1]) for k, v in sorted(r.changes.items())]}
        for r in service.history.select_related("user").order_by("-created_at", "-pk")[:200]
    ]
    return render(request, "directory/history.html", {"service": service, "records": records})


@login_required
def suggest(request, pk: int | None = None):
    """Suggest a change to a resource (pk) or a new place."""
    service = _service_for_view(request, pk) if pk else None
    municipality = service.municipality if service else _municipality(request)
    if not request.user.has_perm("directory.suggest_change", municipality):
        raise PermissionDenied
    areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name")
    form = SuggestionForm(request.POST or None, areas=areas, editing=service is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        comment = data.pop("comment", "")
        if data.get("area") is not None:
            data["area"] = data["area"].pk
        proposed = {k: v for k, v in data.items() if v not in (None, "")}
        try:
            services.submit_suggestion(by=request.user, municipality=municipality, proposed=proposed,
                                       service=service, comment=comment)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Thank you. A coordinator will check your suggestion."))
            return redirect("directory:detail", service.pk) if service else redirect("directory:search")
    return render(request, "directory/suggest.html", {"form": form, "service": service, "municipality": municipality})


@login_required
def moderation(request):
    if not selectors.is_coordinator(request.user):
        raise PermissionDenied
    queue = selectors.suggestion_queue(request.user)
    return render(request, "directory/moderation.html", {
        "pending": [s for s in queue.filter(state=Suggestion.State.PENDING)[:200]],
        "recent": queue.exclude(state=Suggestion.State.PENDING)[:30],
    })


def _edits_digest(edits: dict) -> str:
    """A fingerprint of the moderator's edits: approval needs the edits that were last shown."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(edits, sort_keys=True, default=str).encode()).hexdigest()[:20]


@login_required
def review(request, pk: int):
    """Review a suggestion: what was suggested, the moderator's optional corrections and,
    before anything is published, exactly what approval will publish (computed by the
    approval itself and rolled back). Approval is accepted only for the edits last shown."""
    suggestion = get_object_or_404(selectors.suggestion_queue(request.user), pk=pk)
    areas = Area.objects.filter(municipality_id=suggestion.municipality_id, layer=Area.Layer.DAILY_LIFE).order_by("name")
    pending = suggestion.state == Suggestion.State.PENDING
    form = ReviewForm(request.POST or None, suggestion=suggestion, areas=areas)
    decision = request.POST.get("decision") if request.method == "POST" else None
    preview = None
    if decision == "reject":
        try:
            services.reject_suggestion(suggestion, by=request.user, note=request.POST.get("note", "")[:1000])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("The suggestion was rejected."))
            return redirect("directory:moderation")
    elif pending and (decision is None or form.is_valid()):
        edits = form.edits() if decision else {}
        try:
            preview = services.approval_preview(suggestion, by=request.user, edits=edits)
            if decision == "approve":
                if request.POST.get("digest") != _edits_digest(preview["edits"]):
                    messages.warning(request, _("You changed some values. Check below what will be "
                                                "published, then approve again."))
                else:
                    service = services.approve_suggestion(suggestion, by=request.user, edits=edits,
                                                          note=form.cleaned_data["note"])
                    messages.success(request, _("Approved. The resource is updated."))
                    return redirect("directory:detail", service.pk)
        except ValidationError as exc:
            _attach(form, exc)
            preview = None
    return render(request, "directory/review.html", {
        "suggestion": suggestion, "rows": services.suggestion_diff(suggestion), "form": form,
        "preview": preview, "digest": _edits_digest(preview["edits"]) if preview else "",
        "edit_fields": [form[name] for name in ReviewForm.EDIT_FIELDS],
    })


# --- paper -------------------------------------------------------------------------------------

def _paper_area(request, municipality):
    area_id = request.GET.get("area")
    if municipality is None:
        raise Http404
    areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)
    if area_id and str(area_id).isdigit():
        return get_object_or_404(areas, pk=int(area_id))
    return None


def _pdf(data: bytes, name: str, *, cached: bool | None = None) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    if cached is not None:
        response["X-Printout-Cache"] = "hit" if cached else "miss"
    return response


def booklet(request):
    """冊子: public resources only, whoever asks (paper is handed out). Cached per data version."""
    municipality = _municipality(request)
    area = _paper_area(request, municipality)
    categories = sorted({c for c in request.GET.getlist("category") if c in Category.values}) or None
    data, hit = printouts.get_or_build("booklet", municipality, area, categories,
                                       lambda: paper.booklet(municipality, area=area, categories=categories))
    return _pdf(data, "booklet.pdf", cached=hit)


def calendar(request):
    """週間プログラム表: public resources only. Cached per data version."""
    municipality = _municipality(request)
    area = _paper_area(request, municipality)
    data, hit = printouts.get_or_build("calendar", municipality, area, None,
                                       lambda: paper.weekly_calendar(municipality, area=area))
    return _pdf(data, "calendar.pdf", cached=hit)


def paper_page(request):
    municipality = _municipality(request)
    areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name") \
        if municipality else []
    return render(request, "directory/paper.html", {"municipality": municipality, "areas": areas,
                                                    "categories": Category.choices})


# --- exchange ----------------------------------------------------------------------------------

def _exchange_municipality(request) -> Municipality:
    municipality = _municipality(request)
    if not request.user.has_perm("directory.exchange", municipality):
        raise PermissionDenied
    return municipality


@login_required
def exchange(request):
    municipality = _exchange_municipality(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        try:
            if upload.size > template.MAX_BYTES:
                raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
            data = upload.read()
            payload, errors, count = imports.read(kind, data, upload.name, form.cleaned_data["encoding"])
            # Refused at once (nothing to import) when the file has errors and they are not to be skipped.
            if imports.needs_background(data, count) and (form.cleaned_data["skip_invalid"] or not errors):
                job = imports.start_job(municipality=municipality, by=request.user, kind=kind, filename=upload.name,
                                        data=data, encoding=form.cleaned_data["encoding"],
                                        skip_invalid=form.cleaned_data["skip_invalid"], count=count)
                return redirect("directory:import_job", pk=job.pk)
            result = imports.run(kind, municipality, payload, errors, by=request.user,
                                 skip_invalid=form.cleaned_data["skip_invalid"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if result.written:
                messages.success(request, _("Imported: %(c)s new, %(u)s updated, %(s)s skipped.")
                                 % {"c": result.created, "u": result.updated, "s": result.skipped})
            else:
                messages.error(request, _("Nothing was imported: please correct the rows below and try again."))
    jobs = ImportJob.objects.filter(municipality=municipality).defer("data")[:5]
    return render(request, "directory/exchange.html", {"municipality": municipality, "form": form,
                                                       "result": result, "jobs": jobs})


@login_required
def import_job(request, pk: int):
    """Status and progress of a background import (the page reloads itself until it is done)."""
    job = get_object_or_404(ImportJob.objects.defer("data").select_related("municipality"), pk=pk)
    if not selectors.coordinator_areas(request.user).filter(municipality=job.municipality).exists():
        raise Http404
    return render(request, "directory/import_job.html", {"job": job, "municipality": job.municipality,
                                                         "errors": job.errors[:500]})


@login_required
def download(request, what: str):
    """Template (blank or with the resources you edit) as xlsx/CSV, or an HSDS zip."""
    municipality = _exchange_municipality(request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if what == "hsds.zip":
        return _hsds_zip(municipality, request.GET.get("format", "json"), stamp)
    rows = [] if request.GET.get("blank") else template.rows_for(
        selectors.editable_services(request.user).filter(municipality=municipality)
        .select_related("area", "organization", "location").prefetch_related("schedules").order_by("area__name", "name"))
    if not rows:
        rows = [template.EXAMPLE]
    if what == "template.xlsx":
        response = HttpResponse(template.as_xlsx(rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif what == "template-sjis.csv":
        response = HttpResponse(template.as_csv(rows, "shift_jis"), content_type="text/csv; charset=Shift_JIS")
    elif what == "template.csv":
        response = HttpResponse(template.as_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="resources-{municipality.code}-{stamp}-{what}"'
    return response


def _hsds_zip(municipality, fmt: str, stamp: str) -> HttpResponse:
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    docs = hsds.export_docs(municipality)  # public resources only: downloads leave the system
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="hsds-dl-") as tmp:
        files = hsds.write_csv(docs, Path(tmp)) if fmt == "csv" else hsds.write_json(docs, Path(tmp))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, f.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="hsds-{municipality.code}-{stamp}-{fmt}.zip"'
    return response
