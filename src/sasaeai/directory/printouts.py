"""Cached printouts: booklet and weekly calendar PDFs are built once per (municipality, area,
categories, language, data version) and kept as files (shared by every worker process).

The data version changes with any change to the directory that a printout could show — a
resource of the municipality (of the area, for an area's printout) created, edited, verified,
published, archived, moved or deleted (count, latest `updated_at`, latest change record) —,
with the municipality's outlines and landmarks, with the month printed on the cover and with
`FORMAT` (bump it when the layout changes). An edit in one area leaves the other areas' cached
printouts valid. A cached file is kept under `printout_version`: the data version and the month's
events published from the directory's programmes (they are on the weekly calendar). Older files
of the same printout are removed when a new version is written.

Setting: `SASAEAI_PRINTOUT_DIR` (default `<SASAEAI_VAR_DIR>/printouts`)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone, translation

from sasaeai.tenancy.models import Area, Municipality

from .models import ChangeRecord, Service

FORMAT = "2"


def directory() -> Path:
    return Path(getattr(settings, "SASAEAI_PRINTOUT_DIR", None) or Path(settings.VAR_DIR) / "printouts")


def data_version(municipality: Municipality, area: Area | None = None) -> str:
    """A short hash that changes whenever the printout of `area` (None: the whole town) could."""
    from sasaeai.geo.selectors import version as geo_version

    services = Service.objects.filter(municipality=municipality)
    changes = ChangeRecord.objects.filter(municipality=municipality)
    if area is not None:  # an area's printout shows only its own resources
        services = services.filter(area=area)
        changes = changes.filter(service__area=area)
    agg = services.aggregate(n=Count("pk"), t=Max("updated_at"))
    last_change = changes.aggregate(m=Max("pk"))["m"]
    from .paper import _registered_partners  # the booklet's partner badge

    parts = [FORMAT, agg["n"], agg["t"].isoformat() if agg["t"] else "", last_change or 0,
             geo_version(municipality), f"{timezone.localdate():%Y-%m}", sorted(_registered_partners(municipality).items())]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _events_version(municipality: Municipality, area: Area | None) -> str:
    """This month's events published from directory programmes (shown on the weekly calendar)."""
    from django.apps import apps

    if not apps.is_installed("sasaeai.events"):
        return ""
    from sasaeai.events.selectors import programme_events_version

    return programme_events_version(municipality, area=area)


def printout_version(municipality: Municipality, area: Area | None = None) -> str:
    """The version a cached printout is kept under: the directory's `data_version` and the
    month's events published from its programmes."""
    parts = [data_version(municipality, area), _events_version(municipality, area)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _prefix(kind: str, municipality: Municipality, area: Area | None, categories) -> str:
    cats = hashlib.sha256(",".join(sorted(categories or [])).encode()).hexdigest()[:8] if categories else "all"
    return f"{kind}-m{municipality.pk}-{municipality.code}-a{area.pk if area else 'all'}-c{cats}-{translation.get_language() or 'ja'}-"


def get_or_build(kind: str, municipality: Municipality, area: Area | None, categories,
                 build: Callable[[], bytes]) -> tuple[bytes, bool]:
    """(pdf, served_from_cache)."""
    folder = directory()
    prefix = _prefix(kind, municipality, area, categories)
    path = folder / f"{prefix}{printout_version(municipality, area)}.pdf"
    try:
        return path.read_bytes(), True
    except FileNotFoundError:
        pass
    data = build()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)  # atomic: a concurrent reader sees the whole file or none
    for old in folder.glob(f"{prefix}*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return data, False
