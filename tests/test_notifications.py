import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from accounts.notifications import notify

from . import factories

pytestmark = pytest.mark.django_db


def test_notify_fills_each_inbox_and_emails_after_commit(django_capture_on_commit_callbacks):
    with_email = factories.provincial_official(email="official@example.org")
    without_email = factories.regional_official("330700", email="")
    inactive = factories.provincial_official(is_active=False, email="gone@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            recipients=[with_email, without_email, inactive],
            subject="新的服务申请",
            body="请处理",
            url="/complexes/",
        )
        assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        with_email.username,
        without_email.username,
    }
    assert [message.to for message in mail.outbox] == [["official@example.org"]]
    assert mail.outbox[0].subject == "新的服务申请"
    assert mail.outbox[0].body.endswith("/complexes/")


def test_inbox_shows_unread_count_and_marks_read(client_as):
    user = factories.provincial_official()
    other = factories.provincial_official()
    notify(recipients=[user], subject="第一条", url="/complexes/")
    notify(recipients=[user], subject="第二条")
    notify(recipients=[other], subject="别人的消息")
    client = client_as(user)
    page = client.get(reverse("accounts:inbox"))
    html = page.content.decode()
    assert page.context["unread_notifications"]() == 2  # read when shown
    assert "第一条" in html and "第二条" in html and "别人的消息" not in html

    first = Notification.objects.get(subject="第一条")
    response = client.post(reverse("accounts:open_notification", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/complexes/"
    assert client.get("/").context["unread_notifications"]() == 1
    foreign = Notification.objects.get(subject="别人的消息")
    assert client.post(reverse("accounts:open_notification", args=[foreign.pk])).status_code == 404

    client.post(reverse("accounts:mark_all_read"))
    assert client.get("/").context["unread_notifications"]() == 0
    assert Notification.objects.get(subject="别人的消息").read_at is None


def test_a_link_to_another_site_is_not_followed(client_as):
    user = factories.provincial_official()
    (notification,) = notify(recipients=[user], subject="钓鱼", url="https://evil.example.com/")
    response = client_as(user).post(reverse("accounts:open_notification", args=[notification.pk]))
    assert response["Location"] == reverse("accounts:inbox")


def test_notifications_api_lists_only_own_and_marks_read(api_as):
    user = factories.provincial_official()
    notify(recipients=[user], subject="我的")
    notify(recipients=[factories.provincial_official()], subject="别人的")
    client = api_as(user)
    body = client.get("/api/v1/notifications/").json()
    assert [row["subject"] for row in body["results"]] == ["我的"]
    pk = body["results"][0]["id"]
    assert client.post(f"/api/v1/notifications/{pk}/read/").json()["read_at"] is not None
    assert client.get("/api/v1/notifications/", {"read_at__isnull": "true"}).json()["count"] == 0
    foreign = Notification.objects.get(subject="别人的").pk
    assert client.post(f"/api/v1/notifications/{foreign}/read/").status_code == 404
    assert api_as(None).get("/api/v1/notifications/").status_code == 401
