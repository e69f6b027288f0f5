"""`{% registered_badge organization %}`: the badge of a partner with a registration in force
(shown in the directory and the booklet)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sasaeai.partners.models import Registration, RegistrationStatus

register = template.Library()


@register.simple_tag
def registered_badge(organization):
    if organization is None:
        return ""
    scheme = (Registration.objects.filter(partner__organization=organization, status=RegistrationStatus.REGISTERED)
              .values_list("scheme__name", flat=True).first())
    if not scheme:
        return ""
    return format_html('<span class="badge partner-badge" title="{}">{}</span>',
                       _("Registered partner: %(scheme)s") % {"scheme": scheme}, scheme)


def _registered_schemes(municipality_id: int) -> dict[int, str]:
    """{organisation id: scheme name} of the municipality's registrations in force (one query)."""
    return dict(Registration.objects.filter(scheme__municipality_id=municipality_id,
                                            status=RegistrationStatus.REGISTERED)
                .order_by("-pk").values_list("partner__organization_id", "scheme__name"))


def _badged_services() -> dict[int, str]:
    """{resource id: scheme name} of the resources run by an organisation registered (in force)
    with the resource's own municipality — one query, the rows of registered partners only."""
    from django.db.models import F

    from sasaeai.directory.models import Service

    rows = (Service.objects.filter(organization__partner_profile__registrations__status=RegistrationStatus.REGISTERED,
                                   organization__partner_profile__registrations__scheme__municipality_id=F(
                                       "municipality_id"))
            .values_list("pk", "organization__partner_profile__registrations__scheme__name"))
    return dict(rows)


@register.simple_tag(takes_context=True)
def partner_badge(context, service):
    """The badge in a list of resources (a `Service` or the search's narrow `SearchResult`):
    one query per request, not one per row."""
    if service is None:
        return ""
    request = context.get("request")
    badged = getattr(request, "_partner_badges", None)
    if badged is None:
        badged = _badged_services()
        if request is not None:
            request._partner_badges = badged
    scheme = badged.get(service.pk)
    if not scheme:
        return ""
    return format_html('<span class="badge partner-badge" title="{}">{}</span>',
                       _("Registered partner: %(scheme)s") % {"scheme": scheme}, scheme)
