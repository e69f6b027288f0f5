"""Every integer an API operation accepts is bounded in its schema (issue 10 §3).

Python integers have no size, the databases' do: `offset=9223372036854775808` used to reach
PostgreSQL and answer 500. Rather than trusting every router to remember `Field(le=…)`, the API
walks every operation's parameter and body models once, when it is built, and gives each integer
without its own bounds the range ±2⁵³ (exact in JavaScript, and sums of two stay within 64 bits).
Bounds a schema already declares are kept (the tighter one applies). The published OpenAPI shows
the bounds, and `tests/security/test_security_edge_input.py` checks that none is missing."""

import types
import typing

import annotated_types
from pydantic import BaseModel

LIMIT = 2**53
_BOUNDS = (annotated_types.Ge(-LIMIT), annotated_types.Le(LIMIT))


def _bounded(tp, models: list):
    """`tp` with every bare `int` inside it bounded; nested models are collected for patching."""
    if tp is int:
        return typing.Annotated[int, *_BOUNDS]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        models.append(tp)
        return tp
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return typing.Annotated[_bounded(args[0], models), *tp.__metadata__]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_bounded(a, models) for a in args)]  # noqa: UP007
    if origin in (list, set, frozenset, tuple) and args:
        return origin[tuple(_bounded(a, models) for a in args)] if origin is tuple else origin[_bounded(args[0], models)]
    if origin is dict and len(args) == 2:
        return dict[args[0], _bounded(args[1], models)]
    return tp


def _patch(model: type[BaseModel], done: set) -> None:
    if model in done:
        return
    done.add(model)
    nested: list = []
    changed = False
    for field in model.model_fields.values():
        new = _bounded(field.annotation, nested)
        if new != field.annotation:
            field.annotation = new
            changed = True
    for child in nested:
        _patch(child, done)
    if changed or nested:
        model.model_rebuild(force=True)


def bound_integers(api) -> None:
    done: set = set()
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.signature.models:
                    _patch(model, done)
