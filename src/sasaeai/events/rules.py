"""Permissions of the events app: the same predicates guard pages and the links to them."""

import rules

from . import selectors


@rules.predicate
def can_organise(user):
    return selectors.can_create(user)


@rules.predicate
def manages_event(user, event):
    return event is not None and selectors.can_manage(user, event)


rules.add_perm("events.add_event", can_organise)
rules.add_perm("events.manage_event", manages_event)
rules.add_perm("events.follow_up", can_organise)
