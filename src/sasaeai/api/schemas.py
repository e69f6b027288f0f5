"""Shared API schema pieces."""

from ninja.responses import codes_4xx

from .errors import ErrorOut

#: Add to every operation's `response=` so error bodies are part of the schema.
ERRORS = {codes_4xx: ErrorOut}


def responses(ok_status: int, schema) -> dict:
    return {ok_status: schema, **ERRORS}
