"""The published API schema tells the truth (issue 10 §7): every schema has a name of its own, each
operation documents the body model it really validates with (limits included), and the schema is
built once per process."""

import json
from unittest import mock

import ninja.main
import pytest
from django.test import Client
from pydantic import BaseModel

from sasaeai.api.main import api


def _operations():
    for bound_router in api._get_bound_routers():
        for path, path_view in bound_router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def _models(model, found):
    if model in found:
        return
    found.add(model)
    for field in model.model_fields.values():
        for candidate in _walk_types(field.annotation):
            _models(candidate, found)


def _walk_types(tp):
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        yield tp
    for arg in getattr(tp, "__args__", ()) or ():
        yield from _walk_types(arg)


def _resolve(schema, components):
    """The schema with every $ref replaced by its component (titles dropped: names differ)."""
    if isinstance(schema, dict):
        if "$ref" in schema:  # siblings of a $ref (a default) merge into the component
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return _resolve({**components[schema["$ref"].rsplit("/", 1)[-1]], **rest}, components)
        if len(schema.get("allOf", ())) == 1:  # {allOf: [X], default: …} is X with a default
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            return _resolve({**schema["allOf"][0], **rest}, components)
        return {k: _resolve(v, components) for k, v in schema.items()
                if k != "title" and not (k == "default" and v is None)}  # ninja omits null defaults
    if isinstance(schema, list):
        return [_resolve(v, components) for v in schema]
    return schema


def test_no_two_schemas_share_a_name():
    found: set = set()
    for _path, operation in _operations():
        for model in operation.signature.models:
            _models(model, found)
        for response_model in (operation.response_models or {}).values():
            if isinstance(response_model, type) and issubclass(response_model, BaseModel):
                _models(response_model, found)
    by_name: dict[str, set] = {}
    for model in found:
        if model.__module__.startswith("sasaeai"):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, shared


def test_every_documented_request_body_is_the_model_the_operation_validates_with():
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    by_id = {op["operationId"]: op for ops in schema["paths"].values() for op in ops.values()}
    wrong = []
    for path, operation in _operations():
        for params_model in operation.signature.models:
            if "payload" not in params_model.model_fields:
                continue
            payload = params_model.model_fields["payload"].annotation
            if not (isinstance(payload, type) and issubclass(payload, BaseModel)):
                continue
            own = payload.model_json_schema(ref_template="#/$defs/{model}")
            own_resolved = _resolve({k: v for k, v in own.items() if k != "$defs"},
                                    {**own.get("$defs", {})}) if "$defs" in own else _resolve(own, {})
            documented = by_id[api.get_openapi_operation_id(operation)]["requestBody"]["content"]["application/json"]["schema"]
            if _resolve(documented, components) != own_resolved:
                wrong.append(f"{path}: {payload.__qualname__}")
    assert not wrong, wrong


def test_suspension_documents_the_limits_the_service_enforces():
    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/helpers/{profile_id}/suspend"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    reason = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]["properties"]["reason"]
    assert (reason["minLength"], reason["maxLength"]) == (3, 2000)
    review = schema["paths"]["/api/v1/helpers/qualifications/{qualification_id}/review"]["post"]["requestBody"]
    review_schema = schema["components"]["schemas"][review["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert set(review_schema["properties"]) == {"approve", "note"}


@pytest.mark.django_db
def test_the_schema_is_built_once_per_process():
    api.__dict__.pop("_schema_cache", None)
    with mock.patch.object(ninja.main, "get_schema", wraps=ninja.main.get_schema) as built:
        first = Client().get("/api/v1/openapi.json")
        second = Client().get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert json.loads(first.content) == json.loads(second.content)
    assert built.call_count == 1
