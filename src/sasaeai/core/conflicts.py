"""Races the database resolves by aborting a transaction (issue 10 §1).

Locks are taken only on the rows an invariant needs (`select_for_update(of=("self",))`), in a fixed
order (the request, then its offer), so crossed accepts do not wait on each other. Where PostgreSQL
still reports a serialization failure (SQLSTATE 40001) or a deadlock (40P01) — or SQLite is busy
past its timeout — the whole transaction is run again a bounded number of times
(`retry_on_conflict`). What still fails is answered with 409 「同時に操作が重なりました」 (API and
pages), never a 500: a race is not a server error."""

import functools
import logging
import random
import time

from django.db import OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger("sasaeai.conflicts")

CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 3


def is_conflict(exc: BaseException) -> bool:
    for candidate in (exc, exc.__cause__):
        if candidate is None:
            continue
        code = getattr(candidate, "sqlstate", None) or getattr(getattr(candidate, "diag", None), "sqlstate", None)
        if code in CONFLICT_SQLSTATES:
            return True
    return connection.vendor == "sqlite" and "database is locked" in str(exc)


def retry_on_conflict(func=None, *, attempts: int = ATTEMPTS):
    """Run `func` (one whole transaction) again when the database aborted it for a conflict.
    Inside an outer transaction nothing can be retried here: the outer caller's retry applies."""
    if func is None:
        return functools.partial(retry_on_conflict, attempts=attempts)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            if connection.in_atomic_block:
                return func(*args, **kwargs)
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if attempt == attempts or not is_conflict(exc):
                    raise
                logger.info("transaction conflict in %s, attempt %d of %d", func.__qualname__, attempt, attempts)
                time.sleep(random.uniform(0.005, 0.02) * 2**attempt)  # noqa: S311 - jitter, not security
        raise AssertionError("unreachable")

    return wrapper


def conflict_message() -> str:
    return _("Someone else was changing the same thing at the same moment. Nothing was lost; "
             "please try again.")


class ConflictMiddleware:
    """Pages: a conflict that survived the retries is a 409 page, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and is_conflict(exception):
            logger.warning("transaction conflict answered with 409 on %s", request.resolver_match.route
                           if request.resolver_match else "?")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "conflict", "message": conflict_message(), "fields": {}}, status=409)
            return render(request, "core/error.html", {"status": 409, "message": conflict_message()}, status=409)
        return None
