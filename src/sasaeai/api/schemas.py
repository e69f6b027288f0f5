"""Shared API schema pieces."""

from ninja.responses import codes_4xx

from .errors import ErrorOut

#: Add to every operation's `response=` so error bodies are part of the schema. ninja's
#: `codes_4xx` leaves out 413/415/422, which this API does answer (422: invalid input).
ERRORS = {frozenset(codes_4xx | {413, 415, 422}): ErrorOut}


def responses(ok_status: int, schema) -> dict:
    return {ok_status: schema, **ERRORS}
