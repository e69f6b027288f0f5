"""Issue 9 §5: changing a line of a batch proposal keeps every check. Feasible helpers are
offered ranked with explanations; an unfit one needs an explicit, audited exception with a
reason; hard refusals can never be overridden."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sasaeai.requests import batch, services
from sasaeai.requests.models import Block, ProposedAssignment
from sasaeai.safety.models import AuditEvent

from .conftest import give_consent, make_helper, tomorrow_at

pytestmark = pytest.mark.django_db

REASON = "利用者さんの希望で、前回の方にお願いするため"


def _request(town, start=None, **kw):
    return services.create_request(user=town.proxy_user, recipient=town.resident,
                                   category=kw.pop("category", "housework"),
                                   starts_at=start or tomorrow_at(10), duration_minutes=60, **kw)


def _run(town):
    day = tomorrow_at(10).date()
    return batch.run_batch(municipality=town.municipality, day=day, by=town.coordinator, time_limit_s=2)


def _line(run, req) -> ProposedAssignment:
    return run.lines.select_related("request", "request__recipient", "helper").get(request=req)


@pytest.fixture
def unskilled(town):
    return make_helper(town.municipality, skills=["watch_talk"])


def test_choices_are_the_ranked_feasible_helpers_without_double_assignment(town, unskilled):
    a, b = _request(town), _request(town)  # same time: two different helpers
    blocked = make_helper(town.municipality)
    Block.objects.create(recipient=town.resident, helper=blocked, side="recipient")
    run = _run(town)
    line_a, line_b = _line(run, a), _line(run, b)
    assert line_a.helper_id and line_b.helper_id and line_a.helper_id != line_b.helper_id

    choices = batch.line_choices(line_a, lang="ja")
    feasible = [c.profile.pk for c in choices.feasible]
    assert line_a.helper_id in feasible
    assert line_b.helper_id not in feasible  # already proposed at this time in this run
    costs = [c.candidate.cost for c in choices.feasible]
    assert costs == sorted(costs) and all("km" in c.explanation for c in choices.feasible)
    assert {c.profile.pk: c.codes for c in choices.override} == {unskilled.pk: ("missing_skill",)}
    assert "対応分野外" in choices.override[0].explanation
    refused = {c.profile.pk: c.codes for c in choices.refused}
    assert refused[blocked.pk][0] == "blocked" and refused[line_b.helper_id] == ("overlap",)


def test_a_feasible_choice_keeps_its_explanation(town):
    req = _request(town)
    run = _run(town)
    line = _line(run, req)
    other = next(h for h in town.helpers if h.pk != line.helper_id)
    line = batch.edit_line(line, by=town.coordinator, helper=other)
    assert line.helper_id == other.pk and line.edited and line.reasons and line.distance_km is not None
    assert line.override_codes == [] and not AuditEvent.objects.filter(action="matching.line_override").exists()


def test_an_unfit_helper_needs_an_explicit_exception_with_a_reason(town, unskilled, client_for):
    req = _request(town)
    run = _run(town)
    line = _line(run, req)
    before = line.helper_id
    with pytest.raises(ValidationError) as exc:
        batch.edit_line(line, by=town.coordinator, helper=unskilled)
    assert exc.value.code == "override_required" and "対応分野外" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        batch.edit_line(line, by=town.coordinator, helper=unskilled, override=True, override_reason="短い")
    assert exc.value.error_dict["override_reason"][0].code == "override_reason_required"
    line.refresh_from_db()
    assert line.helper_id == before and not line.edited

    line = batch.edit_line(line, by=town.coordinator, helper=unskilled, override=True, override_reason=REASON)
    assert line.helper_id == unskilled.pk and line.override_codes == ["missing_skill"]
    assert line.override_reason == REASON
    event = AuditEvent.objects.get(action="matching.line_override")
    assert event.actor == town.coordinator and event.target_id == line.pk
    assert event.details == {"run_id": run.pk, "request_id": req.pk, "helper_id": unskilled.pk,
                             "codes": ["missing_skill"]}
    assert REASON not in str(event.details)  # free text stays on the line, not in the log

    page = client_for(town.coordinator).get(f"/requests/matching/{run.pk}/").content.decode()
    assert "手動で例外" in page and REASON in page and "対応分野外" in page
    # Confirming sends the offer to the chosen helper.
    batch.confirm_run(run, by=town.coordinator)
    assert req.offers.get().helper_id == unskilled.pk


def _suspend(town, req, helper):
    helper.suspended_at = timezone.now()
    helper.save(update_fields=["suspended_at"])


def _block_by_recipient(town, req, helper):
    Block.objects.create(recipient=town.resident, helper=helper, side="recipient")


def _block_by_helper(town, req, helper):
    Block.objects.create(recipient=town.resident, helper=helper, side="helper")


def _withdraw_consent(town, req, helper):
    give_consent(town.resident, granted=False)


def _book_elsewhere(town, req, helper):
    other = _request(town, tomorrow_at(10, 30))
    offer = services.offer_to(other, [helper], by=town.coordinator)[0]
    services.accept_offer(offer, user=helper.user)


@pytest.mark.parametrize(("make_hard", "code"), [
    (_suspend, "suspended"),
    (_block_by_recipient, "blocked"),
    (_block_by_helper, "blocked"),
    (_withdraw_consent, "no_consent"),
    (_book_elsewhere, "overlap"),
])
def test_hard_refusals_are_refused_even_with_an_override(town, make_hard, code):
    req = _request(town)
    run = _run(town)
    line = _line(run, req)
    helper = next(h for h in town.helpers if h.pk != line.helper_id)
    make_hard(town, req, helper)
    before = (line.helper_id, line.edited)
    with pytest.raises(ValidationError) as exc:
        batch.edit_line(line, by=town.coordinator, helper=helper, override=True, override_reason=REASON)
    assert exc.value.code == code and exc.value.messages[0]
    line.refresh_from_db()
    assert (line.helper_id, line.edited) == before
    assert not AuditEvent.objects.filter(action="matching.line_override").exists()


def test_a_missing_qualification_is_refused_even_with_an_override(town):
    qualified = make_helper(town.municipality, quals=["shoninsha_kenshu"])
    req = _request(town, category="personal_care")
    run = _run(town)
    line = _line(run, req)
    assert line.helper_id == qualified.pk
    choices = batch.line_choices(line)
    assert {c.profile.pk for c in choices.feasible} == {qualified.pk}
    assert {c.codes[0] for c in choices.refused} == {"missing_qualification"}
    with pytest.raises(ValidationError) as exc:
        batch.edit_line(line, by=town.coordinator, helper=town.helpers[0], override=True, override_reason=REASON)
    assert exc.value.code == "missing_qualification"


def test_edit_line_page_and_api(town, unskilled, client_for):
    req = _request(town)
    run = _run(town)
    line = _line(run, req)
    coord = client_for(town.coordinator)
    page = coord.get(f"/requests/matching/{run.pk}/lines/{line.pk}/choose/").content.decode()
    assert 'id="feasible"' in page and 'id="needs-override"' in page and unskilled.user.display_name in page
    r = coord.post(f"/requests/matching/{run.pk}/lines/{line.pk}/", {"helper": unskilled.pk})
    assert r.status_code == 302 and r["Location"].endswith("/choose/")  # refused: back to the choices
    r = coord.post(f"/requests/matching/{run.pk}/lines/{line.pk}/",
                   {"helper": unskilled.pk, "override": "1", "override_reason": REASON})
    assert r.status_code == 302 and r["Location"] == f"/requests/matching/{run.pk}/"
    line.refresh_from_db()
    assert line.helper_id == unskilled.pk and line.override_codes == ["missing_skill"]

    base = f"/api/v1/matching/runs/{run.pk}/lines/{line.pk}"
    data = coord.get(base + "/choices").json()
    assert [c["rank"] for c in data["feasible"]] == list(range(1, len(data["feasible"]) + 1))
    assert all(c["explanation"] and c["distance_km"] is not None for c in data["feasible"])
    assert data["override"][0]["helper_id"] == unskilled.pk and data["override"][0]["codes"] == ["missing_skill"]
    r = coord.patch(base, {"helper_id": unskilled.pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "override_required"
    r = coord.patch(base, {"helper_id": unskilled.pk, "override": True, "override_reason": " 短い "},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "override_reason_required"
    assert r.json()["fields"]["override_reason"]
    r = coord.patch(base, {"helper_id": unskilled.pk, "override": True, "override_reason": REASON},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["override_codes"] == ["missing_skill"] and r.json()["override"]
    Block.objects.create(recipient=town.resident, helper=town.helpers[0], side="helper")
    r = coord.patch(base, {"helper_id": town.helpers[0].pk, "override": True, "override_reason": REASON},
                    content_type="application/json", headers={"accept-language": "en"})
    assert r.status_code == 400 and r.json()["code"] == "blocked" and "not matched" in r.json()["message"]


def test_every_engine_rejection_is_either_overridable_or_never():
    from sasaeai.matching import REJECTION_CODES

    assert batch.OVERRIDABLE | batch.NEVER_OVERRIDE == set(REJECTION_CODES)
    assert not batch.OVERRIDABLE & batch.NEVER_OVERRIDE
