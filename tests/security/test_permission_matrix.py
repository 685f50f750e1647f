"""Every API operation × every role × an object in the caller's scope (A) and one outside it (B).

The operations come from the OpenAPI schema, so an endpoint added without an entry in
``EXPECTED`` fails ``test_every_operation_has_an_entry``. Writes send an empty JSON body: a
role that may act gets past permission and scope and then meets validation (400), a state
rule (409) or succeeds; a role that may not act gets 401/403, and an object out of scope 404.
Each call runs in a savepoint rolled back afterwards, so one call's writes never change the
next call's answer.

Columns, in order: anonymous, province, city (330700), county (330784), operator of A,
enterprise user of A's enterprise, superuser (a provincial official everywhere), portal staff
(nothing outside the admin). Each entry is ``"<statuses on A> | <statuses on B>"`` for an
object path and ``"<statuses>"`` for a collection path.

``COUNTS`` checks what each role's lists contain, as NetBox's ``APIViewTestCases`` do: the rows
of every list endpoint each role receives ("-" where the role may not list).
"""

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from .world import ROLES, build_world

pytestmark = pytest.mark.django_db

# The object an ``{id}`` path names, by the path's first segment after /api/v1/.
RESOURCE_OF_PATH = {
    "allocations": "allocation",
    "complexes": "complex",
    "enterprises": "enterprise",
    "evaluations": "evaluation",
    "expert-reviews": "expert-review",
    "funding-rules": "funding-rule",
    "impact-surveys": "impact-survey",
    "institutions": "institution",
    "jobs": "job",
    "management-decisions": "decision",
    "notifications": "notification",
    "offerings": "offering",
    "reports": "report",
    "service-requests": "service-request",
    "voucher-applications": "voucher-application",
    "voucher-settlements": "voucher-settlement",
    "vouchers": "voucher",
}
# Public reference data named by code: the same for everyone.
CODE_OF_PATH = {"regions": "330784", "indicators": "st_projects"}

