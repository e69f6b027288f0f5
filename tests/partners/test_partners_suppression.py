"""Suppression holds on every partner-facing and national count (issue 15, acceptance), checked
by the same derivability property as `sasaeai.core.suppression` itself
(`tests/suppression_checks.py`).

Partner-facing: the counts of every challenge of a need category that a registered partner
reads (`selectors.challenges_for`), one per district and one for the whole municipality.
Read together they are one table — districts × (open, unmet, connected, the rest) with the
municipality's totals as its column totals — of which the partner sees the published
entries; no small count may be derivable from them, so no subtracting a district's challenge
from the municipality's. National: the operator's needs by prefecture × category
(`services.national_view`)."""

from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sasaeai.core.suppression import k_public
from sasaeai.needs.categories import NeedCategory
from sasaeai.needs.models import Need, NeedStatus
from sasaeai.partners import selectors, services
from sasaeai.partners.models import PartnerKind, RegistrationScheme
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import Area, Role
from tests.suppression_checks import assert_suppression_holds, shown_entries

from .conftest import make_partner

pytestmark = pytest.mark.django_db

#: The columns of a challenge's counts and the need states behind each ("rest" is never shown).
COLUMNS = ("open", "unmet", "connected", "rest")
STATES = {"open": (NeedStatus.NEW, NeedStatus.TRIAGED), "unmet": (NeedStatus.UNMET, NeedStatus.ESCALATED),
          "connected": (NeedStatus.CONNECTED,), "rest": (NeedStatus.RESOLVED, NeedStatus.CLOSED)}
CATEGORY = "shopping"

counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 24))
HSETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def add_needs(municipality, area, category, column, n):
    states = STATES[column]
    Need.objects.bulk_create([Need(municipality=municipality, area=area, category=category, source="sc_visit",
                                   description="買い物が大変", status=states[i % len(states)]) for i in range(n)])


@pytest.fixture
def three_districts(make_municipality, make_user):
    """A town of three districts, its layer-1 SC, and a registered shop whose clerk reads the
    challenges."""
    m = make_municipality(n_areas=3)
    l1 = make_user(Role.COORDINATOR_L1, m)
    shop, clerk = make_partner(m, make_user, "北スーパー", PartnerKind.SHOP)
    scheme = RegistrationScheme.objects.create(municipality=m, name="サポート企業", years=2)
    reg = services.registration_apply(by=clerk, scheme=scheme, partner=shop)
    services.registration_review(by=l1, registration=reg, approve=True)
    areas = list(Area.objects.filter(municipality=m, layer=Area.Layer.DAILY_LIFE).order_by("pk"))
    return {"m": m, "l1": l1, "clerk": clerk, "areas": areas}


def published_challenge_table(t) -> dict:
    """The entries of the districts × COLUMNS table that the partner's clerk can read: one row
    per district challenge (cells and the row total), the municipality's challenge as the
    totals row; "rest" is never shown."""
    rows, cols = len(t["areas"]), len(COLUMNS)
    index = {area.pk: i for i, area in enumerate(t["areas"])}
    shown: dict = {}
    seen = selectors.challenges_for(t["clerk"]).filter(category=CATEGORY)
    assert seen.count() == rows + 1, "the partner reads every district's challenge and the town's"
    for challenge in seen:
        i = rows if challenge.area_id is None else index[challenge.area_id]
        for j, column in enumerate(COLUMNS[:-1]):
            shown[(i, j)] = challenge.counts[column]
        shown[(i, cols)] = challenge.counts["total"]
        assert challenge.counts["k"] == k_public()
    return shown


@hsettings(max_examples=40, **HSETTINGS)
@given(grid=st.lists(st.lists(counts, min_size=4, max_size=4), min_size=3, max_size=3))
def test_no_small_count_is_derivable_from_a_municipalitys_challenges(three_districts, grid):
    t = three_districts
    with transaction.atomic():
        for area, row in zip(t["areas"], grid, strict=True):
            for column, n in zip(COLUMNS, row, strict=True):
                add_needs(t["m"], area, CATEGORY, column, n)
        add_needs(t["m"], t["areas"][0], "meals", "open", 3)  # another category: not counted
        for area in [None, *t["areas"]]:
            services.challenge_create(by=t["l1"], municipality=t["m"], category=CATEGORY, area=area,
                                      title="買い物支援", business_terms="週1回の移動販売")
        assert_suppression_holds(grid, published_challenge_table(t), k_public(), every_hidden=False)
        transaction.set_rollback(True)


def test_a_districts_small_count_cannot_be_subtracted_from_the_towns(three_districts):
    """The case a partner would try first: 12 open needs in one district, 3 in another — the
    town's challenge must not show 15 beside the district's 12."""
    t = three_districts
    north, south, _third = t["areas"]
    add_needs(t["m"], north, CATEGORY, "open", 12)
    add_needs(t["m"], south, CATEGORY, "open", 3)
    for area in (None, north, south):
        services.challenge_create(by=t["l1"], municipality=t["m"], category=CATEGORY, area=area, title="x",
                                  business_terms="y")
    by_area = {c.area_id: c.counts for c in selectors.challenges_for(t["clerk"])}
    assert by_area[south.pk]["open"] is None
    town, district = by_area[None]["open"], by_area[north.pk]["open"]
    assert town is None or district is None, f"{town} − {district} gives the south district's 3"


@pytest.fixture
def three_prefectures(make_municipality):
    """Four municipalities in three prefectures (two in Tokyo)."""
    return [make_municipality(n_areas=1, prefecture=p, code=with_check_digit(f"{p}{960 + i}"))
            for i, p in enumerate(("13", "13", "14", "27"))]


@hsettings(max_examples=25, **HSETTINGS)
@given(data=st.lists(st.dictionaries(st.sampled_from(NeedCategory.values), counts, max_size=4),
                     min_size=4, max_size=4))
def test_no_suppressed_entry_of_the_national_view_is_derivable(three_prefectures, data):
    municipalities = three_prefectures
    k = 10
    with transaction.atomic():
        truth: Counter = Counter()
        for m, by_category in zip(municipalities, data, strict=True):
            area = m.areas.get(layer=Area.Layer.DAILY_LIFE)
            for category, n in by_category.items():
                add_needs(m, area, category, "open" if n % 2 else "rest", n)
                truth[(m.prefecture, category)] += n
        view = services.national_view(k=k)
        prefectures = sorted({p for (p, _c), n in truth.items() if n})
        assert view["prefectures"] == prefectures and view["categories"] == list(NeedCategory.values)
        if not prefectures:
            assert view["table"] is None
        else:
            table = [[truth[(p, c)] for c in view["categories"]] for p in prefectures]
            shown = shown_entries(view["table"], len(table), len(table[0]))
            assert_suppression_holds(table, shown, k, every_hidden=True)
        transaction.set_rollback(True)
