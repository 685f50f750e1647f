"""The row lock of the accounts app: a person's own row, while they edit their profile."""

from django.db.models import QuerySet

from .models import User


def users_select_for_update() -> QuerySet[User]:
    return User.objects.order_by("pk").select_for_update(of=("self",))
