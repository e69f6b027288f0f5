"""What every app's pages share: running a service call from a view (画面からの操作).

Views are thin: they parse, authorise, call a service and render. A service refuses with
`ValidationError` (and, for rights, `PermissionDenied`); `attempt` turns the refusal into what
the person sees — the errors beside the form's fields where a form is given, the rest as error
messages on the page — so nothing is half done and no stack trace is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def show_refusal(request, exc: ValidationError, form=None) -> None:
    """A service's refusal on the page: field errors on `form`'s fields, others as messages."""
    if form is not None and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                for text in errors:
                    messages.error(request, text)
        return
    for text in exc.messages:
        messages.error(request, text)


def refusal_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A service's refusal as {field: [texts]}; errors of no field under "__all__"."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def attempt(request, fn: Callable[[], Any], success: str | None = None, form=None, *,
            refusal_as_message: bool = False, errors: dict | None = None) -> tuple[bool, Any]:
    """Run a service call. Returns (True, its result) and shows `success`, or (False, None)
    with the refusal shown (`show_refusal`). Pages without a Django form pass `errors`, a
    dict the refusal's field errors are added to (`refusal_errors`) for the template.
    `PermissionDenied` answers 403 unless `refusal_as_message`, where it becomes an error
    message too."""
    try:
        result = fn()
    except ValidationError as exc:
        show_refusal(request, exc, form)
        if errors is not None:
            errors.update(refusal_errors(exc))
        return False, None
    except PermissionDenied as exc:
        if not refusal_as_message:
            raise
        messages.error(request, str(exc) or _("You are not allowed to do this."))
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def perm_required(name: str):
    """A page for holders of the rules permission `name`: the sign-in page for visitors who are
    not signed in, 403 for people without the right."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
