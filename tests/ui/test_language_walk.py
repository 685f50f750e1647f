"""Every page, walked in English and in Chinese: the page chrome speaks one language only.

Data is not chrome: what this seed stored (complex and enterprise names, descriptions, codes,
user names) is taken out of the page before it is read."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import TeamRole
from accounts.services import team_invitation_create
from complexes.models import Status
from evaluation import recompute
from evaluation.models import (
    Adjustment,
    EvaluationScheme,
    JobKind,
    ManagementDecision,
    ManagementKind,
    ProposalStatus,
    ReportStatus,
)
from funding.models import RuleSet
from portal.models import EXPORT, Job, JobStatus
from services.models import EnterpriseClaim, ImpactSurvey, VoucherApplication
from tests import factories
from tests.evaluation import factories as evaluation
from tests.funding.factories import M, evaluated, rule_set
from tests.services.factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
PAGE_NAMESPACES = {"accounts", "complexes", "services", "evaluation", "funding", "dashboard"}
# Pages the project's own urls.py serves (outside the apps' namespaces).
PORTAL_PAGES = {"history", "my_exports", "export_job", "export_file", "open_data", "open_data_csv"}
# Routes that answer POST only, or a file: nothing for a person to read in either language.
NOT_PAGES = {
    "accounts:logout", "accounts:open_notification", "accounts:mark_all_read",
    "services:request_transition", "evaluation:report_action", "evaluation:report_template",
    "evaluation:report_upload", "evaluation:adjust", "evaluation:decision",
    "evaluation:adjustment_action", "evaluation:adjustment_evidence", "complexes:decide_proposal",
    "evaluation:recompute", "funding:export", "funding:recompute", "funding:publish",
    "complexes:export", "services:requests_export", "services:enterprises_export",
    "services:vouchers_export", "services:settlements_export", "evaluation:reports_export",
    "evaluation:results_export", "evaluation:score_pdf", "dashboard:summary_pdf",
    "dashboard:regions_export", "dashboard:warnings_export", "export_file",
    "services:claim_licence", "accounts:team_member", "accounts:official_active",
    "evaluation:revision_decide", "dashboard:compare_export", "funding:decision_pdf",
    "services:deliverable_download", "services:requests_export_csv",
    "services:settlement_review_sheet", "open_data_csv", "evaluation:expert_active",
    "evaluation:assignment_delete",
    "complexes:hearing",
    "evaluation:recheck",
    "evaluation:progress_remind",
    "evaluation:progress_approve",
}  # fmt: skip
# Words that stay in Latin letters in Chinese pages too: names of formats, encodings and of the
# API, the units of file sizes (Django's filesizeformat writes them so in Chinese too), the prefix
# of high-tech enterprise certificate numbers (GR202333001234), and the names of keys and systems
# as printed on the keyboard ("按住 Ctrl（Mac 上为 ⌘）").
LATIN_IN_CHINESE = {
    "Excel", "API", "PDF", "CSV", "UTF", "xlsx", "Token", "OpenAPI", "Office", "KB", "MB", "GB",
    "GR", "Ctrl", "Mac",
}  # fmt: skip
# The language menu names each language in that language, on purpose.
LANGUAGE_NAMES = ("简体中文", "English")
SHORTENED = 40
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}(?:[ '-][A-Za-z]{2,})*")


class ReadableText(HTMLParser):
    """The text a person reads or hears: text nodes outside scripts, styles and code, and the
    labels given in attributes."""

    ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
    # Code is code in every language: indicator codes, field names in the change history.
    NOT_READ = {"script", "style", "code"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.NOT_READ:
            self.skipping += 1
        self.parts.extend(value for name, value in attrs if name in self.ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in self.NOT_READ:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def page_routes():
    """(name, pattern) of every named page route of the portal's apps."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace:
                yield f"{namespace}:{pattern.name}"
            elif isinstance(pattern, URLPattern) and pattern.name in PORTAL_PAGES:
                yield pattern.name

    names = set(walk(get_resolver().url_patterns, None))
    return sorted(
        name for name in names if name.split(":")[0] in PAGE_NAMESPACES or name in PORTAL_PAGES
    )


