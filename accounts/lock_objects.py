"""The row locks of the accounts app: a person's own row while they edit their profile; a
notification while its email is sent (never both in one transaction)."""

from django.db.models import QuerySet

from .models import Notification, User


def users_select_for_update() -> QuerySet[User]:
    return User.objects.order_by("pk").select_for_update(of=("self",))


def notifications_select_for_update() -> QuerySet[Notification]:
    """A notification while its email is sent: one sender at a time, so it goes out once."""
    return Notification.objects.order_by("pk").select_for_update(of=("self",))
