"""A two-tenant world for the authorisation matrix: every role exists in municipality A
("own") and B ("other"), each with the same kinds of objects. Expectations are written for
objects of A; a user of B must be refused them."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import Role

_n = itertools.count(1)

#: Every membership role (the resident and proxy roles are also linked to a Resident).
ROLES = [r.value for r in Role if r != Role.OPERATOR]
#: Subjects holding the partner role who are listed as an organisation's staff: of the
#: tenant's partner (a shop) and of its care facility (a care-provider partner with a branch).
ORG_STAFF = ("partner_staff", "facility_staff")


@dataclass
class Tenant:
    municipality: object
    area: object
    area2: object
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    #: Values of sensitive fields (address, phone, notes, emergency contact, key box) that
    #: may only appear in a response together with an access-log entry.
    markers: list = field(default_factory=list)


def _user(role, municipality, areas=()):
    n = next(_n)
    user = User.objects.create(email=f"authz{n}@example.test", display_name=f"権限{n}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    tenancy.create_membership(user=user, municipality=municipality, role=role, areas=areas)
    return user


def _tenant(n: int) -> Tenant:
    code = with_check_digit(f"14{800 + n:03d}")
    m = tenancy.create_municipality(code=code, name=f"権限市{n}", name_kana=f"けんげんし{n}", prefecture=code[:2],
                                    population=50_000, population_65_plus=15_000, population_75_plus=8_000,
                                    center_lat=35.4, center_lon=139.4)
    a1 = tenancy.create_area(municipality=m, name="北地区", center_lat=35.41, center_lon=139.41)
    a2 = tenancy.create_area(municipality=m, name="南地区", center_lat=35.39, center_lon=139.39)
    t = Tenant(m, a1, a2)
    area_scoped = {Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.COUNCIL_MEMBER}
    for role in ROLES:
        t.users[role] = _user(role, m, areas=[a1] if role in area_scoped else ())
    t.users["coordinator_l2_other_area"] = _user(Role.COORDINATOR_L2, m, areas=[a2])
    # Partner-role users who are also an organisation's staff (authz_partners.py makes them
    # staff of the tenant's partner and of its care facility): the own-organisation rules.
    for label in ORG_STAFF:
        t.users[label] = _user(Role.PARTNER, m)
    _objects(t, n)
    return t


def _objects(t: Tenant, n: int) -> None:
    from sasaeai.helpers.models import (
        AvailabilityException,
        HelperProfile,
        HelperQualification,
        IdentityStatus,
    )
    from sasaeai.requests.models import Booking, HelpRequest, MatchingRun, Offer, ProposedAssignment
    from sasaeai.safety import consent, emergency
    from sasaeai.safety.models import Incident, IncidentUpdate, InsurancePolicy, VisitAlert

    m, u, o = t.municipality, t.users, t.objects
    now = timezone.now()
    resident = Resident.objects.create(
        municipality=m, area=t.area, user=u["resident"], family_name="権限", given_name="花子",
        family_name_kana="けんげん", given_name_kana="はなこ", birth_date=dt.date(1938, 5, 1),
        address=f"{m.name}北町{n}丁目9-8", phone=f"04650000{n:02d}", lat=35.41, lon=139.41, h3_cell="x",
        care_level="care_1", notes=f"秘密のメモ{n}号")
    t.markers = [resident.address, resident.phone, resident.notes, f"090000000{n:02d}", f"キーボックス{n}番",
                 f"依頼の注意{n}点"]
    o["resident"] = resident
    Proxy.objects.create(resident=resident, user=u["proxy"], relation="child", confirmed=True)
    consent.give(resident, consent.Purpose.MATCHING, by=u["proxy"])
    consent.give(resident, consent.Purpose.SHARE_SUPPORT_CENTER, by=u["proxy"])
    profile = HelperProfile.objects.create(user=u["helper"], municipality=m, area=t.area, home_lat=35.41,
                                           home_lon=139.41, identity_status=IdentityStatus.VERIFIED,
                                           identity_verified_at=now, skills=["housework"])
    o["helper_profile"] = profile
    o["qualification"] = HelperQualification.objects.create(profile=profile, code="first_aid", status="submitted")
    o["exception"] = AvailabilityException.objects.create(profile=profile, date=(now + dt.timedelta(days=3)).date())
    start = now - dt.timedelta(minutes=20)
    req = HelpRequest.objects.create(municipality=m, area=t.area, recipient=resident, created_by=u["proxy"],
                                     entered_by="proxy", category="housework", title="買い物", starts_at=start,
                                     duration_minutes=60, status="in_progress", key_box=f"キーボックス{n}番",
                                     notes=f"依頼の注意{n}点")
    o["help_request"] = req
    o["booking"] = Booking.objects.create(request=req, helper=profile, municipality=m, starts_at=start,
                                          ends_at=start + dt.timedelta(minutes=60), status="in_progress",
                                          checked_in_at=start)
    open_req = HelpRequest.objects.create(municipality=m, area=t.area, recipient=resident, created_by=u["proxy"],
                                          entered_by="proxy", category="housework", title="草むしり",
                                          starts_at=now + dt.timedelta(days=2), duration_minutes=60, status="offered",
                                          key_box=f"キーボックス{n}番", notes=f"依頼の注意{n}点")
    o["open_request"] = open_req
    o["offer"] = Offer.objects.create(request=open_req, helper=profile, status="pending", offered_by=u["coordinator_l2"])
    # Another helper's booking on a request first offered to the matrix's helper too: that offer
    # was withdrawn when the other helper accepted, so the matrix's helper must not read it.
    other_helper = User.objects.create(email=f"authz-other-helper{n}@example.test", display_name="別の担い手")
    other_profile = HelperProfile.objects.create(user=other_helper, municipality=m, area=t.area, home_lat=35.41,
                                                 home_lon=139.41, identity_status=IdentityStatus.VERIFIED,
                                                 identity_verified_at=now, skills=["housework"])
    taken = HelpRequest.objects.create(municipality=m, area=t.area, recipient=resident, created_by=u["proxy"],
                                       entered_by="proxy", category="housework", title="窓ふき",
                                       starts_at=now + dt.timedelta(days=4), duration_minutes=60, status="booked")
    Offer.objects.create(request=taken, helper=profile, status="withdrawn", offered_by=u["coordinator_l2"])
    Offer.objects.create(request=taken, helper=other_profile, status="accepted", offered_by=u["coordinator_l2"])
    o["withdrawn_booking"] = Booking.objects.create(
        request=taken, helper=other_profile, municipality=m, starts_at=taken.starts_at,
        ends_at=taken.starts_at + dt.timedelta(minutes=60), status="booked")
    run = MatchingRun.objects.create(municipality=m, area=t.area, day=(now + dt.timedelta(days=2)).date(),
                                     created_by=u["coordinator_l2"])
    o["run"] = run
    o["line"] = ProposedAssignment.objects.create(run=run, request=open_req, helper=profile)
    emergency.save_plan(resident, by=u["proxy"], contacts=[
        {"kind": "family", "name": "権限一郎", "phone": f"090000000{n:02d}", "user_id": u["proxy"].pk}])
    o["alert"] = emergency.raise_alert(by=u["helper"], resident=resident, called_119=False)
    policy = InsurancePolicy.objects.create(municipality=m, name="ボランティア活動保険", insurer="テスト保険",
                                            valid_from=dt.date(2020, 1, 1))
    o["policy"] = policy
    incident = Incident.objects.create(municipality=m, area_id=t.area.pk, resident=resident, booking=o["booking"],
                                       helper=profile, kind="fall", severity="low", occurred_at=now,
                                       description="転倒しかけた", reported_by=u["helper"], insurance_policy=policy)
    IncidentUpdate.objects.create(incident=incident, by=u["helper"], status="reported", note="報告")
    o["incident"] = incident
    o["visit_alert"] = VisitAlert.objects.create(booking=o["booking"], municipality=m, area_id=t.area.pk,
                                                 kind="no_check_out")
    _directory_objects(t)
    _app_objects(t)


def _app_objects(t: Tenant) -> None:
    """Each app's own world objects: `objects(tenant)` in its `authz_<app>.py`, in name order."""
    import importlib.util
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("authz_*.py")):
        if path.stem == "authz_expectations":
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "objects"):
            module.objects(t)


def _directory_objects(t: Tenant) -> None:
    """A published, professionals-only resource in area 1 and a pending suggestion for it."""
    from sasaeai.directory.models import Organization, Service, Suggestion

    m, o = t.municipality, t.objects
    o["organization"] = Organization.objects.create(municipality=m, name="権限サロンの会")
    o["service"] = Service.objects.create(municipality=m, organization=o["organization"], area=t.area,
                                          name="専門職向け相談窓口", category="consultation", visibility="professionals",
                                          status="published")
    o["suggestion"] = Suggestion.objects.create(municipality=m, area=t.area, service=o["service"],
                                                proposed={"name": "新しい名前"}, submitted_by=t.users["resident"])
    from sasaeai.directory.models import ImportJob

    o["import_job"] = ImportJob.objects.create(municipality=m, created_by=t.users["coordinator_l1"], kind="template",
                                               filename="resources.csv", state="done")


@pytest.fixture
def world(db):
    a, b = _tenant(1), _tenant(2)
    operator = User.objects.create(email="authz-operator@example.test", display_name="運営者")
    tenancy.create_membership(user=operator, municipality=None, role=Role.OPERATOR, areas=())
    return {"a": a, "b": b, "operator": operator}
