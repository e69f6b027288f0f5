from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Area


@login_required
def municipality_detail(request, municipality_id: int):
    """市町村: the municipality and its daily-life areas (members of the tenant only)."""
    municipality = get_object_or_404(selectors.municipalities_for(request.user), pk=municipality_id)
    areas = (
        Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)
        .annotate(resident_count=Count("residents"))
        .order_by("name")
    )
    return render(request, "tenancy/municipality.html", {"municipality": municipality, "areas": areas})


@login_required
def area_detail(request, area_id: int):
    """圏域: one area with its coordinators and centres."""
    area = get_object_or_404(selectors.areas_for(request.user), pk=area_id)
    staff = (
        area.memberships.select_related("user").filter(role__in=["coordinator_l2", "support_center"])
        .order_by("role", "user__display_name")
    )
    return render(request, "tenancy/area.html", {"area": area, "staff": staff})
