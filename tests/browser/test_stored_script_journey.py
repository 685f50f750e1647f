"""Stored script: values that carry a script, in every field an operator or an enterprise writes,
shown by the maps, charts, tables and tooltips that officials open. Nothing may run.

Issue 13 finding 1: the map dot's tooltip was the complex's raw name, and ECharts inserts
tooltips as HTML. Each page below is opened as the officials (and the operator and enterprise)
who see it; every chart item's tooltip is shown through ECharts' own API, the mouse moves over
the map's dots and each chart, a dot is clicked. ``window.__xss`` stays unset, no dialog opens,
and the Content-Security-Policy reports no violation (the portal's own code needs none).
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from complexes.models import ComplexStatusChange, SharedInstrument, Status, TalentTeam
from dashboard.figures import figures_refresh
from evaluation import recompute
from evaluation.models import AnnualReport, ReportAction, ReportEvent, ReportValue
from services import services as service_actions
from tests import factories
from tests.evaluation import factories as evaluation
from tests.services.factories import OfferingFactory, ServiceRequestFactory, advance

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
# An image whose error handler runs script, and a script element after a closed one (for a value
# that ends up inside a <script> block).
IMAGE = '<img src=x onerror="window.__xss=1">'
SCRIPT = "</script><script>window.__xss=1</script>"
BOTH = IMAGE + SCRIPT

# Records what the page would have done before any of the page's own scripts runs: dialogs are
# caught by Playwright, policy violations here.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""

# Every ECharts instance on the page: show the tooltip of each item of each series, as a hover does.
SHOW_EVERY_TOOLTIP = """() => {
  let shown = 0;
  document.querySelectorAll("[_echarts_instance_]").forEach((element) => {
    const chart = echarts.getInstanceByDom(element);
    chart.getOption().series.forEach((series, seriesIndex) => {
      const count = series.type === "radar" ? 1 : (series.data || []).length;
      for (let dataIndex = 0; dataIndex < count; dataIndex++) {
        chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex });
        shown++;
      }
    });
  });
  return shown;
}"""

CHARTS_DRAWN = (
    """(expected) => document.querySelectorAll("[_echarts_instance_] canvas").length >= expected"""
)

# Page positions of the map's dots (the chart converts each longitude/latitude).
MAP_DOTS = """() => {
  const element = document.getElementById("region-map");
  const chart = echarts.getInstanceByDom(element);
  const box = element.getBoundingClientRect();
  return chart.getOption().series[1].data.map((point) => {
    const [x, y] = chart.convertToPixel({ geoIndex: 0 }, point.value);
    return [box.left + x, box.top + y];
  });
}"""

MAP_READY = """() => {
  const element = document.getElementById("region-map");
  const chart = element && window.echarts && echarts.getInstanceByDom(element);
  // The regions, the complexes' dots and the 26 mountain counties' layer.
  return !!chart && chart.getOption().series.length === 3;
}"""


def carrying(prefix: str = "") -> str:
    return prefix + BOTH


@pytest.fixture
def stored_scripts():
    """Two complexes (Yongkang in Jinhua, Yuhang in Hangzhou) whose every written field carries
    a script: profile, members, instruments, teams, offerings, enterprise, requests with their
    delivery note, rating comment and rejection reason, status reason, annual report comments."""
    evaluation.open_period(YEAR)
    complexes = []
    for code, longitude, latitude in (("330784", "120.10", "28.95"), ("330110", "119.95", "30.30")):
        complex_ = factories.ComplexFactory(
            name=carrying(code),
            region=factories.region(code),
            longitude=Decimal(longitude),
            latitude=Decimal(latitude),
            industry=BOTH,
            applicant_government=BOTH,
            host_unit=BOTH,
            contact_name=IMAGE,
            address=BOTH,
            description=BOTH,
        )
        evaluation.approved(complex_, YEAR, 1.1 if code == "330784" else 0.9)
        complexes.append(complex_)
    yongkang = complexes[0]
    operator = factories.operator_of(yongkang)
    enterprise = factories.EnterpriseFactory(name=carrying("企业"), contact_name=IMAGE)
    enterprise_user = factories.enterprise_user_of(enterprise)

    institution = factories.InstitutionFactory(
        complex=yongkang, name=carrying("机构"), contact_name=IMAGE, description=BOTH
    )
    SharedInstrument.objects.create(
        complex=yongkang, institution=institution, name=carrying("仪器"), original_value=1000
    )
    TalentTeam.objects.create(complex=yongkang, name=carrying("团队"), leader=IMAGE, field=BOTH)
    ComplexStatusChange.objects.create(
        complex=yongkang, from_status=Status.CONSTRUCTING, to_status=Status.OPERATING, reason=BOTH
    )
    offering = OfferingFactory(
        complex=yongkang, institution=institution, title=carrying("服务"), description=BOTH
    )
    completed = ServiceRequestFactory(offering=offering, enterprise=enterprise, description=BOTH)
    advance(completed, "delivered", operator=operator, enterprise_user=enterprise_user)
    service_actions.service_request_confirm(
        service_request=completed, actor=enterprise_user, rating=5, comment=BOTH
    )
    rejected = ServiceRequestFactory(offering=offering, enterprise=enterprise, description=BOTH)
    service_actions.service_request_reject(service_request=rejected, actor=operator, reason=BOTH)

    reports = AnnualReport.objects.filter(complex__in=complexes)
    reports.update(review_comment=BOTH, return_reason=BOTH)
    ReportValue.objects.filter(report__in=reports).update(comment=BOTH)
    for report in reports:
        ReportEvent.objects.create(
            report=report, action=ReportAction.APPROVE, actor=operator, comment=BOTH
        )

    recompute.evaluation_recompute(year=YEAR)
    figures_refresh(year=YEAR)
    return {
        "yongkang": yongkang,
        "report": reports.get(complex=yongkang),
        "offering": offering,
        "request": completed,
        "operator": operator,
        "enterprise_user": enterprise_user,
    }


class Watched:
    """A page that records dialogs; its policy violations are read from the page itself."""

    def __init__(self, page):
        self.page = page
        self.dialogs = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("dialog", self._dismiss)

    def _dismiss(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def nothing_ran(self, where: str) -> None:
        self.page.wait_for_timeout(300)  # an image's error handler fires after its failed load
        assert self.page.evaluate("window.__xss") is None, where
        assert self.dialogs == [], where
        assert self.page.evaluate("window.__cspViolations") == [], where


def hover_every_chart(page, *, charts: int) -> int:
    """Show every tooltip through ECharts, then move the mouse over each chart and map dot."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(CHARTS_DRAWN, arg=charts)
    shown = page.evaluate(SHOW_EVERY_TOOLTIP)
    for chart in page.locator("[_echarts_instance_]").all():
        chart.scroll_into_view_if_needed()
        chart.hover()
    if page.locator("#region-map").count():
        page.wait_for_function(MAP_READY)
        page.locator("#region-map").scroll_into_view_if_needed()
        for x, y in page.evaluate(MAP_DOTS):
            page.mouse.move(x, y)
            page.wait_for_timeout(150)
    return shown


