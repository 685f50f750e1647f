"""Every page × every role × an object in the caller's scope (A) and one outside it (B).

The pages come from the URL resolver (every named route of the portal's apps), so a page added
without an entry in ``EXPECTED`` fails ``test_every_page_has_an_entry``. Each page is fetched
(GET) and posted an empty form (POST); each call is rolled back afterwards. Columns and entry
format as in ``test_permission_matrix``; 302 is the redirect to the login page (anonymous) or
back to the object after a refused or accepted form.

``test_pages_offer_only_what_the_user_may_do`` renders every page as every role and replays
each form (and htmx write) the page offers, as that user: a 403 or 404 means the page offered
something the policy refuses them.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from funding.models import Allocation, AllocationDecision, AllocationStatus

from .world import ROLES, YEAR, build_world

pytestmark = pytest.mark.django_db

PAGE_APPS = ("accounts", "complexes", "services", "evaluation", "funding", "dashboard")
# Pages the project's own urls.py serves (outside the apps' namespaces).
PORTAL_PAGES = ("history", "open_data", "open_data_csv")


def _code(resource):
    return lambda side: {"code": side[resource].code}


def _pk(resource, **extra):
    return lambda side: {"pk": side[resource].pk, **extra}


def _published_decision(side) -> dict:
    """The side's allocation published by a decision (once, whoever asks first): the decision
    document's argument."""
    allocation = side["allocation"]
    decision, _created = AllocationDecision.objects.get_or_create(
        number=f"测试〔{allocation.year}〕{allocation.pk}号",
        defaults=dict(
            year=allocation.year,
            rule_set=allocation.rule_set,
            pool=allocation.provincial_amount,
            total=allocation.provincial_amount,
            unallocated=0,
            sequence=allocation.pk,
        ),
    )
    Allocation.objects.filter(pk=allocation.pk).update(
        status=AllocationStatus.PUBLISHED, decision=decision
    )
    return {"pk": decision.pk}


# The route's arguments from one side of the world; None for a route without arguments.
ARGUMENTS = {
    # Public: the same file whichever side looks.
    "open_data_csv": lambda side: {"slug": "complexes"},
    "accounts:open_notification": _pk("notification"),
    "accounts:team_member": _pk("colleague", action="role"),
    "accounts:official_active": _pk("official", action="deactivate"),
    # A link that is no (longer a) valid one: the page says so.
    "accounts:invitation_accept": lambda side: {"token": "spent-or-unknown"},
    # A link that is no (longer a) valid one: the page says so.
    "accounts:password_reset_confirm": lambda side: {"uidb64": "MQ", "token": "expired-token"},
    "complexes:detail": _code("complex"),
    "complexes:edit": _code("complex"),
    "complexes:change_status": _code("complex"),
    "complexes:hearing": _code("complex"),
    "complexes:reapply": _code("complex"),
    "complexes:decide_proposal": lambda side: {
        "code": side["complex"].code,
        "pk": side["status-proposal"].pk,
        "verdict": "dismiss",
    },
    "evaluation:adjustment_action": _pk("adjustment", action="reject"),
    "evaluation:adjustment_evidence": _pk("adjustment"),
    "evaluation:expert": lambda side: {"pk": side["expert-review"].assignment.expert_id},
    "evaluation:expert_active": lambda side: {
        "pk": side["expert-review"].assignment.expert_id,
        "change": "deactivate",
    },
    "evaluation:assignment_delete": lambda side: {"pk": side["expert-review"].assignment_id},
    "evaluation:review": lambda side: {"pk": side["expert-review"].assignment_id},
    "complexes:history": _code("complex"),
    "history": lambda side: {"kind": "offering", "pk": side["offering"].pk},
    "complexes:part_add": lambda side: {"code": side["complex"].code, "part_name": "members"},
    "complexes:part_edit": lambda side: {
        "code": side["complex"].code,
        "part_name": "members",
        "pk": side["institution"].pk,
    },
    "complexes:part_delete": lambda side: {
        "code": side["complex"].code,
        "part_name": "members",
        "pk": side["institution"].pk,
    },
    "services:offering_detail": _pk("offering"),
    "services:request_detail": _pk("service-request"),
    "services:request_transition": _pk("service-request", action="accept"),
    "services:deliverable_download": lambda side: {
        "pk": side["service-request"].pk,
        "deliverable_id": side["deliverable"].pk,
    },
    "services:offering_edit": _pk("offering"),
    "services:voucher_detail": _pk("voucher"),
    "services:voucher_application_detail": _pk("voucher-application"),
    "services:impact_survey_detail": _pk("impact-survey"),
    "services:verification_detail": _pk("enterprise"),
    "services:claim_detail": _pk("claim"),
    "services:claim_licence": _pk("claim"),
    "evaluation:report": _pk("report"),
    "evaluation:report_action": _pk("report", action="submit"),
    "evaluation:report_versions": _pk("report"),
    "evaluation:report_template": _pk("report"),
    "evaluation:report_upload": _pk("report"),
    "evaluation:score": _code("complex"),
    "evaluation:score_pdf": _code("complex"),
    "evaluation:adjust": lambda side: {"code": side["complex"].code, "year": YEAR},
    "evaluation:decision": _pk("decision", verdict="dismiss"),
    "evaluation:recheck": _pk("decision"),
    "evaluation:job": _pk("job"),
    "evaluation:records": lambda side: {
        "code": side["complex"].code,
        "year": YEAR,
        "indicator": "member_institutions",
    },
    "evaluation:revision": lambda side: {"year": YEAR},
    "evaluation:revision_decide": lambda side: {"year": YEAR, "decision": "discard"},
    "funding:history": _code("complex"),
    "funding:decision_pdf": _published_decision,
    "services:mountain_county_services": _code("complex"),
}

