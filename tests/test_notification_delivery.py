"""Each message in the recipient's language, with links on PORTAL_BASE_URL, emailed once after
commit by a Celery task (a redelivered task sends nothing twice); the report workflow, the
exports and the recomputation tell the people who must act."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import Notification
from accounts.tasks import send_notification_email
from evaluation import services
from evaluation.models import JobKind, ReportStatus
from evaluation.recompute import job_run, job_start
from portal.notifications import lazy_format, notify
from tests import factories
from tests.evaluation import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025
VERIFIED = gettext_lazy("Your enterprise %(name)s is verified")


def test_each_recipient_reads_the_message_in_their_own_language(
    settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn/"
    english = factories.provincial_official(email="en@example.org", language="en")
    chinese = factories.provincial_official(email="zh@example.org", language="zh-hans")
    browser_default = factories.provincial_official(email="any@example.org", language="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[english, chinese, browser_default],
            subject=lazy_format(VERIFIED, name="ACME"),
            url="/services/my-enterprise/",
        )
    inbox = dict(Notification.objects.values_list("recipient__username", "subject"))
    assert inbox == {
        english.username: "Your enterprise ACME is verified",
        chinese.username: "您的企业ACME已通过核验",
        browser_default.username: "您的企业ACME已通过核验",
    }
    emails = {message.to[0]: message for message in mail.outbox}
    assert emails["en@example.org"].subject == "Your enterprise ACME is verified"
    assert emails["zh@example.org"].subject == "您的企业ACME已通过核验"
    assert emails["en@example.org"].body == "https://portal.example.gov.cn/services/my-enterprise/"


def test_an_email_is_sent_once_when_the_task_is_delivered_again(
    django_capture_on_commit_callbacks,
):
    user = factories.provincial_official(email="once@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], subject="一次", body="只发一次")
    notification = Notification.objects.get(recipient=user)
    assert len(mail.outbox) == 1  # sent after commit by the (eager) task
    send_notification_email.delay(notification.pk)  # the broker hands the task out again
    send_notification_email.apply(args=[notification.pk])
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert mail.outbox[0].extra_headers["Message-ID"] == (
        f"<notification-{notification.pk}@portal.invalid>"
    )


def test_nothing_leaves_before_commit_and_the_preference_is_kept(
    django_capture_on_commit_callbacks,
):
    wants = factories.provincial_official(email="yes@example.org")
    inbox_only = factories.provincial_official(email="no@example.org", notify_by_email=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[wants, inbox_only], subject="通知")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["yes@example.org"]]
    assert Notification.objects.filter(recipient=inbox_only).exists()


def test_a_failing_mail_server_leaves_the_email_to_send_again(
    settings, django_capture_on_commit_callbacks
):
    user = factories.provincial_official(email="retry@example.org")
    settings.EMAIL_BACKEND = "tests.test_notification_delivery.RefusingBackend"
    # The (eager) task asks to be retried later: the request that notified is not failed.
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], subject="重试")
    notification = Notification.objects.get(recipient=user)
    assert notification.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_email.apply(args=[notification.pk]).get() is True
    assert len(mail.outbox) == 1


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def scene(yongkang_complex):
    evaluation.open_period(YEAR)
    return {
        "report": evaluation.report(yongkang_complex, YEAR, values_=evaluation.values()),
        "owner": factories.operator_of(yongkang_complex, language="en"),
        "colleague": factories.operator_of(yongkang_complex),
        "county": factories.regional_official("330784"),
        "city": factories.regional_official("330700"),
        "other_city": factories.regional_official("330100"),
        "province": factories.provincial_official(language="en"),
    }


def _inbox(report_url):
    return {
        (row.recipient.username, row.subject)
        for row in Notification.objects.filter(url=report_url).select_related("recipient")
    }


def test_the_report_workflow_tells_who_must_act(scene):
    report, owner, province = scene["report"], scene["owner"], scene["province"]
    url = reverse("evaluation:report", args=[report.pk])
    name = report.complex.name
    services.report_submit(report=report, actor=owner)
    assert _inbox(url) == {
        (scene["county"].username, f"{YEAR} 年度 {name} 年报待您审核"),
        (scene["city"].username, f"{YEAR} 年度 {name} 年报待您审核"),
        (province.username, f"The {YEAR} annual report of {name} waits for your review"),
    }
    Notification.objects.all().delete()
    services.report_pre_review(
        report=report, actor=scene["city"], recommendation="recommend", comment="材料齐全"
    )
    assert _inbox(url) == {
        (owner.username, f"The {YEAR} annual report of {name} has been pre-reviewed"),
        (scene["colleague"].username, f"{YEAR} 年度 {name} 年报已完成初审"),
        (province.username, f"The {YEAR} annual report of {name} has been pre-reviewed"),
    }
    assert "材料齐全" in Notification.objects.get(recipient=owner).body
    Notification.objects.all().delete()
    services.report_return(report=report, actor=province, reason="请补充研发投入说明")
    assert _inbox(url) == {
        (owner.username, f"The {YEAR} annual report of {name} was returned"),
        (scene["colleague"].username, f"{YEAR} 年度 {name} 年报已被退回"),
    }
    assert "请补充研发投入说明" in Notification.objects.get(recipient=owner).body
    Notification.objects.all().delete()
    report.refresh_from_db()
    services.report_submit(report=report, actor=owner)
    Notification.objects.all().delete()
    report.refresh_from_db()
    services.report_approve(report=report, actor=province)
    assert _inbox(url) == {
        (owner.username, f"The {YEAR} annual report of {name} is approved"),
        (scene["colleague"].username, f"{YEAR} 年度 {name} 年报已通过审核"),
    }
    assert report.__class__.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_a_failed_recomputation_tells_who_started_it(monkeypatch):
    province = factories.provincial_official(language="en")
    job = job_start(kind=JobKind.RECOMPUTE, actor=province, parameters={"year": YEAR})
    Notification.objects.all().delete()

    def broken(**kwargs):
        raise RuntimeError("indicator table missing")

    monkeypatch.setattr("evaluation.recompute.evaluation_recompute", broken)
    job_run(job_id=job.pk)
    (notice,) = Notification.objects.filter(recipient=province)
    assert notice.subject == f"The recomputation of {YEAR} failed"
    assert notice.body.startswith("indicator table missing")
    assert notice.url == job.get_absolute_url()


def test_the_navbar_language_switch_keeps_the_choice_for_a_signed_in_person(client_as, client):
    user = factories.provincial_official(language="zh-hans")
    response = client_as(user).post("/i18n/setlang/", {"language": "en", "next": "/complexes/"})
    assert response.status_code == 302 and response["Location"] == "/complexes/"
    user.refresh_from_db()
    assert user.language == "en"
    notify(recipients=[user], subject=lazy_format(VERIFIED, name="ACME"))
    assert Notification.objects.get(recipient=user).subject == "Your enterprise ACME is verified"
    client.logout()
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 302  # anonymous
    assert client_as(user).post("/i18n/setlang/", {"language": "xx"}).status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
