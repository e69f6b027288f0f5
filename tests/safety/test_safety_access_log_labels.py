"""「この記録を見た人」 (issue 9 §2): labels instead of internal codes, a burst of reads by one
person as one line, the resident's own side apart from staff, exports with codes and labels."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.safety.access_lines import BURST_GAP, group_bursts
from sasaeai.safety.audit import _roles
from sasaeai.safety.labels import field_label, purpose_label, role_label
from sasaeai.safety.models import AccessLog, AccessPurpose
from sasaeai.tenancy.models import Role

CODES = ("coordinator_l2", "key_box", "has_dementia", "care_coordination", "own_record", "matching", "proxy",
         "address, ", "emergency_contacts")


@pytest.fixture
def town(make_municipality, make_user, make_resident, make_proxy):
    a = make_municipality()
    resident = make_resident(a)
    proxy = make_user(Role.PROXY, a, display_name="山田 娘")
    make_proxy(resident, proxy, relation="child")
    sc2 = make_user(Role.COORDINATOR_L2, a, areas=[resident.area], display_name="加藤 SC")
    return dict(a=a, resident=resident, proxy=proxy, sc2=sc2, admin=make_user(Role.MUNICIPAL_ADMIN, a),
                operator=make_user(Role.OPERATOR, None))


def _log(user, resident, fields, purpose, at):
    """One entry as `record_access` writes it, at the time given."""
    return AccessLog.objects.create(actor=user, actor_roles=_roles(user, resident.municipality_id),
                                    resident_id=resident.pk, municipality_id=resident.municipality_id,
                                    fields=sorted(fields), purpose=purpose, channel="page", at=at)


def _table(response) -> str:
    html = response.content.decode()
    return html[html.index("<table"):html.index("</table>")]


def test_the_page_shows_japanese_labels_not_codes(town, client_for):
    r, now = town["resident"], timezone.now()
    _log(town["sc2"], r, ["address", "allergies", "has_dementia", "key_box"], "matching", now - timedelta(hours=3))
    _log(town["sc2"], r, ["care_level", "phone"], "care_coordination", now - timedelta(hours=2))
    _log(town["proxy"], r, ["emergency_contacts", "notes"], "own_record", now - timedelta(hours=1))
    table = _table(client_for(town["proxy"]).get(f"/safety/residents/{r.pk}/access-log/"))
    for code in CODES:
        assert code not in table, code
    for label in ("第2層 生活支援コーディネーター", "家族・代理人", "住所", "アレルギー", "認知症がある", "キーボックス",
                  "要介護度", "緊急連絡先", "担い手とのマッチング", "職員による支援", "本人・代理人による確認"):
        assert label in table, label


def test_the_page_speaks_english_in_english(town, client_for):
    r = town["resident"]
    _log(town["sc2"], r, ["key_box", "has_dementia"], "matching", timezone.now())
    table = _table(client_for(town["proxy"]).get(f"/safety/residents/{r.pk}/access-log/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Key box" in table and "Lives with dementia" in table and "Layer-2 life support coordinator" in table
    assert "key_box" not in table and "coordinator_l2" not in table


def test_a_burst_of_reads_by_one_person_is_one_line(town, client_for):
    r, now = town["resident"], timezone.now()
    for minutes in (30, 25, 21):  # three pages within nine minutes
        _log(town["sc2"], r, ["address"], "care_coordination", now - timedelta(minutes=minutes))
    _log(town["sc2"], r, ["phone"], "care_coordination", now - timedelta(hours=5))  # another visit to the page
    table = _table(client_for(town["proxy"]).get(f"/safety/residents/{r.pk}/access-log/"))
    assert table.count("<tr class=") == 2
    assert table.count("加藤 SC") == 2
    assert "3件" in table


def test_the_resident_side_is_told_apart_from_staff(town, client_for, make_user):
    r, now = town["resident"], timezone.now()
    r.user = make_user(Role.RESIDENT, town["a"], display_name="山田 本人")
    r.save()
    _log(town["sc2"], r, ["address"], "care_coordination", now - timedelta(hours=3))
    _log(town["proxy"], r, ["address"], "own_record", now - timedelta(hours=2))
    _log(r.user, r, ["phone"], "own_record", now - timedelta(hours=1))
    client = client_for(town["proxy"])
    everyone = _table(client.get(f"/safety/residents/{r.pk}/access-log/"))
    assert "加藤 SC" in everyone and "山田 娘" in everyone and "山田 本人" in everyone
    assert "家族・代理人 (子)" in everyone and "本人" in everyone
    own = _table(client.get(f"/safety/residents/{r.pk}/access-log/?show=own"))
    assert "山田 娘" in own and "山田 本人" in own and "加藤 SC" not in own
    others = _table(client.get(f"/safety/residents/{r.pk}/access-log/?show=others"))
    assert "加藤 SC" in others and "山田 娘" not in others and "山田 本人" not in others


def test_exports_keep_the_codes_beside_the_labels(town, client_for):
    r = town["resident"]
    _log(town["sc2"], r, ["key_box", "has_dementia"], "matching", timezone.now())
    entry = client_for(town["operator"]).get("/safety/access-log/export.json").json()["entries"][0]
    assert entry["purpose"] == "matching" and entry["purpose_label"] == "担い手とのマッチング"
    assert entry["fields"] == ["has_dementia", "key_box"] and entry["fields_label"] == ["認知症がある", "キーボックス"]
    assert entry["actor_roles"] == "coordinator_l2" and entry["actor_roles_label"] == "第2層 生活支援コーディネーター"
    assert entry["channel"] == "page" and entry["channel_label"]
    body = b"".join(client_for(town["admin"]).get("/safety/access-log/export.csv").streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["purpose"] == "matching" and row["purpose_label"] == "担い手とのマッチング"
    assert row["fields"] == "has_dementia key_box" and row["fields_label"] == "認知症がある, キーボックス"
    api = client_for(town["admin"]).get("/api/v1/safety/access-log").json()["items"][0]
    assert api["purpose"] == "matching" and api["purpose_label"] == "担い手とのマッチング"
    assert api["fields_label"] == ["認知症がある", "キーボックス"]
    english = client_for(town["operator"]).get("/safety/access-log/export.json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["entries"][0]["fields_label"] == ["Lives with dementia", "Key box"]


def test_every_logged_code_has_a_label(db):
    """Purposes and fields the code base logs, and every role, have a label that is not the code."""
    from sasaeai.requests.models import HelpRequest
    from sasaeai.residents.models import Resident

    fields = {*Resident.SENSITIVE_FIELDS, *HelpRequest.SENSITIVE_FIELDS, "emergency_contacts", "emergency_notes",
              "incident_description", "phone_masked"}
    assert all(field_label(f) != f for f in fields)
    assert all(purpose_label(p) != p for p in AccessPurpose.values)
    assert all(role_label(r) != r for r in Role.values)
    assert field_label("something_new") == "something_new"  # an unknown code is shown, not hidden


_T0 = timezone.now()
entries_strategy = st.lists(st.tuples(st.sampled_from([None, 1, 2, 3]), st.integers(0, 30)), max_size=40).map(
    lambda rows: _entries(rows))


def _entries(rows):
    """(actor, minutes since the previous, older entry) -> fake entries, newest first."""
    at, out = _T0, []
    for actor, minutes in rows:
        at = at - timedelta(minutes=minutes)
        out.append(SimpleNamespace(actor_id=actor, at=at, actor_roles="coordinator_l2", fields=["address"],
                                   purpose="care_coordination", channel="page", ip_prefix="", pk=None))
    return out


@given(entries_strategy)
def test_grouping_keeps_every_read_and_only_merges_bursts_of_one_person(entries):
    lines = group_bursts(entries)
    assert sum(line.count for line in lines) == len(entries)
    i = 0
    for line in lines:
        chunk = entries[i:i + line.count]
        i += line.count
        assert {e.actor_id for e in chunk} == {line.actor_id}
        assert all(newer.at - older.at <= BURST_GAP for newer, older in zip(chunk, chunk[1:], strict=False))
        assert (line.first_at, line.last_at) == (chunk[-1].at, chunk[0].at)
    for newer, older in zip(lines, lines[1:], strict=False):  # lines are maximal
        assert newer.actor_id != older.actor_id or newer.first_at - older.last_at > BURST_GAP