@pytest.fixture
def seeded():
    """One of everything the pages show, and the strings it stored."""
    evaluation.open_period(YEAR)
    complex_ = factories.ComplexFactory(name="永康五金产业创新服务综合体")
    institution = factories.InstitutionFactory(complex=complex_, name="永康五金检验检测中心")
    offering = OfferingFactory(complex=complex_, institution=institution, title="电动工具检测")
    enterprise = factories.EnterpriseFactory(name="永康市恒达工具有限公司")
    voucher = VoucherFactory(enterprise=enterprise)
    service_request = ServiceRequestFactory(offering=offering, enterprise=enterprise)
    report = evaluation.report(complex_, YEAR, ReportStatus.SUBMITTED, evaluation.values())
    yuhang = factories.ComplexFactory(
        name="余杭家纺产业创新服务综合体", industry="家纺", region=factories.region("330110")
    )
    evaluation.approved(yuhang, YEAR)
    evaluated(yuhang, YEAR, "88.00", "good")
    users = {
        "anonymous": None,
        "province": factories.provincial_official(username="province"),
        "operator": factories.operator_of(complex_, username="operator"),
        "enterprise": factories.enterprise_user_of(enterprise, username="enterprise"),
    }
    rule_set(YEAR, actor=users["province"], pool=60 * M)
    expert_review = evaluation.expert_review(complex_, YEAR)
    expert = expert_review.assignment.expert
    users["expert"] = expert.user
    adjustment = Adjustment.objects.create(
        complex=yuhang, year=YEAR, item_code="national_award", reason="获国家级表彰",
        proposed_by=factories.regional_official("330110", username="county"),
        evidence="adjustment-evidence/x.pdf", evidence_name="表彰文件.pdf",
    )  # fmt: skip
    # Dynamic management: an overdue re-check, a removal awaiting its hearing, a removed complex.
    rectifying = factories.ComplexFactory(
        name="海宁经编产业创新服务综合体", status=Status.RECTIFYING
    )
    removed = factories.ComplexFactory(name="龙泉青瓷产业创新服务综合体", status=Status.REMOVED)
    management = [
        ManagementDecision.objects.create(
            complex=rectifying, year=YEAR, kind=ManagementKind.RECTIFY,
            reason="2025年度评价不合格，限期整改。", deadline=date(2026, 1, 31),
        ),
        ManagementDecision.objects.create(
            complex=rectifying, year=YEAR + 1, kind=ManagementKind.PROPOSE_REMOVAL,
            proposal_status=ProposalStatus.PENDING, reason="连续两年评价不合格。",
        ),
    ]  # fmt: skip
    # What the migrations shipped is data too, written once in English (see the report).
    shipped = [*EvaluationScheme.objects.all(), *RuleSet.objects.all()]
    job = recompute.job_start(kind=JobKind.RECOMPUTE, actor=users["province"], parameters={})
    export = Job.objects.create(
        kind=EXPORT, owner=users["province"], export="services:requests_export", title="服务申请",
        language="zh-hans", status=JobStatus.SUCCEEDED, rows=3, size=20480,
        filename="服务申请-2025-06-30.xlsx", file="exports/1/x.xlsx",
    )  # fmt: skip
    claim = EnterpriseClaim.objects.create(
        enterprise=enterprise, name="永康恒达工具", contact_name="李明", contact_phone="13900000000",
        claimant=factories.UserFactory(username="claimant", is_active=False),
        business_licence="business-licences/claim.pdf", business_licence_name="营业执照.pdf",
    )  # fmt: skip
    application = VoucherApplication.objects.create(
        enterprise=enterprise,
        year=YEAR,
        amount=50000,
        purpose="新品检测",
        applicant=users["enterprise"],
    )
    application.planned_services.set([offering])
    survey = ImpactSurvey.objects.create(
        request=service_request,
        complex=complex_,
        enterprise=enterprise,
        expires_on=timezone.localdate() + timedelta(days=60),
    )
    invitation, invitation_token = team_invitation_create(
        actor=users["operator"], email="colleague@example.com", team_role=TeamRole.STAFF
    )
    objects = [
        complex_, yuhang, institution, offering, enterprise, service_request, export, claim,
        claim.claimant, application, adjustment, adjustment.proposed_by, invitation, expert,
        *shipped,
        *users.values(),
        claim.claimant, application, adjustment, adjustment.proposed_by, invitation, *shipped,
        rectifying, removed, *management, *users.values(),
    ]  # fmt: skip
    data = {
        value
        for obj in objects
        if obj is not None
        for field in obj._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and isinstance(value := getattr(obj, field.attname), str)
        and value
    }
    code, pk = complex_.code, institution.pk
    routes = {
        "accounts:login": ("anonymous", {}),
        "accounts:inbox": ("enterprise", {}),
        "accounts:profile": ("province", {}),
        "accounts:password_change": ("province", {}),
        "accounts:password_change_done": ("province", {}),
        "accounts:password_reset": ("anonymous", {}),
        "accounts:password_reset_done": ("anonymous", {}),
        # A link that is no (longer a) valid one: the page says so and offers a new one.
        "accounts:password_reset_confirm": ("anonymous", {"uidb64": "MQ", "token": "expired"}),
        "accounts:password_reset_complete": ("anonymous", {}),
        "accounts:team": ("operator", {}),
        "accounts:officials": ("province", {}),
        "accounts:invitation_accept": ("anonymous", {"token": invitation_token}),
        "complexes:directory": ("anonymous", {}),
        "complexes:detail": ("province", {"code": code}),
        "complexes:edit": ("operator", {"code": code}),
        "complexes:change_status": ("province", {"code": code}),
        "complexes:reapply": ("province", {"code": removed.code}),
        "complexes:history": ("province", {"code": code}),
        "complexes:part_add": ("operator", {"code": code, "part_name": "members"}),
        "complexes:part_edit": ("operator", {"code": code, "part_name": "members", "pk": pk}),
        "complexes:part_delete": ("operator", {"code": code, "part_name": "members", "pk": pk}),
        "services:catalogue": ("anonymous", {}),
        "services:offering_detail": ("enterprise", {"pk": offering.pk}),
        "services:register": ("anonymous", {}),
        "services:requests": ("operator", {}),
        "services:request_detail": ("operator", {"pk": service_request.pk}),
        "services:manage_catalogue": ("operator", {}),
        "services:offering_add": ("operator", {}),
        "services:offering_edit": ("operator", {"pk": offering.pk}),
        "services:enterprises": ("province", {}),
        "services:vouchers": ("province", {}),
        "services:voucher_detail": ("enterprise", {"pk": voucher.pk}),
        "services:voucher_applications": ("province", {}),
        "services:voucher_application_create": ("enterprise", {}),
        "services:voucher_application_detail": ("province", {"pk": application.pk}),
        "services:settlements": ("province", {}),
        "services:my_enterprise": ("enterprise", {}),
        "services:my_enterprise_edit": ("enterprise", {}),
        "services:verification": ("province", {}),
        "services:verification_detail": ("province", {"pk": enterprise.pk}),
        "services:claim_detail": ("province", {"pk": claim.pk}),
        "services:mountain_county_services": ("province", {"code": code}),
        "services:settlement_reviews": ("province", {}),
        "services:settlement_account": ("operator", {}),
        "services:fraud_flags": ("province", {}),
        "services:impact_surveys": ("province", {}),
        "services:impact_survey_detail": ("enterprise", {"pk": survey.pk}),
        "evaluation:reports": ("province", {}),
        "evaluation:report": ("province", {"pk": report.pk}),
        "evaluation:report_versions": ("province", {"pk": report.pk}),
        "evaluation:periods": ("province", {}),
        "evaluation:progress": ("province", {}),
        "evaluation:scheme": ("province", {}),
        "evaluation:grading_rules": ("province", {}),
        "evaluation:rankings": ("province", {}),
        "evaluation:score": ("province", {"code": code}),
        "evaluation:adjustments": ("province", {}),
        "evaluation:job": ("province", {"pk": job.pk}),
        "evaluation:indicators": ("province", {}),
        "evaluation:records": (
            "province",
            {"code": code, "year": YEAR, "indicator": "member_institutions"},
        ),
        "evaluation:revision": ("province", {"year": YEAR}),
        "evaluation:experts": ("province", {}),
        "evaluation:expert_new": ("province", {}),
        "evaluation:expert": ("province", {"pk": expert.pk}),
        "evaluation:assignments": ("province", {}),
        "evaluation:reviews": ("expert", {}),
        "evaluation:review": ("expert", {"pk": expert_review.assignment_id}),
        "funding:table": ("province", {}),
        "funding:simulate": ("province", {}),
        "funding:rules": ("province", {}),
        "funding:history": ("province", {"code": code}),
        "dashboard:overview": ("province", {}),
        "dashboard:compare": ("province", {}),
        "dashboard:impact": ("province", {}),
        "open_data": ("anonymous", {}),
        "history": ("province", {"kind": "offering", "pk": offering.pk}),
        "my_exports": ("province", {}),
        "export_job": ("province", {"pk": export.pk}),
    }
    return {"users": users, "routes": routes, "data": data}


