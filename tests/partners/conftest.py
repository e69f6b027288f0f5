"""Fixtures of the partners tests: one town (two districts) with staff per role, two partner
organisations each with a staff member, and a scheme requiring an office in the town."""

import pytest

from sasaeai.directory.models import Organization
from sasaeai.partners import services
from sasaeai.partners.models import PartnerKind, RegistrationScheme
from sasaeai.tenancy.models import Area, Role


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_partner(m, make_user, name, kind=PartnerKind.COMPANY, address=None):
    org = Organization.objects.create(municipality=m, name=name)
    staff = make_user(Role.PARTNER, m, display_name=f"{name}の職員")
    org.members.add(staff)
    profile = services.partner_create(by=staff, organization=org, kind=kind, contact_name="担当",
                                      branches=[{"name": f"{name} 本店", "address": address or f"{m.name}本町1-1"}])
    return profile, staff


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    t = {"m": m, "north": north, "south": south,
         "sc": make_user(Role.COORDINATOR_L2, m, areas=[north]),
         "l1": make_user(Role.COORDINATOR_L1, m),
         "admin": make_user(Role.MUNICIPAL_ADMIN, m),
         "support": make_user(Role.SUPPORT_CENTER, m, areas=[north])}
    t["shop"], t["clerk"] = make_partner(m, make_user, "北スーパー", PartnerKind.SHOP)
    t["bank"], t["banker"] = make_partner(m, make_user, "信用金庫", PartnerKind.COMPANY)
    t["far"], t["far_staff"] = make_partner(m, make_user, "遠方商事", PartnerKind.COMPANY, address="大阪府大阪市1-1")
    t["scheme"] = RegistrationScheme.objects.create(municipality=m, name="人生100年サポート企業",
                                                    categories="運動・栄養・社会参加・生活支援", years=2)
    return t


def register(t, partner, staff):
    reg = services.registration_apply(by=staff, scheme=t["scheme"], partner=partner)
    return services.registration_review(by=t["l1"], registration=reg, approve=True)
