"""Writes for tenancy. Each is one transaction and validates before it writes."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Area, Membership, Municipality, Role


def _save(obj, *, unique_message: str | None = None) -> None:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent writer won the race the clean() check saw free
        raise ValidationError(unique_message or _("This conflicts with an existing record.")) from exc


@transaction.atomic
def create_municipality(
    *, code: str, name: str, name_kana: str, prefecture: str, population: int,
    population_65_plus: int, population_75_plus: int, center_lat: float, center_lon: float,
    is_synthetic: bool = False,
) -> Municipality:
    """Create a municipality together with its one layer-1 area (the whole municipality)."""
    municipality = Municipality(
        code=code, name=name, name_kana=name_kana, prefecture=prefecture, population=population,
        population_65_plus=population_65_plus, population_75_plus=population_75_plus,
        is_synthetic=is_synthetic,
    )
    _save(municipality, unique_message=_("A municipality with this code already exists."))
    layer1 = Area(
        municipality=municipality, layer=Area.Layer.MUNICIPALITY, name=name, name_kana=name_kana,
        center_lat=center_lat, center_lon=center_lon, population_65_plus=population_65_plus,
    )
    _save(layer1)
    return municipality


def create_area(
    *, municipality: Municipality, name: str, center_lat: float, center_lon: float,
    layer: int = Area.Layer.DAILY_LIFE, name_kana: str = "", boundary: dict | None = None,
    population_65_plus: int = 0,
) -> Area:
    """Create an area. Layer 2 areas hang under the municipality's layer-1 area."""
    parent = None
    if layer == Area.Layer.DAILY_LIFE:
        parent = municipality.layer1_area
        if parent is None:
            raise ValidationError({"parent": _("Create the municipality's layer-1 area first.")})
    area = Area(
        municipality=municipality, layer=layer, name=name, name_kana=name_kana, parent=parent,
        center_lat=center_lat, center_lon=center_lon, boundary=boundary,
        population_65_plus=population_65_plus,
    )
    _save(area, unique_message=_("This municipality already has an area of that name, or its layer-1 area."))
    return area


@transaction.atomic
def create_membership(
    *, user, municipality: Municipality | None, role: str, areas: Iterable[Area] = ()
) -> Membership:
    """Give a user a role in a municipality, optionally limited to some of its areas."""
    areas = list(areas)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    foreign = [a for a in areas if municipality is None or a.municipality_id != municipality.pk]
    if foreign:
        raise ValidationError({"areas": _("Every area must belong to the membership's municipality.")})
    membership = Membership(user=user, municipality=municipality, role=role)
    _save(membership, unique_message=_("The user already has this role in this municipality."))
    if areas:
        membership.areas.set(areas)
    from .selectors import forget_memberships

    forget_memberships(user)
    return membership