def readable_text(html: str, data: set[str]) -> list[str]:
    parser = ReadableText()
    parser.feed(html)
    text = []
    for part in parser.parts:
        for value in sorted(data, key=len, reverse=True):
            part = part.replace(value, " ")
            # Long data is shortened for display ("…"): its beginning marks it.
            if len(value) > SHORTENED and value[:SHORTENED] in part:
                part = part[: part.index(value[:SHORTENED])]
        for name in LANGUAGE_NAMES:
            part = part.replace(name, " ")
        text.append(part)
    return text


def page_path(seeded, name: str) -> str:
    """The address of the page ``name`` as the walk opens it (the browser's walk too)."""
    from django.urls import reverse

    _role, kwargs = seeded["routes"][name]
    query = f"?year={YEAR}" if name.startswith(("funding", "evaluation:rankings")) else ""
    if name == "funding:simulate":
        query += "&pool=80000000"  # a simulation's results, not only its empty form
    return reverse(name, kwargs=kwargs) + query


def render(client, seeded, name: str, language: str) -> str:
    role, _kwargs = seeded["routes"][name]
    client.logout()
    if seeded["users"][role] is not None:
        client.force_login(seeded["users"][role])
    response = client.get(page_path(seeded, name), HTTP_ACCEPT_LANGUAGE=language)
    client.cookies.pop("django_language", None)
    assert response.status_code == 200, (name, response.status_code)
    html = response.content.decode()
    assert (
        name == "funding:history" or f'<html lang="{"en" if language == "en" else "zh-CN"}"' in html
    )
    return html


def test_every_page_route_is_walked(seeded):
    assert set(page_routes()) == set(seeded["routes"]) | NOT_PAGES


def test_english_pages_have_no_chinese_chrome(client, seeded, settings):
    leftovers = {}
    for name in seeded["routes"]:
        html = render(client, seeded, name, "en")
        found = {m for part in readable_text(html, seeded["data"]) for m in CJK.findall(part)}
        if found:
            leftovers[name] = sorted(found)
    assert leftovers == {}, "\n".join(f"{k}: {v}" for k, v in leftovers.items())


def test_chinese_pages_have_no_english_chrome(client, seeded):
    leftovers = {}
    for name in seeded["routes"]:
        html = render(client, seeded, name, "zh-hans")
        found = {
            word
            for part in readable_text(html, seeded["data"])
            for word in LATIN_WORD.findall(part)
            if word not in LATIN_IN_CHINESE
        }
        if found:
            leftovers[name] = sorted(found)
    assert leftovers == {}, "\n".join(f"{k}: {v}" for k, v in leftovers.items())
