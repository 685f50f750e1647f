"""Telling people what concerns them: an inbox row per recipient, and an email after commit."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, User


@transaction.atomic
def notify(
    *, recipients: Iterable[User], subject: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Put the message in each recipient's inbox; email those with an address once committed.

    ``subject`` and ``body`` are stored as given: callers translate them (the portal writes in
    its default language, Simplified Chinese, unless a caller overrides it).
    """
    people = {user.pk: user for user in recipients if user.is_active}
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, subject=str(subject)[:200], body=str(body), url=url)
            for pk in sorted(people)
        ]
    )
    emails = [
        (str(subject), _email_text(str(body), url), settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in people.values()
        if user.email
    ]
    if emails:
        transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=True))
    return notifications


def _email_text(body: str, url: str) -> str:
    if not url:
        return body
    return f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{url}"


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all of them when no ids are given) as read."""
    inbox = Notification.objects.filter(recipient=user).unread()
    if notification_ids is not None:
        inbox = inbox.filter(pk__in=list(notification_ids))
    return inbox.update(read_at=timezone.now())