def open_and_hover(watched, snap, url: str, name: str, *, charts: int = 0) -> None:
    page = watched.page
    page.goto(url)
    if charts:
        assert hover_every_chart(page, charts=charts) > 0
    else:
        page.wait_for_load_state("networkidle")
    snap(page, f"stored-script-{name}")
    watched.nothing_ran(name)


def test_no_stored_script_runs_for_the_officials(page, live_server, log_in, snap, stored_scripts):
    watched = Watched(page)
    yongkang = stored_scripts["yongkang"]
    base = live_server.url
    # Dashboard: the map, the score histogram and the four trend charts.
    officials = {
        "province": factories.provincial_official(),
        "city": factories.regional_official("330700"),
        "county": factories.regional_official("330784"),
    }
    for role, official in officials.items():
        log_in(page, official.username, factories.PASSWORD)
        open_and_hover(
            watched, snap, f"{base}/dashboard/?year={YEAR}", f"dashboard-{role}", charts=6
        )
        # The complex page: the radar and the services delivered per quarter.
        open_and_hover(
            watched, snap, f"{base}/complexes/{yongkang.code}/", f"complex-{role}", charts=2
        )
        for path, name in (
            (f"/evaluation/results/?year={YEAR}", "rankings"),
            (f"/evaluation/results/{yongkang.code}/?year={YEAR}", "score"),
            (f"/evaluation/reports/{stored_scripts['report'].pk}/", "report"),
            ("/evaluation/reports/", "reports"),
            ("/complexes/", "directory"),
            ("/services/", "catalogue"),
            ("/services/requests/", "requests"),
            (f"/services/requests/{stored_scripts['request'].pk}/", "request"),
            ("/services/enterprises/", "enterprises"),
            ("/funding/", "funding"),
        ):
            open_and_hover(watched, snap, base + path, f"{name}-{role}")
        page.context.clear_cookies()

    # The province clicks the Yongkang dot: the complex page opens, and still nothing runs.
    log_in(page, officials["province"].username, factories.PASSWORD)
    page.goto(f"{base}/dashboard/?year={YEAR}")
    hover_every_chart(page, charts=6)
    page.locator("#region-map").scroll_into_view_if_needed()
    dots = page.evaluate(MAP_DOTS)
    with page.expect_navigation():
        page.mouse.click(*dots[0])
    expect(page.locator("#elements-radar canvas")).to_be_visible()
    hover_every_chart(page, charts=2)
    watched.nothing_ran("complex page after a click on the map")

    # The year and measure menus submit on change without an inline handler.
    page.goto(f"{base}/dashboard/?year={YEAR}")
    with page.expect_navigation():
        page.select_option("#measure-select", "members")
    assert "measure=members" in page.url
    expect(page.locator("#measure-select")).to_have_value("members")
    watched.nothing_ran("measure menu")


