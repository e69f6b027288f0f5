"""The cases app's plug-ins: the demo (cases in every stage, idempotent), the handover
briefing section (shared contract, only visible rows, access-logged) and the access-log labels."""

import pytest
from django.test import RequestFactory

from sasaeai.cases import briefing, services
from sasaeai.cases.models import Case, CaseStatus, WellbeingScore
from sasaeai.safety.labels import field_label
from sasaeai.safety.models import AccessLog

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_every_stage_and_is_idempotent():
    from sasaeai.demo import generator
    from sasaeai.demo.town import DemoTown
    from sasaeai.tenancy.models import Area, Municipality

    generator.seed_demo("small", 1, with_apps=False)
    m = Municipality.objects.get(code=generator.with_check_digit("13991"))
    town = DemoTown(municipality=m, areas=list(Area.objects.filter(municipality=m, layer=2).order_by("name")),
                    seed=1, scale="small")
    from sasaeai.cases import demo

    first = demo.seed(town)
    assert first["cases"] >= len(CaseStatus)
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert Case.objects.filter(status="referred", escalated_at__isnull=False).exists()
    assert WellbeingScore.objects.filter(moment="closure").count() == Case.objects.filter(status="closed").count()
    snapshot = sorted(Case.objects.values_list("demo_key", "status", "resident_id"))
    assert demo.seed(town) == {"cases": 0}
    assert sorted(Case.objects.values_list("demo_key", "status", "resident_id")) == snapshot


def _request(user):
    request = RequestFactory().get("/handover/")
    request.user = user
    return request


def test_the_briefing_lists_the_areas_active_cases_for_those_who_work_them(town):
    case = services.refer(by=town["centre"], resident=town["resident"], referrer_kind="doctor", reason="x")
    services.accept(case, by=town["sc"])
    [section] = briefing.sections(_request(town["sc"]), town["north"])
    assert section["key"] == "cases" and section["order"] == 30 and len(section["columns"]) == 4
    (name, url), status, coordinator, _next = section["rows"][0]
    assert url == f"/cases/{case.pk}/" and coordinator == "北のSC"
    assert AccessLog.objects.filter(actor=town["sc"], resident_id=town["resident"].pk).exists()
    assert briefing.sections(_request(town["sc_south"]), town["north"])[0]["rows"] == []
    assert briefing.sections(_request(town["centre"]), town["north"]) == []


def test_the_access_log_shows_labels_for_case_reads():
    assert field_label("case_record") != "case_record"
    assert field_label("case_status") != "case_status"


def test_the_kpis_count_in_the_database(town):
    import datetime as dt

    from django.utils import timezone

    from sasaeai.cases import kpis

    late = services.refer(by=town["centre"], resident=town["resident"], referrer_kind="doctor", reason="x",
                          referred_at=timezone.now() - dt.timedelta(days=20))
    services.accept(late, by=town["sc"])
    quick = services.refer(by=town["centre"], resident=town["quiet"], referrer_kind="doctor", reason="x")
    services.accept(quick, by=town["sc"])
    found = {i["key"]: i for i in kpis.indicators()}
    answered = found["case_referrals_answered_in_14_days"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    assert answered["compute"](town["m"], None, start, today) == (1, 2)
    assert list(answered["records"](town["m"], town["north"], start, today)) == [quick]
    assert found["cases_closed_connected"]["compute"](town["m"], None, start, today) == (0, 0)
