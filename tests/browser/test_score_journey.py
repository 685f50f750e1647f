"""An official follows a published score from the ranking to the records one indicator counted:
the rank with its denominator, each indicator's formula with the numbers, and the members the
derived value counted in that year (a member that joined later is not among them)."""

import re

import pytest
from playwright.sync_api import expect

from evaluation import recompute
from evaluation.revisions import revision_publish
from tests import factories
from tests.evaluation import factories as evaluation

from .conftest import switch_language

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
YONGKANG = "永康五金产业创新服务综合体"


@pytest.fixture
def published_year():
    evaluation.open_period(YEAR)
    yongkang = factories.ComplexFactory(name=YONGKANG, region=factories.region("330784"))
    other = factories.ComplexFactory(region=factories.region("330110"))
    counted = factories.InstitutionFactory(complex=yongkang, name="永康市质量技术监督检测研究院")
    later = factories.InstitutionFactory(complex=yongkang, name="浙江工业大学永康研究院")
    type(counted).objects.filter(pk=counted.pk).update(joined_year=YEAR - 3)
    type(later).objects.filter(pk=later.pk).update(joined_year=YEAR + 1)
    evaluation.approved(yongkang, YEAR, 1.2)
    evaluation.approved(other, YEAR, 0.8)
    recompute.evaluation_recompute(year=YEAR)
    revision_publish(year=YEAR, actor=factories.provincial_official())
    return yongkang


def test_an_official_follows_a_score_to_the_records_it_counted(
    page, live_server, log_in, snap, published_year
):
    log_in(page, factories.regional_official("330700").username, factories.PASSWORD)
    page.goto(f"{live_server.url}/evaluation/results/?year={YEAR}")
    row = page.get_by_role("row").filter(has_text=YONGKANG)
    expect(row).to_contain_text(re.compile(r"\d+ / 2"))
    snap(page, "score-journey-ranking")

    row.get_by_role("link", name=YONGKANG).click()
    expect(page.get_by_role("heading", name=YONGKANG)).to_be_visible()
    formulas = page.locator("[data-formula]")
    expect(formulas.first).to_contain_text("=")
    expect(page.locator("[data-total]")).to_contain_text("总分")
    snap(page, "score-journey-score")

    page.get_by_role("link", name="入驻服务机构数").first.click()
    expect(page.get_by_role("heading", name=f"入驻服务机构数 · {YEAR}")).to_be_visible()
    expect(page.get_by_role("cell", name="永康市质量技术监督检测研究院")).to_be_visible()
    expect(page.get_by_role("cell", name="浙江工业大学永康研究院")).to_have_count(0)
    snap(page, "score-journey-records")

    switch_language(page, "en")
    expect(page.get_by_role("cell", name="永康市质量技术监督检测研究院")).to_be_visible()
    snap(page, "score-journey-records")
