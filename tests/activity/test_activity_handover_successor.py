"""Records belong to the area: when a coordinator's membership ends and a successor is given
the area, the successor sees everything the predecessor saw, and nothing more; the
predecessor sees nothing any more (tenancy's membership periods)."""

import pytest
from django.urls import reverse

from sasaeai.activity import selectors, services
from sasaeai.activity.models import Function, NoteSection
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import forget_memberships
from tests.conftest import login_client

from .conftest import days_ago

pytestmark = pytest.mark.django_db


def _visible(user):
    forget_memberships(user)
    return {
        "entries": set(selectors.visible_entries(user).values_list("pk", flat=True)),
        "notes": set(selectors.visible_notes(user).values_list("pk", flat=True)),
        "areas": set(selectors.briefing_areas(user).values_list("pk", flat=True)),
    }


def test_the_successor_sees_what_the_predecessor_saw_and_nothing_more(town, make_user):
    pre = town.sc_north
    for n in range(3):
        services.entry_create(by=pre, area=town.north, date=days_ago(n), minutes=60, function=Function.MATCHING)
    services.entry_create(by=town.sc_south, area=town.south, date=days_ago(1), minutes=60,
                          function=Function.OUTREACH)
    services.note_save(by=pre, area=town.north, section=NoteSection.PEOPLE, text="町会長は火曜に会える", base_version=0)
    services.note_save(by=town.sc_south, area=town.south, section=NoteSection.PEOPLE, text="南の話", base_version=0)
    before = _visible(pre)
    assert len(before["entries"]) == 3 and len(before["notes"]) == 1 and before["areas"] == {town.north.pk}

    # The predecessor's membership ends; a successor is given the area.
    membership = pre.memberships.get()
    tenancy.membership_end(by=town.admin, membership=membership, reason="異動")
    successor = make_user(Role.COORDINATOR_L2, town.municipality, areas=[town.north], display_name="後任 SC")

    assert _visible(successor) == before
    assert _visible(pre) == {"entries": set(), "notes": set(), "areas": set()}
    assert not selectors.own_entries(pre).exists()

    # The pages agree: the successor opens the briefing with the predecessor's records...
    client = login_client(successor)
    page = client.get(reverse("activity:handover", args=[town.north.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "町会長は火曜に会える" in text and "南の話" not in text
    assert client.get(reverse("activity:handover", args=[town.south.pk])).status_code == 404
    # ...and the successor may continue the notes from the predecessor's version.
    note = services.note_save(by=successor, area=town.north, section=NoteSection.PEOPLE,
                              text="町会長は火曜に会える。副会長にも挨拶済み", base_version=1)
    assert note.version == 2
    # The predecessor is refused everywhere (their account has no role any more).
    old = login_client(pre, verified=True)
    assert old.get(reverse("activity:handover", args=[town.north.pk])).status_code in (403, 404)
    assert old.get(reverse("activity:timesheet")).status_code == 403

