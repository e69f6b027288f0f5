"""Partners (協力事業者): watch-over alerts, challenges and proposals, agreements, the national
needs view.

Partner staff see only their own organisation's records: an alert's receipt is its id, time
and "received"/"handled" — never the household; a proposal only when it is their own."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from sasaeai.partners import selectors, services
from sasaeai.partners.models import PartnerProfile
from sasaeai.tenancy.models import Area

from ..schemas import responses

PREFIX = "/partners"
MAX_ID = 2**53
router = Router(tags=["partners"])


class WatchAlertIn(Schema):
    partner_id: int = Field(..., ge=1, le=MAX_ID)
    signs: list[str] = Field(default_factory=list, max_length=20)
    text: str = Field("", max_length=2000)
    place: str = Field("", max_length=200)
    area_id: int | None = Field(None, ge=1, le=MAX_ID)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    emergency_called: bool = False


class AlertReceiptOut(Schema):
    id: int
    reported_at: datetime
    status: str


class ChallengeOut(Schema):
    id: int
    municipality_id: int
    area: str | None
    category: str
    title: str
    business_terms: str
    offer: str
    counts: dict
    status: str


class PartnerProposalIn(Schema):
    partner_id: int = Field(..., ge=1, le=MAX_ID)
    description: str = Field(..., max_length=4000)
    area_text: str = Field(..., max_length=200)
    price: str = Field("", max_length=100)
    starts_on: date | None = None


class PartnerProposalOut(Schema):
    id: int
    challenge_id: int
    partner: str
    description: str
    area_text: str
    price: str
    starts_on: date | None
    status: str
    status_label: str
    review_reason: str
    progress: int
    resource_id: int | None


class ReviewIn(Schema):
    decision: str = Field(..., max_length=10)
    reason: str = Field("", max_length=500)


class PartnerAgreementOut(Schema):
    id: int
    type: str
    title: str
    signed_on: date
    starts_on: date
    ends_on: date | None
    auto_renew: bool
    items: list[dict]


def _own_partner(request, partner_id: int) -> PartnerProfile:
    partner = PartnerProfile.objects.filter(pk=partner_id, pk__in=selectors.own_partner_ids(request.user)).first()
    if partner is None:
        raise PermissionDenied
    return partner


@router.post("/alerts", response=responses(201, AlertReceiptOut), summary="Report a watch-over alert")
def report_alert(request, payload: WatchAlertIn):
    partner = _own_partner(request, payload.partner_id)
    area = Area.objects.filter(pk=payload.area_id).first() if payload.area_id else None
    alert = services.alert_report(by=request.user, partner=partner, signs=payload.signs, text=payload.text,
                                  place=payload.place, area=area, lat=payload.lat, lon=payload.lon,
                                  emergency_called=payload.emergency_called)
    return 201, {"id": alert.pk, "reported_at": alert.created_at, "status": "received"}


@router.get("/alerts", response=responses(200, list[AlertReceiptOut]), summary="Your organisation's alert receipts")
def alert_receipts(request):
    return [{"id": r["id"], "reported_at": r["at"], "status": r["status"]}
            for r in services.alert_receipts(request.user, 100)]


def _challenge_out(c) -> dict:
    return {"id": c.pk, "municipality_id": c.municipality_id, "area": c.area.name if c.area_id else None,
            "category": c.category, "title": c.title, "business_terms": c.business_terms, "offer": c.offer,
            "counts": c.counts, "status": c.status}


@router.get("/challenges", response=responses(200, list[ChallengeOut]), summary="Challenges you may see")
def list_challenges(request):
    return [_challenge_out(c) for c in selectors.challenges_for(request.user)[:200]]


def _proposal_out(p) -> dict:
    return {"id": p.pk, "challenge_id": p.challenge_id, "partner": p.partner.organization.name,
            "description": p.description, "area_text": p.area_text, "price": p.price, "starts_on": p.starts_on,
            "status": p.status, "status_label": p.get_status_display(), "review_reason": p.review_reason,
            "progress": p.progress, "resource_id": p.resource_id}


@router.post("/challenges/{challenge_id}/proposals", response=responses(201, PartnerProposalOut),
             summary="Propose an answer to a challenge")
def submit_proposal(request, payload: PartnerProposalIn, challenge_id: int = Path(..., ge=1, le=MAX_ID)):
    challenge = get_object_or_404(selectors.challenges_for(request.user), pk=challenge_id)
    partner = _own_partner(request, payload.partner_id)
    proposal = services.proposal_submit(by=request.user, challenge=challenge, partner=partner,
                                        description=payload.description, area_text=payload.area_text,
                                        price=payload.price, starts_on=payload.starts_on)
    return 201, _proposal_out(proposal)


@router.get("/proposals", response=responses(200, list[PartnerProposalOut]), summary="Proposals you may see")
def list_proposals(request):
    return [_proposal_out(p) for p in selectors.proposals_for(request.user)[:200]]


@router.get("/proposals/{proposal_id}", response=responses(200, PartnerProposalOut), summary="One proposal")
def get_proposal(request, proposal_id: int = Path(..., ge=1, le=MAX_ID)):
    return _proposal_out(get_object_or_404(selectors.proposals_for(request.user), pk=proposal_id))


@router.post("/proposals/{proposal_id}/review", response=responses(200, PartnerProposalOut), summary="Review a proposal")
def review_proposal(request, payload: ReviewIn, proposal_id: int = Path(..., ge=1, le=MAX_ID)):
    proposal = get_object_or_404(selectors.proposals_for(request.user), pk=proposal_id)
    return _proposal_out(services.proposal_review(by=request.user, proposal=proposal, decision=payload.decision,
                                                  reason=payload.reason))


@router.get("/agreements", response=responses(200, list[PartnerAgreementOut]), summary="Agreements you may see")
def list_agreements(request):
    return [{"id": a.pk, "type": a.type, "title": a.title, "signed_on": a.signed_on, "starts_on": a.starts_on,
             "ends_on": a.ends_on, "auto_renew": a.auto_renew,
             "items": [{"number": i.number, "text": i.text} for i in a.items.all()]}
            for a in selectors.agreements_for(request.user)[:200]]


@router.get("/national", response=responses(200, dict), summary="Needs by category and prefecture (operator)")
def national_needs(request):
    if not request.user.has_perm("partners.national_view"):
        raise PermissionDenied
    view = services.national_view()
    table = view["table"]
    return {"k": view["k"], "prefectures": view["prefectures"], "categories": view["categories"],
            "cells": table.cells if table else [], "row_totals": table.row_totals if table else [],
            "col_totals": table.col_totals if table else [], "total": table.total if table else None}
