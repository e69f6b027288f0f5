"""HTTP tests of the partners staff pages: the registry and registration review, agreements
(list per fiscal year, detail, signed document, yearly reports, renewal), writing a challenge
from the gap map, answering it, and reviewing proposals up to the directory resource. Bad
input gives a clear message and writes nothing; another partner's records answer 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sasaeai.directory.models import Organization, Service
from sasaeai.needs.services import need_create
from sasaeai.partners import services
from sasaeai.partners.models import (
    Agreement,
    Challenge,
    ItemReport,
    Proposal,
    ProposalStatus,
    Registration,
    RegistrationStatus,
)
from sasaeai.tenancy.models import Role
from tests.conftest import login_client

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _agreement(town, **kw):
    values = {"by": town["l1"], "municipality": town["m"], "type": "watch_over", "title": "見守り協定",
              "parties": [town["shop"]], "signed_on": dt.date(2026, 5, 1), "starts_on": dt.date(2026, 5, 1),
              "ends_on": dt.date(2028, 3, 31), "auto_renew": False, "contact_person": town["l1"],
              "items": ["店頭での見守り", "認知症サポーター養成"]}
    values.update(kw)
    return services.agreement_create(**values)


def _challenge(town, **kw):
    values = {"by": town["sc"], "municipality": town["m"], "category": "shopping", "area": town["north"],
              "title": "買い物支援", "business_terms": "週1回、北地区で"}
    values.update(kw)
    return services.challenge_create(**values)


# --- Registry and registration review ------------------------------------------------------

def test_registry_lists_kind_status_and_expiry_and_filters(town):
    register(town, town["shop"], town["clerk"])
    page = login_client(town["l1"]).get("/partners/").content.decode()
    assert "北スーパー" in page and "信用金庫" in page and "登録済み" in page
    expiry = Registration.objects.get(partner=town["shop"]).expires_on
    assert expiry.isoformat() in page
    filtered = login_client(town["l1"]).get("/partners/?status=registered").content.decode()
    assert "北スーパー" in filtered and "信用金庫" not in filtered
    by_kind = login_client(town["l1"]).get("/partners/?kind=company").content.decode()
    assert "信用金庫" in by_kind and "北スーパー</a>" not in by_kind
    assert login_client(town["l1"]).get("/partners/?kind=<script>&status=x").status_code == 200


def test_partner_staff_see_only_their_own_organisation_in_the_registry(town):
    client = login_client(town["clerk"])
    page = client.get("/partners/").content.decode()
    assert "北スーパー" in page and "信用金庫" not in page
    assert client.get(f"/partners/{town['bank'].pk}/").status_code == 404
    assert client.get(f"/partners/{town['shop'].pk}/").status_code == 200


def test_a_layer2_sc_sees_the_registration_but_cannot_review_it(town):
    register(town, town["shop"], town["clerk"])
    page = login_client(town["sc"]).get(f"/partners/{town['shop'].pk}/").content.decode()
    assert "人生100年サポート企業" in page and "登録済み" in page and "registration_review" not in page
    assert "review-form" not in page


def test_other_municipality_partner_is_404_and_residents_are_refused(town, make_municipality, make_user):
    other = make_municipality(n_areas=1)
    outsider = make_user(Role.COORDINATOR_L1, other)
    assert login_client(outsider).get(f"/partners/{town['shop'].pk}/").status_code == 404
    assert "北スーパー" not in login_client(outsider).get("/partners/").content.decode()
    resident = make_user(Role.RESIDENT, town["m"])
    assert login_client(resident).get("/partners/").status_code == 403


def test_company_registers_and_the_sc_approves(town, make_user):
    org = Organization.objects.create(municipality=town["m"], name="ひかり生協")
    staff = make_user(Role.PARTNER, town["m"])
    org.members.add(staff)
    client = login_client(staff)
    assert client.get("/partners/register/").status_code == 200
    response = client.post("/partners/register/", {
        "action": "profile", "organization": org.pk, "kind": "coop", "contact_name": "山田",
        "branch_name": "本部", "branch_address": f"{town['m'].name}中央1-2"})
    assert response.status_code == 302
    profile = org.partner_profile
    response = client.post("/partners/register/", {"action": "apply", "partner": profile.pk,
                                                    "scheme": town["scheme"].pk, "categories": "生活支援"})
    assert response.status_code == 302
    registration = Registration.objects.get(partner=profile)
    assert registration.status == RegistrationStatus.APPLIED
    l1 = login_client(town["l1"])
    assert "ひかり生協" in l1.get("/partners/").content.decode()  # waiting for review
    assert l1.post(f"/partners/registrations/{registration.pk}/review/", {"decision": "approve"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED and registration.expires_on


def test_registration_without_a_local_office_is_refused_clearly(town):
    client = login_client(town["far_staff"])
    response = client.post("/partners/register/", {"action": "apply", "partner": town["far"].pk,
                                                   "scheme": town["scheme"].pk}, follow=True)
    assert "事業所" in response.content.decode() or "office" in response.content.decode()
    assert not Registration.objects.filter(partner=town["far"]).exists()


def test_profile_with_a_bad_kind_writes_nothing(town, make_user):
    org = Organization.objects.create(municipality=town["m"], name="未登録商会")
    staff = make_user(Role.PARTNER, town["m"])
    org.members.add(staff)
    response = login_client(staff).post("/partners/register/", {"action": "profile", "organization": org.pk,
                                                                 "kind": "bogus"})
    assert response.status_code == 200 and not hasattr(Organization.objects.get(pk=org.pk), "partner_profile")


def test_decline_needs_a_reason_and_the_sc_l2_cannot_review(town):
    reg = services.registration_apply(by=town["clerk"], scheme=town["scheme"], partner=town["shop"])
    url = f"/partners/registrations/{reg.pk}/review/"
    page = login_client(town["l1"]).post(url, {"decision": "decline", "reason": ""}, follow=True).content.decode()
    assert "必須" in page or "required" in page
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.APPLIED
    assert login_client(town["sc"]).post(url, {"decision": "approve"}).status_code in (403, 404)
    assert login_client(town["clerk"]).post(url, {"decision": "approve"}).status_code == 403
    login_client(town["l1"]).post(url, {"decision": "decline", "reason": "書類が不足しています"})
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.DECLINED and reg.review_reason == "書類が不足しています"
    assert "書類が不足しています" in login_client(town["clerk"]).get(f"/partners/{town['shop'].pk}/").content.decode()


# --- Agreements ----------------------------------------------------------------------------

def test_agreement_form_creates_with_items_and_document(town):
    client = login_client(town["l1"])
    assert client.get("/partners/agreements/new/").status_code == 200
    response = client.post("/partners/agreements/new/", {
        "type": "comprehensive", "title": "包括連携協定", "parties": [town["shop"].pk, town["bank"].pk],
        "signed_on": "2026-06-01", "starts_on": "2026-06-01", "ends_on": "2029-03-31",
        "contact_person": town["l1"].pk, "items": "高齢者の見守り\n\n買い物支援",
        "document": SimpleUploadedFile("signed.pdf", b"%PDF-1.4 test", content_type="application/pdf")})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert [i.text for i in agreement.items.all()] == ["高齢者の見守り", "買い物支援"]
    detail = client.get(response["Location"]).content.decode()
    assert "包括連携協定" in detail and "買い物支援" in detail and town["l1"].display_name in detail
    download = client.get(f"/partners/agreements/{agreement.pk}/document/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_agreement_ending_before_it_starts_is_refused_and_nothing_is_written(town):
    response = login_client(town["l1"]).post("/partners/agreements/new/", {
        "type": "watch_over", "title": "逆転協定", "parties": [town["shop"].pk], "signed_on": "2026-06-01",
        "starts_on": "2026-06-01", "ends_on": "2026-05-01", "contact_person": town["l1"].pk, "items": "見守り"})
    body = response.content.decode()
    assert response.status_code == 200 and ("終了日" in body or "end before it starts" in body)
    assert not Agreement.objects.exists()
    fake_pdf = login_client(town["l1"]).post("/partners/agreements/new/", {
        "type": "watch_over", "title": "偽PDF", "parties": [town["shop"].pk], "signed_on": "2026-06-01",
        "starts_on": "2026-06-01", "contact_person": town["l1"].pk, "items": "見守り",
        "document": SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 not a pdf")})
    assert fake_pdf.status_code == 200 and "PDF" in fake_pdf.content.decode() and not Agreement.objects.exists()
    bad_date = login_client(town["l1"]).post("/partners/agreements/new/", {
        "type": "watch_over", "title": "x", "parties": [town["shop"].pk], "signed_on": "昨日",
        "starts_on": "2026-06-01", "contact_person": town["l1"].pk, "items": "見守り"})
    assert bad_date.status_code == 200 and not Agreement.objects.exists()


def test_agreements_list_per_fiscal_year(town):
    _agreement(town, title="今年度の協定", signed_on=dt.date(2026, 4, 1), starts_on=dt.date(2026, 4, 1))
    _agreement(town, title="前年度の協定", signed_on=dt.date(2026, 3, 31), starts_on=dt.date(2026, 3, 31))
    client = login_client(town["l1"])
    fy2026 = client.get("/partners/agreements/?fy=2026").content.decode()
    assert "今年度の協定" in fy2026 and "前年度の協定" not in fy2026
    fy2025 = client.get("/partners/agreements/?fy=2025").content.decode()
    assert "前年度の協定" in fy2025 and "今年度の協定" not in fy2025
    assert client.get("/partners/agreements/?fy=abc").status_code == 200


def test_partner_reports_yearly_on_an_item_and_others_cannot(town):
    agreement = _agreement(town)
    item = agreement.items.first()
    clerk = login_client(town["clerk"])
    assert clerk.get(f"/partners/agreements/{agreement.pk}/").status_code == 200
    response = clerk.post(f"/partners/agreements/items/{item.pk}/report/",
                          {"partner": town["shop"].pk, "fiscal_year": 2026, "text": "声かけ12件"})
    assert response.status_code == 302
    assert ItemReport.objects.get().text == "声かけ12件"
    assert "声かけ12件" in login_client(town["l1"]).get(f"/partners/agreements/{agreement.pk}/").content.decode()
    # The bank is no party: the agreement does not exist for its staff.
    banker = login_client(town["banker"])
    assert banker.get(f"/partners/agreements/{agreement.pk}/").status_code == 404
    assert banker.post(f"/partners/agreements/items/{item.pk}/report/",
                       {"partner": town["shop"].pk, "fiscal_year": 2026, "text": "x"}).status_code == 404
    empty = clerk.post(f"/partners/agreements/items/{item.pk}/report/",
                       {"partner": town["shop"].pk, "fiscal_year": 2027, "text": ""})
    assert empty.status_code == 302 and ItemReport.objects.count() == 1


def test_agreement_renewal_and_document_upload(town):
    agreement = _agreement(town)
    client = login_client(town["l1"])
    earlier = client.post(f"/partners/agreements/{agreement.pk}/renew/", {"ends_on": "2027-01-01"}, follow=True)
    assert "after the current one" in earlier.content.decode() or "より後" in earlier.content.decode()
    client.post(f"/partners/agreements/{agreement.pk}/renew/", {"ends_on": "2030-03-31"})
    agreement.refresh_from_db()
    assert agreement.ends_on == dt.date(2030, 3, 31)
    bad = client.post(f"/partners/agreements/{agreement.pk}/upload/",
                      {"document": SimpleUploadedFile("virus.exe", b"MZ")}, follow=True)
    assert "PDF" in bad.content.decode()
    agreement.refresh_from_db()
    assert not agreement.document
    client.post(f"/partners/agreements/{agreement.pk}/upload/", {"document": SimpleUploadedFile("s.pdf", b"%PDF")})
    agreement.refresh_from_db()
    assert agreement.document
    # The party's staff may read, not renew.
    assert login_client(town["clerk"]).post(f"/partners/agreements/{agreement.pk}/renew/",
                                            {"ends_on": "2031-03-31"}).status_code == 403


# --- Challenges and proposals ---------------------------------------------------------------

def test_sc_writes_a_challenge_from_the_gap_map_with_suppressed_counts(town):
    for i in range(3):
        need_create(by=None, municipality=town["m"], area=town["north"], category="shopping", source="partner",
                    description=f"買い物{i}")
    client = login_client(town["sc"])
    preview = client.get(f"/partners/challenges/new/?category=shopping&area={town['north'].pk}").content.decode()
    assert 'id="preview"' in preview and "非表示（人数が少ないため）" in preview
    response = client.post("/partners/challenges/new/", {
        "category": "shopping", "area": town["north"].pk, "title": "移動販売の担い手",
        "business_terms": "北地区で週1回", "offer": "集会所"})
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.counts["open"] is None  # 3 < k: suppressed
    bad = client.post("/partners/challenges/new/", {"category": "shopping", "title": "", "business_terms": ""})
    assert bad.status_code == 200 and Challenge.objects.count() == 1
    assert login_client(town["clerk"]).get("/partners/challenges/new/").status_code == 403


def test_partner_answers_a_challenge_and_a_closed_one_is_refused(town):
    register(town, town["shop"], town["clerk"])
    challenge = _challenge(town)
    client = login_client(town["clerk"])
    page = client.get(f"/partners/challenges/{challenge.pk}/").content.decode()
    assert 'id="proposal-form"' in page
    response = client.post(f"/partners/challenges/{challenge.pk}/propose/", {
        "partner": town["shop"].pk, "description": "移動販売車で週1回", "area_text": "北地区", "price": "無料",
        "starts_on": "2026-07-01"})
    assert response.status_code == 302 and Proposal.objects.get().starts_on == dt.date(2026, 7, 1)
    services.challenge_close(by=town["sc"], challenge=challenge)
    closed = client.post(f"/partners/challenges/{challenge.pk}/propose/", {
        "partner": town["shop"].pk, "description": "二つ目", "area_text": "北地区"})
    assert closed.status_code == 400 and ("締め切" in closed.content.decode() or "closed" in closed.content.decode())
    assert Proposal.objects.count() == 1
    # An unregistered partner cannot even see the challenge.
    assert login_client(town["banker"]).get(f"/partners/challenges/{challenge.pk}/").status_code == 404


def test_partner_staff_opening_another_partners_proposal_is_404(town):
    register(town, town["shop"], town["clerk"])
    register(town, town["bank"], town["banker"])
    challenge = _challenge(town)
    theirs = services.proposal_submit(by=town["banker"], challenge=challenge, partner=town["bank"],
                                      description="秘密の価格表", area_text="北")
    client = login_client(town["clerk"])
    assert client.get(f"/partners/proposals/{theirs.pk}/").status_code == 404
    assert client.post(f"/partners/proposals/{theirs.pk}/revise/", {"description": "x", "area_text": "y"}).status_code == 404
    assert client.post(f"/partners/proposals/{theirs.pk}/review/", {"decision": "accept"}).status_code == 404
    assert "秘密の価格表" in login_client(town["banker"]).get(f"/partners/proposals/{theirs.pk}/").content.decode()


def test_review_changes_revise_accept_pilot_and_directory_resource(town):
    register(town, town["shop"], town["clerk"])
    challenge = _challenge(town)
    need = need_create(by=None, municipality=town["m"], area=town["north"], category="shopping", source="partner",
                       description="買い物に行けない")
    proposal = services.proposal_submit(by=town["clerk"], challenge=challenge, partner=town["shop"],
                                        description="移動販売", area_text="北地区")
    sc = login_client(town["sc"])
    url = f"/partners/proposals/{proposal.pk}/"
    no_reason = sc.post(url + "review/", {"decision": "decline"}, follow=True).content.decode()
    assert "必須" in no_reason or "required" in no_reason
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    sc.post(url + "review/", {"decision": "changes", "reason": "曜日を明記してください"})
    clerk = login_client(town["clerk"])
    assert "曜日を明記してください" in clerk.get(url).content.decode()
    assert clerk.post(url + "review/", {"decision": "accept"}).status_code == 403
    clerk.post(url + "revise/", {"description": "毎週木曜に移動販売", "area_text": "北地区"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    sc.post(url + "review/", {"decision": "accept"})
    sc.post(url + "progress/", {"progress": "150"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PILOT and proposal.progress == 0
    clerk.post(url + "progress/", {"progress": "60", "note": "3回実施"})
    sc.post(url + "live/", {"area": town["north"].pk})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RUNNING and proposal.resource_id
    resource = Service.objects.get(pk=proposal.resource_id)
    assert resource.organization_id == town["shop"].organization_id
    assert need.links.get().target == resource  # linked back to the need it answers
    assert 'id="resource-link"' in sc.get(url).content.decode()


def test_directory_list_detail_and_booklet_show_the_registered_badge(town):
    register(town, town["shop"], town["clerk"])
    challenge = _challenge(town)
    proposal = services.proposal_submit(by=town["clerk"], challenge=challenge, partner=town["shop"],
                                        description="移動販売", area_text="北地区")
    services.proposal_review(by=town["sc"], proposal=proposal, decision="accept")
    resource = services.pilot_go_live(by=town["sc"], proposal=proposal)
    client = login_client(town["sc"])
    assert "partner-badge" in client.get(f"/directory/r/{resource.pk}/").content.decode()
    listing = client.get(f"/directory/?m={town['m'].pk}").content.decode()
    assert "partner-badge" in listing and "人生100年サポート企業" in listing
    from sasaeai.directory import paper

    assert paper._registered_partners(town["m"]) == {town["shop"].organization_id: "人生100年サポート企業"}
    pdf = paper.booklet(town["m"])
    assert pdf.startswith(b"%PDF")
