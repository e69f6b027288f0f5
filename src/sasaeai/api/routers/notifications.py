"""The user's own notifications and channel preference."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from sasaeai.notifications import selectors, services

from ..schemas import responses
from .helpers import BoundedPagination

PREFIX = "/notifications"
router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    channel: str
    subject: str
    body: str
    url: str = Field(..., description="The target: a path on this site")
    absolute_url: str = Field(..., description="The target as an absolute URL (SASAEAI_SITE_URL)")
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    read_at: dt.datetime | None


class PreferenceSchema(Schema):
    channel: str = Field(..., max_length=10, description="email | sms | line | in_app")
    line_user_id: str = Field("", max_length=64)


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=500, description="Omit to mark all as read")


class CountOut(Schema):
    updated: int


@router.get("", response=responses(200, list[NotificationOut]), summary="My notifications")
@paginate(BoundedPagination)
def list_notifications(request, unread: bool = False):
    qs = selectors.notifications_for(request.user)
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/read", response=responses(200, CountOut), summary="Mark notifications as read")
def mark_read(request, payload: MarkReadIn):
    return {"updated": services.mark_read(request.user, payload.ids)}


@router.get("/preference", response=responses(200, PreferenceSchema))
def get_preference(request):
    from sasaeai.notifications.models import NotificationPreference

    pref = NotificationPreference.objects.filter(user=request.user).first()
    return {"channel": services.preferred_channel(request.user), "line_user_id": pref.line_user_id if pref else ""}


@router.put("/preference", response=responses(200, PreferenceSchema))
def put_preference(request, payload: PreferenceSchema):
    pref = services.set_preference(request.user, payload.channel, payload.line_user_id)
    return {"channel": pref.channel, "line_user_id": pref.line_user_id}
