"""Permissions of the work-like activities app (rules predicates); pages, API and links use them.

* `workactivity.manage` (object: a municipality or a task): work coordinators, layer-1 SCs,
  municipal administrators, the operator — rank candidates, confirm and withdraw placements.
* `workactivity.post_task`: partner staff, or work staff (for a partner of their municipality).
* `workactivity.keep_interest`: residents and helpers (an older person who wants to work).
"""

import rules

from . import selectors


@rules.predicate
def manages(user, obj=None):
    if obj is None:
        return selectors.manages_any(user)
    return selectors.manages(user, getattr(obj, "municipality_id", None))


@rules.predicate
def posts_tasks(user):
    return bool(selectors.partner_ids(user)) or selectors.manages_any(user)


@rules.predicate
def keeps_interest(user):
    return bool(selectors.interest_municipality_ids(user)) or selectors.interest_of(user) is not None


rules.add_perm("workactivity.manage", manages)
rules.add_perm("workactivity.post_task", posts_tasks)
rules.add_perm("workactivity.keep_interest", keeps_interest)