EXPECTED = {
    # The province reads every review; only experts (not among these columns: see
    # tests/evaluation/test_expert_review_api.py) write theirs.
    ("GET", "/api/v1/expert-reviews/"): "401 200 403 403 403 403 200 403",
    ("POST", "/api/v1/expert-reviews/"): "401 403 403 403 403 403 403 403",
    (
        "GET",
        "/api/v1/expert-reviews/{id}/",
    ): "401 200 403 403 403 403 200 403 | 401 200 403 403 403 403 200 403",
    (
        "PATCH",
        "/api/v1/expert-reviews/{id}/",
    ): "401 403 403 403 403 403 403 403 | 401 403 403 403 403 403 403 403",
    (
        "POST",
        "/api/v1/expert-reviews/{id}/submit/",
    ): "401 403 403 403 403 403 403 403 | 401 403 403 403 403 403 403 403",
    ("GET", "/api/v1/allocations/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/allocations/publish/"): "401 400 403 403 403 403 400 403",
    ("POST", "/api/v1/allocations/recompute/"): "401 400 403 403 403 403 400 403",
    ("GET", "/api/v1/allocations/rollup/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/allocations/simulate/"): "401 400 403 403 403 403 400 403",
    (
        "GET",
        "/api/v1/allocations/{id}/",
    ): "401 200 200 200 404 404 200 404 | 401 200 404 404 404 404 200 404",
    ("POST", "/api/v1/auth/token/"): "400 400 400 400 400 400 400 400",
    # Revokes the token a request is authenticated with; the matrix authenticates without one.
    ("DELETE", "/api/v1/auth/token/"): "401 401 401 401 401 401 401 401",
    ("GET", "/api/v1/complexes/"): "200 200 200 200 200 200 200 200",
    ("POST", "/api/v1/complexes/"): "401 400 403 403 403 403 400 403",
    (
        "GET",
        "/api/v1/complexes/{id}/",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    (
        "PATCH",
        "/api/v1/complexes/{id}/",
    ): "401 200 403 403 200 403 200 403 | 401 200 403 403 404 403 200 403",
    (
        "PUT",
        "/api/v1/complexes/{id}/",
    ): "401 400 403 403 400 403 400 403 | 401 400 403 403 404 403 400 403",
    ("GET", "/api/v1/dashboard/summary/"): "401 200 200 200 403 403 200 403",
    ("POST", "/api/v1/enterprises/"): "400 400 400 400 400 400 400 400",
    ("GET", "/api/v1/enterprises/"): "401 200 200 200 200 200 200 200",
    (
        "GET",
        "/api/v1/enterprises/{id}/",
    ): "401 200 200 200 404 200 200 404 | 401 200 404 404 404 404 200 404",
    (
        "PATCH",
        "/api/v1/enterprises/{id}/",
    ): "401 403 403 403 403 200 403 403 | 401 403 403 403 403 404 403 403",
    ("GET", "/api/v1/enterprises/{id}/licence/"): (
        "401 200 200 200 404 200 200 404 | 401 200 404 404 404 404 200 404"
    ),
    ("POST", "/api/v1/enterprises/{id}/licence/"): (
        "401 403 403 403 403 400 403 403 | 401 403 403 403 403 404 403 403"
    ),
    # The world's enterprises are verified already; a rejection needs its reason.
    ("POST", "/api/v1/enterprises/{id}/verify/"): (
        "401 409 409 409 403 403 409 403 | 401 409 404 404 403 403 409 403"
    ),
    ("POST", "/api/v1/enterprises/{id}/reject-verification/"): (
        "401 400 400 400 403 403 400 403 | 401 400 404 404 403 403 400 403"
    ),
    ("GET", "/api/v1/evaluations/"): "401 200 200 200 200 200 200 200",
    (
        "GET",
        "/api/v1/evaluations/{id}/",
    ): "401 200 200 200 200 404 200 404 | 401 200 404 404 404 404 200 404",
    ("GET", "/api/v1/funding-rules/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/funding-rules/"): "401 400 403 403 403 403 400 403",
    (
        "GET",
        "/api/v1/funding-rules/{id}/",
    ): "401 200 200 200 404 404 200 404 | 401 200 200 200 404 404 200 404",
    ("GET", "/api/v1/indicators/"): "401 200 200 200 200 200 200 200",
    ("GET", "/api/v1/indicators/{code}/"): "401 200 200 200 200 200 200 200",
    ("GET", "/api/v1/institutions/"): "200 200 200 200 200 200 200 200",
    ("POST", "/api/v1/institutions/"): "401 403 403 403 400 403 403 403",
    (
        "GET",
        "/api/v1/institutions/{id}/",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    (
        "PATCH",
        "/api/v1/institutions/{id}/",
    ): "401 403 403 403 200 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "PUT",
        "/api/v1/institutions/{id}/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "DELETE",
        "/api/v1/institutions/{id}/",
    ): "401 403 403 403 409 403 403 403 | 401 403 403 403 404 403 403 403",
    ("GET", "/api/v1/jobs/"): "401 200 403 403 403 403 200 403",
    ("POST", "/api/v1/jobs/"): "401 400 403 403 403 403 400 403",
    (
        "GET",
        "/api/v1/jobs/{id}/",
    ): "401 200 403 403 403 403 200 403 | 401 200 403 403 403 403 200 403",
    # Dynamic management: officials read in scope; re-checks and removals are the province's
    # (an empty body: 400; a decision that is no pending removal: 409).
    ("GET", "/api/v1/management-decisions/"): "401 200 200 200 403 403 200 403",
    (
        "GET",
        "/api/v1/management-decisions/{id}/",
    ): "401 200 200 200 403 403 200 403 | 401 200 404 404 403 403 200 403",
    (
        "POST",
        "/api/v1/management-decisions/{id}/recheck/",
    ): "401 400 403 403 403 403 400 403 | 401 400 403 403 403 403 400 403",
    (
        "POST",
        "/api/v1/management-decisions/{id}/confirm/",
    ): "401 409 403 403 403 403 409 403 | 401 409 403 403 403 403 409 403",
    (
        "POST",
        "/api/v1/management-decisions/{id}/dismiss/",
    ): "401 409 403 403 403 403 409 403 | 401 409 403 403 403 403 409 403",
    # The hearing before a removal and a removed complex applying again: the province's.
    (
        "POST",
        "/api/v1/complexes/{id}/hearing/",
    ): "401 400 403 403 403 403 400 403 | 401 400 403 403 403 403 400 403",
    (
        "POST",
        "/api/v1/complexes/{id}/reapply/",
    ): "401 400 403 403 403 403 400 403 | 401 400 403 403 403 403 400 403",
    ("GET", "/api/v1/notifications/"): "401 200 200 200 200 200 200 200",
    (
        "GET",
        "/api/v1/notifications/{id}/",
    ): "401 404 404 404 200 404 404 404 | 401 200 404 404 404 404 404 404",
    (
        "POST",
        "/api/v1/notifications/{id}/read/",
    ): "401 404 404 404 200 404 404 404 | 401 200 404 404 404 404 404 404",
    ("GET", "/api/v1/offerings/"): "200 200 200 200 200 200 200 200",
    ("POST", "/api/v1/offerings/"): "401 403 403 403 400 403 403 403",
    (
        "GET",
        "/api/v1/offerings/{id}/",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    (
        "PATCH",
        "/api/v1/offerings/{id}/",
    ): "401 403 403 403 200 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "DELETE",
        "/api/v1/offerings/{id}/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "PUT",
        "/api/v1/offerings/{id}/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    ("GET", "/api/v1/regions/"): "200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/regions/{code}/"): "200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/reports/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/reports/"): "401 403 403 403 400 403 403 403",
    (
        "GET",
        "/api/v1/reports/{id}/",
    ): "401 200 200 200 200 404 200 404 | 401 200 404 404 404 404 200 404",
    (
        "PATCH",
        "/api/v1/reports/{id}/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "POST",
        "/api/v1/reports/{id}/approve/",
    ): "401 409 403 403 403 403 409 403 | 401 409 403 403 403 403 409 403",
    (
        "POST",
        "/api/v1/reports/{id}/pre-review/",
    ): "401 403 400 400 403 403 403 403 | 401 403 404 404 403 403 403 403",
    (
        "POST",
        "/api/v1/reports/{id}/reopen/",
    ): "401 400 403 403 403 403 400 403 | 401 400 403 403 403 403 400 403",
    ("GET", "/api/v1/reporting-progress/"): "401 400 400 400 403 403 400 403",
    (
        "POST",
        "/api/v1/reports/{id}/return/",
    ): "401 400 400 400 403 403 400 403 | 401 400 404 404 403 403 400 403",
    (
        "POST",
        "/api/v1/reports/{id}/submit/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "GET",
        "/api/v1/reports/{id}/versions/",
    ): "401 200 200 200 200 404 200 404 | 401 200 404 404 404 404 200 404",
    ("GET", "/api/v1/service-requests/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/service-requests/"): "401 403 403 403 403 400 403 403",
    (
        "GET",
        "/api/v1/service-requests/{id}/",
    ): "401 200 200 200 200 200 200 404 | 401 200 404 404 404 404 200 404",
    (
        "POST",
        "/api/v1/service-requests/{id}/accept/",
    ): "401 403 403 403 200 403 403 403 | 401 403 403 403 404 403 403 403",
    # The world's request is submitted, for a priced offering: only a quote's body is checked
    # before its state.
    (
        "POST",
        "/api/v1/service-requests/{id}/quote/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/accept-quote/",
    ): "401 403 403 403 403 409 403 403 | 401 403 403 403 403 404 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/decline-quote/",
    ): "401 403 403 403 403 409 403 403 | 401 403 403 403 403 404 403 403",
    (
        "GET",
        "/api/v1/service-requests/{id}/deliverables/{deliverable_id}/",
    ): "401 200 200 200 200 200 200 404 | 401 200 404 404 404 404 200 404",
    (
        "GET",
        "/api/v1/service-requests/{id}/attachment/",
    ): "401 404 404 404 404 404 404 404 | 401 404 404 404 404 404 404 404",
    (
        "POST",
        "/api/v1/service-requests/{id}/cancel/",
    ): "401 403 403 403 403 200 403 403 | 401 403 403 403 403 404 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/confirm/",
    ): "401 403 403 403 403 400 403 403 | 401 403 403 403 403 404 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/deliver/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/dispute/",
    ): "401 403 403 403 403 400 403 403 | 401 403 403 403 403 404 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/reject/",
    ): "401 403 403 403 400 403 403 403 | 401 403 403 403 404 403 403 403",
    (
        "POST",
        "/api/v1/service-requests/{id}/start/",
    ): "401 403 403 403 409 403 403 403 | 401 403 403 403 404 403 403 403",
    # The enterprise's answers: officials read them in scope, the operator aggregates only.
    ("GET", "/api/v1/impact-surveys/"): "401 200 200 200 403 200 200 403",
    ("GET", "/api/v1/impact-surveys/by-complex/"): "401 200 200 200 200 403 200 403",
    (
        "GET",
        "/api/v1/impact-surveys/{id}/",
    ): "401 200 200 200 403 200 200 403 | 401 200 404 404 403 404 200 403",
    (
        "POST",
        "/api/v1/impact-surveys/{id}/answer/",
    ): "401 403 403 403 403 400 403 403 | 401 403 403 403 403 404 403 403",
    ("GET", "/api/v1/voucher-applications/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/voucher-applications/"): "401 403 403 403 403 400 403 403",
    (
        "GET",
        "/api/v1/voucher-applications/{id}/",
    ): "401 200 200 200 404 200 200 404 | 401 200 404 404 404 404 200 404",
    # A submitted application: the region's officials review it; the province issues later.
    (
        "POST",
        "/api/v1/voucher-applications/{id}/approve/",
    ): "401 403 200 200 403 403 403 403 | 401 403 404 404 403 403 403 403",
    # The reason is read before the stage is asked: an empty body is 400 for every official.
    (
        "POST",
        "/api/v1/voucher-applications/{id}/reject/",
    ): "401 400 400 400 403 403 400 403 | 401 400 404 404 403 403 400 403",
    ("GET", "/api/v1/voucher-settlements/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/voucher-settlements/"): "401 400 403 403 403 403 400 403",
    (
        "GET",
        "/api/v1/voucher-settlements/{id}/",
    ): "401 200 200 200 200 404 200 404 | 401 200 404 404 404 404 200 404",
    ("GET", "/api/v1/vouchers/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/vouchers/"): "401 400 403 403 403 403 400 403",
    ("POST", "/api/v1/vouchers/import/"): "401 415 403 403 403 403 415 403",
    (
        "GET",
        "/api/v1/vouchers/{id}/",
    ): "401 200 200 200 404 200 200 404 | 401 200 404 404 404 404 200 404",
    (
        "GET",
        "/api/v1/vouchers/{id}/ledger/",
    ): "401 200 200 200 404 200 200 404 | 401 200 404 404 404 404 200 404",
}


