"""The worklife API: an employer user asking for an employee's identity is refused; the
employer endpoint carries references and suppressed counts only; bad input writes nothing."""

import json

import pytest
from django.utils import timezone

from sasaeai.worklife.models import Consultation, ConsultationAccess

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_an_employer_user_cannot_get_an_employees_identity(client_for, world, recorded):
    c = recorded()
    hr = client_for(world["hr"])
    assert hr.get(f"/api/v1/worklife/consultations/{c.pk}").status_code == 403
    assert hr.get("/api/v1/worklife/consultations").status_code == 403
    body = hr.get(f"/api/v1/worklife/employers/{world['employer'].pk}").content.decode()
    assert c.reference in body
    for secret in (c.employee_name, c.employee_contact, c.family_situation, c.wishes):
        assert secret not in body


def test_the_care_manager_reads_a_consultation_and_it_is_logged(client_for, world, recorded):
    c = recorded()
    r = client_for(world["cm_user"]).get(f"/api/v1/worklife/consultations/{c.pk}")
    assert r.status_code == 200 and r.json()["employee_name"] == c.employee_name
    assert ConsultationAccess.objects.filter(consultation_id_ref=c.pk, channel="api").count() == 1
    assert client_for(world["other_cm_user"]).get(f"/api/v1/worklife/consultations/{c.pk}").status_code == 404


def test_a_request_for_an_employer_without_contract_is_400_and_writes_nothing(client, world):
    r = _post(client, "/api/v1/worklife/requests", {"code": world["lapsed"].link_code, "employee_name": "x",
                                                    "employee_contact": "y", "department_size": "under_50"})
    assert r.status_code == 400 and r.json()["code"] == "no_contract"
    assert not Consultation.objects.exists()


def test_a_handover_without_consent_is_400(client_for, world, recorded):
    c = recorded()
    r = _post(client_for(world["cm_user"]), f"/api/v1/worklife/consultations/{c.pk}/handover",
              {"kind": "support_center"})
    assert r.status_code == 400 and r.json()["code"] == "no_consent"


def test_a_plan_follow_up_in_the_past_is_400(client_for, world, recorded):
    c = recorded()
    r = _post(client_for(world["cm_user"]), f"/api/v1/worklife/consultations/{c.pk}/plan",
              {"goals": "x", "follow_ups": ["2020-01-01"]})
    assert r.status_code == 400 and r.json()["code"] == "follow_up_in_past"


def test_a_checklist_date_before_the_consultation_is_400(client_for, world, recorded):
    c = recorded()
    item = c.checklist.get(kind="wishes_confirmed")
    r = _post(client_for(world["hr"]), f"/api/v1/worklife/checklist/{item.pk}",
              {"done_on": (timezone.localdate().replace(year=2020)).isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "date_order"


def test_the_public_directory(client, world):
    names = [row["name"] for row in client.get("/api/v1/worklife/care-managers").json()]
    assert "両立ケアマネ" in names and "未確認" not in names
