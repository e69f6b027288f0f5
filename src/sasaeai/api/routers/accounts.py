"""`/api/v1/auth/token` and `/api/v1/me`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from sasaeai.accounts import services
from sasaeai.accounts.models import ApiToken
from sasaeai.tenancy.selectors import is_staff_member, memberships_of

from ..errors import ApiError
from ..schemas import responses

PREFIX = ""
router = Router(tags=["accounts"])


class TokenIn(Schema):
    login: str = Field(..., max_length=254, description="Email address or phone number")
    password: str = Field(..., max_length=256)
    otp: str | None = Field(None, max_length=8, description="TOTP code; required for staff")
    name: str = Field("api", max_length=100)


class TokenOut(Schema):
    token: str
    expires_at: str


class MembershipOut(Schema):
    municipality_id: int | None
    role: str
    role_label: str
    area_ids: list[int]


class MeOut(Schema):
    id: int
    display_name: str
    furigana: str
    preferred_language: str
    two_factor_required: bool
    memberships: list[MembershipOut]


@router.post("/auth/token", auth=None, response=responses(201, TokenOut), summary="Issue an API token")
def issue_token(request, payload: TokenIn):
    """Exchange a log-in (and, for staff, a TOTP code) for a bearer token. The key is shown once."""
    try:
        user = services.check_credentials(request, payload.login, payload.password)
    except ValidationError as exc:
        raise ApiError(401, exc.error_list[0].code or "login_invalid", exc.messages[0]) from exc
    staff = user.is_staff or is_staff_member(user)
    verified = False
    if staff:
        if not payload.otp or services.verify_totp(user, payload.otp) is None:
            raise ApiError(401, "two_factor_required", _("Staff accounts must send a current two-step verification code (otp)."))
        verified = True
    token, key = ApiToken.issue(user, payload.name, two_factor_verified=verified)
    return 201, {"token": key, "expires_at": token.expires_at.isoformat()}


@router.get("/me", response=responses(200, MeOut), summary="The current user and their roles")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "furigana": user.furigana,
        "preferred_language": user.preferred_language,
        "two_factor_required": user.is_staff or is_staff_member(user),
        "memberships": [
            {
                "municipality_id": m.municipality_id,
                "role": m.role,
                "role_label": str(m.get_role_display()),
                "area_ids": sorted(a.pk for a in m.areas.all()),
            }
            for m in memberships_of(user)
        ],
    }
