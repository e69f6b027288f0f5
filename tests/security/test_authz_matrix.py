"""Authorisation matrix generated from the URL conf and the OpenAPI schema (see
authz_expectations.py): every page and API operation × every role × own / other
municipality → expected allow/deny. The same run checks the access log: any response that
contains a value of a sensitive field (address, phone, notes, emergency contact, key box)
must have written an access-log entry for that resident during the request."""

import copy
import importlib.util
import json
import re
from pathlib import Path

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

_spec = importlib.util.spec_from_file_location("authz_expectations", Path(__file__).with_name("authz_expectations.py"))
X = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(X)

OP_PREFIX = "sasaeai_api_routers_"
#: The API's own meta pages are pages; its operations come from the schema.
API_META = {"api/v1/openapi.json", "api/v1/docs", "api/v1/"}


def _walk(patterns, prefix="", ns=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns + ((p.namespace,) if p.namespace else ()))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ":".join(ns + (p.name,)) if p.name else prefix + str(p.pattern)


def discovered_pages() -> dict[str, str]:
    """key -> route, for every page (Django admin and API operations excluded)."""
    pages = {}
    for route, key in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or (route.startswith("api/v1/") and route not in API_META):
            continue
        if route.startswith("^static") or route.startswith("static/"):
            continue
        pages[key] = route
    return pages


def discovered_operations() -> dict[str, tuple[str, str]]:
    from sasaeai.api.main import api

    schema = api.get_openapi_schema()
    ops = {}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            ops[op["operationId"].removeprefix(OP_PREFIX)] = (method, path)
    return ops


def test_every_endpoint_has_an_entry():
    pages, ops = discovered_pages(), discovered_operations()
    missing = sorted(set(pages) - set(X.PAGES)) + sorted(set(ops) - set(X.API))
    stale = sorted(set(X.PAGES) - set(pages)) + sorted(set(X.API) - set(ops))
    assert not missing, f"Endpoints without an authorisation expectation (add them to authz_expectations.py): {missing}"
    assert not stale, f"Expectations for endpoints that no longer exist: {stale}"


# --- running the matrix -------------------------------------------------------------------------

class _Rollback(Exception):
    pass


def _subjects(world, client_for):
    """(label, role, scope, client)."""
    out = [("anonymous", "anonymous", "own", Client()), ("operator", "operator", "own", client_for(world["operator"]))]
    for scope, tenant in (("own", world["a"]), ("other", world["b"])):
        for role in X.ROLES:
            out.append((f"{role}@{scope}", role, scope, client_for(tenant.users[role])))
    return out


def _expected(entry, role, scope) -> bool:
    return X.expected(entry, role, scope)


def _classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404, 405):
        return "deny"
    if status in (301, 302, 303):
        location = response.get("Location", "")
        return "deny" if "/accounts/login/" in location or "/accounts/otp/" in location else "allow"
    if status in (400, 409, 422):
        return "invalid"
    return "allow"


def _call(client, method, url, body, api: bool):
    """One request in a rolled-back savepoint; the client's cookies are restored too (a
    log-out must not log the subject out for the next cells)."""
    saved = copy.deepcopy(client.cookies)
    try:
        return _call_inner(client, method, url, body, api)
    finally:
        client.cookies = saved


class _Crash:
    status_code = 500

    def __init__(self, exc):
        self.content = repr(exc).encode()

    def get(self, *_a):
        return ""


def _call_inner(client, method, url, body, api: bool):
    """(response, body bytes, ids of residents whose record was logged during the call)."""
    from sasaeai.safety.models import AccessLog

    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with transaction.atomic():
            kwargs = {}
            if body is not None:
                kwargs = ({"data": json.dumps(body), "content_type": "application/json"} if api else {"data": body})
            elif api and method != "get":
                kwargs = {"data": "{}", "content_type": "application/json"}
            response = getattr(client, method)(url, **kwargs)
            content = (b"".join(response.streaming_content) if getattr(response, "streaming", False)
                       else response.content)
            logged = set(AccessLog.objects.filter(pk__gt=last).values_list("resident_id", flat=True))
            raise _Rollback
    except _Rollback:
        return response, content, logged
    except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported with the cell
        return _Crash(exc), b"", set()


def _unlogged_sensitive(world, content: bytes, logged: set) -> list[str]:
    """Sensitive values in the response whose resident has no new access-log entry."""
    text = content.decode("utf-8", errors="ignore")
    found = []
    for tenant in (world["a"], world["b"]):
        resident = tenant.objects["resident"]
        if resident.pk in logged:
            continue
        for marker in tenant.markers:
            if marker in text or json.dumps(marker)[1:-1] in text:
                found.append(marker)
    return found


def _fill(route: str, values: dict) -> str:
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), url)
    return url


def _kwargs(entry, route, world) -> dict:
    names = re.findall(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", route)
    names = [a or b for a, b in names]
    values = entry.kwargs(world) if entry.kwargs else {}
    for name in names:
        if name not in values:
            values[name] = X.KWARGS[name](world)
    return values


def _run(world, client_for, cases, api: bool):
    failures = []
    subjects = _subjects(world, client_for)
    for key, route, entry, method in cases:
        url = "/" + _fill(route.lstrip("/"), _kwargs(entry, route, world))
        if entry.query:
            from urllib.parse import urlencode

            url += "?" + urlencode(entry.query(world) if callable(entry.query) else entry.query)
        body = entry.body(world) if entry.body else None
        lenient = entry.body is None and method != "get"
        for label, role, scope, client in subjects:
            response, content, logged = _call(client, method, url, body, api)
            outcome = _classify(response)
            leaked = _unlogged_sensitive(world, content, logged)
            if leaked:
                failures.append(f"{key} {method.upper()} {url} as {label}: sensitive values shown without an "
                                f"access-log entry: {leaked}")
            expected = "allow" if _expected(entry, role, scope) else "deny"
            ok = outcome == expected or (outcome == "invalid" and lenient)
            if outcome == "error":
                ok = False
            if not ok:
                failures.append(f"{key} {method.upper()} {url} as {label}: expected {expected}, got {outcome}")
    return failures


def test_page_matrix_and_access_logging(world, client_for):
    pages = discovered_pages()
    cases = [(k, route, X.PAGES[k], X.PAGES[k].method) for k, route in sorted(pages.items()) if k in X.PAGES]
    failures = _run(world, client_for, cases, api=False)
    assert not failures, "\n".join(failures)


def test_api_matrix_and_access_logging(world, client_for):
    ops = discovered_operations()
    cases = [(k, path, X.API[k], method) for k, (method, path) in sorted(ops.items()) if k in X.API]
    failures = _run(world, client_for, cases, api=True)
    assert not failures, "\n".join(failures)
