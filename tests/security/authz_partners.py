"""Authorisation expectations of the partners app (pages and API).

World objects of each tenant: a partner profile ("partner_profile", a shop) on an
organisation whose staff is the subject "partner_staff" (the plain "partner" subject holds the
same role but is no organisation's staff: partner-only operations are refused to it),
registered in a scheme, a challenge and a submitted proposal; a second scheme with an
application waiting for review ("partner_registration_applied"), the registered registration
("partner_registration"), an agreement with one collaboration item ("partner_agreement",
"partner_agreement_item"; no signed document, so its download answers 404 to everyone —
proven in tests/partners) and an accepted pilot ("partner_pilot"). Besides, a care facility
("facility", the branch of an unregistered care-provider partner, on the map) whose staff is
the subject "facility_staff", with one posted spot shift ("facility_shift", used by
authz_requests.py)."""


def objects(t) -> None:
    from sasaeai.directory.models import Organization
    from sasaeai.partners import services
    from sasaeai.partners.models import PartnerKind, RegistrationScheme

    m, o = t.municipality, t.objects
    org = Organization.objects.create(municipality=m, name="権限スーパー")
    org.members.add(t.users["partner_staff"])
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
    _facility(t)


def _facility(t) -> None:
    """A care facility (特養) with its place on the map, its staff member and one spot shift."""
    import datetime as dt

    from django.utils import timezone

    from sasaeai.directory.models import Location, Organization
    from sasaeai.partners.models import PartnerBranch, PartnerKind, PartnerProfile
    from sasaeai.requests import services as requests

    m, o = t.municipality, t.objects
    org = Organization.objects.create(municipality=m, name="権限さくら苑")
    org.members.add(t.users["facility_staff"])
    partner = PartnerProfile.objects.create(organization=org, municipality=m, kind=PartnerKind.CARE_PROVIDER)
    location = Location.objects.create(municipality=m, organization=org, name="権限さくら苑",
                                       address=f"{m.name}本町2-1", lat=35.41, lon=139.41)
    o["facility"] = PartnerBranch.objects.create(partner=partner, name="権限さくら苑 本館",
                                                 address=f"{m.name}本町2-1", location=location)
    starts = timezone.localtime(timezone.now()).replace(hour=13, minute=30, second=0, microsecond=0)
    o["facility_shift"] = requests.create_facility_request(
        user=t.users["facility_staff"], facility=o["facility"], area=t.area, starts_at=starts + dt.timedelta(days=3),
        duration_minutes=120, slots=2, title="配膳・見守り")


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE_LOGGED_IN, OTHER_ALL, ORG_STAFF = ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"], ns["ORG_STAFF"]
    f = frozenset
    reviewers = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area", "municipal_admin", "operator"})
    managers = f({"coordinator_l1", "municipal_admin", "operator"})
    #: The staff of A's shop partner (registered, a party to the agreement, the proposals' author).
    shop = f({"partner_staff"})

    def pk(name):
        return lambda w: {"pk": _a(w, name)}

    def proposal(w):
        return {"proposal_id": _a(w, "partner_proposal")}

    ns["PAGES"].update({
        "partners:alert_new": E(ORG_STAFF, ORG_STAFF, note="partner organisation staff only"),
        "partners:alerts": E(ORG_STAFF, ORG_STAFF, note="the receipts of one's own organisation"),
        "partners:challenges": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the viewer"),
        "partners:proposals": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the viewer"),
        "partners:registry": E(reviewers | ORG_STAFF, reviewers - {"operator"} | ORG_STAFF,
                               note="scoped: the municipality's partners, or one's own organisation's"),
        "partners:register": E(ORG_STAFF, ORG_STAFF, note="organisation staff only"),
        "partners:partner": E(reviewers | shop, kwargs=pk("partner_profile")),
        "partners:registration_review": E(managers, method="post", kwargs=pk("partner_registration_applied"),
                                          body=lambda w: {"decision": "decline", "reason": "書類不足"}),
        "partners:registration_renew": E(managers, method="post", kwargs=pk("partner_registration"),
                                         body=lambda w: {}),
        "partners:agreements": E(reviewers | ORG_STAFF, reviewers - {"operator"} | ORG_STAFF,
                                 note="scoped to the viewer"),
        "partners:agreement_new": E(managers, managers - {"operator"}, note="the manager's own municipality"),
        "partners:agreement": E(reviewers | shop, kwargs=pk("partner_agreement"), note="and the parties' staff"),
        "partners:agreement_document": E(f(), kwargs=pk("partner_agreement"),
                                         note="no document in the world (404); proven in tests/partners"),
        "partners:agreement_upload": E(managers, method="post", kwargs=pk("partner_agreement"),
                                       body=lambda w: {}, note="no file: refused with a message"),
        "partners:agreement_renew": E(managers, method="post", kwargs=pk("partner_agreement"),
                                      body=lambda w: {"ends_on": "2030-03-31"}),
        "partners:item_report": E(managers | shop, method="post", kwargs=pk("partner_agreement_item"),
                                  body=lambda w: {"partner": _a(w, "partner_profile"), "fiscal_year": 2026,
                                                  "text": "見守り3件"},
                                  note="the parties' staff or the municipality"),
        "partners:challenge_new": E(reviewers, reviewers - {"operator"}),
        "partners:challenge": E(reviewers | shop, kwargs=pk("partner_challenge"),
                                note="and registered partners' staff (the facility is not registered)"),
        "partners:propose": E(shop, kwargs=pk("partner_challenge"), note="registered partner staff only"),
        "partners:challenge_close": E(reviewers, method="post", kwargs=pk("partner_challenge"), body=lambda w: {}),
        "partners:proposal": E(reviewers | shop, kwargs=pk("partner_proposal")),
        "partners:proposal_review": E(reviewers, method="post", kwargs=pk("partner_proposal"),
                                      body=lambda w: {"decision": "changes", "reason": "曜日を明記"}),
        "partners:proposal_progress": E(reviewers | shop, method="post", kwargs=pk("partner_pilot"),
                                        body=lambda w: {"progress": 40, "note": "試行中"}),
        "partners:proposal_live": E(reviewers, method="post", kwargs=pk("partner_pilot"),
                                    body=lambda w: {"area": w["a"].area.pk}),
        "partners:proposal_revise": E(shop, method="post", kwargs=pk("partner_proposal"),
                                      body=lambda w: {"description": "改訂", "area_text": "北"},
                                      note="the partner's own staff only"),
    })

    ns["API"].update({
        "partners_report_alert": E(shop, body=lambda w: {
            "partner_id": _a(w, "partner_profile"), "signs": ["laundry"], "place": "北町", "area_id": w["a"].area.pk},
            note="only the partner's own staff (the facility's staff get 404)"),
        "partners_alert_receipts": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the caller's organisation"),
        "partners_list_challenges": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped"),
        "partners_submit_proposal": E(shop, body=lambda w: {
            "partner_id": _a(w, "partner_profile"), "description": "提案", "area_text": "北"},
            kwargs=lambda w: {"challenge_id": _a(w, "partner_challenge")}),
        "partners_list_proposals": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped"),
        "partners_get_proposal": E(reviewers | shop, kwargs=proposal),
        "partners_review_proposal": E(reviewers, body=lambda w: {"decision": "changes", "reason": "曜日を明記"},
                                      kwargs=proposal),
        "partners_list_agreements": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped"),
        "partners_national_needs": E(f({"operator"})),
    })
