"""Permissions of the directory pages (rules predicates) whose object is the municipality
whose directory is shown. One predicate decides both whether a page answers and whether a
link to it is shown (`{% has_perm … user municipality as … %}`), so no role is shown a link
that would refuse it."""

import rules

from sasaeai.tenancy.selectors import in_tenant

from . import selectors


@rules.predicate
def is_member(user, municipality):
    return municipality is not None and user.is_authenticated and in_tenant(user, municipality.pk)


@rules.predicate
def coordinates_in(user, municipality):
    return municipality is not None and selectors.coordinator_areas(user).filter(municipality=municipality).exists()


@rules.predicate
def is_provider_staff(user, municipality):
    """Staff of a provider organisation of this municipality (another town's partners are not)."""
    return municipality is not None and bool(selectors.organization_ids(user, municipality.pk))


#: Suggest a correction or a new place (checked by a coordinator before it appears).
rules.add_perm("directory.suggest_change", is_member)
#: Add a resource: a coordinator of an area of the municipality, or a provider's staff.
rules.add_perm("directory.add_service", coordinates_in | is_provider_staff)
#: Upload / download the municipality's directory (CSV, HSDS).
rules.add_perm("directory.exchange", coordinates_in)
