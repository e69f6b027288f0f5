"""Bad input for tenancy is refused with a clear Japanese/English message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sasaeai.tenancy import services
from sasaeai.tenancy.codes import check_digit, validate_municipality_code, with_check_digit
from sasaeai.tenancy.models import Area, Membership, Municipality, Role

pytestmark = pytest.mark.django_db

VALID = dict(name="検証市", name_kana="けんしょうし", prefecture="13", population=50_000,
             population_65_plus=14_650, population_75_plus=8_400, center_lat=35.7, center_lon=139.4)


def test_check_digit_of_real_codes():
    # 131016 千代田区, 011002 札幌市, 272281 … published codes with their check digits.
    assert with_check_digit("13101") == "131016"
    assert with_check_digit("01100") == "011002"
    assert with_check_digit("13201") == "132012"  # 八王子市
    assert check_digit("47201") == 8  # 那覇市 472018


@pytest.mark.parametrize("code", ["13101", "1310160", "131017", "13101X", "991012", ""])
def test_invalid_municipality_code_refused(code):
    with pytest.raises(ValidationError):
        validate_municipality_code(code)
    with pytest.raises(ValidationError):
        services.create_municipality(code=code, **VALID)
    assert not Municipality.objects.exists()


def test_code_error_is_translated():
    for lang, needle in (("ja", "検査数字"), ("en", "check digit")):
        with translation.override(lang):
            with pytest.raises(ValidationError) as exc:
                validate_municipality_code("131017")
            assert needle in " ".join(exc.value.messages)


def test_second_layer1_area_refused(make_municipality):
    m = make_municipality(n_areas=1)
    before = list(Area.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as exc:
        services.create_area(municipality=m, name="もう一つの全域", layer=Area.Layer.MUNICIPALITY,
                             center_lat=35.6, center_lon=139.3)
    assert exc.value.messages
    assert list(Area.objects.values_list("pk", flat=True)) == before


def test_duplicate_area_name_refused(make_municipality):
    m = make_municipality(n_areas=1)
    with translation.override("ja"), pytest.raises(ValidationError) as exc:
        services.create_area(municipality=m, name="地区1", center_lat=35.6, center_lon=139.3)
    assert any("既に" in msg or "同じ名前" in msg for msg in exc.value.messages), exc.value.messages
    assert Area.objects.filter(municipality=m, name="地区1").count() == 1
    # The same name in another municipality is fine.
    other = make_municipality(n_areas=0)
    services.create_area(municipality=other, name="地区1", center_lat=35.6, center_lon=139.3)


def test_membership_with_foreign_area_refused(make_municipality, make_user):
    a, b = make_municipality(), make_municipality()
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        services.create_membership(user=user, municipality=a, role=Role.COORDINATOR_L2,
                                   areas=[Area.objects.filter(municipality=b, layer=2).first()])
    assert "areas" in exc.value.message_dict
    assert not Membership.objects.filter(user=user).exists()


def test_layer2_area_outside_japan_or_bad_boundary_refused(make_municipality):
    m = make_municipality(n_areas=0)
    with pytest.raises(ValidationError):
        services.create_area(municipality=m, name="海外", center_lat=48.85, center_lon=2.35)
    with pytest.raises(ValidationError):
        services.create_area(municipality=m, name="壊れた境界", center_lat=35.6, center_lon=139.3,
                             boundary={"type": "Polygon", "coordinates": "nope"})
    assert not Area.objects.filter(municipality=m, layer=2).exists()