# Rows each role lists, in the columns' order (the world has one of each object on A and B).
COUNTS = {
    "/api/v1/allocations/": "- 2 1 1 0 0 2 0",
    "/api/v1/allocations/rollup/": "- 2 1 1 0 0 2 0",
    "/api/v1/complexes/": "2 2 2 2 2 2 2 2",
    "/api/v1/enterprises/": "- 2 1 1 0 1 2 0",
    "/api/v1/evaluations/": "- 2 1 1 1 0 2 0",
    "/api/v1/expert-reviews/": "- 2 - - - - 2 -",
    "/api/v1/funding-rules/": "- 3 3 3 0 0 3 0",
    "/api/v1/impact-surveys/": "- 2 1 1 - 1 2 -",
    "/api/v1/impact-surveys/by-complex/": "- 2 1 1 1 - 2 -",
    "/api/v1/indicators/": "- 29 29 29 29 29 29 29",
    "/api/v1/institutions/": "2 2 2 2 2 2 2 2",
    "/api/v1/jobs/": "- 2 - - - - 2 -",
    "/api/v1/management-decisions/": "- 2 1 1 - - 2 -",
    "/api/v1/notifications/": "- 1 0 0 1 0 0 0",
    "/api/v1/offerings/": "2 2 2 2 2 2 2 2",
    "/api/v1/regions/": "102 102 102 102 102 102 102 102",
    "/api/v1/reports/": "- 2 1 1 1 0 2 0",
    "/api/v1/service-requests/": "- 2 1 1 1 1 2 0",
    "/api/v1/voucher-applications/": "- 2 1 1 0 1 2 0",
    "/api/v1/voucher-settlements/": "- 2 1 1 1 0 2 0",
    "/api/v1/vouchers/": "- 2 1 1 0 1 2 0",
}


def schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )


def list_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "{" not in path and operations.get("get", {}).get("operationId", "").endswith("_list")
    )


def rows_listed(client: APIClient, path: str) -> str:
    response = client.get(path)
    if response.status_code != 200:
        return "-"
    body = response.json()
    return str(body["count"] if isinstance(body, dict) else len(body))


def list_counts(path: str) -> str:
    users, _side_a, _side_b = build_world()
    counts = []
    for role in ROLES:
        client = APIClient()
        if users[role] is not None:
            client.force_authenticate(user=users[role])
        counts.append(rows_listed(client, path))
    return " ".join(counts)


def call(client: APIClient, method: str, url: str) -> int:
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, method.lower())(url, {}, format="json")
        transaction.set_rollback(True)
    return response.status_code


def url_for(path: str, side: dict) -> str:
    segment = path.split("/")[3]
    if "{code}" in path:
        return path.replace("{code}", CODE_OF_PATH[segment])
    if "{id}" in path:
        path = path.replace("{deliverable_id}", str(side["deliverable"].pk))
        return path.replace("{id}", str(side[RESOURCE_OF_PATH[segment]].pk))
    return path


def answers(method: str, path: str) -> str:
    users, side_a, side_b = build_world()
    clients = {}
    for role, user in users.items():
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        clients[role] = client

    def row(side):
        return " ".join(str(call(clients[role], method, url_for(path, side))) for role in ROLES)

    if "{id}" in path:
        return f"{row(side_a)} | {row(side_b)}"
    return row(side_a)


