"""Telling people what concerns them: an inbox row per recipient, written in the recipient's
language, and an email sent once after commit by a Celery task.

Callers pass the subject and body as lazy translatable strings (``gettext_lazy``,
``format_lazy``): each is rendered once per recipient, under their language, and the rendered
text is stored, so the inbox and the email say the same words. The email leaves through
``accounts.tasks.send_notification_email``, which sends it only while the notification's row is
locked and its ``emailed_at`` empty, and sets ``emailed_at`` in the same transaction: a task
redelivered after a worker died sends nothing twice (short of the worker dying between the
mail server's answer and the commit, when the Message-ID lets the mail system drop the copy).
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from celery.exceptions import Retry
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerUnavailable

from .lock_objects import notifications_select_for_update
from .models import Notification, User

logger = logging.getLogger(__name__)

# Emails not sent this long after their notification (the broker was down) are queued again by
# the beat's housekeeping, for as long as the message is still news.
EMAIL_REQUEUE_AFTER = timedelta(minutes=10)
EMAIL_GIVE_UP_AFTER = timedelta(days=2)


def language_of(user: User) -> str:
    """The language a person's messages are written in: their choice, else the portal's."""
    return user.language or settings.LANGUAGE_CODE


def portal_link(url: str) -> str:
    """A path of the portal as a link that works outside it (in an email)."""
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{url}" if url else ""


@transaction.atomic
def notify(*, recipients: Iterable[User], subject, body="", url: str = "") -> list[Notification]:
    """Put the message in each active recipient's inbox, in their language; email those who
    want it once the transaction commits. ``url`` is a path of the portal."""
    people = sorted({user.pk: user for user in recipients if user.is_active}.values(),
                    key=lambda user: user.pk)  # fmt: skip
    rows = []
    for user in people:
        with translation.override(language_of(user)):
            rows.append(
                Notification(recipient=user, subject=str(subject)[:200], body=str(body), url=url)
            )
    notifications = Notification.objects.bulk_create(rows)
    to_email = [row.pk for row in notifications if _wants_email(row.recipient)]
    if to_email:
        transaction.on_commit(lambda: notification_emails_queue(to_email))
    return notifications


def _wants_email(user: User) -> bool:
    return bool(user.email) and user.notify_by_email


def notification_emails_queue(notification_ids: list[int]) -> None:
    """Hand the emails to the workers; one the broker refuses waits for the housekeeping."""
    from .tasks import send_notification_email

    for pk in notification_ids:
        try:
            send_notification_email.delay(pk)
        # The broker is down, or (tasks run in the request, without a broker) the mail server
        # refused and the task asks to be retried: the message is in the inbox already, and
        # the email waits for the housekeeping.
        except (BrokerUnavailable, Retry):
            logger.warning("Notification %s: email not queued, retried later", pk, exc_info=True)


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Send the notification's email unless it went already; answers whether it was sent.

    A failure of the mail server raises (and rolls back): the task retries."""
    notification = (
        notifications_select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not _wants_email(notification.recipient):
        return False
    text = notification.body
    if notification.url:
        text = f"{text}\n\n{portal_link(notification.url)}".lstrip()
    EmailMessage(
        subject=notification.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={"Message-ID": f"<notification-{notification.pk}@{settings.EMAIL_MESSAGE_DOMAIN}>"},
    ).send()
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def notification_emails_requeue(*, now=None) -> int:
    """Queue again the emails that never reached a worker; answers how many."""
    now = now or timezone.now()
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=now - EMAIL_REQUEUE_AFTER,
            created_at__gte=now - EMAIL_GIVE_UP_AFTER,
            recipient__notify_by_email=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)
    )
    notification_emails_queue(pending)
    return len(pending)


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all of them when no ids are given) as read."""
    inbox = Notification.objects.filter(recipient=user).unread()
    if notification_ids is not None:
        inbox = inbox.filter(pk__in=list(notification_ids))
    return inbox.update(read_at=timezone.now())
