"""Permissions of the cases pages (rules predicates). One predicate decides both whether a
page answers and whether the link to it is shown, so no role is shown a link that refuses it."""

import rules

from . import selectors


@rules.predicate
def works_cases(user):
    return selectors.may_work_cases(user)


@rules.predicate
def refers(user):
    return selectors.may_refer(user)


#: 個別支援の一覧・記録: coordinators of the area, the layer-1 SC, the municipal administrator.
rules.add_perm("cases.work", works_cases)
#: 紹介する: the 地域包括支援センター and coordinating staff refer a resident they cover.
rules.add_perm("cases.refer", refers)
