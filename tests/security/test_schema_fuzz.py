"""schemathesis over the whole OpenAPI schema, and issue 13's hostile input sent to every
operation, against a small seeded world.

schemathesis generates twelve examples per operation, each sent as a role drawn with it
(anonymous or a token for one of the others); no answer may be a 5xx or break the schema. The
generated data is derived from the schema, so it also tries the wrong types, missing fields and
out-of-range values the schema rules out. Then every operation gets, as the roles that pass
some permission check, the values that used to be 500s: huge and Unicode numbers in every
query parameter and body field, ids beyond PostgreSQL's integers, JSON nested 50,000 deep.
"""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .test_permission_matrix import schema_operations, url_for
from .world import ROLES, build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
# Twelve examples per operation, each as one role: about as many calls as two examples sent
# as all six roles took (three minutes on two cores).
EXAMPLES_PER_OPERATION = 12
APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/schema/", APP)


@pytest.fixture
def tokens(db):
    """The world, and an Authorization header per role (none for anonymous)."""
    users, _side_a, _side_b = build_world()
    return {
        role: {} if user is None else {"Authorization": f"Token {Token.objects.create(user=user)}"}
        for role, user in users.items()
    }


@pytest.fixture(autouse=True)
def _requests_share_the_test_transaction():
    """A real WSGI handler closes the connection around each request, which would end the
    test's transaction; Django's own test client unhooks the same signals for that reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES))
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_and_answers_conform(case, role, tokens):
    # What the issue asks: no 5xx, no undocumented status, no answer that breaks its
    # documented shape (error answers included). Lenient reading of unknown query parameters
    # is deliberate. Each example goes as one role drawn with it, so the same number of calls
    # tries six times as many examples as sending each to every role did.
    case.call_and_validate(headers=tokens[role], checks=CHECKS)


# Explicit examples: what issue 13 found as 500s, sent to every operation ---------------------

HOSTILE_QUERY_VALUES = {
    "unicode-digits": "²",
    "arabic-indic-digits": "١٢",
    "huge-exponent": "1e400",
    "beyond-bigint": "99999999999999999999",
    "not-a-number": "NaN",
    "word": "abc",
    "negative": "-1",
}
# JSON text of each value, so that numbers JSON allows but Python cannot hold exactly go as
# they are (1e400 is a JSON number; json.dumps would never write it).
HOSTILE_BODY_VALUES = {
    "huge-exponent-number": "1e400",
    "huge-exponent-string": '"1e400"',
    "beyond-bigint": "99999999999999999999",
    "beyond-bigint-negative": "-99999999999999999999",
    "unicode-digits": '"²"',
    "not-a-number": '"NaN"',
    "list-for-scalar": "[1]",
    "object-for-scalar": '{"a": 1}',
    "long-text": json.dumps("长" * 5_000),
}
DEEP_JSON = "[" * 50_000 + "]" * 50_000
# The roles that get past the permission check of some operation: the others only repeat
# the province's or the operator's answers.
HOSTILE_ROLES = ("anonymous", "province", "operator", "enterprise")


def request_properties(operation: dict, components: dict) -> list[str]:
    """The names of the JSON body's properties the operation documents."""
    content = operation.get("requestBody", {}).get("content", {})
    body_schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in body_schema:
        body_schema = components[body_schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(body_schema.get("properties", {}))


def hostile_requests(method: str, path: str, operation: dict, components: dict):
    """(what is tried, path, query, JSON body text) for one operation."""
    queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    for kind, value in HOSTILE_QUERY_VALUES.items():
        if queries:
            yield f"query {kind}", path, dict.fromkeys(queries, value), None
    if "{id}" in path:
        yield "path beyond-bigint", path, {}, None
    if method in {"POST", "PUT", "PATCH"}:
        yield "deep JSON", path, {}, DEEP_JSON
        fields = request_properties(operation, components)
        for kind, literal in HOSTILE_BODY_VALUES.items():
            if fields:
                body = "{" + ", ".join(f'"{field}": {literal}' for field in fields) + "}"
                yield f"body {kind}", path, {}, body


@pytest.mark.parametrize("operation", schema_operations(), ids=" ".join)
def test_hostile_input_gets_no_server_error(operation, db):
    method, path = operation
    document = SchemaGenerator().get_schema(request=None, public=True)
    components = document["components"]["schemas"]
    users, side_a, _side_b = build_world()
    server_errors = []
    for role in HOSTILE_ROLES:
        client = APIClient(raise_request_exception=False)
        if users[role] is not None:
            client.force_authenticate(user=users[role])
        specification = document["paths"][path][method.lower()]
        for kind, template, query, body in hostile_requests(
            method, path, specification, components
        ):
            if kind == "path beyond-bigint":
                url = template.replace("{id}", "99999999999999999999")
            else:
                url = url_for(template, side_a)
            with transaction.atomic():
                response = client.generic(
                    method,
                    f"{url}?{urlencode(query)}" if query else url,
                    body or "",
                    content_type="application/json",
                )
                transaction.set_rollback(True)
            if response.status_code >= 500:
                server_errors.append((role, kind, response.status_code))
    assert server_errors == []


@pytest.mark.django_db
def test_a_body_of_a_type_not_read_gets_its_documented_answer(api_as, client):
    """Found by the run above (a multipart body answered 415, undocumented): every operation
    that takes a body documents 415, the others do not."""
    from tests import factories

    response = api_as(factories.provincial_official()).generic(
        "POST", "/api/v1/jobs/", "year=2025", content_type="text/plain"
    )
    assert response.status_code == 415
    operation = client.get("/api/schema/", {"format": "json"}).json()["paths"]["/api/v1/jobs/"]
    assert "415" in operation["post"]["responses"]
    assert "415" not in operation["get"]["responses"]
