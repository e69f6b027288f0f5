"""Recording needs, their status machine with history, connections and the bad inputs."""

import h3
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sasaeai.directory.models import Service
from sasaeai.needs import services
from sasaeai.needs.models import Need, NeedStatus, NeedStatusChange

from .conftest import make_resident

pytestmark = pytest.mark.django_db


def _need(t, **kw):
    values = dict(by=t["sc"], municipality=t["m"], category="shopping", description="重い物が買えない",
                  source="phone", area=t["north"])
    values.update(kw)
    return services.need_create(**values)


def _code(exc: ValidationError) -> set[str]:
    return {e.code for errs in exc.error_dict.values() for e in errs}


def test_an_anonymous_need_keeps_only_an_h3_cell_of_its_place(town):
    need = _need(town, lat=35.6612, lon=139.3345)
    assert need.resident_id is None
    assert need.h3_cell == h3.latlng_to_cell(35.6612, 139.3345, 8)
    assert not hasattr(need, "lat") and not hasattr(need, "lon")
    assert list(need.history.values_list("from_status", "to_status", "by")) == [("", "new", town["sc"].pk)]


def test_without_a_place_the_cell_is_the_areas_centre(town):
    need = _need(town)
    assert need.h3_cell == h3.latlng_to_cell(town["north"].center_lat, town["north"].center_lon, 8)


def test_a_need_naming_a_resident_takes_the_residents_area_and_keeps_no_place(town):
    need = _need(town, area=None, resident=town["resident"], lat=35.7, lon=139.4)
    assert need.area_id == town["north"].pk and need.h3_cell == ""


def test_it_refuses_a_resident_without_consent_and_writes_nothing(town):
    with pytest.raises(ValidationError) as exc:
        _need(town, area=None, resident=town["no_consent"])
    assert _code(exc.value) == {"no_consent"}
    assert "consent" in str(exc.value.message_dict["resident"][0]) or "同意" in str(exc.value.message_dict["resident"][0])
    assert Need.objects.count() == 0 and NeedStatusChange.objects.count() == 0


def test_it_refuses_another_municipalitys_resident(town, make_municipality):
    other = make_municipality(n_areas=1)
    stranger = make_resident(other, other.areas.get(layer=2))
    with pytest.raises(ValidationError) as exc:
        _need(town, area=None, resident=stranger)
    assert _code(exc.value) == {"resident_other_municipality"}
    assert Need.objects.count() == 0


def test_it_refuses_an_area_outside_the_coordinators_scope(town):
    with pytest.raises(PermissionDenied):
        _need(town, area=town["south"])
    assert Need.objects.count() == 0


@pytest.mark.parametrize("field,value,code", [
    ("category", "spaceflight", "invalid_category"), ("source", "rumour", "invalid_source"),
    ("urgency", "yesterday", "invalid_urgency"), ("description", "  ", "description_required"),
    ("description", "あ" * 2001, "description_too_long"),
])
def test_it_refuses_bad_values_with_a_stable_code(town, field, value, code):
    with pytest.raises(ValidationError) as exc:
        _need(town, **{field: value})
    assert code in _code(exc.value)
    assert Need.objects.count() == 0


def test_a_point_outside_japan_is_refused(town):
    with pytest.raises(ValidationError) as exc:
        _need(town, lat=51.5, lon=-0.1)
    assert _code(exc.value) == {"outside_japan"}


def test_a_second_open_need_of_the_same_resident_and_kind_is_flagged_as_a_duplicate(town):
    first = _need(town, area=None, resident=town["resident"])
    second = _need(town, area=None, resident=town["resident"], description="また同じ")
    other_kind = _need(town, area=None, resident=town["resident"], category="garbage")
    assert second.duplicate_of_id == first.pk and other_kind.duplicate_of_id is None
    services.need_change_status(need=first, by=town["sc"], to="closed")
    services.need_change_status(need=second, by=town["sc"], to="closed")
    assert _need(town, area=None, resident=town["resident"]).duplicate_of_id is None


def test_status_changes_follow_the_machine_and_record_who_and_when(town):
    need = _need(town)
    services.need_change_status(need=need, by=town["l1"], to="triaged", note="電話で確認")
    services.need_change_status(need=need, by=town["sc"], to="unmet")
    services.need_change_status(need=need, by=town["sc"], to="escalated")
    need.refresh_from_db()
    assert need.status == NeedStatus.ESCALATED
    steps = list(need.history.values_list("from_status", "to_status", "by", "note"))
    assert steps == [("", "new", town["sc"].pk, ""), ("new", "triaged", town["l1"].pk, "電話で確認"),
                     ("triaged", "unmet", town["sc"].pk, ""), ("unmet", "escalated", town["sc"].pk, "")]


def test_an_illegal_transition_is_refused_and_nothing_is_written(town):
    need = _need(town)
    with pytest.raises(ValidationError) as exc:
        services.need_change_status(need=need, by=town["sc"], to="escalated")
    assert _code(exc.value) == {"illegal_transition"}
    with pytest.raises(ValidationError) as exc:
        services.need_change_status(need=need, by=town["sc"], to="connected")
    assert _code(exc.value) == {"no_connection"}
    assert need.history.count() == 1


def test_another_areas_coordinator_cannot_change_the_need(town):
    need = _need(town)
    with pytest.raises(PermissionDenied):
        services.need_change_status(need=need, by=town["sc_south"], to="triaged")


def test_connecting_to_a_resource_links_it_and_sets_connected(town):
    need = _need(town)
    resource = Service.objects.create(municipality=town["m"], area=town["north"], name="移動スーパー", category="mobile_sales",
                                      status="published")
    link = services.need_connect(need=need, by=town["sc"], target=resource)
    need.refresh_from_db()
    assert need.status == NeedStatus.CONNECTED and link.target == resource
    with pytest.raises(ValidationError) as exc:
        services.need_connect(need=need, by=town["sc"], target=resource)
    assert _code(exc.value) == {"already_connected"}
    services.need_disconnect(link=link, by=town["sc"])
    need.refresh_from_db()
    assert need.status == NeedStatus.TRIAGED and not need.links.exists()


def test_it_refuses_to_connect_to_another_municipalitys_record(town, make_municipality):
    other = make_municipality(n_areas=1)
    resource = Service.objects.create(municipality=other, area=other.areas.get(layer=2), name="よそ", category="shopping",
                                      status="published")
    need = _need(town)
    with pytest.raises(ValidationError) as exc:
        services.need_connect(need=need, by=town["sc"], target=resource)
    assert _code(exc.value) == {"target_other_municipality"}
    assert not need.links.exists()
