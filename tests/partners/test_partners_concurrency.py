"""PostgreSQL: reviews made at the same moment — two managers deciding one application, two
reviewers deciding one proposal, a proposal sent while the challenge closes — give exactly one
outcome, never two."""

import pytest
from django.core.exceptions import ValidationError

from sasaeai.partners import services
from sasaeai.partners.models import (
    ChallengeStatus,
    Proposal,
    ProposalStatus,
    Registration,
    RegistrationStatus,
)
from sasaeai.tenancy.models import Role
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

from .conftest import register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _code(fn):
    """The refusal's code (a field error's), so `race` records it."""
    def run():
        try:
            return fn()
        except ValidationError as exc:
            codes = [e.code for errs in exc.error_dict.values() for e in errs] if hasattr(exc, "error_dict") \
                else [exc.code]
            return codes[0]
    return run


def test_two_managers_decide_one_application_once(postgres_only, town, make_user):  # noqa: F811
    reg = services.registration_apply(by=town["clerk"], scheme=town["scheme"], partner=town["shop"])
    other_l1 = make_user(Role.COORDINATOR_L1, town["m"])
    results, errors = race([
        _code(lambda: services.registration_review(by=town["l1"], registration=reg, approve=True)),
        _code(lambda: services.registration_review(by=other_l1, registration=reg, approve=False,
                                                   reason="書類不足")),
    ])
    assert errors == []
    assert sorted(r if isinstance(r, str) else "done" for r in results) == ["done", "not_applied"]
    assert Registration.objects.get(pk=reg.pk).status in (RegistrationStatus.REGISTERED, RegistrationStatus.DECLINED)


def test_two_reviewers_decide_one_proposal_once(postgres_only, town):  # noqa: F811
    register(town, town["shop"], town["clerk"])
    challenge = services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping",
                                          area=town["north"], title="買い物支援", business_terms="週1回")
    proposal = services.proposal_submit(by=town["clerk"], challenge=challenge, partner=town["shop"],
                                        description="移動販売", area_text="北")
    results, errors = race([
        _code(lambda: services.proposal_review(by=town["sc"], proposal=proposal, decision="accept")),
        _code(lambda: services.proposal_review(by=town["l1"], proposal=proposal, decision="decline",
                                               reason="予算外")),
    ])
    assert errors == []
    assert sorted(r if isinstance(r, str) else "done" for r in results) == ["done", "not_submitted"]
    assert Proposal.objects.get(pk=proposal.pk).status in (ProposalStatus.PILOT, ProposalStatus.DECLINED)


def test_a_proposal_racing_the_close_is_either_in_before_or_refused(postgres_only, town):  # noqa: F811
    register(town, town["shop"], town["clerk"])
    challenge = services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping",
                                          area=town["north"], title="買い物支援", business_terms="週1回")
    results, errors = race([
        _code(lambda: services.proposal_submit(by=town["clerk"], challenge=challenge, partner=town["shop"],
                                               description="移動販売", area_text="北")),
        _code(lambda: services.challenge_close(by=town["sc"], challenge=challenge)),
    ])
    assert errors == []
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED
    refused = "challenge_closed" in results
    assert Proposal.objects.filter(challenge=challenge).count() == (0 if refused else 1)
