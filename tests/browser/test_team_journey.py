"""An owner invites a colleague, the colleague accepts and handles a request, and the history
shows who did what."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .. import factories
from ..services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_invites_a_colleague_who_handles_a_request(page, live_server, log_in, snap):
    yongkang = factories.ComplexFactory(
        name="永康五金产业创新服务综合体", region=factories.region("330784")
    )
    owner = factories.operator_of(yongkang, first_name="主任", last_name="王")
    service_request = ServiceRequestFactory(
        offering=OfferingFactory(complex=yongkang, title="盐雾试验")
    )

    log_in(page, owner.username, factories.PASSWORD)
    page.get_by_role("button", name=owner.username).click()
    page.get_by_role("link", name="我的团队").click()
    page.get_by_label("同事的电子邮箱").fill("li.ming@example.org")
    page.select_option("#id_team_role", "staff")
    page.get_by_role("button", name="发送邀请").click()
    expect(page.get_by_text("已邀请 li.ming@example.org")).to_be_visible()
    snap(page, "team-invited")
    path = re.search(r"/accounts/invitations/[^/\s]+/", mail.outbox[-1].body).group(0)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("用户名").fill("li.ming")
    page.get_by_label("名", exact=True).fill("明")
    page.get_by_label("姓", exact=True).fill("李")
    page.fill("#id_password1", factories.PASSWORD)
    page.fill("#id_password2", factories.PASSWORD)
    snap(page, "invitation-accept")
    page.get_by_role("button", name="创建我的账号").click()
    expect(page.get_by_text("欢迎！您的账号已创建。")).to_be_visible()

    page.goto(f"{live_server.url}/services/requests/{service_request.pk}/")
    page.get_by_role("button", name="受理").click()
    expect(page.get_by_text("已受理").first).to_be_visible()
    page.get_by_role("link", name="变更历史").click()
    expect(page.get_by_role("cell", name="明 李").first).to_be_visible()
    snap(page, "history-by-colleague")
