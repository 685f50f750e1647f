"""axe-core over the main pages, as the roles that open them, in both languages, on a phone
(375 px) and on a desktop (1280 px): no violation of impact serious or critical. Each page's
screenshots are saved as the journeys save theirs."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from evaluation import recompute
from evaluation.models import ReportStatus
from evaluation.revisions import revision_publish
from tests import factories
from tests.evaluation import factories as evaluation
from tests.services.factories import OfferingFactory, ServiceRequestFactory

from .conftest import ARTIFACTS, PHONE_WIDTH

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
DESKTOP = {"width": 1280, "height": 900}
BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()
# Every blocking violation in full (rule, help, the elements and why), for whoever fixes them.
REPORT = ARTIFACTS.parent / "axe-violations.json"


@pytest.fixture
def scene():
    """A published year with two complexes, an offering with a request, and a draft report of
    the next year for the operator to fill in."""
    evaluation.open_period(YEAR)
    evaluation.open_period(YEAR + 1)
    yongkang = factories.ComplexFactory(
        name="永康五金产业创新服务综合体",
        region=factories.region("330784"),
        longitude=120.04,
        latitude=28.9,  # a point on the maps
    )
    other = factories.ComplexFactory(region=factories.region("330110"))
    factories.InstitutionFactory(complex=yongkang, name="永康市质量技术监督检测研究院")
    evaluation.approved(yongkang, YEAR, 1.2)
    evaluation.approved(other, YEAR, 0.8)
    recompute.evaluation_recompute(year=YEAR)
    revision_publish(year=YEAR, actor=factories.provincial_official())
    offering = OfferingFactory(complex=yongkang, title="电动工具安全性能检测")
    service_request = ServiceRequestFactory(offering=offering)
    draft = evaluation.report(yongkang, YEAR + 1, ReportStatus.DRAFT, evaluation.values())
    return {
        "complex": yongkang,
        "request": service_request,
        "report": draft,
        "users": {
            "province": factories.provincial_official(),
            "operator": factories.operator_of(yongkang),
            "enterprise": factories.enterprise_user_of(service_request.enterprise),
        },
    }


def pages(scene) -> list[tuple[str | None, str, str]]:
    """(role, screenshot name, path): the main pages, each as the role that uses it."""
    code = scene["complex"].code
    return [
        (None, "a11y-home", "/"),
        (None, "a11y-catalogue", "/services/"),
        (None, "a11y-directory", "/complexes/"),
        (None, "a11y-complex", f"/complexes/{code}/"),
        (None, "a11y-login", "/accounts/login/"),
        ("province", "a11y-dashboard", f"/dashboard/?year={YEAR}"),
        ("province", "a11y-results", f"/evaluation/results/?year={YEAR}"),
        ("province", "a11y-score", f"/evaluation/results/{code}/?year={YEAR}"),
        ("province", "a11y-complex-internal", f"/complexes/{code}/"),
        ("operator", "a11y-report-form", f"/evaluation/reports/{scene['report'].pk}/"),
        ("operator", "a11y-requests-operator", "/services/requests/"),
        ("enterprise", "a11y-requests", "/services/requests/"),
        ("enterprise", "a11y-request", f"/services/requests/{scene['request'].pk}/"),
    ]


# Every chart and map (an ECharts instance) is described for screen readers and draws its
# series with decal patterns as well as colours (static/js/chart_theme.js).
CHARTS_WITHOUT_ARIA = """() => [...document.querySelectorAll("[_echarts_instance_]")]
  .filter(element => {
    const aria = [].concat(echarts.getInstanceByDom(element).getOption().aria || [])[0];
    return !(aria && aria.enabled && aria.decal && aria.decal.show
             && element.getAttribute("aria-label"));
  })
  .map(element => element.id || element.className)"""


def blocking_violations(page) -> list[dict]:
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [
                {"target": node["target"], "html": node["html"], "why": node["failureSummary"]}
                for node in violation["nodes"]
            ],
        }
        for violation in AXE.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_the_main_pages_have_no_serious_accessibility_violation(
    page, live_server, log_in, snap, scene
):
    found, without_aria, charts_drawn = {}, {}, set()
    signed_in = None
    for role, name, path in pages(scene):
        if role != signed_in:
            page.context.clear_cookies()
            if role is not None:
                log_in(page, scene["users"][role].username, factories.PASSWORD)
            signed_in = role
        for language in ("zh-hans", "en"):
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page.set_viewport_size(DESKTOP)
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (name, language, response.status)
            page.wait_for_load_state("networkidle")
            found[(name, language, DESKTOP["width"])] = blocking_violations(page)
            if page.locator("[_echarts_instance_]").count():
                charts_drawn.add(name)
                without_aria[(name, language)] = page.evaluate(CHARTS_WITHOUT_ARIA)
            snap(page, name)
            page.set_viewport_size({"width": PHONE_WIDTH, "height": DESKTOP["height"]})
            found[(name, language, PHONE_WIDTH)] = blocking_violations(page)
    assert charts_drawn >= {"a11y-home", "a11y-dashboard", "a11y-complex", "a11y-catalogue"}
    assert {key: value for key, value in without_aria.items() if value} == {}
    violations = {" ".join(map(str, key)): value for key, value in found.items() if value}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(violations, ensure_ascii=False, indent=1))
    assert {
        key: sorted({violation["rule"] for violation in value}) for key, value in violations.items()
    } == {}, f"details in {REPORT}"
