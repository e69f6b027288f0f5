"""The synthetic demo town (架空のまち): one municipality built from the national statistics
in DOMAIN.md §5, deterministic for a seed and idempotent.

Figures used (DOMAIN.md §5):
- elderly (65+) 29.3 % of the population; 75+ is 16.8 % of the population;
- frailty of the elderly: healthy 68.1 %, frail incl. 要支援 18.9 %, 要介護1–5 13.1 %;
- certification split, Tokyo 23 wards FY2022: 要支援1 89,701 / 要支援2 101,848 and
  要介護1–5 118,171 / 108,127 / 77,665 / 71,152 / 50,449 — so 要支援 is 5.9 % of the elderly;
- one layer-2 area (日常生活圏域) per about 12,000 inhabitants, one 地域包括支援センター each;
- helpers (担い手) with an age mix where 40 % are under 65.

Nothing here is a real person: names are drawn at random from common names, addresses from
invented block numbers in a town called ささえ市.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass
from datetime import date, timedelta

import h3
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.models import User
from sasaeai.core.plugins import project_modules
from sasaeai.residents.models import CareLevel, Frailty, Proxy, ProxyRelation, Resident, Sex
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import TWO_FACTOR_ROLES, Area, Membership, Municipality, Role

from . import names
from .town import DemoTown

#: The password of every demo account (demo data only; printed by `demo_logins`).
DEMO_PASSWORD = "sasaeai-demo"
#: Ages are computed against this fixed day so the same seed always gives the same town.
REFERENCE_DATE = date(2026, 4, 1)

ELDERLY_SHARE = 0.293
OLD_OLD_SHARE = 0.168  # 75+ as a share of the whole population
FRAILTY_SHARES = {"healthy": 0.681, "frail": 0.189, "care": 0.131}
SUPPORT_SHARE_OF_ELDERLY = 0.131 * (89_701 + 101_848) / (118_171 + 108_127 + 77_665 + 71_152 + 50_449)
SUPPORT_SPLIT = {CareLevel.SUPPORT_1: 89_701, CareLevel.SUPPORT_2: 101_848}
CARE_SPLIT = {
    CareLevel.CARE_1: 118_171, CareLevel.CARE_2: 108_127, CareLevel.CARE_3: 77_665,
    CareLevel.CARE_4: 71_152, CareLevel.CARE_5: 50_449,
}
HELPER_AGE_BANDS = {(20, 39): 0.12, (40, 64): 0.28, (65, 74): 0.42, (75, 84): 0.18}
PEOPLE_PER_AREA = 12_000


@dataclass(frozen=True)
class Scale:
    name: str
    population: int
    helpers: int
    resident_accounts: int
    proxies: int
    code: str  # 5 digits; the check digit is added
    municipality_name: str
    municipality_kana: str


SCALES = {
    "small": Scale("small", 36_000, 120, 10, 20, "13991", "ささえ市", "ささえし"),
    "city": Scale("city", 150_000, 450, 20, 40, "13992", "ささえ中央市", "ささえちゅうおうし"),
    "large": Scale("large", 400_000, 1_200, 30, 60, "13993", "ささえ大市", "ささえだいし"),
}
CENTER = (35.6557, 139.3239)  # an inland Tokyo-like spot; the town itself is invented
EMAIL_DOMAIN = "demo.sasaeai.example"


def apportion(total: int, shares: dict) -> dict:
    """Largest-remainder apportionment: integer counts summing exactly to `total`."""
    weight = sum(shares.values())
    raw = {k: total * v / weight for k, v in shares.items()}
    counts = {k: math.floor(v) for k, v in raw.items()}
    rest = total - sum(counts.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - counts[k]), str(k)))[:rest]:
        counts[k] += 1
    return counts


def demo_email(scale: str, local: str) -> str:
    prefix = "" if scale == "small" else f"{scale}-"
    return f"{prefix}{local}@{EMAIL_DOMAIN}"


def demo_totp_key(email: str, seed: int) -> str:
    """A stable TOTP key (hex, as django-otp stores it) for a demo staff account."""
    return hashlib.sha256(f"sasaeai-demo-totp:{seed}:{email}".encode()).hexdigest()[:40]


def totp_base32(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode()


def _birth_date(rng, age: int) -> date:
    """A birthday making the person exactly `age` on REFERENCE_DATE (1 April: no 29 Feb issue)."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    earliest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _area_layout(n: int) -> list[tuple[float, float]]:
    """Area centres on a jittered grid about 2.2 km apart around the town centre."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    step_lat, step_lon = 0.020, 0.024
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        out.append((CENTER[0] + (r - (rows - 1) / 2) * step_lat, CENTER[1] + (c - (cols - 1) / 2) * step_lon))
    return out


def build_town(scale_name: str, seed: int) -> DemoTown:
    """The municipality and its areas (created once; reused on later runs)."""
    scale = SCALES[scale_name]
    code = with_check_digit(scale.code)
    population = scale.population
    elderly = round(population * ELDERLY_SHARE)
    old_old = round(population * OLD_OLD_SHARE)
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        municipality = tenancy.create_municipality(
            code=code, name=scale.municipality_name, name_kana=scale.municipality_kana,
            prefecture="13", population=population, population_65_plus=elderly,
            population_75_plus=old_old, center_lat=CENTER[0], center_lon=CENTER[1], is_synthetic=True,
        )
    if not municipality.contact_phone:
        # The anonymous home page shows the town's phone window (fictitious 0000 number).
        municipality.contact_window_name = f"{scale.municipality_name} 地域包括ケア推進課（生活支援コーディネーター）"
        municipality.contact_phone = "042-000-0000"
        municipality.contact_hours = "平日 8:30〜17:15（土日・祝日・年末年始を除く）"
        municipality.save(update_fields=["contact_window_name", "contact_phone", "contact_hours"])
    n_areas = max(2, round(population / PEOPLE_PER_AREA))
    per_area = apportion(elderly, {i: 1 for i in range(n_areas)})
    existing = {a.name: a for a in Area.objects.filter(municipality=municipality, layer=2)}
    areas = []
    with transaction.atomic():
        for i, (lat, lon) in enumerate(_area_layout(n_areas)):
            town_name, kana = names.TOWN_NAMES[i % len(names.TOWN_NAMES)]
            name = f"{town_name}地区"
            area = existing.get(name) or tenancy.create_area(
                municipality=municipality, name=name, name_kana=f"{kana}ちく",
                center_lat=round(lat, 6), center_lon=round(lon, 6), population_65_plus=per_area[i],
            )
            areas.append(area)
    return DemoTown(municipality=municipality, areas=areas, seed=seed, scale=scale_name)


def _resident_rows(town: DemoTown) -> list[Resident]:
    """All residents aged 65+ with the age, frailty and care-level mix of DOMAIN.md §5."""
    municipality = town.municipality
    rng = town.rng("residents")
    elderly = municipality.population_65_plus
    old_old = municipality.population_75_plus
    # Ages: 65–74 uniform, 75+ falling off (weights by 5-year band).
    ages = [rng.randint(65, 74) for _ in range(elderly - old_old)]
    bands = {75: 0.36, 80: 0.29, 85: 0.20, 90: 0.11, 95: 0.04}
    for start, count in apportion(old_old, bands).items():
        ages += [rng.randint(start, start + 4) for _ in range(count)]
    rng.shuffle(ages)
    # Frailty and care level, skewed towards the oldest while the totals stay exact.
    frailty_counts = apportion(elderly, FRAILTY_SHARES)
    support_total = round(elderly * SUPPORT_SHARE_OF_ELDERLY)
    care_levels = []
    for level, count in apportion(frailty_counts["care"], CARE_SPLIT).items():
        care_levels += [(Frailty.CARE, level)] * count
    for level, count in apportion(support_total, SUPPORT_SPLIT).items():
        care_levels += [(Frailty.FRAIL, level)] * count
    care_levels += [(Frailty.FRAIL, CareLevel.NONE)] * (frailty_counts["frail"] - support_total)
    rng.shuffle(care_levels)
    order = sorted(range(elderly), key=lambda i: -(ages[i] + rng.gauss(0, 8)))
    status = [(Frailty.HEALTHY, CareLevel.NONE)] * elderly
    for slot, idx in enumerate(order[: len(care_levels)]):
        status[idx] = care_levels[slot]

    per_area = apportion(elderly, {a.pk: max(a.population_65_plus, 1) for a in town.areas})
    area_cycle = [a for a in town.areas for _ in range(per_area[a.pk])]
    rows = []
    for i in range(elderly):
        area = area_cycle[i]
        sex = Sex.FEMALE if rng.random() < 0.57 else Sex.MALE  # women outlive men
        family, family_kana = rng.choice(names.FAMILY_NAMES)
        given_pool = names.GIVEN_NAMES_FEMALE_OLDER if sex == Sex.FEMALE else names.GIVEN_NAMES_MALE_OLDER
        given, given_kana = rng.choice(given_pool)
        # Spread homes around the area centre (about 1 km standard deviation).
        lat = area.center_lat + rng.gauss(0, 0.008)
        lon = area.center_lon + rng.gauss(0, 0.010)
        town_name = area.name.removesuffix("地区")
        frailty, care_level = status[i]
        rows.append(Resident(
            municipality=municipality, area=area, family_name=family, given_name=given,
            family_name_kana=family_kana, given_name_kana=given_kana, birth_date=_birth_date(rng, ages[i]),
            sex=sex, postal_code=f"199-{rng.randint(1, 99):02d}{rng.randint(0, 9)}{rng.randint(0, 9)}",
            address=f"東京都{municipality.name}{town_name}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
            lat=round(lat, 6), lon=round(lon, 6), h3_cell=h3.latlng_to_cell(lat, lon, 8),
            phone=f"042-{rng.randint(600, 699)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.85 else "",
            care_level=care_level, frailty=frailty,
            demo_key=f"{municipality.code}:r{i}",
        ))
    return rows


def seed_residents(town: DemoTown) -> int:
    before = Resident.objects.filter(municipality=town.municipality).count()
    rows = _resident_rows(town)
    with transaction.atomic():
        Resident.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return Resident.objects.filter(municipality=town.municipality).count() - before


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    furigana: str
    role: str | None
    area_index: int | None = None  # None: whole municipality
    birth_date: date | None = None


def _staff_accounts(town: DemoTown) -> list[DemoAccount]:
    s = town.scale
    out = [
        DemoAccount(demo_email(s, "operator"), "運営者 デモ", "うんえいしゃ でも", Role.OPERATOR),
        DemoAccount(demo_email(s, "admin"), "市役所 担当", "しやくしょ たんとう", Role.MUNICIPAL_ADMIN),
        DemoAccount(demo_email(s, "sc1"), "第1層 コーディネーター", "だいいっそう こーでぃねーたー", Role.COORDINATOR_L1),
        DemoAccount(demo_email(s, "work"), "就労的活動 コーディネーター", "しゅうろうてきかつどう こーでぃねーたー", Role.WORK_COORDINATOR),
        DemoAccount(demo_email(s, "wcm"), "ワークサポート ケアマネ", "わーくさぽーと けあまね", Role.WORK_SUPPORT_CM),
    ]
    for i, area in enumerate(town.areas):
        out.append(DemoAccount(demo_email(s, f"sc2-{i + 1}"), f"{area.name} 第2層SC", "だいにそう えすしー",
                               Role.COORDINATOR_L2, i))
        out.append(DemoAccount(demo_email(s, f"center-{i + 1}"), f"{area.name.removesuffix('地区')}地域包括支援センター",
                               "ちいきほうかつしえんせんたー", Role.SUPPORT_CENTER, i))
    for i in range(2):
        out.append(DemoAccount(demo_email(s, f"council-{i + 1}"), f"協議体 委員{i + 1}", "きょうぎたい いいん",
                               Role.COUNCIL_MEMBER, i % len(town.areas)))
        out.append(DemoAccount(demo_email(s, f"partner-{i + 1}"), ["ささえ配食サービス", "みどり移動スーパー"][i],
                               "ぱーとなー", Role.PARTNER))
    return out


def _helper_accounts(town: DemoTown, count: int) -> list[DemoAccount]:
    rng = town.rng("helpers")
    ages = []
    for (low, high), n in apportion(count, HELPER_AGE_BANDS).items():
        ages += [rng.randint(low, high) for _ in range(n)]
    rng.shuffle(ages)
    out = []
    for i, age in enumerate(ages):
        female = rng.random() < 0.6
        family, family_kana = rng.choice(names.FAMILY_NAMES)
        if age < 60:
            pool = names.GIVEN_NAMES_FEMALE_YOUNGER if female else names.GIVEN_NAMES_MALE_YOUNGER
        else:
            pool = names.GIVEN_NAMES_FEMALE_OLDER if female else names.GIVEN_NAMES_MALE_OLDER
        given, given_kana = rng.choice(pool)
        out.append(DemoAccount(
            demo_email(town.scale, f"helper{i + 1}"), f"{family} {given}", f"{family_kana} {given_kana}",
            Role.HELPER, i % len(town.areas), _birth_date(rng, age),
        ))
    return out


def seed_accounts(town: DemoTown) -> dict[str, int]:
    """Demo log-ins for every role, helpers, residents with accounts and family proxies."""
    scale = SCALES[town.scale]
    municipality = town.municipality
    accounts = _staff_accounts(town) + _helper_accounts(town, scale.helpers)
    residents = list(Resident.objects.filter(municipality=municipality, demo_key__isnull=False).order_by("pk"))
    rng = town.rng("accounts")
    picked = rng.sample(residents, min(len(residents), scale.resident_accounts + scale.proxies))
    own, proxied = picked[: scale.resident_accounts], picked[scale.resident_accounts:]
    for i, resident in enumerate(own):
        accounts.append(DemoAccount(
            demo_email(town.scale, f"resident{i + 1}"), str(resident), f"{resident.family_name_kana} {resident.given_name_kana}",
            Role.RESIDENT, None, resident.birth_date,
        ))
    for i, resident in enumerate(proxied):
        given, given_kana = rng.choice(names.GIVEN_NAMES_FEMALE_YOUNGER + names.GIVEN_NAMES_MALE_YOUNGER)
        accounts.append(DemoAccount(
            demo_email(town.scale, f"family{i + 1}"), f"{resident.family_name} {given}",
            f"{resident.family_name_kana} {given_kana}", Role.PROXY, None, _birth_date(rng, rng.randint(40, 62)),
        ))

    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 per account would take minutes
    created_users = 0
    with transaction.atomic():
        existing = set(User.objects.filter(email__in=[a.email for a in accounts]).values_list("email", flat=True))
        new = [
            User(email=a.email, display_name=a.display_name, furigana=a.furigana, birth_date=a.birth_date,
                 password=password, is_demo=True, is_staff=a.role == Role.OPERATOR,
                 is_superuser=a.role == Role.OPERATOR)
            for a in accounts if a.email not in existing
        ]
        User.objects.bulk_create(new, batch_size=1000)
        created_users = len(new)
        users = {u.email: u for u in User.objects.filter(email__in=[a.email for a in accounts])}
        have = set(Membership.objects.filter(user__in=users.values()).values_list("user__email", "role"))
        for a in accounts:
            if a.role is None or (a.email, a.role) in have:
                continue
            tenancy.create_membership(
                user=users[a.email], role=a.role,
                municipality=None if a.role == Role.OPERATOR else municipality,
                areas=[town.areas[a.area_index]] if a.area_index is not None else [],
            )
        for i, resident in enumerate(own):
            user = users[demo_email(town.scale, f"resident{i + 1}")]
            if resident.user_id is None:
                Resident.objects.filter(pk=resident.pk, user__isnull=True).update(user=user)
        relations = [ProxyRelation.CHILD, ProxyRelation.CHILD, ProxyRelation.CHILD_IN_LAW, ProxyRelation.SPOUSE,
                     ProxyRelation.GRANDCHILD]
        Proxy.objects.bulk_create([
            Proxy(resident=resident, user=users[demo_email(town.scale, f"family{i + 1}")],
                  relation=relations[i % len(relations)], confirmed=True)
            for i, resident in enumerate(proxied)
        ], ignore_conflicts=True)
        for a in accounts:
            if a.role in TWO_FACTOR_ROLES:
                TOTPDevice.objects.get_or_create(
                    user=users[a.email], name="demo",
                    defaults={"key": demo_totp_key(a.email, town.seed), "confirmed": True},
                )
    return {"accounts": created_users}


def seed_demo(scale: str = "small", seed: int = 1, *, with_apps: bool = True, log=None) -> dict[str, int]:
    """Build (or complete) the demo town. Returns counts of what this run added."""
    town = build_town(scale, seed)
    counts = {"residents": seed_residents(town)}
    counts.update(seed_accounts(town))
    if with_apps:
        for label, module in project_modules("demo"):
            seed_fn = getattr(module, "seed", None)
            if seed_fn is None:
                continue
            for key, value in (seed_fn(town) or {}).items():
                counts[f"{label}.{key}"] = value
            if log:
                log(f"  {label}: done")
    return counts


def demo_logins(scale: str = "small", seed: int = 1) -> list[dict]:
    """One log-in per role (the first of each), with the TOTP key for staff."""
    code = with_check_digit(SCALES[scale].code)
    rows = []
    seen = set()
    memberships = (Membership.objects.filter(user__is_demo=True)
                   .filter(municipality__code=code) | Membership.objects.filter(
                       user__is_demo=True, municipality__isnull=True, user__email=demo_email(scale, "operator")))
    for m in memberships.select_related("user").order_by("role", "user__id"):
        if m.role in seen:
            continue
        seen.add(m.role)
        device = TOTPDevice.objects.filter(user=m.user, name="demo").first()
        rows.append({
            "role": m.role, "role_label": str(Role(m.role).label), "email": m.user.email,
            "password": DEMO_PASSWORD, "totp_key": totp_base32(device.key) if device else None,
        })
    order = list(Role.values)
    return sorted(rows, key=lambda r: order.index(r["role"]))
