"""API errors are JSON `{"code": stable_id, "message": localised text, "fields": {...}}`."""

import logging

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("sasaeai.api")


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ApiError(Exception):
    """Raise from an endpoint for a deliberate refusal with a stable code."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def _body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": {k: [str(m) for m in v] for k, v in (fields or {}).items()}}


def install(api) -> None:
    def respond(request, status, code, message, fields=None):
        return api.create_response(request, _body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def _invalid_input(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "data")]
            fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
        return respond(request, 422, "invalid_input", _("Some of what was sent is not valid."), fields)

    @api.exception_handler(DjangoValidationError)
    def _validation(request, exc: DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        codes = [e.code for e in exc.error_list] if not hasattr(exc, "error_dict") else [
            e.code for errs in exc.error_dict.values() for e in errs
        ]
        code = next((c for c in codes if c), "invalid")
        message = next(iter(exc.messages), _("The request is not valid."))
        return respond(request, 400, code, message, fields)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return respond(request, 401, "not_authenticated", _("Please log in, or send a valid API token."))

    @api.exception_handler(AuthorizationError)
    def _forbidden_auth(request, exc):
        return respond(request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return respond(request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(ObjectDoesNotExist)
    def _does_not_exist(request, exc):
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request, exc):
        return respond(request, 413, "too_large", _("What was sent is too large (at most %(mb)s MB).")
                       % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)})

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return respond(request, exc.status_code, "http_error", str(exc))

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        from django.db import OperationalError

        from sasaeai.core.conflicts import conflict_message, is_conflict

        if isinstance(exc, OperationalError) and is_conflict(exc):  # a race, not a server error
            logger.warning("transaction conflict answered with 409 on %s %s", request.method,
                           request.resolver_match.route if request.resolver_match else "?")
            return respond(request, 409, "conflict", conflict_message())
        # The traceback goes to the log; the user sees no internals and no data.
        logger.exception("Unhandled API error on %s %s", request.method, request.resolver_match.route if request.resolver_match else "?")
        return respond(request, 500, "server_error", _("Something went wrong on our side. Nothing was changed; please try again."))
