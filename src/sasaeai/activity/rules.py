"""Permissions of the activity and handover pages (rules predicates). The same predicate
decides whether a page answers and whether its link is shown."""

import rules

from . import selectors


@rules.predicate
def logs_time(user):
    return selectors.may_log(user)


@rules.predicate
def reads_briefings(user):
    return selectors.may_read(user)


@rules.predicate
def covers_area(user, area):
    return area is not None and selectors.can_read_area(user, area)


#: The timesheet and logging time: coordinators (layer 1 and 2).
rules.add_perm("activity.log_time", logs_time)
#: The list of areas with a handover briefing: coordinators, municipal administrators, operators.
rules.add_perm("activity.view_briefings", reads_briefings)
#: One area's briefing, its activity and its handover notes (read and write).
rules.add_perm("activity.view_area", covers_area)
rules.add_perm("activity.write_notes", covers_area)
