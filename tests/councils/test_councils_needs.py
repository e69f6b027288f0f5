"""Unmet needs become a local issue and follow it: raised → 地域課題へ (escalated), the issue
resolved → the needs resolved; the issue form offers exactly the council area's unmet needs."""

import pytest

from sasaeai.councils import services
from sasaeai.needs import services as needs_services
from sasaeai.needs.models import Need, NeedStatus
from tests.conftest import login_client
from tests.councils.conftest import on_agenda

pytestmark = pytest.mark.django_db


def _unmet(town, area, text="買い物に行けない"):
    need = needs_services.need_create(by=town["sc1"], municipality=town["m"], area=area, category="shopping",
                                      description=text, source="sc_visit")
    return needs_services.need_change_status(need=need, by=town["sc1"], to=NeedStatus.UNMET)


def test_needs_follow_the_issue_from_raised_to_resolved(town):
    n1, n2 = _unmet(town, town["a1"]), _unmet(town, town["a1"], "ゴミ出しが難しい")
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="買い物の足がない", source="needs",
                                 raised_from=[n1, n2])
    assert set(Need.objects.filter(pk__in=[n1.pk, n2.pk]).values_list("status", flat=True)) == {NeedStatus.ESCALATED}
    assert n1.history.last().to_status == NeedStatus.ESCALATED and n1.history.last().by == town["sc2"]
    on_agenda(town, issue)
    services.issue_resolve(by=town["sc1"], issue=issue, kind="partner", note="スーパーが移動販売を始めた")
    assert set(Need.objects.filter(pk__in=[n1.pk, n2.pk]).values_list("status", flat=True)) == {NeedStatus.RESOLVED}


def test_a_need_that_cannot_escalate_keeps_its_status(town):
    fresh = needs_services.need_create(by=town["sc1"], municipality=town["m"], area=town["a1"], category="shopping",
                                       description="新しい困りごと", source="phone")
    services.issue_raise(by=town["sc2"], council=town["c1"], title="課題", source="needs", raised_from=[fresh])
    fresh.refresh_from_db()
    assert fresh.status == NeedStatus.NEW


def test_issue_form_offers_the_area_unmet_needs_and_raises_from_them(town):
    mine, elsewhere = _unmet(town, town["a1"]), _unmet(town, town["a2"])
    client = login_client(town["sc1"])
    page = client.get(f"/councils/{town['c1'].pk}/issues/new/?need={mine.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{mine.pk}"' in html and f'value="{elsewhere.pk}"' not in html
    assert "買い物に行けない" not in html  # the form names the need's kind, never its free text
    response = client.post(f"/councils/{town['c1'].pk}/issues/new/", {
        "title": "買い物の足がない", "source": "needs", "summary": "", "needs_summary": "", "needs": [mine.pk]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == NeedStatus.ESCALATED
    detail = client.get(f"/needs/{elsewhere.pk}/")
    assert f"/councils/{town['c2'].pk}/issues/new/?need={elsewhere.pk}" in detail.content.decode()
