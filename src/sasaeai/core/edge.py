"""Validation at the edge, once for every page and API operation (issue 10 §3).

- Control characters (NUL and the other C0 controls except tab, line feed and carriage return)
  in a query string, a form body or a JSON body are refused: PostgreSQL's text type cannot hold
  NUL, and none of them belongs in anything a person types. API: 422 `invalid_input`; pages: 400.
- A body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (file uploads excepted, they have their own
  limits) is refused with 413 before anything reads it. API: `{code: "too_large", …}`.
Integers are bounded in the API schemas themselves (`api/schemas.py`: `Id`, `Int64`).
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
API_PREFIX = "/api/"


def _bad_strings(value, path="__all__"):
    """Yield the field paths of every string (key or value) with a control character."""
    if isinstance(value, str):
        if CONTROL.search(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            name = str(key) if path == "__all__" else f"{path}.{key}"
            if isinstance(key, str) and CONTROL.search(key):
                yield path
            yield from _bad_strings(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_strings(item, f"{path}.{index}" if path != "__all__" else str(index))


def _control_message():
    return _("Control characters (such as NUL) cannot be used. Please remove them and send again.")


class EdgeInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def refusal(self, request):
        is_api = request.path.startswith(API_PREFIX)
        if CONTROL.search(request.path):
            return self._refuse(request, is_api, 422 if is_api else 400, "invalid_input",
                                _control_message(), {"__all__": [_control_message()]})
        bad = [key for key, values in request.GET.lists()
               if CONTROL.search(key) or any(CONTROL.search(v) for v in values)]
        content_type = (request.content_type or "").lower()
        multipart = content_type.startswith("multipart/")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if not multipart and limit is not None and length > limit:
            return self._too_large(request, is_api)
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not multipart:
            try:
                if content_type == "application/json" or content_type.endswith("+json"):
                    body = request.body
                    if body:
                        try:
                            data = json.loads(body)
                        except (ValueError, UnicodeDecodeError):
                            data = None  # malformed JSON: the API answers 422 itself
                        bad += list(_bad_strings(data))
                elif content_type == "application/x-www-form-urlencoded":
                    bad += [key for key, values in request.POST.lists()
                            if CONTROL.search(key) or any(CONTROL.search(v) for v in values)]
            except RequestDataTooBig:
                return self._too_large(request, is_api)
        if bad:
            message = _control_message()
            return self._refuse(request, is_api, 422 if is_api else 400, "invalid_input", message,
                                {name: [message] for name in dict.fromkeys(bad)})
        return None

    def _too_large(self, request, is_api):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("What was sent is too large (at most %(mb)s MB).") % {"mb": limit_mb}
        return self._refuse(request, is_api, 413, "too_large", message, {})

    @staticmethod
    def _refuse(request, is_api, status, code, message, fields):
        if is_api:
            return JsonResponse({"code": code, "message": str(message), "fields": fields}, status=status)
        return render(request, "core/error.html", {"status": status, "message": message}, status=status)
