"""Demo helper profiles: every helper gets one; deterministic; idempotent."""

from sasaeai.demo.town import DemoTown
from sasaeai.helpers.demo import seed
from sasaeai.helpers.models import HelperProfile, HelperQualification
from sasaeai.helpers.selectors import matchable_profiles
from sasaeai.tenancy.models import Area, Role


def _town(make_municipality, make_user, tag):
    m = make_municipality(n_areas=3)
    areas = list(Area.objects.filter(municipality=m, layer=2).order_by("name"))
    make_user(Role.COORDINATOR_L1, m, email=f"coord-{tag}@example.test")
    for i in range(30):
        make_user(Role.HELPER, m, areas=[areas[i % 3]], email=f"h{i:02d}-{tag}@example.test")
    make_user(Role.RESIDENT, m, email=f"resident-{tag}@example.test")
    return DemoTown(municipality=m, areas=areas, seed=3, scale="small")


def _fingerprint(town):
    return [
        (p.area.name, p.skills, p.subtasks, p.travel_mode, p.radius_km, p.identity_status, p.rating_count,
         p.rating_avg, round(p.home_lat - p.area.center_lat, 6),
         sorted(p.qualifications.values_list("code", "status")),
         sorted(p.availability_rules.values_list("weekday", "start_time", "end_time")))
        for p in HelperProfile.objects.filter(municipality=town.municipality).select_related("area", "user")
        .order_by("user__email")
    ]


def test_every_helper_gets_a_plausible_profile_and_rerun_adds_nothing(make_municipality, make_user):
    town = _town(make_municipality, make_user, "a")
    counts = seed(town)
    assert counts["profiles"] == 30
    profiles = HelperProfile.objects.filter(municipality=town.municipality)
    assert profiles.count() == 30 and not profiles.filter(user__email__startswith="resident").exists()
    assert all(p.skills and p.availability_rules.exists() for p in profiles)
    statuses = set(HelperQualification.objects.filter(profile__in=profiles).values_list("status", flat=True))
    assert "verified" in statuses and "submitted" in statuses
    verified = HelperQualification.objects.filter(profile__in=profiles, status="verified").count()
    assert verified > HelperQualification.objects.filter(profile__in=profiles).exclude(status="verified").count()
    assert matchable_profiles(town.municipality.pk).count() >= 20
    assert profiles.filter(flagged_at__isnull=False).exists()
    # Personal care is only offered by helpers with a care course (skills are filtered in Python:
    # JSON containment is not available on SQLite).
    for p in (p for p in profiles if "personal_care" in p.skills):
        assert p.qualifications.filter(code__in=["shoninsha_kenshu", "kaigo_fukushishi"]).exists()
    before = (HelperProfile.objects.count(), HelperQualification.objects.count())
    assert seed(town) == {"profiles": 0, "qualifications": 0, "availability_rules": 0, "ratings": 0}
    assert (HelperProfile.objects.count(), HelperQualification.objects.count()) == before


def test_seed_is_deterministic(make_municipality, make_user):
    one, two = _town(make_municipality, make_user, "a"), _town(make_municipality, make_user, "b")
    seed(one)
    seed(two)
    assert _fingerprint(one) == _fingerprint(two)
