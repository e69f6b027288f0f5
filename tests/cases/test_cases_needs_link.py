"""A need (困りごと) can be connected to the case that took it up; the need's page links to the
case by its number, never by the resident's name."""

import pytest

from sasaeai.cases import services as cases
from sasaeai.needs import services as needs
from sasaeai.needs.models import NeedStatus
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def test_a_need_connects_to_a_case_and_links_to_it(town):
    case = cases.refer(by=town["centre"], resident=town["resident"], referrer_kind="support_center",
                       reason="退院後に外出が減った")
    need = needs.need_create(by=town["sc"], municipality=town["m"], area=town["north"], category="going_out",
                             description="外出の機会がない", source="sc_visit")
    needs.need_connect(need=need, by=town["sc"], target=case)
    need.refresh_from_db()
    assert need.status == NeedStatus.CONNECTED
    html = login_client(town["sc"]).get(f"/needs/{need.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in html and f"個別支援 No.{case.pk}" in html
    assert town["resident"].given_name not in html and town["resident"].address not in html
