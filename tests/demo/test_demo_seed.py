"""The synthetic town matches DOMAIN.md §5 and seeding is deterministic and idempotent."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.models import User
from sasaeai.demo import generator
from sasaeai.residents.models import CareLevel, Frailty, Proxy, Resident
from sasaeai.tenancy.models import Area, Membership, Municipality, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    counts = generator.seed_demo("small", 1, with_apps=False)
    return counts, Municipality.objects.get(code=generator.with_check_digit("13991"))


def _age(birth: date) -> int:
    ref = generator.REFERENCE_DATE
    return ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))


def test_population_shares_follow_national_statistics(town):
    counts, municipality = town
    residents = Resident.objects.filter(municipality=municipality)
    n = residents.count()
    assert counts["residents"] == n == municipality.population_65_plus
    assert abs(n / municipality.population - 0.293) < 0.001
    ages = [_age(b) for b in residents.values_list("birth_date", flat=True)]
    assert min(ages) >= 65
    old_old = sum(a >= 75 for a in ages)
    assert abs(old_old / municipality.population - 0.168) < 0.01

    frailty = Counter(residents.values_list("frailty", flat=True))
    assert abs(frailty[Frailty.HEALTHY] / n - 0.681) < 0.01
    assert abs(frailty[Frailty.FRAIL] / n - 0.189) < 0.01
    assert abs(frailty[Frailty.CARE] / n - 0.131) < 0.01
    levels = Counter(residents.values_list("care_level", flat=True))
    support = levels[CareLevel.SUPPORT_1] + levels[CareLevel.SUPPORT_2]
    assert abs(support / n - 0.059) < 0.01
    care = [levels[c] for c in (CareLevel.CARE_1, CareLevel.CARE_2, CareLevel.CARE_3, CareLevel.CARE_4, CareLevel.CARE_5)]
    for got, expected in zip(care, (0.2777, 0.2541, 0.1825, 0.1672, 0.1185), strict=True):
        assert abs(got / sum(care) - expected) < 0.01
    # 要介護 residents are everyone with frailty "care"; 要支援 sit inside "frail".
    assert sum(care) == frailty[Frailty.CARE]
    assert not residents.filter(frailty=Frailty.HEALTHY).exclude(care_level=CareLevel.NONE).exists()
    # Care need grows with age.
    care_ages = [_age(b) for b in residents.filter(frailty=Frailty.CARE).values_list("birth_date", flat=True)]
    assert sum(care_ages) / len(care_ages) > sum(ages) / len(ages) + 3


def test_areas_roles_and_helpers(town):
    _counts, municipality = town
    areas = list(Area.objects.filter(municipality=municipality, layer=2))
    # About one daily-life area per 10,000–15,000 inhabitants.
    assert 10_000 <= municipality.population / len(areas) <= 15_000
    for area in areas:
        assert Resident.objects.filter(area=area).exists()
        for role in (Role.COORDINATOR_L2, Role.SUPPORT_CENTER):
            assert Membership.objects.filter(municipality=municipality, role=role, areas=area).count() == 1
    assert Membership.objects.filter(municipality=municipality, role=Role.COORDINATOR_L1).exists()
    roles = set(Membership.objects.filter(user__is_demo=True).values_list("role", flat=True))
    assert roles == set(Role.values)

    helpers = User.objects.filter(memberships__municipality=municipality, memberships__role=Role.HELPER)
    ages = [_age(b) for b in helpers.values_list("birth_date", flat=True)]
    assert len(ages) == generator.SCALES["small"].helpers
    assert sum(a < 65 for a in ages) / len(ages) >= 0.30
    assert Proxy.objects.filter(resident__municipality=municipality).count() == generator.SCALES["small"].proxies
    # Homes lie around their area's centre, inside Japan.
    for r in Resident.objects.filter(municipality=municipality)[:500]:
        assert abs(r.lat - r.area.center_lat) < 0.06 and abs(r.lon - r.area.center_lon) < 0.06
        assert r.address.startswith("東京都ささえ市") and r.h3_cell


def test_second_run_adds_nothing(town):
    counts_before = {
        "residents": Resident.objects.count(), "users": User.objects.count(),
        "memberships": Membership.objects.count(), "areas": Area.objects.count(),
        "proxies": Proxy.objects.count(), "devices": TOTPDevice.objects.count(),
    }
    again = generator.seed_demo("small", 1, with_apps=False)
    assert again == {"residents": 0, "accounts": 0}
    assert counts_before == {
        "residents": Resident.objects.count(), "users": User.objects.count(),
        "memberships": Membership.objects.count(), "areas": Area.objects.count(),
        "proxies": Proxy.objects.count(), "devices": TOTPDevice.objects.count(),
    }


def test_deterministic_for_a_seed():
    def snapshot(seed):
        town = generator.build_town("small", seed)
        return [(r.family_name, r.given_name, r.birth_date, r.lat, r.lon, r.care_level, r.address)
                for r in generator._resident_rows(town)[:300]]

    assert snapshot(7) == snapshot(7)
    assert snapshot(7) != snapshot(8)


def test_demo_logins_and_otp(town, capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    for role in Role.values:
        assert role in out
    assert "sc1@demo.sasaeai.example" in out and "TOTP key" in out
    user = User.objects.get(email="sc1@demo.sasaeai.example")
    call_command("demo_otp", "sc1@demo.sasaeai.example")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user=user)
    assert code == f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert device.verify_token(code)


def test_demo_otp_refuses_real_accounts(make_user):
    from django.core.management.base import CommandError

    real = make_user(email="real@example.test")
    with pytest.raises(CommandError):
        call_command("demo_otp", real.email)


def test_apportion_is_exact():
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.integers(0, 10**6), st.lists(st.floats(0.01, 100), min_size=1, max_size=8))
    def check(total, weights):
        counts = generator.apportion(total, dict(enumerate(weights)))
        assert sum(counts.values()) == total
        for k, w in enumerate(weights):
            assert abs(counts[k] - total * w / sum(weights)) < 1 + 1e-6

    check()
