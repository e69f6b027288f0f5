"""Permissions of the training app: the same predicates guard pages and the links to them."""

import rules

from . import selectors


@rules.predicate
def reads_courses(user):
    return selectors.can_read_courses(user)


@rules.predicate
def creates_courses(user):
    return selectors.can_create(user)


@rules.predicate
def manages_course(user, course):
    return course is not None and selectors.can_manage_course(user, course)


@rules.predicate
def records_session(user, session):
    return session is not None and selectors.can_record(user, session)


rules.add_perm("training.view_courses", reads_courses)
rules.add_perm("training.add_course", creates_courses)
rules.add_perm("training.manage_course", manages_course)
rules.add_perm("training.record_completion", records_session)
