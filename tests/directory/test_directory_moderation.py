"""Moderation publishes exactly what was proposed plus the moderator's visible edits (issue 9 §11).

A resident's suggested place gained 「（祝日は休み）」 on approval: the proposed weekly session
was saved with the model's default `closed_on_holidays=True`. Approval now writes only the
proposal and the edits that the review page showed as "what approval will publish"."""

import re
from datetime import time

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sasaeai.directory import services
from sasaeai.directory.models import Schedule, Service, Suggestion
from sasaeai.directory.schedules import describe
from sasaeai.tenancy.models import Role

PROPOSAL = {"name": "公園のラジオ体操", "category": "exercise", "description": "朝6時半から、誰でも参加できます",
            "place_name": "中央公園", "address": "本町1-2-3", "weekday": 1, "opens_at": "06:30",
            "closes_at": "07:00", "schedule_text": "毎週火曜の朝"}


def _digest(page: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]*)"', page).group(1)


@pytest.fixture
def proposal(small_dir, make_user):
    resident = make_user(Role.RESIDENT, small_dir["m"])
    suggestion = services.submit_suggestion(by=resident, municipality=small_dir["m"],
                                            proposed={**PROPOSAL, "area": small_dir["a1"].pk})
    return suggestion


def test_approval_does_not_add_text_the_resident_never_wrote(small_dir, proposal, client_for):
    client = client_for(small_dir["coordinator"])
    page = client.get(f"/directory/moderation/{proposal.pk}/").content.decode()
    assert 'id="will-be-published"' in page  # the preview is on the page before approving
    assert "祝日" not in page.split('id="will-be-published"')[1].split("</table>")[0]
    response = client.post(f"/directory/moderation/{proposal.pk}/", {"decision": "approve",
                                                                      "digest": _digest(page)})
    assert response.status_code == 302
    service = Service.objects.get(suggestions=proposal)
    assert (service.name, service.description, service.category) == (
        PROPOSAL["name"], PROPOSAL["description"], PROPOSAL["category"])
    assert (service.location.name, service.location.address) == (PROPOSAL["place_name"], PROPOSAL["address"])
    schedule = service.schedules.get()
    assert (schedule.weekday, schedule.opens_at, schedule.closes_at, schedule.note) == (
        1, time(6, 30), time(7), "毎週火曜の朝")
    assert schedule.closed_on_holidays is False
    with translation.override("ja"):
        assert "祝日" not in describe(schedule)
    detail = client.get(f"/directory/r/{service.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "祝日" not in detail
    assert Suggestion.objects.get(pk=proposal.pk).edits == {}


def test_approved_weekly_session_is_not_said_to_close_on_holidays(small_dir, proposal):
    service = services.approve_suggestion(proposal, by=small_dir["coordinator"])
    schedule = service.schedules.get()
    with translation.override("ja"):
        assert describe(schedule) == "毎週火曜日 06:30–07:00"
    assert schedule.closed_on_holidays is False


def test_moderator_edits_are_shown_before_they_are_published(small_dir, proposal, client_for):
    client = client_for(small_dir["coordinator"])
    url = f"/directory/moderation/{proposal.pk}/"
    edit = {"name": "中央公園ラジオ体操", "closed_on_holidays": "on"}
    page = client.post(url, {"decision": "preview", **edit}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    table = page.split('id="will-be-published"')[1].split("</table>")[0]
    assert "中央公園ラジオ体操" in table and "（祝日は休み）" in table
    assert table.count("dir-edited") >= 2  # the name row and the schedule row are marked as edits
    assert not Service.objects.filter(suggestions=proposal).exists()  # the preview wrote nothing
    digest = _digest(page)

    # Approving with other edits than those shown is refused: the page shows the new preview.
    stale = client.post(url, {"decision": "approve", "digest": digest, **edit, "address": "本町9-9"})
    assert stale.status_code == 200 and "本町9-9" in stale.content.decode()
    assert Suggestion.objects.get(pk=proposal.pk).state == Suggestion.State.PENDING

    response = client.post(url, {"decision": "approve", "digest": digest, "note": "名称を補足", **edit})
    assert response.status_code == 302
    service = Service.objects.get(suggestions=proposal)
    assert service.name == "中央公園ラジオ体操" and service.schedules.get().closed_on_holidays is True
    assert service.description == PROPOSAL["description"]
    reviewed = Suggestion.objects.get(pk=proposal.pk)
    assert reviewed.proposed["name"] == PROPOSAL["name"]  # what the resident wrote is kept
    assert reviewed.edits == {"name": "中央公園ラジオ体操", "closed_on_holidays": True}


def test_a_correction_without_times_keeps_the_residents_words(small_dir, make_user):
    service = small_dir["public"]
    resident = make_user(Role.RESIDENT, small_dir["m"])
    suggestion = services.submit_suggestion(by=resident, municipality=small_dir["m"], service=service,
                                            proposed={"schedule_text": "第2木曜もやっています"})
    preview = services.approval_preview(suggestion, by=small_dir["coordinator"])
    approved = services.approve_suggestion(suggestion, by=small_dir["coordinator"])
    assert approved.description == "椅子に座ってできる体操です\n第2木曜もやっています"
    assert preview["after"] == services.snapshot(approved)


def test_edits_are_validated_like_the_proposal(small_dir, proposal):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.approve_suggestion(proposal, by=small_dir["coordinator"], edits={"closes_at": "06:00"})
    assert "closes_at" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.approve_suggestion(proposal, by=small_dir["coordinator"], edits={"status": "draft"})
    assert Suggestion.objects.get(pk=proposal.pk).state == Suggestion.State.PENDING


class _Rollback(Exception):
    pass


texts = st.text(alphabet="あいうえおかきくけこ体操公園 123", min_size=1, max_size=12)
proposals = st.fixed_dictionaries({}, optional={
    "name": texts, "description": texts, "place_name": texts, "address": texts, "contact_phone": st.just("042-000-1111"),
    "schedule_text": texts, "category": st.sampled_from(["exercise", "tea", "rest"]),
    "weekday": st.integers(0, 6), "opens_at": st.sampled_from(["09:00", "10:30"]),
    "closes_at": st.sampled_from(["11:00", "12:00"]),
})
edit_sets = st.fixed_dictionaries({}, optional={
    "name": texts, "description": st.one_of(texts, st.just("")), "closed_on_holidays": st.booleans(),
    "address": st.one_of(texts, st.just("")),
})


@settings(max_examples=30, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(proposed=proposals, edits=edit_sets, correction=st.booleans())
def test_approval_publishes_the_preview_and_only_proposed_or_edited_values(small_dir, make_user, proposed, edits,
                                                                            correction):
    m, coordinator = small_dir["m"], small_dir["coordinator"]
    resident = make_user(Role.RESIDENT, m)
    try:
        with transaction.atomic():
            service = Service.objects.get(pk=small_dir["public"].pk) if correction else None
            values = dict(proposed)
            if not correction:
                values = {"name": "新しい場所", "category": "tea", **values, "area": small_dir["a1"].pk}
            if not values:
                raise _Rollback
            suggestion = services.submit_suggestion(by=resident, municipality=m, proposed=values, service=service)
            before = services.snapshot(service) if service else {}
            preview = services.approval_preview(suggestion, by=coordinator, edits=edits)
            published = services.approve_suggestion(suggestion, by=coordinator, edits=edits)
            after = services.snapshot(published)
            assert preview["after"] == after
            final = {**values, **{k: v for k, v in edits.items() if k != "closed_on_holidays"}}
            final = {k: v for k, v in final.items() if v != ""}
            for key in ("name", "address", "contact_phone", "category"):
                assert after[key] == str(final.get(key, before.get(key, "")))
            if "place_name" in final:
                assert after["place_name"] == final["place_name"]
            expected_description = final.get("description", before.get("description", ""))
            has_session = all(k in final for k in ("weekday", "opens_at", "closes_at"))
            if final.get("schedule_text") and not has_session:
                expected_description = (expected_description + "\n" + final["schedule_text"]).strip()
            assert after["description"] == expected_description
            schedules = list(published.schedules.all())
            if has_session:
                assert [s.closed_on_holidays for s in schedules] == [bool(edits.get("closed_on_holidays"))]
            elif service is None:
                assert schedules == []
            else:
                assert after["schedules"] == before["schedules"]
            if has_session or service is None:  # a correction without a session keeps the old ones
                with translation.override("ja"):
                    holiday_text = any("祝日" in describe(s) for s in Schedule.objects.filter(service=published))
                assert holiday_text == (has_session and bool(edits.get("closed_on_holidays")))
            raise _Rollback
    except _Rollback:
        pass
