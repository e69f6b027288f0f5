"""Permissions of the worklife pages (rules predicates). One predicate decides whether a page
answers and whether its link is shown."""

import rules

from . import selectors


@rules.predicate
def works_consultations(user):
    return selectors.is_care_manager(user)


@rules.predicate
def is_employer_contact(user):
    return selectors.is_employer_contact(user)


@rules.predicate
def receives_handovers(user):
    return selectors.may_receive_handovers(user)


#: 両立相談の記録: a verified work-support care manager.
rules.add_perm("worklife.work", works_consultations)
#: 事業主のチェックリストと件数: the employer's HR contact (or the contracted care manager).
rules.add_perm("worklife.employer", is_employer_contact | works_consultations)
#: 引き継ぎの受け取り: the 地域包括支援センター of the family member's area.
rules.add_perm("worklife.handovers", receives_handovers)
