"""A work-care world: the employer's municipality A, the family member's municipality B (another
town), a verified work-support care manager, an employer with a contract in force and an HR
contact, a 地域包括支援センター worker in B, and an employer without a contract."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.helpers.models import HelperProfile, HelperQualification
from sasaeai.tenancy.models import Role
from sasaeai.worklife.models import Contract, Employer, EmployerContact, WorkSupportCareManager


def make_care_manager(user, municipality, *, verified=True, areas=()):
    profile = HelperProfile.objects.create(user=user, municipality=municipality)
    HelperQualification.objects.create(profile=profile, code="work_support_cm",
                                       status="verified" if verified else "submitted",
                                       reviewed_at=timezone.now() if verified else None)
    cm = WorkSupportCareManager.objects.create(user=user, municipality=municipality,
                                               offers=["employee_consultation", "seminars"], about="両立支援")
    cm.areas.set(areas)
    return cm


@pytest.fixture
def world(make_municipality, make_user):
    a = make_municipality(n_areas=2)
    b = make_municipality(n_areas=1)
    a_area = a.areas.filter(layer=2).order_by("name").first()
    b_area = b.areas.get(layer=2)
    cm_user = make_user(Role.WORK_SUPPORT_CM, a, display_name="両立ケアマネ")
    cm = make_care_manager(cm_user, a, areas=[a_area])
    other_cm_user = make_user(Role.WORK_SUPPORT_CM, a, display_name="別のケアマネ")
    other_cm = make_care_manager(other_cm_user, a)
    unverified_user = make_user(Role.WORK_SUPPORT_CM, a, display_name="未確認")
    make_care_manager(unverified_user, a, verified=False)
    hr = make_user(display_name="人事担当")
    employee = make_user(display_name="社員")
    employer = Employer.objects.create(municipality=a, name="株式会社テスト", size_band="50_299", created_by=cm_user)
    EmployerContact.objects.create(employer=employer, user=hr)
    today = timezone.localdate()
    contract = Contract.objects.create(employer=employer, care_manager=cm, starts_on=today - dt.timedelta(days=200),
                                       ends_on=today + dt.timedelta(days=165))
    lapsed = Employer.objects.create(municipality=a, name="契約なし商事", size_band="under_50", created_by=cm_user)
    Contract.objects.create(employer=lapsed, care_manager=cm, starts_on=today - dt.timedelta(days=400),
                            ends_on=today - dt.timedelta(days=35))
    centre_b = make_user(Role.SUPPORT_CENTER, b, areas=[b_area], display_name="B市包括")
    centre_a = make_user(Role.SUPPORT_CENTER, a, areas=[a_area], display_name="A市包括")
    return {"a": a, "b": b, "a_area": a_area, "b_area": b_area, "cm_user": cm_user, "cm": cm,
            "other_cm_user": other_cm_user, "other_cm": other_cm, "unverified": unverified_user, "hr": hr,
            "employee": employee, "employer": employer, "contract": contract, "lapsed": lapsed,
            "centre_b": centre_b, "centre_a": centre_a}


@pytest.fixture
def request_one(world):
    from sasaeai.worklife import services

    def make(**overrides):
        values = dict(code=world["employer"].link_code, employee_name="山田", employee_contact="090-0000-0000",
                      department_size="50_299", topics=["leave", "long_distance"], note="母が倒れた")
        values.update(overrides)
        return services.consultation_request(**values)

    return make


@pytest.fixture
def recorded(world, request_one):
    from sasaeai.worklife import services

    def make(**overrides):
        c = request_one()
        values = dict(by=world["cm_user"], interviewed_on=timezone.localdate(), relation="child",
                      care_level="care_2", family_municipality=world["b"], family_area=world["b_area"],
                      family_situation="母は一人暮らしで要介護2", work_situation="営業職、出張多い",
                      wishes="仕事を続けたい", topics=["leave", "dementia"], shared_with_employer=True)
        values.update(overrides)
        return services.consultation_record(c, **values)

    return make
