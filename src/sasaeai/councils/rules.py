"""Permissions of the councils pages (rules predicates). The object is a council, or a record
that has one (`.council`). One predicate decides both whether a page answers and whether its
link is shown."""

import rules

from . import selectors


def _council(obj):
    return getattr(obj, "council", obj)


@rules.predicate
def reads_council(user, obj):
    return obj is not None and selectors.can_read(user, _council(obj))


@rules.predicate
def manages_council(user, obj):
    return obj is not None and selectors.can_manage(user, _council(obj))


@rules.predicate
def holds_seat(user, obj):
    return obj is not None and selectors.holds_seat(user, _council(obj))


@rules.predicate
def reads_any_council(user):
    return selectors.readable_councils(user).exists()


#: The council's pages: members, meetings with internal minutes, issue register, proposals.
rules.add_perm("councils.view_council", reads_council)
#: Members, meetings, attendance, minutes, actions, resolutions, proposals.
rules.add_perm("councils.manage_council", manages_council)
#: Raise a local issue: the council's managers and its members with an account.
rules.add_perm("councils.raise_issue", manages_council | holds_seat)
#: The councils list in the navigation.
rules.add_perm("councils.list_councils", reads_any_council)
