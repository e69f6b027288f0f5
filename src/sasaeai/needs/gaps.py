"""The gap table and map (ニーズと資源のギャップ): per layer-2 area × need category, the needs
against the supply, computed in the database with a fixed number of aggregate queries (one
per source, whatever the number of needs), then suppressed for the viewer.

Per cell: open needs (new, triaged), unmet needs (unmet, escalated), published and fresh
resources (verified in the last 180 days), help requests served and unserved in the last 90
days, active helpers, and each per 1,000 residents aged 65+ of the area
(`Area.population_65_plus`). A helper counts under every kind of need they can answer
(`categories.help_categories`), so helpers are not added up across kinds.

Gap indicator: demand / (1 + supply), where demand = open + unmet needs + unserved requests
and supply = fresh resources + active helpers. It ranks where needs outrun supply; its band
(0 none, 1 low, 2 medium, 3 high) colours the map.

Privacy: the owning coordinator (layer 2 for their areas; layer 1, municipal staff and
operators for the whole municipality) sees exact counts. Everybody else sees every count of
people (needs, requests, helpers) through `sasaeai.core.suppression` with k = 5 for other
staff and k = 10 for partners, council members and the public. For a layer-2 coordinator
the other areas are suppressed as one table, so the exact own rows cannot be used to undo
it. Suppressed viewers see the indicator only as a band. Resources are public and shown as
they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.suppression import k_public, k_staff, suppress_table
from sasaeai.tenancy.models import Area, Municipality, Role
from sasaeai.tenancy.selectors import area_ids, is_operator, roles_in

from .categories import NeedCategory, help_categories, need_for_help, need_for_resource
from .models import OPEN_STATES, UNMET_STATES, Need

SERVED_WINDOW = timedelta(days=90)
FRESH_WINDOW = timedelta(days=180)

#: Counts of people (suppressed for viewers other than the owning coordinator).
PEOPLE_METRICS = ("open_needs", "unmet_needs", "requests_served", "requests_unserved", "active_helpers")
RESOURCE_METRICS = ("resources", "fresh_resources")
METRICS = PEOPLE_METRICS[:2] + RESOURCE_METRICS + PEOPLE_METRICS[2:]
METRIC_LABELS = {
    "open_needs": _("Open needs"),
    "unmet_needs": _("Unmet needs"),
    "resources": _("Published resources"),
    "fresh_resources": _("Fresh resources"),
    "requests_served": _("Requests served (90 days)"),
    "requests_unserved": _("Requests unserved (90 days)"),
    "active_helpers": _("Active helpers"),
}
BAND_LABELS = {0: _("No gap"), 1: _("Small gap"), 2: _("Gap"), 3: _("Large gap")}
#: Gap indicator thresholds of the bands 1, 2, 3.
BAND_LIMITS = (0.0, 1.0, 3.0)
FULL_ROLES = frozenset({Role.COORDINATOR_L1, Role.MUNICIPAL_ADMIN, Role.OPERATOR})
STAFF_VIEW_ROLES = frozenset({Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.WORK_COORDINATOR,
                              Role.WORK_SUPPORT_CM})


def band(indicator: float | None) -> int | None:
    if indicator is None:
        return None
    return sum(indicator > limit for limit in BAND_LIMITS)


def indicator(demand: int, supply: int) -> float:
    return demand / (1 + supply)


@dataclass
class Viewer:
    """How exactly a viewer sees a municipality's counts: `exact_areas` (None = all) and the
    k for the rest (None = nothing suppressed)."""

    exact_areas: set[int] | None
    k: int | None
    kind: str  # "owner" | "staff" | "public"


def viewer_for(user, municipality: Municipality) -> Viewer:
    if getattr(user, "is_authenticated", False):
        roles = roles_in(user, municipality.pk)
        if is_operator(user) or roles & FULL_ROLES:
            return Viewer(None, None, "owner")
        if Role.COORDINATOR_L2 in roles:
            own = area_ids(user, municipality.pk, {Role.COORDINATOR_L2})
            if own is None:
                return Viewer(None, None, "owner")
            return Viewer(set(own), k_staff(), "owner")
        if roles & STAFF_VIEW_ROLES:
            return Viewer(set(), k_staff(), "staff")
    return Viewer(set(), k_public(), "public")


@dataclass
class GapCell:
    area_id: int
    category: str
    values: dict = field(default_factory=dict)  # metric -> int | None (suppressed)
    rates: dict = field(default_factory=dict)  # metric -> per 1,000 aged 65+ | None
    indicator: float | None = None  # exact viewers only
    band: int | None = None


@dataclass
class GapTable:
    municipality: Municipality
    areas: list[Area]
    categories: list[str]
    cells: dict  # (area_id, category) -> GapCell
    row_totals: dict  # metric -> {area_id: value | None}
    col_totals: dict  # metric -> {category: value | None}
    totals: dict  # metric -> value | None
    area_bands: dict  # area_id -> band | None
    area_indicators: dict  # area_id -> float | None (exact rows only)
    viewer: Viewer
    queries: int = 0

    @property
    def areas_by_id(self) -> dict:
        return {a.pk: a for a in self.areas}

    def ranked(self, area_ids_: set[int] | None = None, limit: int = 10) -> list[GapCell]:
        """Cells with an exact indicator, largest gap first."""
        cells = [c for c in self.cells.values() if c.indicator is not None and c.indicator > 0
                 and (area_ids_ is None or c.area_id in area_ids_)]
        return sorted(cells, key=lambda c: (-c.indicator, c.area_id, c.category))[:limit]


def raw_counts(municipality: Municipality, now=None) -> tuple[list[Area], dict]:
    """metric -> {(area_id, need category): count}, from five aggregate queries."""
    from sasaeai.directory.models import Service, Status
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.requests.models import BOOKED_STATES, HelpRequest, RequestStatus

    now = now or timezone.now()
    areas = list(Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name", "pk"))
    counts: dict[str, dict] = {m: {} for m in METRICS}

    def add(metric, key, n):
        if n:
            counts[metric][key] = counts[metric].get(key, 0) + n

    for row in (Need.objects.filter(municipality=municipality).values("area_id", "category")
                .annotate(open=Count("pk", filter=Q(status__in=OPEN_STATES)),
                          unmet=Count("pk", filter=Q(status__in=UNMET_STATES))).order_by()):
        add("open_needs", (row["area_id"], row["category"]), row["open"])
        add("unmet_needs", (row["area_id"], row["category"]), row["unmet"])
    for row in (Service.objects.filter(municipality=municipality, status=Status.PUBLISHED)
                .values("area_id", "category")
                .annotate(n=Count("pk"), fresh=Count("pk", filter=Q(last_verified_at__gte=now - FRESH_WINDOW)))
                .order_by()):
        key = (row["area_id"], need_for_resource(row["category"]))
        add("resources", key, row["n"])
        add("fresh_resources", key, row["fresh"])
    waiting = Q(status__in=[RequestStatus.OPEN, RequestStatus.OFFERED, RequestStatus.DRAFT], starts_at__lt=now)
    for row in (HelpRequest.objects.filter(municipality=municipality, created_at__gte=now - SERVED_WINDOW)
                .values("area_id", "category")
                .annotate(served=Count("pk", filter=Q(status__in=BOOKED_STATES)),
                          unserved=Count("pk", filter=Q(status=RequestStatus.NO_SHOW) | waiting
                                         | Q(status=RequestStatus.CANCELLED, cancelled_by__isnull=True)))
                .order_by()):
        key = (row["area_id"], need_for_help(row["category"]))
        add("requests_served", key, row["served"])
        add("requests_unserved", key, row["unserved"])
    # A helper counts under every kind of need they can answer (a housework helper also takes
    # out the rubbish), so helper totals across kinds may count a person more than once.
    by_need: dict[str, Q] = {}
    for need in NeedCategory.values:
        for help_code in help_categories(need):
            by_need[need] = by_need.get(need, Q(pk__in=[])) | Q(skills_text__contains=f'"{help_code}"')
    helpers = (HelperProfile.objects.filter(municipality=municipality, active=True, suspended_at__isnull=True,
                                            area__isnull=False)
               .annotate(skills_text=Cast("skills", TextField())).values("area_id")
               .annotate(**{f"h_{need}": Count("pk", filter=q) for need, q in by_need.items()}).order_by())
    for row in helpers:
        for need in by_need:
            add("active_helpers", (row["area_id"], need), row[f"h_{need}"])
    return areas, counts


def build(municipality: Municipality, viewer: Viewer, now=None) -> GapTable:
    areas, counts = raw_counts(municipality, now)
    categories = list(NeedCategory.values)
    area_index = [a.pk for a in areas]
    exact_rows = set(area_index) if viewer.exact_areas is None else set(viewer.exact_areas) & set(area_index)
    hidden_rows = [a for a in area_index if a not in exact_rows]
    cells = {(a, c): GapCell(a, c) for a in area_index for c in categories}
    row_totals: dict = {m: {} for m in METRICS}
    col_totals: dict = {m: {} for m in METRICS}
    totals: dict = {}
    for metric in METRICS:
        data = counts[metric]
        for a in area_index:
            for c in categories:
                cells[(a, c)].values[metric] = data.get((a, c), 0)
            row_totals[metric][a] = sum(data.get((a, c), 0) for c in categories)
        for c in categories:
            col_totals[metric][c] = sum(data.get((a, c), 0) for a in area_index)
        totals[metric] = sum(row_totals[metric].values())
        if viewer.k is None or metric not in PEOPLE_METRICS or not hidden_rows:
            continue
        # Suppress the rows the viewer may not see exactly, as one table with its own totals;
        # a shown total of the whole table is the exact rows plus that table's shown total.
        table = suppress_table([[data.get((a, c), 0) for c in categories] for a in hidden_rows], viewer.k)
        for i, a in enumerate(hidden_rows):
            for j, c in enumerate(categories):
                cells[(a, c)].values[metric] = table.cells[i][j]
            row_totals[metric][a] = table.row_totals[i]
        for j, c in enumerate(categories):
            exact = sum(data.get((a, c), 0) for a in exact_rows)
            col_totals[metric][c] = None if table.col_totals[j] is None else exact + table.col_totals[j]
        exact_all = sum(row_totals[metric][a] for a in exact_rows)
        totals[metric] = None if table.total is None else exact_all + table.total
    pop = {a.pk: a.population_65_plus for a in areas}
    area_bands, area_indicators = {}, {}
    for a in area_index:
        demand = supply = 0
        for c in categories:
            cell, raw = cells[(a, c)], {m: counts[m].get((a, c), 0) for m in METRICS}
            for metric in METRICS:
                v = cell.values[metric]
                cell.rates[metric] = None if v is None or not pop[a] else round(v * 1000 / pop[a], 1)
            d = raw["open_needs"] + raw["unmet_needs"] + raw["requests_unserved"]
            s = raw["fresh_resources"] + raw["active_helpers"]
            demand, supply = demand + d, supply + s
            value = indicator(d, s)
            cell.band = band(value)
            cell.indicator = round(value, 2) if a in exact_rows else None
        value = indicator(demand, supply)
        area_bands[a] = band(value)
        area_indicators[a] = round(value, 2) if a in exact_rows else None
    return GapTable(municipality, areas, categories, cells, row_totals, col_totals, totals, area_bands,
                    area_indicators, viewer)


def hexagons(municipality: Municipality, viewer: Viewer, area_ids_: set[int] | None = None) -> list[dict]:
    """Open and unmet needs per H3 cell (an anonymous need's cell, else the resident's), for
    the map: [{"cell", "n" (None = suppressed), "boundary"}]. Suppressed like the table."""
    import h3
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce, NullIf

    from sasaeai.core.suppression import suppress_counts

    qs = Need.objects.filter(municipality=municipality, status__in=OPEN_STATES | UNMET_STATES)
    if area_ids_ is not None:
        qs = qs.filter(area_id__in=area_ids_)
    rows = (qs.annotate(cell=Coalesce(NullIf(F("h3_cell"), Value("")), F("resident__h3_cell")))
            .values("cell", "area_id").annotate(n=Count("pk")).order_by())
    shown: dict[str, int | None] = {}
    hidden: dict[int, dict[str, int]] = {}
    for row in rows:
        if not row["cell"] or not h3.is_valid_cell(row["cell"]):
            continue
        if viewer.k is None or viewer.exact_areas is None or row["area_id"] in viewer.exact_areas:
            if row["cell"] in shown and shown[row["cell"]] is None:
                continue
            shown[row["cell"]] = shown.get(row["cell"], 0) + row["n"]
        else:
            per_area = hidden.setdefault(row["area_id"], {})
            per_area[row["cell"]] = per_area.get(row["cell"], 0) + row["n"]
    # Per area, with the area's total treated as shown (the table may show it), so no single
    # hexagon of an area can be worked out from the others.
    for per_area in hidden.values():
        result = suppress_counts(per_area, viewer.k, total=sum(per_area.values()))
        for cell, n in result.counts.items():
            if n is None or shown.get(cell, 0) is None:
                shown[cell] = None
            else:
                shown[cell] = shown.get(cell, 0) + n
    out = []
    for cell, n in sorted(shown.items()):
        boundary = [[round(lon, 6), round(lat, 6)] for lat, lon in h3.cell_to_boundary(cell)]
        out.append({"cell": cell, "n": n, "boundary": boundary + boundary[:1]})
    return out
