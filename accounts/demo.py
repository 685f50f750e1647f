"""The demo's provincial official (the registry's demo adds one official per city and county)
and the accounts ``seed_demo`` prints."""

from portal.seeding import DemoContext

from .models import Role, User


def seed(context: DemoContext) -> None:
    User.objects.create(
        username="province",
        first_name="浙江省科技厅",
        role=Role.PROVINCIAL_OFFICIAL,
        password=context.password_hash,
        email="province@example.org",
    )


def headline_accounts() -> list[tuple[str, str]]:
    """One account of each kind, read back from the seeded database."""
    accounts = [
        ("province", "provincial official: the whole province"),
        ("city-330700", "Jinhua city official (city-<code> for each of the 11 cities)"),
        ("county-330784", "Yongkang county official (county-<code> for each county)"),
    ]
    operator = User.objects.filter(role=Role.OPERATOR).order_by("username").first()
    if operator:
        accounts.append((operator.username, "operator of a complex (op-<complex code>)"))
    enterprise_users = User.objects.filter(role=Role.ENTERPRISE).order_by("username")
    enterprise_user = enterprise_users.filter(enterprise__verified=True).first()
    if enterprise_user:
        accounts.append((enterprise_user.username, "enterprise user (ent-<credit code>)"))
    pending_user = enterprise_users.filter(enterprise__verified=False).first()
    if pending_user:
        accounts.append((pending_user.username, "enterprise user awaiting verification"))
    existing = set(
        User.objects.filter(username__in=[name for name, _ in accounts]).values_list(
            "username", flat=True
        )
    )
    return [(username, text) for username, text in accounts if username in existing]