def test_every_operation_has_an_entry():
    assert sorted(EXPECTED) == schema_operations()


@pytest.mark.parametrize("operation", schema_operations(), ids=" ".join)
def test_answers_by_role_and_scope(operation):
    assert answers(*operation) == EXPECTED.get(operation)


# The fields of each resource as each audience receives them. People's contacts (a contact
# person, their phone and e-mail) only on rows in the reader's scope; the public variant is the
# full one without them.
COMPLEX_PUBLIC = {
    "id", "code", "name", "level", "category", "region", "region_detail", "industry",
    "cluster_size_tier", "construction_mode", "operating_mechanism", "applicant_government",
    "host_unit", "founded_year", "status", "website", "address", "description", "longitude",
    "latitude", "member_count", "created_at", "updated_at",
}  # fmt: skip
CONTACTS = {"contact_name", "contact_phone"}
# A complex's detail: its status history and the complexes it re-applied from and as.
COMPLEX_LINEAGE = {"status_history", "predecessor", "successor"}
INSTITUTION_PUBLIC = {
    "id", "complex", "name", "type", "credit_code", "joined_year", "left_year", "description",
    "created_at", "updated_at",
}  # fmt: skip
REPORT = set(
    [
        "id",
        "complex",
        "complex_detail",
        "year",
        "status",
        "version",
        "values",
        "comments",
        "recommendation",
        "review_comment",
        "return_reason",
        "submitted_at",
        "approved_at",
        "reopened_until",
        "overdue",
        "created_at",
        "updated_at",
    ]
)
SERVICE_REQUEST = set(
    [
        "id",
        "offering",
        "offering_title",
        "complex",
        "enterprise",
        "description",
        "attachment_name",
        "attachment_url",
        "status",
        "voucher",
        "voucher_amount",
        "rating",
        "comment",
        "delivery_note",
        "rejection_reason",
        "submitted_at",
        "accepted_at",
        "due_at",
        "completed_at",
        "overdue",
        "overdue_clock",
        "answer_due_at",
        "delivered_at",
        "auto_confirmed",
        "quoted_price",
        "quoted_delivery_date",
        "quote_note",
        "quoted_at",
    ]
)
FIELD_SETS = {
    "complex": COMPLEX_PUBLIC,
    "complex+contacts": COMPLEX_PUBLIC | CONTACTS | {"contact_email"},
    "complex detail": COMPLEX_PUBLIC | COMPLEX_LINEAGE,
    "complex detail+contacts": COMPLEX_PUBLIC | CONTACTS | {"contact_email"} | COMPLEX_LINEAGE,
    "institution": INSTITUTION_PUBLIC,
    "institution+contacts": INSTITUTION_PUBLIC | CONTACTS,
    "offering": {
        "id",
        "complex",
        "complex_detail",
        "institution",
        "institution_name",
        "title",
        "service_type",
        "description",
        "price",
        "turnaround_days",
        "voucher_eligible",
        "active",
        "created_at",
        "updated_at",
    },
    "region": {
        "code",
        "name",
        "name_zh_hans",
        "name_en",
        "level",
        "parent",
        "mountain_26",
        "longitude",
        "latitude",
    },
    "indicator": {
        "code",
        "name",
        "name_zh_hans",
        "name_en",
        "unit",
        "unit_zh_hans",
        "unit_en",
        "source",
        "higher_is_better",
        "dimension",
        "whole_number",
        "definition",
        "definition_zh_hans",
        "definition_en",
    },
    # An enterprise's own contacts: only the enterprise and officials in scope read the rows.
    "enterprise": {
        "id",
        "credit_code",
        "name",
        "region",
        "size",
        "high_tech",
        "tech_sme",
        "contact_name",
        "contact_phone",
        "contact_email",
        "created_at",
        "address",
        "high_tech_certificate",
        "verified",
        "verified_at",
        "verification_state",
        "verification_rejected_reason",
        "business_licence_url",
    },
    "summary": {
        "year",
        "region",
        "complexes",
        "members",
        "indicators",
        "scores",
        "funding",
        "mountain_26",
    },
    "allocation": set(
        [
            "id",
            "complex",
            "complex_detail",
            "region",
            "year",
            "rule_set",
            "kind",
            "status",
            "score",
            "grade",
            "decision",
            "capped",
            "provincial_amount",
            "required_local_match",
            "required_host_investment",
            "reported_local_match",
            "reported_host_investment",
            "local_shortfall",
            "host_shortfall",
            "compliant",
            "computed_at",
        ]
    ),
    "evaluation": set(
        [
            "complex",
            "complex_detail",
            "year",
            "status",
            "category",
            "scheme",
            "scheme_version",
            "score",
            "data_score",
            "expert_score",
            "rank",
            "ranked_of",
            "grade",
            "breakdown",
            "missing_report_by",
            "missing_report_reason",
        ]
    ),
    "funding-rule": set(
        [
            "id",
            "year",
            "version",
            "pool",
            "floor",
            "cap",
            "ex_ante_amount",
            "multiplier_excellent",
            "multiplier_good",
            "multiplier_pass",
            "multiplier_fail",
            "local_match_ratio",
            "host_investment_ratio",
            "eligible_levels",
            "eligible_statuses",
            "note",
            "created_by",
            "created_at",
        ]
    ),
    "job": set(
        [
            "id",
            "kind",
            "parameters",
            "status",
            "step",
            "progress",
            "timings",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
    ),
    "decision": set(
        [
            "id",
            "complex",
            "complex_code",
            "year",
            "kind",
            "reason",
            "deadline",
            "proposal_status",
            "decided_at",
            "recheck_outcome",
            "recheck_on",
            "recheck_note",
        ]
    ),
    "notification": set(["id", "subject", "body", "url", "read_at", "created_at"]),
    "impact-survey": set(
        [
            "id",
            "request",
            "complex",
            "enterprise",
            "offering_title",
            "status",
            "sent_at",
            "expires_on",
            "answered_at",
            "revenue_change",
            "new_products",
            "jobs_created",
            "rd_spend_change",
            "recommend_score",
        ]
    ),
    "report": REPORT,
    "report detail": REPORT | {"events", "warnings"},
    "service-request": SERVICE_REQUEST,
    "service-request detail": SERVICE_REQUEST | {"timeline", "deliverables"},
    "settlement": set(["id", "complex", "month", "amount", "settled_by", "settled_at"]),
    "expert-review": set(
        [
            "id",
            "assignment",
            "complex",
            "year",
            "expert",
            "expert_name",
            "status",
            "total",
            "version",
            "scores",
            "updated_at",
            "submitted_at",
        ]
    ),
    "voucher-application": set(
        [
            "id",
            "enterprise",
            "enterprise_name",
            "year",
            "amount",
            "purpose",
            "planned_services",
            "status",
            "rejection_reason",
            "voucher",
            "created_at",
            "reviewed_at",
            "decided_at",
        ]
    ),
    "voucher": set(
        [
            "id",
            "enterprise",
            "enterprise_name",
            "amount",
            "balance",
            "held",
            "consumed",
            "lapsed",
            "valid_from",
            "expires_on",
            "status",
            "created_at",
        ]
    ),
}
# The field set each role receives (columns as in EXPECTED) on A | on B, for the endpoints
# anyone may read and those that show people's contacts. "-": no such row in the answer.
FIELDS = {
    "/api/v1/complexes/": "complex complex+contacts complex+contacts complex+contacts "
    "complex+contacts complex complex+contacts complex | complex complex+contacts complex "
    "complex complex complex complex+contacts complex",
    "/api/v1/complexes/{id}/": "complex-detail complex-detail+contacts complex-detail+contacts "
    "complex-detail+contacts complex-detail+contacts complex-detail complex-detail+contacts "
    "complex-detail | complex-detail complex-detail+contacts complex-detail complex-detail "
    "complex-detail complex-detail complex-detail+contacts complex-detail",
    "/api/v1/institutions/": "institution institution+contacts institution+contacts "
    "institution+contacts institution+contacts institution institution+contacts institution | "
    "institution institution+contacts institution institution institution institution "
    "institution+contacts institution",
    "/api/v1/institutions/{id}/": "institution institution+contacts institution+contacts "
    "institution+contacts institution+contacts institution institution+contacts institution | "
    "institution institution+contacts institution institution institution institution "
    "institution+contacts institution",
    "/api/v1/offerings/": " ".join(["offering"] * 8) + " | " + " ".join(["offering"] * 8),
    "/api/v1/offerings/{id}/": " ".join(["offering"] * 8) + " | " + " ".join(["offering"] * 8),
    "/api/v1/regions/{code}/": " ".join(["region"] * 8) + " | " + " ".join(["region"] * 8),
    "/api/v1/indicators/{code}/": "- "
    + " ".join(["indicator"] * 7)
    + " | - "
    + " ".join(["indicator"] * 7),
    "/api/v1/enterprises/": "- enterprise enterprise enterprise - enterprise enterprise - | "
    "- enterprise - - - - enterprise -",
    "/api/v1/enterprises/{id}/": "- enterprise enterprise enterprise - enterprise enterprise - | "
    "- enterprise - - - - enterprise -",
    "/api/v1/dashboard/summary/": "- summary summary summary - - summary - | "
    "- summary summary summary - - summary -",
    "/api/v1/allocations/": "- allocation allocation allocation - - allocation - | - allocation - - - - allocation -",
    "/api/v1/allocations/{id}/": "- allocation allocation allocation - - allocation - | - allocation - - - - allocation -",
    "/api/v1/evaluations/{id}/": "- evaluation evaluation evaluation evaluation - evaluation - | - evaluation - - - - evaluation -",
    "/api/v1/expert-reviews/": "- expert-review - - - - expert-review - | "
    "- expert-review - - - - expert-review -",
    "/api/v1/expert-reviews/{id}/": "- expert-review - - - - expert-review - | "
    "- expert-review - - - - expert-review -",
    "/api/v1/funding-rules/": "- funding-rule funding-rule funding-rule - - funding-rule - | - funding-rule funding-rule funding-rule - - funding-rule -",
    "/api/v1/funding-rules/{id}/": "- funding-rule funding-rule funding-rule - - funding-rule - | - funding-rule funding-rule funding-rule - - funding-rule -",
    "/api/v1/jobs/": "- job - - - - job - | - job - - - - job -",
    "/api/v1/management-decisions/": "- decision decision decision - - decision - | "
    "- decision - - - - decision -",
    "/api/v1/management-decisions/{id}/": "- decision decision decision - - decision - | "
    "- decision - - - - decision -",
    "/api/v1/jobs/{id}/": "- job - - - - job - | - job - - - - job -",
    "/api/v1/notifications/": "- - - - notification - - - | - notification - - - - - -",
    "/api/v1/notifications/{id}/": "- - - - notification - - - | - notification - - - - - -",
    "/api/v1/reports/": "- report report report report - report - | - report - - - - report -",
    "/api/v1/reports/{id}/": "- report-detail report-detail report-detail report-detail - report-detail - | - report-detail - - - - report-detail -",
    "/api/v1/service-requests/": "- service-request service-request service-request service-request service-request service-request - | - service-request - - - - service-request -",
    "/api/v1/service-requests/{id}/": "- service-request-detail service-request-detail service-request-detail service-request-detail service-request-detail service-request-detail - | - service-request-detail - - - - service-request-detail -",
    "/api/v1/voucher-settlements/": "- settlement settlement settlement settlement - settlement - | - settlement - - - - settlement -",
    "/api/v1/voucher-settlements/{id}/": "- settlement settlement settlement settlement - settlement - | - settlement - - - - settlement -",
    "/api/v1/voucher-applications/": "- voucher-application voucher-application voucher-application - voucher-application voucher-application - | - voucher-application - - - - voucher-application -",
    "/api/v1/voucher-applications/{id}/": "- voucher-application voucher-application voucher-application - voucher-application voucher-application - | - voucher-application - - - - voucher-application -",
    "/api/v1/vouchers/": "- voucher voucher voucher - voucher voucher - | - voucher - - - - voucher -",
    "/api/v1/impact-surveys/": "- impact-survey impact-survey impact-survey - impact-survey impact-survey - | - impact-survey - - - - impact-survey -",
    "/api/v1/impact-surveys/{id}/": "- impact-survey impact-survey impact-survey - impact-survey impact-survey - | - impact-survey - - - - impact-survey -",
    "/api/v1/vouchers/{id}/": "- voucher voucher voucher - voucher voucher - | - voucher - - - - voucher -",
}
# Readable endpoints whose answer is not one object per row: checked by their own tests.
NOT_ROWS = {
    "/api/v1/allocations/rollup/",  # a list of regional sums
    "/api/v1/impact-surveys/by-complex/",  # aggregates per complex
    "/api/v1/evaluations/",  # rows of a published year only (the detail is checked above)
    "/api/v1/regions/",  # reference data named by code (the detail is checked above)
    "/api/v1/indicators/",  # likewise
    "/api/v1/reports/{id}/versions/",  # a list of versions
    "/api/v1/reporting-progress/",  # counts per region (tests/evaluation/test_reporting_progress.py)
    "/api/v1/service-requests/{id}/attachment/",  # a file
    "/api/v1/service-requests/{id}/deliverables/{deliverable_id}/",  # a file
    "/api/v1/enterprises/{id}/licence/",  # a file
    "/api/v1/vouchers/{id}/ledger/",  # a list of ledger entries
}


def test_every_readable_endpoint_has_its_fields():
    readable = {path for method, path in schema_operations() if method == "GET"}
    assert sorted(readable - NOT_ROWS) == sorted(FIELDS)


def fields_received(client: APIClient, path: str, side: dict) -> str:
    """The name of the field set of ``side``'s row in the answer, or "-"."""
    response = client.get(url_for(path, side))
    if response.status_code != 200:
        return "-"
    body = response.json()
    if "results" in body:
        segment = path.split("/")[3]
        wanted = side[RESOURCE_OF_PATH[segment]].pk
        rows = [row for row in body["results"] if row["id"] == wanted]
        if not rows:
            return "-"
        body = rows[0]
    received = set(body)
    names = [name for name, fields in FIELD_SETS.items() if fields == received]
    return names[0].replace(" ", "-") if names else f"unknown {sorted(received)}"


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_fields_by_role_and_scope(path):
    users, side_a, side_b = build_world()
    clients = {}
    for role, user in users.items():
        client = APIClient()
        if user is not None:
            # A session, as a browser has: the anonymous list cache serves only visitors
            # without one.
            client.force_login(user)
        clients[role] = client
    received = " | ".join(
        " ".join(fields_received(clients[role], path, side) for role in ROLES)
        for side in (side_a, side_b)
    )
    assert received == FIELDS[path]


def test_every_list_has_counts():
    assert sorted(COUNTS) == list_paths()


@pytest.mark.parametrize("path", list_paths())
def test_what_each_role_lists(path):
    assert list_counts(path) == COUNTS.get(path)
