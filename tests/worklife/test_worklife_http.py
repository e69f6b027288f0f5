"""The worklife pages: the employee's link, the care manager's record/plan/checklist/handover,
the employer's page (counts and references only) and the receiving support centre."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.worklife import services
from sasaeai.worklife.models import Consultation, ConsultationAccess, Handover

pytestmark = pytest.mark.django_db


def test_an_anonymous_employee_requests_through_the_link(client, world):
    url = reverse("worklife:request", kwargs={"code": world["employer"].link_code})
    assert client.get(url).status_code == 200
    r = client.post(url, {"employee_name": "佐藤", "employee_contact": "sato@example.test",
                          "department_size": "under_50", "topics": ["leave"]})
    assert r.status_code == 302 and r.url == reverse("worklife:requested")
    assert Consultation.objects.get().employee_name == "佐藤"


def test_the_link_of_an_employer_without_contract_refuses_with_a_message(client, world):
    url = reverse("worklife:request", kwargs={"code": world["lapsed"].link_code})
    r = client.post(url, {"employee_name": "佐藤", "employee_contact": "x", "department_size": "under_50"})
    assert r.status_code == 200 and "契約" in r.content.decode()
    assert not Consultation.objects.exists()


def test_an_unknown_code_is_404(client, world):
    assert client.get(reverse("worklife:request", kwargs={"code": "ZZZZZZZZZZ"})).status_code == 404


def test_the_code_page_redirects_to_the_link(client, world):
    r = client.get(reverse("worklife:consult"), {"code": world["employer"].link_code.lower()})
    assert r.status_code == 302


def test_the_public_directory_lists_verified_care_managers(client, world):
    page = client.get(reverse("worklife:directory")).content.decode()
    assert "両立ケアマネ" in page and "未確認" not in page


def test_the_care_manager_works_the_consultation_and_each_read_is_logged(client_for, world, request_one):
    c = request_one()
    cm = client_for(world["cm_user"])
    assert cm.get(reverse("worklife:list")).status_code == 200
    assert cm.get(reverse("worklife:detail", args=[c.pk])).status_code == 200
    assert ConsultationAccess.objects.filter(consultation_id_ref=c.pk, actor=world["cm_user"]).count() == 2
    area = world["b_area"]
    r = cm.post(reverse("worklife:record", args=[c.pk]), {
        "interviewed_on": timezone.localdate().isoformat(), "relation": "child", "care_level": "care_1",
        "family_area": area.pk, "family_situation": "父が認知症", "topics": ["dementia"], "shared_with_employer": "on"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "recorded" and c.family_municipality == world["b"]
    r = cm.post(reverse("worklife:plan", args=[c.pk]), {"goals": "介護休業を取り体制を整える"})
    assert r.status_code == 302
    cm.post(reverse("worklife:consent", args=[c.pk]), {"granted": "yes", "scope": ["situation"], "basis": "written"})
    cm.post(reverse("worklife:handover", args=[c.pk]), {"kind": "support_center"})
    h = Handover.objects.get()
    centre = client_for(world["centre_b"])
    page = centre.get(reverse("worklife:handover_detail", args=[h.pk])).content.decode()
    assert "父が認知症" in page and c.employee_name not in page
    assert client_for(world["centre_a"]).get(reverse("worklife:handover_detail", args=[h.pk])).status_code == 404


def test_the_handover_without_consent_shows_a_message_and_writes_nothing(client_for, world, recorded):
    c = recorded()
    r = client_for(world["cm_user"]).post(reverse("worklife:handover", args=[c.pk]), {"kind": "support_center"},
                                          follow=True)
    assert "同意" in r.content.decode()
    assert not Handover.objects.exists()


def test_another_care_manager_gets_404(client_for, world, request_one):
    c = request_one()
    assert client_for(world["other_cm_user"]).get(reverse("worklife:detail", args=[c.pk])).status_code == 404
    assert client_for(world["unverified"]).get(reverse("worklife:detail", args=[c.pk])).status_code == 403


def test_hr_sees_references_and_counts_never_the_employee(client_for, world, recorded):
    c = recorded()
    hr = client_for(world["hr"])
    for url in (reverse("worklife:detail", args=[c.pk]), reverse("worklife:list"),
                reverse("worklife:record", args=[c.pk])):
        assert hr.get(url).status_code in (403, 404)
    page = hr.get(reverse("worklife:employer", args=[world["employer"].pk])).content.decode()
    assert c.reference in page
    for secret in (c.employee_name, c.employee_contact, c.family_situation, c.wishes, c.work_situation):
        assert secret not in page
    item = c.checklist.get(kind="wishes_confirmed")
    r = hr.post(reverse("worklife:item", args=[item.pk]), {"done_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.done_on == timezone.localdate()


def test_a_checklist_date_before_the_consultation_is_refused_on_the_page(client_for, world, recorded):
    c = recorded()
    item = c.checklist.get(kind="wishes_confirmed")
    r = client_for(world["hr"]).post(reverse("worklife:item", args=[item.pk]), {
        "done_on": (timezone.localdate() - dt.timedelta(days=5)).isoformat()}, follow=True)
    assert "相談の申込みより前" in r.content.decode()
    item.refresh_from_db()
    assert item.done_on is None


def test_the_care_manager_home_shows_the_panels(client_for, world, recorded):
    c = recorded()
    services.plan_create(c, by=world["cm_user"], goals="x", follow_ups=[timezone.localdate()])
    page = client_for(world["cm_user"]).get("/").content.decode()
    assert c.reference in page