EXPECTED = {
    ("GET", "accounts:inbox"): "302 200 200 200 200 200 200 200",
    ("POST", "accounts:inbox"): "302 200 200 200 200 200 200 200",
    ("GET", "accounts:login"): "200 302 302 302 302 302 302 302",
    ("POST", "accounts:login"): "200 302 302 302 302 302 302 302",
    ("POST", "accounts:logout"): "302 302 302 302 302 302 302 302",
    ("GET", "accounts:logout"): "405 405 405 405 405 405 405 405",
    ("POST", "accounts:mark_all_read"): "302 302 302 302 302 302 302 302",
    ("GET", "accounts:mark_all_read"): "302 405 405 405 405 405 405 405",
    ("GET", "accounts:team"): "302 403 403 403 200 200 403 403",
    ("POST", "accounts:team"): "302 403 403 403 200 200 403 403",
    ("GET", "accounts:team_member"): (
        "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405"
    ),
    ("POST", "accounts:team_member"): (
        "302 403 403 403 302 404 403 403 | 302 403 403 403 404 404 403 403"
    ),
    ("GET", "accounts:officials"): "302 200 403 403 403 403 200 403",
    ("POST", "accounts:officials"): "302 200 403 403 403 403 200 403",
    ("GET", "accounts:official_active"): (
        "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405"
    ),
    ("POST", "accounts:official_active"): (
        "302 302 403 403 403 403 302 403 | 302 302 403 403 403 403 302 403"
    ),
    ("GET", "accounts:invitation_accept"): (
        "404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404"
    ),
    ("POST", "accounts:invitation_accept"): (
        "404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404"
    ),
    (
        "POST",
        "accounts:open_notification",
    ): "302 404 404 404 302 404 404 404 | 302 302 404 404 404 404 404 404",
    (
        "GET",
        "accounts:open_notification",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "complexes:change_status",
    ): "302 200 200 200 403 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "complexes:change_status",
    ): "302 200 200 200 403 404 200 404 | 302 200 404 404 404 404 200 404",
    # The province records the hearing before a removal and lets a removed complex apply
    # again (an operating one is sent back to its page).
    (
        "GET",
        "complexes:hearing",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "POST",
        "complexes:hearing",
    ): "302 302 403 403 403 404 302 404 | 302 302 404 404 404 404 302 404",
    (
        "GET",
        "complexes:reapply",
    ): "302 302 403 403 403 404 302 404 | 302 302 404 404 404 404 302 404",
    (
        "POST",
        "complexes:reapply",
    ): "302 302 403 403 403 404 302 404 | 302 302 404 404 404 404 302 404",
    (
        "GET",
        "complexes:decide_proposal",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "POST",
        "complexes:decide_proposal",
    ): "302 302 403 403 403 404 302 404 | 302 302 404 404 404 404 302 404",
    (
        "GET",
        "complexes:detail",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    (
        "POST",
        "complexes:detail",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    ("GET", "complexes:directory"): "200 200 200 200 200 200 200 200",
    ("POST", "complexes:directory"): "200 200 200 200 200 200 200 200",
    ("GET", "complexes:edit"): "302 200 403 403 200 404 200 404 | 302 200 404 404 404 404 200 404",
    ("POST", "complexes:edit"): "302 200 403 403 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "GET",
        "complexes:history",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "complexes:history",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    ("GET", "history"): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    ("POST", "history"): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "GET",
        "complexes:part_add",
    ): "302 403 403 403 200 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "POST",
        "complexes:part_add",
    ): "302 403 403 403 200 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "GET",
        "complexes:part_delete",
    ): "302 403 403 403 200 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "POST",
        "complexes:part_delete",
    ): "302 403 403 403 302 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "GET",
        "complexes:part_edit",
    ): "302 403 403 403 200 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "POST",
        "complexes:part_edit",
    ): "302 403 403 403 200 404 403 404 | 302 403 404 404 404 404 403 404",
    ("GET", "dashboard:overview"): "302 200 200 200 403 403 200 403",
    ("POST", "dashboard:overview"): "302 200 200 200 403 403 200 403",
    # Cities and counties propose bonus and penalty items; the province decides them.
    (
        "POST",
        "evaluation:adjust",
    ): "302 403 302 302 403 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "GET",
        "evaluation:adjust",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    ("GET", "evaluation:adjustments"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:adjustments"): "302 200 200 200 403 403 200 403",
    (
        "POST",
        "evaluation:adjustment_action",
    ): "302 302 403 403 404 404 302 404 | 302 302 404 404 404 404 302 404",
    (
        "GET",
        "evaluation:adjustment_action",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "evaluation:adjustment_evidence",
    ): "302 200 200 200 404 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "evaluation:adjustment_evidence",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "POST",
        "evaluation:decision",
    ): "302 302 403 403 403 403 302 403 | 302 302 403 403 403 403 302 403",
    (
        "GET",
        "evaluation:decision",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    ("GET", "evaluation:job"): "302 200 403 403 403 403 200 403 | 302 200 403 403 403 403 200 403",
    ("POST", "evaluation:job"): "302 200 403 403 403 403 200 403 | 302 200 403 403 403 403 200 403",
    ("GET", "evaluation:periods"): "302 200 403 403 403 403 200 403",
    ("GET", "evaluation:progress"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:progress"): "302 405 405 405 405 405 405 405",
    ("POST", "evaluation:progress_remind"): "302 302 302 302 403 403 302 403",
    ("GET", "evaluation:progress_remind"): "302 405 405 405 405 405 405 405",
    ("POST", "evaluation:progress_approve"): "302 302 403 403 403 403 302 403",
    ("GET", "evaluation:progress_approve"): "302 405 405 405 405 405 405 405",
    ("POST", "evaluation:periods"): "302 200 403 403 403 403 200 403",
    ("GET", "evaluation:rankings"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:rankings"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:recompute"): "302 302 403 403 403 403 302 403",
    ("GET", "evaluation:recompute"): "302 405 405 405 405 405 405 405",
    (
        "GET",
        "evaluation:report",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "evaluation:report",
    ): "302 403 403 403 200 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "POST",
        "evaluation:report_action",
    ): "302 403 403 403 302 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "GET",
        "evaluation:report_action",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "evaluation:report_template",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "evaluation:report_template",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "evaluation:report_upload",
    ): "302 403 403 403 302 404 403 404 | 302 403 404 404 404 404 403 404",
    (
        "GET",
        "evaluation:report_upload",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "evaluation:report_versions",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "evaluation:report_versions",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "GET",
        "evaluation:records",
    ): "302 200 200 200 200 403 200 403 | 302 200 404 404 404 403 200 403",
    (
        "POST",
        "evaluation:records",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "evaluation:revision",
    ): "302 200 403 403 403 403 200 403 | 302 200 403 403 403 403 200 403",
    (
        "POST",
        "evaluation:revision",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "evaluation:revision_decide",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "POST",
        "evaluation:revision_decide",
    ): "302 302 403 403 403 403 302 403 | 302 302 403 403 403 403 302 403",
    ("GET", "evaluation:reports"): "302 200 200 200 200 403 200 403",
    ("POST", "evaluation:reports"): "302 200 200 200 200 403 200 403",
    ("GET", "evaluation:grading_rules"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:grading_rules"): "302 200 403 403 403 403 200 403",
    (
        "GET",
        "evaluation:recheck",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "POST",
        "evaluation:recheck",
    ): "302 302 403 403 403 403 302 403 | 302 302 403 403 403 403 302 403",
    ("GET", "evaluation:scheme"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:scheme"): "302 200 403 403 403 403 200 403",
    (
        "GET",
        "evaluation:score",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "evaluation:score",
    ): "302 200 200 200 200 404 200 404 | 302 200 404 404 404 404 200 404",
    (
        "GET",
        "funding:decision_pdf",
    ): "302 200 200 200 200 403 200 403 | 302 200 404 404 404 403 200 403",
    (
        "POST",
        "funding:decision_pdf",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    ("GET", "funding:export"): "302 200 200 200 200 403 200 403",
    ("POST", "funding:export"): "302 200 200 200 200 403 200 403",
    ("GET", "funding:history"): "200 200 200 200 200 404 200 404 | 200 200 404 404 404 404 200 404",
    (
        "POST",
        "funding:history",
    ): "405 405 405 405 405 405 405 405 | 405 405 405 405 405 405 405 405",
    ("POST", "funding:publish"): "302 302 403 403 403 403 302 403",
    ("GET", "funding:publish"): "302 405 405 405 405 405 405 405",
    ("POST", "funding:recompute"): "302 302 403 403 403 403 302 403",
    ("GET", "funding:recompute"): "302 405 405 405 405 405 405 405",
    ("GET", "funding:rules"): "302 200 200 200 403 403 200 403",
    ("POST", "funding:rules"): "302 200 403 403 403 403 200 403",
    ("GET", "funding:simulate"): "302 200 403 403 403 403 200 403",
    ("POST", "funding:simulate"): "302 405 405 405 405 405 405 405",
    ("GET", "funding:table"): "302 200 200 200 200 403 200 403",
    ("POST", "funding:table"): "302 405 405 405 405 405 405 405",
    ("GET", "services:catalogue"): "200 200 200 200 200 200 200 200",
    ("POST", "services:catalogue"): "200 200 200 200 200 200 200 200",
    ("GET", "services:enterprises"): "302 200 200 200 403 403 200 403",
    ("POST", "services:enterprises"): "302 200 200 200 403 403 200 403",
    ("GET", "services:manage_catalogue"): "302 403 403 403 200 403 403 403",
    ("POST", "services:manage_catalogue"): "302 403 403 403 200 403 403 403",
    ("GET", "services:offering_add"): "302 403 403 403 200 403 403 403",
    ("POST", "services:offering_add"): "302 403 403 403 200 403 403 403",
    (
        "GET",
        "services:offering_detail",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    (
        "POST",
        "services:offering_detail",
    ): "403 403 403 403 403 200 403 403 | 403 403 403 403 403 200 403 403",
    (
        "GET",
        "services:offering_edit",
    ): "302 403 403 403 200 403 403 403 | 302 403 403 403 404 403 403 403",
    (
        "POST",
        "services:offering_edit",
    ): "302 403 403 403 200 403 403 403 | 302 403 403 403 404 403 403 403",
    ("GET", "services:register"): "200 302 302 302 302 302 302 302",
    ("POST", "services:register"): "200 302 302 302 302 302 302 302",
    (
        "GET",
        "services:request_detail",
    ): "302 200 200 200 200 200 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "services:request_detail",
    ): "302 200 200 200 200 200 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "services:request_transition",
    ): "302 403 403 403 302 403 403 404 | 302 403 404 404 404 404 403 404",
    (
        "GET",
        "services:request_transition",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    (
        "GET",
        "services:deliverable_download",
    ): "302 200 200 200 200 200 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "services:deliverable_download",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    ("GET", "services:requests"): "302 200 200 200 200 200 200 200",
    ("POST", "services:requests"): "302 200 200 200 200 200 200 200",
    ("GET", "services:settlements"): "302 200 200 200 200 403 200 403",
    ("POST", "services:settlements"): "302 404 404 404 404 403 404 403",
    # Issue 16: the settlement review, the operator's settlement account, the fraud signals.
    # The sheet names its review in the query string: without one there is nothing to show.
    ("GET", "services:settlement_reviews"): "302 200 200 200 403 403 200 403",
    ("POST", "services:settlement_reviews"): "302 400 400 400 403 403 400 403",
    ("GET", "services:settlement_review_sheet"): "302 404 404 404 404 404 404 404",
    ("POST", "services:settlement_review_sheet"): "302 404 404 404 404 404 404 404",
    ("GET", "services:settlement_account"): "302 403 403 403 200 403 403 403",
    ("POST", "services:settlement_account"): "302 405 405 405 405 405 405 405",
    ("GET", "services:fraud_flags"): "302 200 200 200 403 403 200 403",
    ("POST", "services:fraud_flags"): "302 400 400 400 403 403 400 403",
    (
        "GET",
        "services:voucher_detail",
    ): "302 200 200 200 404 200 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "services:voucher_detail",
    ): "302 200 200 200 404 200 200 404 | 302 200 404 404 404 404 200 404",
    ("GET", "complexes:export"): "200 200 200 200 200 200 200 200",
    ("POST", "complexes:export"): "200 200 200 200 200 200 200 200",
    ("GET", "services:requests_export"): "302 200 200 200 200 200 200 200",
    ("POST", "services:requests_export"): "302 200 200 200 200 200 200 200",
    ("GET", "services:requests_export_csv"): "302 200 200 200 200 200 200 200",
    ("GET", "open_data"): "200 200 200 200 200 200 200 200",
    ("POST", "open_data"): "405 405 405 405 405 405 405 405",
    ("GET", "open_data_csv"): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    ("POST", "open_data_csv"): "405 405 405 405 405 405 405 405 | 405 405 405 405 405 405 405 405",
    ("POST", "services:requests_export_csv"): "302 405 405 405 405 405 405 405",
    ("GET", "services:enterprises_export"): "302 200 200 200 403 403 200 403",
    ("POST", "services:enterprises_export"): "302 200 200 200 403 403 200 403",
    ("GET", "services:vouchers_export"): "302 200 200 200 403 200 200 403",
    ("POST", "services:vouchers_export"): "302 200 200 200 403 200 200 403",
    ("GET", "services:settlements_export"): "302 200 200 200 200 403 200 403",
    ("POST", "services:settlements_export"): "302 200 200 200 200 403 200 403",
    ("GET", "evaluation:reports_export"): "302 200 200 200 200 403 200 403",
    ("POST", "evaluation:reports_export"): "302 200 200 200 200 403 200 403",
    ("GET", "evaluation:results_export"): "302 200 200 200 403 403 200 403",
    ("POST", "evaluation:results_export"): "302 200 200 200 403 403 200 403",
    (
        "GET",
        "evaluation:score_pdf",
    ): "302 200 200 200 200 403 200 403 | 302 200 404 404 404 403 200 403",
    (
        "POST",
        "evaluation:score_pdf",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    ("GET", "dashboard:compare"): "302 200 200 200 403 403 200 403",
    ("POST", "dashboard:compare"): "302 405 405 405 403 403 405 403",
    ("GET", "dashboard:compare_export"): "302 400 400 400 403 403 400 403",
    ("POST", "dashboard:compare_export"): "302 405 405 405 403 403 405 403",
    ("GET", "evaluation:indicators"): "302 200 200 200 200 200 200 200",
    ("POST", "evaluation:indicators"): "302 405 405 405 405 405 405 405",
    (
        "GET",
        "services:mountain_county_services",
    ): "302 200 200 200 200 403 200 403 | 302 200 404 404 404 403 200 403",
    (
        "POST",
        "services:mountain_county_services",
    ): "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405",
    ("GET", "dashboard:summary_pdf"): "302 200 200 200 403 403 200 403",
    ("POST", "dashboard:summary_pdf"): "302 405 405 405 403 403 405 403",
    ("GET", "dashboard:regions_export"): "302 200 200 200 403 403 200 403",
    ("POST", "dashboard:regions_export"): "302 200 200 200 403 403 200 403",
    ("GET", "dashboard:warnings_export"): "302 200 200 200 403 403 200 403",
    ("POST", "dashboard:warnings_export"): "302 200 200 200 403 403 200 403",
    ("GET", "services:impact_surveys"): "302 200 200 200 403 200 200 403",
    ("POST", "services:impact_surveys"): "302 200 200 200 403 200 200 403",
    # The operator reads aggregates only; an empty answer is the enterprise's 400.
    (
        "GET",
        "services:impact_survey_detail",
    ): "302 200 200 200 404 200 200 404 | 302 200 404 404 404 404 200 404",
    (
        "POST",
        "services:impact_survey_detail",
    ): "302 403 403 403 404 400 403 404 | 302 403 404 404 404 404 403 404",
    ("GET", "dashboard:impact"): "302 200 200 200 403 403 200 403",
    ("POST", "dashboard:impact"): "302 405 405 405 405 405 405 405",
    ("GET", "services:voucher_applications"): "302 200 200 200 403 200 200 403",
    ("POST", "services:voucher_applications"): "302 200 200 200 403 200 200 403",
    ("GET", "services:voucher_application_create"): "302 403 403 403 403 200 403 403",
    ("POST", "services:voucher_application_create"): "302 403 403 403 403 200 403 403",
    (
        "GET",
        "services:voucher_application_detail",
    ): "302 200 200 200 404 200 200 404 | 302 200 404 404 404 404 200 404",
    # A post without a decision named is no page.
    (
        "POST",
        "services:voucher_application_detail",
    ): "302 404 404 404 404 404 404 404 | 302 404 404 404 404 404 404 404",
    ("GET", "services:vouchers"): "302 200 200 200 403 200 200 403",
    ("POST", "services:vouchers"): "302 200 200 200 403 200 200 403",
    ("GET", "services:my_enterprise"): "302 403 403 403 403 200 403 403",
    ("POST", "services:my_enterprise"): "302 403 403 403 403 200 403 403",
    ("GET", "services:verification"): "302 200 200 200 403 403 200 403",
    ("POST", "services:verification"): "302 200 200 200 403 403 200 403",
    ("GET", "services:verification_detail"): (
        "302 200 200 200 403 403 200 403 | 302 200 404 404 403 403 200 403"
    ),
    ("GET", "accounts:password_change"): "302 200 200 200 200 200 200 200",
    ("POST", "accounts:password_change"): "302 200 200 200 200 200 200 200",
    ("GET", "accounts:password_change_done"): "302 200 200 200 200 200 200 200",
    ("POST", "accounts:password_change_done"): "302 405 405 405 405 405 405 405",
    ("GET", "accounts:password_reset"): "200 200 200 200 200 200 200 200",
    ("POST", "accounts:password_reset"): "200 200 200 200 200 200 200 200",
    ("GET", "accounts:password_reset_done"): "200 200 200 200 200 200 200 200",
    ("POST", "accounts:password_reset_done"): "405 405 405 405 405 405 405 405",
    (
        "GET",
        "accounts:password_reset_confirm",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    (
        "POST",
        "accounts:password_reset_confirm",
    ): "200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200",
    ("GET", "accounts:password_reset_complete"): "200 200 200 200 200 200 200 200",
    ("POST", "accounts:password_reset_complete"): "405 405 405 405 405 405 405 405",
    ("GET", "accounts:profile"): "302 200 200 200 200 200 200 200",
    ("POST", "accounts:profile"): "302 200 200 200 200 200 200 200",
    # The expert pool and the assignments are the province's; a review page is its expert's
    # (the province reads it), anyone else's answers 404.
    ("GET", "evaluation:experts"): "302 200 403 403 403 403 200 403",
    ("POST", "evaluation:experts"): "302 405 405 405 405 405 405 405",
    ("GET", "evaluation:expert_new"): "302 200 403 403 403 403 200 403",
    ("POST", "evaluation:expert_new"): "302 200 403 403 403 403 200 403",
    ("GET", "evaluation:assignments"): "302 200 403 403 403 403 200 403",
    ("POST", "evaluation:assignments"): "302 200 403 403 403 403 200 403",
    ("GET", "evaluation:reviews"): "302 200 403 403 403 403 200 403",
    ("POST", "evaluation:reviews"): "302 405 405 405 405 405 405 405",
    ("GET", "evaluation:expert"): (
        "302 200 403 403 403 403 200 403 | 302 200 403 403 403 403 200 403"
    ),
    ("POST", "evaluation:expert"): (
        "302 200 403 403 403 403 200 403 | 302 200 403 403 403 403 200 403"
    ),
    ("GET", "evaluation:expert_active"): (
        "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405"
    ),
    ("POST", "evaluation:expert_active"): (
        "302 302 403 403 403 403 302 403 | 302 302 403 403 403 403 302 403"
    ),
    ("GET", "evaluation:assignment_delete"): (
        "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405"
    ),
    ("POST", "evaluation:assignment_delete"): (
        "302 302 403 403 403 403 302 403 | 302 302 403 403 403 403 302 403"
    ),
    ("GET", "evaluation:review"): (
        "302 200 404 404 404 404 200 404 | 302 200 404 404 404 404 200 404"
    ),
    ("POST", "evaluation:review"): (
        "302 403 404 404 404 404 403 404 | 302 403 404 404 404 404 403 404"
    ),
    ("GET", "services:my_enterprise_edit"): "302 403 403 403 403 200 403 403",
    ("POST", "services:my_enterprise_edit"): "302 403 403 403 403 200 403 403",
    # A decision without its action: no such action.
    ("POST", "services:verification_detail"): (
        "302 404 404 404 403 403 404 403 | 302 404 404 404 403 403 404 403"
    ),
    ("GET", "services:claim_detail"): (
        "302 200 200 200 403 403 200 403 | 302 200 404 404 403 403 200 403"
    ),
    ("POST", "services:claim_detail"): (
        "302 404 404 404 403 403 404 403 | 302 404 404 404 403 403 404 403"
    ),
    ("GET", "services:claim_licence"): (
        "302 200 200 200 403 403 200 403 | 302 200 404 404 403 403 200 403"
    ),
    ("POST", "services:claim_licence"): (
        "302 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405"
    ),
}


def page_names() -> list[str]:
    names = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in PAGE_APPS:
                names.append(f"{namespace}:{pattern.name}")
            elif isinstance(pattern, URLPattern) and pattern.name in PORTAL_PAGES:
                names.append(pattern.name)

    walk(get_resolver(), None)
    return sorted(names)


def operations() -> list[tuple[str, str]]:
    return [(method, name) for name in page_names() for method in ("GET", "POST")]


def answers(method: str, name: str) -> str:
    users, side_a, side_b = build_world()
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)

    def call(role, url):
        with transaction.atomic():
            response = getattr(clients[role], method.lower())(url)
            transaction.set_rollback(True)
        return str(response.status_code)

    if name not in ARGUMENTS:
        return " ".join(call(role, reverse(name)) for role in ROLES)
    return " | ".join(
        " ".join(call(role, reverse(name, kwargs=ARGUMENTS[name](side))) for role in ROLES)
        for side in (side_a, side_b)
    )


def test_every_page_has_an_entry():
    assert sorted(EXPECTED) == sorted(operations())


@pytest.mark.parametrize("operation", operations(), ids=" ".join)
def test_answers_by_role_and_scope(operation):
    assert answers(*operation) == EXPECTED.get(operation)


class OfferedWrites(HTMLParser):
    """The writes a page offers: each form's method, action and hidden fields (which name the
    decision a form posts), each htmx write attribute."""

    HTMX_WRITES = ("hx-post", "hx-put", "hx-patch", "hx-delete")

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.writes: list[tuple[str, str, dict]] = []
        self.open_form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "get").lower() != "get":
            action = attributes.get("action") or self.page_url
            self.open_form = {}
            self.writes.append(("POST", urljoin(self.page_url, action), self.open_form))
        if tag == "input" and self.open_form is not None and attributes.get("type") == "hidden":
            self.open_form[attributes.get("name")] = attributes.get("value") or ""
        for name in self.HTMX_WRITES:
            if attributes.get(name):
                url = urljoin(self.page_url, attributes[name])
                self.writes.append((name.removeprefix("hx-").upper(), url, {}))

    def handle_endtag(self, tag):
        if tag == "form":
            self.open_form = None


def refused_offers(name: str) -> list[str]:
    users, side_a, side_b = build_world()
    refused = []
    for role, user in users.items():
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        sides = (None,) if name not in ARGUMENTS else (side_a, side_b)
        for side in sides:
            url = reverse(name) if side is None else reverse(name, kwargs=ARGUMENTS[name](side))
            with transaction.atomic():
                page = client.get(url)
                transaction.set_rollback(True)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            parser = OfferedWrites(url)
            parser.feed(page.content.decode())
            for method, target, data in parser.writes:
                client.force_login(user)  # the page's log-out form may have been replayed
                with transaction.atomic():
                    response = client.post(target, data) if data else client.generic(method, target)
                    transaction.set_rollback(True)
                if response.status_code in (403, 404):
                    refused.append(f"{role} on {url}: {method} {target} → {response.status_code}")
    return refused


@pytest.mark.parametrize("name", page_names())
def test_pages_offer_only_what_the_user_may_do(name):
    assert refused_offers(name) == []
