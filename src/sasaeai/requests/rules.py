"""Permissions of request pages (rules predicates) whose object is a help request. One
predicate decides both whether a page answers and whether the link to it is shown
(`{% has_perm … user req as … %}`), so no role is shown a link that would refuse it."""

import rules

from sasaeai.tenancy.models import STAFF_ROLES
from sasaeai.tenancy.selectors import municipality_ids

from . import selectors


def _member_as(user, roles) -> bool:
    ids = municipality_ids(user, roles)
    return ids is None or bool(ids)


@rules.predicate
def is_coordinating(user):
    return user.is_authenticated and _member_as(user, selectors.COORDINATING_ROLES)


@rules.predicate
def is_staff(user):
    return user.is_authenticated and _member_as(user, STAFF_ROLES)


@rules.predicate
def is_facility_staff(user):
    return user.is_authenticated and selectors.facility_branches(user).exists()


@rules.predicate
def is_recipient_side(user, req):
    return req is not None and selectors.is_recipient_side(user, req)


@rules.predicate
def is_staff_for(user, req):
    return req is not None and selectors.is_staff_for(user, req)


@rules.predicate
def has_booked_helper(user, req):
    return req is not None and selectors.live_booking(req) is not None


#: The booked helper's profile (name, skills, verified qualifications, rating, languages — no
#: contact data): the resident, their family and the staff of the area, once a helper is booked.
rules.add_perm("requests.view_booked_helper", (is_recipient_side | is_staff_for) & has_booked_helper)
#: The open-requests board and batch matching: coordinators (their areas), administrators, the operator.
rules.add_perm("requests.coordinate", is_coordinating)
#: 電話受付: staff enter a request for a resident they cover.
rules.add_perm("requests.phone_intake", is_staff)
#: 施設スポット支援: staff of a care facility (a care-provider partner's organisation members
#: holding the partner role) post spot shifts and see their own postings.
rules.add_perm("requests.post_spot_shift", is_facility_staff)