def test_no_stored_script_runs_for_the_operator_and_the_enterprise(
    page, live_server, log_in, snap, stored_scripts
):
    watched = Watched(page)
    base = live_server.url
    yongkang = stored_scripts["yongkang"]
    log_in(page, stored_scripts["operator"].username, factories.PASSWORD)
    open_and_hover(
        watched, snap, f"{base}/complexes/{yongkang.code}/", "complex-operator", charts=2
    )
    for path, name in (
        ("/services/requests/", "requests-operator"),
        ("/services/catalogue/", "manage-catalogue-operator"),
        (f"/evaluation/reports/{stored_scripts['report'].pk}/", "report-operator"),
    ):
        open_and_hover(watched, snap, base + path, name)
    page.context.clear_cookies()

    log_in(page, stored_scripts["enterprise_user"].username, factories.PASSWORD)
    open_and_hover(
        watched, snap, f"{base}/complexes/{yongkang.code}/", "complex-enterprise", charts=1
    )
    for path, name in (
        ("/services/", "catalogue-enterprise"),
        (f"/services/offerings/{stored_scripts['offering'].pk}/", "offering-enterprise"),
        (f"/services/requests/{stored_scripts['request'].pk}/", "request-enterprise"),
    ):
        open_and_hover(watched, snap, base + path, name)


def test_the_api_docs_and_the_admin_run_under_the_policy(page, live_server, log_in, snap):
    watched = Watched(page)
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    log_in(page, admin.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    snap(page, "api-docs")
    watched.nothing_ran("api docs")
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    watched.nothing_ran("admin")
    # htmx still works without eval and its inline indicator styles: the directory's search
    # swaps its results in place.
    complex_ = factories.ComplexFactory(name="永康五金产业创新服务综合体")
    page.goto(f"{live_server.url}/complexes/")
    page.locator("#id_q").fill("永康")
    with page.expect_response(lambda response: "/complexes/?" in response.url):
        page.locator("#id_q").press("Enter")
    expect(page.get_by_role("link", name=complex_.name)).to_be_visible()
    watched.nothing_ran("directory search")
