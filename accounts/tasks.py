"""Celery tasks of the accounts app: they take ids and call the services."""

from smtplib import SMTPException

from celery import shared_task

from .notifications import notification_email_send, notification_emails_requeue


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification; a redelivery or a retry of a sent one sends nothing."""
    return notification_email_send(notification_id=notification_id)


@shared_task
def notification_email_housekeeping() -> int:
    """Beat, every quarter hour: queue the emails that found the broker down."""
    return notification_emails_requeue()
