"""An expert signs in, opens the complex assigned to them, reads its report, scores the rubric,
saves a draft, submits (the review is locked) and cannot open another expert's complex (404),
in both languages."""

import pytest
from playwright.sync_api import expect

from evaluation.selectors import scheme_for
from tests import factories
from tests.evaluation import factories as evaluation

from .conftest import switch_language

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
YONGKANG = "永康五金产业创新服务综合体"
YUHANG = "余杭家纺产业创新服务综合体"


@pytest.fixture
def assigned():
    yongkang = factories.ComplexFactory(name=YONGKANG, region=factories.region("330784"))
    yuhang = factories.ComplexFactory(name=YUHANG, region=factories.region("330110"))
    evaluation.report(yongkang, YEAR, "submitted", evaluation.values())
    mine = evaluation.expert_review(yongkang, YEAR, evaluation.expert(city="330200"))
    mine.delete()  # the expert starts the review on the page
    theirs = evaluation.expert_review(yuhang, YEAR, evaluation.expert(city="330300"))
    return mine.assignment, theirs.assignment


def test_an_expert_scores_an_assigned_complex_and_cannot_open_another(
    page, live_server, log_in, snap, assigned
):
    mine, theirs = assigned
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, mine.expert.user.username, factories.PASSWORD)
    page.get_by_role("link", name="我的评审").click()
    row = page.get_by_role("row").filter(has_text=YONGKANG)
    expect(row).to_contain_text("未开始")
    expect(page.get_by_role("row").filter(has_text=YUHANG)).to_have_count(0)
    snap(page, "expert-journey-list")

    row.get_by_role("link", name=YONGKANG).click()
    expect(page.get_by_role("heading", name=f"{YONGKANG} · {YEAR}")).to_be_visible()
    expect(page.get_by_role("heading", name="年度报告")).to_be_visible()
    rubric = list(scheme_for(year=YEAR, category=mine.complex.category).rubric_items.all())
    for item in rubric:
        page.locator(f"#id_points_{item.pk}").fill(str(item.maximum * 3 / 4))
        page.locator(f"#id_comment_{item.pk}").fill("材料翔实，服务成效明显。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("[data-review-status]")).to_have_text("草稿")
    expect(page.locator("[data-review-total]")).to_have_text("75.00")
    snap(page, "expert-journey-draft")

    page.get_by_role("button", name="提交评审").click()
    expect(page.locator("[data-review-status]")).to_have_text("已提交")
    expect(page.get_by_role("button", name="保存草稿")).to_have_count(0)
    snap(page, "expert-journey-submitted")

    switch_language(page, "en")
    expect(page.locator("[data-review-status]")).to_have_text("Submitted")
    expect(page.get_by_text("Submitted reviews are locked.")).to_be_visible()
    snap(page, "expert-journey-submitted")

    response = page.goto(f"{live_server.url}/evaluation/reviews/{theirs.pk}/")
    assert response.status == 404
    snap(page, "expert-journey-not-found")
