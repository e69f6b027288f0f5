"""Permissions of the points pages (rules predicates). The same predicate decides whether a
page answers and whether its link is shown (nav.py, templates)."""

import rules

from sasaeai.tenancy.selectors import municipality_ids

from . import selectors


def _member_as(user, roles) -> bool:
    ids = municipality_ids(user, roles)
    return ids is None or bool(ids)


@rules.predicate
def is_coordinating(user):
    return user.is_authenticated and _member_as(user, selectors.COORDINATING_ROLES)


@rules.predicate
def is_managing(user):
    return user.is_authenticated and _member_as(user, selectors.MANAGING_ROLES)


@rules.predicate
def has_account(user):
    return user.is_authenticated and selectors.own_accounts(user).exists()


#: 確認・事務局記録: confirm pending credits in bulk, record office-mode exchanges and events.
rules.add_perm("points.coordinate", is_coordinating)
#: 制度の管理: rules, redemptions, liabilities, reports, finance export, statements of members.
rules.add_perm("points.manage", is_managing)
