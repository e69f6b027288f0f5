"""Object permissions (rules predicates). Objects carry `municipality_id`; area-scoped
objects also carry `area_id`. An operator passes every tenant check."""

import rules

from . import selectors
from .models import ADMIN_ROLES


@rules.predicate
def is_operator(user):
    return selectors.is_operator(user)


@rules.predicate
def is_member_of_tenant(user, obj):
    return obj is not None and selectors.in_tenant(user, obj.municipality_id)


@rules.predicate
def is_tenant_admin(user, obj):
    return obj is not None and selectors.in_tenant(user, obj.municipality_id, ADMIN_ROLES)


rules.add_perm("tenancy.view_municipality", is_member_of_tenant)
rules.add_perm("tenancy.change_municipality", is_tenant_admin)
rules.add_perm("tenancy.add_municipality", is_operator)
rules.add_perm("tenancy.view_area", is_member_of_tenant)
rules.add_perm("tenancy.change_area", is_tenant_admin)
rules.add_perm("tenancy.add_area", is_tenant_admin)
rules.add_perm("tenancy.add_membership", is_tenant_admin)
