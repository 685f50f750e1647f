"""An official drills down on the dashboard's map: province → Jinhua → 永康 → a complex."""

from decimal import Decimal

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dashboard.figures import figures_refresh
from evaluation import recompute
from tests import factories
from tests.evaluation import factories as evaluation

from .conftest import switch_language

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
YONGKANG = "永康五金产业创新服务综合体"
YUHANG = "余杭家纺产业创新服务综合体"


@pytest.fixture
def province():
    """A complex in 永康 (Jinhua), one in 余杭 (Hangzhou), with published results and figures."""
    evaluation.open_period(YEAR)
    yongkang = factories.ComplexFactory(
        name=YONGKANG,
        region=factories.region("330784"),
        longitude=Decimal("120.10"),
        latitude=Decimal("28.95"),
    )
    yuhang = factories.ComplexFactory(
        name=YUHANG,
        region=factories.region("330110"),
        longitude=Decimal("119.95"),
        latitude=Decimal("30.30"),
    )
    evaluation.approved(yongkang, YEAR, 1.1)
    evaluation.approved(yuhang, YEAR, 0.9)
    recompute.evaluation_recompute(year=YEAR)
    figures_refresh(year=YEAR)
    return {"yongkang": yongkang, "yuhang": yuhang}


MAP_READY = """() => {
  const element = document.getElementById("region-map");
  const chart = element && window.echarts && echarts.getInstanceByDom(element);
  // The regions, the complexes' dots and the 26 mountain counties' layer.
  return !!chart && chart.getOption().series.length === 3;
}"""

# The page position of a longitude/latitude on the map (the chart instance converts it).
MAP_PIXEL = """([longitude, latitude]) => {
  const element = document.getElementById("region-map");
  const [x, y] = echarts.getInstanceByDom(element).convertToPixel({geoIndex: 0}, [longitude, latitude]);
  const box = element.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""

MAP_POINTS = """() => echarts.getInstanceByDom(document.getElementById("region-map"))
  .getOption().series[1].data.map((point) => point.name)"""


def click_on_map(page, longitude, latitude, *, attempts: int = 3) -> None:
    """Click the map where the place lies. A click that lands while the chart still animates
    its first drawing hits nothing, as a person's would; like a person, click again."""
    page.wait_for_function(MAP_READY)
    page.locator("#region-map").scroll_into_view_if_needed()
    for attempt in range(attempts):
        x, y = page.evaluate(MAP_PIXEL, [float(longitude), float(latitude)])
        try:
            with page.expect_navigation(timeout=10_000):
                page.mouse.click(x, y)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise


def test_the_province_drills_down_on_the_map_to_a_complex(
    page, live_server, log_in, snap, province
):
    log_in(page, factories.provincial_official().username, factories.PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    expect(page.locator("#score-distribution canvas")).to_be_visible()
    snap(page, "drilldown-province")

    jinhua = factories.region("330700")
    click_on_map(page, jinhua.longitude, jinhua.latitude)
    expect(page.get_by_role("heading", name=f"金华市 · {YEAR}年概览")).to_be_visible()
    assert "region=330700" in page.url
    snap(page, "drilldown-jinhua")

    yongkang = factories.region("330784")
    click_on_map(page, yongkang.longitude, yongkang.latitude)
    expect(page.get_by_role("heading", name=f"永康市 · {YEAR}年概览")).to_be_visible()
    snap(page, "drilldown-yongkang")

    complex_ = province["yongkang"]
    click_on_map(page, complex_.longitude, complex_.latitude)
    expect(page.get_by_role("heading", name=YONGKANG, exact=True)).to_be_visible()
    assert page.url.endswith(f"/complexes/{complex_.code}/")
    expect(page.locator("#elements-radar canvas")).to_be_visible()
    expect(page.get_by_role("heading", name="得分构成")).to_be_visible()
    expect(page.get_by_role("link", name=f"{YEAR}年度报告")).to_be_visible()
    snap(page, "drilldown-complex")

    switch_language(page, "en")
    expect(page.get_by_role("heading", name="Score breakdown")).to_be_visible()
    snap(page, "drilldown-complex")
    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    expect(page.get_by_role("heading", name=f"Zhejiang Province · {YEAR} overview")).to_be_visible()
    expect(page.locator("#score-distribution canvas")).to_be_visible()
    snap(page, "drilldown-province")


def test_a_jinhua_official_sees_no_hangzhou_complex_on_the_dashboard(
    page, live_server, log_in, snap, province
):
    log_in(page, factories.regional_official("330700").username, factories.PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    expect(page.get_by_role("heading", name=f"金华市 · {YEAR}年概览")).to_be_visible()
    page.wait_for_function(MAP_READY)
    assert page.evaluate(MAP_POINTS) == [YONGKANG]
    expect(page.locator("#main").get_by_role("link", name=YONGKANG)).to_be_visible()
    expect(page.get_by_text(YUHANG)).to_have_count(0)
    snap(page, "drilldown-city-official")

    switch_language(page, "en")
    page.wait_for_function(MAP_READY)
    assert page.evaluate(MAP_POINTS) == [YONGKANG]
    expect(page.get_by_text(YUHANG)).to_have_count(0)
    snap(page, "drilldown-city-official")
