"""Authorisation expectations of the partners app (API).

World objects of each tenant: a partner profile ("partner_profile") on an organisation whose
staff list is empty (the world's partner-role user is no organisation's staff, so the
directory's provider-staff expectations stay as they are: partner-only operations are denied
to every world subject; own-organisation rules are proven in tests/partners), registered in a
scheme, a challenge and a submitted proposal; a second scheme with an application waiting for
review ("partner_registration_applied"), the registered registration ("partner_registration"),
an agreement with one collaboration item ("partner_agreement", "partner_agreement_item"; no
signed document, so its download answers 404 to everyone — proven in tests/partners) and an
accepted pilot ("partner_pilot")."""


def objects(t) -> None:
    from sasaeai.directory.models import Organization
    from sasaeai.partners import services
    from sasaeai.partners.models import PartnerKind, RegistrationScheme

    m, o = t.municipality, t.objects
    org = Organization.objects.create(municipality=m, name="権限スーパー")
    profile = services.partner_create(by=None, organization=org, kind=PartnerKind.SHOP,
                                      branches=[{"name": "本店", "address": f"{m.name}本町1-1"}])
    scheme = RegistrationScheme.objects.create(municipality=m, name="サポート企業", years=2)
    registration = services.registration_apply(by=None, scheme=scheme, partner=profile)
    services.registration_review(by=None, registration=registration, approve=True)
    o["partner_profile"] = profile
    o["partner_registration"] = registration
    other_scheme = RegistrationScheme.objects.create(municipality=m, name="見守り協力事業者", years=3)
    o["partner_registration_applied"] = services.registration_apply(by=None, scheme=other_scheme, partner=profile)
    import datetime as dt

    agreement = services.agreement_create(
        by=None, municipality=m, type="watch_over", title="見守り協定", parties=[profile],
        signed_on=dt.date(2026, 4, 10), starts_on=dt.date(2026, 4, 10), ends_on=dt.date(2028, 3, 31),
        auto_renew=False, contact_person=t.users["coordinator_l1"], items=["見守り"])
    o["partner_agreement"], o["partner_agreement_item"] = agreement, agreement.items.get()
    o["partner_challenge"] = services.challenge_create(
        by=None, municipality=m, category="shopping", area=t.area, title="買い物支援", business_terms="週1回")
    o["partner_proposal"] = services.proposal_submit(by=None, challenge=o["partner_challenge"], partner=profile,
                                                     description="移動販売", area_text="北地区")
    pilot = services.proposal_submit(by=None, challenge=o["partner_challenge"], partner=profile,
                                     description="配達", area_text="北地区")
    o["partner_pilot"] = services.proposal_review(by=None, proposal=pilot, decision="accept")


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    f = frozenset
    reviewers = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area", "municipal_admin", "operator"})
    managers = f({"coordinator_l1", "municipal_admin", "operator"})
    nobody = f()

    def pk(name):
        return lambda w: {"pk": _a(w, name)}

    def proposal(w):
        return {"proposal_id": _a(w, "partner_proposal")}

    ns["PAGES"].update({
        "partners:alert_new": E(nobody, note="partner organisation staff only (none in the world)"),
        "partners:alerts": E(nobody),
        "partners:challenges": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the viewer"),
        "partners:proposals": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the viewer"),
        "partners:registry": E(reviewers, reviewers - {"operator"}, note="list scoped to the municipality"),
        "partners:register": E(nobody, note="organisation staff only (none in the world)"),
        "partners:partner": E(reviewers, kwargs=pk("partner_profile")),
        "partners:registration_review": E(managers, method="post", kwargs=pk("partner_registration_applied"),
                                          body=lambda w: {"decision": "decline", "reason": "書類不足"}),
        "partners:registration_renew": E(managers, method="post", kwargs=pk("partner_registration"),
                                         body=lambda w: {}),
        "partners:agreements": E(reviewers, reviewers - {"operator"}, note="scoped to the viewer"),
        "partners:agreement_new": E(managers, managers - {"operator"}, note="the manager's own municipality"),
        "partners:agreement": E(reviewers, kwargs=pk("partner_agreement")),
        "partners:agreement_document": E(nobody, kwargs=pk("partner_agreement"),
                                         note="no document in the world (404); proven in tests/partners"),
        "partners:agreement_upload": E(managers, method="post", kwargs=pk("partner_agreement"),
                                       body=lambda w: {}, note="no file: refused with a message"),
        "partners:agreement_renew": E(managers, method="post", kwargs=pk("partner_agreement"),
                                      body=lambda w: {"ends_on": "2030-03-31"}),
        "partners:item_report": E(managers, method="post", kwargs=pk("partner_agreement_item"),
                                  body=lambda w: {"partner": _a(w, "partner_profile"), "fiscal_year": 2026,
                                                  "text": "見守り3件"},
                                  note="the parties' staff (none in the world) or the municipality"),
        "partners:challenge_new": E(reviewers, reviewers - {"operator"}),
        "partners:challenge": E(reviewers, kwargs=pk("partner_challenge")),
        "partners:propose": E(nobody, kwargs=pk("partner_challenge"), note="registered partner staff only"),
        "partners:challenge_close": E(reviewers, method="post", kwargs=pk("partner_challenge"), body=lambda w: {}),
        "partners:proposal": E(reviewers, kwargs=pk("partner_proposal")),
        "partners:proposal_review": E(reviewers, method="post", kwargs=pk("partner_proposal"),
                                      body=lambda w: {"decision": "changes", "reason": "曜日を明記"}),
        "partners:proposal_progress": E(reviewers, method="post", kwargs=pk("partner_pilot"),
                                        body=lambda w: {"progress": 40, "note": "試行中"}),
        "partners:proposal_live": E(reviewers, method="post", kwargs=pk("partner_pilot"),
                                    body=lambda w: {"area": w["a"].area.pk}),
        "partners:proposal_revise": E(nobody, method="post", kwargs=pk("partner_proposal"),
                                      body=lambda w: {"description": "改訂", "area_text": "北"},
                                      note="the partner's own staff only"),
    })

    ns["API"].update({
        "partners_report_alert": E(nobody, body=lambda w: {
            "partner_id": _a(w, "partner_profile"), "signs": ["laundry"], "place": "北町", "area_id": w["a"].area.pk},
            note="only the partner's own staff (none in the world)"),
        "partners_alert_receipts": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the caller's organisation"),
        "partners_list_challenges": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped"),
        "partners_submit_proposal": E(nobody, body=lambda w: {
            "partner_id": _a(w, "partner_profile"), "description": "提案", "area_text": "北"},
            kwargs=lambda w: {"challenge_id": _a(w, "partner_challenge")}),
        "partners_list_proposals": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped"),
        "partners_get_proposal": E(reviewers, kwargs=proposal),
        "partners_review_proposal": E(reviewers, body=lambda w: {"decision": "changes", "reason": "曜日を明記"},
                                      kwargs=proposal),
        "partners_list_agreements": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped"),
        "partners_national_needs": E(f({"operator"})),
    })
