"""Reads of the directory. Visibility is part of every query (never filtered afterwards):

- everybody (also anonymous visitors) sees published public resources;
- professionals (coordinators, support centres, municipal staff, work coordinators,
  work-support care managers) also see published professionals-only resources of their
  municipalities;
- editors — coordinators and municipal administrators for their areas, and the staff of a
  provider organisation for its own resources — see everything they may edit, including
  private notes, drafts and archived entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.utils import timezone

from sasaeai.tenancy.models import STAFF_ROLES, Area, Role
from sasaeai.tenancy.selectors import area_ids, is_operator, municipality_ids

from .models import (
    STALE_AFTER,
    Category,
    Organization,
    Service,
    Status,
    Suggestion,
    Visibility,
    cost_text,
)
from .schedules import open_at_q
from .textnorm import terms

PROFESSIONAL_ROLES = frozenset(STAFF_ROLES | {Role.WORK_COORDINATOR, Role.WORK_SUPPORT_CM})
EDITOR_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.OPERATOR})
KM_PER_DEGREE = 111.195
MAX_RADIUS_KM = 50.0
NOTHING = Q(pk__in=[])


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def organization_ids(user, municipality_id: int | None = None) -> list[int]:
    """Organisations whose resources the user edits as their staff (a partner membership in
    the organisation's municipality is required as well as being listed as its staff); with
    `municipality_id`, only that municipality's organisations."""
    if not _authenticated(user):
        return []
    partner_in = municipality_ids(user, {Role.PARTNER})
    qs = Organization.objects.filter(members=user)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    if partner_in is not None:
        qs = qs.filter(municipality_id__in=partner_in)
    return list(qs.values_list("pk", flat=True))


def coordinator_q(user, prefix: str = "") -> Q:
    """Services in the areas the user coordinates (coordinators, municipal administrators)."""
    if not _authenticated(user):
        return NOTHING
    ids = municipality_ids(user, EDITOR_ROLES)
    if ids is None:
        return Q()
    q = NOTHING
    for municipality_id in ids:
        areas = area_ids(user, municipality_id, EDITOR_ROLES)
        if areas is None:
            q |= Q(**{f"{prefix}municipality_id": municipality_id})
        elif areas:
            q |= Q(**{f"{prefix}municipality_id": municipality_id, f"{prefix}area_id__in": areas})
    return q


def editable_q(user) -> Q:
    """Services the user may edit: coordinated areas plus their own organisations'."""
    if not _authenticated(user):
        return NOTHING
    q = coordinator_q(user)
    orgs = organization_ids(user)
    if orgs:
        q |= Q(organization_id__in=orgs)
    return q


def visible_q(user, *, published_only: bool = True) -> Q:
    """The visibility rule as one query condition."""
    public = Q(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return public
    if is_operator(user):
        return Q(status=Status.PUBLISHED) if published_only else Q()
    q = public
    pro = municipality_ids(user, PROFESSIONAL_ROLES)
    if pro:
        q |= Q(status=Status.PUBLISHED, visibility=Visibility.PROFESSIONALS, municipality_id__in=pro)
    mine = editable_q(user)
    q |= (mine & Q(status=Status.PUBLISHED)) if published_only else mine
    return q


def visible_services(user, *, published_only: bool = True) -> QuerySet[Service]:
    return Service.objects.filter(visible_q(user, published_only=published_only))


def public_services() -> QuerySet[Service]:
    """What may be printed or handed out: published and public, whoever asks."""
    return Service.objects.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)


def editable_services(user) -> QuerySet[Service]:
    return Service.objects.filter(editable_q(user))


def can_edit(user, service: Service) -> bool:
    return editable_services(user).filter(pk=service.pk).exists()


def can_moderate(user, municipality_id: int, area_id: int | None) -> bool:
    if not _authenticated(user):
        return False
    from sasaeai.tenancy.selectors import covers_area

    return covers_area(user, municipality_id, area_id, EDITOR_ROLES)


def is_coordinator(user) -> bool:
    ids = municipality_ids(user, EDITOR_ROLES) if _authenticated(user) else set()
    return ids is None or bool(ids)


def coordinator_areas(user) -> QuerySet[Area]:
    """Layer-2 areas the user coordinates."""
    qs = Area.objects.filter(layer=Area.Layer.DAILY_LIFE).select_related("municipality")
    ids = municipality_ids(user, EDITOR_ROLES) if _authenticated(user) else set()
    if ids is not None:
        q = NOTHING
        for municipality_id in ids:
            areas = area_ids(user, municipality_id, EDITOR_ROLES)
            q |= Q(municipality_id=municipality_id) if areas is None else Q(
                municipality_id=municipality_id, pk__in=areas)
        qs = qs.filter(q)
    return qs.order_by("municipality__code", "name")


def suggestion_queue(user) -> QuerySet[Suggestion]:
    """Suggestions the user may review (pending first)."""
    return Suggestion.objects.filter(coordinator_q(user)).select_related(
        "area", "service", "submitted_by", "municipality"
    ).order_by("state", "-created_at", "-pk")


@dataclass
class SearchParams:
    q: str = ""
    municipality_id: int | None = None
    category: str | None = None
    area_id: int | None = None
    target: str | None = None
    cost: str | None = None
    open_at: datetime | None = None
    near: tuple[float, float] | None = None
    radius_km: float = 5.0


#: The distance prefilter lists at most this many H3 cells (a radius of about 10 km at
#: resolution 8); wider searches use the latitude/longitude box alone.
MAX_NEAR_CELLS = 500
#: Margin (km) around the search circle: a NEAR_RESOLUTION cell holding a place inside the
#: circle has its centre within its circumradius (≤ 0.6 km at resolution 8) of the circle.
NEAR_CELL_MARGIN_KM = 0.8


def near_cells(lat: float, lon: float, radius_km: float) -> list[str] | None:
    """H3 cells (NEAR_RESOLUTION) covering the circle of `radius_km` around (lat, lon): a
    superset of the cells of every place that the distance filter keeps. None when that
    needs more than MAX_NEAR_CELLS cells."""
    import h3

    from .models import NEAR_RESOLUTION

    reach = radius_km + NEAR_CELL_MARGIN_KM
    if math.pi * reach * reach / h3.average_hexagon_area(NEAR_RESOLUTION, "km^2") > MAX_NEAR_CELLS:
        return None
    # A 32-gon drawn around the circle (its vertices a little further out than `reach`).
    n = 32
    out = reach / math.cos(math.pi / n)
    dlat = out / KM_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    ring = [(lat + dlat * math.sin(2 * math.pi * i / n), lon + dlon * math.cos(2 * math.pi * i / n))
            for i in range(n)]
    cells = set(h3.h3shape_to_cells(h3.LatLngPoly(ring), NEAR_RESOLUTION))
    cells.add(h3.latlng_to_cell(lat, lon, NEAR_RESOLUTION))
    return sorted(cells) if len(cells) <= MAX_NEAR_CELLS else None


def _as_one_parameter(values: list[str], vendor: str):
    """`IN (…)` over a list passed as one parameter (a JSON array on SQLite, an array on
    PostgreSQL): compiling one parameter per cell costs more than the index lookups."""
    from django.db.models.expressions import RawSQL

    if vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::varchar[])", [values])
    if vendor == "sqlite":
        import json

        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    return values


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search(user, params: SearchParams, *, queryset: QuerySet[Service] | None = None,
           use_indexes: bool = True) -> QuerySet[Service]:
    """Published resources the user may see that match every given filter. With `near` the
    result is limited to `radius_km` and ordered nearest first (`d2` is the squared
    equirectangular distance in degrees of latitude, computed by the database).

    Keywords are substring matches on the normalised text (`search_text LIKE '%term%'`, the
    definition). `use_indexes` only adds prefilters that are supersets of it, so the result is
    the same either way: with `near`, the resources in the H3 cells covering the search box
    (index on municipality, category, near_cell); otherwise, on SQLite, the FTS5 trigram
    table for terms of 3 characters or more (1–2 characters stay on LIKE with the other
    filters). PostgreSQL's planner uses the pg_trgm GIN index for the LIKE by itself."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    qs = queryset if queryset is not None else visible_services(user)
    # Conditions are collected and applied in one filter() call: each call clones the query,
    # which costs more than the indexed lookups themselves.
    conds: list[Q] = []
    if params.municipality_id:
        conds.append(Q(municipality_id=params.municipality_id))
    words = terms(params.q)
    conds += [Q(search_text__contains=term) for term in words]
    if params.category:
        conds.append(Q(category=params.category))
    if params.area_id:
        conds.append(Q(area_id=params.area_id))
    if params.target:
        conds.append(Q(targets__contains=f"|{params.target}|"))
    if params.cost:
        conds.append(Q(cost=params.cost))
    if params.open_at:
        conds.append(Q(pk__in=Service.objects.filter(open_at_q(params.open_at)).values("pk")))
    prefiltered = False
    d2 = None
    if params.near:
        lat, lon = params.near
        radius = min(max(params.radius_km or 5.0, 0.1), MAX_RADIUS_KM)
        dlat = radius / KM_PER_DEGREE
        k = math.cos(math.radians(lat))
        dlon = dlat / max(k, 0.01)
        cells = near_cells(lat, lon, radius) if use_indexes else None
        if cells:
            inner = [Q(near_cell__in=_as_one_parameter(cells, connection.vendor))]
            inner += [Q(search_text__contains=term) for term in words]
            if params.municipality_id:
                inner.append(Q(municipality_id=params.municipality_id))
            if params.category:
                inner.append(Q(category=params.category))
            # On SQLite the keyword is checked on the entries of a covering index.
            conds.append(Q(pk__in=Service.objects.filter(*inner).values("pk")))
            prefiltered = True
        conds.append(Q(location__lat__range=(lat - dlat, lat + dlat), location__lon__range=(lon - dlon, lon + dlon)))
        dy = F("location__lat") - Value(lat)
        dx = (F("location__lon") - Value(lon)) * Value(k)
        d2 = ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())
    long_terms = [t for t in words if len(t) >= 3]
    if use_indexes and long_terms and not prefiltered and connection.vendor == "sqlite":
        match = " AND ".join(_fts_phrase(t) for t in long_terms)
        conds.append(Q(pk__in=RawSQL(
            "SELECT rowid FROM directory_service_fts WHERE directory_service_fts MATCH %s", [match])))
    if d2 is not None:
        return qs.annotate(d2=d2).filter(*conds, d2__lte=dlat * dlat).order_by("d2", "pk")
    return qs.filter(*conds).order_by("category", "name_kana", "name", "pk")


@dataclass(frozen=True, slots=True)
class ResultPlace:
    """会場: the place of a search result as the list shows it."""

    name: str
    address: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """検索結果の一件: exactly what a result list (search page, the list beside the map)
    shows of one resource. Same names as on Service, so templates and `distance_km` take
    either."""

    pk: int
    name: str
    category: str
    visibility: str
    cost: str
    cost_amount: int | None
    cost_note: str
    location: ResultPlace | None

    @property
    def id(self) -> int:
        return self.pk

    def get_category_display(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    def get_visibility_display(self) -> str:
        return str(VISIBILITY_LABELS.get(self.visibility, self.visibility))

    def cost_display(self) -> str:
        return cost_text(self.cost, self.cost_amount, self.cost_note)


CATEGORY_LABELS = dict(Category.choices)
VISIBILITY_LABELS = dict(Visibility.choices)
#: The columns of a SearchResult as ORM names (SearchResults reads them with its own SQL).
RESULT_COLUMNS = ("pk", "name", "category", "visibility", "cost", "cost_amount", "cost_note", "location_id",
                  "location__name", "location__address", "location__lat", "location__lon")


def _result(row) -> SearchResult:
    pk, name, category, visibility, cost, amount, note, location_id, place, address, lat, lon = row
    return SearchResult(pk, name, category, visibility, cost, amount, note,
                        ResultPlace(place, address, lat, lon) if location_id is not None else None)


def _where_sql(q: Q, connection) -> tuple[str, list] | None:
    """One condition of the ORM as SQL on the unaliased "directory_service" table (None: it
    matches nothing)."""
    from django.core.exceptions import EmptyResultSet, FullResultSet

    query = Service.objects.filter(q).query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "1 = 1", []
    return sql, list(params)


_ANONYMOUS_VISIBILITY: dict[str, tuple[str, list] | None] = {}


def _visibility_sql(user, connection) -> tuple[str, list] | None:
    """`visible_q(user)` compiled by the ORM (the one definition of visibility); the same for
    every anonymous visitor, so compiled once per database vendor for them."""
    if _authenticated(user):
        return _where_sql(visible_q(user), connection)
    if connection.vendor not in _ANONYMOUS_VISIBILITY:
        _ANONYMOUS_VISIBILITY[connection.vendor] = _where_sql(visible_q(None), connection)
    return _ANONYMOUS_VISIBILITY[connection.vendor]


class SearchResults:
    """The result list of a search in its narrow shape: `count()` and slicing (what Paginator
    needs); a slice is one hand-written query of exactly the columns a SearchResult holds (the
    resource and its place), in the search's order.

    The SQL is written here rather than built by the ORM: building and compiling the ORM query
    cost several times the database work (issue 9 §12). It states the same conditions as
    `search()` — same operators (`connection.operators`), same escaping, same prefilters, the
    visibility and opening-time conditions compiled by the ORM from `visible_q` / `open_at_q`
    — and `test_indexed_search_returns_exactly_what_the_like_search_returns` checks that its
    rows are those of `search(..., use_indexes=False)`, in the same order."""

    def __init__(self, user, params: SearchParams, *, use_indexes: bool = True):
        from django.db import connection

        self.connection = connection
        self._count: int | None = None
        self._build(user, params, use_indexes)

    def _build(self, user, params: SearchParams, use_indexes: bool) -> None:
        connection = self.connection
        vendor = connection.vendor
        contains = connection.operators["contains"]
        like = connection.ops.prep_for_like_query
        visibility = _visibility_sql(user, connection)
        if visibility is None:
            self.where, self.params, self.join, self.order, self.order_params = None, [], False, "", []
            return
        where = [f"({visibility[0]})"]
        args = list(visibility[1])
        words = terms(params.q)
        if params.municipality_id:
            where.append('"directory_service"."municipality_id" = %s')
            args.append(params.municipality_id)
        for term in words:
            where.append(f'"directory_service"."search_text" {contains}')
            args.append(f"%{like(term)}%")
        if params.category:
            where.append('"directory_service"."category" = %s')
            args.append(params.category)
        if params.area_id:
            where.append('"directory_service"."area_id" = %s')
            args.append(params.area_id)
        if params.target:
            where.append(f'"directory_service"."targets" {contains}')
            args.append(f"%{like(f'|{params.target}|')}%")
        if params.cost:
            where.append('"directory_service"."cost" = %s')
            args.append(params.cost)
        if params.open_at:
            sql, sub = Service.objects.filter(open_at_q(params.open_at)).values("pk").query.sql_with_params()
            where.append(f'"directory_service"."id" IN ({sql})')
            args += list(sub)
        prefiltered = False
        self.join = False
        self.order, self.order_params = ('"directory_service"."category", "directory_service"."name_kana", '
                                         '"directory_service"."name", "directory_service"."id"'), []
        if params.near:
            lat, lon = params.near
            radius = min(max(params.radius_km or 5.0, 0.1), MAX_RADIUS_KM)
            dlat = radius / KM_PER_DEGREE
            k = math.cos(math.radians(lat))
            dlon = dlat / max(k, 0.01)
            cells = near_cells(lat, lon, radius) if use_indexes else None
            if cells:
                if vendor == "postgresql":
                    inner, inner_args = ['"U0"."near_cell" IN (SELECT unnest(%s::varchar[]))'], [cells]
                else:
                    import json

                    inner, inner_args = ['"U0"."near_cell" IN (SELECT value FROM json_each(%s))'], [json.dumps(cells)]
                for term in words:
                    inner.append(f'"U0"."search_text" {contains}')
                    inner_args.append(f"%{like(term)}%")
                if params.municipality_id:
                    inner.append('"U0"."municipality_id" = %s')
                    inner_args.append(params.municipality_id)
                if params.category:
                    inner.append('"U0"."category" = %s')
                    inner_args.append(params.category)
                where.append('"directory_service"."id" IN (SELECT "U0"."id" FROM "directory_service" "U0" WHERE '
                             + " AND ".join(inner) + ")")
                args += inner_args
                prefiltered = True
            where.append('"directory_location"."lat" BETWEEN %s AND %s AND "directory_location"."lon" BETWEEN %s AND %s')
            args += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
            d2 = ('(((("directory_location"."lat" - %s) * ("directory_location"."lat" - %s)) + '
                  '((("directory_location"."lon" - %s) * %s) * (("directory_location"."lon" - %s) * %s))))')
            d2_args = [lat, lat, lon, k, lon, k]
            where.append(f"{d2} <= %s")
            args += d2_args + [dlat * dlat]
            self.join = True
            self.order, self.order_params = f'{d2} ASC, "directory_service"."id" ASC', d2_args
        long_terms = [t for t in words if len(t) >= 3]
        if use_indexes and long_terms and not prefiltered and vendor == "sqlite":
            where.append('"directory_service"."id" IN (SELECT rowid FROM directory_service_fts '
                         'WHERE directory_service_fts MATCH %s)')
            args.append(" AND ".join(_fts_phrase(t) for t in long_terms))
        self.where, self.params = " AND ".join(where), args

    _FROM = ('FROM "directory_service" LEFT OUTER JOIN "directory_location" '
             'ON ("directory_service"."location_id" = "directory_location"."id")')
    _COLUMNS = ('"directory_service"."id", "directory_service"."name", "directory_service"."category", '
                '"directory_service"."visibility", "directory_service"."cost", "directory_service"."cost_amount", '
                '"directory_service"."cost_note", "directory_service"."location_id", "directory_location"."name", '
                '"directory_location"."address", "directory_location"."lat", "directory_location"."lon"')

    def count(self) -> int:
        if self._count is None:
            if self.where is None:
                self._count = 0
            else:
                source = self._FROM if self.join else 'FROM "directory_service"'
                with self.connection.cursor() as cursor:
                    cursor.execute(f"SELECT COUNT(*) {source} WHERE {self.where}", self.params)
                    self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def rows(self, offset: int = 0, limit: int | None = None) -> list[SearchResult]:
        if self.where is None or (limit is not None and limit <= 0):
            return []
        sql = f"SELECT {self._COLUMNS} {self._FROM} WHERE {self.where} ORDER BY {self.order}"
        args = self.params + self.order_params
        if limit is not None:
            sql += " LIMIT %s"
            args = [*args, limit]
        elif offset:
            sql += " LIMIT -1" if self.connection.vendor == "sqlite" else " LIMIT ALL"
        if offset:
            sql += " OFFSET %s"
            args = [*args, offset]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, args)
            return [_result(row) for row in cursor.fetchall()]

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
                raise ValueError("SearchResults supports plain non-negative slices only.")
            start = index.start or 0
            return self.rows(start, None if index.stop is None else index.stop - start)
        if index < 0:
            raise IndexError(index)
        found = self.rows(index, 1)
        if not found:
            raise IndexError(index)
        return found[0]


def search_results(user, params: SearchParams, *, use_indexes: bool = True) -> SearchResults:
    """`search()` in the narrow shape of a result list (SearchResult rows)."""
    return SearchResults(user, params, use_indexes=use_indexes)


def schedules_by_service(pks) -> dict[int, list]:
    """The schedules of the given resources (one query, in the schedule's own order)."""
    from .models import Schedule

    out: dict[int, list] = {pk: [] for pk in pks}
    for schedule in Schedule.objects.filter(service_id__in=list(out)):
        out[schedule.service_id].append(schedule)
    return out


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def distance_km(service: Service, near: tuple[float, float] | None) -> float | None:
    if near is None or service.location is None:
        return None
    return round(haversine_km(near, (service.location.lat, service.location.lon)), 2)


def home_of(user) -> tuple[float, float] | None:
    """The user's own home position (their Resident record), for "near my home"."""
    if not _authenticated(user):
        return None
    from sasaeai.residents.models import Resident

    row = Resident.objects.filter(user=user).values_list("lat", "lon").first()
    return (row[0], row[1]) if row else None


# --- Freshness ------------------------------------------------------------------------------

def stale_by_area(user, now=None) -> list[dict]:
    """Per coordinated area: the published resources to re-verify, oldest first."""
    now = now or timezone.now()
    out = []
    stale = Service.objects.stale(now).filter(coordinator_q(user)).select_related("area").order_by(
        "area__name", F("last_verified_at").asc(nulls_first=True), "name")
    by_area: dict[int, dict] = {}
    for service in stale:
        entry = by_area.setdefault(service.area_id, {"area": service.area, "services": []})
        entry["services"].append(service)
    for area in coordinator_areas(user):
        entry = by_area.get(area.pk, {"area": area, "services": []})
        entry["share"] = verified_share(area, now)
        out.append(entry)
    return out


def verified_share(area, now=None) -> float | None:
    """Share of the area's published resources verified within the last 180 days
    (None when the area has no published resource)."""
    now = now or timezone.now()
    published = Service.objects.published().filter(area=area)
    total = published.count()
    if not total:
        return None
    fresh = published.filter(last_verified_at__gte=now - STALE_AFTER).count()
    return fresh / total


def needing_review(qs):
    """Imports waiting for a coordinator (uncategorised, outside the municipality, unknown area)."""
    return qs.exclude(review_flags=[])
