"""The registry as officials, operators and the public use it, in Chinese and English."""

import pytest
from playwright.sync_api import expect

from complexes.models import Institution

from .. import factories
from .conftest import switch_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def province():
    yongkang = factories.ComplexFactory(
        name="永康五金产业创新服务综合体", region=factories.region("330784")
    )
    yuhang = factories.ComplexFactory(
        name="余杭家纺产业创新服务综合体", industry="家纺", region=factories.region("330110")
    )
    factories.InstitutionFactory(complex=yongkang, name="永康五金检验检测中心")
    return {"yongkang": yongkang, "yuhang": yuhang}


def test_the_public_finds_a_complex_by_city(page, live_server, province, snap):
    page.goto(f"{live_server.url}/complexes/")
    expect(page.get_by_role("heading", name="综合体名录")).to_be_visible()
    page.select_option("#id_region", "330700")
    expect(page.get_by_text("共找到1个综合体")).to_be_visible()
    snap(page, "directory-jinhua")
    page.get_by_role("link", name="永康五金产业创新服务综合体").click()
    expect(page.get_by_text("永康五金检验检测中心")).to_be_visible()
    snap(page, "complex-detail")
    switch_language(page, "en")
    expect(page.get_by_role("heading", name="Member institutions")).to_be_visible()
    snap(page, "complex-detail")
    page.goto(f"{live_server.url}/complexes/")
    expect(page.get_by_role("heading", name="Directory of complexes")).to_be_visible()
    snap(page, "directory")


def test_an_operator_keeps_the_profile_and_members(page, live_server, province, log_in, snap):
    operator = factories.operator_of(province["yongkang"])
    log_in(page, operator.username, factories.PASSWORD)
    page.get_by_role("link", name="我的综合体").click()
    page.get_by_role("link", name="编辑概况").click()
    page.get_by_label("联系人").fill("王明")
    snap(page, "edit-profile")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("概况已保存。")).to_be_visible()

    page.get_by_role("link", name="添加成员机构").click()
    page.get_by_label("名称").fill("永康知识产权服务中心")
    page.select_option("#id_type", "ip_service")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("校验码不正确")).to_be_visible()
    snap(page, "member-form-error")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y43")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("成员机构已保存。")).to_be_visible()
    assert Institution.objects.filter(
        complex=province["yongkang"], name="永康知识产权服务中心"
    ).exists()


def test_a_city_official_proposes_a_status_change_and_the_province_confirms_it(
    page, live_server, province, log_in, snap
):
    official = factories.regional_official("330700")
    log_in(page, official.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/complexes/{province['yongkang'].code}/")
    expect(page.get_by_role("link", name="变更状态", exact=True)).to_have_count(0)
    page.get_by_role("link", name="建议变更状态").click()
    page.select_option("#id_to_status", "rectifying")
    page.get_by_label("原因").fill("年度评价不合格，限期整改")
    page.get_by_role("button", name="提交建议").click()
    expect(page.get_by_text("您的建议已提交省级部门决定。")).to_be_visible()
    snap(page, "status-proposed")
    response = page.goto(f"{live_server.url}/complexes/{province['yuhang'].code}/status/")
    assert response.status == 404

    page.context.clear_cookies()
    log_in(page, factories.provincial_official().username, factories.PASSWORD)
    page.goto(f"{live_server.url}/complexes/{province['yongkang'].code}/status/")
    expect(page.get_by_text("年度评价不合格，限期整改")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("建议已处理。")).to_be_visible()
    snap(page, "status-confirmed")
    page.goto(f"{live_server.url}/complexes/{province['yongkang'].code}/")
    expect(page.get_by_text("年度评价不合格，限期整改")).to_be_visible()
