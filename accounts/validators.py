"""User names a person may not choose for themselves."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Names that read as the portal speaking, or as its administrators.
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "system",
        "province",
        "support",
        "security",
        "staff",
        "postmaster",
        "webmaster",
    }
)
# The shapes of provisioned accounts (seed_demo and the officials' own): city-<code>,
# county-<code>, op-<complex code>, ent-<credit code>.
PROVISIONED_PREFIXES = ("city-", "county-", "op-", "ent-")


def validate_username_not_reserved(username: str) -> None:
    name = (username or "").strip().casefold()
    if name in RESERVED_USERNAMES or name.startswith(PROVISIONED_PREFIXES):
        raise ValidationError(
            _("This user name is reserved for the portal's own accounts: choose another."),
            code="reserved",
        )
