"""Authorisation expectations of the staff and area administration (merged into
authz_expectations). Only municipal administrators of the municipality and operators manage
it; an administrator of another municipality and every other role get 404. The membership
acted on is A's layer-2 coordinator's."""


def register(g):
    from types import SimpleNamespace

    X = SimpleNamespace(**g)
    E = X.E
    ADMINS = frozenset({"municipal_admin", "operator"})

    def membership(w):
        return {"membership_id": w["a"].users["coordinator_l2"].memberships.get().pk}

    def invitation(w):
        """A live invitation of A's layer-2 coordinator (made once, outside the per-call savepoints)."""
        import datetime as dt

        from django.utils import timezone

        from sasaeai.tenancy import services
        from sasaeai.tenancy.models import Invitation

        token = "authz-invitation-token"
        Invitation.objects.get_or_create(
            token_hash=services.token_hash(token),
            defaults={"membership": w["a"].users["coordinator_l2"].memberships.get(),
                      "expires_at": timezone.now() + dt.timedelta(days=1)})
        return {"token": token}

    def reason(w):
        return {"reason": "権限確認"}

    X.PAGES.update({
        "accounts:invitation": E(X.EVERYONE, X.OTHER_ALL, kwargs=invitation,
                                 note="the one-time link itself is the credential"),
        "tenancy:staff_home": E(ADMINS, frozenset({"municipal_admin"}),
                                note="redirects an administrator to their own municipality"),
        "tenancy:staff": E(ADMINS),
        "tenancy:staff_invite": E(ADMINS),
        "tenancy:areas_manage": E(ADMINS),
        "tenancy:audit": E(ADMINS),
        "tenancy:area_edit": E(ADMINS),
        "tenancy:membership": E(ADMINS, kwargs=membership),
        "tenancy:membership_deactivate": E(ADMINS, method="post", body=reason, kwargs=membership),
        "tenancy:membership_reactivate": E(ADMINS, method="post", body=lambda w: {}, kwargs=membership,
                                           note="an active membership: refused with a message (302)"),
        "tenancy:membership_reset_second_factor": E(ADMINS, method="post", body=reason, kwargs=membership),
        "tenancy:invitation_resend": E(ADMINS, method="post", body=lambda w: {}, kwargs=membership),
    })
    X.API.update({
        "tenancy_list_staff": E(ADMINS),
        "tenancy_invite_staff": E(ADMINS, method="post", body=lambda w: {
            "email": "authz-invitee@example.test", "display_name": "権限 新人", "role": "coordinator_l1"}),
        "tenancy_change_membership": E(ADMINS, method="put", kwargs=membership, body=lambda w: {
            "role": "coordinator_l2", "area_ids": [w["a"].area2.pk], "reason": "異動"}),
        "tenancy_deactivate_membership": E(ADMINS, method="post", body=reason, kwargs=membership),
        "tenancy_reactivate_membership": E(ADMINS, method="post", kwargs=membership,
                                           note="lenient: an active membership answers 400 membership_active"),
        "tenancy_reset_second_factor": E(ADMINS, method="post", body=reason, kwargs=membership),
        "tenancy_change_area": E(ADMINS, method="patch", body=lambda w: {"population_65_plus": 1234}),
        "tenancy_list_audit": E(ADMINS),
    })
