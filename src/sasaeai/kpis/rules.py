"""Permissions of the KPI pages (links are shown with the same predicates)."""

import rules

from sasaeai.tenancy.selectors import municipality_ids

from . import selectors
from .services import SC_ROLES


@rules.predicate
def views_indicators(user):
    ids = municipality_ids(user, selectors.KPI_VIEWER_ROLES)
    return ids is None or bool(ids)


@rules.predicate
def sets_targets(user, municipality):
    return municipality is not None and selectors.can_set_targets(user, municipality)


@rules.predicate
def answers_sc_survey(user):
    ids = municipality_ids(user, SC_ROLES)
    return ids is not None and bool(ids)


rules.add_perm("kpis.view_indicators", views_indicators)
rules.add_perm("kpis.change_kpitarget", sets_targets)
rules.add_perm("kpis.answer_sc_survey", answers_sc_survey)
