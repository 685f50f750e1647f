"""Changes people make to their own account. Every function is one transaction."""

from django.db import transaction

from .lock_objects import users_select_for_update
from .models import User

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "language", "notify_by_email")


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    language: str,
    notify_by_email: bool,
) -> User:
    """The person's own name, contact details, language (of the portal and of their messages)
    and whether their messages also go out by email."""
    locked = users_select_for_update().get(pk=user.pk)
    locked.first_name, locked.last_name = first_name.strip(), last_name.strip()
    locked.email, locked.phone = User.objects.normalize_email(email.strip()), phone.strip()
    locked.language, locked.notify_by_email = language, notify_by_email
    locked.full_clean(exclude=["password"], validate_unique=False)
    locked.save(update_fields=PROFILE_FIELDS)
    return locked
