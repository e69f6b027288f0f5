"""Permissions of the safety pages (rules predicates). One predicate decides both whether a
page answers and whether a link to it is shown (`{% if perms.safety.… %}`, `user.has_perm`),
so no role is shown a link that would refuse it."""

import rules

from . import selectors


@rules.predicate
def is_coordinator(user):
    return selectors.is_coordinator(user)


@rules.predicate
def is_care_staff(user):
    return selectors.is_care_staff(user)


#: 安全管理 overview (open alerts, incidents, visit alerts).
rules.add_perm("safety.view_overview", is_care_staff)
#: 復旧コードを発行する: coordinators (and the operator) help a resident back into their account.
rules.add_perm("safety.issue_recovery_code", is_coordinator)
#: 担い手審査の記録: the vetting decisions of the helpers a coordinator reviews.
rules.add_perm("safety.view_vetting_record", is_coordinator)
