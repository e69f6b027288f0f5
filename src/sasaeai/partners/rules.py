"""Permissions of the partners app (rules predicates); pages, API and links use the same ones.

* `partners.manage` (object: municipality): layer-1 SC, municipal administrator, operator —
  review registrations, keep agreements, review proposals.
* `partners.write_challenge` (object: municipality): coordinators of either layer and the
  municipality's administrator.
* `partners.report_alert` / `partners.act_as_partner` (object: municipality or None): staff
  of a partner organisation (the existing partner role, listed as organisation staff).
* `partners.national_view`: the operator only.
* `partners.view`: the registry, agreements and proposals lists (municipal staff who write
  challenges, the operator, partner staff — who see only their own organisation's records).
* `partners.register_organisation`: staff of a directory organisation (partner role), who
  register it as a partner and apply to a scheme.
"""

import rules

from sasaeai.tenancy.selectors import in_tenant, is_operator

from . import selectors


@rules.predicate
def manages(user, municipality):
    return (municipality is not None and user.is_authenticated
            and in_tenant(user, municipality.pk, selectors.MANAGING_ROLES))


@rules.predicate
def writes_challenges(user, municipality):
    return (municipality is not None and user.is_authenticated
            and in_tenant(user, municipality.pk, selectors.CHALLENGE_ROLES))


@rules.predicate
def is_partner_staff(user, municipality=None):
    return user.is_authenticated and bool(selectors.own_partner_ids(user))


@rules.predicate
def sees_partner_pages(user):
    return user.is_authenticated and selectors.sees_partner_pages(user)


@rules.predicate
def is_organisation_staff(user):
    return user.is_authenticated and bool(selectors.organization_ids_of(user))


@rules.predicate
def is_platform_operator(user):
    return user.is_authenticated and is_operator(user)


rules.add_perm("partners.manage", manages)
rules.add_perm("partners.write_challenge", writes_challenges)
rules.add_perm("partners.report_alert", is_partner_staff)
rules.add_perm("partners.act_as_partner", is_partner_staff)
rules.add_perm("partners.national_view", is_platform_operator)
rules.add_perm("partners.view", sees_partner_pages)
rules.add_perm("partners.register_organisation", is_organisation_staff)
