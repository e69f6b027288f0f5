"""Permissions of the exchange pages (rules predicates); the object is a space, or a post or
SC Café session (which have `.space`). One predicate decides the page and its link."""

import rules

from . import selectors


def _space(obj):
    return getattr(obj, "space", obj)


@rules.predicate
def reads_exchange(user):
    return selectors.readable_spaces(user).exists()


@rules.predicate
def reads_space(user, obj):
    return obj is not None and selectors.can_read(user, _space(obj))


@rules.predicate
def member_of_space(user, obj):
    return obj is not None and selectors.is_member(user, _space(obj))


@rules.predicate
def moderates(user):
    return selectors.is_moderator(user)


rules.add_perm("exchange.view_exchange", reads_exchange)
rules.add_perm("exchange.view_space", reads_space)
rules.add_perm("exchange.post", member_of_space)
rules.add_perm("exchange.moderate", moderates)
