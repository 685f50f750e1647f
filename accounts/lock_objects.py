"""The row locks of the accounts app, never two kinds in one transaction: a person's row while
they (or their team's owner, or the province) change it; an invitation while it is accepted; a
notification while its email is sent."""

from django.db.models import QuerySet

from .models import Invitation, Notification, User


def users_select_for_update() -> QuerySet[User]:
    return User.objects.order_by("pk").select_for_update(of=("self",))


def notifications_select_for_update() -> QuerySet[Notification]:
    """A notification while its email is sent: one sender at a time, so it goes out once."""
    return Notification.objects.order_by("pk").select_for_update(of=("self",))


def invitations_select_for_update() -> QuerySet[Invitation]:
    return Invitation.objects.order_by("pk").select_for_update(of=("self",))
