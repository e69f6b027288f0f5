"""The demo directory: ≥ 200 published resources in every category and area; idempotent;
deterministic; includes professionals-only, private and stale entries."""

from sasaeai.directory.demo import seed
from sasaeai.directory.models import Category, Service, Status, Visibility

from .conftest import town_of


def test_seed_covers_every_category_and_area_and_is_idempotent(seeded_town):
    m = seeded_town.municipality
    published = Service.objects.filter(municipality=m, status=Status.PUBLISHED)
    assert published.count() >= 200
    assert set(published.values_list("category", flat=True)) == set(Category.values)
    for area in seeded_town.areas:
        assert set(published.filter(area=area).values_list("category", flat=True)) == set(Category.values)
    assert published.filter(visibility=Visibility.PROFESSIONALS).exists()
    assert published.filter(visibility=Visibility.PRIVATE).exists()
    assert Service.objects.filter(municipality=m).stale().exists()
    assert Service.objects.filter(municipality=m, status=Status.DRAFT).exists()
    before = Service.objects.count()
    again = seed(seeded_town)
    assert again["services"] == 0 and Service.objects.count() == before


def test_seed_is_deterministic(make_municipality):
    def fingerprint(m):
        return sorted((s.area.name, s.category, s.name, s.visibility, round(s.location.lat - s.area.center_lat, 6))
                      for s in Service.objects.filter(municipality=m, location__isnull=False)
                      .select_related("area", "location"))

    one, two = make_municipality(n_areas=4), make_municipality(n_areas=4)
    seed(town_of(one))
    seed(town_of(two))
    assert fingerprint(one) == fingerprint(two)
