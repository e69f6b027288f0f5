"""Rules of the partners app: registration, agreements, alerts, challenges and proposals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sasaeai.core.suppression import k_public
from sasaeai.needs.models import Need, NeedStatus
from sasaeai.needs.selectors import needs_for
from sasaeai.needs.services import need_change_status, need_create
from sasaeai.partners import kpis, selectors, services
from sasaeai.partners.models import (
    Agreement,
    AgreementType,
    Challenge,
    Proposal,
    ProposalStatus,
    Registration,
    RegistrationStatus,
    WatchAlert,
)

from .conftest import register

pytestmark = pytest.mark.django_db


def codes(exc):
    return {e.code for errors in exc.value.error_dict.values() for e in errors}


# --- registration ---------------------------------------------------------------------------

def test_registration_apply_review_and_expiry(town):
    reg = services.registration_apply(by=town["clerk"], scheme=town["scheme"], partner=town["shop"])
    assert reg.status == RegistrationStatus.APPLIED
    with pytest.raises(PermissionDenied):
        services.registration_review(by=town["clerk"], registration=reg, approve=True)
    today = dt.date(2026, 4, 1)
    reg = services.registration_review(by=town["l1"], registration=reg, approve=True, today=today)
    assert reg.status == RegistrationStatus.REGISTERED and reg.expires_on == dt.date(2028, 3, 31)
    assert town["shop"].organization_id in selectors.registered_organization_ids(town["m"].pk)
    # 60 days before expiry: one reminder, once.
    out = services.run_reminders(today=dt.date(2028, 2, 1))
    assert out["registration_reminders"] == 1
    assert services.run_reminders(today=dt.date(2028, 2, 2))["registration_reminders"] == 0
    assert services.run_reminders(today=dt.date(2028, 4, 1))["expired"] == 1
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.EXPIRED
    reg = services.registration_renew(by=town["l1"], registration=reg)
    assert reg.status == RegistrationStatus.REGISTERED and reg.renewals == 1


def test_decline_needs_a_reason(town):
    reg = services.registration_apply(by=town["clerk"], scheme=town["scheme"], partner=town["shop"])
    with pytest.raises(ValidationError) as exc:
        services.registration_review(by=town["l1"], registration=reg, approve=False, reason="")
    assert "required" in codes(exc)
    reg = services.registration_review(by=town["l1"], registration=reg, approve=False, reason="書類不足")
    assert reg.status == RegistrationStatus.DECLINED


def test_registration_refused_without_an_office_in_the_town(town):
    with pytest.raises(ValidationError) as exc:
        services.registration_apply(by=town["far_staff"], scheme=town["scheme"], partner=town["far"])
    assert codes(exc) == {"no_local_office"}
    assert not Registration.objects.filter(partner=town["far"]).exists()
    town["scheme"].requires_local_office = False
    town["scheme"].save()
    assert services.registration_apply(by=town["far_staff"], scheme=town["scheme"], partner=town["far"]).pk


def test_partner_staff_cannot_apply_for_another_partner(town):
    with pytest.raises(PermissionDenied):
        services.registration_apply(by=town["clerk"], scheme=town["scheme"], partner=town["bank"])


# --- agreements and KPI -----------------------------------------------------------------------

def _agreement(town, **kw):
    values = dict(by=town["admin"], municipality=town["m"], type=AgreementType.WATCH_OVER, title="見守り協定",
                  parties=[town["shop"]], signed_on=dt.date(2026, 5, 1), starts_on=dt.date(2026, 5, 1),
                  ends_on=dt.date(2027, 4, 30), auto_renew=False, contact_person=town["l1"],
                  items=["異変の連絡", "認知症サポーター養成"])
    values.update(kw)
    return services.agreement_create(**values)


def test_agreement_numbered_items_and_bad_dates(town):
    a = _agreement(town)
    assert [(i.number, i.text) for i in a.items.all()] == [(1, "異変の連絡"), (2, "認知症サポーター養成")]
    with pytest.raises(ValidationError) as exc:
        _agreement(town, ends_on=dt.date(2026, 4, 1))
    assert "ends_before_start" in codes(exc)
    assert Agreement.objects.count() == 1


def test_agreement_contact_must_be_municipal_staff(town):
    with pytest.raises(ValidationError) as exc:
        _agreement(town, contact_person=town["clerk"])
    assert "invalid_contact" in codes(exc)


def test_item_report_only_by_a_party(town):
    a = _agreement(town)
    item = a.items.first()
    services.item_report(by=town["clerk"], item=item, partner=town["shop"], fiscal_year=2026, text="月2回の声かけ")
    with pytest.raises(PermissionDenied):
        services.item_report(by=town["banker"], item=item, partner=town["bank"], fiscal_year=2026, text="x")


def test_auto_renewal_and_expiry_reminder(town):
    a = _agreement(town, auto_renew=True)
    b = _agreement(town, title="個別協定", type=AgreementType.INDIVIDUAL)
    out = services.run_reminders(today=dt.date(2027, 3, 15))
    assert out["agreement_reminders"] == 1
    out = services.run_reminders(today=dt.date(2027, 5, 2))
    a.refresh_from_db()
    assert out["agreements_renewed"] == 1 and a.ends_on > dt.date(2027, 5, 2)
    b.refresh_from_db()
    assert b.ends_on == dt.date(2027, 4, 30)


def test_agreements_kpi_counts_company_agreements_by_signing_date(town):
    (indicator,) = kpis.indicators()
    assert indicator["key"] == "partner_agreements" and indicator["available"]
    _agreement(town, signed_on=dt.date(2026, 4, 10))                       # shop: counts
    _agreement(town, signed_on=dt.date(2026, 6, 1), parties=[town["bank"], town["shop"]])  # counts once
    _agreement(town, signed_on=dt.date(2027, 4, 1), starts_on=dt.date(2027, 4, 1),
               ends_on=None)                                               # next fiscal year
    from sasaeai.partners.models import PartnerKind

    town["far"].kind = PartnerKind.NPO
    town["far"].save()
    _agreement(town, signed_on=dt.date(2026, 7, 1), parties=[town["far"]])  # NPO: not counted
    start, end = dt.date(2026, 4, 1), dt.date(2027, 3, 31)
    assert indicator["compute"](town["m"], None, start, end) == (2, None)
    assert indicator["records"](town["m"], None, start, end).count() == 2


# --- watch-over alerts ------------------------------------------------------------------------

def test_alert_becomes_a_need_the_sc_and_support_centre_see(town):
    alert = services.alert_report(by=town["clerk"], partner=town["shop"], signs=["post_piling", "lights"],
                                  text="3日分の新聞", place="北町2丁目 青い屋根", area=town["north"])
    need = alert.need
    assert need.category == "watching" and need.source == "partner" and need.area == town["north"]
    assert needs_for(town["sc"]).filter(pk=need.pk).exists()
    assert needs_for(town["support"]).filter(pk=need.pk).exists()
    assert not needs_for(town["clerk"]).exists()
    assert services.alert_status_for_reporter(alert) == "received"
    need_change_status(need=need, by=town["sc"], to=NeedStatus.TRIAGED)
    need_change_status(need=need, by=town["sc"], to=NeedStatus.CLOSED)
    assert services.alert_status_for_reporter(alert) == "handled"


def test_emergency_sign_refused_until_119_called(town):
    with pytest.raises(ValidationError) as exc:
        services.alert_report(by=town["clerk"], partner=town["shop"], signs=["collapsed"], place="北町1",
                              area=town["north"])
    assert codes(exc) == {"call_emergency_first"}
    assert not Need.objects.exists() and not WatchAlert.objects.exists()
    alert = services.alert_report(by=town["clerk"], partner=town["shop"], signs=["collapsed"], place="北町1",
                                  area=town["north"], emergency_called=True)
    assert alert.emergency and alert.need.urgency == "urgent"


def test_alert_with_no_place_refused(town):
    with pytest.raises(ValidationError) as exc:
        services.alert_report(by=town["clerk"], partner=town["shop"], signs=["laundry"], area=town["north"])
    assert codes(exc) == {"no_place"}
    assert not Need.objects.exists()


def test_alert_only_for_own_partner(town):
    with pytest.raises(PermissionDenied):
        services.alert_report(by=town["banker"], partner=town["shop"], signs=["laundry"], place="x",
                              area=town["north"])


# --- challenges and proposals ------------------------------------------------------------------

def _needs(town, n, status=None):
    for i in range(n):
        need = need_create(by=town["sc"], municipality=town["m"], area=town["north"], category="shopping",
                           description=f"買い物が大変 {i}", source="sc_visit")
        if status:
            need_change_status(need=need, by=town["sc"], to=status)


def test_challenge_counts_are_suppressed(town):
    _needs(town, 12)
    _needs(town, 2, NeedStatus.UNMET)
    c = services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping", area=town["north"],
                                  title="買い物支援", business_terms="週1回の移動販売")
    assert c.counts["unmet"] is None  # 2 < k
    assert c.counts["open"] is None or c.counts["open"] >= k_public()
    with pytest.raises(PermissionDenied):
        services.challenge_create(by=town["clerk"], municipality=town["m"], category="shopping", title="x",
                                  business_terms="y")


def _challenge(town):
    return services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping",
                                     area=town["north"], title="買い物支援", business_terms="週1回の移動販売",
                                     offer="広報、会場")


def test_proposal_lifecycle_to_directory_resource(town):
    _needs(town, 3, NeedStatus.UNMET)
    register(town, town["shop"], town["clerk"])
    c = _challenge(town)
    assert selectors.challenges_for(town["clerk"]).filter(pk=c.pk).exists()
    p = services.proposal_submit(by=town["clerk"], challenge=c, partner=town["shop"], description="移動販売車",
                                 area_text="北町", price="無料")
    with pytest.raises(ValidationError):
        services.proposal_review(by=town["sc"], proposal=p, decision="changes", reason="")
    p = services.proposal_review(by=town["sc"], proposal=p, decision="changes", reason="曜日を明記")
    p = services.proposal_revise(by=town["clerk"], proposal=p, description="移動販売車 毎週水曜", area_text="北町")
    p = services.proposal_review(by=town["sc"], proposal=p, decision="accept")
    assert p.status == ProposalStatus.PILOT
    services.pilot_progress(by=town["clerk"], proposal=p, progress=50, note="3回実施")
    resource = services.pilot_go_live(by=town["sc"], proposal=p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.RUNNING and p.resource == resource
    assert resource.organization_id == town["shop"].organization_id and resource.status == "published"
    assert Need.objects.filter(links__object_id=resource.pk, status=NeedStatus.CONNECTED).count() == 3


def test_unregistered_partner_cannot_propose_or_see_challenges(town):
    c = _challenge(town)
    assert not selectors.challenges_for(town["banker"]).exists()
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(by=town["banker"], challenge=c, partner=town["bank"], description="x",
                                 area_text="y")
    assert codes(exc) == {"not_registered"}


def test_proposal_on_a_closed_challenge_refused(town):
    register(town, town["shop"], town["clerk"])
    c = _challenge(town)
    services.challenge_close(by=town["sc"], challenge=c)
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(by=town["clerk"], challenge=c, partner=town["shop"], description="x", area_text="y")
    assert codes(exc) == {"challenge_closed"}
    assert not Proposal.objects.exists()


def test_partner_never_sees_another_partners_proposal(town):
    register(town, town["shop"], town["clerk"])
    register(town, town["bank"], town["banker"])
    c = _challenge(town)
    mine = services.proposal_submit(by=town["clerk"], challenge=c, partner=town["shop"], description="a",
                                    area_text="b")
    theirs = services.proposal_submit(by=town["banker"], challenge=c, partner=town["bank"], description="c",
                                      area_text="d")
    visible = set(selectors.proposals_for(town["clerk"]).values_list("pk", flat=True))
    assert visible == {mine.pk} and theirs.pk not in visible
    assert set(selectors.proposals_for(town["sc"]).values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    assert Challenge.objects.get(pk=c.pk).proposals.count() == 2
