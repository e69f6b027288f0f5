"""Permissions of the needs register (rules predicates). Page and link use the same one.

* `needs.view_register` / `needs.add_need` (object: the municipality): coordinators (layer 1
  and 2), the 地域包括支援センター and municipal staff of that municipality; what they see is
  scoped to their areas by `selectors.needs_for`.
* `needs.change_need` (object: a need): coordinators and municipal staff covering its area.
* `needs.import_needs` (object: the municipality): coordinators and municipal staff.
"""

import rules

from sasaeai.tenancy.selectors import covers_area, in_tenant

from .selectors import COORDINATING_ROLES, REGISTER_ROLES


@rules.predicate
def keeps_register(user, municipality):
    return municipality is not None and user.is_authenticated and in_tenant(user, municipality.pk, REGISTER_ROLES)


@rules.predicate
def coordinates_in(user, municipality):
    return municipality is not None and user.is_authenticated and in_tenant(user, municipality.pk, COORDINATING_ROLES)


@rules.predicate
def coordinates_need(user, need):
    return need is not None and user.is_authenticated and covers_area(
        user, need.municipality_id, need.area_id, COORDINATING_ROLES)


rules.add_perm("needs.view_register", keeps_register)
rules.add_perm("needs.add_need", keeps_register)
rules.add_perm("needs.import_needs", coordinates_in)
rules.add_perm("needs.change_need", coordinates_need)
