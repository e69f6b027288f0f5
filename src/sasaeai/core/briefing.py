"""The area briefing (引き継ぎ資料) is built from per-app plug-ins: `<app>/briefing.py` with

    def sections(request, area) -> list[dict]

Each dict: {"key", "title", "order", "columns", "rows", "empty", "more_url"}; a cell is a str
or a (text, url) tuple. `request.user` is the viewer: an app returns only rows the viewer may
see (through its selectors), at most `MAX_ROWS` per section."""

from __future__ import annotations

import logging

from .plugins import project_modules

logger = logging.getLogger("sasaeai.briefing")
MAX_ROWS = 20


def _cell(value) -> dict:
    if isinstance(value, tuple | list) and len(value) == 2:
        return {"text": str(value[0]), "url": value[1] or None}
    return {"text": "" if value is None else str(value), "url": None}


def sections_for(request, area) -> list[dict]:
    """Every app's sections for `area`, in order, cells normalised to {"text", "url"}."""
    out = []
    for label, module in project_modules("briefing"):
        provider = getattr(module, "sections", None)
        if provider is None:
            continue
        for section in provider(request, area) or []:
            rows = [[_cell(c) for c in row] for row in list(section.get("rows") or [])[:MAX_ROWS]]
            out.append({
                "key": f"{label}-{section['key']}", "title": str(section["title"]),
                "order": int(section.get("order", 100)),
                "columns": [str(c) for c in section.get("columns") or []], "rows": rows,
                "empty": str(section.get("empty") or ""), "more_url": section.get("more_url"),
            })
    return sorted(out, key=lambda s: (s["order"], s["key"]))


def area_q(area, prefix: str = ""):
    """Records of the briefing's area: a layer-2 area's own, or the whole municipality's for
    its layer-1 area."""
    from django.db.models import Q

    if area.layer == 1:
        return Q(**{f"{prefix}municipality_id": area.municipality_id})
    return Q(**{f"{prefix}area_id": area.pk})
